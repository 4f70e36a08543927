/* SPDX-License-Identifier: MIT */
/*
 * check_misbehave.c - a host that gets everything wrong.
 *
 * DESIGN.md contract 4: the host can never crash the simulator.  These tests
 * write bad doorbells, ring queues that do not exist, point PRPs and queues
 * outside host memory, use invalid queue ids and CC values, never consume
 * completions, unmap memory under a running controller and fire
 * deterministic storms of random register writes and random admin commands.
 * Each time the controller must answer as the spec says (status, event or
 * CSTS.CFS, plus a diagnostic) and keep working; Valgrind runs them too.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "tests/check-common.h"
#include "tests/rawhost.h"

#define DNR NVMESIM_DNR
#define CC_IO ((6u << 16) | (4u << 20))
#define RDY_NS 1000000ull

static struct rawhost rh;

static void setup(void)
{
	ck_assert_int_eq(rh_open(&rh, NULL), 0);
}

static void teardown(void)
{
	rh_close(&rh);
}

/* deterministic pseudo-random numbers (64-bit LCG, Knuth MMIX) */
static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static uint16_t keep_alive(void)
{
	struct nvmesim_sqe c = { 0 };

	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	return rh_cmd(&rh, &c, NULL);
}

/* Bring the controller back from whatever state: reset, wait, fresh admin queues. */
static void recover(void)
{
	memset(rh.sq_live, 0, sizeof(rh.sq_live));
	memset(rh.cq_live, 0, sizeof(rh.cq_live));
	rh.nr_stash = 0;
	rh_w32(&rh, NVMESIM_REG_CC, 0);
	ck_assert_int_eq(rh_wait_csts(&rh, 1, 0, 2 * RDY_NS), 0);
	ck_assert_int_eq(rh_enable(&rh, 16), 0);
	ck_assert_uint_eq(keep_alive(), 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS) & 2, 0);
}

static void flush_cmd(struct nvmesim_sqe *c)
{
	memset(c, 0, sizeof(*c));
	c->opcode = NVMESIM_NVM_FLUSH;
	c->nsid = 1;
}

START_TEST(register_storm)
{
	unsigned int i;
	uint32_t off;

	rng_state = 0x5eed + (uint64_t)_i;
	ck_assert_int_eq(rh_enable(&rh, 16), 0);
	for (i = 0; i < 3000; i++) {
		switch (rng() % 8) {
		case 0:         /* any register, any value, any alignment */
			rh_w32(&rh, rng() % 0x1100, rng());
			break;
		case 1:
			rh_w64(&rh, (rng() % 0x80) & ~7u, ((uint64_t)rng() << 32) | rng());
			break;
		case 2:
			(void)rh_r32(&rh, rng() % 0x2000);
			(void)rh_r64(&rh, rng() % 0x100);
			break;
		case 3:         /* CC with EN toggling and random fields */
			rh_w32(&rh, NVMESIM_REG_CC, rng() & 0x01fffff1);
			break;
		case 4:
			rh_w32(&rh, NVMESIM_REG_NSSR, rng() % 4 ? rng() : NVMESIM_NSSR_RESET);
			break;
		default:        /* doorbells: valid strides and not */
			off = 0x1000 + rng() % 0x220;
			rh_w32(&rh, off, rng() % 3 ? rng() % 32 : rng());
			break;
		}
		if (rng() % 16 == 0)
			rh_run(&rh, rng() % 3000000);
	}
	ck_assert_uint_gt(rh.nr_diag, 100);
	recover();
}
END_TEST

