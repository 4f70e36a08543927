/* SPDX-License-Identifier: MIT */
/*
 * regs.c - register semantics of the simulated controller (NVMe 2.0 §3.1.4,
 * §3.5 initialization, §3.6 shutdown, §3.7 resets).
 *
 * Storage and the per-bit access rules (RO, RW, RW1C, RW1S, 64-bit halves)
 * belong to the engine's struct nvmesim_bar; this file adds what a write
 * means: CC.EN 0->1 validates the configuration and brings the controller up
 * after the ready delay, or sets CSTS.CFS naming the broken rule; CC.EN 1->0
 * is a Controller Reset; CC.SHN starts a shutdown; a write of "NVMe" to NSSR
 * is an NVM Subsystem Reset.  Anything the host gets wrong is ignored the way
 * the spec says and reported through a diagnostic, never a crash.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "ctrl/ctrl.h"

#define CSTS_RDY NVMESIM_FIELD_SET(1, CSTS_RDY)
#define CSTS_CFS NVMESIM_FIELD_SET(1, CSTS_CFS)
#define CSTS_NSSRO NVMESIM_FIELD_SET(1, CSTS_NSSRO)
#define CSTS_SHST NVMESIM_FIELD_SET(NVMESIM_CSTS_SHST_MASK, CSTS_SHST)

static uint32_t regs_get(const struct nvmesim_ctrl *c, uint32_t off)
{
	return nvmesim_bar_get32(&c->bar, off);
}

static void regs_set(struct nvmesim_ctrl *c, uint32_t off, uint32_t v)
{
	nvmesim_bar_set32(&c->bar, off, v);
}

/* nvmesim_regs_init - load every register with its reset value (CAP and VS from opts) */
void nvmesim_regs_init(struct nvmesim_ctrl *c)
{
	const struct nvmesim_sim_opts *o = &c->opts;
	uint64_t cap = 0;
	uint32_t crto = 0;
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(c->bar.u.d); i++)
		c->bar.u.d[i] = 0;
	cap |= NVMESIM_FIELD_SET(o->mqes, CAP_MQES);
	cap |= NVMESIM_FIELD_SET(o->cqr, CAP_CQR);
	cap |= NVMESIM_FIELD_SET(1, CAP_AMS);          /* bit 0: weighted round robin + urgent */
	cap |= NVMESIM_FIELD_SET(o->timeout_500ms, CAP_TO);
	cap |= NVMESIM_FIELD_SET(o->dstrd, CAP_DSTRD);
	cap |= NVMESIM_FIELD_SET(o->nssrs, CAP_NSSRS);
	cap |= NVMESIM_FIELD_SET(NVMESIM_CAP_CSS_NVM, CAP_CSS);
	cap |= NVMESIM_FIELD_SET(o->mpsmin, CAP_MPSMIN);
	cap |= NVMESIM_FIELD_SET(o->mpsmax, CAP_MPSMAX);
	/* §3.1.4.1: controllers of 2.0 and later report CRWMS=1 and a CRTO.CRWMT */
	if (NVMESIM_FIELD_GET(o->vs, VS_MJR) >= 2) {
		cap |= NVMESIM_FIELD_SET(1, CAP_CRMS);
		crto = (uint32_t)NVMESIM_FIELD_SET(o->timeout_500ms, CRTO_CRWMT);
	}
	nvmesim_bar_set64(&c->bar, NVMESIM_REG_CAP, cap);
	regs_set(c, NVMESIM_REG_VS, o->vs);
	regs_set(c, NVMESIM_REG_CRTO, crto);
	c->asq_raw = 0;
	c->acq_raw = 0;
	c->page_size = 1u << (12 + o->mpsmin);
}

/* nvmesim_regs_fatal - set CSTS.CFS (NVMe 2.0 §3.1.4.6) after emitting @why */
void nvmesim_regs_fatal(struct nvmesim_ctrl *c, const char *why)
{
	nvmesim_ctrl_diag(c, "%s -> CSTS.CFS", why);
	regs_set(c, NVMESIM_REG_CSTS, regs_get(c, NVMESIM_REG_CSTS) | CSTS_CFS);
}

