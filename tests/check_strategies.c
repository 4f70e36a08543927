/* SPDX-License-Identifier: MIT */
/*
 * check_strategies.c - the controller side of the doorbell and interrupt
 * strategies (issue 4 §2): interrupt coalescing (Features 08h/09h) and
 * weighted round robin with urgent priority at the fetch (CC.AMS, Feature
 * 01h, Create I/O SQ QPRIO), and Doorbell Buffer Config (admin 7Ch) with
 * shadow doorbells and EventIdx, driven by a raw host that writes shadows
 * and rings MMIO only when Linux's need-event rule says so.
 *
 * Everything goes through struct nvmesim_end via the raw test host
 * (rawhost.h), so each test sees exactly what a driver would.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctrl/ctrl.h"
#include "tests/check-common.h"
#include "tests/rawhost.h"

static struct rawhost rh;
static struct nvmesim_profile prof;   /* the controller keeps a pointer: not on a stack */

static void setup(void)
{
	ck_assert_int_eq(rh_open(&rh, NULL), 0);
}

static void teardown(void)
{
	rh_close(&rh);
}

static void flush_cmd(struct nvmesim_sqe *c)
{
	memset(c, 0, sizeof(*c));
	c->opcode = NVMESIM_NVM_FLUSH;
	c->nsid = 1;
}

/* interrupts recorded on vector @iv since the last reset of rh.nr_irqs */
static unsigned int irqs_on(uint32_t iv)
{
	unsigned int i, n = 0;

	for (i = 0; i < rh.nr_irqs; i++)
		n += rh.irqs[i] == iv;
	return n;
}

/* @n Flushes on queue pair @qid, one at a time, each completing (10 us) before the next */
static void one_by_one(uint16_t qid, unsigned int n)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		flush_cmd(&c);
		rh_submit(&rh, qid, &c);
		rh_run(&rh, 20000);
		ck_assert_int_eq(rh_reap(&rh, qid, &e, 0), 0);
		ck_assert_uint_eq(e.status >> 1, 0);
	}
}

/* THR = k - 1 with a long TIME: one interrupt per k completions; CD = 1 opts out */
START_TEST(coalesce_threshold)
{
	uint32_t dw0;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 32, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 32, 0), 0);

	/* off by default: one message per completion */
	rh.nr_irqs = 0;
	one_by_one(1, 8);
	ck_assert_uint_eq(irqs_on(1), 8);

	/* THR 3 (4 CQEs), TIME 255 (25.5 ms) */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 3u | (255u << 8), NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 3u | (255u << 8));
	rh.nr_irqs = 0;
	one_by_one(1, 16);
	ck_assert_uint_eq(irqs_on(1), 4);
	/* the admin CQ is never coalesced */
	ck_assert_uint_eq(irqs_on(0), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 0, 0, &dw0), 0);
	ck_assert_uint_eq(irqs_on(0), 1);

	/* Feature 09h CD = 1 on vector 1: every completion interrupts again */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_CONFIG, 1u | (1u << 16), NULL), 0);
	rh.nr_irqs = 0;
	one_by_one(1, 8);
	ck_assert_uint_eq(irqs_on(1), 8);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_CONFIG, 1u, NULL), 0);

	/* THR 0 or TIME 0 disables coalescing implicitly */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 3u, NULL), 0);
	rh.nr_irqs = 0;
	one_by_one(1, 4);
	ck_assert_uint_eq(irqs_on(1), 4);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 255u << 8, NULL), 0);
	rh.nr_irqs = 0;
	one_by_one(1, 4);
	ck_assert_uint_eq(irqs_on(1), 4);
}
END_TEST

/* fewer than THR + 1 CQEs: the message goes TIME after the first of them */
START_TEST(coalesce_time)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 32, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 32, 0), 0);
	/* THR 7 (8 CQEs), TIME 2 (200 us) */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 7u | (2u << 8), NULL), 0);
	rh.nr_irqs = 0;
	flush_cmd(&c);
	rh_submit(&rh, 1, &c);          /* completes 10 us later */
	rh_run(&rh, 50000);
	flush_cmd(&c);
	rh_submit(&rh, 1, &c);
	rh_run(&rh, 150000);            /* 200 us after the submission, 190 after the CQE */
	ck_assert_uint_eq(irqs_on(1), 0);
	rh_run(&rh, 20000);
	ck_assert_uint_eq(irqs_on(1), 1);
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), 0);
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), 0);
	/* nothing unsignalled is left: no further message */
	rh_run(&rh, 1000000);
	ck_assert_uint_eq(irqs_on(1), 1);

	/* the threshold reached before TIME: one message, and the timer does not add one */
	rh.nr_irqs = 0;
	one_by_one(1, 8);
	ck_assert_uint_eq(irqs_on(1), 1);
	rh_run(&rh, 1000000);
	ck_assert_uint_eq(irqs_on(1), 1);
}
END_TEST

