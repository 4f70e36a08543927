/* SPDX-License-Identifier: MIT */
/*
 * check_admin.c - every admin command of the simulated controller and every
 * status it can return: Identify, Create/Delete I/O SQ/CQ, Get/Set Features,
 * Get Log Page, Asynchronous Event Request, Abort, Keep Alive, unknown
 * opcodes.  Statuses are asserted exactly (SCT, SC and DNR).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "tests/check-common.h"
#include "tests/rawhost.h"

#define DNR NVMESIM_DNR

static struct rawhost rh;

static void open_enable(const struct nvmesim_sim_opts *o)
{
	ck_assert_int_eq(rh_open(&rh, o), 0);
	ck_assert_int_eq(rh_enable(&rh, 16), 0);
}

static void setup(void)
{
	open_enable(NULL);
}

static void teardown(void)
{
	rh_close(&rh);
}

static void reopen(const struct nvmesim_sim_opts *o)
{
	rh_close(&rh);
	open_enable(o);
}

static void flush_cmd(struct nvmesim_sqe *c)
{
	memset(c, 0, sizeof(*c));
	c->opcode = NVMESIM_NVM_FLUSH;
	c->nsid = 1;
}

static uint16_t simple(uint8_t opcode, uint32_t nsid, uint32_t cdw10, uint32_t cdw11,
		       uint32_t *dw0)
{
	struct nvmesim_sqe c = { 0 };
	struct nvmesim_cqe e;
	uint16_t st;

	c.opcode = opcode;
	c.nsid = nsid;
	c.cdw10 = cdw10;
	c.cdw11 = cdw11;
	st = rh_cmd(&rh, &c, &e);
	if (dw0)
		*dw0 = e.dw0;
	return st;
}

/* ---- Identify -------------------------------------------------------------- */

START_TEST(identify_ctrl)
{
	struct nvmesim_id_ctrl id;

	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_CTRL, 0, &id), 0);
	ck_assert_uint_eq(id.vid, 0x1d1d);
	ck_assert_uint_eq(id.ssvid, 0x1d1d);
	ck_assert_int_eq(memcmp(id.sn, "NVMESIM0001         ", 20), 0);
	ck_assert_int_eq(memcmp(id.mn, "nvmesim simulated controller            ", 40), 0);
	ck_assert_int_eq(memcmp(id.fr, NVMESIM_VERSION_STRING, strlen(NVMESIM_VERSION_STRING)),
			 0);
	ck_assert_uint_eq(id.mdts, 5);
	ck_assert_uint_eq(id.cntlid, 1);
	ck_assert_uint_eq(id.ver, 0x00020000);
	ck_assert_uint_eq(id.cntrltype, 1);
	ck_assert_uint_eq(id.acl, 3);
	ck_assert_uint_eq(id.aerl, 3);
	ck_assert_uint_eq(id.elpe, 63);
	ck_assert_uint_eq(id.lpa, 0x04);
	ck_assert_uint_eq(id.sqes, 0x66);
	ck_assert_uint_eq(id.cqes, 0x44);
	ck_assert_uint_eq(id.maxcmd, 1024);
	ck_assert_uint_eq(id.nn, 1);
	ck_assert_uint_eq(id.oncs, NVMESIM_ONCS_COMPARE | NVMESIM_ONCS_DSM |
			  NVMESIM_ONCS_WRITE_ZEROES | 0x10);
	ck_assert_uint_eq(id.vwc, 1);
	ck_assert_uint_eq(id.oacs, NVMESIM_OACS_DBBUF);
	ck_assert_uint_eq(id.tnvmcap[0], 0);
	ck_assert_uint_eq(id.tnvmcap[5], 1);            /* 2^31 * 512 = 2^40 */
	ck_assert_str_eq(id.subnqn, "nqn.2026-11.org.nvmesim:sim-NVMESIM0001");
	ck_assert_uint_eq(id.psd[0].mp, 2500);
	ck_assert_uint_eq(id.rtd3e, 2000);
	ck_assert_uint_eq(id.wctemp, 343);
}
END_TEST

