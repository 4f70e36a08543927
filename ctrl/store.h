/* SPDX-License-Identifier: MIT */
/*
 * store.h - the sparse data store behind a namespace.
 *
 * A store holds nblocks logical blocks of one size.  Memory is spent only on
 * what was written: blocks are grouped in 4 KiB chunks, found through a hash
 * table keyed by chunk index, and a chunk is allocated on its first write and
 * freed when its last written block is deallocated.  Unwritten and
 * deallocated blocks read as zeros (NVM Command Set 1.0 §4.1.5.1 DLFEAT read
 * value 001b), so a 2^40-block namespace costs nothing until used.
 *
 * With a backing file the data lives in the file instead (created and sized
 * sparse to the capacity, pread/pwrite, deallocation punches holes); the
 * chunk table then keeps only the per-block "written" bitmaps that NUSE
 * needs.
 *
 * Besides the block interface, byte-addressed pread/pwrite/cmp let the NVM
 * command handlers move data straight between host memory segments (whose
 * edges need not fall on block boundaries) and the store, with no bounce
 * buffer.  A block touched by a partial write counts as written; the rest of
 * it keeps reading zeros, because chunk memory of unwritten blocks is always
 * zero.
 *
 * A discarding store (nvmesim_store_create_discard()) keeps nothing: it
 * checks ranges like the others and reads zeros everywhere, so a long
 * write-heavy replay runs in constant memory.
 *
 * Not thread safe: one simulated controller drives its stores from one thread.
 * All functions return 0 or -errno unless documented otherwise.
 */
#ifndef NVMESIM_CTRL_STORE_H
#define NVMESIM_CTRL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/nvmesim-internal.h"

struct nvmesim_store;

/* nvmesim_store_create - a store of @nblocks blocks of @block_size bytes (power of two,
 * 512..65536), in memory or, when @path is non-NULL, in that file; 0, -EINVAL, -ENOMEM,
 * -EFBIG or -errno from open/ftruncate */
NVMESIM_PRIV int nvmesim_store_create(struct nvmesim_store **out, uint32_t block_size,
				      uint64_t nblocks, const char *path);

/* nvmesim_store_create_discard - a store of @nblocks blocks of @block_size bytes that keeps
 * no data (a namespace's `data: discard`): writes, Write Zeroes and deallocation are
 * checked against the capacity and otherwise dropped, every block reads (and compares)
 * as zeros and counts as never written, and memory use does not grow; 0, -EINVAL or
 * -ENOMEM */
NVMESIM_PRIV int nvmesim_store_create_discard(struct nvmesim_store **out, uint32_t block_size,
					      uint64_t nblocks);

/* nvmesim_store_destroy - free @st (NULL allowed) and close its file */
NVMESIM_PRIV void nvmesim_store_destroy(struct nvmesim_store *st);

/* nvmesim_store_read - read @n blocks from @lba into @buf (unwritten -> zeros); 0 or -errno */
NVMESIM_PRIV int nvmesim_store_read(struct nvmesim_store *st, uint64_t lba, uint64_t n,
				    void *buf);

/* nvmesim_store_write - write @n blocks at @lba from @buf; 0, -EINVAL, -ENOMEM or -errno */
NVMESIM_PRIV int nvmesim_store_write(struct nvmesim_store *st, uint64_t lba, uint64_t n,
				     const void *buf);

/* nvmesim_store_deallocate - deallocate @n blocks at @lba: they read zeros again and
 * their memory (or file space) is released; 0, -EINVAL or -errno */
NVMESIM_PRIV int nvmesim_store_deallocate(struct nvmesim_store *st, uint64_t lba, uint64_t n);

/* nvmesim_store_write_zeroes - make @n blocks at @lba read zeros (same as deallocate: a
 * zeroed block needs no memory); 0, -EINVAL or -errno */
NVMESIM_PRIV int nvmesim_store_write_zeroes(struct nvmesim_store *st, uint64_t lba, uint64_t n);

/* nvmesim_store_pread - read @len bytes at byte offset @off; 0, -EINVAL or -errno */
NVMESIM_PRIV int nvmesim_store_pread(struct nvmesim_store *st, uint64_t off, void *buf,
				     size_t len);

/* nvmesim_store_pread_host - nvmesim_store_pread() into host memory (a DMA target, always
 * initialised): zeros for unwritten blocks are stored only where the buffer does not
 * hold zeros already, which is cheaper than storing them when it does (replays read into
 * the same buffers again and again); 0, -EINVAL or -errno */
NVMESIM_PRIV int nvmesim_store_pread_host(struct nvmesim_store *st, uint64_t off, void *buf,
					  size_t len);

/* nvmesim_store_pread_sink - the checks and errors of nvmesim_store_pread_host() for host
 * memory the host will not read (end.h, dma_sink), without copying from memory; a file
 * store still reads, as reading it can fail; 0, -EINVAL or -errno */
NVMESIM_PRIV int nvmesim_store_pread_sink(struct nvmesim_store *st, uint64_t off, void *buf,
					  size_t len);

/* nvmesim_store_pwrite - write @len bytes at byte offset @off; every block touched
 * counts as written; 0, -EINVAL, -ENOMEM or -errno */
NVMESIM_PRIV int nvmesim_store_pwrite(struct nvmesim_store *st, uint64_t off, const void *buf,
				      size_t len);

/* nvmesim_store_cmp - compare @len bytes at @off with @buf; 0 equal, 1 different, or
 * -EINVAL / -errno */
NVMESIM_PRIV int nvmesim_store_cmp(struct nvmesim_store *st, uint64_t off, const void *buf,
				   size_t len);

/* nvmesim_store_any_written - whether any of @n blocks from @lba was written and not
 * deallocated since; true or false (out-of-range blocks count as unwritten) */
NVMESIM_PRIV bool nvmesim_store_any_written(struct nvmesim_store *st, uint64_t lba, uint64_t n);

/* nvmesim_store_flush - make written data durable (fdatasync for a file); 0 or -errno */
NVMESIM_PRIV int nvmesim_store_flush(struct nvmesim_store *st);

/* nvmesim_store_blocks_used - blocks written and not deallocated since creation (for a
 * file, also the blocks found holding data when it was opened) */
NVMESIM_PRIV uint64_t nvmesim_store_blocks_used(const struct nvmesim_store *st);

/* nvmesim_store_mem_bytes - heap bytes the store holds (chunks and table), for tests and
 * reports */
NVMESIM_PRIV uint64_t nvmesim_store_mem_bytes(const struct nvmesim_store *st);

/* nvmesim_store_block_size - the block size in bytes */
NVMESIM_PRIV uint32_t nvmesim_store_block_size(const struct nvmesim_store *st);

/* nvmesim_store_nblocks - the capacity in blocks */
NVMESIM_PRIV uint64_t nvmesim_store_nblocks(const struct nvmesim_store *st);

#endif /* NVMESIM_CTRL_STORE_H */
