/* SPDX-License-Identifier: MIT */
/*
 * check_sweep.c - parameter sweeps without running anything: --vary parsing
 * and the point numbering, sweep-spec written and read back, histogram CSVs
 * and whole result folders read back exactly, runs added, the metrics of a
 * row, and nvmesim_sweep_merge() on hand-made folders (value lists united,
 * points found under their own index in each input, combined points, the
 * errors for inputs that do not fit).  The end-to-end sweeps (processes,
 * --emit-jobs, -j) are in run-sweep.sh.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nvmesim/nvmesim.h>
#include <nvmesim/sweep.h>

#include "engine/sweep.h"
#include "tests/check-common.h"

/*
 * ---------------------------------------------------------------------------
 * Helpers
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

	snprintf(buf, len, "%s/check_sweep.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

/* subdir - "@dir/@name" into @buf, created (with parents one level deep) */
static const char *subdir(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(buf, 0777), 0);
	return buf;
}

/* slurp - the contents of @dir/@name, malloc'd; NULL if absent */
static char *slurp(const char *dir, const char *name)
{
	char path[1024], *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* write_text - @text into @dir/@name */
static void write_text(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* count_lines - newlines in @s */
static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* record3 - one I/O into @d: slat, clat, and their sum as lat */
static void record3(struct nvmesim_dir_stats *d, uint64_t slat, uint64_t clat, uint32_t bytes)
{
	nvmesim_hist_record(&d->slat, slat);
	nvmesim_hist_record(&d->clat, clat);
	nvmesim_hist_record(&d->lat, slat + clat);
	d->ios++;
	d->bytes += bytes;
}

/* new_results - @nr_jobs empty jobs named by @names, the rest zero */
static struct nvmesim_results *new_results(unsigned int nr_jobs, const char *const *names)
{
	struct nvmesim_results *r = calloc(1, sizeof(*r));
	unsigned int i, j;

	ck_assert_ptr_nonnull(r);
	r->nr_jobs = nr_jobs;
	r->jobs = calloc(nr_jobs, sizeof(*r->jobs));
	ck_assert_ptr_nonnull(r->jobs);
	for (j = 0; j < nr_jobs; j++) {
		snprintf(r->jobs[j].name, sizeof(r->jobs[j].name), "%s", names[j]);
		for (i = 0; i < NVMESIM_DIRS; i++) {
			nvmesim_hist_init(&r->jobs[j].dir[i].slat);
			nvmesim_hist_init(&r->jobs[j].dir[i].clat);
			nvmesim_hist_init(&r->jobs[j].dir[i].lat);
		}
	}
	snprintf(r->trace, sizeof(r->trace), "traces/\"odd\" name.yaml");
	snprintf(r->profile, sizeof(r->profile), "gen4-tlc");
	snprintf(r->backend, sizeof(r->backend), "sim");
	return r;
}

/*
 * make_results - three jobs: "rand" (1000 reads over 2 ms, @shift moving
 * every latency), "a b" (3 reads and 2 writes, one failed) and "a_b" (one
 * trim; the same file name as "a b" once sanitized, so it gets "-2").
 */
static struct nvmesim_results *make_results(uint64_t shift)
{
	static const char *const names[] = { "rand", "a b", "a_b" };
	struct nvmesim_results *r = new_results(3, names);
	struct nvmesim_dir_stats *d;
	unsigned int i;

	r->seed = 42;
	r->sim_time_ns = 2000000;
	r->jobs[0].start_ns = 1000;
	r->jobs[0].end_ns = 2001000;
	d = &r->jobs[0].dir[NVMESIM_DIR_READ];
	for (i = 0; i < 1000; i++)
		record3(d, 250, 10000 + 20 * i + shift, 4096);
	r->jobs[1].end_ns = 1500000;
	d = &r->jobs[1].dir[NVMESIM_DIR_READ];
	for (i = 0; i < 3; i++)
		record3(d, 300 + i, 70000 + 1000 * i, 131072);
	d = &r->jobs[1].dir[NVMESIM_DIR_WRITE];
	record3(d, 5000, 3000000, 1048576);
	record3(d, 7000, 150000000, 1048576);
	d->errors = 1;
	r->jobs[2].start_ns = 100;
	r->jobs[2].end_ns = 900;
	record3(&r->jobs[2].dir[NVMESIM_DIR_TRIM], 100, 700, 0);
	r->counters.mmio_reads = 7;
	r->counters.mmio_writes = 2012;
	r->counters.sq_doorbells = 1006;
	r->counters.cq_doorbells = 1003;
	r->counters.interrupts = 503;
	r->counters.reaps = 500;
	r->counters.cqes = 1006;
	r->counters.commands = 1012;
	r->counters.inflight_ns = 7000000.0;
	r->expect_failures = 2;
	return r;
}

/* same_hist - buckets, count, min and max equal; mean and deviation as printed */
static void same_hist(const struct nvmesim_hist *a, const struct nvmesim_hist *b)
{
	ck_assert_uint_eq(a->count, b->count);
	ck_assert_uint_eq(a->min, b->min);
	ck_assert_uint_eq(a->max, b->max);
	ck_assert_int_eq(memcmp(a->buckets, b->buckets, sizeof(a->buckets)), 0);
	ck_assert_double_eq_tol(a->mean, b->mean, 1e-6);
	ck_assert_double_eq_tol(nvmesim_hist_stddev(a), nvmesim_hist_stddev(b), 1e-5);
	ck_assert_uint_eq(nvmesim_hist_percentile(a, 99.9), nvmesim_hist_percentile(b, 99.9));
}

/*
 * ---------------------------------------------------------------------------
 * --vary and the points
 * ---------------------------------------------------------------------------
 */

/* vary_err - nvmesim_sweep_vary(@arg) fails with -EINVAL and message @msg */
static void vary_err(struct nvmesim_sweep *s, const char *arg, const char *msg)
{
	struct nvmesim_diag d;

	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_sweep_vary(s, arg, &d), -EINVAL);
	ck_assert_str_eq(d.msg, msg);
}

START_TEST(test_vary)
{
	struct nvmesim_sweep *s;
	char name[128];

	ck_assert_int_eq(nvmesim_sweep_new(&s), 0);
	ck_assert_uint_eq(nvmesim_sweep_nr_points(s), 1);
	ck_assert_int_eq(nvmesim_sweep_point_name(s, 0, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "0000-run");
	ck_assert_int_eq(nvmesim_sweep_vary(s, "jobs.0.iodepth=1,4,32", NULL), 0);
	ck_assert_int_eq(nvmesim_sweep_vary(s, "host.coalescing=off;8,100", NULL), 0);
	ck_assert_uint_eq(nvmesim_sweep_nr_keys(s), 2);
	ck_assert_str_eq(nvmesim_sweep_key(s, 1), "host.coalescing");
	ck_assert_ptr_null(nvmesim_sweep_key(s, 2));
	ck_assert_uint_eq(nvmesim_sweep_nr_points(s), 6);
	/* the first key varies slowest */
	ck_assert_str_eq(nvmesim_sweep_value(s, 0, 0), "1");
	ck_assert_str_eq(nvmesim_sweep_value(s, 1, 0), "1");
	ck_assert_str_eq(nvmesim_sweep_value(s, 1, 1), "8,100");
	ck_assert_str_eq(nvmesim_sweep_value(s, 4, 0), "32");
	ck_assert_str_eq(nvmesim_sweep_value(s, 4, 1), "off");
	ck_assert_ptr_null(nvmesim_sweep_value(s, 6, 0));
	ck_assert_int_eq(nvmesim_sweep_point_name(s, 3, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "0003-iodepth-4_coalescing-8-100");
	ck_assert_int_eq(nvmesim_sweep_point_name(s, 6, name, sizeof(name)), -ERANGE);
	ck_assert_int_eq(nvmesim_sweep_point_name(s, 3, name, 8), -ENAMETOOLONG);

	vary_err(s, "jobs.0.iodepth=2", "--vary jobs.0.iodepth: key given twice");
	vary_err(s, "noequals", "--vary noequals: expected KEY=V1,V2,... with KEY a setting "
		 "path such as host.queues");
	vary_err(s, "a..b=1", "--vary a..b=1: expected KEY=V1,V2,... with KEY a setting path "
		 "such as host.queues");
	vary_err(s, "=1,2", "--vary =1,2: expected KEY=V1,V2,... with KEY a setting path such "
		 "as host.queues");
	vary_err(s, "host.queues=1,,2", "--vary host.queues: empty value");
	vary_err(s, "host.queues=", "--vary host.queues: empty value");
	vary_err(s, "host.queues=1,2,1", "--vary host.queues: value '1' given twice");
	vary_err(s, "host.queues=1\t2", "--vary host.queues: values must be printable ASCII");
	/* a failed --vary leaves the sweep as it was */
	ck_assert_uint_eq(nvmesim_sweep_nr_keys(s), 2);
	ck_assert_uint_eq(nvmesim_sweep_nr_points(s), 6);
	nvmesim_sweep_free(s);
}
END_TEST

START_TEST(test_vary_limits)
{
	struct nvmesim_sweep *s;
	char arg[8192], key[32];
	unsigned int i;
	size_t n;

	ck_assert_int_eq(nvmesim_sweep_new(&s), 0);
	/* 1000 x 1000 points is too many */
	n = (size_t)snprintf(arg, sizeof(arg), "a=0");
	for (i = 1; i < 1000; i++)
		n += (size_t)snprintf(arg + n, sizeof(arg) - n, ",%u", i);
	ck_assert_int_eq(nvmesim_sweep_vary(s, arg, NULL), 0);
	arg[0] = 'b';
	vary_err(s, arg, "--vary b: more than 100000 points in all");
	nvmesim_sweep_free(s);

	ck_assert_int_eq(nvmesim_sweep_new(&s), 0);
	for (i = 0; i < NVMESIM_SWEEP_MAX_KEYS; i++) {
		snprintf(key, sizeof(key), "k%u=x", i);
		ck_assert_int_eq(nvmesim_sweep_vary(s, key, NULL), 0);
	}
	vary_err(s, "one.more=1", "--vary one.more: at most 8 keys can be varied");
	nvmesim_sweep_free(s);
}
END_TEST

START_TEST(test_spec)
{
	const char *const sets[] = { "jobs.0.count=200", "jobs.0.name=tab\there" };
	struct nvmesim_sweep *s, *t;
	struct nvmesim_run_opts o;
	struct nvmesim_diag d;
	char dir[256], *text;

	make_tmpdir(dir, sizeof(dir));
	ck_assert_int_eq(nvmesim_sweep_read_spec(&t, dir, NULL), -ENOENT);
	ck_assert_int_eq(nvmesim_sweep_new(&s), 0);
	ck_assert_int_eq(nvmesim_sweep_vary(s, "jobs.0.iodepth=1,4", NULL), 0);
	ck_assert_int_eq(nvmesim_sweep_vary(s, "host.sq_doorbell=per-command;every:4,x", NULL),
			 0);
	memset(&o, 0, sizeof(o));
	o.trace = "/abs/trace \\ name.yaml";
	o.seed_set = true;
	o.seed = 7;
	o.sets = sets;
	o.nr_sets = 2;
	ck_assert_int_eq(nvmesim_sweep_set_base(s, &o), 0);
	ck_assert_int_eq(nvmesim_sweep_write_spec(s, dir), 0);
	text = slurp(dir, "sweep-spec");
	ck_assert_str_eq(text, "# nvmesim sweep-spec 1\n"
			 "# what `nvmesim merge` needs: the varied keys and values "
			 "(docs/sweeps.md)\n"
			 "trace\t/abs/trace \\\\ name.yaml\n"
			 "seed\t7\n"
			 "set\tjobs.0.count=200\n"
			 "set\tjobs.0.name=tab\\there\n"
			 "vary\tjobs.0.iodepth\t1\t4\n"
			 "vary\thost.sq_doorbell\tper-command\tevery:4,x\n");
	free(text);
	ck_assert_int_eq(nvmesim_sweep_read_spec(&t, dir, NULL), 0);
	ck_assert_uint_eq(nvmesim_sweep_nr_keys(t), 2);
	ck_assert_uint_eq(nvmesim_sweep_nr_points(t), 4);
	ck_assert_str_eq(nvmesim_sweep_value(t, 3, 1), "every:4,x");
	ck_assert_str_eq(nvmesim_sweep_key(t, 1), "host.sq_doorbell");
	/* written again, byte for byte the same: the escapes round-trip */
	ck_assert_int_eq(nvmesim_sweep_write_spec(t, dir), 0);
	text = slurp(dir, "sweep-spec");
	ck_assert_ptr_nonnull(strstr(text, "set\tjobs.0.name=tab\\there\n"));
	ck_assert_ptr_nonnull(strstr(text, "trace\t/abs/trace \\\\ name.yaml\n"));
	free(text);
	nvmesim_sweep_free(t);
	nvmesim_sweep_free(s);

	write_text(dir, "sweep-spec", "# nvmesim sweep-spec 1\nvary\tq\t1\t1\n");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_sweep_read_spec(&t, dir, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "sweep-spec:2: expected 'vary KEY V1 V2...'"));
	write_text(dir, "sweep-spec", "# something else\n");
	ck_assert_int_eq(nvmesim_sweep_read_spec(&t, dir, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "sweep-spec:1: expected '# nvmesim sweep-spec 1'"));
	write_text(dir, "sweep-spec", "# nvmesim sweep-spec 1\nseed\tx\n");
	ck_assert_int_eq(nvmesim_sweep_read_spec(&t, dir, &d), -EINVAL);
	rm_tree(dir);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * Reading back
 * ---------------------------------------------------------------------------
 */

/* csv_of - @text as a stream for nvmesim_hist_read_csv() */
static int read_csv_text(const char *text, struct nvmesim_hist *h, struct nvmesim_diag *d)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	ck_assert_ptr_nonnull(f);
	ret = nvmesim_hist_read_csv(h, f, d);
	fclose(f);
	return ret;
}

START_TEST(test_hist_csv)
{
	static const uint64_t values[] = { 0, 1, 127, 128, 255, 256, 1000, 1001, 65535, 1000000,
					   123456789, 1ull << 43, UINT64_MAX };
	struct nvmesim_hist *h = malloc(sizeof(*h)), *g = malloc(sizeof(*g));
	struct nvmesim_diag d;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(g);
	nvmesim_hist_init(h);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		nvmesim_hist_record(h, values[i] == UINT64_MAX ? (1ull << 50) : values[i]);
	for (i = 0; i < 5000; i++)
		nvmesim_hist_record(h, 20000 + i * 37);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nvmesim_hist_write_csv(h, f), 0);
	fclose(f);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(read_csv_text(buf, g, &d), 0);
	same_hist(h, g);
	ck_assert_uint_eq(g->sum, h->sum);
	free(buf);

	/* an empty histogram */
	nvmesim_hist_init(h);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nvmesim_hist_write_csv(h, f), 0);
	fclose(f);
	ck_assert_int_eq(read_csv_text(buf, g, NULL), 0);
	ck_assert_uint_eq(g->count, 0);
	ck_assert_uint_eq(g->min, UINT64_MAX);
	free(buf);

	/* what is refused */
	ck_assert_int_eq(read_csv_text("# nvmesim histogram: sub_buckets=64 max_exp=42 unit=ns\n"
				       "# count=0 min=0 max=0 mean=0 stddev=0\n"
				       "lower_ns,upper_ns,count\n", g, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "line 1: another histogram layout (sub_buckets=128 max_exp=42 "
			 "unit=ns expected)");
	ck_assert_int_eq(read_csv_text("# nvmesim histogram: sub_buckets=128 max_exp=42 unit=ns\n"
				       "# count=2 min=5 max=6 mean=5.5 stddev=0.5\n"
				       "lower_ns,upper_ns,count\n5,5,1\n", g, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "buckets hold 1 values, count= says 2");
	ck_assert_int_eq(read_csv_text("# nvmesim histogram: sub_buckets=128 max_exp=42 unit=ns\n"
				       "# count=2 min=5 max=5 mean=5 stddev=0\n"
				       "lower_ns,upper_ns,count\n5,5,1\n5,5,1\n", g, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "line 5: expected 'lower_ns,upper_ns,count' of a bucket not seen "
			 "before");
	/* 256..257 is not one of our buckets (they are 2 wide there) */
	ck_assert_int_eq(read_csv_text("# nvmesim histogram: sub_buckets=128 max_exp=42 unit=ns\n"
				       "# count=1 min=256 max=256 mean=256 stddev=0\n"
				       "lower_ns,upper_ns,count\n256,258,1\n", g, &d), -EINVAL);
	ck_assert_int_eq(read_csv_text("lower_ns,upper_ns,count\n1,1,1\n", g, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "not an nvmesim histogram (missing the layout line)");
	free(h);
	free(g);
}
END_TEST

/* same_results - @b read back from @a's folder: everything a folder keeps */
static void same_results(const struct nvmesim_results *a, const struct nvmesim_results *b)
{
	unsigned int j, d;

	ck_assert_str_eq(a->trace, b->trace);
	ck_assert_str_eq(a->profile, b->profile);
	ck_assert_str_eq(a->backend, b->backend);
	ck_assert_uint_eq(a->seed, b->seed);
	ck_assert_uint_eq(a->sim_time_ns, b->sim_time_ns);
	ck_assert_uint_eq(a->expect_failures, b->expect_failures);
	ck_assert_int_eq(memcmp(&a->counters, &b->counters, offsetof(struct nvmesim_counters,
								       inflight_ns)), 0);
	ck_assert_double_eq_tol(a->counters.inflight_ns, b->counters.inflight_ns, 1.0);
	ck_assert_uint_eq(a->nr_jobs, b->nr_jobs);
	for (j = 0; j < a->nr_jobs; j++) {
		ck_assert_str_eq(a->jobs[j].name, b->jobs[j].name);
		ck_assert_uint_eq(a->jobs[j].end_ns - a->jobs[j].start_ns,
				  b->jobs[j].end_ns - b->jobs[j].start_ns);
		for (d = 0; d < NVMESIM_DIRS; d++) {
			ck_assert_uint_eq(a->jobs[j].dir[d].ios, b->jobs[j].dir[d].ios);
			ck_assert_uint_eq(a->jobs[j].dir[d].bytes, b->jobs[j].dir[d].bytes);
			ck_assert_uint_eq(a->jobs[j].dir[d].errors, b->jobs[j].dir[d].errors);
			same_hist(&a->jobs[j].dir[d].slat, &b->jobs[j].dir[d].slat);
			same_hist(&a->jobs[j].dir[d].clat, &b->jobs[j].dir[d].clat);
			same_hist(&a->jobs[j].dir[d].lat, &b->jobs[j].dir[d].lat);
		}
	}
}

START_TEST(test_read_dir)
{
	struct nvmesim_results *a = make_results(0), *b;
	struct nvmesim_diag d;
	char dir[256], path[512], *text;

	make_tmpdir(dir, sizeof(dir));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &b, &d), -ENOENT);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(nvmesim_report_write_dir(a, dir), 0);
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &b, &d), 0);
	same_results(a, b);
	ck_assert_uint_eq(b->jobs[0].start_ns, 0);
	ck_assert_uint_eq(b->jobs[0].end_ns, 2000000);
	nvmesim_results_free(b);

	/* a histogram the summary promises is missing: the folder is broken */
	snprintf(path, sizeof(path), "%s/hist-a_b-2-trim-clat.csv", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &b, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "hist-a_b-2-trim-clat.csv: No such file"));

	/* a summary.json that is not JSON, and one of another program */
	text = slurp(dir, "summary.json");
	text[strlen(text) / 2] = '\0';
	write_text(dir, "summary.json", text);
	free(text);
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &b, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "summary.json:"));
	write_text(dir, "summary.json", "{\"jobs\": [], \"fio version\": \"fio-3.36\"}\n");
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &b, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "not an nvmesim summary"));
	write_text(dir, "summary.json", "{\"nvmesim\": {\"mmio_writes\": -1}}");
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &b, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "at 'nvmesim.mmio_writes'"));
	/* any valid JSON is read; unknown members are ignored */
	write_text(dir, "summary.json", "{\"x\": [1, {\"y\": null}, true, "
		   "\"\\u00e9\\ud83d\\ude00\"], \"nvmesim\": {\"reaps\": 5, "
		   "\"trace\": \"t\\\"\\u0041\"}}");
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &b, &d), 0);
	ck_assert_uint_eq(b->counters.reaps, 5);
	ck_assert_str_eq(b->trace, "t\"A");
	ck_assert_uint_eq(b->nr_jobs, 0);
	nvmesim_results_free(b);
	nvmesim_results_free(a);
	rm_tree(dir);
}
END_TEST