static void three_ns(void)
{
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;

	o.nr_ns = 3;
	o.ns[1].nsze = 0;                  /* NSID 2 inactive */
	o.ns[2].nsze = 1000;
	o.ns[2].lba_shift = 12;
	reopen(&o);
}

START_TEST(identify_ns)
{
	union {
		struct nvmesim_id_ns ns;
		uint8_t b[4096];
		uint32_t list[1024];
	} buf;
	unsigned int i;

	three_ns();
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS, 1, &buf), 0);
	ck_assert_uint_eq(buf.ns.nsze, 1ull << 31);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS, 3, &buf), 0);
	ck_assert_uint_eq(buf.ns.nsze, 1000);
	memset(&buf, 0xaa, sizeof(buf));
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS, 2, &buf), 0);
	for (i = 0; i < 4096 && !buf.b[i]; i++)
		;
	ck_assert_uint_eq(i, 4096);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS, 0, &buf), NVMESIM_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS, 4, &buf), NVMESIM_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS, 0xffffffff, &buf),
			  NVMESIM_SC_INVALID_NS | DNR);
	ck_assert(rh_log_has(&rh, "Invalid Namespace or Format"));
}
END_TEST

START_TEST(identify_ns_list)
{
	uint32_t list[1024];

	three_ns();
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_ACTIVE_LIST, 0, list), 0);
	ck_assert_uint_eq(list[0], 1);
	ck_assert_uint_eq(list[1], 3);
	ck_assert_uint_eq(list[2], 0);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_ACTIVE_LIST, 1, list), 0);
	ck_assert_uint_eq(list[0], 3);
	ck_assert_uint_eq(list[1], 0);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_ACTIVE_LIST, 3, list), 0);
	ck_assert_uint_eq(list[0], 0);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_ACTIVE_LIST, 0xfffffffe, list),
			  NVMESIM_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_ACTIVE_LIST, 0xffffffff, list),
			  NVMESIM_SC_INVALID_NS | DNR);
}
END_TEST

START_TEST(identify_desc_list)
{
	uint8_t b[4096];
	unsigned int off = 0;
	bool csi = false, uniq = false;

	three_ns();
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_DESC_LIST, 1, b), 0);
	while (off + 4 <= sizeof(b) && b[off]) {
		if (b[off] == 4) {
			ck_assert_uint_eq(b[off + 1], 1);
			ck_assert_uint_eq(b[off + 4], 0);
			csi = true;
		}
		if (b[off] == 1 || b[off] == 2)
			uniq = true;
		off += 4 + b[off + 1];
	}
	ck_assert(csi);
	ck_assert(uniq);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_DESC_LIST, 2, b),
			  NVMESIM_SC_INVALID_NS | DNR);
	ck_assert_uint_eq(rh_identify(&rh, NVMESIM_CNS_NS_DESC_LIST, 0, b),
			  NVMESIM_SC_INVALID_NS | DNR);
}
END_TEST

START_TEST(identify_bad_cns)
{
	static const uint8_t cns[] = { 0x04, 0x05, 0x10, 0x12, 0x1f, 0xff };
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(cns); i++)
		ck_assert_uint_eq(rh_identify(&rh, cns[i], 1, NULL),
				  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert(rh_log_has(&rh, "Identify CNS 0xff is not supported"));
}
END_TEST

/* ---- Create I/O CQ / SQ ----------------------------------------------------- */

enum { MEM_OK, MEM_MISALIGNED, MEM_UNMAPPED, MEM_PARTIAL };

struct q_case {
	uint8_t opcode;
	uint32_t cdw10;
	uint32_t cdw11;
	int mem;
	uint16_t status;
	const char *diag;
};

#define QS(n) ((uint32_t)(n) << 16)
#define CQ_FLAGS(ien, iv) (1u | ((ien) ? 2u : 0u) | ((uint32_t)(iv) << 16))
#define SQ_FLAGS(cqid, prio) (1u | ((uint32_t)(prio) << 1) | ((uint32_t)(cqid) << 16))