static void regs_ready_ev(void *arg, uint64_t gen)
{
	struct nvmesim_ctrl *c = arg;
	uint32_t csts = regs_get(c, NVMESIM_REG_CSTS);

	if (gen != c->rdy_gen || (csts & CSTS_CFS) || !(regs_get(c, NVMESIM_REG_CC) & 1))
		return;
	regs_set(c, NVMESIM_REG_CSTS, csts | CSTS_RDY);
}

static void regs_notready_ev(void *arg, uint64_t gen)
{
	struct nvmesim_ctrl *c = arg;

	if (gen != c->rdy_gen)
		return;
	regs_set(c, NVMESIM_REG_CSTS, regs_get(c, NVMESIM_REG_CSTS) & ~(uint32_t)CSTS_RDY);
}

static void regs_shutdown_ev(void *arg, uint64_t gen)
{
	struct nvmesim_ctrl *c = arg;
	uint32_t csts = regs_get(c, NVMESIM_REG_CSTS) & ~(uint32_t)CSTS_SHST;

	if (gen != c->shn_gen)
		return;
	regs_set(c, NVMESIM_REG_CSTS,
		 csts | (uint32_t)NVMESIM_FIELD_SET(NVMESIM_SHST_COMPLETE, CSTS_SHST));
}

/* Schedule @fn(gen) after @delay; if the scheduler cannot grow, do it now. */
static void regs_later(struct nvmesim_ctrl *c, uint64_t delay, nvmesim_event_fn fn, uint64_t gen)
{
	if (!delay || nvmesim_sched_at(&c->sched, c->sched.now + delay, fn, c, gen))
		fn(c, gen);
}

/*
 * CC.EN 0->1 (NVMe 2.0 §3.5.1 steps 4-6): the configuration must be one this
 * controller supports.  Returns NULL or writes the broken rule into @buf.
 */
