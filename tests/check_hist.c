/* SPDX-License-Identifier: MIT */
/*
 * check_hist.c - the log-linear latency histogram: bucket layout, the 0.8%
 * error bound, percentiles against a sorted array, exact statistics,
 * merging, and the CSV form.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmesim/hist.h>

#include "tests/check-common.h"

#define ARRAY_NR(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64 - a small deterministic generator for test data */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* log_uniform - a value whose magnitude is spread evenly over 2^0 .. 2^@max_bits */
static uint64_t log_uniform(uint64_t *s, unsigned int max_bits)
{
	unsigned int bits = (unsigned int)(splitmix64(s) % (max_bits + 1));
	uint64_t v = splitmix64(s);

	return bits == 64 ? v : v & ((1ull << bits) - 1);
}

/* u64_cmp - qsort() order of uint64_t */
static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* new_hist - a heap histogram (they are 37 KiB: too big for many on the stack) */
static struct nvmesim_hist *new_hist(void)
{
	struct nvmesim_hist *h = malloc(sizeof(*h));

	ck_assert_ptr_nonnull(h);
	nvmesim_hist_init(h);
	return h;
}

START_TEST(test_layout)
{
	uint64_t lo, hi;

	ck_assert_uint_eq(NVMESIM_HIST_BUCKETS, 4736);
	ck_assert_uint_eq(nvmesim_hist_bucket(0), 0);
	ck_assert_uint_eq(nvmesim_hist_bucket(1), 1);
	ck_assert_uint_eq(nvmesim_hist_bucket(127), 127);
	ck_assert_uint_eq(nvmesim_hist_bucket(128), 128);
	ck_assert_uint_eq(nvmesim_hist_bucket(255), 255);
	ck_assert_uint_eq(nvmesim_hist_bucket(256), 256);
	ck_assert_uint_eq(nvmesim_hist_bucket(257), 256);
	ck_assert_uint_eq(nvmesim_hist_bucket(258), 257);
	ck_assert_uint_eq(nvmesim_hist_bucket(511), 383);
	ck_assert_uint_eq(nvmesim_hist_bucket(512), 384);
	ck_assert_uint_eq(nvmesim_hist_bucket(1000), 506);
	ck_assert_uint_eq(nvmesim_hist_bucket(1ull << 42), 128 + 35 * 128);
	ck_assert_uint_eq(nvmesim_hist_bucket((1ull << 43) - 1), 4735);
	ck_assert_uint_eq(nvmesim_hist_bucket(1ull << 43), 4735);
	ck_assert_uint_eq(nvmesim_hist_bucket(UINT64_MAX), 4735);

	nvmesim_hist_bounds(256, &lo, &hi);
	ck_assert_uint_eq(lo, 256);
	ck_assert_uint_eq(hi, 257);
	nvmesim_hist_bounds(128 + 35 * 128, &lo, &hi);
	ck_assert_uint_eq(lo, 1ull << 42);
	ck_assert_uint_eq(hi, (1ull << 42) + (1ull << 35) - 1);
	nvmesim_hist_bounds(4735, &lo, &hi);
	ck_assert_uint_eq(lo, 255ull << 35);
	ck_assert_uint_eq(hi, UINT64_MAX);
	nvmesim_hist_bounds(99999, &lo, &hi);	/* out of range: the last bucket */
	ck_assert_uint_eq(lo, 255ull << 35);

	ck_assert_uint_eq(nvmesim_hist_nr_percentiles, 17);
	ck_assert(nvmesim_hist_percentiles[0] == 1);
	ck_assert(nvmesim_hist_percentiles[12] == 99);
	ck_assert(nvmesim_hist_percentiles[13] == 99.5);
	ck_assert(nvmesim_hist_percentiles[16] == 99.99);
}
END_TEST

/*
 * Every bucket begins right after the previous one, all of uint64_t is
 * covered.  (Plain ifs in the loops: each passing ck_assert costs Check a
 * write to its result pipe, which makes large loops slow under Valgrind.)
 */
START_TEST(test_bounds_contiguous)
{
	uint64_t lo, hi = 0, next = 0;
	unsigned int i;

	for (i = 0; i < NVMESIM_HIST_BUCKETS; i++) {
		nvmesim_hist_bounds(i, &lo, &hi);
		if (lo != next || hi < lo || nvmesim_hist_bucket(lo) != i ||
		    nvmesim_hist_bucket(hi) != i)
			ck_abort_msg("bucket %u: [%llu, %llu] after %llu", i,
				     (unsigned long long)lo, (unsigned long long)hi,
				     (unsigned long long)next);
		if (i < 256 && hi != lo)
			ck_abort_msg("bucket %u is not exact", i);
		/* at most 1/128 of its lower bound wide */
		if (i >= 256 && i < NVMESIM_HIST_BUCKETS - 1 && (hi - lo + 1) * 128 > lo)
			ck_abort_msg("bucket %u: [%llu, %llu] too wide", i, (unsigned long long)lo,
				     (unsigned long long)hi);
		next = hi + 1;
	}
	ck_assert_uint_eq(hi, UINT64_MAX);
}
END_TEST

