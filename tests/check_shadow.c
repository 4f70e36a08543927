/* SPDX-License-Identifier: MIT */
/*
 * check_shadow.c - the host side of shadow doorbells (host.shadow_doorbell:
 * Doorbell Buffer Config, NVMe 2.0 §5.8).
 *
 * With shadow doorbells on, every SQ tail / CQ head update goes to the
 * shadow page and the MMIO doorbell is written only when the need-event test
 * (linux: virtio vring_need_event, spdk: libvfn's inclusive variant) says
 * the controller waits for it.  So on a timed replay the SQ MMIO writes must
 * be fewer than the commands, while every I/O completes as with MMIO
 * doorbells; on the host API the data written must read back intact; and a
 * controller without OACS bit 8 must be refused clearly.  Interrupt
 * coalescing (host.coalescing=THR,TIME_US, Set Features 08h) is checked here
 * too: at most about one interrupt per THR completions on deep queues.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmesim/nvmesim.h>

#include "host/host-internal.h"
#include "tests/check-common.h"

/* run_trace3 - tests/traces/policy.yaml with the --set @a, @b and @c (NULL: none and none
 * after); the results */
static struct nvmesim_results *run_trace3(const char *a, const char *b, const char *c)
{
	const char *sets[3];
	struct nvmesim_results *r = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	const char *src = getenv("NVMESIM_SRCDIR");
	char path[1024];
	int err;

	memset(&o, 0, sizeof(o));
	memset(&diag, 0, sizeof(diag));
	snprintf(path, sizeof(path), "%s/tests/traces/policy.yaml",
		 src && *src ? src : NVMESIM_SRCDIR);
	sets[0] = a;
	sets[1] = b;
	sets[2] = c;
	o.trace = path;
	o.sets = sets;
	o.nr_sets = c ? 3 : b ? 2 : a ? 1 : 0;
	err = nvmesim_run(&o, &r, &diag);
	ck_assert_msg(err == 0, "%s %s: %d %s", a ? a : "", b ? b : "", err, diag.msg);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nr_jobs, 2);
	return r;
}

/* run_trace - run_trace3() with two --set at most */
static struct nvmesim_results *run_trace(const char *a, const char *b)
{
	return run_trace3(a, b, NULL);
}

/* check_ios - @r moved every I/O of policy.yaml without an error */
static void check_ios(const struct nvmesim_results *r)
{
	unsigned int j, d;
	uint64_t ios = 0;

	for (j = 0; j < 2; j++) {
		for (d = 0; d < NVMESIM_DIRS; d++) {
			ios += r->jobs[j].dir[d].ios;
			ck_assert_uint_eq(r->jobs[j].dir[d].errors, 0);
		}
	}
	ck_assert_uint_eq(ios, 720);
	ck_assert_uint_eq(r->counters.cqes, r->counters.commands);
	ck_assert_uint_eq(r->expect_failures, 0);
}

/* Both need-event tests: fewer SQ MMIO writes than commands, every update shadowed. */
START_TEST(test_shadow_replay)
{
	static const char *const modes[] = {
		"host.shadow_doorbell=linux", "host.shadow_doorbell=spdk"
	};
	struct nvmesim_results *off = run_trace(NULL, NULL), *r;
	unsigned int i;

	check_ios(off);
	ck_assert_uint_eq(off->counters.sq_shadow, 0);
	ck_assert_uint_eq(off->counters.cq_shadow, 0);
	ck_assert_uint_eq(off->counters.sq_doorbells, off->counters.commands);
	for (i = 0; i < 2; i++) {
		r = run_trace(modes[i], NULL);
		check_ios(r);
		/* per-command: one shadow tail update per command */
		ck_assert_uint_eq(r->counters.sq_shadow, r->counters.commands);
		ck_assert_uint_lt(r->counters.sq_doorbells, r->counters.commands);
		ck_assert_uint_ge(r->counters.sq_doorbells, 1);
		ck_assert_uint_ge(r->counters.cq_shadow, 1);
		ck_assert_uint_le(r->counters.cq_doorbells, r->counters.cq_shadow);
		ck_assert_uint_lt(r->counters.mmio_writes, off->counters.mmio_writes);
		nvmesim_results_free(r);
	}
	/* the admin queue may be shadowed too */
	r = run_trace("host.shadow_doorbell=linux", "host.shadow_admin=on");
	check_ios(r);
	ck_assert_uint_lt(r->counters.sq_doorbells, r->counters.commands);
	nvmesim_results_free(r);
	nvmesim_results_free(off);
}
END_TEST

