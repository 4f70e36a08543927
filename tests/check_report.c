/* SPDX-License-Identifier: MIT */
/*
 * check_report.c - the report writers and the plots: the fio-like text
 * summary (exact text), summary.json (parsed back by a strict JSON reader,
 * key names and values checked; python3's json module as a second opinion
 * when it is installed), the result folder's file names, the time-series
 * CSV, and gnuplot pictures when gnuplot is installed.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nvmesim/nvmesim.h>

#include "tests/check-common.h"

#define ARRAY_NR(a) (sizeof(a) / sizeof((a)[0]))

/*
 * ---------------------------------------------------------------------------
 * Test data: results shaped as nvmesim_run() allocates them
 * ---------------------------------------------------------------------------
 */

/* record3 - one I/O into @d: slat, clat, and their sum as lat */
static void record3(struct nvmesim_dir_stats *d, uint64_t slat, uint64_t clat, uint32_t bytes)
{
	nvmesim_hist_record(&d->slat, slat);
	nvmesim_hist_record(&d->clat, clat);
	nvmesim_hist_record(&d->lat, slat + clat);
	d->ios++;
	d->bytes += bytes;
}

/*
 * make_results - three jobs: "randread" (1000 reads over 2 ms), "mixed job/1"
 * (3 reads, 2 slow writes of which 1 failed) and "mixed job_1" (one trim;
 * the same file name as the second once sanitized).
 */
static struct nvmesim_results *make_results(void)
{
	struct nvmesim_results *r = calloc(1, sizeof(*r));
	struct nvmesim_dir_stats *d;
	unsigned int i, j;

	ck_assert_ptr_nonnull(r);
	r->nr_jobs = 3;
	r->jobs = calloc(r->nr_jobs, sizeof(*r->jobs));
	ck_assert_ptr_nonnull(r->jobs);
	for (j = 0; j < r->nr_jobs; j++)
		for (i = 0; i < NVMESIM_DIRS; i++) {
			nvmesim_hist_init(&r->jobs[j].dir[i].slat);
			nvmesim_hist_init(&r->jobs[j].dir[i].clat);
			nvmesim_hist_init(&r->jobs[j].dir[i].lat);
		}
	snprintf(r->trace, sizeof(r->trace), "traces/basic.yaml");
	snprintf(r->profile, sizeof(r->profile), "gen4-tlc");
	snprintf(r->backend, sizeof(r->backend), "sim");
	r->seed = 42;
	r->sim_time_ns = 2000000;

	snprintf(r->jobs[0].name, sizeof(r->jobs[0].name), "randread");
	r->jobs[0].start_ns = 1000;
	r->jobs[0].end_ns = 2001000;
	d = &r->jobs[0].dir[NVMESIM_DIR_READ];
	for (i = 0; i < 1000; i++)
		record3(d, 250, 10000 + 20 * i, 4096);

	snprintf(r->jobs[1].name, sizeof(r->jobs[1].name), "mixed job/1");
	r->jobs[1].start_ns = 0;
	r->jobs[1].end_ns = 500000000;
	d = &r->jobs[1].dir[NVMESIM_DIR_READ];
	for (i = 0; i < 3; i++)
		record3(d, 300 + i, 70000 + 1000 * i, 131072);
	d = &r->jobs[1].dir[NVMESIM_DIR_WRITE];
	record3(d, 5000, 3000000, 1048576);
	record3(d, 7000, 150000000, 1048576);
	d->errors = 1;

	snprintf(r->jobs[2].name, sizeof(r->jobs[2].name), "mixed job_1");
	r->jobs[2].start_ns = 100;
	r->jobs[2].end_ns = 900;
	d = &r->jobs[2].dir[NVMESIM_DIR_TRIM];
	record3(d, 100, 700, 0);

	r->counters.mmio_reads = 7;
	r->counters.mmio_writes = 2012;
	r->counters.sq_doorbells = 1006;
	r->counters.cq_doorbells = 1006;
	r->counters.interrupts = 503;
	r->counters.reaps = 503;
	r->counters.cqes = 1006;
	r->counters.commands = 1012;
	r->counters.inflight_ns = 7000000.0;
	r->counters.polls = 40;
	r->counters.idle_polls = 30;
	r->counters.cpu_ns = 2012000;
	r->expect_failures = 2;
	return r;
}

/* to_string - run writer @fn on @r into a malloc'd string */
static char *to_string(int (*fn)(const struct nvmesim_results *, FILE *),
		       const struct nvmesim_results *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(r, f), 0);
	fclose(f);
	return buf;
}

/*
 * assert_text_eq - @got equals @want; else fail naming the first line that
 * differs (Check cannot carry a whole report in its failure message)
 */
