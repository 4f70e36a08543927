/* SPDX-License-Identifier: MIT */
/*
 * sweep-tables.c - the metrics of a sweep's points and the tables made of
 * them: sweep.csv, sweep.json, the gnuplot data and the table printed on
 * the terminal (docs/sweeps.md names the columns).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmesim/sweep.h>

#include "engine/nvmesim-internal.h"
#include "engine/sweep.h"

/*
 * ---------------------------------------------------------------------------
 * Rows: the metrics of one point
 * ---------------------------------------------------------------------------
 */

/* ratio - @a / @b, 0 when @b is 0 */
static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/*
 * nvmesim_sweep_row_compute - the metrics of point @r into @row, with @lat
 * (scratch, overwritten) receiving the total latency of every job and
 * direction: IOPS and bandwidth over the simulated time, latency mean and
 * percentiles from the merged histogram, the conversation per I/O.
 */
void nvmesim_sweep_row_compute(struct nvmesim_sweep_row *row, const struct nvmesim_results *r,
			       struct nvmesim_hist *lat)
{
	const struct nvmesim_counters *c = &r->counters;
	unsigned int j, d;
	double ios;

	memset(row, 0, sizeof(*row));
	nvmesim_hist_init(lat);
	for (j = 0; j < r->nr_jobs; j++) {
		for (d = 0; d < NVMESIM_DIRS; d++) {
			row->ios += r->jobs[j].dir[d].ios;
			row->bytes += r->jobs[j].dir[d].bytes;
			row->errors += r->jobs[j].dir[d].errors;
			nvmesim_hist_merge(lat, &r->jobs[j].dir[d].lat);
		}
	}
	ios = (double)row->ios;
	row->sim_time_ns = r->sim_time_ns;
	row->iops = ratio(ios * 1e9, (double)r->sim_time_ns);
	row->bw_bytes = ratio((double)row->bytes * 1e9, (double)r->sim_time_ns);
	row->lat_mean_ns = lat->count ? lat->mean : 0;
	row->lat_p50_ns = nvmesim_hist_percentile(lat, 50);
	row->lat_p99_ns = nvmesim_hist_percentile(lat, 99);
	row->lat_p999_ns = nvmesim_hist_percentile(lat, 99.9);
	row->lat_max_ns = lat->max;
	row->mmio_writes_per_io = ratio((double)c->mmio_writes, ios);
	row->sq_doorbells_per_io = ratio((double)c->sq_doorbells, ios);
	row->cq_doorbells_per_io = ratio((double)c->cq_doorbells, ios);
	row->sq_shadow_per_io = ratio((double)c->sq_shadow, ios);
	row->cq_shadow_per_io = ratio((double)c->cq_shadow, ios);
	row->interrupts_per_io = ratio((double)c->interrupts, ios);
	row->cqes_per_reap = ratio((double)c->cqes, (double)c->reaps);
	/* results without a timing model (or read from an older summary.json) have no CPU
	 * time: the column stays empty */
	row->cpu_ns_per_io = c->cpu_ns ? ratio((double)c->cpu_ns, ios) : NAN;
	row->mean_inflight = ratio(c->inflight_ns, (double)r->sim_time_ns);
}

/*
 * ---------------------------------------------------------------------------
 * Tables
 * ---------------------------------------------------------------------------
 */

