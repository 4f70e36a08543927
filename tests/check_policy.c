/* SPDX-License-Identifier: MIT */
/*
 * check_policy.c - the host's doorbell and completion policies
 * (host.sq_doorbell, host.cq_doorbell, host.completion) on a small
 * deterministic trace (tests/traces/policy.yaml: two 16-entry queue pairs,
 * one of them kept full).
 *
 * Each policy's counters must follow from its definition: per-command writes
 * the SQ tail once per command, batch, deferred and every:K fewer (every:K at
 * least commands / K), per-cqe the CQ head once per CQE, capped reaps at most
 * entries / 4 CQEs at a time, lazy:K writes the head at most CQEs / K + queues
 * times and the controller never reports a full CQ, polling takes no
 * interrupt, hybrid:NS fewer than interrupt the longer NS; and every policy
 * moves the same I/Os and bytes.  The metrics: polls and idle polls count
 * what polling did, modeled host CPU time is the run's host work at the
 * profile's costs, and both survive summary.json and a merge.
 */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nvmesim/nvmesim.h>
#include <nvmesim/sweep.h>

#include "tests/check-common.h"

/* struct capture - controller diagnostics and other messages of a run */
struct capture {
	unsigned int nr_lines;  /* lines seen */
	unsigned int cq_full;   /* of them about a full CQ */
	char first[512];        /* the first line */
};

/* cap_message - on_message: count, and notice full-CQ diagnostics */
static void cap_message(void *arg, const char *line)
{
	struct capture *c = arg;

	if (!c->nr_lines)
		snprintf(c->first, sizeof(c->first), "%s", line);
	c->nr_lines++;
	if (strstr(line, "is full"))
		c->cq_full++;
}

/* struct outcome - what every policy must agree on */
struct outcome {
	uint64_t ios[2][NVMESIM_DIRS];    /* per job and direction */
	uint64_t bytes[2][NVMESIM_DIRS];  /* per job and direction */
};

/* run_policy - policy.yaml with @a and @b (NULL: none) as --set; the results */
static struct nvmesim_results *run_policy(const char *a, const char *b, struct capture *cap)
{
	const char *sets[2];
	struct nvmesim_results *r = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	const char *src = getenv("NVMESIM_SRCDIR");
	char path[1024];
	int err;

	memset(&o, 0, sizeof(o));
	memset(cap, 0, sizeof(*cap));
	memset(&diag, 0, sizeof(diag));
	snprintf(path, sizeof(path), "%s/tests/traces/policy.yaml",
		 src && *src ? src : NVMESIM_SRCDIR);
	sets[0] = a;
	sets[1] = b;
	o.trace = path;
	o.sets = sets;
	o.nr_sets = b ? 2 : a ? 1 : 0;
	o.on_message = cap_message;
	o.arg = cap;
	err = nvmesim_run(&o, &r, &diag);
	ck_assert_msg(err == 0, "%s %s: %d %s", a ? a : "", b ? b : "", err, diag.msg);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(cap->nr_lines == 0, "%s: message '%s'", a ? a : "", cap->first);
	ck_assert_uint_eq(r->nr_jobs, 2);
	return r;
}

/* outcome_of - the I/O counts and bytes of @r */
static void outcome_of(const struct nvmesim_results *r, struct outcome *o)
{
	unsigned int j, d;

	for (j = 0; j < 2; j++) {
		for (d = 0; d < NVMESIM_DIRS; d++) {
			o->ios[j][d] = r->jobs[j].dir[d].ios;
			o->bytes[j][d] = r->jobs[j].dir[d].bytes;
			ck_assert_uint_eq(r->jobs[j].dir[d].errors, 0);
		}
	}
}

/* check_same - @r moved exactly what the default policies moved */
static void check_same(const struct nvmesim_results *r)
{
	static struct capture cap;
	struct nvmesim_results *ref = run_policy(NULL, NULL, &cap);
	struct outcome a, b;

	outcome_of(ref, &a);
	outcome_of(r, &b);
	ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
	ck_assert_uint_eq(a.ios[0][NVMESIM_DIR_READ] + a.ios[0][NVMESIM_DIR_WRITE], 600);
	ck_assert_uint_eq(a.ios[1][NVMESIM_DIR_WRITE], 120);
	ck_assert_uint_eq(a.bytes[1][NVMESIM_DIR_WRITE], 120 * 8192);
	ck_assert_uint_eq(r->counters.commands, 720);
	ck_assert_uint_eq(r->counters.cqes, 720);
	nvmesim_results_free(ref);
}

