/* SPDX-License-Identifier: MIT */
/*
 * check_ctrl.c - the simulated controller's register semantics, enable /
 * reset / shutdown / NVM subsystem reset, doorbell validation with its
 * asynchronous events and Error log, CQ-full stalls and MSI-X delivery.
 *
 * Everything goes through struct nvmesim_end via the raw test host
 * (rawhost.h), exactly as a host driver would see the device.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ctrl/ctrl.h"
#include "tests/check-common.h"
#include "tests/rawhost.h"

/* CAP of the default options: MQES 1023, CQR, AMS WRR, TO 20, NSSRS, CSS NVM,
 * MPSMAX 4, CRWMS */
#define CAP_DEF 0x08400030140303ffull
#define RDY_NS 1000000ull       /* default ready_delay_ns */
#define SHN_NS 2000000ull       /* default shutdown_delay_ns */
#define CC_IO ((6u << 16) | (4u << 20))
#define CSTS_RDY 1u
#define CSTS_CFS 2u
#define CSTS_NSSRO 0x10u

static struct rawhost rh;

static void setup(void)
{
	ck_assert_int_eq(rh_open(&rh, NULL), 0);
}

static void teardown(void)
{
	rh_close(&rh);
}

static void reopen(const struct nvmesim_sim_opts *o)
{
	rh_close(&rh);
	ck_assert_int_eq(rh_open(&rh, o), 0);
}

static void flush_cmd(struct nvmesim_sqe *c)
{
	memset(c, 0, sizeof(*c));
	c->opcode = NVMESIM_NVM_FLUSH;
	c->nsid = 1;
}

/* I/O CQ and SQ @qid of @entries each, CQ interrupts as given */
static void io_pair(uint16_t qid, uint16_t entries, bool ien, uint16_t iv)
{
	ck_assert_uint_eq(rh_create_cq(&rh, qid, entries, ien, iv), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, qid, qid, entries, 0), 0);
}

/* ---- register table ------------------------------------------------------ */

struct reg_case {
	uint32_t off;            /* BAR0 offset */
	unsigned int width;      /* 4 or 8 */
	uint64_t reset;          /* value after open */
	uint64_t wval;           /* value written */
	uint64_t after;          /* value read back after the write */
	const char *diag;        /* diagnostic the write produces */
};

static const struct reg_case regs[] = {
	{ NVMESIM_REG_CAP, 8, CAP_DEF, ~0ull, CAP_DEF, "read-only or reserved" },
	{ NVMESIM_REG_VS, 4, 0x00020000, 0xffffffff, 0x00020000, "read-only or reserved" },
	{ NVMESIM_REG_INTMS, 4, 0, 0x5, 0x5, "undefined" },
	{ NVMESIM_REG_INTMC, 4, 0, 0x5, 0x0, "undefined" },
	{ NVMESIM_REG_CC, 4, 0, 0xfe46000e, 0x00460000, "bits 0xfe00000e are read-only" },
	{ NVMESIM_REG_CSTS, 4, 0, 0xffffffef, 0, "read-only or reserved" },
	{ NVMESIM_REG_NSSR, 4, 0, 0x12345678, 0, "no effect" },
	{ NVMESIM_REG_AQA, 4, 0, 0xffffffff, 0x0fff0fff, "bits 0xf000f000" },
	{ NVMESIM_REG_ASQ, 8, 0, ~0ull, 0xfffffffffffff000ull, "bits 0x00000fff" },
	{ NVMESIM_REG_ACQ, 8, 0, ~0ull, 0xfffffffffffff000ull, "bits 0x00000fff" },
	{ NVMESIM_REG_CMBLOC, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_CMBSZ, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_BPINFO, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_BPRSEL, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_BPMBL, 8, 0, ~0ull, 0, "not implemented" },
	{ NVMESIM_REG_CMBMSC, 8, 0, ~0ull, 0, "not implemented" },
	{ NVMESIM_REG_CMBSTS, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_CMBEBS, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_CMBSWTP, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_NSSD, 4, 0, 0x4e564d65, 0, "not implemented" },
	{ NVMESIM_REG_CRTO, 4, 20, 0xffffffff, 20, "read-only or reserved" },
	{ NVMESIM_REG_PMRCAP, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_PMRCTL, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_PMRSTS, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_PMREBS, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_PMRSWTP, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_PMRMSCL, 4, 0, 0xffffffff, 0, "not implemented" },
	{ NVMESIM_REG_PMRMSCU, 4, 0, 0xffffffff, 0, "not implemented" },
	/* undefined offsets read 0 and ignore writes */
	{ 0x18, 4, 0, 0xffffffff, 0, "reserved offset" },
	{ 0x6c, 4, 0, 0xffffffff, 0, "reserved offset" },
	{ 0x100, 4, 0, 0xffffffff, 0, "reserved offset" },
	{ 0xdfc, 4, 0, 0xffffffff, 0, "reserved offset" },
	{ 0xe1c, 4, 0, 0xffffffff, 0, "reserved offset" },
	{ 0xffc, 4, 0, 0xffffffff, 0, "reserved offset" },
};

