/* SPDX-License-Identifier: MIT */
/*
 * compare.c - two result folders side by side (`nvmesim compare`).
 *
 * Both runs are read back from their folders (readback.c: summary.json and
 * the histogram CSVs), so any two folders compare, wherever and whenever
 * they were written: two profiles, two strategies, the simulator against a
 * real drive.  Per op type the jobs' total-latency histograms are added
 * bucket by bucket, so the percentiles are those of every I/O of that type,
 * computed as everywhere else (reports.md, "Percentiles").  Counters are
 * compared only when both summaries recorded them.
 *
 * Outputs: the table for a terminal, compare.csv (one row per group and
 * metric: the two values and B / A), compare.json (the same, nested), and
 * the plot data of compare-cdf.gp and compare-hist.gp: compare-lat.dat (the
 * CDF of each run and op type) and compare-hist.dat (their buckets).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmesim/compare.h>
#include <nvmesim/sweep.h>

#include "engine/c-numeric.h"
#include "engine/files.h"
#include "engine/nvmesim-internal.h"
#include "engine/readback.h"

/* Op types compared: the three directions, then every I/O together. */
#define CMP_ALL NVMESIM_DIRS
#define CMP_GROUPS (NVMESIM_DIRS + 1)
/* Rows of the table at most: metrics per group, and the counters. */
#define CMP_GROUP_METRICS 8
#define CMP_MAX_ROWS (CMP_GROUPS * CMP_GROUP_METRICS + 32)

static const char *const cmp_groups[CMP_GROUPS] = { "read", "write", "trim", "all" };

/* struct cmp_group - one op type of one run */
struct cmp_group {
	uint64_t ios;			/* I/Os */
	uint64_t bytes;			/* their bytes */
	uint64_t span_ns;		/* the time IOPS and bandwidth are taken over */
	struct nvmesim_hist lat;	/* total latency of every I/O of the type */
};

/* struct cmp_run - one of the two runs */
struct cmp_run {
	const char *dir;		/* the folder as given */
	struct nvmesim_results *r;	/* read back */
	uint32_t present;		/* enum nvmesim_rb_key bits summary.json had */
	struct cmp_group g[CMP_GROUPS];	/* per op type */
};

/* enum cmp_fmt - how a row's values are printed */
enum cmp_fmt {
	CMP_INT,			/* a count or nanoseconds: integer */
	CMP_RATE,			/* a rate or mean: three decimals */
	CMP_RATIO,			/* a per-I/O ratio: six decimals */
};

/* struct cmp_row - one line of the comparison */
struct cmp_row {
	const char *group;		/* "read", ..., "all", "nvmesim" */
	const char *metric;		/* CSV/JSON name: "iops", "lat_p99_ns", ... */
	const char *label;		/* for the table: "IOPS", "p99 (us)" */
	double a;			/* run A's value (raw unit) */
	double b;			/* run B's value */
	double scale;			/* the table shows value / scale */
	enum cmp_fmt fmt;		/* CSV and JSON format */
	int decimals;			/* the table's decimals */
};

/* struct cmp_ctx - everything the writers need */
struct cmp_ctx {
	struct cmp_run run[2];		/* A, B */
	struct cmp_row rows[CMP_MAX_ROWS]; /* in table order */
	unsigned int nr_rows;		/* entries used */
};

/*
 * cmp_read - read run folder @dir into @run and add up its op types; 0,
 * -ENOENT (no summary.json), or -errno with @diag naming the folder
 */
static int cmp_read(struct cmp_run *run, const char *dir, struct nvmesim_diag *diag)
{
	const struct nvmesim_job_stats *j;
	struct cmp_group *g;
	unsigned int i, d;
	uint64_t span;
	int ret;

	run->dir = dir;
	for (i = 0; i < CMP_GROUPS; i++)
		nvmesim_hist_init(&run->g[i].lat);
	ret = nvmesim_readback_dir(dir, &run->r, &run->present, diag);
	if (ret == -ENOENT)
		nvmesim_diag_set(diag, "%s: not a result folder (no summary.json; 'nvmesim run "
				 "-o DIR' writes one)", dir);
	if (ret)
		return ret;
	for (i = 0; i < run->r->nr_jobs; i++) {
		j = &run->r->jobs[i];
		span = j->end_ns > j->start_ns ? j->end_ns - j->start_ns : 0;
		for (d = 0; d < NVMESIM_DIRS; d++) {
			if (!j->dir[d].ios)
				continue;
			g = &run->g[d];
			g->ios += j->dir[d].ios;
			g->bytes += j->dir[d].bytes;
			/* fio's group span, as far as summary.json keeps it: the longest job */
			g->span_ns = NVMESIM_MAX(g->span_ns, span);
			nvmesim_hist_merge(&g->lat, &j->dir[d].lat);
			g = &run->g[CMP_ALL];
			g->ios += j->dir[d].ios;
			g->bytes += j->dir[d].bytes;
			nvmesim_hist_merge(&g->lat, &j->dir[d].lat);
		}
	}
	run->g[CMP_ALL].span_ns = run->r->sim_time_ns;
	return 0;
}

