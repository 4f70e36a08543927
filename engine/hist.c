/* SPDX-License-Identifier: MIT */
/*
 * hist.c - log-linear latency histograms (the layout of hist.h).
 *
 * A value v >= 128 with highest set bit e (2^e <= v < 2^(e+1)) falls in one
 * of 128 equal sub-buckets of [2^e, 2^(e+1)), each 2^(e-7) wide; values
 * below 256 therefore get a bucket of width one each.  Writing s = e - 7,
 * the sub-bucket is the top eight bits of v, (v >> s) in [128, 255], and the
 * bucket index is (s << 7) + (v >> s).  Forcing e >= 7 (by or-ing 128 into v
 * before counting leading zeros) makes the same formula give index v for
 * v < 128, so recording is a count-leading-zeros, two shifts, an add and a
 * clamp, with no branch on the magnitude: it runs three times per simulated
 * I/O.  A bucket is at most 1/128 of its lower bound wide, so reporting its
 * upper bound overstates a value by less than 0.79%.
 *
 * Exact statistics sit beside the buckets: count, min, max, the integer
 * sum, and Welford's running mean and sum of squared deviations (numerically
 * stable where sum-of-squares would overflow or cancel).  Merging uses
 * Chan, Golub and LeVeque's pairwise update of the same two quantities.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "engine/c-numeric.h"
#include "engine/nvmesim-internal.h"

#define HIST_LAST (NVMESIM_HIST_BUCKETS - 1u)

/* Percentile ranks are computed in millionths of a percent, fio's key precision. */
#define HIST_P_SCALE 1000000ull
#define HIST_P_FULL (100ull * HIST_P_SCALE)

NVMESIM_STATIC_ASSERT(NVMESIM_HIST_BUCKETS == 4736, "128 + 36 octaves of 128 sub-buckets");

/* fio's default percentile list (fio(1), --percentile_list) */
const double nvmesim_hist_percentiles[] = {
	1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99,
};
const unsigned int nvmesim_hist_nr_percentiles = NVMESIM_ARRAY_SIZE(nvmesim_hist_percentiles);