static const struct q_case q_cases[] = {
	/* Create I/O CQ (§5.4); CQ 1 and SQ 1 exist */
	{ NVMESIM_ADM_CREATE_CQ, 0 | QS(7), CQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QID | DNR, "QID 0 is the admin CQ" },
	{ NVMESIM_ADM_CREATE_CQ, 65 | QS(7), CQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QID | DNR, "above the I/O CQs granted" },
	{ NVMESIM_ADM_CREATE_CQ, 1 | QS(7), CQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QID | DNR, "CQ already exists" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(0), CQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QSIZE | DNR, "QSIZE 0" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(1024), CQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QSIZE | DNR, "QSIZE 1024" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(7), CQ_FLAGS(1, 64), MEM_OK,
	  NVMESIM_SC_INVALID_VECTOR | DNR, "IV 64" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(7), CQ_FLAGS(0, 0xffff), MEM_OK,
	  NVMESIM_SC_INVALID_VECTOR | DNR, "IV 65535" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(7), CQ_FLAGS(1, 0) & ~1u, MEM_OK,
	  NVMESIM_SC_INVALID_FIELD | DNR, "PC=0 but CAP.CQR=1" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(7), CQ_FLAGS(1, 0), MEM_MISALIGNED,
	  NVMESIM_SC_INVALID_PRP_OFFSET | DNR, "non-zero offset" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(7), CQ_FLAGS(1, 0), MEM_UNMAPPED,
	  NVMESIM_SC_INVALID_FIELD | DNR, "not wholly in mapped host memory" },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(1023), CQ_FLAGS(1, 0), MEM_PARTIAL,
	  NVMESIM_SC_INVALID_FIELD | DNR, "not wholly in mapped host memory" },
	{ NVMESIM_ADM_CREATE_CQ, 64 | QS(1023), CQ_FLAGS(1, 63), MEM_OK, 0, NULL },
	{ NVMESIM_ADM_CREATE_CQ, 2 | QS(1), CQ_FLAGS(0, 0), MEM_OK, 0, NULL },
	/* Create I/O SQ (§5.5) */
	{ NVMESIM_ADM_CREATE_SQ, 0 | QS(7), SQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QID | DNR, "QID 0 is the admin SQ" },
	{ NVMESIM_ADM_CREATE_SQ, 65 | QS(7), SQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QID | DNR, "above the I/O SQs granted" },
	{ NVMESIM_ADM_CREATE_SQ, 1 | QS(7), SQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QID | DNR, "SQ already exists" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(0), SQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QSIZE | DNR, "QSIZE 0" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(0xffff), SQ_FLAGS(1, 0), MEM_OK,
	  NVMESIM_SC_INVALID_QSIZE | DNR, "QSIZE 65535" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(7), SQ_FLAGS(0, 0), MEM_OK,
	  NVMESIM_SC_CQ_INVALID | DNR, "CQID 0" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(7), SQ_FLAGS(9, 0), MEM_OK,
	  NVMESIM_SC_CQ_INVALID | DNR, "no such I/O CQ" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(7), SQ_FLAGS(0xffff, 0), MEM_OK,
	  NVMESIM_SC_CQ_INVALID | DNR, "CQID 65535" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(7), SQ_FLAGS(1, 0) & ~1u, MEM_OK,
	  NVMESIM_SC_INVALID_FIELD | DNR, "PC=0 but CAP.CQR=1" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(7), SQ_FLAGS(1, 0), MEM_MISALIGNED,
	  NVMESIM_SC_INVALID_PRP_OFFSET | DNR, "non-zero offset" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(7), SQ_FLAGS(1, 0), MEM_UNMAPPED,
	  NVMESIM_SC_INVALID_FIELD | DNR, "not wholly in mapped host memory" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(255), SQ_FLAGS(1, 0), MEM_PARTIAL,
	  NVMESIM_SC_INVALID_FIELD | DNR, "not wholly in mapped host memory" },
	{ NVMESIM_ADM_CREATE_SQ, 2 | QS(1023), SQ_FLAGS(1, 3), MEM_OK, 0, NULL },
	{ NVMESIM_ADM_CREATE_SQ, 64 | QS(1), SQ_FLAGS(1, 1), MEM_OK, 0, NULL },
};

