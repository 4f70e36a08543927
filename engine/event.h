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
 */
#ifndef NVMESIM_ENGINE_EVENT_H
#define NVMESIM_ENGINE_EVENT_H

#include <stdint.h>

#include "engine/nvmesim-internal.h"

/* nvmesim_event_fn - an event's action; @data is the value given when scheduling */
typedef void (*nvmesim_event_fn)(void *arg, uint64_t data);

/* struct nvmesim_event - one scheduled action */
struct nvmesim_event {
	uint64_t when;        /* virtual ns */
	uint64_t seq;         /* tie breaker: scheduling order */
	nvmesim_event_fn fn;
	void *arg;
	uint64_t data;
};

/* struct nvmesim_sched - a binary min-heap of events ordered by (when, seq) */
struct nvmesim_sched {
	struct nvmesim_event *heap;
	unsigned int nr;
	unsigned int cap;
	uint64_t now;         /* current virtual time, ns */
	uint64_t next_seq;
};

/* nvmesim_sched_init - empty scheduler at time 0 */
NVMESIM_PRIV void nvmesim_sched_init(struct nvmesim_sched *s);

/* nvmesim_sched_fini - drop pending events and free storage */
NVMESIM_PRIV void nvmesim_sched_fini(struct nvmesim_sched *s);

/* nvmesim_sched_at - run @fn(@arg, @data) at virtual time @when (clamped to now); 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_sched_at(struct nvmesim_sched *s, uint64_t when, nvmesim_event_fn fn,
				  void *arg, uint64_t data);

/* nvmesim_sched_step - run the earliest event if it is due at or before @limit;
 * 1 if one ran (the clock moved to its time), 0 if none is due */
NVMESIM_PRIV int nvmesim_sched_step(struct nvmesim_sched *s, uint64_t limit);

/* nvmesim_sched_advance - move the clock forward to @t without running anything */
NVMESIM_PRIV void nvmesim_sched_advance(struct nvmesim_sched *s, uint64_t t);

/* nvmesim_sched_pending - number of events waiting */
static inline unsigned int nvmesim_sched_pending(const struct nvmesim_sched *s)
{
	return s->nr;
}

#endif /* NVMESIM_ENGINE_EVENT_H */