/* A name that is not a need-event test is refused when the trace is read. */
START_TEST(test_shadow_bad_name)
{
	const char *sets[1] = { "host.shadow_doorbell=qemu" };
	struct nvmesim_results *r = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	const char *src = getenv("NVMESIM_SRCDIR");
	char path[1024];

	memset(&o, 0, sizeof(o));
	memset(&diag, 0, sizeof(diag));
	snprintf(path, sizeof(path), "%s/tests/traces/policy.yaml",
		 src && *src ? src : NVMESIM_SRCDIR);
	o.trace = path;
	o.sets = sets;
	o.nr_sets = 1;
	ck_assert_int_eq(nvmesim_run(&o, &r, &diag), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(diag.msg, "expected off, linux or spdk") != NULL, "%s", diag.msg);
}
END_TEST

/* fill - a pattern that differs per byte and per @seed */
static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7u + seed * 13u + (i >> 9));
}

/* Host API: queue-deep writes and reads through shadow doorbells keep the data. */
START_TEST(test_shadow_data)
{
	enum nvmesim_host_shadow mode = _i ? NVMESIM_SHADOW_SPDK : NVMESIM_SHADOW_LINUX;
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = NULL;
	struct nvmesim_host *host = NULL;
	struct nvmesim_host_stats st;
	struct nvmesim_diag diag;
	struct nvmesim_sqe cmd;
	uint8_t *buf, *rd, *want;
	unsigned int i, round;
	const unsigned int n = 48, bs = 4096;

	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_sim_open(&end, NULL), 0);
	ck_assert_int_eq(nvmesim_host_open(&host, end, &ho, &diag), 0);
	ck_assert_int_eq(nvmesim_host_set_shadow(host, mode, false), 0);
	ck_assert_int_eq(nvmesim_host_set_shadow(host, mode, false), -EINVAL); /* once */
	buf = nvmesim_host_dma_alloc(host, (size_t)n * bs);
	rd = nvmesim_host_dma_alloc(host, (size_t)n * bs);
	want = malloc((size_t)n * bs);
	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(rd);
	ck_assert_ptr_nonnull(want);
	for (round = 0; round < 3; round++) {
		fill(buf, (size_t)n * bs, round);
		memcpy(want, buf, (size_t)n * bs);
		for (i = 0; i < n; i++) {
			nvmesim_cmd_rw(&cmd, NVMESIM_NVM_WRITE, 1, (uint64_t)i * 8u, 8);
			ck_assert_int_eq(nvmesim_host_submit(host, 1, &cmd, buf + (size_t)i * bs,
							     bs, NULL, NULL), 0);
			nvmesim_host_ring(host, 1);
		}
		while (host->qps[1].inflight)
			ck_assert_int_ge(nvmesim_host_wait(host, 1000000000ull), 0);
		memset(rd, 0, (size_t)n * bs);
		for (i = 0; i < n; i++) {
			nvmesim_cmd_rw(&cmd, NVMESIM_NVM_READ, 1, (uint64_t)i * 8u, 8);
			ck_assert_int_eq(nvmesim_host_submit(host, 1, &cmd, rd + (size_t)i * bs,
							     bs, NULL, NULL), 0);
			nvmesim_host_ring(host, 1);
		}
		while (host->qps[1].inflight)
			ck_assert_int_ge(nvmesim_host_wait(host, 1000000000ull), 0);
		ck_assert_int_eq(memcmp(rd, want, (size_t)n * bs), 0);
	}
	st = host->qps[1].stats;
	ck_assert_uint_eq(st.commands, 6u * n);
	ck_assert_uint_eq(st.cqes, 6u * n);
	ck_assert_uint_eq(st.sq_shadow, 6u * n);
	ck_assert_uint_le(st.sq_doorbells, st.sq_shadow);
	ck_assert_uint_le(st.cq_doorbells, st.cq_shadow);
	/* the admin queue kept its MMIO doorbells */
	ck_assert_uint_eq(host->qps[0].stats.sq_shadow, 0);
	free(want);
	nvmesim_host_dma_free(host, rd);
	nvmesim_host_dma_free(host, buf);
	ck_assert_int_eq(nvmesim_host_close(host, &diag), 0);
	nvmesim_end_close(end);
}
END_TEST

/* host.coalescing=THR,TIME_US: Set Features 08h; with queues deeper than THR, at most about
 * one interrupt per THR CQEs. */
START_TEST(test_coalescing)
{
	struct nvmesim_results *off = run_trace(NULL, NULL);
	struct nvmesim_results *r = run_trace("host.coalescing=4,100", "jobs.1.iodepth=8");

	check_ios(off);
	check_ios(r);
	/* both jobs at least THR deep: only the tails of the jobs wait for TIME (182 of 720) */
	ck_assert_uint_le(r->counters.interrupts, r->counters.cqes / 4 + 8);
	ck_assert_uint_lt(r->counters.interrupts, off->counters.interrupts);
	nvmesim_results_free(r);
	nvmesim_results_free(off);
}
END_TEST