static uint64_t reg_read_halves(uint32_t off, unsigned int width)
{
	uint64_t v = rh_r32(&rh, off);

	if (width == 8)
		v |= (uint64_t)rh_r32(&rh, off + 4) << 32;
	return v;
}

START_TEST(reg_reset)
{
	const struct reg_case *r = &regs[_i];

	ck_assert_uint_eq(reg_read_halves(r->off, r->width), r->reset);
	if (r->width == 8)
		ck_assert_uint_eq(rh_r64(&rh, r->off), r->reset);
	ck_assert_uint_eq(rh.nr_diag, 0);
}
END_TEST

START_TEST(reg_write32)
{
	const struct reg_case *r = &regs[_i];

	rh_w32(&rh, r->off, (uint32_t)r->wval);
	if (r->width == 8)
		rh_w32(&rh, r->off + 4, (uint32_t)(r->wval >> 32));
	ck_assert_uint_eq(reg_read_halves(r->off, r->width), r->after);
	if (r->width == 8)
		ck_assert_uint_eq(rh_r64(&rh, r->off), r->after);
	ck_assert_msg(rh_log_has(&rh, r->diag), "0x%x: no \"%s\" in:\n%s", r->off, r->diag,
		      rh.log ? rh.log : "");
	/* nothing a register write does may enable or break the controller */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS) & (CSTS_RDY | CSTS_CFS), 0);
}
END_TEST

/* 64-bit registers as one 64-bit access, and as halves high dword first */
START_TEST(reg_write64)
{
	const struct reg_case *r = &regs[_i];

	if (r->width != 8)
		return;
	rh_w64(&rh, r->off, r->wval);
	ck_assert_uint_eq(rh_r64(&rh, r->off), r->after);
	ck_assert_uint_eq(reg_read_halves(r->off, r->width), r->after);
	ck_assert(rh_log_has(&rh, r->diag));
}
END_TEST

START_TEST(reg_64bit_halves_order)
{
	/* low then high (Linux lo_hi_writeq) */
	rh_w32(&rh, NVMESIM_REG_ASQ, 0x12345000);
	rh_w32(&rh, NVMESIM_REG_ASQ + 4, 0x9);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ASQ), 0x912345000ull);
	/* high then low (libvfn, Linux hi_lo_writeq) */
	rh_w32(&rh, NVMESIM_REG_ACQ + 4, 0xab);
	rh_w32(&rh, NVMESIM_REG_ACQ, 0xcdef0000);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ACQ), 0xabcdef0000ull);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_ACQ + 4), 0xab);
	rh_w64(&rh, NVMESIM_REG_ASQ, 0x1000);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_ASQ + 4), 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_ASQ), 0x1000);
	ck_assert_uint_eq(rh.nr_diag, 0);
}
END_TEST

START_TEST(reg_intm_shared_mask)
{
	rh_w32(&rh, NVMESIM_REG_INTMS, 0x3);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_INTMS), 0x3);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_INTMC), 0x3);
	rh_w32(&rh, NVMESIM_REG_INTMS, 0x8);          /* RW1S: 0 bits leave the mask */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_INTMC), 0xb);
	rh_w32(&rh, NVMESIM_REG_INTMC, 0x1);          /* RW1C */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_INTMS), 0xa);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_INTMC), 0xa);
	ck_assert(rh_log_has(&rh, "MSI-X"));
	ck_assert(rh_log_has(&rh, "§3.1.4.3"));
}
END_TEST

START_TEST(reg_misaligned)
{
	rh_w32(&rh, NVMESIM_REG_AQA, 0x00030003);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_AQA + 2), 0);
	ck_assert(rh_log_has(&rh, "not dword aligned"));
	rh_log_clear(&rh);
	rh_w32(&rh, NVMESIM_REG_AQA + 1, 0xffffffff);
	ck_assert(rh_log_has(&rh, "not dword aligned"));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_AQA), 0x00030003);
	rh_log_clear(&rh);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ASQ + 4), 0);
	rh_w64(&rh, NVMESIM_REG_ASQ + 4, ~0ull);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ASQ), 0);
	ck_assert_uint_eq(rh.nr_diag, 2);
	/* the controller counts what it reported */
	ck_assert_uint_eq(nvmesim_sim_diag_count(rh.end), 4);
	ck_assert_uint_eq(nvmesim_sim_diag_count(NULL), 0);
}
END_TEST

START_TEST(reg_doorbell_read)
{
	ck_assert_int_eq(rh_enable(&rh, 4), 0);
	ck_assert_uint_eq(rh_r32(&rh, rh_db(&rh, 0, 0)), 0);
	ck_assert_uint_eq(rh_r32(&rh, rh_db(&rh, 0, 1)), 0);
	ck_assert_uint_eq(rh_r32(&rh, 0x2000), 0);
	ck_assert(rh_log_has(&rh, "vendor specific"));
}
END_TEST