/* csv_value - @v as a CSV field: quoted ("" for ") when it holds , " or spaces at its ends */
static void csv_value(FILE *f, const char *v)
{
	size_t n = strlen(v);

	if (!strpbrk(v, ",\"") && n && v[0] != ' ' && v[n - 1] != ' ') {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

/* nvmesim_sweep_point_folder - nvmesim_sweep_point_name() that cannot fail for a valid index */
void nvmesim_sweep_point_folder(const struct nvmesim_sweep *s, uint64_t p, char *buf, size_t len)
{
	if (nvmesim_sweep_point_name(s, p, buf, len))
		snprintf(buf, len, "%04" PRIu64, p);
}

/* nvmesim_sweep_csv_write - sweep.csv: a header, then one row per point with results; 0 */
int nvmesim_sweep_csv_write(const void *arg, FILE *f)
{
	const struct merge_ctx *m = arg;
	const struct nvmesim_sweep_row *r;
	char name[160];
	unsigned int k;
	uint64_t p;

	fputs("index", f);
	for (k = 0; k < m->s->nr_keys; k++)
		fprintf(f, ",%s", m->s->keys[k].name);
	fputs(",runs,ios,bytes,errors,sim_time_ns,iops,bw_bytes,lat_mean_ns,lat_p50_ns,"
	      "lat_p99_ns,lat_p999_ns,lat_max_ns,mmio_writes_per_io,sq_doorbells_per_io,"
	      "cq_doorbells_per_io,sq_shadow_per_io,cq_shadow_per_io,interrupts_per_io,"
	      "cqes_per_reap,cpu_ns_per_io,mean_inflight,folder\n", f);
	for (p = 0; p < m->nr_points; p++) {
		r = &m->rows[p];
		if (!r->runs)
			continue;
		fprintf(f, "%" PRIu64, p);
		for (k = 0; k < m->s->nr_keys; k++) {
			fputc(',', f);
			csv_value(f, nvmesim_sweep_value(m->s, p, k));
		}
		fprintf(f, ",%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.3f,%.3f,%.3f,"
			"%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%.6f,%.6f,%.6f,%.6f,"
			"%.6f,%.6f,", r->runs, r->ios, r->bytes, r->errors, r->sim_time_ns, r->iops,
			r->bw_bytes, r->lat_mean_ns, r->lat_p50_ns, r->lat_p99_ns, r->lat_p999_ns,
			r->lat_max_ns, r->mmio_writes_per_io, r->sq_doorbells_per_io,
			r->cq_doorbells_per_io, r->sq_shadow_per_io, r->cq_shadow_per_io,
			r->interrupts_per_io, r->cqes_per_reap);
		if (isfinite(r->cpu_ns_per_io))
			fprintf(f, "%.3f", r->cpu_ns_per_io);
		nvmesim_sweep_point_folder(m->s, p, name, sizeof(name));
		fprintf(f, ",%.3f,points/%s\n", r->mean_inflight, name);
	}
	return 0;
}

/* json_str - @s as a JSON string (values and keys are ASCII; paths may be anything) */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c < 0x7f ? c : 0xfffd);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* json_base - the shared settings, when every input agreed on them */
static void json_base(FILE *f, const struct nvmesim_sweep *s)
{
	unsigned int i;

	if (!s->has_base)
		return;
	fputs("  \"trace\": ", f);
	if (s->trace)
		json_str(f, s->trace);
	else
		fputs("null", f);
	fputs(",\n  \"profile\": ", f);
	if (s->profile)
		json_str(f, s->profile);
	else
		fputs("null", f);
	if (s->seed_set)
		fprintf(f, ",\n  \"seed\": %" PRIu64, s->seed);
	else
		fputs(",\n  \"seed\": null", f);
	fputs(",\n  \"sets\": [", f);
	for (i = 0; i < s->nr_sets; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, s->sets[i]);
	}
	fputs("],\n", f);
}

/* nvmesim_sweep_json_write - sweep.json: the keys, their values and one object per point with
 * results; 0 */
