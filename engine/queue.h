/* SPDX-License-Identifier: MIT */
/*
 * queue.h - the SQ/CQ engine, one implementation for both ends of the wire.
 *
 * Host side (struct nvmesim_hsq / nvmesim_hcq): the rings live in host memory
 * and are touched through pointers.  Posting a command and ringing the
 * doorbell are separate calls, as in libvfn (nvme_sq_post / nvme_sq_update_tail),
 * so doorbell policies can batch.  Completions are taken by phase tag and the
 * CQ head doorbell is written once per batch (Linux nvme_poll_cq).
 *
 * Device side (struct nvmesim_dsq / nvmesim_dcq): the controller sees the
 * rings only at an IOVA and reaches them by DMA through its nvmesim_iova_map.
 * It fetches entries up to the doorbell tail, posts CQEs with the current
 * phase and SQ head, and stalls posting while the CQ is full (§3.3.1.2) until
 * the host frees entries with a CQ head doorbell write.
 */
#ifndef NVMESIM_ENGINE_QUEUE_H
#define NVMESIM_ENGINE_QUEUE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "engine/iova.h"
#include "engine/nvmesim-internal.h"
#include "engine/ring.h"

/* struct nvmesim_hsq - host view of a submission queue */
struct nvmesim_hsq {
	struct nvmesim_sqe *sqes;  /* ring memory (host pointer) */
	uint64_t iova;             /* device address of sqes */
	struct nvmesim_ring r;     /* tail = next free slot; head = last SQHD seen in a CQE */
	uint16_t db_tail;          /* tail value last written to the doorbell */
	uint16_t qid;
	uint32_t db_off;           /* BAR0 offset of SQyTDBL */
};

/* struct nvmesim_hcq - host view of a completion queue */
struct nvmesim_hcq {
	struct nvmesim_cqe *cqes;  /* ring memory (host pointer), zeroed at creation */
	uint64_t iova;
	struct nvmesim_ring r;     /* head = next CQE to consume; tail unused */
	uint16_t db_head;          /* head value last written to the doorbell */
	uint8_t phase;             /* expected phase tag, starts at 1 */
	uint16_t qid;
	uint32_t db_off;           /* BAR0 offset of CQyHDBL */
};

/* nvmesim_hsq_init - set up an SQ of @size entries over @sqes at @iova */
NVMESIM_PRIV void nvmesim_hsq_init(struct nvmesim_hsq *sq, uint16_t qid, void *sqes,
				   uint64_t iova, uint16_t size, uint32_t db_off);

/* nvmesim_hsq_post - copy @cmd into the slot at the tail and advance it; 0 or -EBUSY (full) */
NVMESIM_PRIV int nvmesim_hsq_post(struct nvmesim_hsq *sq, const struct nvmesim_sqe *cmd);

/* nvmesim_hsq_ring - write the tail doorbell if it moved since the last write; 1 if written */
NVMESIM_PRIV int nvmesim_hsq_ring(struct nvmesim_hsq *sq, struct nvmesim_end *end);

/* nvmesim_hsq_update_head - record the SQ head reported by a CQE (frees slots).  This and
 * the other per-I/O ring steps below are inline: each runs once or twice per I/O and is a
 * few instructions long, less than the call (docs/performance.md). */
static inline void nvmesim_hsq_update_head(struct nvmesim_hsq *sq, uint16_t sqhd)
{
	if (sqhd < sq->r.size)
		sq->r.head = sqhd;
}

/* nvmesim_hcq_init - set up a CQ of @size entries over zeroed @cqes at @iova */
NVMESIM_PRIV void nvmesim_hcq_init(struct nvmesim_hcq *cq, uint16_t qid, void *cqes,
				   uint64_t iova, uint16_t size, uint32_t db_off);

/* nvmesim_hcq_peek - the CQE at the head if its phase tag is the expected one, else NULL */
static inline const struct nvmesim_cqe *nvmesim_hcq_peek(const struct nvmesim_hcq *cq)
{
	const volatile struct nvmesim_cqe *cqe = &cq->cqes[cq->r.head];

	/* Linux nvme_cqe_pending(): the phase bit is read first; on a real
	 * device a read barrier orders it before the rest of the entry. */
	if ((cqe->status & 1u) != cq->phase)
		return NULL;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return (const struct nvmesim_cqe *)cqe;
}