START_TEST(reg_cc_frozen_while_enabled)
{
	uint32_t cc;

	ck_assert_int_eq(rh_enable(&rh, 4), 0);
	cc = rh_r32(&rh, NVMESIM_REG_CC);
	rh_w32(&rh, NVMESIM_REG_CC, cc | (1u << 7) | (1u << 11));   /* MPS 1, AMS WRR */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CC), cc);
	ck_assert(rh_log_has(&rh, "may only change while CC.EN=0"));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
}
END_TEST

START_TEST(reg_opts_nonzero)
{
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;
	uint64_t cap;

	o.mqes = 255;
	o.dstrd = 2;
	o.timeout_500ms = 3;
	o.ready_delay_ns = 1000;
	o.mpsmin = 1;
	o.mpsmax = 2;
	o.nssrs = false;
	o.vs = 0x00010400;
	reopen(&o);
	cap = rh_r64(&rh, NVMESIM_REG_CAP);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_MQES), 255);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_DSTRD), 2);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_TO), 3);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_MPSMIN), 1);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_MPSMAX), 2);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_NSSRS), 0);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_CRMS), 0);   /* 1.4 controller */
	ck_assert_uint_eq(NVMESIM_FIELD_GET(cap, CAP_CSS), 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_VS), 0x00010400);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CRTO), 0);
	ck_assert_uint_eq(rh.end->dstrd, 2);
	ck_assert_uint_eq(rh_db(&rh, 1, 1), 0x1000 + 3 * 16);
}
END_TEST

START_TEST(reg_opts_invalid)
{
	struct nvmesim_sim_opts o;
	struct nvmesim_end *end = (void *)1;
	int i;

	for (i = 0; i < 12; i++) {
		o = nvmesim_sim_opts_default;
		switch (i) {
		case 0: o.mqes = 0; break;
		case 1: o.dstrd = 16; break;
		case 2: o.mpsmin = 5; o.mpsmax = 4; break;
		case 3: o.timeout_500ms = 0; break;
		case 4: o.max_queues = 0; break;
		case 5: o.max_vectors = 0; break;
		case 6: o.nr_ns = NVMESIM_SIM_MAX_NS + 1; break;
		case 7: o.ns[0].lba_shift = 10; break;
		case 8: o.ready_delay_ns = 20ull * 500000000ull + 1; break;
		case 9: o.serial = "this serial is longer than twenty"; break;
		case 10: o.cqr = false; break;
		case 11: o.vs = 0; break;
		}
		ck_assert_int_eq(nvmesim_sim_open(&end, &o), -EINVAL);
		ck_assert_ptr_null(end);
	}
}
END_TEST

/* ---- CC.EN 0->1 validation ----------------------------------------------- */

struct en_case {
	unsigned int mpsmin;     /* CAP.MPSMIN of the controller */
	uint32_t cc;             /* CC written (EN is added) */
	uint32_t aqa;
	uint64_t asq;
	uint64_t acq;
	const char *diag;        /* NULL: the enable succeeds */
};

#define ASQ_OK 0x200000000ull
#define ACQ_OK 0x200010000ull
#define AQA_OK 0x00030003u

static const struct en_case en_cases[] = {
	{ 0, CC_IO | (5u << 7), AQA_OK, ASQ_OK, ACQ_OK,
	  "CC.MPS 5 outside CAP.MPSMIN..MPSMAX 0..4" },
	{ 1, CC_IO, AQA_OK, ASQ_OK, ACQ_OK, "CC.MPS 0 outside CAP.MPSMIN..MPSMAX 1..4" },
	{ 0, CC_IO | (1u << 4), AQA_OK, ASQ_OK, ACQ_OK, "CC.CSS 1 is not" },
	{ 0, CC_IO | (6u << 4), AQA_OK, ASQ_OK, ACQ_OK, "CC.CSS 6 is not" },
	{ 0, CC_IO | (7u << 4), AQA_OK, ASQ_OK, ACQ_OK, "CC.CSS 7 is not" },
	{ 0, CC_IO | (2u << 11), AQA_OK, ASQ_OK, ACQ_OK, "CC.AMS 2 is not" },
	{ 0, CC_IO | (7u << 11), AQA_OK, ASQ_OK, ACQ_OK, "CC.AMS 7 is not" },
	{ 0, CC_IO, 0x00030000, ASQ_OK, ACQ_OK, "AQA.ASQS 0" },
	{ 0, CC_IO, 0x00000003, ASQ_OK, ACQ_OK, "AQA.ACQS 0" },
	{ 0, CC_IO, AQA_OK, 0x200001004ull, ACQ_OK,
	  "CC.EN=1: ASQ 0x200001004 not aligned to the 4 KiB memory page (NVMe 2.0 §3.1.4.9) "
	  "-> CSTS.CFS" },
	{ 0, CC_IO, AQA_OK, ASQ_OK, 0x200010800ull,
	  "ACQ 0x200010800 not aligned to the 4 KiB memory page (NVMe 2.0 §3.1.4.10)" },
	{ 0, CC_IO | (1u << 7), AQA_OK, 0x200001000ull, ACQ_OK,
	  "ASQ 0x200001000 not aligned to the 8 KiB memory page" },
	{ 0, CC_IO | (4u << 7), AQA_OK, ASQ_OK, 0x200018000ull,
	  "ACQ 0x200018000 not aligned to the 64 KiB memory page" },
	{ 0, (7u << 16) | (4u << 20), AQA_OK, ASQ_OK, ACQ_OK, "CC.IOSQES 7" },
	{ 0, (4u << 16) | (4u << 20), AQA_OK, ASQ_OK, ACQ_OK, "CC.IOSQES 4" },
	{ 0, (6u << 16) | (6u << 20), AQA_OK, ASQ_OK, ACQ_OK, "CC.IOCQES 6" },
	{ 0, (6u << 16) | (3u << 20), AQA_OK, ASQ_OK, ACQ_OK, "CC.IOCQES 3" },
	/* these succeed */
	{ 0, CC_IO, AQA_OK, ASQ_OK, ACQ_OK, NULL },
	{ 0, 0, AQA_OK, ASQ_OK, ACQ_OK, NULL },                  /* IOSQES/IOCQES unset */
	{ 0, CC_IO | (1u << 11), AQA_OK, ASQ_OK, ACQ_OK, NULL }, /* weighted round robin */
	{ 0, CC_IO | (4u << 7), 0x0fff0fff, ASQ_OK, ACQ_OK, NULL }, /* 64 KiB pages, 4096 */
	{ 1, CC_IO | (1u << 7), 0x00010001, ASQ_OK, ACQ_OK, NULL },
};

