/* SPDX-License-Identifier: MIT */
/*
 * hist.h - log-linear latency histograms.
 *
 * The bucket scheme fio, SPDK and HdrHistogram share: values below 128 ns
 * have a bucket each (exact); above, every power of two is split into 128
 * equal sub-buckets, so a bucket is at most 1/128 (0.78%) of its lower bound
 * wide.  A percentile is reported as the upper bound of its bucket: never
 * below the true value and at most 0.8% above it.  Exact count, min, max,
 * mean and standard deviation are kept beside the buckets.  Histograms with
 * the same layout merge by adding buckets; every serialized form records the
 * layout (NVMESIM_HIST_SUB_BITS, NVMESIM_HIST_MAX_EXP).
 */
#ifndef NVMESIM_HIST_H
#define NVMESIM_HIST_H

#include <stdint.h>
#include <stdio.h>

#include <nvmesim/export.h>

NVMESIM_BEGIN_DECLS

/* 2^7 = 128 sub-buckets per power of two */
#define NVMESIM_HIST_SUB_BITS 7
#define NVMESIM_HIST_SUB (1u << NVMESIM_HIST_SUB_BITS)
/* Largest power of two covered: 2^42 ns = 73 minutes; larger values land in the last bucket */
#define NVMESIM_HIST_MAX_EXP 42
/* Buckets: 128 exact ones for 0..127, then 128 per power of two 2^7 .. 2^42 */
#define NVMESIM_HIST_BUCKETS \
	(NVMESIM_HIST_SUB + (NVMESIM_HIST_MAX_EXP - NVMESIM_HIST_SUB_BITS + 1) * NVMESIM_HIST_SUB)

/**
 * struct nvmesim_hist - a latency histogram in nanoseconds
 * @count: values recorded
 * @min: smallest value (UINT64_MAX when empty)
 * @max: largest value
 * @sum: sum of values (exact while it fits 64 bits, i.e. 584 years of latency)
 * @mean: running mean (Welford)
 * @m2: running sum of squared differences from the mean (Welford)
 * @buckets: counts per bucket
 */
struct nvmesim_hist {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	uint64_t sum;
	double mean;
	double m2;
	uint64_t buckets[NVMESIM_HIST_BUCKETS];
};

/**
 * nvmesim_hist_init - empty @h
 * @h: histogram
 */
NVMESIM_API void nvmesim_hist_init(struct nvmesim_hist *h);

/**
 * nvmesim_hist_record - add value @v (ns) to @h
 * @h: histogram
 * @v: value
 */
NVMESIM_API void nvmesim_hist_record(struct nvmesim_hist *h, uint64_t v);

/**
 * nvmesim_hist_merge - add every value of @src to @dst (exactly: counts add,
 * min/max combine, mean/stddev by Chan's parallel formula)
 * @dst: destination
 * @src: source
 */
NVMESIM_API void nvmesim_hist_merge(struct nvmesim_hist *dst, const struct nvmesim_hist *src);

/**
 * nvmesim_hist_bucket - the bucket index of value @v
 * @v: value
 *
 * Return: 0 .. NVMESIM_HIST_BUCKETS - 1.
 */
NVMESIM_API unsigned int nvmesim_hist_bucket(uint64_t v);

/**
 * nvmesim_hist_bounds - the values bucket @i holds: @lo <= v <= @hi
 * @i: bucket index
 * @lo: receives the smallest value
 * @hi: receives the largest value
 */
NVMESIM_API void nvmesim_hist_bounds(unsigned int i, uint64_t *lo, uint64_t *hi);

/**
 * nvmesim_hist_percentile - the value at percentile @p (0 < p <= 100)
 * @h: histogram
 * @p: percentile, e.g. 99.9
 *
 * Return: the upper bound of the bucket holding the value of rank
 * ceil(p/100 * count), clamped to max; 0 when @h is empty.
 */
NVMESIM_API uint64_t nvmesim_hist_percentile(const struct nvmesim_hist *h, double p);

/**
 * nvmesim_hist_stddev - population standard deviation of the values
 * @h: histogram
 *
 * Return: the standard deviation, 0 with fewer than two values.
 */
NVMESIM_API double nvmesim_hist_stddev(const struct nvmesim_hist *h);

/**
 * nvmesim_hist_write_csv - write non-empty buckets as "lower_ns,upper_ns,count" rows,
 * after a header comment that records the layout
 * @h: histogram
 * @f: output stream
 *
 * Return: 0 or -EIO.
 */
NVMESIM_API int nvmesim_hist_write_csv(const struct nvmesim_hist *h, FILE *f);

/* The percentiles reported, as fio reports them (fio's default list). */
NVMESIM_API extern const double nvmesim_hist_percentiles[];
NVMESIM_API extern const unsigned int nvmesim_hist_nr_percentiles;

NVMESIM_END_DECLS

#endif /* NVMESIM_HIST_H */
