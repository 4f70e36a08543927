/* SPDX-License-Identifier: MIT */
/*
 * event.c - discrete-event scheduler: a binary min-heap keyed by (when, seq).
 *
 * The sequence number makes the order of simultaneous events the order in
 * which they were scheduled, so a run never depends on heap internals.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/event.h"

/* nvmesim_sched_init - empty scheduler at virtual time 0 */
void nvmesim_sched_init(struct nvmesim_sched *s)
{
	memset(s, 0, sizeof(*s));
}

/* nvmesim_sched_fini - free the heap (pending events are dropped) */
void nvmesim_sched_fini(struct nvmesim_sched *s)
{
	free(s->heap);
	memset(s, 0, sizeof(*s));
}

/* ev_before - heap order: earlier time first, then earlier scheduling */
static int ev_before(const struct nvmesim_event *a, const struct nvmesim_event *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* nvmesim_sched_at - schedule @fn at @when (never in the past); 0 or -ENOMEM */
int nvmesim_sched_at(struct nvmesim_sched *s, uint64_t when, nvmesim_event_fn fn, void *arg,
		     uint64_t data)
{
	struct nvmesim_event ev;
	unsigned int i;

	if (s->nr == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 64;
		struct nvmesim_event *h = realloc(s->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		s->heap = h;
		s->cap = cap;
	}
	ev.when = when < s->now ? s->now : when;
	ev.seq = s->next_seq++;
	ev.fn = fn;
	ev.arg = arg;
	ev.data = data;
	/* sift up */
	for (i = s->nr++; i > 0; i = (i - 1) / 2) {
		unsigned int parent = (i - 1) / 2;

		if (!ev_before(&ev, &s->heap[parent]))
			break;
		s->heap[i] = s->heap[parent];
	}
	s->heap[i] = ev;
	return 0;
}

/* sched_pop - remove the root of the heap into @out */
static void sched_pop(struct nvmesim_sched *s, struct nvmesim_event *out)
{
	struct nvmesim_event last;
	unsigned int i = 0;

	*out = s->heap[0];
	last = s->heap[--s->nr];
	/* sift down */
	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= s->nr)
			break;
		if (c + 1 < s->nr && ev_before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!ev_before(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	s->heap[i] = last;
}

/* nvmesim_sched_step - run the earliest event due by @limit; 1 if one ran, else 0 */
int nvmesim_sched_step(struct nvmesim_sched *s, uint64_t limit)
{
	struct nvmesim_event ev;

	if (s->nr == 0 || s->heap[0].when > limit)
		return 0;
	sched_pop(s, &ev);
	s->now = ev.when;
	ev.fn(ev.arg, ev.data);
	return 1;
}

/* nvmesim_sched_advance - move the clock to @t if that is later than now */
void nvmesim_sched_advance(struct nvmesim_sched *s, uint64_t t)
{
	if (t > s->now)
		s->now = t;
}
