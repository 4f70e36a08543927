/* SPDX-License-Identifier: MIT */
/*
 * readback.c - a run's results rebuilt from its result folder, and two runs added.
 *
 * A sweep's points may run in other processes or on other machines, so the
 * only thing they share with whoever puts them together is the folder a
 * run writes: summary.json and one histogram CSV per job, direction and
 * latency kind.  Reading those back gives struct nvmesim_results again:
 * the buckets, counts, min and max exactly, the means as printed.  Two runs
 * of the same settings then add exactly (histograms bucket by bucket), which
 * is what lets a sweep split over machines be merged into the same tables.
 *
 * summary.json is read by a small JSON reader that hands every scalar to a
 * callback with its dotted path ("jobs.0.read.total_ios"); it accepts any
 * JSON, not only what report.c writes, and ignores members it does not know.
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

#include <nvmesim/sweep.h>

#include "engine/c-numeric.h"
#include "engine/nvmesim-internal.h"
#include "engine/readback.h"

/* The largest summary.json read (a run has at most a few dozen jobs: some 100 KiB). */
#define RB_JSON_MAX (16u << 20)
/* Nesting and path limits of the JSON reader. */
#define RB_JSON_DEPTH 32
#define RB_PATH_MAX 512
#define RB_STR_MAX 1024
/* Jobs a summary.json may hold (far more than a trace can have). */
#define RB_MAX_JOBS 4096

/* Most queue pairs a summary.json may list (the admin queue and 65535 I/O queues) */
#define RB_MAX_QUEUES 65536u

static const char *const rb_dirs[NVMESIM_DIRS] = { "read", "write", "trim" };
static const char *const rb_kinds[3] = { "slat", "clat", "lat" };

/*
 * ---------------------------------------------------------------------------
 * Histogram CSV
 * ---------------------------------------------------------------------------
 */

/* rb_u64 - parse a whole decimal number from @s into @v; 0 or -1 */
static int rb_u64(const char *s, const char *end, uint64_t *v)
{
	uint64_t x = 0;
	const char *p;

	if (s == end)
		return -1;
	for (p = s; p < end; p++) {
		if (*p < '0' || *p > '9' || x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return 0;
}

/* rb_field - the value of "name=" among the space-separated words of @line into @v */
static bool rb_field(const char *line, const char *name, const char **v, const char **vend)
{
	size_t n = strlen(name);
	const char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '#')
			p++;
		if (!strncmp(p, name, n) && p[n] == '=') {
			*v = p + n + 1;
			*vend = *v + strcspn(*v, " \r\n");
			return true;
		}
		p += strcspn(p, " ");
	}
	return false;
}

/* rb_stats - parse the "# count=... min=... max=... mean=... stddev=..." line; 0 or -1 */
static int rb_stats(const char *line, struct nvmesim_hist *h)
{
	const char *v, *e;
	char num[64], *end;
	double mean, dev;

	if (!rb_field(line, "count", &v, &e) || rb_u64(v, e, &h->count) ||
	    !rb_field(line, "min", &v, &e) || rb_u64(v, e, &h->min) ||
	    !rb_field(line, "max", &v, &e) || rb_u64(v, e, &h->max))
		return -1;
	if (!rb_field(line, "mean", &v, &e) || (size_t)(e - v) >= sizeof(num))
		return -1;
	memcpy(num, v, (size_t)(e - v));
	num[e - v] = '\0';
	mean = strtod(num, &end);
	if (end == num || *end || !isfinite(mean) || mean < 0)
		return -1;
	if (!rb_field(line, "stddev", &v, &e) || (size_t)(e - v) >= sizeof(num))
		return -1;
	memcpy(num, v, (size_t)(e - v));
	num[e - v] = '\0';
	dev = strtod(num, &end);
	if (end == num || *end || !isfinite(dev) || dev < 0)
		return -1;
	h->mean = mean;
	/* the writer prints the population deviation: m2 = variance x count */
	h->m2 = dev * dev * (double)h->count;
	h->sum = (uint64_t)llround(mean * (double)h->count);
	if (!h->count)
		h->min = UINT64_MAX;
	return 0;
}

/* rb_row - parse a "lower_ns,upper_ns,count" row into @h; 0 or -1 */
static int rb_row(const char *line, struct nvmesim_hist *h)
{
	const char *c1 = strchr(line, ','), *c2, *end;
	uint64_t lo, hi, n, blo, bhi;
	unsigned int i;

	if (!c1)
		return -1;
	c2 = strchr(c1 + 1, ',');
	if (!c2)
		return -1;
	end = c2 + 1 + strcspn(c2 + 1, "\r\n");
	if (rb_u64(line, c1, &lo) || rb_u64(c1 + 1, c2, &hi) || rb_u64(c2 + 1, end, &n))
		return -1;
	i = nvmesim_hist_bucket(lo);
	nvmesim_hist_bounds(i, &blo, &bhi);
	/* a row must be exactly one of our buckets: another layout would not line up */
	if (blo != lo || bhi != hi || h->buckets[i])
		return -1;
	h->buckets[i] = n;
	return 0;
}

