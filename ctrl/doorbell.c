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
 */
#include "config.h"

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
	if (is_cq)
		db_cq(c, (uint16_t)qid, val);
	else
		db_sq(c, (uint16_t)qid, val);
}