START_TEST(command_storm)
{
	static const uint8_t ops[] = { 0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0a,
				       0x18, 0x7c, 0x80, 0x33 };
	uint8_t *scratch;
	uint64_t base;
	struct nvmesim_sqe c;
	unsigned int i;
	uint16_t st;

	rng_state = 0xc0ffee + (uint64_t)_i;
	ck_assert_int_eq(rh_enable(&rh, 16), 0);
	scratch = rh_alloc(&rh, 1 << 20);
	base = rh_iova(&rh, scratch);
	for (i = 0; i < 400; i++) {
		memset(&c, 0, sizeof(c));
		c.opcode = ops[rng() % NVMESIM_ARRAY_SIZE(ops)];
		c.nsid = rng() % 4 ? rng() % 4 : rng();
		switch (rng() % 4) {
		case 0:
			c.prp1 = base + (rng() % 256) * 4096;
			break;
		case 1:
			c.prp1 = base + rng() % (1 << 20);
			break;
		case 2:
			c.prp1 = ((uint64_t)rng() << 32) | rng();
			break;
		default:
			c.prp1 = 0;
			break;
		}
		c.prp2 = rng() % 2 ? base + (rng() % 256) * 4096 : ((uint64_t)rng() << 20);
		c.cdw10 = rng() % 2 ? rng() : (rng() % 8) | ((rng() % 16) << 16);
		c.cdw11 = rng() % 2 ? rng() : 1u | ((rng() % 4) << 16);
		c.cdw12 = rng() % 4 ? 0 : rng();
		c.cdw13 = rng() % 4 ? 0 : rng();
		c.flags = rng() % 8 ? 0 : (uint8_t)rng();
		st = rh_cmd(&rh, &c, NULL);
		ck_assert_msg(st != 0xffff, "command %u (opcode 0x%02x) never completed", i,
			      c.opcode);
		ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 1);
	}
	/* random queues may exist now; the controller still answers */
	ck_assert_uint_eq(keep_alive(), 0);
}
END_TEST

START_TEST(prp_outside_memory)
{
	struct nvmesim_sqe c = { 0 };
	uint8_t *buf;

	ck_assert_int_eq(rh_enable(&rh, 16), 0);
	buf = rh_alloc(&rh, 8192);
	c.opcode = NVMESIM_ADM_IDENTIFY;
	c.cdw10 = NVMESIM_CNS_CTRL;
	c.prp1 = 0x7000000000ull;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_DATA_XFER_ERROR);
	c.cid = 0;
	c.prp1 = rh_iova(&rh, buf) + 2;          /* not dword aligned */
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_PRP_OFFSET | DNR);
	c.cid = 0;
	c.prp1 = rh_iova(&rh, buf) + 2048;       /* spills into PRP2 ... */
	c.prp2 = 0x7000000000ull;                /* ... which is not mapped */
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_DATA_XFER_ERROR);
	c.cid = 0;
	c.prp2 = rh_iova(&rh, buf) + 4096 + 8;   /* ... or not a page */
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_PRP_OFFSET | DNR);
	c.cid = 0;
	c.prp1 = RH_IOVA + RH_MEM - 2048;        /* runs off the end of host memory */
	c.prp2 = RH_IOVA + RH_MEM;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_DATA_XFER_ERROR);
	ck_assert(rh_log_has(&rh, "not in host memory mapped for DMA"));
	ck_assert(rh_log_has(&rh, "Data Transfer Error"));
	c.cid = 0;
	c.prp1 = rh_iova(&rh, buf) + 2048;
	c.prp2 = rh_iova(&rh, buf) + 4096;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), 0);
	ck_assert_uint_eq(buf[2048], 0x1d);      /* VID */
}
END_TEST

START_TEST(admin_sq_unmapped)
{
	struct nvmesim_sqe c = { 0 };

	rh_admin_setup(&rh, 8);
	rh_w64(&rh, NVMESIM_REG_ASQ, 0x7000000000ull);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 2 * RDY_NS), 0);   /* enable cannot tell */
	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	rh_submit(&rh, 0, &c);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 3);         /* RDY | CFS */
	ck_assert(rh_log_has(&rh, "cannot be fetched"));
	ck_assert(rh_log_has(&rh, "-> CSTS.CFS"));
	rh_log_clear(&rh);
	rh_w32(&rh, rh_db(&rh, 0, 0), 2);
	ck_assert(rh_log_has(&rh, "CSTS.CFS=1"));
	/* a reset clears it */
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 0, 2 * RDY_NS), 0);
	recover();
}
END_TEST

START_TEST(admin_cq_unmapped)
{
	struct nvmesim_sqe c = { 0 };

	rh_admin_setup(&rh, 8);
	rh_w64(&rh, NVMESIM_REG_ACQ, RH_IOVA + RH_MEM);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 2 * RDY_NS), 0);
	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), 0xffff);            /* never answered */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 3);
	ck_assert(rh_log_has(&rh, "cannot be posted"));
	recover();
}
END_TEST