START_TEST(create_queue)
{
	const struct q_case *q = &q_cases[_i];
	struct nvmesim_sqe c = { 0 };
	void *mem;

	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
	mem = rh_alloc(&rh, 1024 * 64);
	c.opcode = q->opcode;
	c.cdw10 = q->cdw10;
	c.cdw11 = q->cdw11;
	switch (q->mem) {
	case MEM_OK:
		c.prp1 = rh_iova(&rh, mem);
		break;
	case MEM_MISALIGNED:
		c.prp1 = rh_iova(&rh, mem) + 0x800;
		break;
	case MEM_UNMAPPED:
		c.prp1 = 0x7000000000ull;
		break;
	case MEM_PARTIAL:
		c.prp1 = RH_IOVA + RH_MEM - 4096;
		break;
	}
	rh_log_clear(&rh);
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), q->status);
	if (q->diag)
		ck_assert_msg(rh_log_has(&rh, q->diag), "no \"%s\" in:\n%s", q->diag,
			      rh.log ? rh.log : "");
	else
		ck_assert_uint_eq(rh.nr_diag, 0);
}
END_TEST

START_TEST(create_queue_granted)
{
	uint32_t dw0;

	/* one I/O queue pair granted: QID 2 is beyond it */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 2, 8, true, 1), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 2, 1, 8, 0), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
	/* Number of Queues after queue creation: Command Sequence Error */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0x00030003, &dw0),
			  NVMESIM_SC_CMD_SEQ_ERROR);
	ck_assert(rh_log_has(&rh, "Command Sequence Error"));
}
END_TEST

START_TEST(create_queue_entry_size)
{
	/* CC.IOSQES/IOCQES left 0 at enable: I/O queues cannot be created */
	rh_close(&rh);
	ck_assert_int_eq(rh_open(&rh, NULL), 0);
	rh_admin_setup(&rh, 8);
	rh_w32(&rh, NVMESIM_REG_CC, 1);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, 1, 10000000), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert(rh_log_has(&rh, "CC.IOCQES=0"));
}
END_TEST

/* ---- Delete I/O SQ / CQ ----------------------------------------------------- */

START_TEST(delete_queues)
{
	ck_assert_uint_eq(rh_delete_sq(&rh, 0), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_sq(&rh, 1), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_sq(&rh, 0xffff), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_cq(&rh, 0), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_cq(&rh, 0xffff), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 2, 1, 8, 0), 0);
	/* §5.6: a CQ with SQs cannot go (no DNR: it can once they are deleted) */
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), NVMESIM_SC_INVALID_QUEUE_DELETION);
	ck_assert_uint_eq(rh_delete_sq(&rh, 1), 0);
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), NVMESIM_SC_INVALID_QUEUE_DELETION);
	ck_assert_uint_eq(rh_delete_sq(&rh, 2), 0);
	ck_assert_uint_eq(rh_delete_sq(&rh, 2), NVMESIM_SC_INVALID_QID | DNR);
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), 0);
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), NVMESIM_SC_INVALID_QID | DNR);
	/* the QIDs can be used again */
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
}
END_TEST

START_TEST(delete_sq_aborts_commands)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint16_t cids[4];
	unsigned int i;

	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
	for (i = 0; i < 4; i++) {
		flush_cmd(&c);
		cids[i] = rh_post(&rh, 1, &c);
	}
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	rh_run(&rh, 1000);                 /* fetched, completions 10 us away */
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DELETE_SQ;
	c.cdw10 = 1;
	rh_submit(&rh, 0, &c);
	rh_run(&rh, 1000);
	/* aborted before the deletion completes, in fetch order */
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), 0);
		ck_assert_uint_eq(e.cid, cids[i]);
		ck_assert_uint_eq(e.sqid, 1);
		ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), NVMESIM_SC_ABORT_SQ_DELETED);
	}
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, c.cid, &e, 1000000), 0);
	ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), 0);
	/* and never completed a second time */
	rh_run(&rh, 1000000);
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), -ETIMEDOUT);
	rh.sq_live[1] = false;
	ck_assert_uint_eq(rh_delete_cq(&rh, 1), 0);
}
END_TEST