/*
 * nvmesim_hist_read_csv - the layout line, the statistics line, the header,
 * then one row per non-empty bucket; returns 0, -EINVAL for anything that
 * does not match our layout or adds up wrongly, -EIO on a read error.
 */
int nvmesim_hist_read_csv(struct nvmesim_hist *h, FILE *f, struct nvmesim_diag *diag)
{
	char line[512], layout[128];
	locale_t c, old;
	bool stats = false, header = false, has_layout = false;
	unsigned int lineno = 0;
	uint64_t total = 0;
	unsigned int i;
	int ret = 0;

	nvmesim_hist_init(h);
	snprintf(layout, sizeof(layout), "# nvmesim histogram: sub_buckets=%u max_exp=%u unit=ns",
		 NVMESIM_HIST_SUB, NVMESIM_HIST_MAX_EXP);
	old = nvmesim_c_numeric_begin(&c);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			nvmesim_diag_set(diag, "line %u: longer than %zu bytes", lineno,
					 sizeof(line) - 1);
			ret = -EINVAL;
			break;
		}
		if (!strncmp(line, "# nvmesim histogram:", 20)) {
			has_layout = !strncmp(line, layout, strlen(layout)) &&
				     strchr("\r\n", line[strlen(layout)]);
			if (!has_layout) {
				nvmesim_diag_set(diag, "line %u: another histogram layout (%s"
						 " expected)", lineno, layout + 21);
				ret = -EINVAL;
				break;
			}
		} else if (!strncmp(line, "# count=", 8)) {
			if (rb_stats(line, h)) {
				nvmesim_diag_set(diag, "line %u: expected '# count=N min=N max=N "
						 "mean=X stddev=X'", lineno);
				ret = -EINVAL;
				break;
			}
			stats = true;
		} else if (line[0] == '#' || line[0] == '\n' || line[0] == '\r') {
			continue;
		} else if (!header) {
			if (strncmp(line, "lower_ns,upper_ns,count", 23)) {
				nvmesim_diag_set(diag, "line %u: expected the header "
						 "'lower_ns,upper_ns,count'", lineno);
				ret = -EINVAL;
				break;
			}
			header = true;
		} else if (rb_row(line, h)) {
			nvmesim_diag_set(diag, "line %u: expected 'lower_ns,upper_ns,count' of a "
					 "bucket not seen before", lineno);
			ret = -EINVAL;
			break;
		}
	}
	nvmesim_c_numeric_end(c, old);
	if (ret)
		return ret;
	if (ferror(f)) {
		nvmesim_diag_set(diag, "read error");
		return -EIO;
	}
	if (!has_layout || !stats || !header) {
		nvmesim_diag_set(diag, "not an nvmesim histogram (missing %s)",
				 !has_layout ? "the layout line" :
				 !stats ? "the '# count=' line" : "the header");
		return -EINVAL;
	}
	for (i = 0; i < NVMESIM_HIST_BUCKETS; i++)
		total += h->buckets[i];
	if (total != h->count) {
		nvmesim_diag_set(diag, "buckets hold %" PRIu64 " values, count= says %" PRIu64,
				 total, h->count);
		return -EINVAL;
	}
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * A small JSON reader: every scalar with its dotted path
 * ---------------------------------------------------------------------------
 */

/* enum rb_kind - what a scalar is */
enum rb_kind { RB_STRING, RB_NUMBER, RB_LITERAL };

/* struct rb_json - the reader's state */
struct rb_json {
	const char *p;			/* next byte */
	const char *end;		/* end of the text */
	unsigned int line;		/* line of @p, from 1 */
	unsigned int depth;		/* open objects and arrays */
	char path[RB_PATH_MAX];		/* dotted path of the value being read */
	size_t plen;			/* its length */
	char str[RB_STR_MAX];		/* the last string, unescaped */
	/* called for every scalar; nonzero stops the reader with that error */
	int (*scalar)(void *arg, const char *path, enum rb_kind kind, const char *text);
	void *arg;			/* for @scalar */
	const char *err;		/* what was wrong */
};

/* rb_ws - skip white space, counting lines */
static void rb_ws(struct rb_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
		if (*j->p == '\n')
			j->line++;
		j->p++;
	}
}

