/* SPDX-License-Identifier: MIT */
/*
 * report.c - what a run measured, as fio would print it.
 *
 * Three writers turn struct nvmesim_results into text: the fio-like summary
 * for a terminal, summary.json (a subset of fio's --output-format=json, so
 * tools written for fio read it, plus an "nvmesim" object with the cost of
 * the host/device conversation) and one histogram CSV per job, direction and
 * latency kind.  A fourth writes the time-series CSV one interval at a time.
 *
 * Everything here is deterministic: no wall clock (fio's "timestamp" is a
 * fixed 0), no locale (numbers follow the "C" rules even when the
 * application called setlocale()), fixed float formats (%.6f in JSON, %.3f
 * in CSV, fio's %5.02f in text).
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/c-numeric.h"
#include "engine/nvmesim-internal.h"

/* fio's direction names: the text labels and the JSON object keys */
static const char *const dir_names[NVMESIM_DIRS] = { "read", "write", "trim" };
static const char *const dir_upper[NVMESIM_DIRS] = { "READ", "WRITE", "TRIM" };

/* fio's latency kinds, in fio's order: submission, completion, total */
enum lat_kind { LAT_SLAT, LAT_CLAT, LAT_LAT, LAT_KINDS };
static const char *const kind_names[LAT_KINDS] = { "slat", "clat", "lat" };

/* kind_hist - the histogram of latency kind @k in @d */
static const struct nvmesim_hist *kind_hist(const struct nvmesim_dir_stats *d, enum lat_kind k)
{
	switch (k) {
	case LAT_SLAT:
		return &d->slat;
	case LAT_CLAT:
		return &d->clat;
	default:
		return &d->lat;
	}
}

/* finite0 - @v, or 0 for NaN and infinities, which neither JSON nor a reader wants */
static double finite0(double v)
{
	return isfinite(v) ? v : 0;
}

/* ratio - @a / @b, 0 when @b is 0 (a run without I/Os has no per-I/O cost) */
static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/* job_runtime_ns - first issue to last completion of @j, 0 if it never ran */
static uint64_t job_runtime_ns(const struct nvmesim_job_stats *j)
{
	return j->end_ns > j->start_ns ? j->end_ns - j->start_ns : 0;
}

/* ns_to_ms - @ns in whole milliseconds, rounded to nearest, for fio's "runtime" keys */
static uint64_t ns_to_ms(uint64_t ns)
{
	return ns / 1000000 + (ns % 1000000 >= 500000);
}

/* total_ios - I/Os of every job and direction */
static uint64_t total_ios(const struct nvmesim_results *r)
{
	uint64_t n = 0;
	unsigned int j, d;

	for (j = 0; j < r->nr_jobs; j++)
		for (d = 0; d < NVMESIM_DIRS; d++)
			n += r->jobs[j].dir[d].ios;
	return n;
}

/* bounded_len - length of char array @s of size @size, which need not be terminated */
static size_t bounded_len(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	return nul ? (size_t)(nul - s) : size;
}

/*
 * ---------------------------------------------------------------------------
 * Text summary
 * ---------------------------------------------------------------------------
 */

/*
 * fmt_scaled - @v with at most four integer digits and a unit prefix, as
 * fio's num2str() prints IOPS and bandwidth: 3070, 12.3k, 123k, 1235k,
 * 12.0MiB.  @units[0] is the unscaled unit; each next one is @base times it.
 */
static void fmt_scaled(char *buf, size_t len, double v, double base, const char *const *units,
		       unsigned int nr_units)
{
	unsigned int i = 0;

	v = finite0(v);
	while (v >= 10000 && i + 1 < nr_units) {
		v /= base;
		i++;
	}
	if (i == 0 || v >= 99.95)
		snprintf(buf, len, "%.0f%s", v, units[i]);
	else if (v >= 9.995)
		snprintf(buf, len, "%.1f%s", v, units[i]);
	else
		snprintf(buf, len, "%.2f%s", v, units[i]);
}

