/* SPDX-License-Identifier: MIT */
/*
 * queue.c - the SQ/CQ engine for both ends (see queue.h).
 *
 * Host side: an SQ slot is free again once a CQE's SQ Head Pointer has moved
 * past it (§4.6: SQHD tells the host which entries the controller consumed),
 * so the host never overwrites a command the controller has not fetched.
 * Device side: entries are fetched by DMA from the IOVA of the ring and CQEs
 * are written by DMA with the current phase tag; a full CQ stalls posting.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "engine/queue.h"

/* nvmesim_hsq_init - host SQ over @sqes, empty, doorbell at @db_off */
void nvmesim_hsq_init(struct nvmesim_hsq *sq, uint16_t qid, void *sqes, uint64_t iova,
		      uint16_t size, uint32_t db_off)
{
	memset(sq, 0, sizeof(*sq));
	sq->sqes = sqes;
	sq->iova = iova;
	sq->r.size = size;
	sq->qid = qid;
	sq->db_off = db_off;
}

/* nvmesim_hsq_post - copy @cmd to the tail slot; 0, or -EBUSY when the SQ is full */
int nvmesim_hsq_post(struct nvmesim_hsq *sq, const struct nvmesim_sqe *cmd)
{
	if (nvmesim_ring_full(&sq->r))
		return -EBUSY;
	sq->sqes[sq->r.tail] = *cmd;
	sq->r.tail = nvmesim_ring_next(&sq->r, sq->r.tail);
	return 0;
}

/* nvmesim_hsq_ring - announce posted commands with one tail doorbell write; 1 if written */
int nvmesim_hsq_ring(struct nvmesim_hsq *sq, struct nvmesim_end *end)
{
	if (sq->r.tail == sq->db_tail)
		return 0;
	nvmesim_end_write32(end, sq->db_off, sq->r.tail);
	sq->db_tail = sq->r.tail;
	return 1;
}

/* nvmesim_hcq_init - host CQ over zeroed @cqes; expects phase 1 first (§4.6) */
void nvmesim_hcq_init(struct nvmesim_hcq *cq, uint16_t qid, void *cqes, uint64_t iova,
		      uint16_t size, uint32_t db_off)
{
	memset(cq, 0, sizeof(*cq));
	cq->cqes = cqes;
	cq->iova = iova;
	cq->r.size = size;
	cq->phase = 1;
	cq->qid = qid;
	cq->db_off = db_off;
}

/* nvmesim_hcq_ring - tell the controller which entries are free; 1 if written */
int nvmesim_hcq_ring(struct nvmesim_hcq *cq, struct nvmesim_end *end)
{
	if (cq->r.head == cq->db_head)
		return 0;
	nvmesim_end_write32(end, cq->db_off, cq->r.head);
	cq->db_head = cq->r.head;
	return 1;
}

/* nvmesim_dsq_init - controller SQ, empty */
void nvmesim_dsq_init(struct nvmesim_dsq *sq, uint16_t qid, uint16_t cqid, uint64_t iova,
		      uint16_t size)
{
	memset(sq, 0, sizeof(*sq));
	sq->iova = iova;
	sq->r.size = size;
	sq->qid = qid;
	sq->cqid = cqid;
}

/* nvmesim_dcq_init - controller CQ, empty, first phase tag 1 */
void nvmesim_dcq_init(struct nvmesim_dcq *cq, uint16_t qid, uint64_t iova, uint16_t size,
		      bool ien, uint16_t iv)
{
	memset(cq, 0, sizeof(*cq));
	cq->iova = iova;
	cq->r.size = size;
	cq->phase = 1;
	cq->qid = qid;
	cq->ien = ien;
	cq->iv = iv;
}

/*
 * Invalid Doorbell Write Value (NVMe 2.0 §5.2.2, Figure 147, event info 01h)
 * lists: a value out of range of the queue, the same value as previously
 * written, one that adds more commands than there are free entries (which
 * includes adding to a full SQ), and one that removes a CQE from an empty CQ.
 */

/* nvmesim_dsq_check_tail - NULL if @val is a valid new SQ tail, else the rule broken */
const char *nvmesim_dsq_check_tail(const struct nvmesim_dsq *sq, uint32_t val)
{
	uint16_t added, free_entries;

	if (val >= sq->r.size)
		return "SQ tail doorbell value is not less than the queue size";
	if (val == sq->r.tail)
		return "SQ tail doorbell value is the same as the previous one";
	added = nvmesim_ring_dist(&sq->r, sq->r.tail, (uint16_t)val);
	free_entries = (uint16_t)(sq->r.size - 1u - nvmesim_ring_used(&sq->r));
	if (free_entries == 0)
		return "SQ tail doorbell adds a command to a full submission queue";
	if (added > free_entries)
		return "SQ tail doorbell adds more commands than there are free entries";
	return NULL;
}

/* nvmesim_dcq_check_head - NULL if @val is a valid new CQ head, else the rule broken */
const char *nvmesim_dcq_check_head(const struct nvmesim_dcq *cq, uint32_t val)
{
	if (val >= cq->r.size)
		return "CQ head doorbell value is not less than the queue size";
	if (val == cq->r.head)
		return "CQ head doorbell value is the same as the previous one";
	if (nvmesim_ring_dist(&cq->r, cq->r.head, (uint16_t)val) > nvmesim_ring_used(&cq->r))
		return "CQ head doorbell removes an entry from an empty completion queue";
	return NULL;
}