int nvmesim_sweep_json_write(const void *arg, FILE *f)
{
	const struct merge_ctx *m = arg;
	const struct nvmesim_sweep *s = m->s;
	const struct nvmesim_sweep_row *r;
	char name[160];
	unsigned int k, v;
	uint64_t p;
	bool first = true;

	fprintf(f, "{\n  \"nvmesim_sweep\": 1,\n  \"version\": \"%s\",\n",
		NVMESIM_VERSION_STRING);
	json_base(f, s);
	fputs("  \"keys\": [", f);
	for (k = 0; k < s->nr_keys; k++) {
		fputs(k ? ", " : "", f);
		json_str(f, s->keys[k].name);
	}
	fputs("],\n  \"values\": {", f);
	for (k = 0; k < s->nr_keys; k++) {
		fputs(k ? ",\n    " : "\n    ", f);
		json_str(f, s->keys[k].name);
		fputs(": [", f);
		for (v = 0; v < s->keys[k].nr; v++) {
			fputs(v ? ", " : "", f);
			json_str(f, s->keys[k].values[v]);
		}
		fputc(']', f);
	}
	fprintf(f, "%s},\n  \"points_total\": %" PRIu64 ",\n  \"points_present\": %" PRIu64
		",\n  \"histogram_layout\": { \"sub_buckets\": %u, \"max_exp\": %u, \"unit\": "
		"\"ns\" },\n  \"points\": [", s->nr_keys ? "\n  " : "", m->nr_points, m->present,
		NVMESIM_HIST_SUB, NVMESIM_HIST_MAX_EXP);
	for (p = 0; p < m->nr_points; p++) {
		r = &m->rows[p];
		if (!r->runs)
			continue;
		nvmesim_sweep_point_folder(s, p, name, sizeof(name));
		fprintf(f, "%s\n    {\n      \"index\": %" PRIu64 ",\n      \"folder\": "
			"\"points/%s\",\n      \"values\": {", first ? "" : ",", p, name);
		first = false;
		for (k = 0; k < s->nr_keys; k++) {
			fputs(k ? ", " : " ", f);
			json_str(f, s->keys[k].name);
			fputs(": ", f);
			json_str(f, nvmesim_sweep_value(s, p, k));
		}
		fprintf(f, "%s},\n", s->nr_keys ? " " : "");
		fprintf(f, "      \"runs\": %u,\n      \"ios\": %" PRIu64 ",\n      \"bytes\": %"
			PRIu64 ",\n      \"errors\": %" PRIu64 ",\n      \"sim_time_ns\": %" PRIu64
			",\n      \"iops\": %.6f,\n      \"bw_bytes\": %.6f,\n      \"lat_ns\": { "
			"\"mean\": %.6f, \"p50\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"p99.9\": %"
			PRIu64 ", \"max\": %" PRIu64 " },\n", r->runs, r->ios, r->bytes, r->errors,
			r->sim_time_ns, r->iops, r->bw_bytes, r->lat_mean_ns, r->lat_p50_ns,
			r->lat_p99_ns, r->lat_p999_ns, r->lat_max_ns);
		fprintf(f, "      \"mmio_writes_per_io\": %.6f,\n      \"sq_doorbells_per_io\": "
			"%.6f,\n      \"cq_doorbells_per_io\": %.6f,\n      \"sq_shadow_per_io\": "
			"%.6f,\n      \"cq_shadow_per_io\": %.6f,\n      \"interrupts_per_io\": "
			"%.6f,\n      \"cqes_per_reap\": %.6f,\n      \"cpu_ns_per_io\": ",
			r->mmio_writes_per_io, r->sq_doorbells_per_io, r->cq_doorbells_per_io,
			r->sq_shadow_per_io, r->cq_shadow_per_io, r->interrupts_per_io,
			r->cqes_per_reap);
		if (isfinite(r->cpu_ns_per_io))
			fprintf(f, "%.6f", r->cpu_ns_per_io);
		else
			fputs("null", f);
		fprintf(f, ",\n      \"mean_inflight\": %.6f\n    }", r->mean_inflight);
	}
	fprintf(f, "%s]\n}\n", first ? "" : "\n  ");
	return 0;
}

/* plot_label - @v for a gnuplot title: tabs cannot occur; '"' would end a string there */
static void plot_label(FILE *f, const char *v)
{
	for (; *v; v++)
		fputc(*v == '"' ? '\'' : *v, f);
}