static const char *const units_count[] = { "", "k", "M", "G", "T", "P" };
static const char *const units_bin[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
static const char *const units_dec[] = { "B", "kB", "MB", "GB", "TB", "PB" };

/* fmt_bytes - @v bytes in binary (KiB, MiB) or decimal (kB, MB) units, fio style */
static void fmt_bytes(char *buf, size_t len, double v, bool binary)
{
	if (binary)
		fmt_scaled(buf, len, v, 1024, units_bin, NVMESIM_ARRAY_SIZE(units_bin));
	else
		fmt_scaled(buf, len, v, 1000, units_dec, NVMESIM_ARRAY_SIZE(units_dec));
}

/*
 * fmt_span - a run time: fio always says msec, but simulated runs are often
 * shorter than a millisecond, so short spans keep usec or nsec.
 */
static void fmt_span(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000)
		snprintf(buf, len, "%llumsec", (unsigned long long)ns_to_ms(ns));
	else if (ns >= 1000)
		snprintf(buf, len, "%lluusec", (unsigned long long)((ns + 500) / 1000));
	else
		snprintf(buf, len, "%llunsec", (unsigned long long)ns);
}

/*
 * text_lat - one "    clat (usec): min=..., max=..., avg=..., stdev=..." line.
 * Units as fio chooses them: msec when min and mean exceed a millisecond,
 * usec when they exceed a microsecond, else nsec.
 */
static void text_lat(FILE *f, const char *label, const struct nvmesim_hist *h)
{
	uint64_t min = h->min, max = h->max, div = 1;
	const char *unit = "nsec";
	double mean = h->mean, dev = nvmesim_hist_stddev(h);

	if (min > 1000000 && mean > 1000000.0) {
		div = 1000000;
		unit = "msec";
	} else if (min > 1000 && mean > 1000.0) {
		div = 1000;
		unit = "usec";
	}
	fprintf(f, "    %s (%s): min=%llu, max=%llu, avg=%5.02f, stdev=%5.02f\n", label, unit,
		(unsigned long long)(min / div), (unsigned long long)(max / div), mean / div,
		dev / div);
}

/*
 * text_percentiles - fio's "clat percentiles" block: four per line, values
 * in nsec, or usec/msec (rounded up) when the values are large, as fio does.
 */
static void text_percentiles(FILE *f, const char *label, const struct nvmesim_hist *h)
{
	uint64_t v[32], minv = UINT64_MAX, maxv = 0;
	unsigned int i, n = NVMESIM_MIN(nvmesim_hist_nr_percentiles, 32u), scale = 0, width = 5;
	const char *unit = "nsec";
	char digits[24];
	int w;

	for (i = 0; i < n; i++) {
		v[i] = nvmesim_hist_percentile(h, nvmesim_hist_percentiles[i]);
		minv = NVMESIM_MIN(minv, v[i]);
		maxv = NVMESIM_MAX(maxv, v[i]);
	}
	if (minv > 2000000 && maxv > 99999999) {
		scale = 2;
		unit = "msec";
	} else if (minv > 2000 && maxv > 99999) {
		scale = 1;
		unit = "usec";
	}
	for (i = 0; i < n; i++) {
		unsigned int s;

		for (s = 0; s < scale; s++)
			v[i] = v[i] / 1000 + (v[i] % 1000 != 0);
		w = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v[i]);
		if (w > (int)width)
			width = (unsigned int)w;
	}
	fprintf(f, "    %s percentiles (%s):\n", label, unit);
	for (i = 0; i < n; i++) {
		if (i % 4 == 0)
			fputs("     |", f);
		fprintf(f, " %5.2fth=[%*llu]%s", nvmesim_hist_percentiles[i], (int)width,
			(unsigned long long)v[i], i + 1 == n ? "\n" : ",");
		if (i + 1 < n && i % 4 == 3)
			fputc('\n', f);
	}
}

/* text_dir - one direction of one job: the IOPS/BW line, latencies, percentiles */
static void text_dir(FILE *f, const struct nvmesim_job_stats *j, enum nvmesim_dir dir)
{
	const struct nvmesim_dir_stats *d = &j->dir[dir];
	uint64_t ns = job_runtime_ns(j);
	double bw = ratio((double)d->bytes * 1e9, (double)ns);
	char iops[32], bwb[32], bwd[32], io[32], span[32];

	fmt_scaled(iops, sizeof(iops), ratio((double)d->ios * 1e9, (double)ns), 1000,
		   units_count, NVMESIM_ARRAY_SIZE(units_count));
	fmt_bytes(bwb, sizeof(bwb), bw, true);
	fmt_bytes(bwd, sizeof(bwd), bw, false);
	fmt_bytes(io, sizeof(io), (double)d->bytes, true);
	fmt_span(span, sizeof(span), ns);
	fprintf(f, "  %s: IOPS=%s, BW=%s/s (%s/s)(%s/%s)\n", dir_names[dir], iops, bwb, bwd, io,
		span);
	if (d->errors)
		fprintf(f, "    errors: %llu I/Os completed with a non-zero status\n",
			(unsigned long long)d->errors);
	if (d->slat.count)
		text_lat(f, "slat", &d->slat);
	if (d->clat.count)
		text_lat(f, "clat", &d->clat);
	if (d->lat.count)
		text_lat(f, " lat", &d->lat);
	if (d->clat.count)
		text_percentiles(f, "clat", &d->clat);
}

