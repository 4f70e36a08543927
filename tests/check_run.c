/* SPDX-License-Identifier: MIT */
/*
 * check_run.c - the workload runner (nvmesim_run) end to end: trace, profile,
 * simulated controller with its timing model, host driver, measurements.
 *
 * Counts must add up exactly (I/Os, bytes, commands, CQEs, doorbells), a
 * read/write mix must split as asked, a runtime must stop a job and a rate
 * must pace it, Little's law must hold within 1%, the same seed must give
 * byte-identical reports and another seed different ones, explicit
 * operations must start at their at: and count latency from it, failed
 * expectations must be counted and name their line, init: manual must reach
 * the registers, and bad input must be refused with a message.  Traces live
 * in tests/traces/run-*.yaml.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmesim/nvmesim.h>

#include "tests/check-common.h"

/* struct capture - what the callbacks saw */
struct capture {
	char lines[32][512];   /* on_message lines, the first 32 */
	unsigned int nr_lines; /* lines seen in all */
	uint64_t iv_rows;      /* on_interval rows */
	uint64_t iv_ios;       /* their I/Os */
	uint64_t iv_bytes;     /* their bytes */
	uint64_t iv_last_end;  /* end of the last row */
	int iv_gap;            /* a row did not start where the previous one ended */
	uint64_t progress;     /* on_progress calls */
};

/* cap_message - on_message: keep the line */
static void cap_message(void *arg, const char *line)
{
	struct capture *c = arg;

	if (c->nr_lines < 32)
		snprintf(c->lines[c->nr_lines], sizeof(c->lines[0]), "%s", line);
	c->nr_lines++;
}

/* cap_interval - on_interval: sum the rows and check they are contiguous */
static void cap_interval(void *arg, const struct nvmesim_interval *iv)
{
	struct capture *c = arg;

	if (iv->start_ns != c->iv_last_end || iv->end_ns <= iv->start_ns)
		c->iv_gap = 1;
	c->iv_last_end = iv->end_ns;
	c->iv_rows++;
	c->iv_ios += iv->ios;
	c->iv_bytes += iv->bytes;
}

/* cap_progress - on_progress: count */
static void cap_progress(void *arg, uint64_t now, uint64_t ios)
{
	struct capture *c = arg;

	(void)now;
	(void)ios;
	c->progress++;
}

/* cap_has - whether a captured message contains @text */
static int cap_has(const struct capture *c, const char *text)
{
	unsigned int i;

	for (i = 0; i < c->nr_lines && i < 32; i++)
		if (strstr(c->lines[i], text))
			return 1;
	return 0;
}

/* trace_path - the test trace @name under the source tree */
static const char *trace_path(const char *name, char *buf, size_t len)
{
	const char *src = getenv("NVMESIM_SRCDIR");

	snprintf(buf, len, "%s/tests/traces/%s", src && *src ? src : NVMESIM_SRCDIR, name);
	return buf;
}

/* run - nvmesim_run() of trace @name with overrides; its return, results in @out */
static int run(const char *name, const char *const *sets, unsigned int nr_sets,
	       const uint64_t *seed, struct capture *cap, struct nvmesim_results **out,
	       struct nvmesim_diag *diag)
{
	struct nvmesim_run_opts o;
	char path[1024];

	memset(&o, 0, sizeof(o));
	memset(cap, 0, sizeof(*cap));
	memset(diag, 0, sizeof(*diag));
	o.trace = trace_path(name, path, sizeof(path));
	o.sets = sets;
	o.nr_sets = nr_sets;
	if (seed) {
		o.seed_set = true;
		o.seed = *seed;
	}
	o.on_message = cap_message;
	o.on_interval = cap_interval;
	o.on_progress = cap_progress;
	o.arg = cap;
	return nvmesim_run(&o, out, diag);
}

/* run_ok - run() that must succeed */
static struct nvmesim_results *run_ok(const char *name, const char *const *sets,
				      unsigned int nr_sets, const uint64_t *seed,
				      struct capture *cap)
{
	struct nvmesim_results *r = NULL;
	struct nvmesim_diag diag;
	int err = run(name, sets, nr_sets, seed, cap, &r, &diag);