static void assert_text_eq(const char *got, const char *want)
{
	unsigned int line = 1;
	size_t i, start = 0, g, w;

	for (i = 0; got[i] && got[i] == want[i]; i++) {
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	if (!got[i] && !want[i])
		return;
	g = strcspn(got + start, "\n");
	w = strcspn(want + start, "\n");
	ck_abort_msg("line %u differs:\n got: %.*s\nwant: %.*s", line, (int)(g > 200 ? 200 : g),
		     got + start, (int)(w > 200 ? 200 : w), want + start);
}

/*
 * ---------------------------------------------------------------------------
 * Text
 * ---------------------------------------------------------------------------
 */

static const char expected_text[] =
	"randread: (groupid=0, jobs=1): err= 0\n"
	"  read: IOPS=500k, BW=1953MiB/s (2048MB/s)(4000KiB/2msec)\n"
	"    slat (nsec): min=250, max=250, avg=250.00, stdev= 0.00\n"
	"    clat (usec): min=10, max=29, avg=19.99, stdev= 5.77\n"
	"     lat (usec): min=10, max=30, avg=20.24, stdev= 5.77\n"
	"    clat percentiles (nsec):\n"
	"     |  1.00th=[10239],  5.00th=[11007], 10.00th=[12031], 20.00th=[14015],\n"
	"     | 30.00th=[15999], 40.00th=[18047], 50.00th=[20095], 60.00th=[22015],\n"
	"     | 70.00th=[24063], 80.00th=[25983], 90.00th=[28031], 95.00th=[29055],\n"
	"     | 99.00th=[29823], 99.50th=[29951], 99.90th=[29980], 99.95th=[29980],\n"
	"     | 99.99th=[29980]\n"
	"mixed job/1: (groupid=0, jobs=1): err= 0\n"
	"  read: IOPS=6, BW=768KiB/s (786kB/s)(384KiB/500msec)\n"
	"    slat (nsec): min=300, max=302, avg=301.00, stdev= 0.82\n"
	"    clat (usec): min=70, max=72, avg=71.00, stdev= 0.82\n"
	"     lat (usec): min=70, max=72, avg=71.30, stdev= 0.82\n"
	"    clat percentiles (nsec):\n"
	"     |  1.00th=[70143],  5.00th=[70143], 10.00th=[70143], 20.00th=[70143],\n"
	"     | 30.00th=[70143], 40.00th=[71167], 50.00th=[71167], 60.00th=[71167],\n"
	"     | 70.00th=[72000], 80.00th=[72000], 90.00th=[72000], 95.00th=[72000],\n"
	"     | 99.00th=[72000], 99.50th=[72000], 99.90th=[72000], 99.95th=[72000],\n"
	"     | 99.99th=[72000]\n"
	"  write: IOPS=4, BW=4096KiB/s (4194kB/s)(2048KiB/500msec)\n"
	"    errors: 1 I/Os completed with a non-zero status\n"
	"    slat (usec): min=5, max=7, avg= 6.00, stdev= 1.00\n"
	"    clat (msec): min=3, max=150, avg=76.50, stdev=73.50\n"
	"     lat (msec): min=3, max=150, avg=76.51, stdev=73.50\n"
	"    clat percentiles (msec):\n"
	"     |  1.00th=[    4],  5.00th=[    4], 10.00th=[    4], 20.00th=[    4],\n"
	"     | 30.00th=[    4], 40.00th=[    4], 50.00th=[    4], 60.00th=[  150],\n"
	"     | 70.00th=[  150], 80.00th=[  150], 90.00th=[  150], 95.00th=[  150],\n"
	"     | 99.00th=[  150], 99.50th=[  150], 99.90th=[  150], 99.95th=[  150],\n"
	"     | 99.99th=[  150]\n"
	"mixed job_1: (groupid=0, jobs=1): err= 0\n"
	"  trim: IOPS=1250k, BW=0B/s (0B/s)(0B/800nsec)\n"
	"    slat (nsec): min=100, max=100, avg=100.00, stdev= 0.00\n"
	"    clat (nsec): min=700, max=700, avg=700.00, stdev= 0.00\n"
	"     lat (nsec): min=800, max=800, avg=800.00, stdev= 0.00\n"
	"    clat percentiles (nsec):\n"
	"     |  1.00th=[  700],  5.00th=[  700], 10.00th=[  700], 20.00th=[  700],\n"
	"     | 30.00th=[  700], 40.00th=[  700], 50.00th=[  700], 60.00th=[  700],\n"
	"     | 70.00th=[  700], 80.00th=[  700], 90.00th=[  700], 95.00th=[  700],\n"
	"     | 99.00th=[  700], 99.50th=[  700], 99.90th=[  700], 99.95th=[  700],\n"
	"     | 99.99th=[  700]\n"
	"\n"
	"Run status group 0 (all jobs):\n"
	"   READ: IOPS=2006, bw=8768KiB/s (8978kB/s), io=4384KiB (4489kB), run=500msec\n"
	"  WRITE: IOPS=4, bw=4096KiB/s (4194kB/s), io=2048KiB (2097kB), run=500msec\n"
	"   TRIM: IOPS=1250k, bw=0B/s (0B/s), io=0B (0B), run=800nsec\n"
	"\n"
	"nvmesim: trace=traces/basic.yaml, backend=sim, profile=gen4-tlc, seed=42\n"
	"  sim time=2msec (2000000 ns), I/Os=1006, mean in flight=3.50\n"
	"  commands=1012, mmio writes=2012 (2.00 per I/O), mmio reads=7\n"
	"  doorbells: sq=1006 (1.00 per I/O), cq=1006 (1.00 per I/O)\n"
	"  interrupts=503 (0.50 per I/O)\n"
	"  reaps=503, cqes=1006 (2.00 per reap)\n"
	"  polls=40, idle polls=30\n"
	"  host cpu=2012000 ns (2000.0 ns per I/O)\n"
	"  expect failures=2\n";

START_TEST(test_text)
{
	struct nvmesim_results *r = make_results();
	char *text = to_string(nvmesim_report_text, r);
	char *again = to_string(nvmesim_report_text, r);

	if (getenv("NVMESIM_SHOW_REPORT"))
		fputs(text, stderr);
	assert_text_eq(text, expected_text);
	ck_assert_str_eq(text, again);	/* deterministic */
	free(text);
	free(again);
	nvmesim_results_free(r);
	nvmesim_results_free(NULL);
}
END_TEST

/* one_line - the text line of one read direction with @ios I/Os of @bytes over @ns */
static char *one_line(uint64_t ios, uint64_t bytes, uint64_t ns)
{
	struct nvmesim_results *r = make_results();
	char *text, *nl;

	r->nr_jobs = 1;
	r->jobs[0].start_ns = 0;
	r->jobs[0].end_ns = ns;
	r->jobs[0].dir[NVMESIM_DIR_READ].ios = ios;
	r->jobs[0].dir[NVMESIM_DIR_READ].bytes = bytes;
	text = to_string(nvmesim_report_text, r);
	nvmesim_results_free(r);
	nl = strchr(text, '\n');
	memmove(text, nl + 1, strlen(nl + 1) + 1);
	*strchr(text, '\n') = '\0';
	return text;
}

/* The fio number formats: four significant digits at most, k/M and KiB/MiB steps. */
START_TEST(test_text_units)
{
	static const struct {
		uint64_t ios, bytes, ns;
		const char *line;
	} cases[] = {
		{ 3070, 3070ull * 4096, 1000000000ull,
		  "  read: IOPS=3070, BW=12.0MiB/s (12.6MB/s)(12.0MiB/1000msec)" },
		{ 12345, 12345ull * 4096, 1000000000ull,
		  "  read: IOPS=12.3k, BW=48.2MiB/s (50.6MB/s)(48.2MiB/1000msec)" },
		{ 1234567, 1234567ull * 4096, 1000000000ull,
		  "  read: IOPS=1235k, BW=4823MiB/s (5057MB/s)(4823MiB/1000msec)" },
		{ 12345678, 12345678ull * 131072, 1000000000ull,
		  "  read: IOPS=12.3M, BW=1507GiB/s (1618GB/s)(1507GiB/1000msec)" },
		{ 256000, 1048576000ull, 2084000000ull,
		  "  read: IOPS=123k, BW=480MiB/s (503MB/s)(1000MiB/2084msec)" },
		{ 1, 512, 0, "  read: IOPS=0, BW=0B/s (0B/s)(512B/0nsec)" },
		{ 2, 8192, 1500, "  read: IOPS=1333k, BW=5208MiB/s (5461MB/s)(8192B/2usec)" },
	};
	unsigned int i;
	char *line;

	for (i = 0; i < ARRAY_NR(cases); i++) {
		line = one_line(cases[i].ios, cases[i].bytes, cases[i].ns);
		ck_assert_str_eq(line, cases[i].line);
		free(line);
	}
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * A strict JSON reader (RFC 8259), to check summary.json without trusting
 * the writer: syntax, string escapes, no duplicate keys.
 * ---------------------------------------------------------------------------
 */

struct jv {
	char type;		/* o(bject) a(rray) s(tring) n(umber) t(rue) f(alse) z (null) */
	char *str;		/* decoded string, or a number's text */
	size_t n;		/* members or elements */
	char **keys;		/* object member names */
	struct jv **vals;	/* members or elements */
};

struct jp {
	const char *p;		/* next byte */
};

static struct jv *jparse_value(struct jp *p, unsigned int depth);

/* jfree - free a parsed value */
static void jfree(struct jv *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		jfree(v->vals[i]);
	}
	free(v->keys);
	free(v->vals);
	free(v->str);
	free(v);
}

/* jws - skip JSON whitespace */
static void jws(struct jp *p)
{
	while (*p->p == ' ' || *p->p == '\t' || *p->p == '\n' || *p->p == '\r')
		p->p++;
}

/* jhex4 - four hex digits at @s, -1 if not */
static long jhex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* jstring - a string at p->p (which is '"'), decoded to UTF-8; NULL if invalid */
static char *jstring(struct jp *p)
{
	size_t cap = 64, n = 0;
	char *s = malloc(cap);
	long cp, lo;

	if (*p->p != '"' || !s)
		goto bad;
	p->p++;
	for (;;) {
		unsigned char c = (unsigned char)*p->p;

		if (n + 8 > cap) {
			char *g = realloc(s, cap *= 2);

			if (!g)
				goto bad;
			s = g;
		}
		if (c == '"') {
			p->p++;
			break;
		}
		if (c < 0x20)	/* also the end of the input */
			goto bad;
		if (c != '\\') {
			s[n++] = (char)c;
			p->p++;
			continue;
		}
		p->p++;
		switch (*p->p++) {
		case '"': s[n++] = '"'; break;
		case '\\': s[n++] = '\\'; break;
		case '/': s[n++] = '/'; break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'u':
			cp = jhex4(p->p);
			if (cp < 0)
				goto bad;
			p->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->p[0] != '\\' || p->p[1] != 'u')
					goto bad;
				lo = jhex4(p->p + 2);
				if (lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				p->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				goto bad;
			}
			if (cp < 0x80) {
				s[n++] = (char)cp;
			} else if (cp < 0x800) {
				s[n++] = (char)(0xc0 | cp >> 6);
				s[n++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				s[n++] = (char)(0xe0 | cp >> 12);
				s[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				s[n++] = (char)(0x80 | (cp & 0x3f));
			} else {
				s[n++] = (char)(0xf0 | cp >> 18);
				s[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				s[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				s[n++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			goto bad;
		}
	}
	s[n] = '\0';
	return s;
bad:
	free(s);
	return NULL;
}

/* jdigits - skip one or more digits; false if there are none */
static bool jdigits(struct jp *p)
{
	const char *start = p->p;

	while (*p->p >= '0' && *p->p <= '9')
		p->p++;
	return p->p > start;
}

/* jnumber - a number's text, checked against the grammar; NULL if invalid */
static char *jnumber(struct jp *p)
{
	const char *start = p->p;
	char *s;

	if (*p->p == '-')
		p->p++;
	if (*p->p == '0')
		p->p++;
	else if (!(*p->p >= '1' && *p->p <= '9') || !jdigits(p))
		return NULL;
	if (*p->p == '.') {
		p->p++;
		if (!jdigits(p))
			return NULL;
	}
	if (*p->p == 'e' || *p->p == 'E') {
		p->p++;
		if (*p->p == '+' || *p->p == '-')
			p->p++;
		if (!jdigits(p))
			return NULL;
	}
	s = strndup(start, (size_t)(p->p - start));
	return s;
}

/* jadd - append member @key (NULL in arrays) = @val to @v; false on a duplicate key */
static bool jadd(struct jv *v, char *key, struct jv *val)
{
	size_t i;

	for (i = 0; key && i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return false;
	v->vals = realloc(v->vals, (v->n + 1) * sizeof(*v->vals));
	ck_assert_ptr_nonnull(v->vals);
	if (key) {
		v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
		ck_assert_ptr_nonnull(v->keys);
		v->keys[v->n] = key;
	}
	v->vals[v->n++] = val;
	return true;
}

/* jcontainer - the rest of an object or array after its opening bracket */
static struct jv *jcontainer(struct jp *p, char type, unsigned int depth)
{
	struct jv *v = calloc(1, sizeof(*v)), *val;
	char close = type == 'o' ? '}' : ']';
	char *key = NULL;

	ck_assert_ptr_nonnull(v);
	v->type = type;
	jws(p);
	if (*p->p == close) {
		p->p++;
		return v;
	}
	for (;;) {
		jws(p);
		if (type == 'o') {
			key = jstring(p);
			if (!key)
				goto bad;
			jws(p);
			if (*p->p++ != ':')
				goto bad;
		}
		val = jparse_value(p, depth + 1);
		if (!val || !jadd(v, key, val)) {
			jfree(val);
			goto bad;
		}
		key = NULL;
		jws(p);
		if (*p->p == ',') {
			p->p++;
			continue;
		}
		if (*p->p++ == close)
			return v;
		goto bad;
	}
bad:
	free(key);
	jfree(v);
	return NULL;
}

/* jparse_value - any value; NULL if invalid */
static struct jv *jparse_value(struct jp *p, unsigned int depth)
{
	struct jv *v;

	if (depth > 32)
		return NULL;
	jws(p);
	if (*p->p == '{' || *p->p == '[') {
		char type = *p->p == '{' ? 'o' : 'a';

		p->p++;
		return jcontainer(p, type, depth);
	}
	v = calloc(1, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	if (*p->p == '"') {
		v->type = 's';
		v->str = jstring(p);
	} else if (*p->p == '-' || (*p->p >= '0' && *p->p <= '9')) {
		v->type = 'n';
		v->str = jnumber(p);
	} else if (!strncmp(p->p, "true", 4) || !strncmp(p->p, "null", 4)) {
		v->type = *p->p == 't' ? 't' : 'z';
		v->str = strdup("");
		p->p += 4;
	} else if (!strncmp(p->p, "false", 5)) {
		v->type = 'f';
		v->str = strdup("");
		p->p += 5;
	}
	if (!v->str) {
		free(v);
		return NULL;
	}
	return v;
}

/* jparse - a whole document; NULL if it is not exactly one valid JSON value */
static struct jv *jparse(const char *text)
{
	struct jp p = { text };
	struct jv *v = jparse_value(&p, 0);

	jws(&p);
	if (v && *p.p) {
		jfree(v);
		return NULL;
	}
	return v;
}

/* jget - the value at "/"-separated @path (member names, array indexes); NULL if absent */
static const struct jv *jget(const struct jv *v, const char *path)
{
	char buf[256], *save = NULL, *part;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, "/", &save); v && part; part = strtok_r(NULL, "/", &save)) {
		const struct jv *next = NULL;

		if (v->type == 'o') {
			for (i = 0; i < v->n; i++)
				if (!strcmp(v->keys[i], part))
					next = v->vals[i];
		} else if (v->type == 'a') {
			i = strtoul(part, NULL, 10);
			if (i < v->n)
				next = v->vals[i];
		}
		v = next;
	}
	return v;
}

/* jnum - the text of the number at @path, failing the test if it is not a number */
static const char *jnum(const struct jv *doc, const char *path)
{
	const struct jv *v = jget(doc, path);

	ck_assert_msg(v && v->type == 'n', "no number at %s", path);
	return v->str;
}

/* jstr - the string at @path, failing the test if it is not a string */
static const char *jstr(const struct jv *doc, const char *path)
{
	const struct jv *v = jget(doc, path);

	ck_assert_msg(v && v->type == 's', "no string at %s", path);
	return v->str;
}

/* The reader itself must reject what is not JSON, or it proves nothing. */
START_TEST(test_json_reader)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{\"a\":1,\"a\":2}", "\"\x01\"",
		"\"\\x\"", "01", "1.", "-", "[1] 2", "{a:1}", "\"\\ud800\"", "nul",
	};
	struct jv *v;
	unsigned int i;

	for (i = 0; i < ARRAY_NR(bad); i++) {
		v = jparse(bad[i]);
		ck_assert_msg(v == NULL, "accepted %s", bad[i]);
	}
	v = jparse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"]} ");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(jnum(v, "a/1"), "-2.5e3");
	ck_assert_str_eq(jstr(v, "a/5"), "x\xc3\xa9\xf0\x9f\x98\x80");
	jfree(v);
}
END_TEST

/* python_json_ok - python3 json.load() accepts @path; true also when python3 is absent */
static bool python_json_ok(const char *path)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\"))' "
		 "'%s' 2>/dev/null", path);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) == 127)
		return true;	/* no python3: nothing to ask */
	return WEXITSTATUS(st) == 0;
}