/* Without OACS bit 8 the host refuses before sending anything. */
START_TEST(test_shadow_no_oacs)
{
	struct nvmesim_end *end = NULL;
	struct nvmesim_host *host = NULL;
	struct nvmesim_diag diag;
	uint64_t cmds;

	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_sim_open(&end, NULL), 0);
	ck_assert_int_eq(nvmesim_host_open(&host, end, NULL, &diag), 0);
	host->id_ctrl.oacs &= (uint16_t)~NVMESIM_OACS_DBBUF;
	cmds = host->stats.commands;
	ck_assert_int_eq(nvmesim_host_set_shadow(host, NVMESIM_SHADOW_LINUX, false), -EOPNOTSUPP);
	ck_assert_uint_eq(host->stats.commands, cmds);
	ck_assert_ptr_null(host->dbs);
	ck_assert_int_eq(nvmesim_host_close(host, &diag), 0);
	nvmesim_end_close(end);
}
END_TEST

/* host.arbitration=wrr with job priorities: the replay runs and moves every I/O; a job
 * priority without WRR is refused. */
START_TEST(test_wrr_replay)
{
	const char *sets[1] = { "jobs.0.priority=urgent" };
	struct nvmesim_results *r;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	const char *src = getenv("NVMESIM_SRCDIR");
	char path[1024];

	r = run_trace3("host.arbitration=wrr", "jobs.0.priority=low", "jobs.1.priority=urgent");
	check_ios(r);
	nvmesim_results_free(r);
	r = run_trace("host.arbitration=wrr", NULL);
	check_ios(r);
	nvmesim_results_free(r);
	r = NULL;
	memset(&o, 0, sizeof(o));
	memset(&diag, 0, sizeof(diag));
	snprintf(path, sizeof(path), "%s/tests/traces/policy.yaml",
		 src && *src ? src : NVMESIM_SRCDIR);
	o.trace = path;
	o.sets = sets;
	o.nr_sets = 1;
	ck_assert_int_eq(nvmesim_run(&o, &r, &diag), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(diag.msg, "jobs.0.priority: a queue priority counts only with "
			 "host.arbitration: wrr (NVMe 2.0 §3.4.2.2)");
}
END_TEST

/* Host API with wrr: CC.AMS = 001b (weighted round robin with urgent), I/O still works. */
START_TEST(test_wrr_host)
{
	static const uint8_t prio[2] = { 0, 3 };
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = NULL;
	struct nvmesim_host *host = NULL;
	struct nvmesim_diag diag;
	uint8_t *buf;
	uint32_t cc;

	memset(&diag, 0, sizeof(diag));
	ho.nr_io_queues = 2;
	ho.wrr = true;
	ho.sq_prio = prio;
	ho.nr_sq_prio = 2;
	ck_assert_int_eq(nvmesim_sim_open(&end, NULL), 0);
	ck_assert_int_eq(nvmesim_host_open(&host, end, &ho, &diag), 0);
	cc = nvmesim_end_read32(end, NVMESIM_REG_CC);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cc, CC_AMS), NVMESIM_CC_AMS_WRRU);
	ck_assert_ptr_null(host->opts.sq_prio);
	buf = nvmesim_host_dma_alloc(host, 4096);
	ck_assert_ptr_nonnull(buf);
	fill(buf, 4096, 9);
	ck_assert_int_eq(nvmesim_host_rw(host, 2, NVMESIM_NVM_WRITE, 1, 0, 8, buf), 0);
	memset(buf, 0, 4096);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, 0, 8, buf), 0);
	ck_assert_uint_eq(buf[100], (uint8_t)(100 * 7u + 9 * 13u));
	nvmesim_host_dma_free(host, buf);
	ck_assert_int_eq(nvmesim_host_close(host, &diag), 0);
	nvmesim_end_close(end);
}
END_TEST

static Suite *shadow_suite(void)
{
	Suite *s = suite_create("shadow");
	TCase *tc = tcase_create("shadow");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_shadow_replay);
	tcase_add_test(tc, test_shadow_bad_name);
	tcase_add_loop_test(tc, test_shadow_data, 0, 2);
	tcase_add_test(tc, test_shadow_no_oacs);
	tcase_add_test(tc, test_coalescing);
	tcase_add_test(tc, test_wrr_replay);
	tcase_add_test(tc, test_wrr_host);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(shadow_suite());
}
