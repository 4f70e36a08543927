/* SPDX-License-Identifier: MIT */
/*
 * doorbell.c - decoding and validating doorbell writes (SQyTDBL/CQyHDBL, which
 * NVMe 2.0 moved to the NVMe over PCIe Transport spec 1.0; base §3.3.1, §5.2).
 *
 * Doorbells follow the register block at 0x1000, one per queue direction,
 * CAP.DSTRD apart: SQ y tail at 0x1000 + 2y * (4 << DSTRD), CQ y head one
 * stride later.  A write the spec calls invalid is ignored (queue state does
 * not change) and reported the way §5.2 prescribes: an Error asynchronous
 * event, "Write to Invalid Doorbell Register" (00h) for a queue that does not
 * exist, "Invalid Doorbell Write Value" (01h) for a value out of range, equal
 * to the previous one, overfilling the SQ or consuming CQEs never posted, plus
 * an Error Information log entry and a diagnostic naming the rule.
 *
 * Doorbell Buffer Config (NVMe 2.0 §5.8; admin.c) adds shadow doorbells in
 * host memory, laid out like the registers (queue y's SQ slot at
 * 2y * (4 << DSTRD), its CQ slot one stride later), and an EventIdx buffer of
 * the same layout.  While it is on, the controller takes tails and heads from
 * the shadows: whenever it looks at an SQ (each fetch turn) or posts to a CQ
 * it re-reads the shadow and then writes EventIdx = the tail (SQ) or head
 * (CQ) it now knows, so the host rings an MMIO doorbell only when it moves
 * past a value the controller has seen (QEMU nvme_update_sq_tail /
 * nvme_update_sq_eventidx / nvme_update_cq_eventidx do the same).  An MMIO
 * doorbell write is then a wakeup: for the admin queue its value is first
 * mirrored into the shadow, as QEMU does, because Linux never updates admin
 * shadows; for an I/O queue the shadow is authoritative (QEMU overrides the
 * MMIO value with the shadow's when it processes the queue).  A shadow value
 * the rules above reject is ignored with a diagnostic (once per value) and
 * no event, since the host may be in the middle of updating it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "ctrl/ctrl.h"

/* The event and the log entry §5.2 asks for when a doorbell write is invalid. */
static void db_error(struct nvmesim_ctrl *c, uint16_t qid, uint8_t info)
{
	nvmesim_errlog_add(c, qid, 0xffff, 0, 0xffff, 0, 0);
	nvmesim_aer_event(c, NVMESIM_AER_TYPE_ERROR, info, NVMESIM_LOG_ERROR);
}

static void db_sq(struct nvmesim_ctrl *c, uint16_t qid, uint32_t val)
{
	struct nvmesim_ctrl_sq *sq = c->sq[qid];
	const char *why;

	if (!sq) {
		nvmesim_ctrl_diag(c, "SQ%u tail doorbell <- %u: SQ %u does not exist; ignored, "
				  "Error event 00h Write to Invalid Doorbell Register "
				  "(NVMe 2.0 §5.2, Figure 147)", qid, val, qid);
		db_error(c, qid, NVMESIM_AER_ERR_INVALID_DB);
		return;
	}
	why = nvmesim_dsq_check_tail(&sq->q, val);
	if (why) {
		nvmesim_ctrl_diag(c, "SQ%u tail doorbell <- %u (size %u, head %u, tail %u): %s; "
				  "ignored, Error event 01h Invalid Doorbell Write Value "
				  "(NVMe 2.0 §5.2, Figure 147)", qid, val, sq->q.r.size,
				  sq->q.r.head, sq->q.r.tail, why);
		db_error(c, qid, NVMESIM_AER_ERR_INVALID_DB_VALUE);
		return;
	}
	sq->q.r.tail = (uint16_t)val;
	nvmesim_exec_kick(c);
}

static void db_cq(struct nvmesim_ctrl *c, uint16_t qid, uint32_t val)
{
	struct nvmesim_ctrl_cq *cq = c->cq[qid];
	const char *why;

	if (!cq) {
		nvmesim_ctrl_diag(c, "CQ%u head doorbell <- %u: CQ %u does not exist; ignored, "
				  "Error event 00h Write to Invalid Doorbell Register "
				  "(NVMe 2.0 §5.2, Figure 147)", qid, val, qid);
		db_error(c, qid, NVMESIM_AER_ERR_INVALID_DB);
		return;
	}
	why = nvmesim_dcq_check_head(&cq->q, val);
	if (why) {
		nvmesim_ctrl_diag(c, "CQ%u head doorbell <- %u (size %u, head %u, tail %u): %s; "
				  "ignored, Error event 01h Invalid Doorbell Write Value "
				  "(NVMe 2.0 §5.2, Figure 147)", qid, val, cq->q.r.size,
				  cq->q.r.head, cq->q.r.tail, why);
		db_error(c, qid, NVMESIM_AER_ERR_INVALID_DB_VALUE);
		return;
	}
	cq->q.r.head = (uint16_t)val;
	cq->stalled_logged = false;
	nvmesim_exec_cq_flush(c, cq);
}

