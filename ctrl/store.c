/* SPDX-License-Identifier: MIT */
/*
 * store.c - the sparse data store behind a namespace.
 *
 * Model: the namespace's byte space is cut into 4 KiB chunks.  A hash table
 * with open addressing and linear probing maps a chunk index to a chunk: a
 * bitmap of the blocks written in it (at most 8, for 512-byte blocks), their
 * count, and for an in-memory store the chunk's data.  Lookups are O(1)
 * (plus a one-entry cache for sequential I/O); deletion shifts later entries
 * back instead of leaving tombstones, so the table never degrades.  A small
 * free list recycles chunk buffers so a write/deallocate workload does not
 * hit malloc on every command.
 *
 * Invariant that makes partial-block writes and reads trivial: bytes of a
 * chunk that belong to unwritten blocks are always zero, so a read just
 * copies the chunk (or zeros when there is no chunk), and deallocating a
 * block clears its bytes.
 *
 * A file-backed store keeps data in the file (pread/pwrite; deallocation
 * punches a hole with fallocate, or writes zeros where holes are not
 * supported) and uses chunks without data only for the written-block bitmap.
 * A discarding store (a namespace's `data: discard`) keeps no chunks at all.
 *
 * Reading unwritten blocks into host memory tests the destination for zeros
 * before writing any (store_fill_zero()): replays read into the same buffers
 * over and over, and testing is cheaper than storing (docs/performance.md).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrl/store.h"

/*
 * Chunks are 4 KiB, or one block when blocks are larger.  Small chunks keep
 * memory close to what was written even for random 4 KiB writes across a huge
 * namespace (64 KiB chunks would cost 16 times the data); the price is one
 * table lookup per 4 KiB of a large transfer, which is small next to copying
 * it.
 */
#define STORE_MIN_CHUNK_SHIFT 12
#define STORE_MIN_BSHIFT 9                          /* 512-byte blocks at least */
#define STORE_MAX_BSHIFT 16                         /* 64 KiB blocks at most */
#define STORE_MAP_WORDS 1                           /* <= 8 blocks per chunk */
#define STORE_ZERO_SIZE (1u << STORE_MAX_BSHIFT)
#define STORE_TAB_MIN_BITS 6                        /* 64 slots to start with */
#define STORE_FREE_MAX 64                           /* recycled chunks kept */
#define STORE_GOLDEN 0x9e3779b97f4a7c15ull          /* Fibonacci hashing multiplier */

/* struct store_chunk - one chunk of the namespace that holds written blocks */
struct store_chunk {
	uint64_t map[STORE_MAP_WORDS]; /* bit b set: block b of the chunk is written */
	unsigned int nused;            /* bits set in map */
	struct store_chunk *next_free; /* free-list link while recycled */
	uint8_t data[];                /* chunk_size bytes (memory stores only) */
};

/* struct store_slot - a hash table slot; c == NULL means empty */
struct store_slot {
	uint64_t key;          /* chunk index: byte offset >> chunk_shift */
	struct store_chunk *c; /* the chunk, or NULL */
};

struct nvmesim_store {
	uint32_t bs;                 /* block size, bytes */
	unsigned int bshift;         /* log2(bs) */
	unsigned int chunk_shift;    /* log2(chunk size): max(12, bshift) */
	size_t chunk_size;           /* bytes of data per chunk */
	unsigned int bpc_shift;      /* log2(blocks per chunk) */
	uint64_t nblocks;            /* capacity, blocks */
	uint64_t bytes;              /* capacity, bytes */
	int fd;                      /* backing file, or -1 for memory */
	size_t chunk_alloc;          /* bytes allocated per chunk */
	struct store_slot *tab;      /* hash table, 2^tab_bits slots */
	unsigned int tab_bits;       /* log2 of the table size */
	uint64_t nchunks;            /* chunks in the table */
	uint64_t used;               /* blocks written (NUSE) */
	struct store_chunk *free;    /* recycled chunks, zeroed */
	unsigned int nfree;          /* chunks on the free list */
	uint64_t hit_key;            /* key of the last lookup hit */
	struct store_chunk *hit;     /* chunk of the last lookup hit, or NULL */
	bool avx2;                   /* the CPU has AVX2 (zero tests use it) */
	bool discard;                /* keep nothing: writes are dropped, reads see zeros */
};