/* per-command: one SQ tail write per command, one CQ head write per reap. */
START_TEST(test_per_command)
{
	static struct capture cap;
	struct nvmesim_results *r = run_policy("host.sq_doorbell=per-command", NULL, &cap);

	ck_assert_uint_eq(r->counters.sq_doorbells, r->counters.commands);
	ck_assert_uint_eq(r->counters.cq_doorbells, r->counters.reaps);
	ck_assert_uint_eq(r->counters.interrupts, r->counters.reaps);
	ck_assert_uint_eq(r->counters.mmio_writes, r->counters.sq_doorbells +
			  r->counters.cq_doorbells);
	check_same(r);
	nvmesim_results_free(r);
}
END_TEST

/* batch and deferred: fewer tail writes than commands. */
START_TEST(test_batch_deferred)
{
	static struct capture cap;
	const char *names[] = { "host.sq_doorbell=batch", "host.sq_doorbell=deferred" };
	struct nvmesim_results *r;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		r = run_policy(names[i], NULL, &cap);
		ck_assert_msg(r->counters.sq_doorbells < r->counters.commands, "%s: %llu of %llu",
			      names[i], (unsigned long long)r->counters.sq_doorbells,
			      (unsigned long long)r->counters.commands);
		ck_assert_uint_ge(r->counters.sq_doorbells, 1);
		check_same(r);
		nvmesim_results_free(r);
	}
}
END_TEST

/* every:K: a write announces at most K commands, so at least commands / K writes; with
 * K = 64 above the 15-entry backlog limit, the queue-full rule rings. */
START_TEST(test_every)
{
	static struct capture cap;
	struct nvmesim_results *r = run_policy("host.sq_doorbell=every:4", NULL, &cap);

	ck_assert_uint_lt(r->counters.sq_doorbells, r->counters.commands);
	ck_assert_uint_ge(r->counters.sq_doorbells, r->counters.commands / 4);
	check_same(r);
	nvmesim_results_free(r);
	r = run_policy("host.sq_doorbell=every:64", NULL, &cap);
	ck_assert_uint_lt(r->counters.sq_doorbells, r->counters.commands);
	ck_assert_uint_ge(r->counters.sq_doorbells, r->counters.commands / 15);
	check_same(r);
	nvmesim_results_free(r);
}
END_TEST

/* poll: CQs without IEN, no interrupt at all; deferred rings at the polls. */
START_TEST(test_poll)
{
	static struct capture cap;
	struct nvmesim_results *r = run_policy("host.completion=poll", NULL, &cap);

	ck_assert_uint_eq(r->counters.interrupts, 0);
	ck_assert_uint_eq(r->counters.sq_doorbells, r->counters.commands);
	check_same(r);
	nvmesim_results_free(r);
	r = run_policy("host.completion=poll", "host.sq_doorbell=deferred", &cap);
	ck_assert_uint_eq(r->counters.interrupts, 0);
	ck_assert_uint_lt(r->counters.sq_doorbells, r->counters.commands);
	check_same(r);
	nvmesim_results_free(r);
}
END_TEST

/* hybrid:NS: interrupts, but polling for NS after each: fewer interrupts than interrupt,
 * the longer the window the fewer. */
START_TEST(test_hybrid)
{
	static struct capture cap;
	struct nvmesim_results *irq = run_policy("host.completion=interrupt", NULL, &cap);
	struct nvmesim_results *h1 = run_policy("host.completion=hybrid:2000", NULL, &cap);
	struct nvmesim_results *h2 = run_policy("host.completion=hybrid:200000", NULL, &cap);

	ck_assert_uint_ge(h1->counters.interrupts, 1);
	ck_assert_uint_lt(h1->counters.interrupts, irq->counters.interrupts);
	ck_assert_uint_lt(h2->counters.interrupts, h1->counters.interrupts);
	ck_assert_uint_ge(h2->counters.interrupts, 1);
	check_same(h1);
	check_same(h2);
	nvmesim_results_free(irq);
	nvmesim_results_free(h1);
	nvmesim_results_free(h2);
}
END_TEST

/* An open-loop job beside a closed-loop one on another queue (and CPU) finishes at its
 * rate under every completion policy.  Polling used to hold the next arrival against the
 * polling CPU's clock, which ran past it while the device's time stood still: the run
 * never ended. */