/* nvmesim_db_slot - offset of @qid's SQ or CQ slot in the dbbuf buffers; returns it */
uint64_t nvmesim_db_slot(const struct nvmesim_ctrl *c, uint16_t qid, bool is_cq)
{
	return (2ull * qid + (is_cq ? 1 : 0)) << (2 + c->opts.dstrd);
}

/* Read a shadow doorbell; false (and one diagnostic per queue state) if unreachable. */
static bool db_shadow_read(struct nvmesim_ctrl *c, uint16_t qid, bool is_cq, uint32_t *bad,
			   uint32_t *val)
{
	uint64_t a = c->dbbuf_dbs + nvmesim_db_slot(c, qid, is_cq);
	uint8_t b[4];

	if (nvmesim_iova_read(&c->map, a, b, 4)) {
		if (*bad != UINT32_MAX) {
			*bad = UINT32_MAX;
			nvmesim_ctrl_diag(c, "%s%u shadow doorbell at IOVA 0x%" PRIx64 " is not in "
					  "mapped host memory: ignored (NVMe 2.0 §5.8)",
					  is_cq ? "CQ" : "SQ", qid, a);
		}
		return false;
	}
	*val = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
	return true;
}

/* Write EventIdx @v of a queue (little endian); an unreachable buffer is left alone. */
static void db_eventidx(struct nvmesim_ctrl *c, uint16_t qid, bool is_cq, uint16_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), 0, 0 };

	(void)nvmesim_iova_write(&c->map, c->dbbuf_eis + nvmesim_db_slot(c, qid, is_cq), b, 4);
}

/* The diagnostic for a shadow value the doorbell rules reject, once per value. */
static void db_shadow_bad(struct nvmesim_ctrl *c, uint16_t qid, bool is_cq, uint32_t *bad,
			  uint32_t val, const struct nvmesim_ring *r, const char *why)
{
	if (*bad == val)
		return;
	*bad = val;
	nvmesim_ctrl_diag(c, "%s%u shadow %s doorbell = %u (size %u, head %u, tail %u): %s; "
			  "ignored (NVMe 2.0 §5.8, §5.2 Figure 147)", is_cq ? "CQ" : "SQ", qid,
			  is_cq ? "head" : "tail", val, r->size, r->head, r->tail, why);
}

/* nvmesim_db_shadow_sq - take @sq's tail from its shadow doorbell, write its EventIdx */
void nvmesim_db_shadow_sq(struct nvmesim_ctrl *c, struct nvmesim_ctrl_sq *sq)
{
	uint16_t qid = sq->q.qid;
	const char *why;
	uint32_t v;

	if (!db_shadow_read(c, qid, false, &sq->shadow_bad, &v))
		return;
	if (v != sq->q.r.tail) {
		why = (v & ~NVMESIM_DB_VALUE_MASK) ? "bits 31:16 set" :
		      nvmesim_dsq_check_tail(&sq->q, v);
		if (why)
			db_shadow_bad(c, qid, false, &sq->shadow_bad, v, &sq->q.r, why);
		else
			sq->q.r.tail = (uint16_t)v;
	}
	db_eventidx(c, qid, false, sq->q.r.tail);
}

/* nvmesim_db_shadow_cq - take @cq's head from its shadow doorbell, write its EventIdx */
void nvmesim_db_shadow_cq(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cq *cq)
{
	uint16_t qid = cq->q.qid;
	const char *why;
	uint32_t v;

	if (!db_shadow_read(c, qid, true, &cq->shadow_bad, &v))
		return;
	if (v != cq->q.r.head) {
		why = (v & ~NVMESIM_DB_VALUE_MASK) ? "bits 31:16 set" :
		      nvmesim_dcq_check_head(&cq->q, v);
		if (why) {
			db_shadow_bad(c, qid, true, &cq->shadow_bad, v, &cq->q.r, why);
		} else {
			cq->q.r.head = (uint16_t)v;
			cq->stalled_logged = false;
		}
	}
	db_eventidx(c, qid, true, cq->q.r.head);
}