START_TEST(test_results_merge)
{
	static const char *const xy[] = { "x", "y" }, *const yz[] = { "y", "z" };
	struct nvmesim_results *a = new_results(2, xy), *b = new_results(2, yz);
	struct nvmesim_hist *all = malloc(sizeof(*all));
	unsigned int i;

	ck_assert_ptr_nonnull(all);
	nvmesim_hist_init(all);
	for (i = 0; i < 100; i++) {
		record3(&a->jobs[1].dir[NVMESIM_DIR_READ], 10, 1000 + i, 512);
		nvmesim_hist_record(all, 1010 + i);
	}
	for (i = 0; i < 50; i++) {
		record3(&b->jobs[0].dir[NVMESIM_DIR_READ], 10, 90000 + 7 * i, 512);
		nvmesim_hist_record(all, 90010 + 7 * i);
	}
	record3(&a->jobs[0].dir[NVMESIM_DIR_WRITE], 1, 2, 4096);
	record3(&b->jobs[1].dir[NVMESIM_DIR_TRIM], 1, 2, 0);
	a->jobs[1].start_ns = 100;
	a->jobs[1].end_ns = 1100;
	b->jobs[0].start_ns = 5;
	b->jobs[0].end_ns = 505;
	a->sim_time_ns = 1000;
	b->sim_time_ns = 600;
	a->counters.mmio_writes = 10;
	b->counters.mmio_writes = 5;
	a->counters.inflight_ns = 1.5;
	b->counters.inflight_ns = 2.25;
	b->expect_failures = 1;
	ck_assert_int_eq(nvmesim_results_merge(a, b), 0);
	ck_assert_uint_eq(a->nr_jobs, 3);
	ck_assert_str_eq(a->jobs[2].name, "z");
	ck_assert_uint_eq(a->jobs[2].dir[NVMESIM_DIR_TRIM].ios, 1);
	ck_assert_uint_eq(a->jobs[1].dir[NVMESIM_DIR_READ].ios, 150);
	ck_assert_uint_eq(a->jobs[1].dir[NVMESIM_DIR_READ].bytes, 150 * 512);
	/* the run time of y: 1000 + 500, as if one ran after the other */
	ck_assert_uint_eq(a->jobs[1].end_ns - a->jobs[1].start_ns, 1500);
	same_hist(&a->jobs[1].dir[NVMESIM_DIR_READ].lat, all);
	ck_assert_uint_eq(a->jobs[1].dir[NVMESIM_DIR_READ].lat.sum, all->sum);
	ck_assert_uint_eq(a->sim_time_ns, 1600);
	ck_assert_uint_eq(a->counters.mmio_writes, 15);
	ck_assert_double_eq(a->counters.inflight_ns, 3.75);
	ck_assert_uint_eq(a->expect_failures, 1);
	nvmesim_results_free(a);
	nvmesim_results_free(b);
	free(all);
}
END_TEST

