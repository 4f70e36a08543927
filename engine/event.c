/* SPDX-License-Identifier: MIT */
/*
 * event.c - discrete-event scheduler: a calendar queue for the near future,
 * a binary min-heap for the far future and a FIFO lane for in-order
 * producers, all ordered by (when, seq).
 *
 * The sequence number makes the order of simultaneous events the order in
 * which they were scheduled, so a run never depends on the data structures:
 * whichever holds an event, the earliest (when, seq) of the three runs next.
 *
 * Why not one binary heap.  A replay schedules three or four events per
 * simulated I/O (posted doorbell writes, flash reads reaching their channel,
 * completions) with a few dozen pending at a time, all within a few hundred
 * microseconds of the clock.  A heap spends most of a push/pop pair on
 * mispredicted comparisons while sifting, about 40 ns per event on the
 * development machine; the structures below cost a fraction of that,
 * independently of how many events are pending (docs/performance.md).
 *
 * Calendar.  Time is cut into buckets of 2^NVMESIM_SCHED_BUCKET_SHIFT ns; the
 * calendar has NVMESIM_SCHED_BUCKETS of them, used as a ring: an event whose
 * absolute bucket (when >> shift) lies in [base, base + NVMESIM_SCHED_BUCKETS)
 * goes into slot (when >> shift) mod NVMESIM_SCHED_BUCKETS, in a list sorted
 * by (when, seq) (usually of length zero or one, since buckets are narrower
 * than the gaps between events).  A bit per non-empty slot, and a bit per
 * non-zero word of those bits, find the first non-empty slot at or after
 * base with two count-trailing-zeros.  Invariants: every calendar event's
 * bucket is >= base, and base never passes the clock's bucket; base moves to
 * the bucket of each event that runs (it was the earliest, so nothing pending
 * precedes it) and to the clock's bucket whenever the calendar is empty.  So
 * the ring never holds two buckets that share a slot, and scanning it from
 * base visits buckets in time order.  The calendar's earliest event is kept
 * at hand (cal_first), so deciding which event runs next, or that none is
 * due, reads no bucket.
 *
 * Heap.  Events beyond the calendar's span (program and erase times of
 * hundreds of microseconds, the enable delay) go into a binary heap of node
 * indices.  An event can sit there although it has come within the span
 * since it was scheduled; it still runs exactly in its turn.
 *
 * Lane.  A producer whose events come in time order (a CPU's posted MMIO
 * writes: they leave the CPU in order, a fixed latency apart from the
 * device) schedules with nvmesim_sched_at_ordered(): an event not earlier
 * than the lane's newest is appended to a ring buffer, anything else is
 * scheduled as usual.  Appending and taking the oldest are a few stores
 * each, and the slots are read back in the order they were written.
 *
 * Calendar and heap nodes come from a pool that only grows (doubling),
 * recycled through a free list, and the lane doubles when full, so steady
 * simulation allocates nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/event.h"

#define SCHED_NONE UINT32_MAX
#define SCHED_MASK ((uint64_t)NVMESIM_SCHED_BUCKETS - 1)
#define SCHED_WORDS (NVMESIM_SCHED_BUCKETS / 64)
#define SCHED_LANE_MIN 64u

NVMESIM_STATIC_ASSERT(SCHED_WORDS <= 64, "one summary word covers every bitmap word");

/* nvmesim_sched_init - empty scheduler at virtual time 0 (storage comes with the first
 * event, so this cannot fail) */
void nvmesim_sched_init(struct nvmesim_sched *s)
{
	memset(s, 0, sizeof(*s));
	s->free = SCHED_NONE;
	s->cal_first = SCHED_NONE;
}

/* nvmesim_sched_fini - free all storage (pending events are dropped) */
void nvmesim_sched_fini(struct nvmesim_sched *s)
{
	free(s->pool);
	free(s->bucket);
	free(s->bits);
	free(s->far);
	free(s->lane.ev);
	nvmesim_sched_init(s);
}