/* rb_hex4 - four hex digits at @s into @v; 0 or -1 */
static int rb_hex4(const char *s, const char *end, unsigned int *v)
{
	unsigned int x = 0, i;

	if (end - s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

/* rb_put - append byte @c to @j->str at *@n, dropping what does not fit */
static void rb_put(struct rb_json *j, size_t *n, unsigned int c)
{
	if (*n + 1 < sizeof(j->str))
		j->str[(*n)++] = (char)c;
}

/* rb_utf8 - append code point @cp as UTF-8 */
static void rb_utf8(struct rb_json *j, size_t *n, unsigned int cp)
{
	if (cp < 0x80) {
		rb_put(j, n, cp);
	} else if (cp < 0x800) {
		rb_put(j, n, 0xc0 | cp >> 6);
		rb_put(j, n, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		rb_put(j, n, 0xe0 | cp >> 12);
		rb_put(j, n, 0x80 | (cp >> 6 & 0x3f));
		rb_put(j, n, 0x80 | (cp & 0x3f));
	} else {
		rb_put(j, n, 0xf0 | cp >> 18);
		rb_put(j, n, 0x80 | (cp >> 12 & 0x3f));
		rb_put(j, n, 0x80 | (cp >> 6 & 0x3f));
		rb_put(j, n, 0x80 | (cp & 0x3f));
	}
}

/* rb_string - a string at @j->p (on its quote) into @j->str, unescaped; 0 or -1 */
static int rb_string(struct rb_json *j)
{
	unsigned int cp, lo;
	size_t n = 0;

	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;

		if (c < 0x20) {
			j->err = "control character in a string";
			return -1;
		}
		if (c != '\\') {
			rb_put(j, &n, c);
			continue;
		}
		if (j->p >= j->end)
			break;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"': case '\\': case '/':
			rb_put(j, &n, c);
			break;
		case 'b':
			rb_put(j, &n, '\b');
			break;
		case 'f':
			rb_put(j, &n, '\f');
			break;
		case 'n':
			rb_put(j, &n, '\n');
			break;
		case 'r':
			rb_put(j, &n, '\r');
			break;
		case 't':
			rb_put(j, &n, '\t');
			break;
		case 'u':
			if (rb_hex4(j->p, j->end, &cp)) {
				j->err = "bad \\u escape";
				return -1;
			}
			j->p += 4;
			/* a surrogate pair is one code point; a lone half becomes U+FFFD */
			if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u' && !rb_hex4(j->p + 2, j->end, &lo) && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				j->p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			rb_utf8(j, &n, cp);
			break;
		default:
			j->err = "bad escape in a string";
			return -1;
		}
	}
	if (j->p >= j->end) {
		j->err = "unterminated string";
		return -1;
	}
	j->p++;
	j->str[n] = '\0';
	return 0;
}

/* rb_push - append ".@name" (just @name at the top) to the path; the old length or -1 */
static long rb_push(struct rb_json *j, const char *name)
{
	size_t old = j->plen, n = strlen(name);

	if (old + n + 2 > sizeof(j->path)) {
		j->err = "path too long";
		return -1;
	}
	if (old)
		j->path[j->plen++] = '.';
	memcpy(j->path + j->plen, name, n + 1);
	j->plen += n;
	return (long)old;
}

/* rb_pop - cut the path back to @old */
static void rb_pop(struct rb_json *j, long old)
{
	j->plen = (size_t)old;
	j->path[old] = '\0';
}

static int rb_value(struct rb_json *j);

/* rb_object - an object at @j->p (on its brace), each member under its key; 0 or -1 */
static int rb_object(struct rb_json *j)
{
	long old;

	j->p++;
	rb_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		rb_ws(j);
		if (j->p >= j->end || *j->p != '"') {
			j->err = "expected a member name";
			return -1;
		}
		if (rb_string(j))
			return -1;
		rb_ws(j);
		if (j->p >= j->end || *j->p != ':') {
			j->err = "expected ':'";
			return -1;
		}
		j->p++;
		old = rb_push(j, j->str);
		if (old < 0 || rb_value(j))
			return -1;
		rb_pop(j, old);
		rb_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return 0;
		}
		j->err = "expected ',' or '}'";
		return -1;
	}
}

/* rb_array - an array at @j->p (on its bracket), elements under their index; 0 or -1 */
static int rb_array(struct rb_json *j)
{
	char idx[24];
	unsigned long i;
	long old;

	j->p++;
	rb_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (i = 0;; i++) {
		snprintf(idx, sizeof(idx), "%lu", i);
		old = rb_push(j, idx);
		if (old < 0 || rb_value(j))
			return -1;
		rb_pop(j, old);
		rb_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		j->err = "expected ',' or ']'";
		return -1;
	}
}