START_TEST(test_open_loop_beside)
{
	static const char *const policies[] = {
		"host.completion=interrupt", "host.completion=poll", "host.completion=hybrid:2000",
	};
	static struct capture cap;
	struct nvmesim_results *r;
	const struct nvmesim_job_stats *j;
	unsigned int i;
	double iops;

	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		r = run_policy(policies[i], "jobs.1.rate_iops=20000", &cap);
		check_same(r);
		/* 120 arrivals 50 us apart: the last one 119 intervals after the first */
		j = &r->jobs[1];
		ck_assert_uint_gt(j->end_ns, j->start_ns);
		iops = 119e9 / (double)(j->end_ns - j->start_ns);
		ck_assert_msg(iops > 19000 && iops < 20100, "%s: %.0f IOPS", policies[i], iops);
		nvmesim_results_free(r);
	}
}
END_TEST

/* per-cqe: one head write per CQE. */
START_TEST(test_per_cqe)
{
	static struct capture cap;
	struct nvmesim_results *r = run_policy("host.cq_doorbell=per-cqe", NULL, &cap);

	ck_assert_uint_eq(r->counters.cq_doorbells, r->counters.cqes);
	check_same(r);
	nvmesim_results_free(r);
}
END_TEST

/* capped: clamp(16 / 4, 1, 128) = 4 CQEs per reap call at most, one head write each, with
 * polling and with interrupts. */
START_TEST(test_capped)
{
	static struct capture cap;
	struct nvmesim_results *r = run_policy("host.cq_doorbell=capped", "host.completion=poll",
					       &cap);

	ck_assert_uint_ge(r->counters.reaps * 4, r->counters.cqes);
	ck_assert_uint_eq(r->counters.cq_doorbells, r->counters.reaps);
	check_same(r);
	nvmesim_results_free(r);
	/* an interrupt handler reaps until empty, in capped calls */
	r = run_policy("host.cq_doorbell=capped", "host.completion=interrupt", &cap);
	ck_assert_uint_ge(r->counters.reaps * 4, r->counters.cqes);
	ck_assert_uint_eq(r->counters.cq_doorbells, r->counters.reaps);
	ck_assert_uint_ge(r->counters.reaps, r->counters.interrupts);
	check_same(r);
	nvmesim_results_free(r);
}
END_TEST

/* lazy:K: where the full-CQ rule is out of reach (depth 4 of 16), a head write announces at
 * least K CQEs: at most CQEs / K + queues writes; at depth 15 of 16 the rule forces writes,
 * and the controller never sees a full CQ either way. */
START_TEST(test_lazy)
{
	static struct capture cap;
	struct nvmesim_results *r = run_policy("host.cq_doorbell=lazy:4", "jobs.0.iodepth=4",
					       &cap);

	ck_assert_uint_eq(cap.cq_full, 0);
	ck_assert_uint_eq(r->counters.cqes, 720);
	ck_assert_uint_le(r->counters.cq_doorbells, r->counters.cqes / 4 + 2);
	ck_assert_uint_ge(r->counters.cq_doorbells, 1);
	nvmesim_results_free(r);
	r = run_policy("host.cq_doorbell=lazy:64", NULL, &cap);
	ck_assert_uint_eq(cap.cq_full, 0);
	ck_assert_uint_lt(r->counters.cq_doorbells, r->counters.reaps);
	check_same(r);
	nvmesim_results_free(r);
}
END_TEST

/* cpu_of - modeled host CPU time from @r's counters at gen4-tlc's host costs (submit 400,
 * reap 150, irq 500, poll 50, mmio 100 ns) */
static uint64_t cpu_of(const struct nvmesim_results *r)
{
	const struct nvmesim_counters *c = &r->counters;

	return c->commands * 400 + c->cqes * 150 + c->interrupts * 500 + c->idle_polls * 50 +
	       c->mmio_writes * 100;
}

/* check_queues - the per-queue counters of @r add up to the run's; queue 1 carried the mix
 * job (600 commands), queue 2 the seq job (120) */