/* the same with the timing model (a profile): messages still go 1 per THR + 1 CQEs,
 * and the TIME message is delivered after its time */
START_TEST(coalesce_timed)
{
	struct nvmesim_sim_opts o;
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint64_t t0;
	uint32_t v;

	prof = nvmesim_profile_default;
	ck_assert_int_eq(nvmesim_sim_opts_from_profile(&o, &prof), 0);
	rh_close(&rh);
	ck_assert_int_eq(rh_open(&rh, &o), 0);
	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 32, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 32, 0), 0);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 1u | (10u << 8), NULL), 0);
	rh.nr_irqs = 0;
	one_by_one(1, 8);
	ck_assert_uint_eq(irqs_on(1), 4);
	/* one CQE alone: its message comes TIME = 1 ms after it, not before */
	flush_cmd(&c);
	t0 = nvmesim_end_now(rh.end);
	rh_submit(&rh, 1, &c);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 10000000, &v), 1);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_ge(nvmesim_end_now(rh.end) - t0, 1000000);
	ck_assert_uint_lt(nvmesim_end_now(rh.end) - t0, 1100000);
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), 0);
}
END_TEST

/*
 * A controller saturated at ctrl.max_inflight = 2: SQ 1 (low priority) is
 * rung first and fills both slots, then SQ 2 (urgent) is rung.  Under WRR
 * with urgent (CC.AMS = 001b, _i = 1) every slot that frees goes to SQ 2 until
 * it is empty; under round robin (_i = 0) the two SQs alternate.
 */
START_TEST(wrr_urgent)
{
	static const char want_wrr[] = "1122222222111111";
	static const char want_rr[] = "1121212121212122";
	struct nvmesim_sim_opts o;
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	char order[17];
	unsigned int i;
	uint32_t cc = (6u << 16) | (4u << 20) | ((uint32_t)_i << 11);

	prof = nvmesim_profile_default;
	prof.ctrl.max_inflight = 2;
	ck_assert_int_eq(nvmesim_sim_opts_from_profile(&o, &prof), 0);
	rh_close(&rh);
	ck_assert_int_eq(rh_open(&rh, &o), 0);
	rh_admin_setup(&rh, 8);
	rh_w32(&rh, NVMESIM_REG_CC, cc);
	rh_w32(&rh, NVMESIM_REG_CC, cc | 1u);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 10000000000ull), 0);
	ck_assert_uint_eq((rh_r32(&rh, NVMESIM_REG_CC) >> 11) & 7, (unsigned int)_i);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 32, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 3), 0);     /* low */
	ck_assert_uint_eq(rh_create_sq(&rh, 2, 1, 16, 0), 0);     /* urgent */
	for (i = 0; i < 8; i++) {
		flush_cmd(&c);
		rh_post(&rh, 1, &c);
	}
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	for (i = 0; i < 8; i++) {
		flush_cmd(&c);
		rh_post(&rh, 2, &c);
	}
	nvmesim_hsq_ring(&rh.sq[2], rh.end);
	for (i = 0; i < 16; i++) {
		ck_assert_int_eq(rh_reap(&rh, 1, &e, 100000000ull), 0);
		ck_assert_uint_eq(e.status >> 1, 0);
		order[i] = (char)('0' + e.sqid);
	}
	order[16] = '\0';
	ck_assert_str_eq(order, _i ? want_wrr : want_rr);
}
END_TEST

/*
 * Weights under saturation (ctrl.max_inflight = 1, so slots free one at a
 * time): with AB = 0 (bursts of 1), HPW = 3 and LPW = 0 the high SQ starts 4
 * commands per round and the low SQ 1, and the round's position survives the
 * stops at max_inflight.
 */