START_TEST(enable_validation)
{
	const struct en_case *e = &en_cases[_i];
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;

	o.mpsmin = e->mpsmin;
	reopen(&o);
	rh_w32(&rh, NVMESIM_REG_AQA, e->aqa);
	rh_w64(&rh, NVMESIM_REG_ASQ, e->asq);
	rh_w64(&rh, NVMESIM_REG_ACQ, e->acq);
	rh_w32(&rh, NVMESIM_REG_CC, e->cc);
	rh_log_clear(&rh);
	rh_w32(&rh, NVMESIM_REG_CC, e->cc | 1);
	if (e->diag) {
		/* CFS at once, RDY never */
		ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_CFS);
		ck_assert_msg(rh_log_has(&rh, e->diag), "no \"%s\" in:\n%s", e->diag,
			      rh.log ? rh.log : "");
		ck_assert(rh_log_has(&rh, "-> CSTS.CFS"));
		rh_run(&rh, 3 * RDY_NS);
		ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_CFS);
		/* a reset clears CFS; CC.EN stayed 1 until then */
		ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CC), e->cc | 1);
		rh_w32(&rh, NVMESIM_REG_CC, e->cc);
		ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 0);
	} else {
		ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 0);
		ck_assert_int_eq(rh_wait_csts(&rh, 3, CSTS_RDY, 2 * RDY_NS), 0);
		ck_assert_uint_eq(rh.nr_diag, 0);
	}
}
END_TEST

START_TEST(enable_ready_delay)
{
	uint64_t t0;

	rh_admin_setup(&rh, 4);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO);
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	t0 = nvmesim_end_now(rh.end);
	rh_run(&rh, RDY_NS - 1);
	ck_assert_uint_eq(nvmesim_end_now(rh.end), t0 + RDY_NS - 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 0);
	rh_run(&rh, 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
}
END_TEST

/* ---- Controller Reset ------------------------------------------------------ */

START_TEST(reset_keeps_admin_regs)
{
	uint32_t aqa, dw0;
	uint64_t asq, acq;
	struct nvmesim_sqe c;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_ARBITRATION, 0x01020303, NULL), 0);
	ck_assert_uint_eq(rh_set_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0x00010001, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x00010001);
	io_pair(1, 8, true, 1);
	rh_w32(&rh, NVMESIM_REG_INTMS, 0xff);
	aqa = rh_r32(&rh, NVMESIM_REG_AQA);
	asq = rh_r64(&rh, NVMESIM_REG_ASQ);
	acq = rh_r64(&rh, NVMESIM_REG_ACQ);

	rh_w32(&rh, NVMESIM_REG_CC, CC_IO);
	/* RDY drops after the ready delay, registers are reset at once */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CC), 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_INTMS), 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_INTMC), 0);
	rh_run(&rh, RDY_NS - 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
	rh_run(&rh, 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_AQA), aqa);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ASQ), asq);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ACQ), acq);

	/* re-enable with the same admin queue memory, zeroed by the host */
	memset(rh.sq[0].sqes, 0, 8 * 64);
	memset(rh.cq[0].cqes, 0, 8 * 16);
	nvmesim_hsq_init(&rh.sq[0], 0, rh.sq[0].sqes, asq, 8, rh_db(&rh, 0, 0));
	nvmesim_hcq_init(&rh.cq[0], 0, rh.cq[0].cqes, acq, 8, rh_db(&rh, 0, 1));
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO | 1);
	ck_assert_int_eq(rh_wait_csts(&rh, 3, CSTS_RDY, 2 * RDY_NS), 0);

	/* features are back to defaults, I/O queues are gone */
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_ARBITRATION, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0);
	ck_assert_uint_eq(rh_get_feat(&rh, NVMESIM_FEAT_NUM_QUEUES, 0, 0, &dw0), 0);
	ck_assert_uint_eq(dw0, 0x003f003f);
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_DELETE_SQ;
	c.cdw10 = 1;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), NVMESIM_SC_INVALID_QID | NVMESIM_DNR);
	rh_log_clear(&rh);
	rh_w32(&rh, rh_db(&rh, 1, 0), 1);
	ck_assert(rh_log_has(&rh, "SQ 1 does not exist"));
}
END_TEST

