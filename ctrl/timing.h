/* SPDX-License-Identifier: MIT */
/*
 * timing.h - the timing model of the simulated controller: how long a
 * command takes between its doorbell and its completion, given a device
 * profile (include/nvmesim/profile.h).
 *
 * The model books every command's use of shared resources when the command
 * is fetched, on per-resource timelines, and computes its completion time
 * analytically; events are scheduled only where the order of use cannot be
 * known in advance (a flash read reaching its channel, write data reaching
 * the write cache, a background program finishing) and for the completion
 * itself.  Resources: the two directions of the PCIe link, the controller's
 * cores, every flash channel and die, and the DRAM write cache.  The host's
 * CPUs are accounted by the sim end (sim.c) with the profile's host costs.
 * docs/timing.md gives every formula; docs/profiles.md where the numbers of
 * the shipped profiles come from.
 *
 * Timelines that are booked out of time order (links, channels, dies) keep
 * their future busy intervals and give each new booking the first gap long
 * enough after its ready time (first fit), so a transfer booked late for an
 * early slot does not queue behind one booked early for a late slot.
 */
#ifndef NVMESIM_CTRL_TIMING_H
#define NVMESIM_CTRL_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/nvmesim-internal.h"

struct nvmesim_ctrl;
struct nvmesim_ctrl_cmd;
struct nvmesim_sqe;
struct nvmesim_timing;

/* struct nvmesim_span - one busy interval [s, e) of a timeline, ns */
struct nvmesim_span {
	uint64_t s; /* start */
	uint64_t e; /* end (exclusive) */
};

/* Intervals a timeline holds in its own struct before it needs heap storage. */
#define NVMESIM_TL_INLINE 6

/*
 * struct nvmesim_tl - a resource's booked busy intervals, ascending and
 * disjoint; intervals that ended before the current time are dropped (not
 * necessarily at once).  A timeline usually holds one or two intervals, so
 * the first few live in the struct itself: booking a random die then touches
 * the die's own cache lines only.  The struct must not move once used (@v
 * may point into it).
 */
struct nvmesim_tl {
	struct nvmesim_span *v; /* storage: @inl or the heap; entries v[head .. head + n) */
	unsigned int head;      /* first entry */
	unsigned int n;         /* entries */
	unsigned int cap;       /* entries of storage */
	struct nvmesim_span inl[NVMESIM_TL_INLINE]; /* the storage while it is small enough */
};

/* nvmesim_tl_fit - earliest start >= @ready at which @dur ns fit into @tl (intervals
 * that ended by @now are dropped first); returns the start */
NVMESIM_PRIV uint64_t nvmesim_tl_fit(struct nvmesim_tl *tl, uint64_t now, uint64_t ready,
				     uint64_t dur);

/* nvmesim_tl_book - mark [@t, @t + @dur) busy; the range must be free (from nvmesim_tl_fit) */
NVMESIM_PRIV void nvmesim_tl_book(struct nvmesim_tl *tl, uint64_t t, uint64_t dur);

/* nvmesim_tl_reserve - fit and book @dur ns at or after @ready; returns the start */
NVMESIM_PRIV uint64_t nvmesim_tl_reserve(struct nvmesim_tl *tl, uint64_t now, uint64_t ready,
					 uint64_t dur);

/* nvmesim_tl_make_room - drop intervals that ended by @now and make room for one more at the
 * end (growing the storage if needed); returns the index after the last interval, which
 * equals tl->cap when no memory could be had */
NVMESIM_PRIV unsigned int nvmesim_tl_make_room(struct nvmesim_tl *tl, uint64_t now);

/*
 * nvmesim_tl_reserve_inline - nvmesim_tl_reserve() with its common case inline:
 * nothing is booked after @ready, so the booking extends or follows the last
 * interval.  (Measured on 4 KiB random reads: three bookings in four are of
 * this kind, with one live interval on average.)  The model never books for
 * the past (@ready >= @now: every stage starts at or after the event that
 * books it), so intervals that ended by @now cannot be in the way: this path
 * leaves dropping them until the storage is full, or to the slow path.
 * Returns the start, exactly as nvmesim_tl_reserve() would.
 */