/* per_sec - @n per second of @ns, 0 for no time */
static double per_sec(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0;
}

/* ratio - @a / @b, 0 when @b is 0 */
static double ratio(double a, double b)
{
	return b != 0 ? a / b : 0;
}

/* add_row - append a row (silently ignored past the table's size, which cannot happen) */
static void add_row(struct cmp_ctx *c, const char *group, const char *metric, const char *label,
		    double a, double b, double scale, enum cmp_fmt fmt, int decimals)
{
	struct cmp_row *r;

	if (c->nr_rows >= CMP_MAX_ROWS)
		return;
	r = &c->rows[c->nr_rows++];
	r->group = group;
	r->metric = metric;
	r->label = label;
	r->a = a;
	r->b = b;
	r->scale = scale;
	r->fmt = fmt;
	r->decimals = decimals;
}

/* group_rows - the rows of op type @i: I/Os, IOPS, bandwidth, latency mean and percentiles */
static void group_rows(struct cmp_ctx *c, unsigned int i)
{
	const struct cmp_group *a = &c->run[0].g[i], *b = &c->run[1].g[i];
	const char *n = cmp_groups[i];

	add_row(c, n, "ios", "I/Os", (double)a->ios, (double)b->ios, 1, CMP_INT, 0);
	add_row(c, n, "iops", "IOPS", per_sec(a->ios, a->span_ns), per_sec(b->ios, b->span_ns),
		1, CMP_RATE, 0);
	add_row(c, n, "bw_bytes", "MiB/s", per_sec(a->bytes, a->span_ns),
		per_sec(b->bytes, b->span_ns), 1048576.0, CMP_RATE, 1);
	add_row(c, n, "lat_mean_ns", "mean (us)", a->lat.count ? a->lat.mean : 0,
		b->lat.count ? b->lat.mean : 0, 1000.0, CMP_RATE, 2);
	add_row(c, n, "lat_p50_ns", "p50 (us)", (double)nvmesim_hist_percentile(&a->lat, 50),
		(double)nvmesim_hist_percentile(&b->lat, 50), 1000.0, CMP_INT, 2);
	add_row(c, n, "lat_p99_ns", "p99 (us)", (double)nvmesim_hist_percentile(&a->lat, 99),
		(double)nvmesim_hist_percentile(&b->lat, 99), 1000.0, CMP_INT, 2);
	add_row(c, n, "lat_p999_ns", "p99.9 (us)",
		(double)nvmesim_hist_percentile(&a->lat, 99.9),
		(double)nvmesim_hist_percentile(&b->lat, 99.9), 1000.0, CMP_INT, 2);
	add_row(c, n, "lat_max_ns", "max (us)", (double)a->lat.max, (double)b->lat.max, 1000.0,
		CMP_INT, 2);
}

/* struct cmp_counter - a counter of summary.json's "nvmesim" object */
struct cmp_counter {
	const char *name;		/* its key */
	enum nvmesim_rb_key key;	/* its presence bit */
	int per;			/* 0 count, 1 per I/O, 2 per reap, 3 mean_inflight */
};

/* counter_value - counter @k of @run: the count, or the ratio it asks for */
static double counter_value(const struct cmp_run *run, const struct cmp_counter *k)
{
	const struct nvmesim_results *r = run->r;
	const struct nvmesim_counters *c = &r->counters;
	const uint64_t v[NVMESIM_RB_KEYS] = {
		[NVMESIM_RB_SIM_TIME_NS] = r->sim_time_ns,
		[NVMESIM_RB_MMIO_READS] = c->mmio_reads,
		[NVMESIM_RB_MMIO_WRITES] = c->mmio_writes,
		[NVMESIM_RB_SQ_DOORBELLS] = c->sq_doorbells,
		[NVMESIM_RB_CQ_DOORBELLS] = c->cq_doorbells,
		[NVMESIM_RB_SQ_SHADOW] = c->sq_shadow,
		[NVMESIM_RB_CQ_SHADOW] = c->cq_shadow,
		[NVMESIM_RB_INTERRUPTS] = c->interrupts,
		[NVMESIM_RB_REAPS] = c->reaps,
		[NVMESIM_RB_CQES] = c->cqes,
		[NVMESIM_RB_COMMANDS] = c->commands,
		[NVMESIM_RB_POLLS] = c->polls,
		[NVMESIM_RB_IDLE_POLLS] = c->idle_polls,
		[NVMESIM_RB_CPU_NS] = c->cpu_ns,
	};

	switch (k->per) {
	case 1:
		return ratio((double)v[k->key], (double)run->g[CMP_ALL].ios);
	case 2:
		return ratio((double)c->cqes, (double)c->reaps);
	case 3:
		return ratio(c->inflight_ns, (double)r->sim_time_ns);
	default:
		return (double)v[k->key];
	}
}