	ck_assert_msg(err == 0, "%s: nvmesim_run: %d %s", name, err, diag.msg);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* total - sum over jobs and directions of I/Os, bytes and the latency histogram */
static uint64_t total(const struct nvmesim_results *r, uint64_t *bytes, struct nvmesim_hist *lat)
{
	uint64_t ios = 0;
	unsigned int j, d;

	if (bytes)
		*bytes = 0;
	if (lat)
		nvmesim_hist_init(lat);
	for (j = 0; j < r->nr_jobs; j++) {
		for (d = 0; d < NVMESIM_DIRS; d++) {
			ios += r->jobs[j].dir[d].ios;
			if (bytes)
				*bytes += r->jobs[j].dir[d].bytes;
			if (lat)
				nvmesim_hist_merge(lat, &r->jobs[j].dir[d].lat);
		}
	}
	return ios;
}

/* json_of - the JSON report of @r in a malloc'ed string */
static char *json_of(const struct nvmesim_results *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(nvmesim_report_json(r, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* Two jobs on two queues: every count adds up, the mix splits 70/30. */
START_TEST(test_counts)
{
	static struct capture cap;
	struct nvmesim_results *r = run_ok("run-counts.yaml", NULL, 0, NULL, &cap);
	const struct nvmesim_job_stats *mix, *seq;
	const struct nvmesim_dir_stats *d;
	uint64_t bytes, ios = total(r, &bytes, NULL);
	unsigned int k;

	ck_assert_uint_eq(r->nr_jobs, 2);
	mix = &r->jobs[0];
	seq = &r->jobs[1];
	ck_assert_str_eq(mix->name, "mix");
	ck_assert_str_eq(seq->name, "seq");
	ck_assert_uint_eq(r->seed, 11);
	ck_assert_str_eq(r->backend, "sim");
	ck_assert_str_eq(r->profile, "gen4-tlc");

	ck_assert_uint_eq(mix->dir[NVMESIM_DIR_READ].ios + mix->dir[NVMESIM_DIR_WRITE].ios, 4000);
	ck_assert_uint_eq(mix->dir[NVMESIM_DIR_TRIM].ios, 0);
	/* 70% reads: 2800 expected, sigma = sqrt(4000 * 0.21) = 29 */
	ck_assert_msg(mix->dir[NVMESIM_DIR_READ].ios >= 2700 &&
		      mix->dir[NVMESIM_DIR_READ].ios <= 2900, "reads %" PRIu64,
		      mix->dir[NVMESIM_DIR_READ].ios);
	ck_assert_uint_eq(seq->dir[NVMESIM_DIR_WRITE].ios, 300);
	ck_assert_uint_eq(seq->dir[NVMESIM_DIR_READ].ios, 0);
	ck_assert_uint_eq(seq->dir[NVMESIM_DIR_WRITE].bytes, 300 * 16384);
	for (k = 0; k < NVMESIM_DIRS; k++) {
		d = &mix->dir[k];
		ck_assert_uint_eq(d->bytes, d->ios * 4096);
		ck_assert_uint_eq(d->errors, 0);
		ck_assert_uint_eq(d->lat.count, d->ios);
		ck_assert_uint_eq(d->slat.count, d->ios);
		ck_assert_uint_eq(d->clat.count, d->ios);
		if (d->ios) {
			/* lat = slat + clat for every I/O, so the sums add up exactly */
			ck_assert_uint_eq(d->lat.sum, d->slat.sum + d->clat.sum);
			ck_assert_uint_ge(d->lat.min, d->clat.min);
		}
	}
	ck_assert_uint_eq(ios, 4300);
	ck_assert_uint_eq(bytes, 4000 * 4096 + 300 * 16384);

	/* the conversation: one command and one CQE per I/O, nothing else during the run */
	ck_assert_uint_eq(r->counters.commands, 4300);
	ck_assert_uint_eq(r->counters.cqes, 4300);
	ck_assert_uint_ge(r->counters.sq_doorbells, 1);
	ck_assert_uint_le(r->counters.sq_doorbells, 4300);
	ck_assert_uint_eq(r->counters.cq_doorbells, r->counters.reaps);
	ck_assert_uint_ge(r->counters.interrupts, r->counters.reaps);
	ck_assert_uint_eq(r->counters.mmio_writes,
			  r->counters.sq_doorbells + r->counters.cq_doorbells);
	ck_assert_uint_eq(r->counters.mmio_reads, 0);
	ck_assert_uint_eq(r->expect_failures, 0);

	/* times: relative to the start, the run spans first issue to last completion */
	ck_assert_uint_eq(mix->start_ns, 0);
	ck_assert_uint_le(seq->start_ns, 10000);  /* after mix's first posts on the one CPU */
	ck_assert_uint_eq(r->sim_time_ns, (mix->end_ns > seq->end_ns ? mix->end_ns : seq->end_ns));

	/* the time series: contiguous rows that hold every I/O once */
	ck_assert_int_eq(cap.iv_gap, 0);
	ck_assert_uint_eq(cap.iv_ios, 4300);
	ck_assert_uint_eq(cap.iv_bytes, bytes);
	ck_assert_uint_eq(cap.iv_rows, (r->sim_time_ns + 99999) / 100000 +
			  (r->sim_time_ns % 100000 == 0));
	ck_assert_uint_eq(cap.nr_lines, 0);
	nvmesim_results_free(r);
}
END_TEST

/* little - check mean in-flight against IOPS x mean latency (1%); returns mean in-flight */
static double little(const struct nvmesim_results *r)
{
	static struct nvmesim_hist lat;
	uint64_t ios = total(r, NULL, &lat);
	double t = (double)r->sim_time_ns, inflight, law;

	ck_assert(t > 0);
	ck_assert_uint_gt(ios, 0);
	inflight = r->counters.inflight_ns / t;
	law = ((double)ios / t) * ((double)lat.sum / (double)lat.count);
	ck_assert_msg(inflight > law * 0.99 && inflight < law * 1.01,
		      "mean in-flight %.4f, IOPS x mean latency %.4f", inflight, law);
	return inflight;
}

/* Mean in-flight (integral / time) equals IOPS x mean latency within 1%: closed loop on
 * two queues, and an open loop whose arrivals outrun the device (a backlog that counts
 * from each arrival) */
START_TEST(test_littles_law)
{
	static const char *const closed[] = { "jobs.0.iodepth=32", "jobs.0.count=20000",
					      "jobs.1.iodepth=4" };
	static const char *const open[] = { "jobs.0.runtime=1ms", "jobs.1.rate_iops=1000000",
					    "jobs.1.iodepth=2", "jobs.1.runtime=2ms" };
	static struct capture cap;
	struct nvmesim_results *r = run_ok("run-counts.yaml", closed, 3, NULL, &cap);
	double inflight;

	ck_assert_uint_eq(total(r, NULL, NULL), 20300);
	inflight = little(r);
	ck_assert_msg(inflight > 4 && inflight <= 36, "mean in-flight %.3f", inflight);
	nvmesim_results_free(r);

	r = run_ok("run-runtime.yaml", open, 4, NULL, &cap);
	ck_assert_uint_eq(r->jobs[1].dir[NVMESIM_DIR_READ].ios, 2000);
	/* 2 in service, the rest waiting for a slot: far more than 2 "in flight" */
	inflight = little(r);
	ck_assert_msg(inflight > 10, "mean in-flight %.3f", inflight);
	nvmesim_results_free(r);
}
END_TEST

/* A runtime stops a closed-loop job; a rate paces an open-loop one exactly. */
START_TEST(test_runtime_and_rate)
{
	static struct capture cap;
	struct nvmesim_results *r = run_ok("run-runtime.yaml", NULL, 0, NULL, &cap);
	const struct nvmesim_job_stats *timed = &r->jobs[0], *paced = &r->jobs[1];
	const struct nvmesim_dir_stats *tr = &timed->dir[NVMESIM_DIR_READ];
	const struct nvmesim_dir_stats *pr = &paced->dir[NVMESIM_DIR_READ];
	double iops;

	/* nothing issued after 500 us: the last completion is at most one latency later */
	ck_assert_uint_gt(tr->ios, 4);
	ck_assert_uint_eq(timed->start_ns, 0);
	ck_assert_uint_ge(timed->end_ns, 500000 - tr->lat.max);
	ck_assert_uint_le(timed->end_ns, 500000 + tr->lat.max);
	/* 100,000 IOPS for 20 ms: arrivals at k * 10 us, k = 0 .. 1999 */
	ck_assert_uint_eq(pr->ios, 2000);
	ck_assert_uint_eq(paced->start_ns, 0);
	ck_assert_uint_ge(paced->end_ns, 1999 * 10000);
	/* arrival rate over the arrival span: the last issue is end - its latency */
	iops = 1999.0 * 1e9 / (double)(paced->end_ns - paced->start_ns);
	ck_assert_msg(iops > 100000 * 0.99 && iops <= 100000 * 1.0001, "IOPS %.1f", iops);
	ck_assert_uint_le(paced->end_ns, 1999 * 10000 + pr->lat.max);
	nvmesim_results_free(r);
}
END_TEST

/* Same seed: byte-identical JSON; another seed: a different one. */
START_TEST(test_determinism)
{
	static struct capture cap;
	uint64_t other = 12;
	struct nvmesim_results *a = run_ok("run-counts.yaml", NULL, 0, NULL, &cap);
	struct nvmesim_results *b = run_ok("run-counts.yaml", NULL, 0, NULL, &cap);
	struct nvmesim_results *c = run_ok("run-counts.yaml", NULL, 0, &other, &cap);
	char *ja = json_of(a), *jb = json_of(b), *jc = json_of(c);

	ck_assert_uint_eq(c->seed, 12);
	ck_assert_msg(strcmp(ja, jb) == 0, "same seed, different reports");
	ck_assert_msg(strcmp(ja, jc) != 0, "different seeds, same report");
	free(ja);
	free(jb);
	free(jc);
	nvmesim_results_free(a);
	nvmesim_results_free(b);
	nvmesim_results_free(c);
}
END_TEST

/* Explicit operations: at: times, latency from at:, expectations and their lines. */
START_TEST(test_ops)
{
	static struct capture cap;
	struct nvmesim_results *r = run_ok("run-ops.yaml", NULL, 0, NULL, &cap);
	const struct nvmesim_job_stats *ops;
	const struct nvmesim_dir_stats *rd;

	ck_assert_uint_eq(r->nr_jobs, 1);
	ops = &r->jobs[0];
	ck_assert_str_eq(ops->name, "ops");
	rd = &ops->dir[NVMESIM_DIR_READ];
	ck_assert_uint_eq(rd->ios, 3);
	ck_assert_uint_eq(rd->bytes, 3 * 8 * 512);
	/* write, flush and write zeroes; only the write moves data */
	ck_assert_uint_eq(ops->dir[NVMESIM_DIR_WRITE].ios, 3);
	ck_assert_uint_eq(ops->dir[NVMESIM_DIR_WRITE].bytes, 8 * 512);
	ck_assert_uint_eq(ops->dir[NVMESIM_DIR_TRIM].ios, 1);
	ck_assert_uint_eq(ops->dir[NVMESIM_DIR_TRIM].bytes, 8 * 512);
	/* the first read is issued exactly at 100 us */
	ck_assert_uint_eq(ops->start_ns, 100000);
	/* one at a time: the second and third wait behind the first, and their
	 * latency (and slat) counts from their at:, 1 and 2 us after it */
	ck_assert_uint_ge(rd->lat.max, 3 * rd->lat.min - 3000 - rd->lat.min / 64);
	ck_assert_uint_ge(rd->slat.max, 2 * rd->lat.min - 2000 - rd->lat.min / 64);
	/* raw commands are not I/Os; the wrong expectation is on line 12 */
	ck_assert_uint_eq(r->expect_failures, 1);
	ck_assert_msg(cap_has(&cap, "run-ops.yaml:12: expected Successful Completion (0x000), "
			      "got Invalid Command Opcode (0x001)"), "message: %s", cap.lines[0]);
	ck_assert_int_eq(cap_has(&cap, "run-ops.yaml:13:"), 0);
	ck_assert_uint_eq(r->counters.commands, 10);
	nvmesim_results_free(r);
}
END_TEST

/* init: manual: registers by hand; CFS after a misaligned ASQ; a failed expect counted. */
START_TEST(test_manual)
{
	static struct capture cap;
	struct nvmesim_results *r = run_ok("run-manual.yaml", NULL, 0, NULL, &cap);

	ck_assert_uint_eq(r->nr_jobs, 1);
	ck_assert_uint_eq(r->expect_failures, 1);
	ck_assert_msg(cap_has(&cap, "run-manual.yaml:15: CSTS: expected 0x1 under mask 0x3, "
			      "got 0x2"), "message: %s", cap.lines[cap.nr_lines ? 0 : 0]);
	ck_assert_int_eq(cap_has(&cap, "run-manual.yaml:13:"), 0);
	ck_assert_int_eq(cap_has(&cap, "run-manual.yaml:14:"), 0);
	/* the controller said why, through on_message */
	ck_assert_msg(cap_has(&cap, "ASQ"), "no controller diagnostic about ASQ");
	ck_assert_uint_eq(r->counters.mmio_writes, 4);
	ck_assert_uint_eq(r->counters.mmio_reads, 3);
	ck_assert_uint_eq(r->counters.commands, 0);
	ck_assert_uint_ge(r->sim_time_ns, 2000000);
	nvmesim_results_free(r);
}
END_TEST

/* Bad input: -EINVAL with a message naming what is wrong. */
START_TEST(test_errors)
{
	static const char *const poll[] = { "host.completion=poll" };
	static struct capture cap;
	struct nvmesim_results *r = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	char path[1024];
	int err;

	err = run("run-manual-cmd.yaml", NULL, 0, NULL, &cap, &r, &diag);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(diag.msg, "run-manual-cmd.yaml:8:"), "diag: %s", diag.msg);

	err = run("run-auto-mmio.yaml", NULL, 0, NULL, &cap, &r, &diag);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_msg(strstr(diag.msg, "run-auto-mmio.yaml:7:"), "diag: %s", diag.msg);

	memset(&o, 0, sizeof(o));
	memset(&diag, 0, sizeof(diag));
	o.trace = trace_path("run-counts.yaml", path, sizeof(path));
	o.profile = "no-such-profile";
	err = nvmesim_run(&o, &r, &diag);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(diag.msg, "profile 'no-such-profile' not found"), "diag: %s",
		      diag.msg);

	o.profile = "/nonexistent/dir/p.yaml";
	err = nvmesim_run(&o, &r, &diag);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_msg(strstr(diag.msg, "/nonexistent/dir/p.yaml"), "diag: %s", diag.msg);

	o.profile = NULL;
	o.backend = "nvme:0";
	err = nvmesim_run(&o, &r, &diag);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_msg(strstr(diag.msg, "backend 'nvme:0': expected sim or vfio:BDF"),
		      "diag: %s", diag.msg);

	/* a polled run still adds up, without a single interrupt */
	r = run_ok("run-counts.yaml", poll, 1, NULL, &cap);
	ck_assert_uint_eq(total(r, NULL, NULL), 4300);
	ck_assert_uint_eq(r->counters.interrupts, 0);
	ck_assert_uint_eq(r->counters.cqes, 4300);
	nvmesim_results_free(r);
}
END_TEST

/* suite_run - the runner's tests */
static Suite *suite_run(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_littles_law);
	tcase_add_test(tc, test_runtime_and_rate);
	tcase_add_test(tc, test_determinism);
	tcase_add_test(tc, test_ops);
	tcase_add_test(tc, test_manual);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(suite_run());
}