/* nvmesim_hcq_pop - consume the CQE at the head (inverts the phase on wrap) */
static inline void nvmesim_hcq_pop(struct nvmesim_hcq *cq)
{
	cq->r.head = nvmesim_ring_next(&cq->r, cq->r.head);
	if (cq->r.head == 0)
		cq->phase ^= 1u;
}

/* nvmesim_hcq_ring - write the head doorbell if it moved since the last write; 1 if written */
NVMESIM_PRIV int nvmesim_hcq_ring(struct nvmesim_hcq *cq, struct nvmesim_end *end);

/* struct nvmesim_dsq - controller view of a submission queue */
struct nvmesim_dsq {
	uint64_t iova;             /* base of the ring in host memory */
	struct nvmesim_ring r;     /* head = next entry to fetch; tail = last doorbell value */
	uint16_t qid;
	uint16_t cqid;             /* completion queue its commands complete to */
	uint8_t prio;              /* QPRIO for weighted round robin */
};

/* struct nvmesim_dcq - controller view of a completion queue */
struct nvmesim_dcq {
	uint64_t iova;
	struct nvmesim_ring r;     /* tail = next slot to post; head = last doorbell value */
	uint8_t phase;             /* phase tag of the next post, starts at 1 */
	uint16_t qid;
	bool ien;                  /* interrupts enabled */
	uint16_t iv;               /* MSI-X vector */
};

/* nvmesim_dsq_init - an empty SQ of @size entries at @iova */
NVMESIM_PRIV void nvmesim_dsq_init(struct nvmesim_dsq *sq, uint16_t qid, uint16_t cqid,
				   uint64_t iova, uint16_t size);

/* nvmesim_dsq_fetch - DMA the SQE at the head into @out and advance the head;
 * 1 fetched, 0 empty, -EFAULT when the entry is not in mapped host memory */
static inline int nvmesim_dsq_fetch(struct nvmesim_dsq *sq, struct nvmesim_iova_map *m,
				    struct nvmesim_sqe *out)
{
	const void *p;

	if (nvmesim_ring_empty(&sq->r))
		return 0;
	p = nvmesim_iova_ptr(m, sq->iova + (uint64_t)sq->r.head * sizeof(*out), sizeof(*out));
	if (!p)
		return -EFAULT;
	memcpy(out, p, sizeof(*out));   /* constant size: inlined, unlike nvmesim_iova_read() */
	sq->r.head = nvmesim_ring_next(&sq->r, sq->r.head);
	return 1;
}

/* nvmesim_dcq_init - an empty CQ of @size entries at @iova, phase 1 */
NVMESIM_PRIV void nvmesim_dcq_init(struct nvmesim_dcq *cq, uint16_t qid, uint64_t iova,
				   uint16_t size, bool ien, uint16_t iv);

/* nvmesim_dcq_post - DMA @cqe (its phase bit replaced by the CQ's) to the tail slot;
 * 0 posted, -EAGAIN when the CQ is full, -EFAULT when the slot is not mapped */
static inline int nvmesim_dcq_post(struct nvmesim_dcq *cq, struct nvmesim_iova_map *m,
				   const struct nvmesim_cqe *cqe)
{
	struct nvmesim_cqe e = *cqe;
	void *p;

	if (nvmesim_ring_full(&cq->r))
		return -EAGAIN;
	e.status = (uint16_t)((e.status & ~1u) | cq->phase);
	p = nvmesim_iova_ptr(m, cq->iova + (uint64_t)cq->r.tail * sizeof(e), sizeof(e));
	if (!p)
		return -EFAULT;
	memcpy(p, &e, sizeof(e));
	cq->r.tail = nvmesim_ring_next(&cq->r, cq->r.tail);
	if (cq->r.tail == 0)
		cq->phase ^= 1u;
	return 0;
}

/*
 * Doorbell value validation (NVMe 2.0 §5.2.2 Figure 147, Invalid Doorbell
 * Write Value).  Each returns NULL if @val is acceptable, else the rule broken.
 */

/* nvmesim_dsq_check_tail - a new SQ tail: in range, not the same as before, not overfilling */
NVMESIM_PRIV const char *nvmesim_dsq_check_tail(const struct nvmesim_dsq *sq, uint32_t val);

/* nvmesim_dcq_check_head - a new CQ head: in range and not past entries posted */
NVMESIM_PRIV const char *nvmesim_dcq_check_head(const struct nvmesim_dcq *cq, uint32_t val);

#endif /* NVMESIM_ENGINE_QUEUE_H */