START_TEST(test_row)
{
	struct nvmesim_results *r = make_results(0);
	struct nvmesim_hist *lat = malloc(sizeof(*lat));
	struct nvmesim_sweep_row row;

	ck_assert_ptr_nonnull(lat);
	nvmesim_sweep_row_compute(&row, r, lat);
	/* 1000 + 3 + 2 + 1 I/Os in 2 ms */
	ck_assert_uint_eq(row.ios, 1006);
	ck_assert_uint_eq(row.bytes, 1000 * 4096 + 3 * 131072 + 2 * 1048576);
	ck_assert_uint_eq(row.errors, 1);
	ck_assert_double_eq(row.iops, 503000.0);
	ck_assert_double_eq(row.bw_bytes, (1000.0 * 4096 + 3 * 131072 + 2 * 1048576) * 500);
	ck_assert_uint_eq(lat->count, 1006);
	ck_assert_uint_eq(row.lat_max_ns, 150007000);
	ck_assert_uint_eq(row.lat_p50_ns, nvmesim_hist_percentile(lat, 50));
	ck_assert_uint_eq(row.lat_p999_ns, nvmesim_hist_percentile(lat, 99.9));
	ck_assert_double_eq(row.mmio_writes_per_io, 2012.0 / 1006);
	ck_assert_double_eq(row.sq_doorbells_per_io, 1.0);
	ck_assert_double_eq(row.cq_doorbells_per_io, 1003.0 / 1006);
	ck_assert_double_eq(row.interrupts_per_io, 0.5);
	ck_assert_double_eq(row.cqes_per_reap, 1006.0 / 500);
	ck_assert_double_eq(row.mean_inflight, 3.5);
	ck_assert(isnan(row.cpu_ns_per_io));
	nvmesim_results_free(r);
	free(lat);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * Merging folders
 * ---------------------------------------------------------------------------
 */

/* write_run - results @r (freed) as a run folder @dir/@name */
static void write_run(const char *dir, const char *name, struct nvmesim_results *r)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(path, 0777), 0);
	ck_assert_int_eq(nvmesim_report_write_dir(r, path), 0);
	nvmesim_results_free(r);
}

