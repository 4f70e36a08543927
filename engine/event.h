/* SPDX-License-Identifier: MIT */
/*
 * event.h - the discrete-event scheduler behind virtual time.
 *
 * Simulated runs use a virtual nanosecond clock (DESIGN.md contract 2).  Work
 * the controller does later (set CSTS.RDY after the enable delay, complete a
 * command, finish a shutdown) is scheduled as an event; nvmesim_sched_step()
 * runs the earliest one and moves the clock to its time.  Events due at the
 * same instant run in the order they were scheduled (a sequence number breaks
 * ties), which keeps runs deterministic.
 *
 * Pending events live in three structures, invisible to callers (event.c
 * explains the design, docs/performance.md measures it): a calendar of time
 * buckets for the near future, a heap for the far future, and a FIFO lane for
 * producers whose events come in time order (posted MMIO writes).  Only the
 * order, time then scheduling order, is the contract.
 */
#ifndef NVMESIM_ENGINE_EVENT_H
#define NVMESIM_ENGINE_EVENT_H

#include <stdint.h>

#include "engine/nvmesim-internal.h"

/* nvmesim_event_fn - an event's action; @data is the value given when scheduling */
typedef void (*nvmesim_event_fn)(void *arg, uint64_t data);

/* log2 of the ns one calendar bucket covers, and of the number of buckets: the calendar
 * spans 2^(8 + 11) ns = 524 us ahead of the earliest pending event */
#define NVMESIM_SCHED_BUCKET_SHIFT 8
#define NVMESIM_SCHED_BUCKETS_SHIFT 11
#define NVMESIM_SCHED_BUCKETS (1u << NVMESIM_SCHED_BUCKETS_SHIFT)

/* struct nvmesim_event - one scheduled action (a node of the event pool, or a lane slot) */
struct nvmesim_event {
	uint64_t when;        /* virtual ns */
	uint64_t seq;         /* tie breaker: scheduling order */
	nvmesim_event_fn fn;  /* the action */
	void *arg;            /* its first argument */
	uint64_t data;        /* its second argument */
	uint32_t next;        /* next node in the same bucket (or free list); UINT32_MAX ends */
};

/* struct nvmesim_lane - a FIFO of events in (when, seq) order: a ring of @cap slots */
struct nvmesim_lane {
	struct nvmesim_event *ev;    /* the ring */
	unsigned int cap;            /* slots allocated (a power of two, or 0) */
	unsigned int head;           /* oldest slot */
	unsigned int n;              /* events in the lane */
};

/* struct nvmesim_sched - the clock and the pending events */
struct nvmesim_sched {
	uint64_t now;                /* current virtual time, ns */
	uint64_t next_seq;           /* sequence number of the next event scheduled */
	struct nvmesim_event *pool;  /* calendar and heap event nodes, addressed by index */
	uint32_t pool_cap;           /* nodes allocated */
	uint32_t free;               /* first free node, UINT32_MAX when none */
	uint32_t cal_first;          /* the calendar's earliest node, UINT32_MAX if empty */
	unsigned int nr_cal;         /* events in the calendar */
	uint64_t base;               /* bucket (when >> shift) no calendar event precedes */
	uint32_t *bucket;            /* per bucket: first node, sorted by (when, seq) */
	uint64_t *bits;              /* bit per non-empty bucket */
	uint64_t summary;            /* bit per non-zero word of @bits */
	uint32_t *far;               /* heap of node indices of events beyond the calendar */
	unsigned int nr_far;         /* entries in @far */
	unsigned int far_cap;        /* entries allocated */
	struct nvmesim_lane lane;    /* events of in-order producers */
};

/* nvmesim_sched_init - empty scheduler at time 0 */
NVMESIM_PRIV void nvmesim_sched_init(struct nvmesim_sched *s);

/* nvmesim_sched_fini - drop pending events and free storage */
NVMESIM_PRIV void nvmesim_sched_fini(struct nvmesim_sched *s);

/* nvmesim_sched_at - run @fn(@arg, @data) at virtual time @when (clamped to now); 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_sched_at(struct nvmesim_sched *s, uint64_t when, nvmesim_event_fn fn,
				  void *arg, uint64_t data);

/* nvmesim_sched_at_ordered - nvmesim_sched_at() for a producer whose events usually come
 * in time order (a CPU's posted writes): cheaper then, the same order always; 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_sched_at_ordered(struct nvmesim_sched *s, uint64_t when,
					  nvmesim_event_fn fn, void *arg, uint64_t data);

/* nvmesim_sched_step - run the earliest event if it is due at or before @limit;
 * 1 if one ran (the clock moved to its time), 0 if none is due */
NVMESIM_PRIV int nvmesim_sched_step(struct nvmesim_sched *s, uint64_t limit);

/* nvmesim_sched_advance - move the clock forward to @t without running anything */
NVMESIM_PRIV void nvmesim_sched_advance(struct nvmesim_sched *s, uint64_t t);

/* nvmesim_sched_pending - number of events waiting */
static inline unsigned int nvmesim_sched_pending(const struct nvmesim_sched *s)
{
	return s->nr_cal + s->nr_far + s->lane.n;
}

#endif /* NVMESIM_ENGINE_EVENT_H */