START_TEST(unmap_under_running_controller)
{
	struct nvmesim_sqe c;

	ck_assert_int_eq(rh_enable(&rh, 16), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 16, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), 0);
	flush_cmd(&c);
	ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), 0);
	ck_assert_int_eq(rh.end->ops->dma_unmap(rh.end, RH_IOVA, RH_MEM), 0);
	flush_cmd(&c);
	rh_submit(&rh, 1, &c);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS) & 2, 2);
	ck_assert_int_eq(rh.end->ops->dma_unmap(rh.end, RH_IOVA, RH_MEM), -ENOENT);
	ck_assert_int_eq(rh.end->ops->dma_map(rh.end, nvmesim_hostmem_base(rh.hm), RH_MEM,
					      RH_IOVA), 0);
	recover();
}
END_TEST

START_TEST(queue_misuse)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint16_t aer;

	ck_assert_int_eq(rh_enable(&rh, 16), 0);
	/* SQ before its CQ, the same queue twice, the CQ deleted before its SQ */
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), NVMESIM_SC_CQ_INVALID | DNR);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 16, true, 1), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 16, true, 1), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), NVMESIM_SC_INVALID_QUEUE_DELETION);
	ck_assert_uint_eq(rh_delete_sq(&rh, 1), 0);
	/* a doorbell of the deleted SQ: Write to Invalid Doorbell Register */
	aer = rh_aer(&rh);
	rh_run(&rh, 1000);
	rh_w32(&rh, rh_db(&rh, 1, 0), 1);
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer, &e, 1000000), 0);
	ck_assert_uint_eq(e.dw0, NVMESIM_AER_RESULT(0, NVMESIM_AER_ERR_INVALID_DB, 1));
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), 0);
	/* the admin queue cannot be created or deleted */
	ck_assert_uint_eq(rh_delete_sq(&rh, 0), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_cq(&rh, 0), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_create_cq(&rh, 0, 16, true, 0), NVMESIM_SC_INVALID_QID | DNR);
	/* I/O commands the NVM command set rejects still complete */
	ck_assert_uint_eq(rh_create_cq(&rh, 2, 16, false, 0), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 2, 2, 16, 0), 0);
	flush_cmd(&c);
	c.nsid = 77;
	ck_assert_uint_eq(NVMESIM_STATUS_CODE(rh_io(&rh, 2, &c, NULL)), NVMESIM_SC_INVALID_NS);
	ck_assert_uint_eq(keep_alive(), 0);
}
END_TEST

START_TEST(bad_cc_sweep)
{
	unsigned int css, ams, mps;
	uint32_t cc;
	bool ok;

	rh_w32(&rh, NVMESIM_REG_AQA, 0x00030003);
	rh_w64(&rh, NVMESIM_REG_ASQ, 0x200000000ull);
	rh_w64(&rh, NVMESIM_REG_ACQ, 0x200010000ull);
	for (css = 0; css < 8; css++) {
		for (ams = 0; ams < 8; ams++) {
			for (mps = 0; mps < 16; mps += 3) {
				cc = CC_IO | (css << 4) | (ams << 11) | (mps << 7);
				ok = css == 0 && ams <= 1 && mps <= 4;
				rh_w32(&rh, NVMESIM_REG_CC, cc | 1);
				if (ok) {
					ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 2 * RDY_NS), 0);
				} else {
					ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 2);
				}
				rh_w32(&rh, NVMESIM_REG_CC, cc);
				ck_assert_int_eq(rh_wait_csts(&rh, 3, 0, 2 * RDY_NS), 0);
			}
		}
	}
}
END_TEST

START_TEST(enable_without_waiting)
{
	rh_admin_setup(&rh, 8);
	/* EN=1 with AQA never written is caught */
	rh_w32(&rh, NVMESIM_REG_AQA, 0);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 2);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO);
	rh_w32(&rh, NVMESIM_REG_AQA, 0x00070007);
	/* EN 1 -> 0 -> 1 without waiting for RDY in between */
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 2 * RDY_NS), 0);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	ck_assert(rh_log_has(&rh, "while CSTS.RDY=1"));
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 2 * RDY_NS), 0);
	rh_run(&rh, 3 * RDY_NS);    /* the stale RDY=0 event must not fire */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 1);
	ck_assert_uint_eq(keep_alive(), 0);
}
END_TEST