/* ---- Features ------------------------------------------------------------------ */

START_TEST(features_values)
{
	uint32_t dw0;

	/* Arbitration: current, default, saved (= default, nothing is saveable), caps */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_ARBITRATION, 0x03020107, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ARBITRATION, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x03020107);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ARBITRATION, 1, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ARBITRATION, 2, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ARBITRATION, 3, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x4);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ARBITRATION, 4, 0, &dw0),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ARBITRATION, 7, 0, &dw0),
			  NVMESIM_SC_INVALID_FIELD | DNR);

	/* Power Management: only PS 0 */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_POWER_MGMT, 1, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_POWER_MGMT, 0x20, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_POWER_MGMT, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x20);

	/* Temperature Threshold: composite, over and under */
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 343);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, 350, NULL), 0);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, (1u << 20) | 270, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 350);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, 0, 1u << 20, &dw0), 0);
	ck_assert_uint_eq(dw0, (1u << 20) | 270);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, (1u << 16) | 300, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, (2u << 20) | 300, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);

	/* Error Recovery */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_ERR_RECOVERY, 1u << 16, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_ERR_RECOVERY, 100, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ERR_RECOVERY, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 100);

	/* Volatile Write Cache */
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_VOLATILE_WC, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 1);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_VOLATILE_WC, 0, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_VOLATILE_WC, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_VOLATILE_WC, 1, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 1);

	/* Interrupt Coalescing, Write Atomicity Normal, Async Event Configuration */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 0x0a05, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_IRQ_COALESCE, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x0a05);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_WRITE_ATOMIC, 1, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_WRITE_ATOMIC, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 1);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_ASYNC_EVENT, 0x3, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ASYNC_EVENT, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x3);

	/* Interrupt Vector Configuration */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_CONFIG, 64, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_IRQ_CONFIG, (1u << 16) | 5, NULL), 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_IRQ_CONFIG, 0, 5, &dw0), 0);
	ck_assert_uint_eq(dw0, (1u << 16) | 5);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_IRQ_CONFIG, 0, 6, &dw0), 0);
	ck_assert_uint_eq(dw0, 6);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_IRQ_CONFIG, 0, 64, &dw0),
			  NVMESIM_SC_INVALID_FIELD | DNR);
}
END_TEST

START_TEST(features_num_queues)
{
	uint32_t dw0;

	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x003f003f);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0x0000ffff, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0xffff0000, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	/* NSQA/NCQA = min(requested, maximum), both 0's based */
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, (200u << 16) | 3, &dw0), 0);
	ck_assert_uint_eq(dw0, (63u << 16) | 3);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, (63u << 16) | 3);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 1, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x003f003f);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0, NULL),
			  NVMESIM_SC_CMD_SEQ_ERROR);
}
END_TEST

START_TEST(features_unsupported)
{
	static const uint8_t fids[] = { 0x00, 0x03, 0x0c, 0x0d, 0x0f, 0x7f, 0x80, 0xc0, 0xff };
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(fids); i++) {
		ck_assert_uint_eq(rh_set_feat(&rh, fids[i], 0, NULL),
				  NVMESIM_SC_INVALID_FIELD | DNR);
		ck_assert_uint_eq(rh_get_feat(&rh, fids[i], 0, 0, NULL),
				  NVMESIM_SC_INVALID_FIELD | DNR);
	}
	/* SV=1: nothing is saveable */
	ck_assert_uint_eq(simple(NVMESIM_ADM_SET_FEATURES, 0, (1u << 31) |
				 NVMESIM_FEAT_ARBITRATION, 0, NULL),
			  NVMESIM_SC_FEAT_NOT_SAVEABLE | DNR);
	/* no volatile write cache: the feature does not exist */
	o.vwc = false;
	reopen(&o);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_VOLATILE_WC, 1, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_VOLATILE_WC, 0, 0, NULL),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert(rh_log_has(&rh, "no volatile write cache"));
}
END_TEST