START_TEST(reset_drops_outstanding)
{
	struct nvmesim_sqe c;
	unsigned int i;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	io_pair(1, 16, true, 1);
	rh_aer(&rh);
	for (i = 0; i < 8; i++) {
		flush_cmd(&c);
		rh_post(&rh, 1, &c);
	}
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	rh_run(&rh, 1000);         /* fetched, not completed */
	rh_w32(&rh, NVMESIM_REG_CC, CC_IO);
	rh.nr_irqs = 0;
	rh_run(&rh, 10 * RDY_NS);
	/* nothing was posted after the reset */
	ck_assert_uint_eq(rh.nr_irqs, 0);
	ck_assert_ptr_null(nvmesim_hcq_peek(&rh.cq[1]));
	ck_assert_ptr_null(nvmesim_hcq_peek(&rh.cq[0]));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 0);
}
END_TEST

/* ---- shutdown ---------------------------------------------------------------- */

START_TEST(shutdown_timing)
{
	unsigned int shn = _i ? 2 : 1;    /* normal, abrupt */
	uint32_t cc;

	ck_assert_int_eq(rh_enable(&rh, 4), 0);
	cc = rh_r32(&rh, NVMESIM_REG_CC);
	rh_w32(&rh, NVMESIM_REG_CC, cc | (shn << 14));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY | (1u << 2));
	rh_run(&rh, SHN_NS - 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY | (1u << 2));
	rh_run(&rh, 1);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY | (2u << 2));
	/* no new commands after a shutdown */
	rh_log_clear(&rh);
	rh_w32(&rh, rh_db(&rh, 0, 0), 1);
	ck_assert(rh_log_has(&rh, "shutdown"));
	/* clearing SHN returns SHST to 00b */
	rh_w32(&rh, NVMESIM_REG_CC, cc);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
	/* and a reset clears everything */
	rh_w32(&rh, NVMESIM_REG_CC, cc | (shn << 14));
	rh_w32(&rh, NVMESIM_REG_CC, 0);
	ck_assert_int_eq(rh_wait_csts(&rh, 0xff, 0, 2 * RDY_NS), 0);
}
END_TEST

START_TEST(shutdown_cleared_early)
{
	uint32_t cc;

	ck_assert_int_eq(rh_enable(&rh, 4), 0);
	cc = rh_r32(&rh, NVMESIM_REG_CC);
	rh_w32(&rh, NVMESIM_REG_CC, cc | (1u << 14));
	rh_run(&rh, SHN_NS / 2);
	rh_w32(&rh, NVMESIM_REG_CC, cc);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
	rh_run(&rh, SHN_NS);      /* the stale completion must not set SHST */
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
	rh_w32(&rh, NVMESIM_REG_CC, cc | (3u << 14));
	ck_assert(rh_log_has(&rh, "SHN 11b is reserved"));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
}
END_TEST

/* ---- NVM Subsystem Reset ---------------------------------------------------- */

START_TEST(nssr_reset)
{
	uint8_t smart[512];
	uint64_t unsafe;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	io_pair(1, 8, true, 1);
	rh_w32(&rh, NVMESIM_REG_NSSR, 0x4e564d64);     /* not "NVMe": no effect */
	ck_assert(rh_log_has(&rh, "no effect"));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_NSSR), 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);

	rh_w32(&rh, NVMESIM_REG_NSSR, NVMESIM_NSSR_RESET);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_NSSRO);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CC), 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_AQA), 0);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ASQ), 0);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_ACQ), 0);
	ck_assert_uint_eq(rh_r64(&rh, NVMESIM_REG_CAP), CAP_DEF);
	rh_run(&rh, 3 * RDY_NS);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_NSSRO);
	/* NSSRO is RW1C: writing 0 keeps it, writing 1 clears it */
	rh_w32(&rh, NVMESIM_REG_CSTS, 0);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_NSSRO);
	rh_w32(&rh, NVMESIM_REG_CSTS, CSTS_NSSRO);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), 0);

	/* the controller comes back; the reset counted as an unsafe shutdown */
	memset(&rh.sq, 0, sizeof(rh.sq));
	memset(&rh.cq, 0, sizeof(rh.cq));
	memset(rh.sq_live, 0, sizeof(rh.sq_live));
	memset(rh.cq_live, 0, sizeof(rh.cq_live));
	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_SMART, 0xffffffff, smart, 512, 0, false),
			  0);
	memcpy(&unsafe, smart + 144, 8);
	ck_assert_uint_eq(unsafe, 1);
	/* I/O queues are gone */
	rh_log_clear(&rh);
	rh_w32(&rh, rh_db(&rh, 1, 1), 1);
	ck_assert(rh_log_has(&rh, "CQ 1 does not exist"));
}
END_TEST