START_TEST(doorbell_when_not_ready)
{
	struct nvmesim_sqe c = { 0 };

	rh_w32(&rh, rh_db(&rh, 0, 0), 1);
	ck_assert(rh_log_has(&rh, "while CC.EN=0"));
	rh_admin_setup(&rh, 8);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	rh_log_clear(&rh);
	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	rh_post(&rh, 0, &c);
	nvmesim_hsq_ring(&rh.sq[0], rh.end);
	ck_assert(rh_log_has(&rh, "while CSTS.RDY=0"));
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 2 * RDY_NS), 0);
	/* the write was dropped; the host rings again (same value: now valid) */
	rh_w32(&rh, rh_db(&rh, 0, 0), 1);
	rh_run(&rh, 100000);
	ck_assert_ptr_nonnull(nvmesim_hcq_peek(&rh.cq[0]));
	/* reserved doorbell bits are reported, bits 15:0 used */
	c.cid = 0;
	rh_post(&rh, 0, &c);
	rh_log_clear(&rh);
	rh_w32(&rh, rh_db(&rh, 0, 0), 0xabcd0002);
	ck_assert(rh_log_has(&rh, "bits 31:16 are reserved"));
	rh_run(&rh, 100000);
	ck_assert_uint_eq(rh.cq[0].cqes[1].cid, c.cid);
}
END_TEST

START_TEST(cq_never_consumed)
{
	struct nvmesim_cqe e, snap[4];
	struct nvmesim_sqe c;
	uint16_t cids[6];
	unsigned int i;

	ck_assert_int_eq(rh_enable(&rh, 4), 0);
	for (i = 0; i < 3; i++) {
		memset(&c, 0, sizeof(c));
		c.opcode = NVMESIM_ADM_KEEP_ALIVE;
		cids[i] = rh_post(&rh, 0, &c);
	}
	nvmesim_hsq_ring(&rh.sq[0], rh.end);
	rh_run(&rh, 1000000);
	/* the host reads SQHD from the CQEs but never frees CQ entries */
	nvmesim_hsq_update_head(&rh.sq[0], rh.cq[0].cqes[2].sqhd);
	for (i = 3; i < 6; i++) {
		memset(&c, 0, sizeof(c));
		c.opcode = NVMESIM_ADM_KEEP_ALIVE;
		cids[i] = rh_post(&rh, 0, &c);
	}
	nvmesim_hsq_ring(&rh.sq[0], rh.end);
	memcpy(snap, rh.cq[0].cqes, sizeof(snap));
	rh_run(&rh, 10000000);
	ck_assert_int_eq(memcmp(snap, rh.cq[0].cqes, sizeof(snap)), 0);
	ck_assert_uint_eq(snap[3].status, 0);
	ck_assert(rh_log_has(&rh, "CQ0 is full"));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 1);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(rh_reap(&rh, 0, &e, 1000000), 0);
		ck_assert_uint_eq(e.cid, cids[i]);
		ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), 0);
	}
}
END_TEST

START_TEST(io_cq_of_two)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint16_t cids[15];
	unsigned int i;

	ck_assert_int_eq(rh_enable(&rh, 16), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 2, true, 1), 0);   /* one usable entry */
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), 0);
	for (i = 0; i < 15; i++) {
		flush_cmd(&c);
		cids[i] = rh_post(&rh, 1, &c);
	}
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	for (i = 0; i < 15; i++) {
		ck_assert_int_eq(rh_reap(&rh, 1, &e, 1000000), 0);
		ck_assert_uint_eq(e.cid, cids[i]);
		ck_assert_uint_eq(e.sqhd, 15);     /* everything was fetched at once */
	}
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 1000000), -ETIMEDOUT);
}
END_TEST

static Suite *misbehave_suite(void)
{
	Suite *s = suite_create("misbehave");
	TCase *t;

	t = tcase_create("storms");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, register_storm, 0, 3);
	tcase_add_loop_test(t, command_storm, 0, 3);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);

	t = tcase_create("memory");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, prp_outside_memory);
	tcase_add_test(t, admin_sq_unmapped);
	tcase_add_test(t, admin_cq_unmapped);
	tcase_add_test(t, unmap_under_running_controller);
	suite_add_tcase(s, t);

	t = tcase_create("protocol");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, queue_misuse);
	tcase_add_test(t, bad_cc_sweep);
	tcase_add_test(t, enable_without_waiting);
	tcase_add_test(t, doorbell_when_not_ready);
	tcase_add_test(t, cq_never_consumed);
	tcase_add_test(t, io_cq_of_two);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return nvmesim_test_run(misbehave_suite());
}