static const char *regs_enable_check(struct nvmesim_ctrl *c, uint32_t cc, char *buf, size_t len)
{
	uint64_t cap = nvmesim_bar_get64(&c->bar, NVMESIM_REG_CAP);
	uint32_t aqa = regs_get(c, NVMESIM_REG_AQA);
	unsigned int mps = (unsigned int)NVMESIM_FIELD_GET(cc, CC_MPS);
	unsigned int css = (unsigned int)NVMESIM_FIELD_GET(cc, CC_CSS);
	unsigned int ams = (unsigned int)NVMESIM_FIELD_GET(cc, CC_AMS);
	unsigned int capams = (unsigned int)NVMESIM_FIELD_GET(cap, CAP_AMS);
	unsigned int capcss = (unsigned int)NVMESIM_FIELD_GET(cap, CAP_CSS);
	unsigned int sqes = (unsigned int)NVMESIM_FIELD_GET(cc, CC_IOSQES);
	unsigned int cqes = (unsigned int)NVMESIM_FIELD_GET(cc, CC_IOCQES);
	uint64_t page;

	if (mps < NVMESIM_FIELD_GET(cap, CAP_MPSMIN) || mps > NVMESIM_FIELD_GET(cap, CAP_MPSMAX)) {
		snprintf(buf, len, "CC.MPS %u outside CAP.MPSMIN..MPSMAX %u..%u "
			 "(NVMe 2.0 §3.1.4.5)", mps,
			 (unsigned int)NVMESIM_FIELD_GET(cap, CAP_MPSMIN),
			 (unsigned int)NVMESIM_FIELD_GET(cap, CAP_MPSMAX));
		return buf;
	}
	page = 1ull << (12 + mps);
	if ((css == NVMESIM_CC_CSS_NVM && !(capcss & NVMESIM_CAP_CSS_NVM)) ||
	    (css == NVMESIM_CC_CSS_CSI && !(capcss & NVMESIM_CAP_CSS_CSI)) ||
	    (css == NVMESIM_CC_CSS_ADMIN && !(capcss & NVMESIM_CAP_CSS_ADMIN)) ||
	    (css != NVMESIM_CC_CSS_NVM && css != NVMESIM_CC_CSS_CSI &&
	     css != NVMESIM_CC_CSS_ADMIN)) {
		snprintf(buf, len, "CC.CSS %u is not a command set CAP.CSS 0x%02x supports "
			 "(NVMe 2.0 §3.1.4.5)", css, capcss);
		return buf;
	}
	if (!(ams == NVMESIM_CC_AMS_RR || (ams == NVMESIM_CC_AMS_WRRU && (capams & 1)) ||
	      (ams == NVMESIM_CC_AMS_VS && (capams & 2)))) {
		snprintf(buf, len, "CC.AMS %u is not an arbitration mechanism CAP.AMS 0x%x "
			 "supports (NVMe 2.0 §3.1.4.5)", ams, capams);
		return buf;
	}
	if (NVMESIM_FIELD_GET(aqa, AQA_ASQS) < 1) {
		snprintf(buf, len, "AQA.ASQS 0: the admin SQ needs at least 2 entries (0's based "
			 "value >= 1) (NVMe 2.0 §3.1.4.8)");
		return buf;
	}
	if (NVMESIM_FIELD_GET(aqa, AQA_ACQS) < 1) {
		snprintf(buf, len, "AQA.ACQS 0: the admin CQ needs at least 2 entries (0's based "
			 "value >= 1) (NVMe 2.0 §3.1.4.8)");
		return buf;
	}
	if (c->asq_raw & (page - 1)) {
		snprintf(buf, len, "ASQ 0x%" PRIx64 " not aligned to the %" PRIu64 " KiB memory "
			 "page (NVMe 2.0 §3.1.4.9)", c->asq_raw, page >> 10);
		return buf;
	}
	if (c->acq_raw & (page - 1)) {
		snprintf(buf, len, "ACQ 0x%" PRIx64 " not aligned to the %" PRIu64 " KiB memory "
			 "page (NVMe 2.0 §3.1.4.10)", c->acq_raw, page >> 10);
		return buf;
	}
	/* Identify SQES/CQES = 0x66/0x44: the only I/O entry sizes are 64 and 16 bytes; 0
	 * means "not set yet" and is checked again when an I/O queue is created. */
	if (sqes != 0 && sqes != 6) {
		snprintf(buf, len, "CC.IOSQES %u: I/O SQ entries are 2^6 = 64 bytes (Identify "
			 "SQES 0x66) (NVMe 2.0 §3.1.4.5)", sqes);
		return buf;
	}
	if (cqes != 0 && cqes != 4) {
		snprintf(buf, len, "CC.IOCQES %u: I/O CQ entries are 2^4 = 16 bytes (Identify "
			 "CQES 0x44) (NVMe 2.0 §3.1.4.5)", cqes);
		return buf;
	}
	return NULL;
}

static void regs_enable(struct nvmesim_ctrl *c, uint32_t cc)
{
	uint32_t csts = regs_get(c, NVMESIM_REG_CSTS);
	uint32_t aqa = regs_get(c, NVMESIM_REG_AQA);
	char buf[256], why[300];
	const char *err;

	if (csts & CSTS_RDY)
		nvmesim_ctrl_diag(c, "CC.EN 0->1 while CSTS.RDY=1: after clearing CC.EN the host "
				  "must wait for CSTS.RDY=0 before setting it again; results are "
				  "undefined (NVMe 2.0 §3.1.4.5); treating it as a new enable");
	c->rdy_gen++;
	csts &= ~(uint32_t)(CSTS_RDY | CSTS_CFS);
	regs_set(c, NVMESIM_REG_CSTS, csts);
	/* Queues of an earlier life are gone already (reset); be safe against re-enables. */
	nvmesim_exec_reset(c);

	err = regs_enable_check(c, cc, buf, sizeof(buf));
	if (err) {
		snprintf(why, sizeof(why), "CC.EN=1: %s", err);
		nvmesim_regs_fatal(c, why);
		return;
	}
	c->page_size = 1u << (12 + NVMESIM_FIELD_GET(cc, CC_MPS));
	if (nvmesim_exec_cq_new(c, 0, c->acq_raw, (uint16_t)(NVMESIM_FIELD_GET(aqa, AQA_ACQS) + 1),
				true, 0) ||
	    nvmesim_exec_sq_new(c, 0, 0, c->asq_raw,
				(uint16_t)(NVMESIM_FIELD_GET(aqa, AQA_ASQS) + 1), 0)) {
		nvmesim_regs_fatal(c, "CC.EN=1: out of memory creating the admin queues");
		return;
	}
	regs_later(c, c->opts.ready_delay_ns, regs_ready_ev, c->rdy_gen);
}