/* value_ok - @v lies in its bucket and the bucket's top is within 1/128 (0.79%) of it */
static bool value_ok(uint64_t v)
{
	uint64_t lo, hi;

	nvmesim_hist_bounds(nvmesim_hist_bucket(v), &lo, &hi);
	if (lo > v || hi < v)
		return false;
	/* the last bucket is open-ended: it also takes every value past 2^43 ns */
	if (v < (255ull << 35))
		return hi - v <= v / 128 && hi - v <= 0.008 * (double)v;
	return true;
}

/* check_value - fail the test naming @v unless value_ok() */
static void check_value(uint64_t v)
{
	if (!value_ok(v))
		ck_abort_msg("value %llu: bucket %u out of bounds", (unsigned long long)v,
			     nvmesim_hist_bucket(v));
}

START_TEST(test_error_exhaustive)
{
	uint64_t v;

	for (v = 0; v < (1u << 17); v++)
		check_value(v);
	/* both edges of every power of two */
	for (v = 1; v; v <<= 1) {
		check_value(v - 1);
		check_value(v);
		check_value(v + 1);
	}
}
END_TEST

START_TEST(test_error_random)
{
	uint64_t s = 42;
	unsigned int i;

	for (i = 0; i < 200000; i++)
		check_value(log_uniform(&s, 43));
}
END_TEST

/* true_percentile - rank ceil(p/100 * n) of sorted @v, @p in millionths of a percent */
static uint64_t true_percentile(const uint64_t *v, uint64_t n, uint64_t pm)
{
	uint64_t rank = (n * pm + 100000000 - 1) / 100000000;

	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

/* check_percentiles - @h holds the @n values of @v (sorted here): every percentile is right */
static void check_percentiles(const struct nvmesim_hist *h, uint64_t *v, uint64_t n)
{
	static const double extra[] = { 0.0001, 0.5, 25, 33.333333, 75, 99.999, 100 };
	uint64_t lo, hi, want, got, pm;
	unsigned int i;
	double p;

	qsort(v, n, sizeof(*v), u64_cmp);
	ck_assert_uint_eq(h->count, n);
	ck_assert_uint_eq(h->min, v[0]);
	ck_assert_uint_eq(h->max, v[n - 1]);
	for (i = 0; i < nvmesim_hist_nr_percentiles + ARRAY_NR(extra); i++) {
		p = i < nvmesim_hist_nr_percentiles ? nvmesim_hist_percentiles[i]
						    : extra[i - nvmesim_hist_nr_percentiles];
		pm = (uint64_t)llround(p * 1e6);
		want = true_percentile(v, n, pm);
		got = nvmesim_hist_percentile(h, p);
		/* never below, at most 0.8% above, and exactly the clamped bucket top */
		ck_assert_uint_ge(got, want);
		ck_assert_uint_le(got - want, want / 128);
		nvmesim_hist_bounds(nvmesim_hist_bucket(want), &lo, &hi);
		ck_assert_uint_eq(got, hi < v[n - 1] ? hi : v[n - 1]);
	}
}

START_TEST(test_percentiles_sorted)
{
	static const uint64_t sizes[] = { 1, 2, 3, 10, 99, 1000, 12345, 100003 };
	struct nvmesim_hist *h = new_hist();
	uint64_t *v = malloc(100003 * sizeof(*v));
	uint64_t s = 7, i;
	unsigned int k, dist;

	ck_assert_ptr_nonnull(v);
	for (dist = 0; dist < 4; dist++) {
		for (k = 0; k < ARRAY_NR(sizes); k++) {
			nvmesim_hist_init(h);
			for (i = 0; i < sizes[k]; i++) {
				switch (dist) {
				case 0:	/* spread over every magnitude */
					v[i] = log_uniform(&s, 42);
					break;
				case 1:	/* a typical SSD read: 80 us +- 20 us */
					v[i] = 60000 + splitmix64(&s) % 40000;
					break;
				case 2:	/* bimodal: cache hits and NAND reads with a tail */
					v[i] = splitmix64(&s) % 10 ?
						1500 + splitmix64(&s) % 300 :
						70000 + splitmix64(&s) % 2000000;
					break;
				default:	/* one value */
					v[i] = 123456789;
					break;
				}
				nvmesim_hist_record(h, v[i]);
			}
			check_percentiles(h, v, sizes[k]);
		}
	}
	free(v);
	free(h);
}
END_TEST

/* A percentile rank must not pick the next value because of floating-point noise. */
START_TEST(test_percentile_rank)
{
	struct nvmesim_hist *h = new_hist();
	uint64_t v;

	for (v = 1; v <= 1000; v++)
		nvmesim_hist_record(h, v);
	/* rank 999, bucket [996, 999]; rank 500, bucket [500, 501] */
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 99.9), 999);
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 50), 501);
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 1), 10);
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 100), 1000);	/* [1000, 1003] clamped */
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 250), 1000);
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 0), 1);		/* rank at least 1 */
	ck_assert_uint_eq(nvmesim_hist_percentile(h, -3), 1);
	ck_assert_uint_eq(nvmesim_hist_percentile(h, NAN), 1);
	free(h);
}
END_TEST

