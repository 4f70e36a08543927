/* SPDX-License-Identifier: MIT */
/*
 * check_wrr.c - what a trace asks of the controller per queue, checked on
 * whole replays (nvmesim_run() of tests/traces/wrr.yaml): weighted round
 * robin with urgent priority class gives the urgent queue its priority, and
 * a queue opted out of interrupt coalescing interrupts at once.
 *
 * WRR is only visible when commands wait in the SQs: with
 * profile.ctrl.max_inflight=4 the controller holds 4 of the 32 commands the
 * two jobs keep outstanding, and the fetch (NVMe 2.0 §3.4.2.2) decides which
 * SQ fills a freed slot.  The urgent job then gets every slot while its SQ
 * is not empty and its mean latency is about half the low job's; with round
 * robin, or WRR with both SQs at the same priority, the two are equal.  The
 * run that differs from the equal one only in jobs.N.priority shows that the
 * QPRIO of Create I/O SQ (CDW11 bits 2:1, §5.5) reached the controller; the
 * register log shows CC.AMS = 001b; and the host-API test reads the QPRIO
 * the controller stored for each SQ.
 *
 * Coalescing: with host.coalescing=8,100 queue 1 (16 deep) takes about one
 * interrupt per 8 completions, while queue 2, opted out with
 * host.coalescing_off_queues=2 (Set Features 09h, CD = 1, §5.27.1), takes
 * one per completion and its I/Os never wait for the 100 us timer.  And with
 * shadow doorbells each queue counts its shadow updates.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nvmesim/nvmesim.h>
#include <nvmesim/sweep.h>

#include "ctrl/ctrl.h"
#include "host/host-internal.h"
#include "tests/check-common.h"

/* struct capture - what the register log showed */
struct capture {
	unsigned int cc_writes;        /* CC writes seen */
	unsigned int cc_wrr;           /* of them with AMS=WRR */
};

/* cap_mmio - mmio_log: count the CC writes and those enabling WRR */
static void cap_mmio(void *arg, const char *line)
{
	struct capture *c = arg;

	if (strncmp(line, "W32 CC <- ", 10))
		return;
	c->cc_writes++;
	if (strstr(line, " AMS=WRR"))
		c->cc_wrr++;
}

/* run_wrr - tests/traces/wrr.yaml with @sets (NULL-terminated); the results */
static struct nvmesim_results *run_wrr(const char *const *sets, struct capture *cap)
{
	struct nvmesim_results *r = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	const char *src = getenv("NVMESIM_SRCDIR");
	char path[1024];
	unsigned int n = 0;
	int err;

	while (sets[n])
		n++;
	memset(&o, 0, sizeof(o));
	memset(&diag, 0, sizeof(diag));
	memset(cap, 0, sizeof(*cap));
	snprintf(path, sizeof(path), "%s/tests/traces/wrr.yaml",
		 src && *src ? src : NVMESIM_SRCDIR);
	o.trace = path;
	o.sets = sets;
	o.nr_sets = n;
	o.mmio_log = cap_mmio;
	o.arg = cap;
	err = nvmesim_run(&o, &r, &diag);
	ck_assert_msg(err == 0, "%s: %d %s", sets[0] ? sets[0] : "", err, diag.msg);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nr_jobs, 2);
	ck_assert_uint_eq(r->jobs[0].dir[NVMESIM_DIR_READ].ios, 2000);
	ck_assert_uint_eq(r->jobs[1].dir[NVMESIM_DIR_READ].ios, 2000);
	ck_assert_uint_eq(r->jobs[0].dir[NVMESIM_DIR_READ].errors, 0);
	ck_assert_uint_eq(r->jobs[1].dir[NVMESIM_DIR_READ].errors, 0);
	ck_assert_uint_eq(r->nr_queues, 3);
	return r;
}

/* mean_us - job @j's mean total latency in us */
static double mean_us(const struct nvmesim_results *r, unsigned int j)
{
	return r->jobs[j].dir[NVMESIM_DIR_READ].lat.mean / 1000.0;
}

/* Fetch-bound, urgent vs low: the urgent job's mean latency is about half the low one's. */
START_TEST(test_wrr_urgent_first)
{
	static const char *const sets[] = { "profile.ctrl.max_inflight=4", NULL };
	struct nvmesim_results *r;
	struct capture cap;
	double u, l;

	r = run_wrr(sets, &cap);
	/* CC written with AMS = WRR with urgent, both times (EN = 0, then EN = 1) */
	ck_assert_uint_ge(cap.cc_writes, 2);
	ck_assert_uint_eq(cap.cc_wrr, cap.cc_writes);
	u = mean_us(r, 0);
	l = mean_us(r, 1);
	ck_assert_msg(u < 0.6 * l, "urgent %.1f us, low %.1f us", u, l);
	/* the urgent job finishes first: it had every slot while it had commands */
	ck_assert_uint_lt(r->jobs[0].end_ns, r->jobs[1].end_ns);
	/* the low job waited behind it: its worst I/O spans most of the urgent job */
	ck_assert_uint_gt(r->jobs[1].dir[NVMESIM_DIR_READ].lat.max, r->jobs[0].end_ns / 2);
	nvmesim_results_free(r);
}
END_TEST