/*
 * An MMIO doorbell write for an existing queue while Doorbell Buffer Config is
 * on: mirror an admin value into the shadow (QEMU: hosts such as Linux do not
 * update admin shadows), then wake the controller, which reads the shadow when
 * it processes the queue: the fetch pass for an SQ, the next post (held CQEs
 * first) for a CQ.  EventIdx is written then, not here, as in QEMU, whose
 * MMIO handler only schedules nvme_process_sq.
 */
static void db_with_shadow(struct nvmesim_ctrl *c, uint16_t qid, bool is_cq, uint32_t val)
{
	uint8_t b[4] = { (uint8_t)val, (uint8_t)(val >> 8), 0, 0 };

	if (qid == 0)
		(void)nvmesim_iova_write(&c->map, c->dbbuf_dbs + nvmesim_db_slot(c, 0, is_cq),
					 b, 4);
	if (is_cq)
		nvmesim_exec_cq_flush(c, c->cq[qid]);
	else
		nvmesim_exec_kick(c);
}

/* nvmesim_db_write - a host write to the doorbell area at BAR0 @off (>= 0x1000) */
void nvmesim_db_write(struct nvmesim_ctrl *c, uint32_t off, uint32_t val)
{
	uint32_t stride = 4u << c->opts.dstrd;
	uint32_t rel = off - NVMESIM_REG_DBS;
	uint32_t csts = nvmesim_bar_get32(&c->bar, NVMESIM_REG_CSTS);
	uint32_t cc = nvmesim_bar_get32(&c->bar, NVMESIM_REG_CC);
	uint32_t index, qid;
	bool is_cq;

	/* the stride is a power of two: masks and shifts, no division */
	if (rel & (stride - 1)) {
		nvmesim_ctrl_diag(c, "W32 0x%x <- 0x%08x: not on a doorbell boundary (stride %u "
				  "bytes, CAP.DSTRD=%u); ignored (NVMe PCIe Transport 1.0, "
				  "SQyTDBL/CQyHDBL)", off, val, stride, c->opts.dstrd);
		return;
	}
	index = rel >> (2 + c->opts.dstrd);
	qid = index / 2;
	is_cq = index & 1;
	if (!(cc & 1) || !(csts & 1) || (csts & 2)) {
		nvmesim_ctrl_diag(c, "%s%u %s doorbell <- %u while %s: the controller is not "
				  "processing commands; ignored (NVMe 2.0 §3.1.4.6)",
				  is_cq ? "CQ" : "SQ", qid, is_cq ? "head" : "tail", val,
				  (csts & 2) ? "CSTS.CFS=1" : !(cc & 1) ? "CC.EN=0" : "CSTS.RDY=0");
		return;
	}
	if (!is_cq && NVMESIM_FIELD_GET(csts, CSTS_SHST) != NVMESIM_SHST_NORMAL) {
		nvmesim_ctrl_diag(c, "SQ%u tail doorbell <- %u during or after a shutdown "
				  "(CSTS.SHST=%u): no new commands are processed until a reset "
				  "(NVMe 2.0 §3.6.1); ignored", qid, val,
				  (unsigned int)NVMESIM_FIELD_GET(csts, CSTS_SHST));
		return;
	}
	if (val & ~NVMESIM_DB_VALUE_MASK) {
		nvmesim_ctrl_diag(c, "%s%u doorbell <- 0x%08x: bits 31:16 are reserved and were "
				  "set; using bits 15:0 (NVMe PCIe Transport 1.0, SQyTDBL/CQyHDBL)",
				  is_cq ? "CQ" : "SQ", qid, val);
		val &= NVMESIM_DB_VALUE_MASK;
	}
	if (qid > c->opts.max_queues) {
		nvmesim_ctrl_diag(c, "%s%u %s doorbell <- %u: beyond the %u queues this "
				  "controller has; ignored, Error event 00h Write to Invalid Doorbell Register "
				  "(NVMe 2.0 §5.2, Figure 147)", is_cq ? "CQ" : "SQ", qid,
				  is_cq ? "head" : "tail", val, c->opts.max_queues);
		db_error(c, qid > 0xffff ? 0xffff : (uint16_t)qid, NVMESIM_AER_ERR_INVALID_DB);
		return;
	}
	if (c->dbbuf && (is_cq ? c->cq[qid] != NULL : c->sq[qid] != NULL)) {
		db_with_shadow(c, (uint16_t)qid, is_cq, val);
		return;
	}
	if (is_cq)
		db_cq(c, (uint16_t)qid, val);
	else
		db_sq(c, (uint16_t)qid, val);
}