/*
 * text_group - fio's "Run status group 0 (all jobs)" lines: per direction,
 * all jobs together over the span from the earliest first issue to the
 * latest last completion among jobs that did I/O in that direction.
 */
static void text_group(FILE *f, const struct nvmesim_results *r)
{
	char iops[32], bwb[32], bwd[32], iob[32], iod[32], span[32];
	unsigned int j, d;

	fputs("\nRun status group 0 (all jobs):\n", f);
	for (d = 0; d < NVMESIM_DIRS; d++) {
		uint64_t ios = 0, bytes = 0, start = UINT64_MAX, end = 0, ns;
		double bw;

		for (j = 0; j < r->nr_jobs; j++) {
			const struct nvmesim_job_stats *js = &r->jobs[j];

			if (!js->dir[d].ios)
				continue;
			ios += js->dir[d].ios;
			bytes += js->dir[d].bytes;
			start = NVMESIM_MIN(start, js->start_ns);
			end = NVMESIM_MAX(end, js->end_ns);
		}
		if (!ios)
			continue;
		ns = end > start ? end - start : 0;
		bw = ratio((double)bytes * 1e9, (double)ns);
		fmt_scaled(iops, sizeof(iops), ratio((double)ios * 1e9, (double)ns), 1000,
			   units_count, NVMESIM_ARRAY_SIZE(units_count));
		fmt_bytes(bwb, sizeof(bwb), bw, true);
		fmt_bytes(bwd, sizeof(bwd), bw, false);
		fmt_bytes(iob, sizeof(iob), (double)bytes, true);
		fmt_bytes(iod, sizeof(iod), (double)bytes, false);
		fmt_span(span, sizeof(span), ns);
		fprintf(f, "  %5s: IOPS=%s, bw=%s/s (%s/s), io=%s (%s), run=%s\n", dir_upper[d],
			iops, bwb, bwd, iob, iod, span);
	}
}