START_TEST(nssr_not_supported)
{
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;

	o.nssrs = false;
	reopen(&o);
	ck_assert_int_eq(rh_enable(&rh, 4), 0);
	rh_w32(&rh, NVMESIM_REG_NSSR, NVMESIM_NSSR_RESET);
	ck_assert(rh_log_has(&rh, "CAP.NSSRS=0"));
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_CSTS), CSTS_RDY);
	ck_assert_uint_eq(rh_r32(&rh, NVMESIM_REG_NSSR), 0);
}
END_TEST

/* ---- doorbells, asynchronous events, Error log ------------------------------- */

struct db_case {
	uint16_t qid;            /* queue whose doorbell is written */
	int cq;                  /* 1: CQ head doorbell */
	int prep;                /* 0 none, 1 one command done, 2 three posted+rung, 3 seven */
	uint32_t val;            /* the invalid value */
	uint8_t info;            /* expected event information */
	const char *diag;        /* the rule */
};

static const struct db_case db_cases[] = {
	{ 1, 0, 0, 8, NVMESIM_AER_ERR_INVALID_DB_VALUE, "not less than the queue size" },
	{ 1, 0, 1, 1, NVMESIM_AER_ERR_INVALID_DB_VALUE, "same as the previous one" },
	{ 1, 0, 2, 2, NVMESIM_AER_ERR_INVALID_DB_VALUE, "more commands than there are free" },
	{ 1, 0, 3, 0, NVMESIM_AER_ERR_INVALID_DB_VALUE, "to a full submission queue" },
	{ 1, 1, 0, 8, NVMESIM_AER_ERR_INVALID_DB_VALUE, "not less than the queue size" },
	{ 1, 1, 0, 0, NVMESIM_AER_ERR_INVALID_DB_VALUE, "same as the previous one" },
	{ 1, 1, 0, 1, NVMESIM_AER_ERR_INVALID_DB_VALUE, "from an empty completion queue" },
	{ 1, 1, 1, 1, NVMESIM_AER_ERR_INVALID_DB_VALUE, "same as the previous one" },
	{ 5, 0, 0, 1, NVMESIM_AER_ERR_INVALID_DB, "SQ 5 does not exist" },
	{ 5, 1, 0, 1, NVMESIM_AER_ERR_INVALID_DB, "CQ 5 does not exist" },
	{ 0xfffe, 0, 0, 1, NVMESIM_AER_ERR_INVALID_DB, "beyond the 64 queues" },
	{ 65, 1, 0, 1, NVMESIM_AER_ERR_INVALID_DB, "beyond the 64 queues" },
};

START_TEST(db_invalid)
{
	const struct db_case *d = &db_cases[_i];
	struct nvmesim_error_log_entry log[64];
	struct nvmesim_cqe e;
	struct nvmesim_sqe c;
	uint16_t aer, expected_sqhd;
	unsigned int i, n = 0;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	io_pair(1, 8, true, 1);
	aer = rh_aer(&rh);
	rh_run(&rh, 1000);
	if (d->prep == 1) {
		flush_cmd(&c);
		ck_assert_uint_eq(rh_io(&rh, 1, &c, NULL), 0);
	} else if (d->prep >= 2) {
		n = d->prep == 2 ? 3 : 7;
		for (i = 0; i < n; i++) {
			flush_cmd(&c);
			rh_post(&rh, 1, &c);
		}
		nvmesim_hsq_ring(&rh.sq[1], rh.end);   /* no time passes: nothing fetched */
	}
	rh_log_clear(&rh);
	rh_w32(&rh, rh_db(&rh, d->qid, d->cq), d->val);
	ck_assert_msg(rh_log_has(&rh, d->diag), "no \"%s\" in:\n%s", d->diag,
		      rh.log ? rh.log : "");
	ck_assert(rh_log_has(&rh, "ignored, Error event"));

	/* the AER completes with the event ... */
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer, &e, 1000000), 0);
	ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), 0);
	ck_assert_uint_eq(e.dw0, NVMESIM_AER_RESULT(NVMESIM_AER_TYPE_ERROR, d->info,
						    NVMESIM_LOG_ERROR));
	/* ... and the Error log names the queue */
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, log, sizeof(log), 0, false), 0);
	ck_assert_uint_eq(log[0].error_count, 1);
	ck_assert_uint_eq(log[0].sqid, d->qid);
	ck_assert_uint_eq(log[0].cid, 0xffff);
	ck_assert_uint_eq(log[1].error_count, 0);

	/* the queue is unchanged: the commands already rung complete, a new one works */
	for (i = 0; i < n; i++)
		ck_assert_int_eq(rh_reap(&rh, 1, &e, 1000000), 0);
	expected_sqhd = (uint16_t)((n + (d->prep == 1) + 1) % 8);
	flush_cmd(&c);
	ck_assert_uint_eq(rh_io(&rh, 1, &c, &e), 0);
	ck_assert_uint_eq(e.sqhd, expected_sqhd);
}
END_TEST

