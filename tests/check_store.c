/* SPDX-License-Identifier: MIT */
/*
 * check_store.c - the sparse data store: zeros where nothing was written,
 * read-back of partial and overlapping writes, memory released by
 * deallocation, a 2^40-block namespace that costs only what was written, the
 * hash table staying consistent under heavy insert/delete churn, and the
 * file-backed variant (sparse file, hole punching, NUSE after reopening).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrl/store.h"
#include "tests/check-common.h"

#define BIG (64u * 1024)        /* a large transfer: 16 chunks */
#define CHUNK 4096u             /* the store's chunk size */

static struct nvmesim_store *st;

static void teardown(void)
{
	nvmesim_store_destroy(st);
	st = NULL;
}

/* Fill @buf with a pattern that depends on @seed and the offset. */
static void pattern(uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
}

static int all_zero(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i])
			return 0;
	return 1;
}

START_TEST(bad_args)
{
	ck_assert_int_eq(nvmesim_store_create(&st, 1000, 16, NULL), -EINVAL);
	ck_assert_ptr_null(st);
	ck_assert_int_eq(nvmesim_store_create(&st, 256, 16, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_store_create(&st, 512, 0, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_store_create(&st, 4096, UINT64_MAX >> 11, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_store_create(&st, 512, 100, NULL), 0);
	ck_assert_uint_eq(nvmesim_store_block_size(st), 512);
	ck_assert_uint_eq(nvmesim_store_nblocks(st), 100);
}
END_TEST

START_TEST(unwritten_reads_zero)
{
	uint8_t buf[8192];

	ck_assert_int_eq(nvmesim_store_create(&st, 512, 1ull << 20, NULL), 0);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(nvmesim_store_read(st, 12345, 16, buf), 0);
	ck_assert(all_zero(buf, sizeof(buf)));
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 0);
	/* the last block, and one past it */
	ck_assert_int_eq(nvmesim_store_read(st, (1ull << 20) - 1, 1, buf), 0);
	ck_assert_int_eq(nvmesim_store_read(st, (1ull << 20) - 1, 2, buf), -EINVAL);
	ck_assert_int_eq(nvmesim_store_read(st, UINT64_MAX, 1, buf), -EINVAL);
	ck_assert_int_eq(nvmesim_store_pread(st, (1ull << 29) - 4, buf, 8), -EINVAL);
	ck_assert_int_eq(nvmesim_store_cmp(st, 0, buf, 512), 0);
}
END_TEST

START_TEST(write_read_back)
{
	static uint8_t out[3 * BIG], in[3 * BIG];

	ck_assert_int_eq(nvmesim_store_create(&st, 512, 1ull << 20, NULL), 0);
	pattern(out, sizeof(out), 1);
	/* straddles chunk boundaries: starts 3 blocks before one */
	ck_assert_int_eq(nvmesim_store_write(st, 125, sizeof(out) / 512, out), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), sizeof(out) / 512);
	ck_assert_int_eq(nvmesim_store_read(st, 125, sizeof(in) / 512, in), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
	/* the blocks around are still zero */
	ck_assert_int_eq(nvmesim_store_read(st, 124, 1, in), 0);
	ck_assert(all_zero(in, 512));
	ck_assert_int_eq(nvmesim_store_read(st, 125 + sizeof(out) / 512, 1, in), 0);
	ck_assert(all_zero(in, 512));
	ck_assert_int_eq(nvmesim_store_cmp(st, 125 * 512, out, sizeof(out)), 0);
	out[1000] ^= 1;
	ck_assert_int_eq(nvmesim_store_cmp(st, 125 * 512, out, sizeof(out)), 1);
	/* comparing a written area with zeros, and zeros with data */
	ck_assert_int_eq(nvmesim_store_cmp(st, 0, out, 512), 1);
	memset(in, 0, 512);
	ck_assert_int_eq(nvmesim_store_cmp(st, 0, in, 512), 0);
}
END_TEST

START_TEST(overwrite_partial_chunk)
{
	uint8_t a[4 * 4096], b[2 * 4096], in[8 * 4096], want[8 * 4096];

	ck_assert_int_eq(nvmesim_store_create(&st, 4096, 1000, NULL), 0);
	pattern(a, sizeof(a), 2);
	pattern(b, sizeof(b), 3);
	ck_assert_int_eq(nvmesim_store_write(st, 10, 4, a), 0);
	ck_assert_int_eq(nvmesim_store_write(st, 11, 2, b), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 4);
	/* a write that reaches past the old data (blocks 13, 14) */
	ck_assert_int_eq(nvmesim_store_write(st, 13, 2, b), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 5);
	memset(want, 0, sizeof(want));
	memcpy(want + 2 * 4096, a, 4096);
	memcpy(want + 3 * 4096, b, 2 * 4096);
	memcpy(want + 5 * 4096, b, 2 * 4096);
	ck_assert_int_eq(nvmesim_store_read(st, 8, 8, in), 0);
	ck_assert_int_eq(memcmp(in, want, sizeof(want)), 0);

	/* byte-granular write inside one block: the block counts as written and the
	 * rest of it still reads zero */
	ck_assert_int_eq(nvmesim_store_pwrite(st, 100 * 4096 + 100, b, 8), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 6);
	ck_assert_int_eq(nvmesim_store_read(st, 100, 1, in), 0);
	ck_assert(all_zero(in, 100));
	ck_assert_int_eq(memcmp(in + 100, b, 8), 0);
	ck_assert(all_zero(in + 108, 4096 - 108));
}
END_TEST

START_TEST(deallocate_frees)
{
	static uint8_t buf[BIG];
	uint64_t base, full;
	unsigned int i;

	ck_assert_int_eq(nvmesim_store_create(&st, 512, 1ull << 24, NULL), 0);
	base = nvmesim_store_mem_bytes(st);
	pattern(buf, sizeof(buf), 4);
	for (i = 0; i < 256; i++)
		ck_assert_int_eq(nvmesim_store_write(st, (uint64_t)i * 1024, 128, buf), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 256 * 128);
	full = nvmesim_store_mem_bytes(st);
	ck_assert_uint_ge(full, base + 256ull * BIG);

	/* part of a chunk: the rest of the chunk survives and the freed part reads zero */
	ck_assert_int_eq(nvmesim_store_deallocate(st, 10, 20), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 256 * 128 - 20);
	ck_assert_int_eq(nvmesim_store_read(st, 0, 128, buf), 0);
	ck_assert(all_zero(buf + 10 * 512, 20 * 512));
	ck_assert(!all_zero(buf, 10 * 512));
	ck_assert(!all_zero(buf + 30 * 512, 98 * 512));
	/* rewrite into the hole: data readable, count back up */
	pattern(buf, sizeof(buf), 4);
	ck_assert_int_eq(nvmesim_store_write(st, 10, 20, buf + 10 * 512), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 256 * 128);

	/* everything: the memory goes (a few recycled chunks may be kept) */
	ck_assert_int_eq(nvmesim_store_deallocate(st, 0, 1ull << 24), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 0);
	ck_assert_uint_lt(nvmesim_store_mem_bytes(st), full / 2);
	ck_assert_int_eq(nvmesim_store_read(st, 1024, 128, buf), 0);
	ck_assert(all_zero(buf, sizeof(buf)));

	/* write zeroes releases too; deallocating nothing is fine */
	ck_assert_int_eq(nvmesim_store_write(st, 5, 1, buf + 512), 0);
	pattern(buf, 512, 9);
	ck_assert_int_eq(nvmesim_store_write(st, 6, 1, buf), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 2);
	ck_assert_int_eq(nvmesim_store_write_zeroes(st, 5, 2), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 0);
	ck_assert_int_eq(nvmesim_store_deallocate(st, 5, 0), 0);
	ck_assert_int_eq(nvmesim_store_deallocate(st, (1ull << 24) - 1, 2), -EINVAL);
}
END_TEST

START_TEST(huge_sparse)
{
	static uint64_t lbas[1000];
	uint8_t out[4096], in[4096];
	uint64_t nblocks = 1ull << 40, x = 12345, lo, hi, used;
	unsigned int i, first = 0;

	ck_assert_int_eq(nvmesim_store_create(&st, 512, nblocks, NULL), 0);
	ck_assert_uint_lt(nvmesim_store_mem_bytes(st), 4096);   /* nothing per block */
	for (i = 0; i < 1000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		lbas[i] = (x >> 20) % (nblocks - 8);
		pattern(out, sizeof(out), i);
		ck_assert_int_eq(nvmesim_store_write(st, lbas[i], 8, out), 0);
	}
	/* at most two chunks per write, plus a small table; random 8-block writes in
	 * 2^40 blocks never overlap in practice */
	ck_assert_uint_le(nvmesim_store_mem_bytes(st), 2000ull * (CHUNK + 64) + (1u << 20));
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 8000);
	ck_assert_int_eq(nvmesim_store_read(st, nblocks - 8, 8, in), 0);
	ck_assert(all_zero(in, sizeof(in)));

	/* deallocate a wide range with ragged edges (chunk-index scan path), cutting
	 * through the lowest written range */
	for (i = 1; i < 1000; i++)
		if (lbas[i] < lbas[first])
			first = i;
	lo = lbas[first] + 3;
	hi = nblocks / 2 + 77;
	ck_assert_int_eq(nvmesim_store_deallocate(st, lo, hi - lo), 0);
	used = 0;
	for (i = 0; i < 1000; i++) {
		pattern(out, sizeof(out), i);
		ck_assert_int_eq(nvmesim_store_read(st, lbas[i], 8, in), 0);
		if (i == first) {
			ck_assert_int_eq(memcmp(in, out, 3 * 512), 0);
			ck_assert(all_zero(in + 3 * 512, 5 * 512));
			used += 3;
		} else if (lbas[i] + 8 <= lo || lbas[i] >= hi) {
			ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
			used += 8;
		} else {
			ck_assert_uint_ge(lbas[i], lo);
			ck_assert_uint_le(lbas[i] + 8, hi);
			ck_assert(all_zero(in, sizeof(in)));
		}
	}
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), used);
	ck_assert_uint_lt(used, 8000);

	/* deallocating the whole 512 TiB must not walk 2^33 chunk indices */
	ck_assert_int_eq(nvmesim_store_deallocate(st, 0, nblocks), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 0);
	ck_assert_int_eq(nvmesim_store_read(st, lbas[999], 8, in), 0);
	ck_assert(all_zero(in, sizeof(in)));
}
END_TEST