START_TEST(test_empty_and_clamp)
{
	struct nvmesim_hist *h = new_hist();

	ck_assert_uint_eq(h->count, 0);
	ck_assert_uint_eq(h->min, UINT64_MAX);
	ck_assert_uint_eq(h->max, 0);
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 50), 0);
	ck_assert(nvmesim_hist_stddev(h) == 0);

	/* past 2^43 ns: the last bucket, but min/max/mean stay exact */
	nvmesim_hist_record(h, 1ull << 50);
	ck_assert(nvmesim_hist_stddev(h) == 0);	/* one value */
	nvmesim_hist_record(h, (1ull << 50) + 2);
	ck_assert_uint_eq(h->buckets[NVMESIM_HIST_BUCKETS - 1], 2);
	ck_assert_uint_eq(h->min, 1ull << 50);
	ck_assert_uint_eq(h->max, (1ull << 50) + 2);
	ck_assert(h->mean == (double)((1ull << 50) + 1));
	ck_assert(nvmesim_hist_stddev(h) == 1.0);
	ck_assert_uint_eq(nvmesim_hist_percentile(h, 50), (1ull << 50) + 2);
	free(h);
}
END_TEST

/* two_pass - mean and population standard deviation of @v, the textbook way */
static void two_pass(const uint64_t *v, size_t n, double *mean, double *sd)
{
	long double sum = 0, sq = 0, m;
	size_t i;

	for (i = 0; i < n; i++)
		sum += v[i];
	m = sum / n;
	for (i = 0; i < n; i++)
		sq += ((long double)v[i] - m) * ((long double)v[i] - m);
	*mean = (double)m;
	*sd = (double)sqrtl(sq / n);
}

START_TEST(test_stats)
{
	struct nvmesim_hist *h = new_hist();
	uint64_t v[5000], s = 99, sum = 0;
	double mean, sd;
	unsigned int i;

	/* a large offset and a small spread: where sum-of-squares would cancel */
	for (i = 0; i < 5000; i++) {
		v[i] = 1000000000000ull + splitmix64(&s) % 1000;
		sum += v[i];
		nvmesim_hist_record(h, v[i]);
	}
	two_pass(v, 5000, &mean, &sd);
	ck_assert_uint_eq(h->sum, sum);
	ck_assert_double_eq_tol(h->mean, mean, 1e-3);
	ck_assert_double_eq_tol(nvmesim_hist_stddev(h), sd, sd * 1e-6);

	nvmesim_hist_init(h);
	for (i = 0; i < 5000; i++) {
		v[i] = log_uniform(&s, 30);
		nvmesim_hist_record(h, v[i]);
	}
	two_pass(v, 5000, &mean, &sd);
	ck_assert_double_eq_tol(h->mean, mean, mean * 1e-12);
	ck_assert_double_eq_tol(nvmesim_hist_stddev(h), sd, sd * 1e-9);

	/* known values: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population stddev 2 */
	nvmesim_hist_init(h);
	nvmesim_hist_record(h, 2);
	for (i = 0; i < 3; i++)
		nvmesim_hist_record(h, 4);
	nvmesim_hist_record(h, 5);
	nvmesim_hist_record(h, 5);
	nvmesim_hist_record(h, 7);
	nvmesim_hist_record(h, 9);
	ck_assert(h->mean == 5.0);
	ck_assert_double_eq_tol(nvmesim_hist_stddev(h), 2.0, 1e-12);
	free(h);
}
END_TEST