/* rb_value - any value at @j->p; scalars go to the callback; 0 or -1 */
static int rb_value(struct rb_json *j)
{
	const char *s;
	size_t n;
	int ret;

	rb_ws(j);
	if (j->p >= j->end) {
		j->err = "unexpected end";
		return -1;
	}
	if (*j->p == '{' || *j->p == '[') {
		if (++j->depth > RB_JSON_DEPTH) {
			j->err = "nested too deeply";
			return -1;
		}
		ret = *j->p == '{' ? rb_object(j) : rb_array(j);
		j->depth--;
		return ret;
	}
	if (*j->p == '"') {
		if (rb_string(j))
			return -1;
		ret = j->scalar(j->arg, j->path, RB_STRING, j->str);
		if (ret)
			j->err = "unexpected value";
		return ret ? -1 : 0;
	}
	s = j->p;
	while (j->p < j->end && strchr("+-.0123456789eEaflnrstu", *j->p))
		j->p++;
	n = (size_t)(j->p - s);
	if (!n || n >= sizeof(j->str)) {
		j->err = "expected a value";
		return -1;
	}
	memcpy(j->str, s, n);
	j->str[n] = '\0';
	if (!strcmp(j->str, "true") || !strcmp(j->str, "false") || !strcmp(j->str, "null")) {
		ret = j->scalar(j->arg, j->path, RB_LITERAL, j->str);
	} else if ((*s >= '0' && *s <= '9') || *s == '-') {
		ret = j->scalar(j->arg, j->path, RB_NUMBER, j->str);
	} else {
		j->err = "expected a value";
		return -1;
	}
	if (ret)
		j->err = "unexpected value";
	return ret ? -1 : 0;
}