/*
 * Controller Reset (NVMe 2.0 §3.7.2), started by CC.EN 1->0: every queue and
 * outstanding command is dropped, features return to their defaults, CC,
 * INTMS/INTMC and CSTS return to their reset values (CSTS.RDY after the
 * ready delay; NSSRO is NVM subsystem state and stays), and AQA, ASQ and ACQ
 * keep what the host wrote so it can simply set CC.EN again.
 */
static void regs_controller_reset(struct nvmesim_ctrl *c)
{
	uint32_t csts = regs_get(c, NVMESIM_REG_CSTS);

	nvmesim_exec_reset(c);
	nvmesim_aer_reset(c);
	nvmesim_admin_reset(c);
	c->shn_gen++;
	c->rdy_gen++;
	regs_set(c, NVMESIM_REG_CC, 0);
	regs_set(c, NVMESIM_REG_INTMS, 0);
	regs_set(c, NVMESIM_REG_INTMC, 0);
	regs_set(c, NVMESIM_REG_CSTS, csts & (uint32_t)(CSTS_RDY | CSTS_NSSRO));
	if (csts & CSTS_RDY)
		regs_later(c, c->opts.ready_delay_ns, regs_notready_ev, c->rdy_gen);
}

/*
 * NVM Subsystem Reset (NVMe 2.0 §3.7.1): like a power cycle of the
 * controller's state (every register to its reset value, AQA/ASQ/ACQ too;
 * queues gone), after which CSTS.NSSRO=1 tells the host why.  Namespace data
 * is non-volatile and survives.
 */
static void regs_subsystem_reset(struct nvmesim_ctrl *c)
{
	uint32_t csts = regs_get(c, NVMESIM_REG_CSTS);

	if ((csts & CSTS_RDY) &&
	    NVMESIM_FIELD_GET(csts, CSTS_SHST) != NVMESIM_SHST_COMPLETE)
		c->unsafe_shutdowns++;
	nvmesim_exec_reset(c);
	nvmesim_aer_reset(c);
	nvmesim_admin_reset(c);
	c->shn_gen++;
	c->rdy_gen++;
	nvmesim_regs_init(c);
	regs_set(c, NVMESIM_REG_CSTS, (uint32_t)CSTS_NSSRO);
}