START_TEST(wrr_weights)
{
	struct nvmesim_sim_opts o;
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	char order[17];
	unsigned int i;
	uint32_t cc = (6u << 16) | (4u << 20) | (1u << 11);

	prof = nvmesim_profile_default;
	prof.ctrl.max_inflight = 1;
	ck_assert_int_eq(nvmesim_sim_opts_from_profile(&o, &prof), 0);
	rh_close(&rh);
	ck_assert_int_eq(rh_open(&rh, &o), 0);
	rh_admin_setup(&rh, 8);
	rh_w32(&rh, NVMESIM_REG_CC, cc);
	rh_w32(&rh, NVMESIM_REG_CC, cc | 1u);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 10000000000ull), 0);
	/* AB 0, LPW 0, MPW 1, HPW 3 */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_ARBITRATION,
				      (3u << 24) | (1u << 16) | (0u << 8) | 0u, NULL), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 32, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 1), 0);     /* high */
	ck_assert_uint_eq(rh_create_sq(&rh, 2, 1, 16, 3), 0);     /* low */
	for (i = 0; i < 8; i++) {
		flush_cmd(&c);
		rh_post(&rh, 2, &c);
		flush_cmd(&c);
		rh_post(&rh, 1, &c);
	}
	/* low rung first: it takes the only slot, then the rounds go H H H H L */
	nvmesim_hsq_ring(&rh.sq[2], rh.end);
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	for (i = 0; i < 16; i++) {
		ck_assert_int_eq(rh_reap(&rh, 1, &e, 100000000ull), 0);
		order[i] = (char)('0' + e.sqid);
	}
	order[16] = '\0';
	ck_assert_str_eq(order, "2111121111222222");
}
END_TEST

/* Host side of shadow doorbells for the dbbuf tests: the buffers and MMIO writes made. */
static uint32_t *dbs, *eis;
static unsigned int mmio_sq, mmio_cq;

/* Linux's need-event test (virtio vring_need_event): has @new passed EventIdx @ei? */
static bool need_event(uint16_t ei, uint16_t new_v, uint16_t old_v)
{
	return (uint16_t)(new_v - ei - 1) < (uint16_t)(new_v - old_v);
}

/* The SQ tail of @qid goes to its shadow; MMIO only when EventIdx says so (Linux 3). */
static void shadow_sq_ring(uint16_t qid)
{
	struct nvmesim_hsq *sq = &rh.sq[qid];
	uint16_t old_v = (uint16_t)dbs[2 * qid], new_v = sq->r.tail;

	dbs[2 * qid] = new_v;
	if (need_event((uint16_t)eis[2 * qid], new_v, old_v)) {
		rh_w32(&rh, rh_db(&rh, qid, 0), new_v);
		mmio_sq++;
	}
	sq->db_tail = new_v;
}

/* Reap every CQE of CQ @qid (SQ @qid's), then publish the head the same way; the count. */
static unsigned int shadow_cq_reap(uint16_t qid)
{
	struct nvmesim_hcq *cq = &rh.cq[qid];
	const struct nvmesim_cqe *e;
	unsigned int n = 0;
	uint16_t old_v = (uint16_t)dbs[2 * qid + 1], new_v;

	while ((e = nvmesim_hcq_peek(cq))) {
		ck_assert_uint_eq(e->status >> 1, 0);
		nvmesim_hsq_update_head(&rh.sq[qid], e->sqhd);
		nvmesim_hcq_pop(cq);
		n++;
	}
	new_v = cq->r.head;
	if (new_v == old_v)
		return n;
	dbs[2 * qid + 1] = new_v;
	if (need_event((uint16_t)eis[2 * qid + 1], new_v, old_v)) {
		rh_w32(&rh, rh_db(&rh, qid, 1), new_v);
		mmio_cq++;
	}
	cq->db_head = new_v;
	return n;
}

static void shadow_post(uint16_t qid, unsigned int n)
{
	struct nvmesim_sqe c;
	unsigned int i;

	for (i = 0; i < n; i++) {
		flush_cmd(&c);
		ck_assert_uint_ne(rh_post(&rh, qid, &c), 0xffff);
		shadow_sq_ring(qid);
	}
}