START_TEST(test_json)
{
	static const char *const nvmesim_keys[] = {
		"version", "trace", "backend", "profile", "seed", "sim_time_ns", "mmio_reads",
		"mmio_writes", "sq_doorbells", "cq_doorbells", "interrupts", "reaps", "cqes",
		"commands", "cqes_per_reap", "mmio_writes_per_io", "interrupts_per_io",
		"mean_inflight", "expect_failures", "histogram_layout",
	};
	static const char *const dir_keys[] = {
		"io_bytes", "io_kbytes", "bw_bytes", "bw", "iops", "runtime", "total_ios",
		"short_ios", "drop_ios", "slat_ns", "clat_ns", "lat_ns",
	};
	struct nvmesim_results *r = make_results();
	const struct nvmesim_hist *clat = &r->jobs[0].dir[NVMESIM_DIR_READ].clat;
	const struct nvmesim_hist *lat = &r->jobs[0].dir[NVMESIM_DIR_READ].lat;
	char *text, *again, path[128], want[64];
	const struct jv *pct;
	struct jv *doc;
	unsigned int i;

	/* every kind of string escape, and bytes that are not UTF-8 */
	snprintf(r->trace, sizeof(r->trace), "dir \"q\"\\x\n\t\x01\x7f\xff\xc3\xa9.yaml");
	text = to_string(nvmesim_report_json, r);
	again = to_string(nvmesim_report_json, r);
	ck_assert_str_eq(text, again);
	doc = jparse(text);
	ck_assert_msg(doc != NULL, "summary.json is not JSON:\n%s", text);

	ck_assert_str_eq(jstr(doc, "fio version"), "nvmesim-" NVMESIM_VERSION_STRING);
	ck_assert_str_eq(jnum(doc, "timestamp"), "0");
	ck_assert_uint_eq(jget(doc, "jobs")->n, 3);
	ck_assert_str_eq(jstr(doc, "jobs/0/jobname"), "randread");
	ck_assert_str_eq(jstr(doc, "jobs/1/jobname"), "mixed job/1");
	ck_assert_str_eq(jnum(doc, "jobs/0/groupid"), "0");
	ck_assert_str_eq(jnum(doc, "jobs/0/error"), "0");
	ck_assert_str_eq(jnum(doc, "jobs/0/job_runtime"), "2");
	ck_assert_str_eq(jnum(doc, "jobs/1/job_runtime"), "500");
	for (i = 0; i < ARRAY_NR(dir_keys); i++) {
		snprintf(path, sizeof(path), "jobs/2/write/%s", dir_keys[i]);
		ck_assert_msg(jget(doc, path) != NULL, "no %s", path);
	}
	ck_assert_str_eq(jnum(doc, "jobs/0/read/io_bytes"), "4096000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/io_kbytes"), "4000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/bw_bytes"), "2048000000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/bw"), "2000000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/iops"), "500000.000000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/runtime"), "2");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/total_ios"), "1000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/short_ios"), "0");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/drop_ios"), "0");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/slat_ns/min"), "250");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/slat_ns/N"), "1000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/clat_ns/min"), "10000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/clat_ns/max"), "29980");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/clat_ns/mean"), "19990.000000");
	ck_assert_str_eq(jnum(doc, "jobs/0/read/lat_ns/mean"), "20240.000000");
	ck_assert_ptr_null(jget(doc, "jobs/0/read/slat_ns/percentile"));
	ck_assert_str_eq(jnum(doc, "jobs/1/write/errors"), "1");
	ck_assert_str_eq(jnum(doc, "jobs/0/write/total_ios"), "0");
	ck_assert_str_eq(jnum(doc, "jobs/0/write/clat_ns/min"), "0");
	ck_assert_ptr_null(jget(doc, "jobs/0/write/clat_ns/percentile"));

	pct = jget(doc, "jobs/0/read/clat_ns/percentile");
	ck_assert_ptr_nonnull(pct);
	ck_assert_uint_eq(pct->n, nvmesim_hist_nr_percentiles);
	ck_assert_str_eq(pct->keys[0], "1.000000");
	ck_assert_str_eq(pct->keys[13], "99.500000");
	ck_assert_str_eq(pct->keys[16], "99.990000");
	for (i = 0; i < nvmesim_hist_nr_percentiles; i++) {
		snprintf(want, sizeof(want), "%llu",
			 (unsigned long long)nvmesim_hist_percentile(clat,
								     nvmesim_hist_percentiles[i]));
		ck_assert_str_eq(pct->vals[i]->str, want);
	}
	snprintf(want, sizeof(want), "%llu",
		 (unsigned long long)nvmesim_hist_percentile(lat, 99.9));
	ck_assert_str_eq(jnum(doc, "jobs/0/read/lat_ns/percentile/99.900000"), want);
	ck_assert_str_eq(jnum(doc, "jobs/0/read/clat_ns/percentile/50.000000"), "20095");

	for (i = 0; i < ARRAY_NR(nvmesim_keys); i++) {
		snprintf(path, sizeof(path), "nvmesim/%s", nvmesim_keys[i]);
		ck_assert_msg(jget(doc, path) != NULL, "no %s", path);
	}
	ck_assert_str_eq(jstr(doc, "nvmesim/version"), NVMESIM_VERSION_STRING);
	ck_assert_str_eq(jstr(doc, "nvmesim/trace"),
			 "dir \"q\"\\x\n\t\x01\x7f\xef\xbf\xbd\xc3\xa9.yaml");
	ck_assert_str_eq(jstr(doc, "nvmesim/profile"), "gen4-tlc");
	ck_assert_str_eq(jstr(doc, "nvmesim/backend"), "sim");
	ck_assert_str_eq(jnum(doc, "nvmesim/seed"), "42");
	ck_assert_str_eq(jnum(doc, "nvmesim/sim_time_ns"), "2000000");
	ck_assert_str_eq(jnum(doc, "nvmesim/cqes_per_reap"), "2.000000");
	ck_assert_str_eq(jnum(doc, "nvmesim/mmio_writes_per_io"), "2.000000");
	ck_assert_str_eq(jnum(doc, "nvmesim/interrupts_per_io"), "0.500000");
	ck_assert_str_eq(jnum(doc, "nvmesim/mean_inflight"), "3.500000");
	ck_assert_str_eq(jnum(doc, "nvmesim/expect_failures"), "2");
	ck_assert_str_eq(jnum(doc, "nvmesim/histogram_layout/sub_buckets"), "128");
	ck_assert_str_eq(jnum(doc, "nvmesim/histogram_layout/max_exp"), "42");
	ck_assert_str_eq(jstr(doc, "nvmesim/histogram_layout/unit"), "ns");
	jfree(doc);
	free(text);
	free(again);

	/* no jobs at all is still a valid document */
	r->nr_jobs = 0;
	text = to_string(nvmesim_report_json, r);
	doc = jparse(text);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(jget(doc, "jobs")->n, 0);
	ck_assert_str_eq(jnum(doc, "nvmesim/mmio_writes_per_io"), "0.000000");
	jfree(doc);
	free(text);
	nvmesim_results_free(r);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * Result folders
 * ---------------------------------------------------------------------------
 */

