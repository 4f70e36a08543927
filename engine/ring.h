/* SPDX-License-Identifier: MIT */
/*
 * ring.h - index arithmetic of an NVMe circular queue, shared by both ends.
 *
 * NVMe 2.0 §3.3.1: a queue of `size` entries is empty when head == tail and
 * full when (tail + 1) % size == head, so at most size - 1 entries are in use.
 * The producer owns the tail, the consumer the head.  For an SQ the host
 * produces; for a CQ the controller does.  A phase tag (§4.6) marks new CQEs:
 * it starts at 1 and inverts each time the producer wraps to entry 0.
 */
#ifndef NVMESIM_ENGINE_RING_H
#define NVMESIM_ENGINE_RING_H

#include <stdbool.h>
#include <stdint.h>

/* struct nvmesim_ring - head/tail of one circular queue */
struct nvmesim_ring {
	uint16_t size;  /* entries, 2..65536 stored as size (65536 not supported: MQES <= 65535) */
	uint16_t head;  /* next entry the consumer takes */
	uint16_t tail;  /* next entry the producer fills */
};

/* nvmesim_ring_next - the index after @i */
static inline uint16_t nvmesim_ring_next(const struct nvmesim_ring *r, uint16_t i)
{
	return (uint16_t)(i + 1u == r->size ? 0u : i + 1u);
}

/* nvmesim_ring_used - entries between head and tail */
static inline uint16_t nvmesim_ring_used(const struct nvmesim_ring *r)
{
	return (uint16_t)(r->tail >= r->head ? r->tail - r->head : r->size - r->head + r->tail);
}

/* nvmesim_ring_empty - head == tail (§3.3.1.1) */
static inline bool nvmesim_ring_empty(const struct nvmesim_ring *r)
{
	return r->head == r->tail;
}

/* nvmesim_ring_full - one entry short of wrapping onto head (§3.3.1.2) */
static inline bool nvmesim_ring_full(const struct nvmesim_ring *r)
{
	return nvmesim_ring_next(r, r->tail) == r->head;
}

/* nvmesim_ring_dist - entries from @from forward to @to */
static inline uint16_t nvmesim_ring_dist(const struct nvmesim_ring *r, uint16_t from, uint16_t to)
{
	return (uint16_t)(to >= from ? to - from : r->size - from + to);
}

#endif /* NVMESIM_ENGINE_RING_H */