START_TEST(db_event_masking)
{
	struct nvmesim_error_log_entry log[64];
	struct nvmesim_cqe e;
	uint16_t aer1, aer2, aer3;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	aer1 = rh_aer(&rh);
	aer2 = rh_aer(&rh);
	rh_run(&rh, 1000);
	rh_w32(&rh, rh_db(&rh, 0, 0), 8);                     /* value >= size */
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer1, &e, 1000000), 0);
	ck_assert_uint_eq(e.dw0, NVMESIM_AER_RESULT(0, 1, 1));
	rh_w32(&rh, rh_db(&rh, 3, 0), 1);                     /* missing queue */
	/* masked until the Error log is read with RAE=0 */
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer2, &e, 1000000), -ETIMEDOUT);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, log, sizeof(log), 0, true), 0);
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer2, &e, 1000000), -ETIMEDOUT);
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, log, sizeof(log), 0, false), 0);
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer2, &e, 1000000), 0);
	ck_assert_uint_eq(e.dw0, NVMESIM_AER_RESULT(0, 0, 1));

	/* no AER outstanding: the event waits for the next one */
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, log, sizeof(log), 0, false), 0);
	rh_w32(&rh, rh_db(&rh, 0, 1), 7);                     /* CQ head past tail */
	rh_run(&rh, 1000000);
	aer3 = rh_aer(&rh);
	ck_assert_int_eq(rh_wait_cid(&rh, 0, 0, aer3, &e, 1000000), 0);
	ck_assert_uint_eq(e.dw0, NVMESIM_AER_RESULT(0, 1, 1));

	/* newest first, increasing error counts */
	ck_assert_uint_eq(rh_get_log(&rh, NVMESIM_LOG_ERROR, 0, log, sizeof(log), 0, false), 0);
	ck_assert_uint_eq(log[0].error_count, 3);
	ck_assert_uint_eq(log[0].sqid, 0);
	ck_assert_uint_eq(log[1].error_count, 2);
	ck_assert_uint_eq(log[1].sqid, 3);
	ck_assert_uint_eq(log[2].error_count, 1);
	ck_assert_uint_eq(log[3].error_count, 0);
}
END_TEST

START_TEST(db_stride)
{
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;
	struct nvmesim_sqe c;

	o.dstrd = 1;
	reopen(&o);
	ck_assert_int_eq(rh_enable(&rh, 4), 0);
	ck_assert_uint_eq(rh_db(&rh, 0, 1), 0x1008);
	rh_log_clear(&rh);
	rh_w32(&rh, 0x1004, 1);
	ck_assert(rh_log_has(&rh, "not on a doorbell boundary"));
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), 0);
}
END_TEST

/* ---- CQ full: stall and resume ---------------------------------------------- */

START_TEST(cq_full_stall)
{
	struct nvmesim_cqe e, zero;
	struct nvmesim_sqe c;
	uint16_t cids[8];
	unsigned int i;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 4, true, 1), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), 0);
	for (i = 0; i < 8; i++) {
		flush_cmd(&c);
		cids[i] = rh_post(&rh, 1, &c);
	}
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	rh_run(&rh, 1000000);
	ck_assert(rh_log_has(&rh, "CQ1 is full"));
	/* three CQEs, the fourth slot untouched (never overwrite, §3.3.1.2) */
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(rh.cq[1].cqes[i].cid, cids[i]);
		ck_assert_uint_eq(NVMESIM_CQE_PHASE(&rh.cq[1].cqes[i]), 1);
	}
	memset(&zero, 0, sizeof(zero));
	ck_assert_int_eq(memcmp(&rh.cq[1].cqes[3], &zero, sizeof(zero)), 0);
	/* consuming resumes posting, in order, each exactly once */
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(rh_reap(&rh, 1, &e, 1000000), 0);
		ck_assert_uint_eq(e.cid, cids[i]);
		ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), 0);
		ck_assert_uint_eq(e.sqid, 1);
	}
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 1000000), -ETIMEDOUT);
}
END_TEST

/* ---- Arbitration: round robin over SQs sharing a CQ ---------------------------- */

/*
 * Two SQs completing into one CQ, three commands in each announced before the
 * controller looks: with the default burst of one (Feature 01h AB=0), round
 * robin takes one from each in turn (NVMe 2.0 §3.4.2.1) and one fetch pass
 * takes all six, though each of its rounds but the last leaves both SQs
 * holding commands; the CQ shows the order they were fetched in.
 */
START_TEST(rr_shared_cq)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint16_t cids[2][3];
	unsigned int i, q;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh_create_cq(&rh, 1, 16, false, 0), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 1, 1, 16, 0), 0);
	ck_assert_uint_eq(rh_create_sq(&rh, 2, 1, 16, 0), 0);
	for (q = 0; q < 2; q++) {
		for (i = 0; i < 3; i++) {
			flush_cmd(&c);
			cids[q][i] = rh_post(&rh, (uint16_t)(q + 1), &c);
		}
	}
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	nvmesim_hsq_ring(&rh.sq[2], rh.end);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(rh_reap(&rh, 1, &e, 1000000), 0);
		ck_assert_uint_eq(e.sqid, 1 + i % 2);
		ck_assert_uint_eq(e.cid, cids[i % 2][i / 2]);
		ck_assert_uint_eq(NVMESIM_CQE_STATUS(&e), 0);
	}
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 1000000), -ETIMEDOUT);
}
END_TEST