/* series_label - "key=value, key=value" of every key but the first at point @p */
static void series_label(FILE *f, const struct nvmesim_sweep *s, uint64_t p)
{
	unsigned int k;

	if (s->nr_keys < 2) {
		fputs("all points", f);
		return;
	}
	for (k = 1; k < s->nr_keys; k++) {
		fprintf(f, "%s%s=", k > 1 ? ", " : "", s->keys[k].name);
		plot_label(f, nvmesim_sweep_value(s, p, k));
	}
}

/* numeric - whether @v is a plain number, and its value */
static bool numeric(const char *v, double *x)
{
	char *end;

	*x = strtod(v, &end);
	return end != v && !*end && isfinite(*x);
}

/* struct plot_pt - one point of a series, for sorting by x */
struct plot_pt {
	double x;		/* the first key's value, or its position */
	uint64_t p;		/* point index */
};

/* plot_pt_cmp - qsort() order by x, then by point (ties cannot happen, values are distinct) */
static int plot_pt_cmp(const void *a, const void *b)
{
	const struct plot_pt *x = a, *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return x->p < y->p ? -1 : x->p > y->p;
}

/*
 * nvmesim_sweep_plot_write - sweep-plot.dat: one block per series (a combination of the
 * keys after the first), each opening with a header row whose third column
 * names the series (gnuplot's columnheader), then its points sorted by the
 * first key; tab-separated.  Returns 0 or -ENOMEM.
 */