/* Doorbell Buffer Config: OACS, alignment, shadows of existing queues, admin mirroring */
START_TEST(dbbuf_config)
{
	struct nvmesim_id_ctrl *id;
	struct nvmesim_sqe c;
	void *buf;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	buf = rh_alloc(&rh, 4096);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_CTRL, 0, buf), 0);
	id = buf;
	ck_assert_uint_eq(id->oacs, NVMESIM_OACS_DBBUF);
	dbs = rh_alloc(&rh, 4096);
	eis = rh_alloc(&rh, 4096);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 16, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), 0);

	/* both buffers must be memory page aligned (QEMU nvme_dbbuf_config) */
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DBBUF_CONFIG;
	c.prp1 = rh_iova(&rh, dbs) + 8;
	c.prp2 = rh_iova(&rh, eis);
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert(rh_log_has(&rh, "shadow doorbell buffer PRP1"));
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DBBUF_CONFIG;
	c.prp1 = rh_iova(&rh, dbs);
	c.prp2 = rh_iova(&rh, eis) + 0x800;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert(rh_log_has(&rh, "EventIdx buffer PRP2"));
	/* and both reachable: one memory page each (§5.8) */
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DBBUF_CONFIG;
	c.prp1 = 0;
	c.prp2 = rh_iova(&rh, eis);
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert(rh_log_has(&rh, "shadow doorbell buffer page at 0x0 is not in mapped"));
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DBBUF_CONFIG;
	c.prp1 = rh_iova(&rh, dbs);
	c.prp2 = RH_IOVA + RH_MEM;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert(rh_log_has(&rh, "EventIdx buffer page at"));
	dbs[2] = 0x5555;
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DBBUF_CONFIG;
	c.prp1 = rh_iova(&rh, dbs);
	c.prp2 = rh_iova(&rh, eis);
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), 0);
	/* existing queues' shadows hold their current values; the admin queue's MMIO
	 * doorbells are mirrored into its shadow (Linux never writes admin shadows) */
	ck_assert_uint_eq(dbs[2], 0);
	ck_assert_uint_eq(dbs[3], 0);
	ck_assert_uint_eq(dbs[0], rh.sq[0].r.tail);
	ck_assert_uint_eq(dbs[1], rh.cq[0].r.head);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_CTRL, 0, buf), 0);
	ck_assert_uint_eq(dbs[0], rh.sq[0].r.tail);
	ck_assert_uint_eq(dbs[1], rh.cq[0].r.head);
	ck_assert_uint_eq(eis[0], rh.sq[0].r.tail);

	/* a controller reset ends it: the admin doorbell is no longer mirrored */
	rh_w32(&rh, NVMESIM_REG_CC, 0);
	ck_assert_int_eq(rh_wait_csts(&rh, 1, 0, 10000000000ull), 0);
	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	dbs[0] = 0xabcd;
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_CTRL, 0, buf), 0);
	ck_assert_uint_eq(dbs[0], 0xabcd);
}
END_TEST

/* I/O through shadows: MMIO only on the need-event rule, EventIdx = tail / head seen */
START_TEST(dbbuf_io)
{
	struct nvmesim_sqe c;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	dbs = rh_alloc(&rh, 4096);
	eis = rh_alloc(&rh, 4096);
	mmio_sq = mmio_cq = 0;
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 16, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), 0);
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DBBUF_CONFIG;
	c.prp1 = rh_iova(&rh, dbs);
	c.prp2 = rh_iova(&rh, eis);
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), 0);
	/* created after the config: uses its slots (4, 5) at once */
	ck_assert_uint_eq(rh_create_cq(&rh, 2, 16, true, 2), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 2, 2, 16, 0), 0);

	/* 4 commands, one MMIO: the controller has not seen tail 1 yet (EventIdx 0) */
	shadow_post(1, 4);
	ck_assert_uint_eq(mmio_sq, 1);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(eis[2], 4);            /* SQ EventIdx = the tail it read */
	ck_assert_uint_eq(eis[3], 0);            /* CQ EventIdx = head when it posted */
	ck_assert_uint_eq(shadow_cq_reap(1), 4);
	ck_assert_uint_eq(mmio_cq, 1);           /* head 4 passed EventIdx 0 */
	ck_assert_uint_eq(eis[3], 0);            /* written when the controller posts next */

	/* the next one rings (the controller caught up), the two after it do not */
	shadow_post(1, 3);
	ck_assert_uint_eq(mmio_sq, 2);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(eis[2], 7);
	ck_assert_uint_eq(eis[3], 4);            /* read at the first of the 3 posts */
	ck_assert_uint_eq(shadow_cq_reap(1), 3);
	ck_assert_uint_eq(mmio_cq, 2);

	/* a queue created after the config, across the ring's wrap */
	shadow_post(2, 10);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(shadow_cq_reap(2), 10);
	shadow_post(2, 10);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(shadow_cq_reap(2), 10);
	ck_assert_uint_eq(eis[4], 4);            /* 20 mod 16 */
	ck_assert_uint_eq(mmio_sq, 4);

	/* a shadow tail the doorbell rules reject is ignored with a diagnostic */
	rh_log_clear(&rh);
	dbs[2] = 100;
	rh_w32(&rh, rh_db(&rh, 1, 0), 100);
	rh_run(&rh, 100000);
	ck_assert(rh_log_has(&rh, "SQ1 shadow tail doorbell = 100"));
	ck_assert_uint_eq(eis[2], 7);
	ck_assert_ptr_null(nvmesim_hcq_peek(&rh.cq[1]));
	dbs[2] = 7;
	shadow_post(1, 1);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(eis[2], 8);
	ck_assert_uint_eq(shadow_cq_reap(1), 1);
}
END_TEST