/* Byte counts are passed as size_t; capacities beyond 4 GiB need a 64-bit size_t. */
_Static_assert(sizeof(size_t) >= sizeof(uint64_t), "nvmesim needs a 64-bit size_t");

/* Zeros to compare against and to write where holes cannot be punched. */
static const uint8_t store_zero[STORE_ZERO_SIZE];

/* Bytes tested at a time before writing zeros (a multiple of the cache line). */
#define STORE_ZERO_STEP 256u

/* 16 and 32 bytes looked at as one vector (GCC/Clang vector extension: SSE2 or AVX2 on
 * x86-64, NEON on arm64, plain words elsewhere); may_alias because they read bytes of any
 * type. */
typedef uint64_t store_v16 __attribute__((vector_size(16), may_alias));

/*
 * store_zero_prefix - how many leading bytes of @p (16-byte aligned) are zero, counted
 * in whole STORE_ZERO_STEP blocks, at most @n.  Four independent accumulators: a single
 * one makes every load wait for the previous OR.
 */
static size_t store_zero_prefix(const uint8_t *p, size_t n)
{
	store_v16 a, b, c, d;
	size_t i;

	for (i = 0; i + STORE_ZERO_STEP <= n; i += STORE_ZERO_STEP) {
		const store_v16 *v = (const store_v16 *)(p + i);

		a = v[0] | v[4] | v[8] | v[12];
		b = v[1] | v[5] | v[9] | v[13];
		c = v[2] | v[6] | v[10] | v[14];
		d = v[3] | v[7] | v[11] | v[15];
		a |= b | c | d;
		if (a[0] | a[1])
			break;
	}
	return i;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define STORE_ZERO_AVX2 1
typedef uint64_t store_v32 __attribute__((vector_size(32), may_alias));

/* store_zero_prefix() with 32-byte loads, for CPUs with AVX2 (chosen at run time, so the
 * library still runs on any x86-64); @p 32-byte aligned.  Two steps per test: folding a
 * vector into one word costs as much as four loads, and buffers are rarely not zero (the
 * count is then a whole number of double steps, which only means more is rewritten). */
static __attribute__((target("avx2"))) size_t store_zero_prefix_avx2(const uint8_t *p,
								      size_t n)
{
	store_v32 a, b, c, d;
	size_t i;

	for (i = 0; i + 2 * STORE_ZERO_STEP <= n; i += 2 * STORE_ZERO_STEP) {
		const store_v32 *v = (const store_v32 *)(p + i);

		a = v[0] | v[4] | v[8] | v[12];
		b = v[1] | v[5] | v[9] | v[13];
		c = v[2] | v[6] | v[10] | v[14];
		d = v[3] | v[7] | v[11] | v[15];
		a |= b | c | d;
		if (a[0] | a[1] | a[2] | a[3])
			break;
	}
	return i;
}
#endif

/*
 * store_fill_zero - leave @n bytes of zeros at @p, writing only what is not zero yet.
 *
 * A read of never-written blocks must deliver zeros into host memory, and a
 * replay reads into the same few buffers again and again, which the last such
 * read already zeroed.  Testing 4 KiB costs less than storing it (loads only,
 * no lines to own and write back; docs/performance.md), and the host's
 * buffers are not dirtied for nothing.  The first block that is not zero, and
 * everything after it, is simply overwritten.
 */
static void store_fill_zero(const struct nvmesim_store *st, uint8_t *p, size_t n)
{
	size_t i = 0;

#ifdef STORE_ZERO_AVX2
	if (st->avx2 && !((uintptr_t)p & 31))
		i = store_zero_prefix_avx2(p, n);
	else
#endif
	if (!((uintptr_t)p & 15))
		i = store_zero_prefix(p, n);
	(void)st;
	if (i < n)
		memset(p + i, 0, n - i);
}

static inline uint64_t store_hash(const struct nvmesim_store *st, uint64_t key)
{
	return (key * STORE_GOLDEN) >> (64 - st->tab_bits);
}

static inline uint64_t store_tab_mask(const struct nvmesim_store *st)
{
	return ((uint64_t)1 << st->tab_bits) - 1;
}

/* Find chunk @key, or NULL when none of its blocks is written. */
static struct store_chunk *store_lookup(struct nvmesim_store *st, uint64_t key)
{
	uint64_t mask = store_tab_mask(st);
	uint64_t i;

	if (st->hit && st->hit_key == key)
		return st->hit;
	for (i = store_hash(st, key); st->tab[i].c; i = (i + 1) & mask) {
		if (st->tab[i].key == key) {
			st->hit = st->tab[i].c;
			st->hit_key = key;
			return st->hit;
		}
	}
	return NULL;
}

/* Put (key, c) in the first free slot of its probe sequence; the key is known absent. */
static void store_place(struct store_slot *tab, unsigned int bits, uint64_t key,
			struct store_chunk *c)
{
	uint64_t mask = ((uint64_t)1 << bits) - 1;
	uint64_t i = (key * STORE_GOLDEN) >> (64 - bits);

	while (tab[i].c)
		i = (i + 1) & mask;
	tab[i].key = key;
	tab[i].c = c;
}

/* Double the table (load factor stays <= 1/2); 0 or -ENOMEM. */
static int store_grow(struct nvmesim_store *st)
{
	unsigned int bits = st->tab_bits + 1;
	uint64_t size = (uint64_t)1 << st->tab_bits;
	struct store_slot *tab;
	uint64_t i;

	tab = calloc((size_t)1 << bits, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (i = 0; i < size; i++)
		if (st->tab[i].c)
			store_place(tab, bits, st->tab[i].key, st->tab[i].c);
	free(st->tab);
	st->tab = tab;
	st->tab_bits = bits;
	return 0;
}

/* Chunk @key, created empty (all zero) if absent; NULL only when out of memory. */
static struct store_chunk *store_get(struct nvmesim_store *st, uint64_t key)
{
	struct store_chunk *c = store_lookup(st, key);

	if (c)
		return c;
	if ((st->nchunks + 1) * 2 > ((uint64_t)1 << st->tab_bits) && store_grow(st) < 0)
		return NULL;
	if (st->free) {
		c = st->free;
		st->free = c->next_free;
		st->nfree--;
		c->next_free = NULL;
	} else {
		c = calloc(1, st->chunk_alloc);
		if (!c)
			return NULL;
	}
	store_place(st->tab, st->tab_bits, key, c);
	st->nchunks++;
	st->hit = c;
	st->hit_key = key;
	return c;
}

/* Give chunk @c back: zero it onto the free list, or free it when the list is full. */
static void store_release(struct nvmesim_store *st, struct store_chunk *c)
{
	st->used -= c->nused;
	st->nchunks--;
	if (st->hit == c)
		st->hit = NULL;
	if (st->nfree >= STORE_FREE_MAX) {
		free(c);
		return;
	}
	/* data of unwritten blocks is already zero (see above), so an emptied chunk
	 * only needs its header cleared */
	memset(c, 0, c->nused ? st->chunk_alloc : sizeof(*c));
	c->next_free = st->free;
	st->free = c;
	st->nfree++;
}

/*
 * Empty slot @i and shift later members of its probe cluster back so every
 * key stays reachable from its home slot (deletion without tombstones).
 */
static void store_unslot(struct nvmesim_store *st, uint64_t i)
{
	uint64_t mask = store_tab_mask(st);
	uint64_t j = i;
	uint64_t home;

	for (;;) {
		st->tab[i].c = NULL;
		for (;;) {
			j = (j + 1) & mask;
			if (!st->tab[j].c)
				return;
			home = store_hash(st, st->tab[j].key);
			/* leave entry j alone if its home lies cyclically in (i, j] */
			if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
				continue;
			break;
		}
		st->tab[i] = st->tab[j];
		i = j;
	}
}

/* Remove chunk @key from the table and release it (it must be present). */
static void store_drop(struct nvmesim_store *st, uint64_t key)
{
	uint64_t mask = store_tab_mask(st);
	uint64_t i;

	for (i = store_hash(st, key); st->tab[i].c; i = (i + 1) & mask) {
		if (st->tab[i].key == key) {
			store_release(st, st->tab[i].c);
			store_unslot(st, i);
			return;
		}
	}
}

/* Mark blocks @b0..@b1 of @c written, counting the newly written ones. */
static void store_mark(struct nvmesim_store *st, struct store_chunk *c, unsigned int b0,
		       unsigned int b1)
{
	unsigned int w, lo, hi, fresh;
	uint64_t m;

	for (w = b0 / 64; w <= b1 / 64; w++) {
		lo = w == b0 / 64 ? b0 % 64 : 0;
		hi = w == b1 / 64 ? b1 % 64 : 63;
		m = (~(uint64_t)0 >> (63 - hi)) & (~(uint64_t)0 << lo);
		fresh = (unsigned int)__builtin_popcountll(m & ~c->map[w]);
		c->map[w] |= m;
		c->nused += fresh;
		st->used += fresh;
	}
}

/*
 * Deallocate blocks @b0..@b1 of chunk @key: clear their bits and data, and
 * release the chunk when nothing written is left in it.
 */
static void store_clear(struct nvmesim_store *st, uint64_t key, unsigned int b0,
			unsigned int b1)
{
	struct store_chunk *c = store_lookup(st, key);
	unsigned int w, lo, hi, gone;
	uint64_t m;

	if (!c)
		return;
	if (b0 == 0 && b1 == (1u << st->bpc_shift) - 1) {
		store_drop(st, key);
		return;
	}
	for (w = b0 / 64; w <= b1 / 64; w++) {
		lo = w == b0 / 64 ? b0 % 64 : 0;
		hi = w == b1 / 64 ? b1 % 64 : 63;
		m = (~(uint64_t)0 >> (63 - hi)) & (~(uint64_t)0 << lo);
		gone = (unsigned int)__builtin_popcountll(m & c->map[w]);
		c->map[w] &= ~m;
		c->nused -= gone;
		st->used -= gone;
	}
	if (st->fd < 0)
		memset(c->data + ((size_t)b0 << st->bshift), 0,
		       (size_t)(b1 - b0 + 1) << st->bshift);
	if (!c->nused)
		store_drop(st, key);
}

/*
 * Release every chunk with index in [k0, k1] by scanning the table: used when
 * the range holds more chunk indices than the table has slots (a full-device
 * deallocate of a 2^40-block namespace).  Removing at slot i may shift an
 * unvisited entry into i, so slot i is examined again; entries only move
 * back, so none is skipped.
 */
static void store_drop_scan(struct nvmesim_store *st, uint64_t k0, uint64_t k1)
{
	uint64_t size = (uint64_t)1 << st->tab_bits;
	uint64_t i;

	for (i = 0; i < size; i++) {
		while (st->tab[i].c && st->tab[i].key >= k0 && st->tab[i].key <= k1) {
			store_release(st, st->tab[i].c);
			store_unslot(st, i);
		}
	}
}

/* Mark blocks [lba, lba+n) written in the bitmaps; 0 or -ENOMEM. */
static int store_mark_range(struct nvmesim_store *st, uint64_t lba, uint64_t n)
{
	uint64_t bpc_mask = ((uint64_t)1 << st->bpc_shift) - 1;
	uint64_t last = lba + n - 1;
	uint64_t key, kend;
	struct store_chunk *c;

	if (!n)
		return 0;
	for (key = lba >> st->bpc_shift; key <= last >> st->bpc_shift; key++) {
		c = store_get(st, key);
		if (!c)
			return -ENOMEM;
		kend = key == last >> st->bpc_shift ? last & bpc_mask : bpc_mask;
		store_mark(st, c, key == lba >> st->bpc_shift ? (unsigned int)(lba & bpc_mask) : 0,
			   (unsigned int)kend);
	}
	return 0;
}

/* Is [off, off+len) inside the store? */
static bool store_in_range(const struct nvmesim_store *st, uint64_t off, uint64_t len)
{
	return off <= st->bytes && len <= st->bytes - off;
}

/* pread until done; bytes past the end of the file read as zeros; 0 or -errno. */
static int store_file_read(struct nvmesim_store *st, uint64_t off, uint8_t *buf, size_t len)
{
	ssize_t got;

	while (len) {
		got = pread(st->fd, buf, len, (off_t)off);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0) {
			memset(buf, 0, len);
			return 0;
		}
		buf += got;
		off += (uint64_t)got;
		len -= (size_t)got;
	}
	return 0;
}

/* pwrite until done; 0 or -errno. */
static int store_file_write(struct nvmesim_store *st, uint64_t off, const uint8_t *buf,
			    size_t len)
{
	ssize_t put;

	while (len) {
		put = pwrite(st->fd, buf, len, (off_t)off);
		if (put < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (put == 0)
			return -EIO;
		buf += put;
		off += (uint64_t)put;
		len -= (size_t)put;
	}
	return 0;
}

/* Zero [off, off+len) of the file: punch a hole, or write zeros if holes are unsupported. */
static int store_file_zero(struct nvmesim_store *st, uint64_t off, uint64_t len)
{
	size_t n;
	int ret;

#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
	if (fallocate(st->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
		      (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS)
		return -errno;
#endif
	while (len) {
		n = (size_t)NVMESIM_MIN(len, (uint64_t)sizeof(store_zero));
		ret = store_file_write(st, off, store_zero, n);
		if (ret < 0)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * Record the blocks an existing backing file already holds data for, so NUSE
 * is right after a restart.  Uses SEEK_DATA/SEEK_HOLE where the file system
 * has them; otherwise the file simply starts out as "nothing written".
 */
static int store_file_scan(struct nvmesim_store *st)
{
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
	off_t data = 0, hole;
	uint64_t lba, end;
	int ret;

	for (;;) {
		data = lseek(st->fd, data, SEEK_DATA);
		if (data < 0 || (uint64_t)data >= st->bytes)
			return 0; /* ENXIO: no more data; EINVAL: not supported */
		hole = lseek(st->fd, data, SEEK_HOLE);
		if (hole < 0)
			return 0;
		lba = (uint64_t)data >> st->bshift;
		end = NVMESIM_MIN((uint64_t)hole, st->bytes);
		end = (end + st->bs - 1) >> st->bshift;
		ret = store_mark_range(st, lba, end - lba);
		if (ret < 0)
			return ret;
		data = hole;
	}
#else
	(void)st;
	return 0;
#endif
}

/* Open or create @path sized to the capacity (sparse); 0 or -errno. */
static int store_file_open(struct nvmesim_store *st, const char *path)
{
	struct stat sb;
	int ret;

	if (st->bytes > (uint64_t)INT64_MAX)
		return -EFBIG;
	st->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (st->fd < 0)
		return -errno;
	if (fstat(st->fd, &sb) < 0)
		goto fail_errno;
	/* Never shrink an existing file: it may hold more than this namespace uses. */
	if ((uint64_t)sb.st_size < st->bytes && ftruncate(st->fd, (off_t)st->bytes) < 0)
		goto fail_errno;
	ret = store_file_scan(st);
	if (ret < 0)
		goto fail_close;
	return 0;

fail_errno:
	ret = -errno;
fail_close:
	close(st->fd);
	st->fd = -1;
	return ret;
}

/* nvmesim_store_create - make an empty store (memory) or open its file; 0 or -errno. */
int nvmesim_store_create(struct nvmesim_store **out, uint32_t block_size, uint64_t nblocks,
			 const char *path)
{
	struct nvmesim_store *st;
	unsigned int bshift;
	int ret;

	*out = NULL;
	if (block_size == 0 || (block_size & (block_size - 1)))
		return -EINVAL;
	bshift = (unsigned int)__builtin_ctz(block_size);
	if (bshift < STORE_MIN_BSHIFT || bshift > STORE_MAX_BSHIFT)
		return -EINVAL;
	if (nblocks == 0 || nblocks > (UINT64_MAX >> bshift))
		return -EINVAL;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->bs = block_size;
	st->bshift = bshift;
	st->chunk_shift = NVMESIM_MAX(bshift, STORE_MIN_CHUNK_SHIFT);
	st->chunk_size = (size_t)1 << st->chunk_shift;
	st->bpc_shift = st->chunk_shift - bshift;
	st->nblocks = nblocks;
	st->bytes = nblocks << bshift;
	st->fd = -1;
#ifdef STORE_ZERO_AVX2
	st->avx2 = __builtin_cpu_supports("avx2");
#endif
	st->chunk_alloc = sizeof(struct store_chunk) + (path ? 0 : st->chunk_size);
	st->tab_bits = STORE_TAB_MIN_BITS;
	st->tab = calloc((size_t)1 << st->tab_bits, sizeof(*st->tab));
	if (!st->tab) {
		ret = -ENOMEM;
		goto fail_tab;
	}
	if (path) {
		ret = store_file_open(st, path);
		if (ret < 0)
			goto fail_file;
	}
	*out = st;
	return 0;

fail_file:
	nvmesim_store_destroy(st);
	return ret;
fail_tab:
	free(st);
	return ret;
}

/* nvmesim_store_create_discard - a store that keeps nothing (see store.h); 0, -EINVAL or
 * -ENOMEM. */
int nvmesim_store_create_discard(struct nvmesim_store **out, uint32_t block_size,
				 uint64_t nblocks)
{
	int ret = nvmesim_store_create(out, block_size, nblocks, NULL);

	if (!ret)
		(*out)->discard = true;
	return ret;
}

/* nvmesim_store_destroy - free every chunk, the table and the store; close the file. */
void nvmesim_store_destroy(struct nvmesim_store *st)
{
	struct store_chunk *c;
	uint64_t i;

	if (!st)
		return;
	if (st->tab)
		for (i = 0; i < ((uint64_t)1 << st->tab_bits); i++)
			free(st->tab[i].c);
	while (st->free) {
		c = st->free;
		st->free = c->next_free;
		free(c);
	}
	free(st->tab);
	if (st->fd >= 0)
		close(st->fd);
	free(st);
}

/* Zeros for @n bytes at @p: tested first where @p is host memory (@host), which is always
 * initialised; a caller's buffer may not be, so it is simply cleared. */
static inline void store_zeros(const struct nvmesim_store *st, uint8_t *p, size_t n, bool host)
{
	if (host)
		store_fill_zero(st, p, n);
	else
		memset(p, 0, n);
}

/* Copy bytes out of chunks (zeros where none) into @buf, host memory or not (@host). */
static int store_pread(struct nvmesim_store *st, uint64_t off, void *buf, size_t len,
		       bool host)
{
	uint8_t *p = buf;
	struct store_chunk *c;
	size_t coff, n;

	if (!store_in_range(st, off, len))
		return -EINVAL;
	if (st->fd >= 0)
		return store_file_read(st, off, p, len);
	if (st->discard) {
		store_zeros(st, p, len, host);
		return 0;
	}
	while (len) {
		coff = (size_t)(off & (st->chunk_size - 1));
		n = NVMESIM_MIN(len, st->chunk_size - coff);
		c = store_lookup(st, off >> st->chunk_shift);
		if (c)
			memcpy(p, c->data + coff, n);
		else
			store_zeros(st, p, n, host);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* nvmesim_store_pread - copy bytes out of chunks (zeros where none); 0, -EINVAL or -errno. */
int nvmesim_store_pread(struct nvmesim_store *st, uint64_t off, void *buf, size_t len)
{
	return store_pread(st, off, buf, len, false);
}

/* nvmesim_store_pread_host - nvmesim_store_pread() into host memory, leaving bytes that are
 * already zero alone; 0, -EINVAL or -errno. */
int nvmesim_store_pread_host(struct nvmesim_store *st, uint64_t off, void *buf, size_t len)
{
	return store_pread(st, off, buf, len, true);
}

/* nvmesim_store_pread_sink - nvmesim_store_pread_host()'s checks without its copy */
int nvmesim_store_pread_sink(struct nvmesim_store *st, uint64_t off, void *buf, size_t len)
{
	if (st->fd >= 0)
		return store_pread(st, off, buf, len, true);
	return store_in_range(st, off, len) ? 0 : -EINVAL;
}

/* nvmesim_store_pwrite - copy bytes into chunks, marking the blocks touched written;
 * 0, -EINVAL, -ENOMEM or -errno. */
int nvmesim_store_pwrite(struct nvmesim_store *st, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct store_chunk *c;
	size_t coff, n;
	int ret;

	if (!store_in_range(st, off, len))
		return -EINVAL;
	if (!len || st->discard)
		return 0;
	if (st->fd >= 0) {
		ret = store_file_write(st, off, p, len);
		if (ret < 0)
			return ret;
		return store_mark_range(st, off >> st->bshift,
					((off + len - 1) >> st->bshift) - (off >> st->bshift) + 1);
	}
	while (len) {
		coff = (size_t)(off & (st->chunk_size - 1));
		n = NVMESIM_MIN(len, st->chunk_size - coff);
		c = store_get(st, off >> st->chunk_shift);
		if (!c)
			return -ENOMEM;
		memcpy(c->data + coff, p, n);
		store_mark(st, c, (unsigned int)(coff >> st->bshift),
			   (unsigned int)((coff + n - 1) >> st->bshift));
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* nvmesim_store_cmp - compare stored bytes with @buf; 0 equal, 1 different, -errno. */
int nvmesim_store_cmp(struct nvmesim_store *st, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t tmp[4096];
	struct store_chunk *c;
	size_t coff, n;
	int ret;

	if (!store_in_range(st, off, len))
		return -EINVAL;
	if (st->discard) {
		/* everything reads as zeros */
		for (; len; p += n, len -= n) {
			n = NVMESIM_MIN(len, sizeof(store_zero));
			if (memcmp(store_zero, p, n))
				return 1;
		}
		return 0;
	}
	while (len) {
		if (st->fd >= 0) {
			n = NVMESIM_MIN(len, sizeof(tmp));
			ret = store_file_read(st, off, tmp, n);
			if (ret < 0)
				return ret;
			if (memcmp(tmp, p, n))
				return 1;
		} else {
			coff = (size_t)(off & (st->chunk_size - 1));
			n = NVMESIM_MIN(len, st->chunk_size - coff);
			c = store_lookup(st, off >> st->chunk_shift);
			if (c && memcmp(c->data + coff, p, n))
				return 1;
			/* n <= one chunk <= sizeof(store_zero): one memcmp covers it */
			if (!c && memcmp(store_zero, p, n))
				return 1;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* nvmesim_store_read - block-addressed pread; 0, -EINVAL or -errno. */
int nvmesim_store_read(struct nvmesim_store *st, uint64_t lba, uint64_t n, void *buf)
{
	if (lba > st->nblocks || n > st->nblocks - lba)
		return -EINVAL;
	return nvmesim_store_pread(st, lba << st->bshift, buf, (size_t)(n << st->bshift));
}

/* nvmesim_store_write - block-addressed pwrite; 0, -EINVAL, -ENOMEM or -errno. */
int nvmesim_store_write(struct nvmesim_store *st, uint64_t lba, uint64_t n, const void *buf)
{
	if (lba > st->nblocks || n > st->nblocks - lba)
		return -EINVAL;
	return nvmesim_store_pwrite(st, lba << st->bshift, buf, (size_t)(n << st->bshift));
}

/* nvmesim_store_deallocate - forget blocks [lba, lba+n); 0, -EINVAL or -errno. */
int nvmesim_store_deallocate(struct nvmesim_store *st, uint64_t lba, uint64_t n)
{
	uint64_t bpc_mask = ((uint64_t)1 << st->bpc_shift) - 1;
	uint64_t last, k0, k1, key;
	int ret;

	if (lba > st->nblocks || n > st->nblocks - lba)
		return -EINVAL;
	if (!n || st->discard)
		return 0;
	if (st->fd >= 0) {
		ret = store_file_zero(st, lba << st->bshift, n << st->bshift);
		if (ret < 0)
			return ret;
	}
	last = lba + n - 1;
	k0 = lba >> st->bpc_shift;
	k1 = last >> st->bpc_shift;
	if (k0 == k1) {
		store_clear(st, k0, (unsigned int)(lba & bpc_mask),
			    (unsigned int)(last & bpc_mask));
		return 0;
	}
	/* the two edge chunks may be partly covered; everything between is whole */
	store_clear(st, k0, (unsigned int)(lba & bpc_mask), (unsigned int)bpc_mask);
	store_clear(st, k1, 0, (unsigned int)(last & bpc_mask));
	if (k1 - k0 - 1 > ((uint64_t)1 << st->tab_bits)) {
		store_drop_scan(st, k0 + 1, k1 - 1);
		return 0;
	}
	for (key = k0 + 1; key < k1; key++)
		if (store_lookup(st, key))
			store_drop(st, key);
	return 0;
}

/* nvmesim_store_write_zeroes - zeroed blocks need no storage, so this deallocates;
 * 0, -EINVAL or -errno. */
int nvmesim_store_write_zeroes(struct nvmesim_store *st, uint64_t lba, uint64_t n)
{
	return nvmesim_store_deallocate(st, lba, n);
}

/* nvmesim_store_any_written - whether any of @n blocks from @lba holds written data (the
 * timing model's test for never-written blocks); blocks beyond the capacity count as
 * unwritten.  One table lookup per chunk; returns true or false. */
bool nvmesim_store_any_written(struct nvmesim_store *st, uint64_t lba, uint64_t n)
{
	uint64_t bpc_mask = ((uint64_t)1 << st->bpc_shift) - 1;
	uint64_t last, key, b0, b1, m;
	struct store_chunk *c;

	if (!n || lba >= st->nblocks)
		return false;
	if (n > st->nblocks - lba)
		n = st->nblocks - lba;
	last = lba + n - 1;
	for (key = lba >> st->bpc_shift; key <= last >> st->bpc_shift; key++) {
		c = store_lookup(st, key);
		if (!c)
			continue;
		b0 = key == lba >> st->bpc_shift ? lba & bpc_mask : 0;
		b1 = key == last >> st->bpc_shift ? last & bpc_mask : bpc_mask;
		/* at most 8 blocks per chunk: one word of the bitmap (STORE_MAP_WORDS) */
		m = (~(uint64_t)0 >> (63 - b1)) & (~(uint64_t)0 << b0);
		if (c->map[0] & m)
			return true;
	}
	return false;
}

/* nvmesim_store_flush - fdatasync the backing file (memory needs nothing); 0 or -errno. */
int nvmesim_store_flush(struct nvmesim_store *st)
{
	if (st->fd >= 0 && fdatasync(st->fd) < 0)
		return -errno;
	return 0;
}

/* nvmesim_store_blocks_used - returns the count of written blocks. */
uint64_t nvmesim_store_blocks_used(const struct nvmesim_store *st)
{
	return st->used;
}

/* nvmesim_store_mem_bytes - returns heap bytes held by chunks, free list and table. */
uint64_t nvmesim_store_mem_bytes(const struct nvmesim_store *st)
{
	return sizeof(*st) + (st->nchunks + st->nfree) * st->chunk_alloc +
	       ((uint64_t)sizeof(struct store_slot) << st->tab_bits);
}

/* nvmesim_store_block_size - returns the block size in bytes. */
uint32_t nvmesim_store_block_size(const struct nvmesim_store *st)
{
	return st->bs;
}

/* nvmesim_store_nblocks - returns the capacity in blocks. */
uint64_t nvmesim_store_nblocks(const struct nvmesim_store *st)
{
	return st->nblocks;
}