/* rm_one - nftw() callback removing one entry */
static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm_tree - remove folder @dir and everything in it */
static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* make_tmpdir - a fresh folder under $TMPDIR into @buf */
static void make_tmpdir(char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, len, "%s/check_report.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

/* file_size - size of @dir/@name, -1 if absent */
static long file_size(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st))
		return -1;
	return (long)st.st_size;
}

/* read_file - the contents of @dir/@name, malloc'd and NUL-terminated */
static char *read_file(const char *dir, const char *name)
{
	char path[512], *buf;
	long size = file_size(dir, name);
	FILE *f;

	ck_assert_int_ge(size, 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = calloc(1, (size_t)size + 1);
	ck_assert_ptr_nonnull(buf);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return buf;
}

START_TEST(test_write_dir)
{
	static const char *const present[] = {
		"summary.json",
		"hist-randread-read-slat.csv", "hist-randread-read-clat.csv",
		"hist-randread-read-lat.csv",
		"hist-mixed_job_1-read-lat.csv", "hist-mixed_job_1-write-clat.csv",
		"hist-mixed_job_1-2-trim-lat.csv",
		"hist-_hidden-read-lat.csv", "hist-job-read-lat.csv",
	};
	static const char *const absent[] = {
		"hist-randread-write-lat.csv", "hist-randread-trim-clat.csv",
		"hist-mixed_job_1-trim-lat.csv", "hist-.hidden-read-lat.csv",
	};
	struct nvmesim_results *r = make_results();
	struct nvmesim_job_stats *jobs;
	char dir[256], *csv, *json;
	struct jv *doc;
	unsigned int i;

	/* two more jobs: a hidden-file name and an empty one */
	jobs = realloc(r->jobs, 5 * sizeof(*jobs));
	ck_assert_ptr_nonnull(jobs);
	r->jobs = jobs;
	memcpy(&jobs[3], &jobs[1], sizeof(*jobs));
	memcpy(&jobs[4], &jobs[1], sizeof(*jobs));
	snprintf(jobs[3].name, sizeof(jobs[3].name), ".hidden");
	memset(jobs[4].name, 0, sizeof(jobs[4].name));
	r->nr_jobs = 5;

	make_tmpdir(dir, sizeof(dir));
	ck_assert_int_eq(nvmesim_report_write_dir(r, dir), 0);
	for (i = 0; i < ARRAY_NR(present); i++)
		ck_assert_msg(file_size(dir, present[i]) > 0, "%s missing", present[i]);
	for (i = 0; i < ARRAY_NR(absent); i++)
		ck_assert_msg(file_size(dir, absent[i]) < 0, "%s present", absent[i]);

	json = read_file(dir, "summary.json");
	doc = jparse(json);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(jget(doc, "jobs")->n, 5);
	jfree(doc);
	free(json);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/summary.json", dir);
		ck_assert_msg(python_json_ok(path), "python3 json.load rejects %s", path);
	}

	csv = read_file(dir, "hist-mixed_job_1-write-clat.csv");
	assert_text_eq(csv, "# nvmesim histogram: sub_buckets=128 max_exp=42 unit=ns\n"
			      "# count=2 min=3000000 max=150000000 mean=76500000.000000 "
			      "stddev=73500000.000000\n"
			      "lower_ns,upper_ns,count\n"
			      "2998272,3014655,1\n"
			      "149946368,150994943,1\n");
	free(csv);

	rm_tree(dir);
	ck_assert_int_eq(nvmesim_report_write_dir(r, dir), -ENOENT);
	nvmesim_results_free(r);
}
END_TEST