START_TEST(test_merge)
{
	struct nvmesim_hist *all = new_hist(), *part[3], *m = new_hist();
	uint64_t s = 3, v;
	unsigned int i, k;

	for (k = 0; k < 3; k++)
		part[k] = new_hist();
	for (i = 0; i < 30000; i++) {
		k = (unsigned int)(splitmix64(&s) % 3);
		/* each part its own distribution, so the means differ */
		v = (k + 1) * 10000 + log_uniform(&s, 14 + 2 * k);
		nvmesim_hist_record(all, v);
		nvmesim_hist_record(part[k], v);
	}
	nvmesim_hist_merge(m, part[0]);	/* into an empty one */
	nvmesim_hist_merge(m, part[1]);
	nvmesim_hist_init(part[1]);
	nvmesim_hist_merge(m, part[1]);	/* an empty one: nothing changes */
	nvmesim_hist_merge(m, part[2]);
	ck_assert_uint_eq(m->count, all->count);
	ck_assert_uint_eq(m->min, all->min);
	ck_assert_uint_eq(m->max, all->max);
	ck_assert_uint_eq(m->sum, all->sum);
	ck_assert_double_eq_tol(m->mean, all->mean, all->mean * 1e-12);
	ck_assert_double_eq_tol(nvmesim_hist_stddev(m), nvmesim_hist_stddev(all),
				nvmesim_hist_stddev(all) * 1e-9);
	ck_assert_mem_eq(m->buckets, all->buckets, sizeof(all->buckets));
	ck_assert_uint_eq(nvmesim_hist_percentile(m, 99.9), nvmesim_hist_percentile(all, 99.9));
	for (k = 0; k < 3; k++)
		free(part[k]);
	free(all);
	free(m);
}
END_TEST

START_TEST(test_csv)
{
	struct nvmesim_hist *h = new_hist(), *back = new_hist();
	uint64_t s = 5, lo, hi, rlo, rhi, rcount, prev = 0, total = 0;
	char *buf = NULL, line[256];
	size_t len = 0;
	unsigned int i, rows = 0, b;
	FILE *f;

	nvmesim_hist_record(h, 5);
	nvmesim_hist_record(h, 5);
	nvmesim_hist_record(h, 1000);
	for (i = 0; i < 10000; i++)
		nvmesim_hist_record(h, log_uniform(&s, 40));
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(nvmesim_hist_write_csv(h, f), 0);
	fclose(f);

	f = fmemopen(buf, len, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "# nvmesim histogram: sub_buckets=128 max_exp=42 unit=ns\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_int_eq(strncmp(line, "# count=10003 min=", 18), 0);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "lower_ns,upper_ns,count\n");
	while (fgets(line, sizeof(line), f)) {
		ck_assert_int_eq(sscanf(line, "%" SCNu64 ",%" SCNu64 ",%" SCNu64, &rlo, &rhi,
					&rcount), 3);
		b = nvmesim_hist_bucket(rlo);
		nvmesim_hist_bounds(b, &lo, &hi);
		ck_assert_uint_eq(rlo, lo);
		ck_assert_uint_eq(rhi, hi);
		ck_assert_uint_gt(rcount, 0);	/* only non-empty buckets */
		if (rows)
			ck_assert_uint_gt(rlo, prev);	/* increasing */
		prev = rlo;
		back->buckets[b] = rcount;
		total += rcount;
		rows++;
	}
	fclose(f);
	ck_assert_uint_eq(total, h->count);
	ck_assert_mem_eq(back->buckets, h->buckets, sizeof(h->buckets));
	ck_assert_ptr_nonnull(strstr(buf, "\n5,5,"));
	ck_assert_ptr_nonnull(strstr(buf, "\n1000,1003,"));
	free(buf);

	/* an empty histogram: the comments and the column header only */
	nvmesim_hist_init(h);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nvmesim_hist_write_csv(h, f), 0);
	fclose(f);
	ck_assert_str_eq(buf, "# nvmesim histogram: sub_buckets=128 max_exp=42 unit=ns\n"
			      "# count=0 min=0 max=0 mean=0.000000 stddev=0.000000\n"
			      "lower_ns,upper_ns,count\n");
	free(buf);
	free(h);
	free(back);
}
END_TEST

/* hist_suite - the histogram tests */
static Suite *hist_suite(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_bounds_contiguous);
	tcase_add_test(tc, test_error_exhaustive);
	tcase_add_test(tc, test_error_random);
	tcase_add_test(tc, test_percentiles_sorted);
	tcase_add_test(tc, test_percentile_rank);
	tcase_add_test(tc, test_empty_and_clamp);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_csv);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(hist_suite());
}