/* ---- MSI-X --------------------------------------------------------------------- */

START_TEST(msix_vectors)
{
	struct nvmesim_sqe c;
	struct nvmesim_cqe e;
	uint32_t v;

	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	ck_assert_uint_eq(rh.nr_irqs, 0);
	/* the admin CQ always interrupts on vector 0 */
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	ck_assert_uint_eq(rh_cmd(&rh, &c, NULL), 0);
	ck_assert_uint_eq(rh.nr_irqs, 1);
	ck_assert_uint_eq(rh.irqs[0], 0);
	io_pair(1, 8, true, 3);
	io_pair(2, 8, false, 4);
	io_pair(3, 8, true, 5);
	rh.nr_irqs = 0;

	/* IEN=0: silence */
	flush_cmd(&c);
	rh_submit(&rh, 2, &c);
	rh_run(&rh, 1000000);
	ck_assert_uint_eq(rh.nr_irqs, 0);
	ck_assert_int_eq(rh_reap(&rh, 2, &e, 0), 0);

	/* assertion order, one vector per wait */
	flush_cmd(&c);
	rh_submit(&rh, 3, &c);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 5000, &v), 0);
	flush_cmd(&c);
	rh_submit(&rh, 1, &c);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 1000000, &v), 1);
	ck_assert_uint_eq(v, 5);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 1000000, &v), 1);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 1000000, &v), 0);
	ck_assert_int_eq(rh_reap(&rh, 3, &e, 0), 0);
	ck_assert_int_eq(rh_reap(&rh, 1, &e, 0), 0);

	/* completions on one vector before delivery are one message (eventfd-like) */
	flush_cmd(&c);
	rh_post(&rh, 1, &c);
	flush_cmd(&c);
	rh_post(&rh, 1, &c);
	nvmesim_hsq_ring(&rh.sq[1], rh.end);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 1000000, &v), 1);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 1000000, &v), 0);
}
END_TEST

/* ---- command timing -------------------------------------------------------------- */

START_TEST(cmd_delay)
{
	struct nvmesim_sim_opts o = nvmesim_sim_opts_default;
	struct nvmesim_sqe c;
	uint64_t t0;
	uint32_t v;

	o.cmd_delay_ns = 25000;
	reopen(&o);
	ck_assert_int_eq(rh_enable(&rh, 8), 0);
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_ADM_KEEP_ALIVE;
	t0 = nvmesim_end_now(rh.end);
	rh_submit(&rh, 0, &c);
	ck_assert_int_eq(nvmesim_end_wait(rh.end, 1000000, &v), 1);
	ck_assert_uint_eq(nvmesim_end_now(rh.end) - t0, 25000);
	ck_assert_uint_eq(v, 0);
}
END_TEST

static Suite *ctrl_suite(void)
{
	Suite *s = suite_create("ctrl");
	TCase *t;

	t = tcase_create("registers");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, reg_reset, 0, NVMESIM_ARRAY_SIZE(regs));
	tcase_add_loop_test(t, reg_write32, 0, NVMESIM_ARRAY_SIZE(regs));
	tcase_add_loop_test(t, reg_write64, 0, NVMESIM_ARRAY_SIZE(regs));
	tcase_add_test(t, reg_64bit_halves_order);
	tcase_add_test(t, reg_intm_shared_mask);
	tcase_add_test(t, reg_misaligned);
	tcase_add_test(t, reg_doorbell_read);
	tcase_add_test(t, reg_cc_frozen_while_enabled);
	tcase_add_test(t, reg_opts_nonzero);
	tcase_add_test(t, reg_opts_invalid);
	suite_add_tcase(s, t);

	t = tcase_create("enable");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, enable_validation, 0, NVMESIM_ARRAY_SIZE(en_cases));
	tcase_add_test(t, enable_ready_delay);
	suite_add_tcase(s, t);

	t = tcase_create("reset");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, reset_keeps_admin_regs);
	tcase_add_test(t, reset_drops_outstanding);
	tcase_add_loop_test(t, shutdown_timing, 0, 2);
	tcase_add_test(t, shutdown_cleared_early);
	tcase_add_test(t, nssr_reset);
	tcase_add_test(t, nssr_not_supported);
	suite_add_tcase(s, t);

	t = tcase_create("doorbells");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, db_invalid, 0, NVMESIM_ARRAY_SIZE(db_cases));
	tcase_add_test(t, db_event_masking);
	tcase_add_test(t, db_stride);
	tcase_add_test(t, cq_full_stall);
	tcase_add_test(t, rr_shared_cq);
	tcase_add_test(t, msix_vectors);
	tcase_add_test(t, cmd_delay);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return nvmesim_test_run(ctrl_suite());
}