START_TEST(churn)
{
	/* a shadow model of which 512-byte block holds which seed, 0 = none;
	 * ranges up to 200 blocks cover whole 8-block chunks as well as parts */
	enum { N = 16384, BS = 512, MAXN = 200 };
	static uint8_t seed[N], out[MAXN * BS];
	uint8_t in[BS];
	uint64_t x = 99, used = 0;
	unsigned int i, b, n;

	ck_assert_int_eq(nvmesim_store_create(&st, BS, N, NULL), 0);
	memset(seed, 0, sizeof(seed));
	for (i = 0; i < 2000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		b = (unsigned int)(x >> 33) % N;
		n = 1 + (unsigned int)(x >> 20) % MAXN;
		if (b + n > N)
			n = N - b;
		if ((x >> 60) < 9) {
			memset(seed + b, 1 + (int)(i % 250), n);
			memset(out, 1 + (int)(i % 250), (size_t)n * BS);
			ck_assert_int_eq(nvmesim_store_write(st, b, n, out), 0);
		} else {
			ck_assert_int_eq(nvmesim_store_deallocate(st, b, n), 0);
			memset(seed + b, 0, n);
		}
	}
	for (b = 0; b < N; b++) {
		ck_assert_int_eq(nvmesim_store_read(st, b, 1, in), 0);
		if (seed[b]) {
			used++;
			memset(out, seed[b], BS);
			ck_assert_int_eq(memcmp(in, out, BS), 0);
		} else {
			ck_assert(all_zero(in, sizeof(in)));
		}
	}
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), used);
	ck_assert_uint_gt(used, 1000);
	ck_assert_uint_lt(used, N);
}
END_TEST