/* counter_rows - the conversation counters both summaries recorded, and their ratios */
static void counter_rows(struct cmp_ctx *c)
{
	static const struct cmp_counter counters[] = {
		{ "sim_time_ns", NVMESIM_RB_SIM_TIME_NS, 0 },
		{ "commands", NVMESIM_RB_COMMANDS, 0 },
		{ "mmio_writes", NVMESIM_RB_MMIO_WRITES, 0 },
		{ "mmio_writes_per_io", NVMESIM_RB_MMIO_WRITES, 1 },
		{ "sq_doorbells", NVMESIM_RB_SQ_DOORBELLS, 0 },
		{ "sq_doorbells_per_io", NVMESIM_RB_SQ_DOORBELLS, 1 },
		{ "cq_doorbells", NVMESIM_RB_CQ_DOORBELLS, 0 },
		{ "cq_doorbells_per_io", NVMESIM_RB_CQ_DOORBELLS, 1 },
		{ "sq_shadow", NVMESIM_RB_SQ_SHADOW, 0 },
		{ "cq_shadow", NVMESIM_RB_CQ_SHADOW, 0 },
		{ "interrupts", NVMESIM_RB_INTERRUPTS, 0 },
		{ "interrupts_per_io", NVMESIM_RB_INTERRUPTS, 1 },
		{ "reaps", NVMESIM_RB_REAPS, 0 },
		{ "cqes", NVMESIM_RB_CQES, 0 },
		{ "cqes_per_reap", NVMESIM_RB_REAPS, 2 },
		{ "polls", NVMESIM_RB_POLLS, 0 },
		{ "idle_polls", NVMESIM_RB_IDLE_POLLS, 0 },
		{ "cpu_ns", NVMESIM_RB_CPU_NS, 0 },
		{ "cpu_ns_per_io", NVMESIM_RB_CPU_NS, 1 },
		{ "mean_inflight", NVMESIM_RB_MEAN_INFLIGHT, 3 },
	};
	const struct cmp_counter *k;
	uint32_t both = c->run[0].present & c->run[1].present;
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(counters); i++) {
		k = &counters[i];
		/* cqes_per_reap needs both of its counters */
		if (!(both & (1u << k->key)) ||
		    (k->per == 2 && !(both & (1u << NVMESIM_RB_CQES))))
			continue;
		add_row(c, "nvmesim", k->name, k->name, counter_value(&c->run[0], k),
			counter_value(&c->run[1], k), 1, k->per ? CMP_RATIO : CMP_INT,
			k->per == 1 || k->per == 2 ? 3 : k->per == 3 ? 2 : 0);
	}
}

/* put_value - @v in a row's CSV/JSON format */
static void put_value(FILE *f, double v, enum cmp_fmt fmt)
{
	if (fmt == CMP_INT)
		fprintf(f, "%.0f", v);
	else if (fmt == CMP_RATE)
		fprintf(f, "%.3f", v);
	else
		fprintf(f, "%.6f", v);
}

/* has_ratio - whether row @r has a ratio B / A (A not 0) */
static bool has_ratio(const struct cmp_row *r)
{
	return r->a != 0;
}

/* text_value - @v / @scale right-aligned in @w columns with @dec decimals */
static void text_value(FILE *f, double v, double scale, int dec, int w)
{
	fprintf(f, " %*.*f", w, dec, v / scale);
}