START_TEST(features_temperature_event)
{
	struct nvmesim_smart_log s;
	struct nvmesim_cqe e;
	uint16_t aer;

	aer = rh_aer(&rh);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_ASYNC_EVENT, 0x2, NULL), 0);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_TEMP_THRESH, 300, NULL), 0);
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer, &e, 1000000), 0);
	ck_assert_uint_eq(e.dw0, NVMESIM_AER_RESULT(NVMESIM_AER_TYPE_SMART, 1, NVMESIM_LOG_SMART));
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0, &s, sizeof(s), 0, false), 0);
	ck_assert_uint_eq(s.critical_warning, 0x2);
}
END_TEST

/* ---- Get Log Page ------------------------------------------------------------- */

START_TEST(log_smart)
{
	struct nvmesim_smart_log s;
	struct nvmesim_sqe c = { 0 };
	uint64_t v;
	void *data;

	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
	data = rh_alloc(&rh, 4096);
	c.opcode = NVMESIM_NVM_WRITE;
	c.nsid = 1;
	c.prp1 = rh_iova(&rh, data);
	c.cdw12 = 7;                       /* 8 blocks */
	ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), 0);
	c.cid = 0;
	c.opcode = NVMESIM_NVM_READ;
	ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), 0);
	c.cid = 0;
	ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), 0);
	c.cid = 0;
	c.opcode = 0x7f;                   /* fails: one error log entry */
	ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), NVMESIM_SC_INVALID_OPCODE | DNR);
	rh_run(&rh, 2 * 3600000000000ull);

	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0, &s, sizeof(s), 0, false), 0);
	ck_assert_uint_eq(s.temperature, 313);
	ck_assert_uint_eq(s.avail_spare, 100);
	ck_assert_uint_eq(s.critical_warning, 0);
	memcpy(&v, s.host_writes, 8);
	ck_assert_uint_eq(v, 1);
	memcpy(&v, s.host_reads, 8);
	ck_assert_uint_eq(v, 2);
	memcpy(&v, s.data_units_written, 8);
	ck_assert_uint_eq(v, 1);           /* 8 units of 512 bytes, in thousands rounded up */
	memcpy(&v, s.data_units_read, 8);
	ck_assert_uint_eq(v, 1);
	memcpy(&v, s.power_cycles, 8);
	ck_assert_uint_eq(v, 1);
	memcpy(&v, s.power_on_hours, 8);
	ck_assert_uint_eq(v, 2);
	memcpy(&v, s.num_err_log_entries, 8);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0xffffffff, &s, 512, 0, false), 0);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 1, &s, 512, 0, false),
			  NVMESIM_SC_INVALID_FIELD | DNR);
}
END_TEST