/* nvmesim_hist_init - an empty histogram: no values, min at UINT64_MAX */
void nvmesim_hist_init(struct nvmesim_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

/* nvmesim_hist_bucket - index of the bucket holding @v; returns 0 .. NVMESIM_HIST_BUCKETS - 1 */
unsigned int nvmesim_hist_bucket(uint64_t v)
{
	return nvmesim_hist_index(v);
}

/* nvmesim_hist_bounds - the smallest and largest value bucket @i holds (the last one is open) */
void nvmesim_hist_bounds(unsigned int i, uint64_t *lo, uint64_t *hi)
{
	unsigned int s;

	if (i > HIST_LAST)
		i = HIST_LAST;
	if (i < 2 * NVMESIM_HIST_SUB) {
		*lo = i;
		*hi = i;
	} else {
		s = (i >> NVMESIM_HIST_SUB_BITS) - 1;
		*lo = (uint64_t)((i & (NVMESIM_HIST_SUB - 1)) + NVMESIM_HIST_SUB) << s;
		*hi = *lo + ((uint64_t)1 << s) - 1;
	}
	/* the last bucket also takes every clamped value, so it reaches UINT64_MAX */
	if (i == HIST_LAST)
		*hi = UINT64_MAX;
}

/*
 * nvmesim_hist_record - count @v (ns) in @h: its bucket, min, max, sum and
 * Welford's mean and m2; constant time.
 */
void nvmesim_hist_record(struct nvmesim_hist *h, uint64_t v)
{
	nvmesim_hist_add(h, v);   /* engine/nvmesim-internal.h */
}

/*
 * nvmesim_hist_merge - add @src to @dst: buckets and counts add, min and max
 * combine, mean and m2 by Chan et al.'s pairwise formula (exact up to
 * rounding, independent of how the values were split).
 */
void nvmesim_hist_merge(struct nvmesim_hist *dst, const struct nvmesim_hist *src)
{
	double na, nb, n, delta;
	unsigned int i;

	if (!src->count)
		return;
	if (!dst->count) {
		memcpy(dst, src, sizeof(*dst));
		return;
	}
	na = (double)dst->count;
	nb = (double)src->count;
	n = na + nb;
	delta = src->mean - dst->mean;
	dst->mean += delta * nb / n;
	dst->m2 += src->m2 + delta * delta * na * nb / n;
	dst->count += src->count;
	dst->sum += src->sum;
	dst->min = NVMESIM_MIN(dst->min, src->min);
	dst->max = NVMESIM_MAX(dst->max, src->max);
	for (i = 0; i < NVMESIM_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

/*
 * hist_rank - ceil(@p / 100 * @count) in integers, with @p taken to six
 * decimals: in floating point 99.9 / 100 * 1000 is 999.0000000000001, whose
 * ceiling would pick the wrong value.  At least 1, at most @count.
 */
static uint64_t hist_rank(uint64_t count, double p)
{
	uint64_t pm, q, r, rank;

	if (!(p > 0))	/* also catches NaN */
		pm = 0;
	else if (p >= 100)
		pm = HIST_P_FULL;
	else
		pm = (uint64_t)llround(p * (double)HIST_P_SCALE);
	/* count = q * 1e8 + r, so count * pm / 1e8 = q * pm + r * pm / 1e8 without overflow */
	q = count / HIST_P_FULL;
	r = count % HIST_P_FULL;
	rank = q * pm + (r * pm + HIST_P_FULL - 1) / HIST_P_FULL;
	if (rank < 1)
		rank = 1;
	return rank > count ? count : rank;
}

/*
 * nvmesim_hist_percentile - upper bound of the bucket holding the value of
 * rank ceil(@p/100 * count), clamped to max; returns 0 for an empty @h.
 */
uint64_t nvmesim_hist_percentile(const struct nvmesim_hist *h, double p)
{
	uint64_t rank, seen = 0, lo, hi;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = hist_rank(h->count, p);
	for (i = 0; i < NVMESIM_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	if (i >= NVMESIM_HIST_BUCKETS)	/* buckets disagree with count: trust max */
		return h->max;
	nvmesim_hist_bounds(i, &lo, &hi);
	return hi < h->max ? hi : h->max;
}

/* nvmesim_hist_stddev - population standard deviation; returns 0 with fewer than two values */
double nvmesim_hist_stddev(const struct nvmesim_hist *h)
{
	if (h->count < 2 || !(h->m2 > 0))
		return 0;
	return sqrt(h->m2 / (double)h->count);
}

/*
 * nvmesim_hist_write_csv - the layout and the exact statistics as '#'
 * comments, the column header, then one "lower_ns,upper_ns,count" row per
 * non-empty bucket in increasing order; returns 0 or -EIO.
 */
int nvmesim_hist_write_csv(const struct nvmesim_hist *h, FILE *f)
{
	locale_t c, old = nvmesim_c_numeric_begin(&c);
	uint64_t lo, hi;
	unsigned int i;

	fprintf(f, "# nvmesim histogram: sub_buckets=%u max_exp=%u unit=ns\n", NVMESIM_HIST_SUB,
		NVMESIM_HIST_MAX_EXP);
	fprintf(f, "# count=%llu min=%llu max=%llu mean=%.6f stddev=%.6f\n",
		(unsigned long long)h->count, (unsigned long long)(h->count ? h->min : 0),
		(unsigned long long)h->max, h->mean, nvmesim_hist_stddev(h));
	fputs("lower_ns,upper_ns,count\n", f);
	for (i = 0; i < NVMESIM_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		nvmesim_hist_bounds(i, &lo, &hi);
		fprintf(f, "%llu,%llu,%llu\n", (unsigned long long)lo, (unsigned long long)hi,
			(unsigned long long)h->buckets[i]);
	}
	nvmesim_c_numeric_end(c, old);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}