/* write_sweep - folder @dir/@name with a sweep-spec varying "jobs.0.iodepth=@values" */
static void write_sweep(char *buf, size_t len, const char *dir, const char *name,
			const char *values)
{
	struct nvmesim_sweep *s;
	char arg[128], pts[512];

	subdir(buf, len, dir, name);
	subdir(pts, sizeof(pts), buf, "points");
	ck_assert_int_eq(nvmesim_sweep_new(&s), 0);
	snprintf(arg, sizeof(arg), "jobs.0.iodepth=%s", values);
	ck_assert_int_eq(nvmesim_sweep_vary(s, arg, NULL), 0);
	ck_assert_int_eq(nvmesim_sweep_write_spec(s, buf), 0);
	nvmesim_sweep_free(s);
}

START_TEST(test_merge_runs)
{
	char dir[256], out[400], a[512], b[512];
	const char *in[2];
	struct nvmesim_sweep_stats st;
	struct nvmesim_results *r;
	struct nvmesim_diag d;
	char *csv, *text = NULL;
	size_t len = 0;
	FILE *f;

	make_tmpdir(dir, sizeof(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	write_run(dir, "a", make_results(0));
	write_run(dir, "b", make_results(100));
	in[0] = a;
	in[1] = b;
	memset(&d, 0, sizeof(d));
	f = open_memstream(&text, &len);
	ck_assert_int_eq(nvmesim_sweep_merge(in, 2, out, f, &st, &d), 0);
	fclose(f);
	ck_assert_uint_eq(st.points, 1);
	ck_assert_uint_eq(st.present, 1);
	ck_assert_uint_eq(st.runs, 2);
	ck_assert_uint_eq(st.combined, 1);
	ck_assert_ptr_nonnull(strstr(text, "IOPS"));
	ck_assert_ptr_nonnull(strstr(text, "\n      503000 "));
	free(text);
	csv = slurp(out, "sweep.csv");
	ck_assert_ptr_nonnull(csv);
	ck_assert_int_eq(strncmp(csv, "index,runs,ios,bytes,errors,sim_time_ns,iops,bw_bytes,"
				 "lat_mean_ns,", 63), 0);
	/* two runs of 1006 I/Os in 2 ms each: the same rate, twice the I/Os */
	ck_assert_ptr_nonnull(strstr(csv, "\n0,2,2012,"));
	ck_assert_ptr_nonnull(strstr(csv, ",4000000,503000.000,"));
	ck_assert_ptr_nonnull(strstr(csv, ",,3.500,points/0000-run\n"));
	ck_assert_uint_eq(count_lines(csv), 2);
	free(csv);
	/* the combined point is a run folder again, with the sum */
	snprintf(a, sizeof(a), "%s/points/0000-run", out);
	ck_assert_int_eq(nvmesim_results_read_dir(a, &r, &d), 0);
	ck_assert_uint_eq(r->jobs[0].dir[NVMESIM_DIR_READ].ios, 2000);
	ck_assert_uint_eq(r->counters.mmio_writes, 4024);
	nvmesim_results_free(r);

	/* a run folder does not merge with a sweep of keys; an input twice is refused */
	write_sweep(b, sizeof(b), dir, "sw", "1,2");
	in[1] = b;
	in[0] = out;
	snprintf(a, sizeof(a), "%s/out2", dir);
	ck_assert_int_eq(nvmesim_sweep_merge(in, 2, a, NULL, NULL, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "varies no keys but"));
	ck_assert_ptr_nonnull(strstr(d.msg, "varies jobs.0.iodepth: only sweeps of the same keys"));
	snprintf(a, sizeof(a), "%s/a", dir);
	in[0] = a;
	in[1] = a;
	ck_assert_int_eq(nvmesim_sweep_merge(in, 2, out, NULL, NULL, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "given twice"));
	in[1] = dir;
	ck_assert_int_eq(nvmesim_sweep_merge(in, 2, out, NULL, NULL, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "neither a sweep folder (sweep-spec) nor a run "
				     "folder"));
	rm_tree(dir);
}
END_TEST

START_TEST(test_merge_sweeps)
{
	char dir[256], a[400], b[400], out[400], p[600];
	const char *in[2];
	struct nvmesim_sweep_stats st;
	struct nvmesim_sweep *s;
	struct nvmesim_diag d;
	char *csv, *json;
	struct stat sb;

	make_tmpdir(dir, sizeof(dir));
	/* a varied 1,2 and ran only qd 2; b varied 2,4 and ran both: 1,2,4 in all */
	write_sweep(a, sizeof(a), dir, "a", "1,2");
	write_sweep(b, sizeof(b), dir, "b", "2,4");
	snprintf(p, sizeof(p), "%s/points", a);
	write_run(p, "0001-iodepth-2", make_results(0));
	snprintf(p, sizeof(p), "%s/points", b);
	write_run(p, "0000-iodepth-2", make_results(0));
	write_run(p, "0001-iodepth-4", make_results(5000));
	snprintf(out, sizeof(out), "%s/out", dir);
	in[0] = a;
	in[1] = b;
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_sweep_merge(in, 2, out, NULL, &st, &d), 0);
	ck_assert_uint_eq(st.points, 3);
	ck_assert_uint_eq(st.present, 2);
	ck_assert_uint_eq(st.runs, 3);
	ck_assert_uint_eq(st.combined, 1);
	ck_assert_int_eq(nvmesim_sweep_read_spec(&s, out, NULL), 0);
	ck_assert_uint_eq(nvmesim_sweep_nr_points(s), 3);
	ck_assert_str_eq(nvmesim_sweep_value(s, 2, 0), "4");
	nvmesim_sweep_free(s);
	csv = slurp(out, "sweep.csv");
	ck_assert_int_eq(strncmp(csv, "index,jobs.0.iodepth,runs,ios,", 30), 0);
	ck_assert_ptr_nonnull(strstr(csv, "\n1,2,2,2012,"));
	ck_assert_ptr_nonnull(strstr(csv, "\n2,4,1,1006,"));
	ck_assert_ptr_null(strstr(csv, "\n0,1,"));
	ck_assert_uint_eq(count_lines(csv), 3);
	json = slurp(out, "sweep.json");
	ck_assert_ptr_nonnull(strstr(json, "\"values\": {\n    \"jobs.0.iodepth\": [\"1\", \"2\", "
				   "\"4\"]\n  },"));
	ck_assert_ptr_nonnull(strstr(json, "\"points_total\": 3,\n  \"points_present\": 2,"));
	ck_assert_ptr_nonnull(strstr(json, "\"folder\": \"points/0002-iodepth-4\""));
	/* the specs had no shared settings recorded: none reported */
	ck_assert_ptr_null(strstr(json, "\"trace\""));
	free(json);
	json = slurp(out, "sweep-plot.dat");
	ck_assert_ptr_nonnull(json);
	snprintf(p, sizeof(p), "%s/points/0000-iodepth-1", out);
	ck_assert_int_ne(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/points/0002-iodepth-4/summary.json", out);
	ck_assert_int_eq(stat(p, &sb), 0);

	/* in place: the tables are rebuilt from the folder's own points, the same bytes */
	in[0] = out;
	ck_assert_int_eq(nvmesim_sweep_merge(in, 1, out, NULL, &st, &d), 0);
	ck_assert_uint_eq(st.runs, 2);
	free(json);
	json = slurp(out, "sweep.csv");
	/* (runs counts the folders read this time: 1 for the point combined before) */
	ck_assert_ptr_nonnull(strstr(json, "\n1,2,1,2012,"));
	ck_assert_str_eq(strstr(json, "\n2,4,"), strstr(csv, "\n2,4,"));
	free(json);
	free(csv);
	/* the output may be an input only when it is the only one */
	in[1] = a;
	ck_assert_int_eq(nvmesim_sweep_merge(in, 2, out, NULL, NULL, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "can be an input only when it is the only one"));
	rm_tree(dir);
}
END_TEST

/* sweep_suite - the sweep tests */
static Suite *sweep_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_vary);
	tcase_add_test(tc, test_vary_limits);
	tcase_add_test(tc, test_spec);
	tcase_add_test(tc, test_hist_csv);
	tcase_add_test(tc, test_read_dir);
	tcase_add_test(tc, test_results_merge);
	tcase_add_test(tc, test_row);
	tcase_add_test(tc, test_merge_runs);
	tcase_add_test(tc, test_merge_sweeps);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(sweep_suite());
}