START_TEST(log_errors_and_offsets)
{
	struct nvmesim_error_log_entry log[64];
	uint8_t smart[512], part[256], fw[512];
	struct nvmesim_sqe c = { 0 };
	uint16_t cid;

	/* a failed admin command is logged with its SQ, CID and status */
	c.opcode = 0x7f;
	cid = rh_submit(&rh, 0, &c);
	rh_run(&rh, 100000);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, log, sizeof(log), 0, false), 0);
	ck_assert_uint_eq(log[0].error_count, 1);
	ck_assert_uint_eq(log[0].sqid, 0);
	ck_assert_uint_eq(log[0].cid, cid);
	ck_assert_uint_eq(log[0].status, (NVMESIM_SC_INVALID_OPCODE | DNR) << 1);
	ck_assert_uint_eq(log[0].param_loc, 0);

	/* offsets: dword aligned, inside the log */
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0, smart, 512, 0, true), 0);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0, part, 256, 256, true), 0);
	ck_assert_int_eq(memcmp(part, smart + 256, 256), 0);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0, part, 4, 512, true),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0, part, 4, 2, true),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, part, 4, 1ull << 32, true),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	/* more than MDTS (128 KiB) */
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, NULL, 256 * 1024, 0, true),
			  NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert(rh_log_has(&rh, "exceeds MDTS"));
	/* unknown log pages */
	ck_assert_uint_eq(rh_get_log(&rh, 0x00, 0, part, 4, 0, true),
			  NVMESIM_SC_INVALID_LOG_PAGE | DNR);
	ck_assert_uint_eq(rh_get_log(&rh, 0x7f, 0, part, 4, 0, true),
			  NVMESIM_SC_INVALID_LOG_PAGE | DNR);
	ck_assert_uint_eq(rh_get_log(&rh, 0xc0, 0, part, 4, 0, true),
			  NVMESIM_SC_INVALID_LOG_PAGE | DNR);
	/* firmware slot */
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_FW_SLOT, 0, fw, 512, 0, true), 0);
	ck_assert_uint_eq(fw[0], 1);
	ck_assert_int_eq(memcmp(fw + 8, NVMESIM_VERSION_STRING, strlen(NVMESIM_VERSION_STRING)),
			 0);
}
END_TEST

START_TEST(log_past_end_zero)
{
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;
	struct nvmesim_sqe c = { 0 };
	uint8_t *mem, *list;
	unsigned int i, pages = 80;     /* 320 KiB, NUMD > 0xffff */
	uint32_t numd = pages * 1024 - 1;

	o.mdts = 0;                      /* no transfer limit */
	reopen(&o);
	mem = rh_alloc(&rh, pages * 4096);
	list = rh_alloc(&rh, 4096);
	memset(mem, 0xaa, pages * 4096);
	for (i = 1; i < pages; i++)
		((uint64_t *)list)[i - 1] = rh_iova(&rh, mem) + 4096ull * i;
	c.opcode = NVMESIM_ADM_GET_LOG_PAGE;
	c.prp1 = rh_iova(&rh, mem);
	c.prp2 = rh_iova(&rh, list);
	c.cdw10 = NVMESIM_LOG_SMART | (1u << 15) | ((numd & 0xffff) << 16);
	c.cdw11 = numd >> 16;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), 0);
	ck_assert_uint_eq(mem[1] | (mem[2] << 8), 313);
	for (i = 512; i < pages * 4096 && !mem[i]; i++)
		;
	ck_assert_uint_eq(i, pages * 4096);
}
END_TEST

/* ---- AER, Abort, Keep Alive, unknown opcodes ------------------------------------- */

START_TEST(aer_limit)
{
	struct nvmesim_sqe c = { 0 };
	unsigned int i;

	for (i = 0; i < 4; i++)
		rh_aer(&rh);
	c.opcode = NVMESIM_ADM_ASYNC_EVENT;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_AER_LIMIT);
	ck_assert(rh_log_has(&rh, "AERL allows 4"));
}
END_TEST

START_TEST(abort_commands)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint16_t aer, cid;
	uint32_t dw0;

	/* an outstanding AER */
	aer = rh_aer(&rh);
	rh_run(&rh, 1000);
	ck_assert_uint_eq(simple(NVMESIM_ADM_ABORT, 0, ((uint32_t)aer << 16) | 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0 & 1, 0);
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer, &e, 1000000), 0);
	ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), NVMESIM_SC_ABORT_REQ);
	/* nothing to abort */
	ck_assert_uint_eq(simple(NVMESIM_ADM_ABORT, 0, ((uint32_t)aer << 16) | 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0 & 1, 1);
	ck_assert_uint_eq(simple(NVMESIM_ADM_ABORT, 0, (7u << 16) | 9, 0, &dw0), 0);
	ck_assert_uint_eq(dw0 & 1, 1);

	/* an I/O command between fetch and completion */
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
	flush_cmd(&c);
	cid = rh_submit(&rh, 1, &c);
	rh_run(&rh, 1000);
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_ABORT;
	c.cdw10 = ((uint32_t)cid << 16) | 1;
	rh_submit(&rh, 0, &c);
	rh_run(&rh, 1000);
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), 0);
	ck_assert_uint_eq(e.cid, cid);
	ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), NVMESIM_SC_ABORT_REQ);
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, c.cid, &e, 1000000), 0);
	ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), 0);
	ck_assert_uint_eq(e.dw0 & 1, 0);
	rh_run(&rh, 1000000);
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), -ETIMEDOUT);
}
END_TEST