START_TEST(file_backed)
{
	char path[] = "/tmp/nvmesim-check-store-XXXXXX";
	uint8_t out[8192], in[8192];
	struct stat sb;
	blkcnt_t blocks;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);

	ck_assert_int_eq(nvmesim_store_create(&st, 512, 1ull << 24, path), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_size, 1ll << 33);      /* 8 GiB, sparse */
	ck_assert_int_lt(sb.st_blocks, 1024);
	pattern(out, sizeof(out), 5);
	ck_assert_int_eq(nvmesim_store_write(st, 1000, 16, out), 0);
	ck_assert_int_eq(nvmesim_store_write(st, (1ull << 24) - 16, 16, out), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 32);
	ck_assert_int_eq(nvmesim_store_read(st, 1000, 16, in), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
	ck_assert_int_eq(nvmesim_store_cmp(st, 1000 * 512, out, sizeof(out)), 0);
	ck_assert_int_eq(nvmesim_store_cmp(st, 1001 * 512, out, 512), 1);
	ck_assert_int_eq(nvmesim_store_read(st, 0, 16, in), 0);
	ck_assert(all_zero(in, sizeof(in)));
	ck_assert_int_eq(nvmesim_store_flush(st), 0);
	nvmesim_store_destroy(st);
	st = NULL;

	/* reopen: the data and the written-block count come back */
	ck_assert_int_eq(nvmesim_store_create(&st, 512, 1ull << 24, path), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 32);
	memset(in, 0, sizeof(in));
	ck_assert_int_eq(nvmesim_store_read(st, (1ull << 24) - 16, 16, in), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);

	/* deallocate punches a hole: zeros, and the file gives the space back */
	ck_assert_int_eq(stat(path, &sb), 0);
	blocks = sb.st_blocks;
	ck_assert_int_eq(nvmesim_store_deallocate(st, 1000, 16), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 16);
	ck_assert_int_eq(nvmesim_store_read(st, 1000, 16, in), 0);
	ck_assert(all_zero(in, sizeof(in)));
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_lt(sb.st_blocks, blocks);
	/* a partial-block deallocation zeroes just those blocks */
	ck_assert_int_eq(nvmesim_store_deallocate(st, (1ull << 24) - 15, 2), 0);
	ck_assert_int_eq(nvmesim_store_read(st, (1ull << 24) - 16, 16, in), 0);
	ck_assert_int_eq(memcmp(in, out, 512), 0);
	ck_assert(all_zero(in + 512, 1024));
	ck_assert_int_eq(memcmp(in + 1536, out + 1536, sizeof(out) - 1536), 0);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 14);
	nvmesim_store_destroy(st);
	st = NULL;
	ck_assert_int_eq(unlink(path), 0);

	/* a file that cannot be created */
	ck_assert_int_eq(nvmesim_store_create(&st, 512, 16, "/nonexistent-dir/x"), -ENOENT);
	ck_assert_ptr_null(st);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("memory");
	TCase *tf = tcase_create("file");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, bad_args);
	tcase_add_test(tc, unwritten_reads_zero);
	tcase_add_test(tc, write_read_back);
	tcase_add_test(tc, overwrite_partial_chunk);
	tcase_add_test(tc, deallocate_frees);
	tcase_add_test(tc, huge_sparse);
	tcase_add_test(tc, churn);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tf, NULL, teardown);
	tcase_add_test(tf, file_backed);
	suite_add_tcase(s, tf);
	return s;
}

int main(void)
{
	return nvmesim_test_run(store_suite());
}