/* text_table - the table: one block per op type with I/O in either run, then the counters */
static void text_table(FILE *f, const struct cmp_ctx *c)
{
	const struct cmp_row *r;
	const char *group = NULL;
	unsigned int i;

	fprintf(f, "A: %s\nB: %s\n", c->run[0].dir, c->run[1].dir);
	for (i = 0; i < c->nr_rows; i++) {
		r = &c->rows[i];
		if (!group || strcmp(group, r->group)) {
			group = r->group;
			fprintf(f, "\n%-22s %16s %16s %10s\n", group, "A", "B", "B/A");
		}
		fprintf(f, "  %-20s", r->label);
		text_value(f, r->a, r->scale, r->decimals, 16);
		text_value(f, r->b, r->scale, r->decimals, 16);
		if (has_ratio(r))
			fprintf(f, " %10.3f\n", r->b / r->a);
		else
			fprintf(f, " %10s\n", "-");
	}
}

/* csv_write - compare.csv: group,metric,a,b,b_over_a (empty when A is 0) */
static void csv_write(FILE *f, const struct cmp_ctx *c)
{
	const struct cmp_row *r;
	unsigned int i;

	fputs("group,metric,a,b,b_over_a\n", f);
	for (i = 0; i < c->nr_rows; i++) {
		r = &c->rows[i];
		fprintf(f, "%s,%s,", r->group, r->metric);
		put_value(f, r->a, r->fmt);
		fputc(',', f);
		put_value(f, r->b, r->fmt);
		fputc(',', f);
		if (has_ratio(r))
			fprintf(f, "%.6f", r->b / r->a);
		fputc('\n', f);
	}
}

/* json_str - @s as a JSON string: quotes, backslashes and control bytes escaped */
static void json_str(FILE *f, const char *s, size_t size)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < size && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* json_run - "a" or "b": the folder and what ran there */
static void json_run(FILE *f, const char *name, const struct cmp_run *run)
{
	const struct nvmesim_results *r = run->r;

	fprintf(f, "  \"%s\": {\n    \"dir\": ", name);
	json_str(f, run->dir, strlen(run->dir));
	fputs(",\n    \"trace\": ", f);
	json_str(f, r->trace, sizeof(r->trace));
	fputs(",\n    \"profile\": ", f);
	json_str(f, r->profile, sizeof(r->profile));
	fputs(",\n    \"backend\": ", f);
	json_str(f, r->backend, sizeof(r->backend));
	fprintf(f, ",\n    \"seed\": %" PRIu64 "\n  },\n", r->seed);
}

/* json_write - compare.json: both runs, then per group each metric's a, b and ratio */
static void json_write(FILE *f, const struct cmp_ctx *c)
{
	const struct cmp_row *r;
	const char *group = NULL;
	unsigned int i;

	fprintf(f, "{\n  \"nvmesim_compare\": 1,\n  \"version\": \"%s\",\n",
		NVMESIM_VERSION_STRING);
	json_run(f, "a", &c->run[0]);
	json_run(f, "b", &c->run[1]);
	fputs("  \"groups\": {", f);
	for (i = 0; i < c->nr_rows; i++) {
		r = &c->rows[i];
		if (!group || strcmp(group, r->group)) {
			fprintf(f, "%s\n    \"%s\": {", group ? "\n    }," : "", r->group);
			group = r->group;
		} else {
			fputc(',', f);
		}
		fprintf(f, "\n      \"%s\": { \"a\": ", r->metric);
		put_value(f, r->a, r->fmt);
		fputs(", \"b\": ", f);
		put_value(f, r->b, r->fmt);
		fputs(", \"ratio\": ", f);
		if (has_ratio(r))
			fprintf(f, "%.6f", r->b / r->a);
		else
			fputs("null", f);
		fputs(" }", f);
	}
	fprintf(f, "%s\n  }\n}\n", group ? "\n    }" : "");
}

/* base_name - the last part of @dir ("results/x/" -> "x"), for plot titles */
static void base_name(const char *dir, char *buf, size_t len)
{
	size_t n = strlen(dir);
	const char *s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	s = dir + n;
	while (s > dir && s[-1] != '/')
		s--;
	snprintf(buf, len, "%.*s", (int)(n - (size_t)(s - dir)), s);
	/* plot titles are data, but a double quote would end gnuplot's column header */
	for (; *buf; buf++)
		if (*buf == '"' || *buf == '\t' || *buf == '\n')
			*buf = '_';
}

/*
 * plot_blocks - compare-lat.dat (@hist false) or compare-hist.dat: one block
 * per run and op type with I/O, A's first, each opening with a header row
 * "latency_us <value> <title> <run> <op type>" whose third column titles the
 * curve; then the CDF (the cumulative share at each non-empty bucket's
 * upper bound, clamped to the largest value, from 0 at the first bucket's
 * lower bound) or the buckets (middle in us, I/Os).  Tab-separated.
 */