/* ev_before - the order of events: earlier time first, then earlier scheduling */
static inline int ev_before(const struct nvmesim_event *a, const struct nvmesim_event *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* The calendar's slots and bitmaps; 0 or -ENOMEM. */
static int sched_alloc_calendar(struct nvmesim_sched *s)
{
	s->bucket = malloc(NVMESIM_SCHED_BUCKETS * sizeof(*s->bucket));
	s->bits = calloc(SCHED_WORDS, sizeof(*s->bits));
	if (!s->bucket || !s->bits) {
		free(s->bucket);
		free(s->bits);
		s->bucket = NULL;
		s->bits = NULL;
		return -ENOMEM;
	}
	memset(s->bucket, 0xff, NVMESIM_SCHED_BUCKETS * sizeof(*s->bucket));  /* SCHED_NONE */
	return 0;
}

/* Double the node pool and put the new nodes on the free list; 0 or -ENOMEM. */
static int sched_grow_pool(struct nvmesim_sched *s)
{
	uint32_t cap = s->pool_cap ? s->pool_cap * 2 : 64, i;
	struct nvmesim_event *p;

	if (cap <= s->pool_cap || cap == SCHED_NONE)
		return -ENOMEM;   /* 2^31 pending events: refuse rather than wrap */
	p = realloc(s->pool, (size_t)cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (i = s->pool_cap; i < cap; i++)
		p[i].next = i + 1 < cap ? i + 1 : s->free;
	s->free = s->pool_cap;
	s->pool = p;
	s->pool_cap = cap;
	return 0;
}

/* ---------------------------------------------------------------- far heap */

static inline int far_before(const struct nvmesim_sched *s, uint32_t a, uint32_t b)
{
	return ev_before(&s->pool[a], &s->pool[b]);
}

/* Push node @i on the heap (room checked by the caller). */
static NVMESIM_COLD void far_push(struct nvmesim_sched *s, uint32_t i)
{
	unsigned int k, parent;

	for (k = s->nr_far++; k > 0; k = parent) {
		parent = (k - 1) / 2;
		if (!far_before(s, i, s->far[parent]))
			break;
		s->far[k] = s->far[parent];
	}
	s->far[k] = i;
}

/* Remove the heap's top. */
static NVMESIM_COLD void far_pop(struct nvmesim_sched *s)
{
	uint32_t last = s->far[--s->nr_far];
	unsigned int k = 0, c;

	for (;;) {
		c = 2 * k + 1;
		if (c >= s->nr_far)
			break;
		if (c + 1 < s->nr_far && far_before(s, s->far[c + 1], s->far[c]))
			c++;
		if (!far_before(s, s->far[c], last))
			break;
		s->far[k] = s->far[c];
		k = c;
	}
	s->far[k] = last;
}

/* ---------------------------------------------------------------- calendar */

/* Insert node @i, whose absolute bucket is @b (within the calendar's span). */
static inline void cal_insert(struct nvmesim_sched *s, uint32_t i, uint64_t b)
{
	unsigned int slot = (unsigned int)(b & SCHED_MASK);
	struct nvmesim_event *e = &s->pool[i];
	uint32_t *link = &s->bucket[slot];

	/* the newest event has the largest seq: it goes after every one due no later */
	while (*link != SCHED_NONE && s->pool[*link].when <= e->when)
		link = &s->pool[*link].next;
	e->next = *link;
	*link = i;
	s->bits[slot / 64] |= (uint64_t)1 << (slot % 64);
	s->summary |= (uint64_t)1 << (slot / 64);
	if (!s->nr_cal++ || e->when < s->pool[s->cal_first].when)
		s->cal_first = i;
}

/* The first non-empty slot at or after base, cyclically (the calendar is not empty). */
static inline unsigned int cal_first_slot(const struct nvmesim_sched *s)
{
	unsigned int slot = (unsigned int)(s->base & SCHED_MASK), w = slot / 64;
	uint64_t m = s->bits[w] & (~(uint64_t)0 << (slot % 64));

	if (m)
		return w * 64 + (unsigned int)__builtin_ctzll(m);
	/* words after w; then, wrapping round, the first non-empty one (w's own bits
	 * below slot included: those buckets lie a whole turn ahead) */
	m = s->summary & (~(uint64_t)1 << w);
	if (!m)
		m = s->summary;
	w = (unsigned int)__builtin_ctzll(m);
	return w * 64 + (unsigned int)__builtin_ctzll(s->bits[w]);
}

/* Unlink the calendar's earliest node (the head of its bucket) and find the next one;
 * base must already be at its bucket. */
static inline void cal_pop_first(struct nvmesim_sched *s, const struct nvmesim_event *e)
{
	unsigned int slot = (unsigned int)((e->when >> NVMESIM_SCHED_BUCKET_SHIFT) & SCHED_MASK);

	s->bucket[slot] = e->next;
	if (e->next == SCHED_NONE) {
		s->bits[slot / 64] &= ~((uint64_t)1 << (slot % 64));
		if (!s->bits[slot / 64])
			s->summary &= ~((uint64_t)1 << (slot / 64));
	}
	s->cal_first = --s->nr_cal ? s->bucket[cal_first_slot(s)] : SCHED_NONE;
}

/* ---------------------------------------------------------------- lane */

/* Double the lane @l, unwrapping the ring; 0 or -ENOMEM. */
static NVMESIM_COLD int lane_grow(struct nvmesim_lane *l)
{
	unsigned int cap = l->cap ? l->cap * 2 : SCHED_LANE_MIN, i;
	struct nvmesim_event *ev;

	if (cap <= l->cap)
		return -ENOMEM;
	ev = malloc((size_t)cap * sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	for (i = 0; i < l->n; i++)
		ev[i] = l->ev[(l->head + i) & (l->cap - 1)];
	free(l->ev);
	l->ev = ev;
	l->cap = cap;
	l->head = 0;
	return 0;
}

/* ---------------------------------------------------------------- interface */

/*
 * The slow path of nvmesim_sched_at(): allocate what is missing (calendar, node pool,
 * heap room) and place an event the calendar does not span in the heap; 0 or -ENOMEM.
 */
static NVMESIM_COLD int sched_at_slow(struct nvmesim_sched *s, uint64_t when,
				       nvmesim_event_fn fn, void *arg, uint64_t data)
{
	struct nvmesim_event *e;
	uint32_t *far;
	uint64_t b;
	uint32_t i;

	if (!s->bucket && sched_alloc_calendar(s))
		return -ENOMEM;
	if (s->free == SCHED_NONE && sched_grow_pool(s))
		return -ENOMEM;
	b = when >> NVMESIM_SCHED_BUCKET_SHIFT;
	if (b - s->base >= NVMESIM_SCHED_BUCKETS && s->nr_far == s->far_cap) {
		unsigned int cap = s->far_cap ? s->far_cap * 2 : 16;

		far = realloc(s->far, (size_t)cap * sizeof(*far));
		if (!far)
			return -ENOMEM;
		s->far = far;
		s->far_cap = cap;
	}
	i = s->free;
	e = &s->pool[i];
	s->free = e->next;
	e->when = when;
	e->seq = s->next_seq++;
	e->fn = fn;
	e->arg = arg;
	e->data = data;
	if (b - s->base < NVMESIM_SCHED_BUCKETS)
		cal_insert(s, i, b);
	else
		far_push(s, i);
	return 0;
}

/* nvmesim_sched_at - schedule @fn at @when (never in the past); 0 or -ENOMEM */
int nvmesim_sched_at(struct nvmesim_sched *s, uint64_t when, nvmesim_event_fn fn, void *arg,
		     uint64_t data)
{
	struct nvmesim_event *e;
	uint64_t b;
	uint32_t i;

	if (when < s->now)
		when = s->now;
	/* an empty calendar may start at the clock: the new event then usually fits */
	if (!s->nr_cal)
		s->base = s->now >> NVMESIM_SCHED_BUCKET_SHIFT;
	b = when >> NVMESIM_SCHED_BUCKET_SHIFT;
	/* a free node implies the calendar exists (sched_at_slow makes it first) */
	if (NVMESIM_UNLIKELY(s->free == SCHED_NONE || b - s->base >= NVMESIM_SCHED_BUCKETS))
		return sched_at_slow(s, when, fn, arg, data);
	i = s->free;
	e = &s->pool[i];
	s->free = e->next;
	e->when = when;
	e->seq = s->next_seq++;
	e->fn = fn;
	e->arg = arg;
	e->data = data;
	cal_insert(s, i, b);
	return 0;
}

/* nvmesim_sched_at_ordered - append to the lane when @when is not earlier than its newest
 * event, else schedule as usual; 0 or -ENOMEM */
int nvmesim_sched_at_ordered(struct nvmesim_sched *s, uint64_t when, nvmesim_event_fn fn,
			     void *arg, uint64_t data)
{
	struct nvmesim_lane *l = &s->lane;
	struct nvmesim_event *e;

	if (when < s->now)
		when = s->now;
	if (l->n && when < l->ev[(l->head + l->n - 1) & (l->cap - 1)].when)
		return nvmesim_sched_at(s, when, fn, arg, data);
	if (NVMESIM_UNLIKELY(l->n == l->cap) && lane_grow(l))
		return nvmesim_sched_at(s, when, fn, arg, data);
	e = &l->ev[(l->head + l->n++) & (l->cap - 1)];
	e->when = when;
	e->seq = s->next_seq++;
	e->fn = fn;
	e->arg = arg;
	e->data = data;
	return 0;
}

/* nvmesim_sched_step - run the earliest event due by @limit; 1 if one ran, else 0 */
int nvmesim_sched_step(struct nvmesim_sched *s, uint64_t limit)
{
	const struct nvmesim_event *e = NULL, *x;
	enum { FROM_CAL, FROM_FAR, FROM_LANE } from = FROM_CAL;
	struct nvmesim_lane *l = &s->lane;
	nvmesim_event_fn fn;
	uint64_t when, data, b;
	void *arg;
	uint32_t i;

	/* the earliest of the calendar's, the lane's and the heap's earliest events */
	if (s->cal_first != SCHED_NONE)
		e = &s->pool[s->cal_first];
	if (l->n) {
		x = &l->ev[l->head];
		if (!e || ev_before(x, e)) {
			e = x;
			from = FROM_LANE;
		}
	}
	if (NVMESIM_UNLIKELY(s->nr_far)) {
		x = &s->pool[s->far[0]];
		if (!e || ev_before(x, e)) {
			e = x;
			from = FROM_FAR;
		}
	}
	if (!e || e->when > limit)
		return 0;
	when = e->when;
	fn = e->fn;
	arg = e->arg;
	data = e->data;
	/* the earliest event: nothing pending lies in an earlier bucket */
	b = when >> NVMESIM_SCHED_BUCKET_SHIFT;
	if (b > s->base)
		s->base = b;
	/* take it out (and free its node) before the action runs: it may schedule */
	if (from == FROM_LANE) {
		l->head = (l->head + 1) & (l->cap - 1);
		l->n--;
	} else {
		i = from == FROM_FAR ? s->far[0] : s->cal_first;
		if (from == FROM_FAR)
			far_pop(s);
		else
			cal_pop_first(s, e);
		s->pool[i].next = s->free;
		s->free = i;
	}
	s->now = when;
	fn(arg, data);
	return 1;
}

/* nvmesim_sched_advance - move the clock to @t if that is later than now */
void nvmesim_sched_advance(struct nvmesim_sched *s, uint64_t t)
{
	if (t > s->now)
		s->now = t;
}