/* rb_json_parse - read the JSON text @s (@n bytes); 0 or -1 with @j->err and @j->line */
static int rb_json_parse(struct rb_json *j, const char *s, size_t n)
{
	j->p = s;
	j->end = s + n;
	j->line = 1;
	j->depth = 0;
	j->plen = 0;
	j->path[0] = '\0';
	j->err = NULL;
	if (rb_value(j))
		return -1;
	rb_ws(j);
	if (j->p != j->end) {
		j->err = "text after the value";
		return -1;
	}
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * summary.json and the folder
 * ---------------------------------------------------------------------------
 */

/* struct rb_summary - what the summary.json callback fills in */
struct rb_summary {
	struct nvmesim_results *r;	/* the results being built */
	unsigned int cap;		/* jobs allocated */
	unsigned int qcap;		/* queues allocated */
	bool has_nvmesim;		/* the "nvmesim" object was there */
	bool layout_ok;			/* its histogram layout is ours (or absent) */
	double mean_inflight;		/* nvmesim.mean_inflight */
	uint32_t present;		/* bit per enum nvmesim_rb_key found */
	int err;			/* -ENOMEM or -EINVAL */
};

/* rb_num - @text as an unsigned integer (a JSON number without sign, fraction or exponent) */
static int rb_num(const char *text, uint64_t *v)
{
	return rb_u64(text, text + strlen(text), v);
}

/*
 * rb_queue_member - one member of nvmesim.queues[@path's index]: counters as
 * numbers, mean_inflight kept in inflight_ns until the simulated time is
 * known (rb_summary_read turns it into the integral); queues come in order;
 * 0, or -1 with s->err set on a bad index
 */
static int rb_queue_member(struct rb_summary *s, const char *path, enum rb_kind kind,
			   const char *text)
{
	struct nvmesim_results *r = s->r;
	struct nvmesim_queue_counters *q, *grown;
	unsigned long idx;
	unsigned int cap;
	uint64_t v = 0;
	const char *rest;
	char *end;

	idx = strtoul(path, &end, 10);
	if (end == path || *end != '.')
		return 0;
	rest = end + 1;
	if (idx == r->nr_queues && idx < RB_MAX_QUEUES) {
		if (r->nr_queues == s->qcap) {
			cap = s->qcap ? s->qcap * 2 : 4;
			grown = realloc(r->queues, cap * sizeof(*grown));
			if (!grown) {
				s->err = -ENOMEM;
				return -1;
			}
			r->queues = grown;
			s->qcap = cap;
		}
		memset(&r->queues[idx], 0, sizeof(r->queues[idx]));
		r->nr_queues++;
	}
	if (idx >= r->nr_queues) {
		s->err = -EINVAL;
		return -1;
	}
	q = &r->queues[idx];
	if (kind != RB_NUMBER)
		return -1;
	if (!strcmp(rest, "mean_inflight")) {
		q->inflight_ns = strtod(text, &end);
		return *end || !isfinite(q->inflight_ns) ? -1 : 0;
	}
	if (!strcmp(rest, "cqes_per_reap"))
		return 0;
	if (rb_num(text, &v))
		return -1;
	if (!strcmp(rest, "qid"))
		q->qid = (unsigned int)v;
	else if (!strcmp(rest, "commands"))
		q->commands = v;
	else if (!strcmp(rest, "sq_doorbells"))
		q->sq_doorbells = v;
	else if (!strcmp(rest, "cq_doorbells"))
		q->cq_doorbells = v;
	else if (!strcmp(rest, "interrupts"))
		q->interrupts = v;
	else if (!strcmp(rest, "reaps"))
		q->reaps = v;
	else if (!strcmp(rest, "cqes"))
		q->cqes = v;
	else if (!strcmp(rest, "polls"))
		q->polls = v;
	else if (!strcmp(rest, "idle_polls"))
		q->idle_polls = v;
	else if (!strcmp(rest, "sq_shadow"))
		q->sq_shadow = v;
	else if (!strcmp(rest, "cq_shadow"))
		q->cq_shadow = v;
	return 0;
}

/* rb_job - job @idx of the results, growing the array in order; NULL on error */
static struct nvmesim_job_stats *rb_job(struct rb_summary *s, unsigned long idx)
{
	struct nvmesim_results *r = s->r;
	struct nvmesim_job_stats *grown;
	unsigned int d, cap;

	if (idx < r->nr_jobs)
		return &r->jobs[idx];
	/* jobs come in order: index nr_jobs starts the next one */
	if (idx != r->nr_jobs || idx >= RB_MAX_JOBS) {
		s->err = -EINVAL;
		return NULL;
	}
	if (r->nr_jobs == s->cap) {
		cap = s->cap ? s->cap * 2 : 4;
		grown = realloc(r->jobs, cap * sizeof(*grown));
		if (!grown) {
			s->err = -ENOMEM;
			return NULL;
		}
		r->jobs = grown;
		s->cap = cap;
	}
	memset(&r->jobs[idx], 0, sizeof(r->jobs[idx]));
	for (d = 0; d < NVMESIM_DIRS; d++) {
		nvmesim_hist_init(&r->jobs[idx].dir[d].slat);
		nvmesim_hist_init(&r->jobs[idx].dir[d].clat);
		nvmesim_hist_init(&r->jobs[idx].dir[d].lat);
	}
	r->nr_jobs++;
	return &r->jobs[idx];
}

/* rb_copy - @text into char array @dst of @size, truncated */
static void rb_copy(char *dst, size_t size, const char *text)
{
	snprintf(dst, size, "%s", text);
}

/* rb_job_member - "jobs.N.<rest>" members: name, run time, per-direction counts; 0 or -1 */
static int rb_job_member(struct rb_summary *s, const char *path, enum rb_kind kind,
			 const char *text)
{
	struct nvmesim_job_stats *js;
	unsigned long idx;
	const char *rest;
	char *end;
	uint64_t v = 0;
	unsigned int d;
	size_t n;

	idx = strtoul(path, &end, 10);
	if (end == path || *end != '.')
		return 0;
	rest = end + 1;
	js = rb_job(s, idx);
	if (!js)
		return -1;
	if (!strcmp(rest, "jobname")) {
		if (kind != RB_STRING)
			return -1;
		rb_copy(js->name, sizeof(js->name), text);
		return 0;
	}
	if (!strcmp(rest, "job_runtime_ns")) {
		if (kind != RB_NUMBER || rb_num(text, &v))
			return -1;
		js->start_ns = 0;
		js->end_ns = v;
		return 0;
	}
	for (d = 0; d < NVMESIM_DIRS; d++) {
		n = strlen(rb_dirs[d]);
		if (strncmp(rest, rb_dirs[d], n) || rest[n] != '.')
			continue;
		rest += n + 1;
		if (strcmp(rest, "total_ios") && strcmp(rest, "io_bytes") && strcmp(rest, "errors"))
			return 0;
		if (kind != RB_NUMBER || rb_num(text, &v))
			return -1;
		if (!strcmp(rest, "total_ios"))
			js->dir[d].ios = v;
		else if (!strcmp(rest, "io_bytes"))
			js->dir[d].bytes = v;
		else
			js->dir[d].errors = v;
		return 0;
	}
	return 0;
}

/* rb_nvmesim_member - "nvmesim.<key>" members: what ran and the counters; 0 or -1 */
static int rb_nvmesim_member(struct rb_summary *s, const char *key, enum rb_kind kind,
			     const char *text)
{
	struct nvmesim_results *r = s->r;
	struct nvmesim_counters *c = &r->counters;
	/* in the order of enum nvmesim_rb_key */
	const struct {
		const char *key;	/* member name */
		uint64_t *field;	/* where it goes */
	} nums[] = {
		{ "seed", &r->seed },
		{ "sim_time_ns", &r->sim_time_ns },
		{ "expect_failures", &r->expect_failures },
		{ "mmio_reads", &c->mmio_reads },
		{ "mmio_writes", &c->mmio_writes },
		{ "sq_doorbells", &c->sq_doorbells },
		{ "cq_doorbells", &c->cq_doorbells },
		{ "sq_shadow", &c->sq_shadow },
		{ "cq_shadow", &c->cq_shadow },
		{ "interrupts", &c->interrupts },
		{ "reaps", &c->reaps },
		{ "cqes", &c->cqes },
		{ "commands", &c->commands },
		{ "polls", &c->polls },
		{ "idle_polls", &c->idle_polls },
		{ "cpu_ns", &c->cpu_ns },
	};
	uint64_t v = 0;
	unsigned int i;
	char *end;

	NVMESIM_STATIC_ASSERT(NVMESIM_ARRAY_SIZE(nums) == NVMESIM_RB_MEAN_INFLIGHT,
			      "nums[] follows enum nvmesim_rb_key");
	s->has_nvmesim = true;
	if (!strncmp(key, "queues.", 7))
		return rb_queue_member(s, key + 7, kind, text);
	if (!strcmp(key, "trace") || !strcmp(key, "backend") || !strcmp(key, "profile")) {
		if (kind != RB_STRING)
			return -1;
		if (!strcmp(key, "trace"))
			rb_copy(r->trace, sizeof(r->trace), text);
		else if (!strcmp(key, "backend"))
			rb_copy(r->backend, sizeof(r->backend), text);
		else
			rb_copy(r->profile, sizeof(r->profile), text);
		return 0;
	}
	if (!strcmp(key, "mean_inflight")) {
		if (kind != RB_NUMBER)
			return -1;
		s->present |= 1u << NVMESIM_RB_MEAN_INFLIGHT;
		s->mean_inflight = strtod(text, &end);
		return *end || !isfinite(s->mean_inflight) ? -1 : 0;
	}
	if (!strcmp(key, "histogram_layout.sub_buckets") ||
	    !strcmp(key, "histogram_layout.max_exp")) {
		if (kind != RB_NUMBER || rb_num(text, &v))
			return -1;
		if (v != (strstr(key, "sub_buckets") ? NVMESIM_HIST_SUB : NVMESIM_HIST_MAX_EXP))
			s->layout_ok = false;
		return 0;
	}
	for (i = 0; i < NVMESIM_ARRAY_SIZE(nums); i++) {
		if (strcmp(key, nums[i].key))
			continue;
		if (kind != RB_NUMBER || rb_num(text, &v))
			return -1;
		*nums[i].field = v;
		s->present |= 1u << i;
		return 0;
	}
	return 0;
}

/* rb_summary_scalar - the JSON reader's callback for summary.json; 0 or -1 */
static int rb_summary_scalar(void *arg, const char *path, enum rb_kind kind, const char *text)
{
	struct rb_summary *s = arg;

	if (!strncmp(path, "jobs.", 5))
		return rb_job_member(s, path + 5, kind, text);
	if (!strncmp(path, "nvmesim.", 8))
		return rb_nvmesim_member(s, path + 8, kind, text);
	return 0;
}

/*
 * rb_sanitize - job name @name as report.c puts it in a file name:
 * [A-Za-z0-9._-] kept, other bytes '_', a leading '.' '_', "job" when empty
 * (docs/reports.md, "Histogram CSVs")
 */
static void rb_sanitize(char *out, size_t len, const char *name, size_t size)
{
	const char *nul = memchr(name, '\0', size);
	size_t n = nul ? (size_t)(nul - name) : size, i;

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

/* rb_job_file - job @i's part of the histogram file names, "-<i>" when an earlier job has it */
static void rb_job_file(const struct nvmesim_results *r, unsigned int i, char *out, size_t len)
{
	char other[sizeof(r->jobs[0].name) + 1];
	unsigned int k;
	size_t n;

	rb_sanitize(out, len, r->jobs[i].name, sizeof(r->jobs[i].name));
	for (k = 0; k < i; k++) {
		rb_sanitize(other, sizeof(other), r->jobs[k].name, sizeof(r->jobs[k].name));
		if (!strcmp(other, out)) {
			n = strlen(out);
			snprintf(out + n, len - n, "-%u", i);
			return;
		}
	}
}

/* rb_read_file - the whole of @path, malloc'd and NUL-terminated, into *@buf; 0 or -errno */
static int rb_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 0, n = 0, got;
	char *b = NULL, *grown;
	FILE *f;
	int ret = 0;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			if (cap > RB_JSON_MAX + 1) {
				ret = -EFBIG;
				break;
			}
			grown = realloc(b, cap);
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			b = grown;
		}
		got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	fclose(f);
	if (ret) {
		free(b);
		return ret;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* rb_read_hist - @dir/@name into @h; 0 or -errno with @diag naming the file */
static int rb_read_hist(const char *dir, const char *name, struct nvmesim_hist *h,
			struct nvmesim_diag *diag)
{
	char path[4096];
	struct nvmesim_diag d;
	FILE *f;
	int n, ret;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		nvmesim_diag_set(diag, "%s: %s", path, strerror(-ret));
		/* summary.json says the file is there: a missing one is a broken folder */
		return ret == -ENOENT ? -EINVAL : ret;
	}
	memset(&d, 0, sizeof(d));
	ret = nvmesim_hist_read_csv(h, f, &d);
	fclose(f);
	if (ret)
		nvmesim_diag_set(diag, "%s: %s", path, d.msg);
	return ret;
}

/* rb_read_hists - every histogram CSV summary.json implies; 0 or -errno */
static int rb_read_hists(const char *dir, struct nvmesim_results *r, struct nvmesim_diag *diag)
{
	char job[sizeof(r->jobs[0].name) + 16], name[sizeof(job) + 32];
	struct nvmesim_hist *h[3];
	unsigned int i, d, k;
	int ret;

	for (i = 0; i < r->nr_jobs; i++) {
		rb_job_file(r, i, job, sizeof(job));
		for (d = 0; d < NVMESIM_DIRS; d++) {
			if (!r->jobs[i].dir[d].ios)
				continue;
			h[0] = &r->jobs[i].dir[d].slat;
			h[1] = &r->jobs[i].dir[d].clat;
			h[2] = &r->jobs[i].dir[d].lat;
			for (k = 0; k < 3; k++) {
				snprintf(name, sizeof(name), "hist-%s-%s-%s.csv", job, rb_dirs[d],
					 rb_kinds[k]);
				ret = rb_read_hist(dir, name, h[k], diag);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/*
 * nvmesim_readback_dir - summary.json, then the histogram CSVs of every job
 * and direction with I/Os, and which counters summary.json had in
 * *@present (optional); returns 0, -ENOENT without summary.json, -EINVAL
 * for a malformed or incomplete folder, -ENOMEM, -EIO.
 */
int nvmesim_readback_dir(const char *dir, struct nvmesim_results **out, uint32_t *present,
			 struct nvmesim_diag *diag)
{
	struct rb_summary s;
	struct rb_json *j;
	char path[4096], *text = NULL;
	locale_t c, old;
	size_t len = 0;
	unsigned int i;
	int ret, n;

	*out = NULL;
	n = snprintf(path, sizeof(path), "%s/summary.json", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	ret = rb_read_file(path, &text, &len);
	if (ret) {
		nvmesim_diag_set(diag, "%s: %s", path, strerror(-ret));
		return ret;
	}
	memset(&s, 0, sizeof(s));
	s.layout_ok = true;
	s.r = calloc(1, sizeof(*s.r));
	j = calloc(1, sizeof(*j));
	if (!s.r || !j) {
		ret = -ENOMEM;
		goto free;
	}
	j->scalar = rb_summary_scalar;
	j->arg = &s;
	old = nvmesim_c_numeric_begin(&c);
	ret = rb_json_parse(j, text, len);
	nvmesim_c_numeric_end(c, old);
	if (ret) {
		ret = s.err ? s.err : -EINVAL;
		nvmesim_diag_set(diag, "%s:%u: %s at '%s'", path, j->line,
				 s.err == -EINVAL ? "jobs out of order" : j->err,
				 j->path[0] ? j->path : "(top)");
		goto free;
	}
	if (!s.has_nvmesim || !s.layout_ok) {
		nvmesim_diag_set(diag, "%s: %s", path, !s.has_nvmesim ?
				 "not an nvmesim summary (no \"nvmesim\" object)" :
				 "histograms of another layout");
		ret = -EINVAL;
		goto free;
	}
	s.r->counters.inflight_ns = s.mean_inflight * (double)s.r->sim_time_ns;
	for (i = 0; i < s.r->nr_queues; i++)
		s.r->queues[i].inflight_ns *= (double)s.r->sim_time_ns;
	ret = rb_read_hists(dir, s.r, diag);
	if (ret)
		goto free;
	*out = s.r;
	s.r = NULL;
	if (present)
		*present = s.present;
free:
	nvmesim_results_free(s.r);
	free(j);
	free(text);
	return ret;
}

/* nvmesim_results_read_dir - nvmesim_readback_dir() without the presence bits */
int nvmesim_results_read_dir(const char *dir, struct nvmesim_results **out,
			     struct nvmesim_diag *diag)
{
	return nvmesim_readback_dir(dir, out, NULL, diag);
}

/*
 * ---------------------------------------------------------------------------
 * Adding runs
 * ---------------------------------------------------------------------------
 */

/* rb_nth_named - index of the @nth job named like @name in @r, or -1 */
static long rb_nth_named(const struct nvmesim_results *r, const char *name, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < r->nr_jobs; i++) {
		if (strncmp(r->jobs[i].name, name, sizeof(r->jobs[i].name)))
			continue;
		if (!nth)
			return (long)i;
		nth--;
	}
	return -1;
}

/* rb_add_job - add job @s to job @d: spans and counts add, histograms merge */
static void rb_add_job(struct nvmesim_job_stats *d, const struct nvmesim_job_stats *s)
{
	unsigned int k;

	d->end_ns += s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0;
	for (k = 0; k < NVMESIM_DIRS; k++) {
		d->dir[k].ios += s->dir[k].ios;
		d->dir[k].bytes += s->dir[k].bytes;
		d->dir[k].errors += s->dir[k].errors;
		nvmesim_hist_merge(&d->dir[k].slat, &s->dir[k].slat);
		nvmesim_hist_merge(&d->dir[k].clat, &s->dir[k].clat);
		nvmesim_hist_merge(&d->dir[k].lat, &s->dir[k].lat);
	}
}

/* rb_merge_queues - add @src's per-queue counters to @dst's when both list the same queue
 * pairs; otherwise the per-queue detail is unknown for the whole and dropped */
static void rb_merge_queues(struct nvmesim_results *dst, const struct nvmesim_results *src)
{
	bool same = dst->nr_queues == src->nr_queues;
	unsigned int i;

	for (i = 0; same && i < dst->nr_queues; i++)
		same = dst->queues[i].qid == src->queues[i].qid;
	if (!same) {
		free(dst->queues);
		dst->queues = NULL;
		dst->nr_queues = 0;
		return;
	}
	for (i = 0; i < dst->nr_queues; i++) {
		dst->queues[i].commands += src->queues[i].commands;
		dst->queues[i].sq_doorbells += src->queues[i].sq_doorbells;
		dst->queues[i].cq_doorbells += src->queues[i].cq_doorbells;
		dst->queues[i].interrupts += src->queues[i].interrupts;
		dst->queues[i].reaps += src->queues[i].reaps;
		dst->queues[i].cqes += src->queues[i].cqes;
		dst->queues[i].polls += src->queues[i].polls;
		dst->queues[i].idle_polls += src->queues[i].idle_polls;
		dst->queues[i].inflight_ns += src->queues[i].inflight_ns;
		dst->queues[i].sq_shadow += src->queues[i].sq_shadow;
		dst->queues[i].cq_shadow += src->queues[i].cq_shadow;
	}
}

/*
 * nvmesim_results_merge - add @src to @dst job by job (matched by name and
 * occurrence), counters and times added; returns 0 or -ENOMEM.
 */
int nvmesim_results_merge(struct nvmesim_results *dst, const struct nvmesim_results *src)
{
	struct nvmesim_job_stats *jobs;
	unsigned int i, k, nth, extra = 0;
	long *map;
	long m;

	map = calloc(src->nr_jobs ? src->nr_jobs : 1, sizeof(*map));
	if (!map)
		return -ENOMEM;
	for (i = 0; i < src->nr_jobs; i++) {
		for (nth = 0, k = 0; k < i; k++)
			nth += !strncmp(src->jobs[k].name, src->jobs[i].name,
					sizeof(src->jobs[i].name));
		map[i] = rb_nth_named(dst, src->jobs[i].name, nth);
		extra += map[i] < 0;
	}
	if (extra) {
		jobs = realloc(dst->jobs, (dst->nr_jobs + extra) * sizeof(*jobs));
		if (!jobs) {
			free(map);
			return -ENOMEM;
		}
		dst->jobs = jobs;
	}
	/* nothing can fail from here on */
	for (i = 0; i < src->nr_jobs; i++) {
		m = map[i];
		if (m < 0) {
			memcpy(&dst->jobs[dst->nr_jobs], &src->jobs[i], sizeof(src->jobs[i]));
			dst->nr_jobs++;
			continue;
		}
		rb_add_job(&dst->jobs[m], &src->jobs[i]);
	}
	free(map);
	dst->sim_time_ns += src->sim_time_ns;
	dst->expect_failures += src->expect_failures;
	dst->counters.mmio_reads += src->counters.mmio_reads;
	dst->counters.mmio_writes += src->counters.mmio_writes;
	dst->counters.sq_doorbells += src->counters.sq_doorbells;
	dst->counters.cq_doorbells += src->counters.cq_doorbells;
	dst->counters.sq_shadow += src->counters.sq_shadow;
	dst->counters.cq_shadow += src->counters.cq_shadow;
	dst->counters.interrupts += src->counters.interrupts;
	dst->counters.reaps += src->counters.reaps;
	dst->counters.cqes += src->counters.cqes;
	dst->counters.commands += src->counters.commands;
	dst->counters.inflight_ns += src->counters.inflight_ns;
	dst->counters.polls += src->counters.polls;
	dst->counters.idle_polls += src->counters.idle_polls;
	dst->counters.cpu_ns += src->counters.cpu_ns;
	rb_merge_queues(dst, src);
	return 0;
}