/* text_nvmesim - the conversation: doorbells, interrupts, reaps, occupancy, and what ran */
static void text_nvmesim(FILE *f, const struct nvmesim_results *r)
{
	const struct nvmesim_counters *c = &r->counters;
	const struct nvmesim_queue_counters *q;
	double ios = (double)total_ios(r);
	unsigned int i;
	char span[32];

	fmt_span(span, sizeof(span), r->sim_time_ns);
	fprintf(f, "\nnvmesim: trace=%.*s, backend=%.*s, profile=%.*s, seed=%llu\n",
		(int)bounded_len(r->trace, sizeof(r->trace)), r->trace,
		(int)bounded_len(r->backend, sizeof(r->backend)), r->backend,
		(int)bounded_len(r->profile, sizeof(r->profile)), r->profile,
		(unsigned long long)r->seed);
	fprintf(f, "  sim time=%s (%llu ns), I/Os=%.0f, mean in flight=%.2f\n", span,
		(unsigned long long)r->sim_time_ns, ios,
		finite0(ratio(c->inflight_ns, (double)r->sim_time_ns)));
	fprintf(f, "  commands=%llu, mmio writes=%llu (%.2f per I/O), mmio reads=%llu\n",
		(unsigned long long)c->commands, (unsigned long long)c->mmio_writes,
		ratio((double)c->mmio_writes, ios), (unsigned long long)c->mmio_reads);
	fprintf(f, "  doorbells: sq=%llu (%.2f per I/O), cq=%llu (%.2f per I/O)\n",
		(unsigned long long)c->sq_doorbells, ratio((double)c->sq_doorbells, ios),
		(unsigned long long)c->cq_doorbells, ratio((double)c->cq_doorbells, ios));
	if (c->sq_shadow || c->cq_shadow)
		fprintf(f, "  shadow doorbell updates: sq=%llu, cq=%llu (the doorbells above are "
			"the MMIO writes)\n", (unsigned long long)c->sq_shadow,
			(unsigned long long)c->cq_shadow);
	fprintf(f, "  interrupts=%llu (%.2f per I/O)\n", (unsigned long long)c->interrupts,
		ratio((double)c->interrupts, ios));
	fprintf(f, "  reaps=%llu, cqes=%llu (%.2f per reap)\n", (unsigned long long)c->reaps,
		(unsigned long long)c->cqes, ratio((double)c->cqes, (double)c->reaps));
	fprintf(f, "  polls=%llu, idle polls=%llu\n", (unsigned long long)c->polls,
		(unsigned long long)c->idle_polls);
	fprintf(f, "  host cpu=%llu ns (%.1f ns per I/O)\n", (unsigned long long)c->cpu_ns,
		ratio((double)c->cpu_ns, ios));
	for (i = 0; i < r->nr_queues; i++) {
		q = &r->queues[i];
		if (!q->qid || !q->commands)
			continue;
		fprintf(f, "  queue %u: commands=%llu, doorbells sq=%llu cq=%llu, interrupts=%llu, "
			"cqes=%llu (%.2f per reap), polls=%llu (%llu idle), mean in flight=%.2f",
			q->qid, (unsigned long long)q->commands,
			(unsigned long long)q->sq_doorbells, (unsigned long long)q->cq_doorbells,
			(unsigned long long)q->interrupts, (unsigned long long)q->cqes,
			ratio((double)q->cqes, (double)q->reaps), (unsigned long long)q->polls,
			(unsigned long long)q->idle_polls,
			finite0(ratio(q->inflight_ns, (double)r->sim_time_ns)));
		if (c->sq_shadow || c->cq_shadow)
			fprintf(f, ", shadow sq=%llu cq=%llu", (unsigned long long)q->sq_shadow,
				(unsigned long long)q->cq_shadow);
		fputc('\n', f);
	}
	fprintf(f, "  expect failures=%llu\n", (unsigned long long)r->expect_failures);
}

/*
 * nvmesim_report_text - the fio-like summary: per job, a header line and a
 * block per direction that did I/O; the run status group; the nvmesim
 * block.  Returns 0 or -EIO.
 */
int nvmesim_report_text(const struct nvmesim_results *r, FILE *f)
{
	locale_t c, old = nvmesim_c_numeric_begin(&c);
	unsigned int j, d;

	for (j = 0; j < r->nr_jobs; j++) {
		const struct nvmesim_job_stats *js = &r->jobs[j];

		fprintf(f, "%.*s: (groupid=0, jobs=1): err= 0\n",
			(int)bounded_len(js->name, sizeof(js->name)), js->name);
		for (d = 0; d < NVMESIM_DIRS; d++)
			if (js->dir[d].ios)
				text_dir(f, js, d);
	}
	text_group(f, r);
	text_nvmesim(f, r);
	nvmesim_c_numeric_end(c, old);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------------
 */

/* A small streaming JSON writer: two-space indentation, one member per line. */
#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;			/* output */
	unsigned int depth;		/* open objects */
	bool first[JSON_MAX_DEPTH];	/* no member written yet at this depth */
};

/* utf8_seq - length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if invalid */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * json_string - @s (at most @size bytes) as a JSON string: quotes, backslashes
 * and control characters escaped, bytes that are not UTF-8 replaced by
 * U+FFFD, so the file is valid JSON whatever a trace path holds.
 */
static void json_string(FILE *f, const char *s, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = bounded_len(s, size), i = 0, len;

	fputc('"', f);
	while (i < n) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c == '\n') {
			fputs("\\n", f);
			i++;
		} else if (c == '\t') {
			fputs("\\t", f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else {
			len = utf8_seq(p + i, n - i);
			if (len) {
				fwrite(p + i, 1, len, f);
				i += len;
			} else {
				fputs("\\ufffd", f);
				i++;
			}
		}
	}
	fputc('"', f);
}

/* json_key - start member @key of the innermost object (NULL: an array element) */
static void json_key(struct json *j, const char *key)
{
	unsigned int i;

	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
	if (key) {
		json_string(j->f, key, strlen(key));
		fputs(": ", j->f);
	}
}