static void regs_cc(struct nvmesim_ctrl *c, uint32_t old, uint32_t cc)
{
	const uint32_t frozen = (uint32_t)(NVMESIM_FIELD_SET(NVMESIM_CC_CSS_MASK, CC_CSS) |
					   NVMESIM_FIELD_SET(NVMESIM_CC_MPS_MASK, CC_MPS) |
					   NVMESIM_FIELD_SET(NVMESIM_CC_AMS_MASK, CC_AMS));
	const uint32_t crime = (uint32_t)NVMESIM_FIELD_SET(1, CC_CRIME);
	unsigned int shn_old = (unsigned int)NVMESIM_FIELD_GET(old, CC_SHN);
	unsigned int shn = (unsigned int)NVMESIM_FIELD_GET(cc, CC_SHN);
	uint32_t csts;

	if ((old & 1) && !(cc & 1)) {
		regs_controller_reset(c);
		return;
	}
	if ((cc & crime) && !(NVMESIM_FIELD_GET(nvmesim_bar_get64(&c->bar, NVMESIM_REG_CAP),
						CAP_CRMS) & 2)) {
		nvmesim_ctrl_diag(c, "CC.CRIME=1 but CAP.CRIMS=0: bit is reserved, cleared "
				  "(NVMe 2.0 §3.1.4.5)");
		cc &= ~crime;
		regs_set(c, NVMESIM_REG_CC, cc);
	}
	if (!(old & 1) && (cc & 1)) {
		regs_enable(c, cc);
	} else if ((old & 1) && ((old ^ cc) & frozen)) {
		/* §3.1.4.5: CSS, MPS and AMS may only change while CC.EN=0 */
		nvmesim_ctrl_diag(c, "CC 0x%08x -> 0x%08x: CC.CSS, CC.MPS and CC.AMS may only "
				  "change while CC.EN=0 (NVMe 2.0 §3.1.4.5); old values kept",
				  old, cc);
		cc = (cc & ~frozen) | (old & frozen);
		regs_set(c, NVMESIM_REG_CC, cc);
	}

	/* Shutdown notification (§3.6.1): SHST 01b now, 10b when processing is done. */
	csts = regs_get(c, NVMESIM_REG_CSTS) & ~(uint32_t)CSTS_SHST;
	if (shn == 3 && shn_old != 3) {
		nvmesim_ctrl_diag(c, "CC.SHN 11b is reserved; no shutdown started "
				  "(NVMe 2.0 §3.1.4.5)");
	} else if (shn_old == 0 && shn != 0) {
		if (!(cc & 1))
			nvmesim_ctrl_diag(c, "CC.SHN=%ub with CC.EN=0: shutdown of a disabled "
					  "controller (NVMe 2.0 §3.6.1)", shn);
		c->shn_gen++;
		regs_set(c, NVMESIM_REG_CSTS,
			 csts | (uint32_t)NVMESIM_FIELD_SET(NVMESIM_SHST_OCCURRING, CSTS_SHST));
		regs_later(c, c->opts.shutdown_delay_ns, regs_shutdown_ev, c->shn_gen);
	} else if (shn_old != 0 && shn == 0) {
		/* §3.1.4.6: clearing SHN returns SHST to 00b */
		c->shn_gen++;
		regs_set(c, NVMESIM_REG_CSTS, csts);
	}
}

static void regs_nssr(struct nvmesim_ctrl *c, uint32_t val)
{
	/* §3.1.4.7: NSSRC always reads back as 0 */
	regs_set(c, NVMESIM_REG_NSSR, 0);
	if (!c->opts.nssrs) {
		nvmesim_ctrl_diag(c, "NSSR <- 0x%08x: CAP.NSSRS=0, NVM Subsystem Reset not "
				  "supported; ignored (NVMe 2.0 §3.1.4.7)", val);
		return;
	}
	if (val != NVMESIM_NSSR_RESET) {
		nvmesim_ctrl_diag(c, "NSSR <- 0x%08x: only 0x4E564D65 (\"NVMe\") starts an NVM "
				  "Subsystem Reset; no effect (NVMe 2.0 §3.1.4.7)", val);
		return;
	}
	regs_subsystem_reset(c);
}

static void regs_raw64(uint64_t *raw, const struct nvmesim_bar_wr *wr, uint32_t val)
{
	unsigned int shift = wr->half ? 32 : 0;

	*raw = (*raw & ~(0xffffffffull << shift)) | ((uint64_t)val << shift);
}

/* nvmesim_regs_read32 - a host 32-bit read of BAR0 at @off; returns the value */
uint32_t nvmesim_regs_read32(struct nvmesim_ctrl *c, uint32_t off)
{
	if (off & 3) {
		nvmesim_ctrl_diag(c, "R32 0x%x: not dword aligned, returning 0 (NVMe 2.0 §3.1.4: "
				  "registers are read as dwords or qwords)", off);
		return 0;
	}
	if (off >= NVMESIM_BAR_REGS_SIZE) {
		/* SQyTDBL/CQyHDBL: the host should not read doorbells, the value is vendor
		 * specific (NVMe over PCIe Transport 1.0, doorbell property definitions) */
		nvmesim_ctrl_diag(c, "R32 0x%x: doorbells are not meant to be read by the host; "
				  "value is vendor specific, returning 0 (NVMe PCIe Transport "
				  "1.0, SQyTDBL/CQyHDBL)", off);
		return 0;
	}
	return nvmesim_bar_read32(&c->bar, off);
}