START_TEST(abort_limit)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint16_t cids[5];
	unsigned int i;

	for (i = 0; i < 5; i++) {
		memset(&c, 0, sizeof(c));
		c.opcode = NVMESIM_ADM_ABORT;
		c.cdw10 = (0x1234u << 16) | 1;
		cids[i] = rh_post(&rh, 0, &c);
	}
	nvmesim_hsq_ring(&rh.sq[0], rh.end);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, cids[i], &e, 1000000), 0);
		ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), i < 4 ? 0 : NVMESIM_SC_ABORT_LIMIT);
	}
}
END_TEST

START_TEST(opcodes)
{
	static const uint8_t bad[] = { 0x03, 0x07, 0x0d, 0x10, 0x11, 0x19, 0x7b, 0x80, 0x81,
				       0x84, 0xc0, 0xff };
	struct nvmesim_sqe c;
	unsigned int i;

	ck_assert_uint_eq(simple(NVMESIM_ADM_KEEP_ALIVE, 0, 0, 0, NULL), 0);
	for (i = 0; i < NVMESIM_ARRAY_SIZE(bad); i++)
		ck_assert_uint_eq(simple(bad[i], 0, 0, 0, NULL),
				  NVMESIM_SC_INVALID_OPCODE | DNR);
	ck_assert(rh_log_has(&rh, "Invalid Command Opcode"));
	/* fused operations and SGLs are not supported */
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	c.flags = 0x1;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_FIELD | DNR);
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_IDENTIFY;
	c.cdw10 = 1;
	c.flags = 0x40;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_FIELD | DNR);
	ck_assert(rh_log_has(&rh, "PSDT 1"));
	/* I/O opcodes the NVM command set does not know */
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 8, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 8, 0), 0);
	memset(&c, 0, sizeof(c));
	c.opcode = 0x06;   /* Identify is not an I/O command */
	c.nsid = 1;
	ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), NVMESIM_SC_INVALID_OPCODE | DNR);
	flush_cmd(&c);
	c.flags = 0x2;
	ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), NVMESIM_SC_INVALID_FIELD | DNR);
}
END_TEST

static Suite *admin_suite(void)
{
	Suite *s = suite_create("admin");
	TCase *t;

	t = tcase_create("identify");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, identify_ctrl);
	tcase_add_test(t, identify_ns);
	tcase_add_test(t, identify_ns_list);
	tcase_add_test(t, identify_desc_list);
	tcase_add_test(t, identify_bad_cns);
	suite_add_tcase(s, t);

	t = tcase_create("queues");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, create_queue, 0, NVMESIM_ARRAY_SIZE(q_cases));
	tcase_add_test(t, create_queue_granted);
	tcase_add_test(t, create_queue_entry_size);
	tcase_add_test(t, delete_queues);
	tcase_add_test(t, delete_sq_aborts_commands);
	suite_add_tcase(s, t);

	t = tcase_create("features");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, features_values);
	tcase_add_test(t, features_num_queues);
	tcase_add_test(t, features_unsupported);
	tcase_add_test(t, features_temperature_event);
	suite_add_tcase(s, t);

	t = tcase_create("logs");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, log_smart);
	tcase_add_test(t, log_errors_and_offsets);
	tcase_add_test(t, log_past_end_zero);
	suite_add_tcase(s, t);

	t = tcase_create("misc");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, aer_limit);
	tcase_add_test(t, abort_commands);
	tcase_add_test(t, abort_limit);
	tcase_add_test(t, opcodes);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return nvmesim_test_run(admin_suite());
}