/* profiles/virtualized.yaml: gen4-tlc but for the cost of an MMIO write */
START_TEST(virtualized_profile)
{
	struct nvmesim_profile v;
	struct nvmesim_diag diag;
	char path[1024];

	snprintf(path, sizeof(path), "%s/profiles/virtualized.yaml", NVMESIM_SRCDIR);
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(nvmesim_profile_load(&v, path, &diag) == 0, "%s", diag.msg);
	ck_assert_int_eq(nvmesim_profile_check(&v, NULL), 0);
	ck_assert_str_eq(v.name, "virtualized");
	ck_assert_uint_eq(v.host.mmio_ns, 5000);
	ck_assert_uint_eq(v.host.mmio_latency_ns, 3000);
	ck_assert_uint_eq(v.host.shadow_update_ns, 50);
	ck_assert_uint_eq(nvmesim_profile_default.host.shadow_update_ns, 30);
	/* everything else is the default drive and host */
	v.host.mmio_ns = nvmesim_profile_default.host.mmio_ns;
	v.host.mmio_latency_ns = nvmesim_profile_default.host.mmio_latency_ns;
	v.host.shadow_update_ns = nvmesim_profile_default.host.shadow_update_ns;
	ck_assert(memcmp(&v.host, &nvmesim_profile_default.host, sizeof(v.host)) == 0);
	ck_assert(memcmp(&v.pcie, &nvmesim_profile_default.pcie, sizeof(v.pcie)) == 0);
	ck_assert(memcmp(&v.ctrl, &nvmesim_profile_default.ctrl, sizeof(v.ctrl)) == 0);
	ck_assert(memcmp(&v.nand, &nvmesim_profile_default.nand, sizeof(v.nand)) == 0);
	ck_assert(memcmp(&v.cache, &nvmesim_profile_default.cache, sizeof(v.cache)) == 0);
	ck_assert_uint_eq(v.capacity_bytes, nvmesim_profile_default.capacity_bytes);
	/* and the setting exists by its dotted path */
	ck_assert_int_eq(nvmesim_profile_set(&v, "host.shadow_update", "70ns", NULL), 0);
	ck_assert_uint_eq(v.host.shadow_update_ns, 70);
}
END_TEST

static Suite *strategies_suite(void)
{
	Suite *s = suite_create("strategies");
	TCase *t;

	t = tcase_create("coalescing");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, coalesce_threshold);
	tcase_add_test(t, coalesce_time);
	tcase_add_test(t, coalesce_timed);
	suite_add_tcase(s, t);

	t = tcase_create("arbitration");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, wrr_urgent, 0, 2);
	tcase_add_test(t, wrr_weights);
	suite_add_tcase(s, t);

	t = tcase_create("dbbuf");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, dbbuf_config);
	tcase_add_test(t, dbbuf_io);
	tcase_add_test(t, virtualized_profile);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return nvmesim_test_run(strategies_suite());
}