/*
 * Equal treatment: round robin (jobs without priority), and WRR with both SQs
 * medium.  The latter differs from test_wrr_urgent_first only in the QPRIO the
 * host puts in Create I/O SQ, so the difference there came from the QPRIO.
 */
START_TEST(test_wrr_equal)
{
	static const char *const rr[] = {
		"profile.ctrl.max_inflight=4", "host.arbitration=rr", "jobs.0.priority=default",
		"jobs.1.priority=default", NULL
	};
	static const char *const medium[] = {
		"profile.ctrl.max_inflight=4", "jobs.0.priority=medium", "jobs.1.priority=medium",
		NULL
	};
	struct nvmesim_results *r;
	struct capture cap;
	double u, l;

	r = run_wrr(_i ? medium : rr, &cap);
	ck_assert_uint_ge(cap.cc_writes, 2);
	ck_assert_uint_eq(cap.cc_wrr, _i ? cap.cc_writes : 0);
	u = mean_us(r, 0);
	l = mean_us(r, 1);
	ck_assert_msg(u > 0.95 * l && u < 1.05 * l, "%s: %.1f us vs %.1f us", _i ? "medium" : "rr",
		      u, l);
	nvmesim_results_free(r);
}
END_TEST

/* The host API puts the QPRIO it is given in Create I/O SQ: the controller stores it. */
START_TEST(test_wrr_qprio)
{
	static const uint8_t prio[2] = { 0, 3 };
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = NULL;
	struct nvmesim_host *host = NULL;
	struct nvmesim_ctrl *c;
	struct nvmesim_diag diag;

	memset(&diag, 0, sizeof(diag));
	ho.nr_io_queues = 2;
	ho.wrr = true;
	ho.sq_prio = prio;
	ho.nr_sq_prio = 2;
	ck_assert_int_eq(nvmesim_sim_open(&end, NULL), 0);
	ck_assert_int_eq(nvmesim_host_open(&host, end, &ho, &diag), 0);
	c = end->priv;
	ck_assert_ptr_nonnull(c->sq[1]);
	ck_assert_ptr_nonnull(c->sq[2]);
	ck_assert_uint_eq(c->sq[1]->q.prio, 0);        /* urgent */
	ck_assert_uint_eq(c->sq[2]->q.prio, 3);        /* low */
	ck_assert_uint_eq(c->nr_prio[0], 1);
	ck_assert_uint_eq(c->nr_prio[3], 1);
	ck_assert_int_eq(nvmesim_host_close(host, &diag), 0);
	nvmesim_end_close(end);
}
END_TEST

/*
 * host.coalescing=8,100 with queue 2 opted out: queue 1 takes about one
 * interrupt per 8 CQEs, queue 2 (one I/O at a time) one per CQE without
 * waiting for the timer; without the opt-out every queue-2 I/O waits for it.
 */
START_TEST(test_coalescing_opt_out)
{
	static const char *const out[] = {
		"host.arbitration=rr", "jobs.0.priority=default", "jobs.1.priority=default",
		"jobs.1.iodepth=1", "host.coalescing=8,100", "host.coalescing_off_queues=2", NULL
	};
	static const char *const in[] = {
		"host.arbitration=rr", "jobs.0.priority=default", "jobs.1.priority=default",
		"jobs.1.iodepth=1", "host.coalescing=8,100", NULL
	};
	const struct nvmesim_queue_counters *q1, *q2;
	struct nvmesim_results *r;
	struct capture cap;
	double lat_out;

	r = run_wrr(out, &cap);
	q1 = &r->queues[1];
	q2 = &r->queues[2];
	ck_assert_uint_eq(q1->qid, 1);
	ck_assert_uint_eq(q2->qid, 2);
	ck_assert_uint_eq(q1->cqes, 2000);
	ck_assert_uint_eq(q2->cqes, 2000);
	/* THR 8: one message per 8 CQEs, a few more from the timer when the job drains */
	ck_assert_uint_ge(q1->interrupts, 2000 / 8);
	ck_assert_uint_le(q1->interrupts, 2000 / 8 + 4);
	ck_assert_uint_eq(q2->interrupts, q2->cqes);
	lat_out = mean_us(r, 1);
	ck_assert_msg(lat_out < 80.0, "opted-out queue: mean %.1f us", lat_out);
	nvmesim_results_free(r);

	/* the same without the opt-out: queue 2 waits TIME = 100 us for every I/O */
	r = run_wrr(in, &cap);
	ck_assert_uint_eq(r->queues[2].interrupts, 2000);
	ck_assert_msg(mean_us(r, 1) > lat_out + 95.0, "coalesced queue: mean %.1f us",
		      mean_us(r, 1));
	nvmesim_results_free(r);
}
END_TEST

