/* SPDX-License-Identifier: MIT */
/*
 * nvmesim-internal.h - project-wide private definitions.
 *
 * Included by every library source file.  NVMESIM_PRIV marks functions shared
 * between library files but never exported (libsigrok SR_PRIV); with
 * -fvisibility=hidden that is the default, so the macro documents intent.
 */
#ifndef NVMESIM_ENGINE_NVMESIM_INTERNAL_H
#define NVMESIM_ENGINE_NVMESIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <nvmesim/nvmesim.h>

#define NVMESIM_PRIV __attribute__((visibility("hidden")))

/* Hot-path hints: a rarely taken branch, and a slow path kept out of line so the fast
 * path around it stays small (docs/performance.md). */
#define NVMESIM_LIKELY(x) __builtin_expect(!!(x), 1)
#define NVMESIM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define NVMESIM_COLD __attribute__((cold, noinline))

#define NVMESIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * nvmesim_hist_index - the bucket of @v (engine/hist.c explains the formula);
 * nvmesim_hist_add - nvmesim_hist_record() itself.  Inline here because the
 * library records three or four values per simulated I/O, and calling the
 * exported function from inside the library goes through the PLT, which
 * costs as much as the work.  engine/hist.c defines the exported functions
 * with these, so both give the same results.
 */
static inline unsigned int nvmesim_hist_index(uint64_t v)
{
	unsigned int s = 63u - (unsigned int)__builtin_clzll(v | NVMESIM_HIST_SUB) -
			 NVMESIM_HIST_SUB_BITS;
	uint64_t i = ((uint64_t)s << NVMESIM_HIST_SUB_BITS) + (v >> s);

	/* values of 2^43 and more share the last bucket (a conditional move, not a branch) */
	return i > NVMESIM_HIST_BUCKETS - 1u ? NVMESIM_HIST_BUCKETS - 1u : (unsigned int)i;
}

/* nvmesim_hist_add_counts - nvmesim_hist_add() without the mean and m2 (and their division),
 * for a histogram read only by bucket, count, sum, min and max (the time series' interval) */
static inline void nvmesim_hist_add_counts(struct nvmesim_hist *h, uint64_t v)
{
	h->buckets[nvmesim_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

static inline void nvmesim_hist_add(struct nvmesim_hist *h, uint64_t v)
{
	double x = (double)v;
	double delta = x - h->mean;

	nvmesim_hist_add_counts(h, v);
	/* 1/n does not depend on the previous mean, so the division runs beside the chain */
	h->mean += delta * (1.0 / (double)h->count);
	h->m2 += delta * (x - h->mean);
}
#define NVMESIM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NVMESIM_MAX(a, b) ((a) > (b) ? (a) : (b))
#define NVMESIM_ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define NVMESIM_IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

#endif /* NVMESIM_ENGINE_NVMESIM_INTERNAL_H */