static void plot_blocks(FILE *f, const struct cmp_ctx *c, bool hist)
{
	const struct nvmesim_hist *h;
	char name[128];
	uint64_t lo, hi, cum;
	unsigned int r, d, i, blocks = 0;
	bool first;

	fprintf(f, "# nvmesim compare %s (docs/reports.md): one block per run and op type, "
		"total latency\n", hist ? "latency histograms" : "latency CDFs");
	for (r = 0; r < 2; r++) {
		base_name(c->run[r].dir, name, sizeof(name));
		for (d = 0; d < NVMESIM_DIRS; d++) {
			h = &c->run[r].g[d].lat;
			if (!h->count)
				continue;
			if (blocks++)
				fputs("\n\n", f);
			fprintf(f, "latency_us\t%s\t%c %s: %s\t%u\t%u\n", hist ? "ios" : "share",
				'A' + r, cmp_groups[d], name, r, d);
			cum = 0;
			first = true;
			for (i = 0; i < NVMESIM_HIST_BUCKETS; i++) {
				if (!h->buckets[i])
					continue;
				nvmesim_hist_bounds(i, &lo, &hi);
				if (hist) {
					fprintf(f, "%.3f\t%" PRIu64 "\t-\t%u\t%u\n",
						((double)lo + (double)hi) / 2000.0, h->buckets[i],
						r, d);
					continue;
				}
				if (first)
					fprintf(f, "%.3f\t0\t-\t%u\t%u\n", (double)lo / 1000.0, r,
						d);
				first = false;
				cum += h->buckets[i];
				fprintf(f, "%.3f\t%.6f\t-\t%u\t%u\n",
					(double)(hi < h->max ? hi : h->max) / 1000.0,
					(double)cum / (double)h->count, r, d);
			}
		}
	}
}

/* write_file - @dir/@name written by @fn through a temporary file; 0 or -errno with @diag */
static int write_file(const char *dir, const char *name, int (*fn)(const void *arg, FILE *f),
		      const struct cmp_ctx *c, struct nvmesim_diag *diag)
{
	int ret = nvmesim_write_atomic(dir, name, fn, c);

	if (ret)
		nvmesim_diag_set(diag, "%s/%s: %s", dir, name, strerror(-ret));
	return ret;
}

/* csv_fn, json_fn, lat_fn, hist_fn - the writers in nvmesim_write_atomic()'s shape */
static int csv_fn(const void *arg, FILE *f)
{
	csv_write(f, arg);
	return 0;
}

static int json_fn(const void *arg, FILE *f)
{
	json_write(f, arg);
	return 0;
}

static int lat_fn(const void *arg, FILE *f)
{
	plot_blocks(f, arg, false);
	return 0;
}

static int hist_fn(const void *arg, FILE *f)
{
	plot_blocks(f, arg, true);
	return 0;
}

/*
 * nvmesim_compare - read both folders, build the rows (op types with I/O in
 * either run, then the counters both recorded), print them on @text and
 * write the files into @out; returns 0 or -errno with @diag.
 */
int nvmesim_compare(const char *dir_a, const char *dir_b, const char *out, FILE *text,
		    struct nvmesim_diag *diag)
{
	locale_t loc = (locale_t)0, old;
	struct cmp_ctx *c;
	unsigned int i, r;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	old = nvmesim_c_numeric_begin(&loc);
	ret = cmp_read(&c->run[0], dir_a, diag);
	if (!ret)
		ret = cmp_read(&c->run[1], dir_b, diag);
	if (ret)
		goto free;
	for (i = 0; i < CMP_GROUPS; i++)
		if (i == CMP_ALL || c->run[0].g[i].ios || c->run[1].g[i].ios)
			group_rows(c, i);
	counter_rows(c);
	if (text) {
		text_table(text, c);
		fflush(text);
	}
	if (out) {
		ret = nvmesim_mkdir_p(out);
		if (ret) {
			nvmesim_diag_set(diag, "%s: %s", out, strerror(-ret));
			goto free;
		}
		ret = write_file(out, "compare.csv", csv_fn, c, diag);
		if (!ret)
			ret = write_file(out, "compare.json", json_fn, c, diag);
		if (!ret)
			ret = write_file(out, "compare-lat.dat", lat_fn, c, diag);
		if (!ret)
			ret = write_file(out, "compare-hist.dat", hist_fn, c, diag);
	}
free:
	nvmesim_c_numeric_end(loc, old);
	for (r = 0; r < 2; r++)
		nvmesim_results_free(c->run[r].r);
	free(c);
	return ret;
}