int nvmesim_sweep_plot_write(const void *arg, FILE *f)
{
	const struct merge_ctx *m = arg;
	const struct nvmesim_sweep *s = m->s;
	const struct nvmesim_sweep_row *r;
	unsigned int nx = s->nr_keys ? s->keys[0].nr : 1, xi, n;
	uint64_t nser = m->nr_points / nx, ser, p;
	struct plot_pt *pts;
	bool xnum = s->nr_keys > 0;
	unsigned int blocks = 0;
	double x;

	for (xi = 0; xnum && xi < nx; xi++)
		xnum = numeric(s->keys[0].values[xi], &x);
	pts = calloc(nx, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	fprintf(f, "# nvmesim sweep plot data (docs/sweeps.md): one block per series, x = %s\n",
		s->nr_keys ? s->keys[0].name : "(none)");
	for (ser = 0; ser < nser; ser++) {
		/* the first key varies slowest: a series is every nser-th point */
		for (n = 0, xi = 0; xi < nx; xi++) {
			p = (uint64_t)xi * nser + ser;
			if (!m->rows[p].runs)
				continue;
			pts[n].p = p;
			if (!xnum || !numeric(s->keys[0].values[xi], &pts[n].x))
				pts[n].x = xi + 1;
			n++;
		}
		if (!n)
			continue;
		qsort(pts, n, sizeof(*pts), plot_pt_cmp);
		/* blocks are separated by two blank lines; none after the last (gnuplot would
		 * count an empty block) */
		if (blocks++)
			fputs("\n\n", f);
		fputs("x\tx_label\t", f);
		series_label(f, s, pts[0].p);
		fputs("\tiops\tp99_us\tmmio_writes_per_io\tmean_us\tinterrupts_per_io\tx_numeric\n",
		      f);
		for (xi = 0; xi < n; xi++) {
			r = &m->rows[pts[xi].p];
			fprintf(f, "%.17g\t", pts[xi].x);
			if (s->nr_keys)
				plot_label(f, nvmesim_sweep_value(s, pts[xi].p, 0));
			else
				fputs("run", f);
			fputc('\t', f);
			series_label(f, s, pts[xi].p);
			fprintf(f, "\t%.3f\t%.3f\t%.6f\t%.3f\t%.6f\t%d\n", r->iops,
				(double)r->lat_p99_ns / 1000.0, r->mmio_writes_per_io,
				r->lat_mean_ns / 1000.0, r->interrupts_per_io, xnum ? 1 : 0);
		}
	}
	free(pts);
	return 0;
}

/* lat_label - the CDF curve's title for point @p: "iodepth=4 queues=2" (short keys) */
static void lat_label(FILE *f, const struct nvmesim_sweep *s, uint64_t p)
{
	unsigned int k;

	if (!s->nr_keys)
		fputs("run", f);
	for (k = 0; k < s->nr_keys; k++) {
		fprintf(f, "%s%s=", k ? " " : "", nvmesim_sweep_short_key(s->keys[k].name));
		plot_label(f, nvmesim_sweep_value(s, p, k));
	}
}

/*
 * nvmesim_sweep_lat_block - point @p's total-latency CDF as a block of sweep-lat.dat: a
 * header row naming the point, a row at the first bucket's lower bound with
 * 0, then the cumulative share at every non-empty bucket's upper bound
 * (clamped to the largest value, as percentiles are).
 */
void nvmesim_sweep_lat_block(FILE *f, const struct nvmesim_sweep *s, uint64_t p,
			     const struct nvmesim_hist *h, bool first_block)
{
	uint64_t lo, hi, cum = 0;
	bool first = true;
	unsigned int i;

	if (!h->count)
		return;
	if (!first_block)
		fputs("\n\n", f);
	fputs("latency_us\tshare\t", f);
	lat_label(f, s, p);
	fprintf(f, "\t%" PRIu64 "\n", p);
	for (i = 0; i < NVMESIM_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		nvmesim_hist_bounds(i, &lo, &hi);
		if (first)
			fprintf(f, "%.3f\t0\t-\t%" PRIu64 "\n", (double)lo / 1000.0, p);
		first = false;
		cum += h->buckets[i];
		fprintf(f, "%.3f\t%.6f\t-\t%" PRIu64 "\n",
			(double)(hi < h->max ? hi : h->max) / 1000.0,
			(double)cum / (double)h->count, p);
	}
}

/* nvmesim_sweep_text_table - the rows for a terminal: keys, IOPS, bandwidth, latency,
 * conversation */
void nvmesim_sweep_text_table(FILE *f, const struct merge_ctx *m)
{
	const struct nvmesim_sweep *s = m->s;
	const struct nvmesim_sweep_row *r;
	unsigned int k, v;
	size_t w[NVMESIM_SWEEP_MAX_KEYS];
	uint64_t p;

	for (k = 0; k < s->nr_keys; k++) {
		w[k] = strlen(s->keys[k].name);
		for (v = 0; v < s->keys[k].nr; v++)
			w[k] = NVMESIM_MAX(w[k], strlen(s->keys[k].values[v]));
	}
	for (k = 0; k < s->nr_keys; k++)
		fprintf(f, "%*s  ", (int)w[k], s->keys[k].name);
	fprintf(f, "%12s %10s %10s %10s %10s %8s %8s %8s %8s\n", "IOPS", "MiB/s", "mean_us",
		"p99_us", "p99.9_us", "mmio/IO", "sqdb/IO", "irq/IO", "cqe/reap");
	for (p = 0; p < m->nr_points; p++) {
		r = &m->rows[p];
		if (!r->runs)
			continue;
		for (k = 0; k < s->nr_keys; k++)
			fprintf(f, "%*s  ", (int)w[k], nvmesim_sweep_value(s, p, k));
		fprintf(f, "%12.0f %10.1f %10.2f %10.2f %10.2f %8.3f %8.3f %8.3f %8.3f\n", r->iops,
			r->bw_bytes / 1048576.0, r->lat_mean_ns / 1000.0,
			(double)r->lat_p99_ns / 1000.0, (double)r->lat_p999_ns / 1000.0,
			r->mmio_writes_per_io, r->sq_doorbells_per_io, r->interrupts_per_io,
			r->cqes_per_reap);
	}
}