static inline uint64_t nvmesim_tl_reserve_inline(struct nvmesim_tl *tl, uint64_t now,
						 uint64_t ready, uint64_t dur)
{
	unsigned int end = tl->head + tl->n;

	if (dur && (!tl->n || tl->v[end - 1].e <= ready)) {
		if (tl->n && tl->v[end - 1].e == ready) {
			tl->v[end - 1].e = ready + dur;
			return ready;
		}
		if (end == tl->cap)
			end = nvmesim_tl_make_room(tl, now);
		if (end < tl->cap) {
			tl->v[end].s = ready;
			tl->v[end].e = ready + dur;
			tl->n++;
			return ready;
		}
	}
	return nvmesim_tl_reserve(tl, now, ready, dur);
}

/* nvmesim_tl_fini - free the intervals of @tl */
NVMESIM_PRIV void nvmesim_tl_fini(struct nvmesim_tl *tl);

/* enum nvmesim_tkind - what the model does with a fetched command */
enum nvmesim_tkind {
	NVMESIM_TK_NONE,    /* functional only (no profile, or an AER) */
	NVMESIM_TK_SIMPLE,  /* controller time, then the CQE */
	NVMESIM_TK_READ,    /* flash reads, data to the host */
	NVMESIM_TK_COMPARE, /* flash reads, data from the host */
	NVMESIM_TK_WRITE,   /* data from the host, into the cache or flash */
	NVMESIM_TK_FLUSH,   /* waits for dirty data written before it */
};

/* nvmesim_timing_new - the model for @c's profile (c->opts.profile set); 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_timing_new(struct nvmesim_ctrl *c);

/* nvmesim_timing_free - release the model of @c (NULL model allowed) */
NVMESIM_PRIV void nvmesim_timing_free(struct nvmesim_ctrl *c);

/* nvmesim_timing_link_ns - link time of @payload bytes sent as TLPs of at most @max_tlp
 * payload bytes each (one header-only TLP for 0 bytes); returns ns, rounded up */
NVMESIM_PRIV uint64_t nvmesim_timing_link_ns(const struct nvmesim_ctrl *c, uint64_t payload,
					     unsigned int max_tlp);

/* nvmesim_timing_fetch - a fetch of @n SQEs starting now: one device read of n * 64 bytes;
 * returns the time the entries are in the controller */
NVMESIM_PRIV uint64_t nvmesim_timing_fetch(struct nvmesim_ctrl *c, unsigned int n);

/* nvmesim_timing_start - model command @cmd (already executed functionally, result in
 * cmd->status) whose SQE @sqe arrived at @t_arr: book its resources and schedule what
 * completes it; returns 0, or -ENOMEM when no event could be scheduled (the caller then
 * completes it at once) */
NVMESIM_PRIV int nvmesim_timing_start(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
				      const struct nvmesim_sqe *sqe, uint64_t t_arr);

/* nvmesim_timing_irq_time - when the handler of an MSI-X message the controller sends now
 * (outside a modeled completion) starts; returns the time */
NVMESIM_PRIV uint64_t nvmesim_timing_irq_time(struct nvmesim_ctrl *c);

/* nvmesim_timing_reset - forget commands waiting inside the model (controller reset); they
 * are unlinked from the model's queues and freed by the caller through @drop */
NVMESIM_PRIV void nvmesim_timing_reset(struct nvmesim_ctrl *c,
				       void (*drop)(struct nvmesim_ctrl *c,
						    struct nvmesim_ctrl_cmd *cmd));

/* nvmesim_timing_cache_used - bytes in the write cache (for tests); returns the count */
NVMESIM_PRIV uint64_t nvmesim_timing_cache_used(const struct nvmesim_ctrl *c);

#endif /* NVMESIM_CTRL_TIMING_H */