/* host.coalescing_off_queues: a queue outside 1..host.queues is refused by name. */
START_TEST(test_coalescing_opt_out_bad)
{
	const char *sets[] = {
		"host.arbitration=rr", "jobs.0.priority=default", "jobs.1.priority=default",
		"host.coalescing_off_queues=1,3", NULL
	};
	struct nvmesim_results *r = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	const char *src = getenv("NVMESIM_SRCDIR");
	char path[1024];

	memset(&o, 0, sizeof(o));
	memset(&diag, 0, sizeof(diag));
	snprintf(path, sizeof(path), "%s/tests/traces/wrr.yaml",
		 src && *src ? src : NVMESIM_SRCDIR);
	o.trace = path;
	o.sets = sets;
	o.nr_sets = 4;
	ck_assert_int_eq(nvmesim_run(&o, &r, &diag), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(diag.msg, "host.coalescing_off_queues: queue 3: the I/O queues are "
			 "1..2 (host.queues)");
	/* and a value that is no list of queue IDs, by the trace reader */
	sets[3] = "host.coalescing_off_queues=0";
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_run(&o, &r, &diag), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(diag.msg, "host.coalescing_off_queues: expected none or I/O queue "
			     "IDs 1-65535") != NULL, "%s", diag.msg);
}
END_TEST

/* file_has - whether the file @path holds @needle (a plain text search) */
static bool file_has(const char *path, const char *needle)
{
	static char buf[1 << 16];
	size_t n;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

/* remove_dir - delete the files of folder @dir, then the folder */
static void remove_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	ck_assert_int_eq(rmdir(dir), 0);
}

/*
 * Shadow doorbell updates per queue: with per-command SQ doorbells one SQ
 * shadow update per command on each queue, the queues adding up to the run;
 * summary.json carries them per queue (only when the run used shadow
 * doorbells, so other runs' files are unchanged) and reading it back keeps them.
 */
START_TEST(test_queue_shadow)
{
	static const char *const shadow[] = {
		"host.arbitration=rr", "jobs.0.priority=default", "jobs.1.priority=default",
		"host.shadow_doorbell=linux", NULL
	};
	static const char *const plain[] = {
		"host.arbitration=rr", "jobs.0.priority=default", "jobs.1.priority=default", NULL
	};
	struct nvmesim_results *r, *back;
	struct nvmesim_diag diag;
	struct capture cap;
	char dir[] = "/tmp/check_wrr.XXXXXX", path[64];
	unsigned int q;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	r = run_wrr(shadow, &cap);
	for (q = 1; q <= 2; q++) {
		ck_assert_uint_eq(r->queues[q].sq_shadow, r->queues[q].commands);
		ck_assert_uint_gt(r->queues[q].cq_shadow, 0);
		ck_assert_uint_le(r->queues[q].cq_doorbells, r->queues[q].cq_shadow);
	}
	ck_assert_uint_eq(r->queues[0].sq_shadow, 0);   /* the admin queue: MMIO, as Linux */
	ck_assert_uint_eq(r->queues[1].sq_shadow + r->queues[2].sq_shadow, r->counters.sq_shadow);
	ck_assert_uint_eq(r->queues[1].cq_shadow + r->queues[2].cq_shadow, r->counters.cq_shadow);
	ck_assert_int_eq(nvmesim_report_write_dir(r, dir), 0);
	ck_assert(file_has(path, "\"sq_shadow\": 2000,\n"));
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &back, &diag), 0);
	ck_assert_uint_eq(back->nr_queues, 3);
	for (q = 0; q < 3; q++) {
		ck_assert_uint_eq(back->queues[q].sq_shadow, r->queues[q].sq_shadow);
		ck_assert_uint_eq(back->queues[q].cq_shadow, r->queues[q].cq_shadow);
	}
	nvmesim_results_free(back);
	nvmesim_results_free(r);

	/* without shadow doorbells the queues' objects have no shadow members */
	r = run_wrr(plain, &cap);
	ck_assert_int_eq(nvmesim_report_write_dir(r, dir), 0);
	ck_assert(file_has(path, "\"sq_shadow\": 0,\n"));
	ck_assert(!file_has(path, "\"sq_shadow\": 0\n"));
	ck_assert(!file_has(path, "\"cq_shadow\": 0\n"));
	nvmesim_results_free(r);
	remove_dir(dir);
}
END_TEST

static Suite *wrr_suite(void)
{
	Suite *s = suite_create("wrr");
	TCase *tc = tcase_create("wrr");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_wrr_urgent_first);
	tcase_add_loop_test(tc, test_wrr_equal, 0, 2);
	tcase_add_test(tc, test_wrr_qprio);
	tcase_add_test(tc, test_coalescing_opt_out);
	tcase_add_test(tc, test_coalescing_opt_out_bad);
	tcase_add_test(tc, test_queue_shadow);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(wrr_suite());
}