START_TEST(test_interval_csv)
{
	struct nvmesim_interval iv = {
		.start_ns = 0, .end_ns = 1000000, .ios = 500, .bytes = 2048000,
		.mean_ns = 12345.5, .p99_ns = 20000,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(nvmesim_report_interval_csv(NULL, f), 0);
	ck_assert_int_eq(nvmesim_report_interval_csv(&iv, f), 0);
	iv.start_ns = iv.end_ns;	/* an empty interval: no rate */
	iv.ios = 0;
	iv.bytes = 0;
	iv.mean_ns = 0;
	iv.p99_ns = 0;
	ck_assert_int_eq(nvmesim_report_interval_csv(&iv, f), 0);
	fclose(f);
	ck_assert_str_eq(buf, "start_ns,end_ns,ios,bytes,iops,bw_bytes,mean_ns,p99_ns\n"
			      "0,1000000,500,2048000,500000.000,2048000000.000,12345.500,20000\n"
			      "1000000,1000000,0,0,0.000,0.000,0.000,0\n");
	free(buf);

	/* without the explicit header call: the header comes before the first row anyway */
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(nvmesim_report_interval_csv(&iv, f), 0);
	ck_assert_int_eq(nvmesim_report_interval_csv(&iv, f), 0);
	fclose(f);
	ck_assert_str_eq(buf, "start_ns,end_ns,ios,bytes,iops,bw_bytes,mean_ns,p99_ns\n"
			      "1000000,1000000,0,0,0.000,0.000,0.000,0\n"
			      "1000000,1000000,0,0,0.000,0.000,0.000,0\n");
	free(buf);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * Plots
 * ---------------------------------------------------------------------------
 */

/* write_timeseries - a plausible timeseries.csv in @dir: ramp-up, steady state, a stall */
static void write_timeseries(const char *dir)
{
	struct nvmesim_interval iv = { 0 };
	char path[512];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/timeseries.csv", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 40; i++) {	/* the header comes with the first row */
		iv.start_ns = i * 1000000ull;
		iv.end_ns = iv.start_ns + 1000000;
		iv.ios = i < 5 ? 100 * (i + 1) : (i >= 25 && i < 28 ? 150 : 500);
		iv.bytes = iv.ios * 4096;
		iv.mean_ns = i >= 25 && i < 28 ? 180000 : 64000 + 100 * (i % 7);
		iv.p99_ns = (uint64_t)(iv.mean_ns * 1.6);
		ck_assert_int_eq(nvmesim_report_interval_csv(&iv, f), 0);
	}
	ck_assert_int_eq(fclose(f), 0);
}

/* is_png - @dir/@name is a non-trivial PNG file */
static bool is_png(const char *dir, const char *name)
{
	static const unsigned char magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	char *buf;
	bool ok;

	if (file_size(dir, name) < 2000)
		return false;
	buf = read_file(dir, name);
	ok = !memcmp(buf, magic, sizeof(magic));
	free(buf);
	return ok;
}

/* is_svg - @dir/@name is an SVG file */
static bool is_svg(const char *dir, const char *name)
{
	char *buf;
	bool ok;

	if (file_size(dir, name) < 2000)
		return false;
	buf = read_file(dir, name);
	ok = strstr(buf, "<svg") != NULL;
	free(buf);
	return ok;
}

/* make_plot_dir - a result folder with histograms (and optionally the time series) */
static void make_plot_dir(char *dir, size_t len, bool timeseries)
{
	struct nvmesim_results *r = make_results();
	struct nvmesim_dir_stats *d = &r->jobs[1].dir[NVMESIM_DIR_READ];
	uint64_t s = 1;
	unsigned int i;

	/* give the second job a realistic spread: 90% ~ 80 us, 10% slow NAND reads */
	for (i = 0; i < 20000; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		record3(d, 200 + (s >> 60), (s >> 33) % 10 ? 60000 + (s >> 40) % 40000
							 : 150000 + (s >> 20) % 900000, 4096);
	}
	make_tmpdir(dir, len);
	ck_assert_int_eq(nvmesim_report_write_dir(r, dir), 0);
	if (timeseries)
		write_timeseries(dir);
	nvmesim_results_free(r);
}

/* write_text - create @dir/@name holding @text */
static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_plot)
{
	static const char *const outputs[] = { "latency-hist", "latency-cdf", "timeseries" };
	struct nvmesim_diag diag;
	char dir[256], name[64];
	unsigned int i;
	int ret;

	memset(&diag, 0, sizeof(diag));
	make_plot_dir(dir, sizeof(dir), true);
	ret = nvmesim_plot(dir, NVMESIM_SRCDIR "/plots", &diag);
	if (ret == -ENOENT && strstr(diag.msg, "gnuplot not found")) {
		fprintf(stderr, "check_report: gnuplot not installed, plots not checked\n");
		rm_tree(dir);
		return;
	}
	ck_assert_msg(ret == 0, "nvmesim_plot: %d %s", ret, diag.msg);
	for (i = 0; i < ARRAY_NR(outputs); i++) {
		snprintf(name, sizeof(name), "%s.png", outputs[i]);
		ck_assert_msg(is_png(dir, name), "%s is not a PNG", name);
		snprintf(name, sizeof(name), "%s.svg", outputs[i]);
		ck_assert_msg(is_svg(dir, name), "%s is not an SVG", name);
	}
	if (getenv("NVMESIM_KEEP_PLOTS"))
		fprintf(stderr, "check_report: plots kept in %s\n", dir);
	else
		rm_tree(dir);

	/*
	 * no timeseries rows, a histogram without rows: the other plots, and
	 * success (gnuplot's stats would fail on a file without data)
	 */
	make_plot_dir(dir, sizeof(dir), false);
	write_text(dir, "timeseries.csv",
		   "start_ns,end_ns,ios,bytes,iops,bw_bytes,mean_ns,p99_ns\n");
	write_text(dir, "hist-empty-read-lat.csv",
		   "# nvmesim histogram: sub_buckets=128 max_exp=42 unit=ns\n"
		   "# count=0 min=0 max=0 mean=0.000000 stddev=0.000000\n"
		   "lower_ns,upper_ns,count\n");
	ck_assert_int_eq(nvmesim_plot(dir, NULL, &diag), 0);
	ck_assert(is_png(dir, "latency-cdf.png"));
	ck_assert_int_lt(file_size(dir, "timeseries.png"), 0);
	rm_tree(dir);
}
END_TEST