/* json_open - start a member object or array (@c is '{' or '['); NULL @key inside arrays */
static void json_open(struct json *j, const char *key, char c)
{
	if (j->depth)
		json_key(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

/* json_close - end the innermost object or array with @c ('}' or ']') */
static void json_close(struct json *j, char c)
{
	unsigned int i;

	if (j->depth)
		j->depth--;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
	fputc(c, j->f);
}

/* json_u64 - an integer member */
static void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

/* json_double - a float member, fixed six decimals (deterministic, no exponent) */
static void json_double(struct json *j, const char *key, double v)
{
	json_key(j, key);
	fprintf(j->f, "%.6f", finite0(v));
}

/* json_str - a string member */
static void json_str(struct json *j, const char *key, const char *s, size_t size)
{
	json_key(j, key);
	json_string(j->f, s, size);
}

/*
 * json_lat - fio's "clat_ns" object: min, max, mean, stddev, N and, when
 * @pct and there are values, the percentile map keyed "%f" as fio keys it.
 */
static void json_lat(struct json *j, const char *key, const struct nvmesim_hist *h, bool pct)
{
	char pk[32];
	unsigned int i;

	json_open(j, key, '{');
	json_u64(j, "min", h->count ? h->min : 0);
	json_u64(j, "max", h->max);
	json_double(j, "mean", h->count ? h->mean : 0);
	json_double(j, "stddev", nvmesim_hist_stddev(h));
	json_u64(j, "N", h->count);
	if (pct && h->count) {
		json_open(j, "percentile", '{');
		for (i = 0; i < nvmesim_hist_nr_percentiles; i++) {
			snprintf(pk, sizeof(pk), "%f", nvmesim_hist_percentiles[i]);
			json_u64(j, pk, nvmesim_hist_percentile(h, nvmesim_hist_percentiles[i]));
		}
		json_close(j, '}');
	}
	json_close(j, '}');
}

/* json_dir - fio's "read"/"write"/"trim" object of one job */
static void json_dir(struct json *j, const struct nvmesim_job_stats *js, enum nvmesim_dir dir)
{
	const struct nvmesim_dir_stats *d = &js->dir[dir];
	uint64_t ns = job_runtime_ns(js);
	double bw = floor(ratio((double)d->bytes * 1e9, (double)ns));

	json_open(j, dir_names[dir], '{');
	json_u64(j, "io_bytes", d->bytes);
	json_u64(j, "io_kbytes", d->bytes / 1024);
	json_u64(j, "bw_bytes", (uint64_t)bw);
	json_u64(j, "bw", (uint64_t)(bw / 1024));
	json_double(j, "iops", ratio((double)d->ios * 1e9, (double)ns));
	json_u64(j, "runtime", d->ios ? ns_to_ms(ns) : 0);
	json_u64(j, "total_ios", d->ios);
	json_u64(j, "short_ios", 0);
	json_u64(j, "drop_ios", 0);
	json_u64(j, "errors", d->errors);
	json_lat(j, "slat_ns", &d->slat, false);
	json_lat(j, "clat_ns", &d->clat, true);
	json_lat(j, "lat_ns", &d->lat, true);
	json_close(j, '}');
}

/* json_nvmesim - the "nvmesim" object: what ran and the host/device conversation */
static void json_nvmesim(struct json *j, const struct nvmesim_results *r)
{
	const struct nvmesim_counters *c = &r->counters;
	const struct nvmesim_queue_counters *q;
	double ios = (double)total_ios(r);
	unsigned int i;

	json_open(j, "nvmesim", '{');
	json_str(j, "version", NVMESIM_VERSION_STRING, sizeof(NVMESIM_VERSION_STRING));
	json_str(j, "trace", r->trace, sizeof(r->trace));
	json_str(j, "backend", r->backend, sizeof(r->backend));
	json_str(j, "profile", r->profile, sizeof(r->profile));
	json_u64(j, "seed", r->seed);
	json_u64(j, "sim_time_ns", r->sim_time_ns);
	json_u64(j, "mmio_reads", c->mmio_reads);
	json_u64(j, "mmio_writes", c->mmio_writes);
	json_u64(j, "sq_doorbells", c->sq_doorbells);
	json_u64(j, "cq_doorbells", c->cq_doorbells);
	json_u64(j, "sq_shadow", c->sq_shadow);
	json_u64(j, "cq_shadow", c->cq_shadow);
	json_u64(j, "interrupts", c->interrupts);
	json_u64(j, "reaps", c->reaps);
	json_u64(j, "cqes", c->cqes);
	json_u64(j, "commands", c->commands);
	json_u64(j, "ios", (uint64_t)ios);
	json_double(j, "cqes_per_reap", ratio((double)c->cqes, (double)c->reaps));
	json_double(j, "mmio_writes_per_io", ratio((double)c->mmio_writes, ios));
	json_double(j, "interrupts_per_io", ratio((double)c->interrupts, ios));
	json_double(j, "mean_inflight", ratio(c->inflight_ns, (double)r->sim_time_ns));
	json_u64(j, "polls", c->polls);
	json_u64(j, "idle_polls", c->idle_polls);
	json_u64(j, "cpu_ns", c->cpu_ns);
	json_double(j, "sq_doorbells_per_io", ratio((double)c->sq_doorbells, ios));
	json_double(j, "cq_doorbells_per_io", ratio((double)c->cq_doorbells, ios));
	json_double(j, "cpu_ns_per_io", ratio((double)c->cpu_ns, ios));
	json_u64(j, "expect_failures", r->expect_failures);
	json_open(j, "histogram_layout", '{');
	json_u64(j, "sub_buckets", NVMESIM_HIST_SUB);
	json_u64(j, "max_exp", NVMESIM_HIST_MAX_EXP);
	json_str(j, "unit", "ns", sizeof("ns"));
	json_close(j, '}');
	json_open(j, "queues", '[');
	for (i = 0; i < r->nr_queues; i++) {
		q = &r->queues[i];
		json_open(j, NULL, '{');
		json_u64(j, "qid", q->qid);
		json_u64(j, "commands", q->commands);
		json_u64(j, "sq_doorbells", q->sq_doorbells);
		json_u64(j, "cq_doorbells", q->cq_doorbells);
		json_u64(j, "interrupts", q->interrupts);
		json_u64(j, "reaps", q->reaps);
		json_u64(j, "cqes", q->cqes);
		json_u64(j, "polls", q->polls);
		json_u64(j, "idle_polls", q->idle_polls);
		json_double(j, "cqes_per_reap", ratio((double)q->cqes, (double)q->reaps));
		json_double(j, "mean_inflight", ratio(q->inflight_ns, (double)r->sim_time_ns));
		/* only when the run used shadow doorbells, as the text summary's line */
		if (c->sq_shadow || c->cq_shadow) {
			json_u64(j, "sq_shadow", q->sq_shadow);
			json_u64(j, "cq_shadow", q->cq_shadow);
		}
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

/*
 * nvmesim_report_json - summary.json: fio's top-level keys ("fio version",
 * a fixed "timestamp" of 0, "jobs") with the read/write/trim objects of
 * every job, then the "nvmesim" object.  Returns 0 or -EIO.
 */
int nvmesim_report_json(const struct nvmesim_results *r, FILE *f)
{
	struct json j = { .f = f, .depth = 0, .first = { true } };
	locale_t c, old = nvmesim_c_numeric_begin(&c);
	unsigned int i, d;

	json_open(&j, NULL, '{');
	json_str(&j, "fio version", "nvmesim-" NVMESIM_VERSION_STRING,
		 sizeof("nvmesim-" NVMESIM_VERSION_STRING));
	json_u64(&j, "timestamp", 0);
	json_u64(&j, "timestamp_ms", 0);
	json_open(&j, "jobs", '[');
	for (i = 0; i < r->nr_jobs; i++) {
		const struct nvmesim_job_stats *js = &r->jobs[i];
		uint64_t ns = job_runtime_ns(js);

		json_open(&j, NULL, '{');
		json_str(&j, "jobname", js->name, sizeof(js->name));
		json_u64(&j, "groupid", 0);
		json_u64(&j, "error", 0);
		json_u64(&j, "job_runtime", ns_to_ms(ns));
		json_u64(&j, "job_runtime_ns", ns);
		for (d = 0; d < NVMESIM_DIRS; d++)
			json_dir(&j, js, d);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_nvmesim(&j, r);
	json_close(&j, '}');
	fputc('\n', f);
	nvmesim_c_numeric_end(c, old);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * Files
 * ---------------------------------------------------------------------------
 */

/*
 * sanitize - job name @name as a file name part: [A-Za-z0-9._-] kept, any
 * other byte becomes '_', "job" when empty; a leading '.' becomes '_' so no
 * file is hidden and "." or ".." never appear.
 */
static void sanitize(char *out, size_t len, const char *name, size_t size)
{
	size_t n = bounded_len(name, size), i;

	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && i > 0))
			out[i] = c;
		else
			out[i] = '_';
	}
	out[n] = '\0';
	if (!n)
		snprintf(out, len, "job");
}

/* job_file_name - sanitized name of job @i, with "-<i>" when an earlier job sanitizes the same */
static void job_file_name(const struct nvmesim_results *r, unsigned int i, char *out, size_t len)
{
	char other[sizeof(r->jobs[0].name) + 1];
	unsigned int k;

	sanitize(out, len, r->jobs[i].name, sizeof(r->jobs[i].name));
	for (k = 0; k < i; k++) {
		sanitize(other, sizeof(other), r->jobs[k].name, sizeof(r->jobs[k].name));
		if (!strcmp(other, out)) {
			size_t n = strlen(out);

			snprintf(out + n, len - n, "-%u", i);
			return;
		}
	}
}

/* write_file - create @dir/@name and fill it with @fn; returns 0 or -errno */
static int write_file(const char *dir, const char *name,
		      int (*fn)(const void *obj, FILE *f), const void *obj)
{
	char path[4096];
	FILE *f;
	int ret, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ret = fn(obj, f);
	if (fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

/* write_json - write_file() adapter for nvmesim_report_json() */
static int write_json(const void *obj, FILE *f)
{
	return nvmesim_report_json(obj, f);
}

/* write_hist - write_file() adapter for nvmesim_hist_write_csv() */
static int write_hist(const void *obj, FILE *f)
{
	return nvmesim_hist_write_csv(obj, f);
}

/*
 * nvmesim_report_write_dir - summary.json plus
 * hist-<job>-<read|write|trim>-<slat|clat|lat>.csv for every job and
 * direction that did I/O.  Returns 0 or the first -errno.
 */
int nvmesim_report_write_dir(const struct nvmesim_results *r, const char *dir)
{
	char job[sizeof(r->jobs[0].name) + 16], name[sizeof(job) + 32];
	unsigned int i, d, k;
	int ret;

	ret = write_file(dir, "summary.json", write_json, r);
	if (ret)
		return ret;
	for (i = 0; i < r->nr_jobs; i++) {
		job_file_name(r, i, job, sizeof(job));
		for (d = 0; d < NVMESIM_DIRS; d++) {
			if (!r->jobs[i].dir[d].ios)
				continue;
			for (k = 0; k < LAT_KINDS; k++) {
				snprintf(name, sizeof(name), "hist-%s-%s-%s.csv", job, dir_names[d],
					 kind_names[k]);
				ret = write_file(dir, name, write_hist,
						 kind_hist(&r->jobs[i].dir[d], k));
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/*
 * nvmesim_report_interval_csv - one time-series row, IOPS and bandwidth from
 * the interval's length; the header line first when @iv is NULL or when
 * nothing has been written to @f yet (it is at offset 0), so a caller need
 * not remember which row is the first.  Returns 0 or -EIO.
 */
int nvmesim_report_interval_csv(const struct nvmesim_interval *iv, FILE *f)
{
	locale_t c, old;
	double ns;

	if (!iv || ftell(f) == 0)
		fputs("start_ns,end_ns,ios,bytes,iops,bw_bytes,mean_ns,p99_ns\n", f);
	if (iv) {
		old = nvmesim_c_numeric_begin(&c);
		ns = iv->end_ns > iv->start_ns ? (double)(iv->end_ns - iv->start_ns) : 0;
		fprintf(f, "%llu,%llu,%llu,%llu,%.3f,%.3f,%.3f,%llu\n",
			(unsigned long long)iv->start_ns, (unsigned long long)iv->end_ns,
			(unsigned long long)iv->ios, (unsigned long long)iv->bytes,
			ratio((double)iv->ios * 1e9, ns), ratio((double)iv->bytes * 1e9, ns),
			finite0(iv->mean_ns), (unsigned long long)iv->p99_ns);
		nvmesim_c_numeric_end(c, old);
	}
	return ferror(f) ? -EIO : 0;
}

/* nvmesim_results_free - free results from nvmesim_run(): the jobs array and the struct */
void nvmesim_results_free(struct nvmesim_results *r)
{
	if (!r)
		return;
	free(r->jobs);
	free(r->queues);
	free(r);
}