/* nvmesim_regs_write32 - a host 32-bit write of BAR0 at @off with its side effects */
void nvmesim_regs_write32(struct nvmesim_ctrl *c, uint32_t off, uint32_t val)
{
	uint32_t old_cc;
	struct nvmesim_bar_wr wr = { 0 };

	/* doorbells first: one or two per I/O */
	if (NVMESIM_LIKELY(off >= NVMESIM_BAR_REGS_SIZE && !(off & 3))) {
		nvmesim_db_write(c, off, val);
		return;
	}
	old_cc = regs_get(c, NVMESIM_REG_CC);
	if (off & 3) {
		nvmesim_ctrl_diag(c, "W32 0x%x <- 0x%08x: not dword aligned, ignored (NVMe 2.0 "
				  "§3.1.4)", off, val);
		return;
	}
	if (off >= NVMESIM_BAR_REGS_SIZE) {
		nvmesim_db_write(c, off, val);
		return;
	}
	nvmesim_bar_write32(&c->bar, off, val, &wr);
	if (!wr.def) {
		nvmesim_ctrl_diag(c, "W32 0x%03x <- 0x%08x: reserved offset, no register here; "
				  "ignored (NVMe 2.0 §3.1.4, Figure 33)", off, val);
		return;
	}
	if (wr.absent) {
		if (wr.def->off == NVMESIM_REG_NSSR) {
			regs_nssr(c, val);
			return;
		}
		nvmesim_ctrl_diag(c, "W32 %s <- 0x%08x: register not implemented by this "
				  "controller (its CAP bit is 0), reserved; ignored (NVMe 2.0 %s)",
				  wr.def->name, val, wr.def->section);
		return;
	}
	/* NSSR and NSSD store nothing: the value is a command, not a setting */
	if (wr.ignored && wr.def->off != NVMESIM_REG_NSSR && wr.def->off != NVMESIM_REG_NSSD)
		nvmesim_ctrl_diag(c, "W32 %s%s <- 0x%08x: bits 0x%08x are read-only or reserved, "
				  "ignored (NVMe 2.0 %s)", wr.def->name,
				  wr.def->width == 8 ? (wr.half ? "[63:32]" : "[31:0]") : "",
				  val, wr.ignored, wr.def->section);

	switch (wr.def->off) {
	case NVMESIM_REG_CC:
		regs_cc(c, old_cc, wr.val);
		break;
	case NVMESIM_REG_NSSR:
		regs_nssr(c, val);
		break;
	case NVMESIM_REG_INTMS:
	case NVMESIM_REG_INTMC:
		nvmesim_ctrl_diag(c, "W32 %s <- 0x%08x: INTMS/INTMC mask pin-based and MSI "
				  "interrupts; with MSI-X, which this controller uses, host access "
				  "is undefined (NVMe 2.0 §3.1.4.3); mask stored, MSI-X unaffected",
				  wr.def->name, val);
		break;
	case NVMESIM_REG_ASQ:
	case NVMESIM_REG_ACQ:
		regs_raw64(wr.def->off == NVMESIM_REG_ASQ ? &c->asq_raw : &c->acq_raw, &wr, val);
		/* fall through */
	case NVMESIM_REG_AQA:
		if (old_cc & 1)
			nvmesim_ctrl_diag(c, "W32 %s while CC.EN=1: admin queue attributes are "
					  "read at CC.EN 0->1 only; takes effect after a reset "
					  "(NVMe 2.0 §3.5.1)", wr.def->name);
		break;
	default:
		break;
	}
}