START_TEST(test_plot_errors)
{
	struct nvmesim_diag diag;
	char dir[256], scripts[256], *path = NULL;
	const char *old = getenv("PATH");
	int ret;

	memset(&diag, 0, sizeof(diag));
	make_plot_dir(dir, sizeof(dir), false);

	/* no gnuplot on PATH: -ENOENT, quietly */
	if (old) {
		path = strdup(old);
		ck_assert_ptr_nonnull(path);
	}
	setenv("PATH", "/nonexistent-nvmesim", 1);
	ck_assert_int_eq(nvmesim_plot(dir, NULL, &diag), -ENOENT);
	ck_assert_str_eq(diag.msg, "gnuplot not found on PATH: no plots");
	if (path)
		setenv("PATH", path, 1);
	else
		unsetenv("PATH");
	free(path);

	ret = nvmesim_plot(dir, "/nonexistent-nvmesim", &diag);
	if (ret == -ENOENT && strstr(diag.msg, "gnuplot not found"))
		goto out;	/* no gnuplot here: the rest needs it */
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_str_eq(diag.msg,
			 "/nonexistent-nvmesim: no gnuplot scripts (latency-hist.gp) there");

	/* a missing result folder */
	ck_assert_int_eq(nvmesim_plot("/nonexistent-nvmesim", NVMESIM_SRCDIR "/plots", &diag),
			 -ENOENT);

	/* a broken script: -EIO and gnuplot's complaint in one line */
	make_tmpdir(scripts, sizeof(scripts));
	write_text(scripts, "latency-hist.gp", "plot sin(x) with nonsense\n");
	write_text(scripts, "latency-cdf.gp", "print 1\n");
	write_text(scripts, "timeseries.gp", "print 1\n");
	ck_assert_int_eq(nvmesim_plot(dir, scripts, &diag), -EIO);
	ck_assert_ptr_nonnull(strstr(diag.msg, "latency-hist.gp failed: "));
	ck_assert_ptr_null(strchr(diag.msg, '\n'));
	rm_tree(scripts);
out:
	rm_tree(dir);
}
END_TEST

/* report_suite - the report and plot tests */
static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");
	TCase *plot = tcase_create("plot");

	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_units);
	tcase_add_test(tc, test_json_reader);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_write_dir);
	tcase_add_test(tc, test_interval_csv);
	suite_add_tcase(s, tc);
	tcase_set_timeout(plot, 120);
	tcase_add_test(plot, test_plot);
	tcase_add_test(plot, test_plot_errors);
	suite_add_tcase(s, plot);
	return s;
}

int main(void)
{
	return nvmesim_test_run(report_suite());
}