static void check_queues(const struct nvmesim_results *r)
{
	struct nvmesim_queue_counters sum;
	unsigned int i;

	memset(&sum, 0, sizeof(sum));
	ck_assert_uint_eq(r->nr_queues, 3);
	for (i = 0; i < r->nr_queues; i++) {
		ck_assert_uint_eq(r->queues[i].qid, i);
		sum.commands += r->queues[i].commands;
		sum.sq_doorbells += r->queues[i].sq_doorbells;
		sum.cq_doorbells += r->queues[i].cq_doorbells;
		sum.interrupts += r->queues[i].interrupts;
		sum.reaps += r->queues[i].reaps;
		sum.cqes += r->queues[i].cqes;
		sum.polls += r->queues[i].polls;
		sum.idle_polls += r->queues[i].idle_polls;
		sum.inflight_ns += r->queues[i].inflight_ns;
	}
	ck_assert_uint_eq(r->queues[1].commands, 600);
	ck_assert_uint_eq(r->queues[2].commands, 120);
	ck_assert_uint_eq(sum.commands, r->counters.commands);
	ck_assert_uint_eq(sum.sq_doorbells, r->counters.sq_doorbells);
	ck_assert_uint_eq(sum.cq_doorbells, r->counters.cq_doorbells);
	ck_assert_uint_eq(sum.interrupts, r->counters.interrupts);
	ck_assert_uint_eq(sum.reaps, r->counters.reaps);
	ck_assert_uint_eq(sum.cqes, r->counters.cqes);
	ck_assert_uint_eq(sum.polls, r->counters.polls);
	ck_assert_uint_eq(sum.idle_polls, r->counters.idle_polls);
	ck_assert(sum.inflight_ns == r->counters.inflight_ns);
}

/* rm_one - nftw() callback removing one entry */
static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Metrics: polls and idle polls, modeled CPU time by its definition, and both through
 * summary.json (read back, merged). */
START_TEST(test_metrics)
{
	static struct capture cap;
	struct nvmesim_results *irq = run_policy("host.completion=interrupt", NULL, &cap);
	struct nvmesim_results *poll = run_policy("host.completion=poll", NULL, &cap);
	struct nvmesim_results *hyb = run_policy("host.completion=hybrid:200000", NULL, &cap);
	struct nvmesim_results *back = NULL, *back2 = NULL;
	struct nvmesim_diag diag;
	char dir[] = "/tmp/check_policy.XXXXXX";

	ck_assert_uint_eq(irq->counters.polls, 0);
	ck_assert_uint_eq(irq->counters.idle_polls, 0);
	ck_assert_uint_eq(irq->counters.cpu_ns, cpu_of(irq));
	ck_assert_uint_gt(poll->counters.polls, poll->counters.idle_polls);
	ck_assert_uint_gt(poll->counters.idle_polls, 0);
	/* a poll that found CQEs is a reap pass */
	ck_assert_uint_eq(poll->counters.polls - poll->counters.idle_polls,
			  poll->counters.reaps);
	ck_assert_uint_eq(poll->counters.cpu_ns, cpu_of(poll));
	ck_assert_uint_gt(hyb->counters.polls, 0);
	ck_assert_uint_eq(hyb->counters.cpu_ns, cpu_of(hyb));
	check_queues(irq);
	check_queues(poll);
	check_queues(hyb);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(nvmesim_report_write_dir(poll, dir), 0);
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &back, &diag), 0);
	ck_assert_int_eq(nvmesim_results_read_dir(dir, &back2, &diag), 0);
	ck_assert_uint_eq(back->counters.polls, poll->counters.polls);
	ck_assert_uint_eq(back->counters.idle_polls, poll->counters.idle_polls);
	ck_assert_uint_eq(back->counters.cpu_ns, poll->counters.cpu_ns);
	ck_assert_uint_eq(back->nr_queues, 3);
	ck_assert_uint_eq(back->queues[1].sq_doorbells, poll->queues[1].sq_doorbells);
	ck_assert_uint_eq(back->queues[2].idle_polls, poll->queues[2].idle_polls);
	ck_assert_int_eq(nvmesim_results_merge(back, back2), 0);
	ck_assert_uint_eq(back->counters.polls, 2 * poll->counters.polls);
	ck_assert_uint_eq(back->counters.idle_polls, 2 * poll->counters.idle_polls);
	ck_assert_uint_eq(back->counters.cpu_ns, 2 * poll->counters.cpu_ns);
	ck_assert_uint_eq(back->queues[1].cqes, 2 * poll->queues[1].cqes);
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	nvmesim_results_free(back);
	nvmesim_results_free(back2);
	nvmesim_results_free(irq);
	nvmesim_results_free(poll);
	nvmesim_results_free(hyb);
}
END_TEST

/* policy_suite - the policy tests */
static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_per_command);
	tcase_add_test(tc, test_batch_deferred);
	tcase_add_test(tc, test_every);
	tcase_add_test(tc, test_poll);
	tcase_add_test(tc, test_hybrid);
	tcase_add_test(tc, test_open_loop_beside);
	tcase_add_test(tc, test_per_cqe);
	tcase_add_test(tc, test_capped);
	tcase_add_test(tc, test_lazy);
	tcase_add_test(tc, test_metrics);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(policy_suite());
}
