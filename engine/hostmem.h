/* SPDX-License-Identifier: MIT */
/*
 * hostmem.h - DMA-able host memory: one shared mapping and a page allocator.
 *
 * Host memory is a memfd mapped MAP_SHARED (hugepage-capable, and the same
 * kind of memory a VFIO user maps for its device).  The host driver carves
 * queue rings, PRP lists and data buffers out of it with nvmesim_hostmem_alloc()
 * and gives the device the IOVA of each (nvmesim_hostmem_iova()).  The region
 * is mapped into the controller end once, at iova_base.
 */
#ifndef NVMESIM_ENGINE_HOSTMEM_H
#define NVMESIM_ENGINE_HOSTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/nvmesim-internal.h"

#define NVMESIM_HOSTMEM_PAGE 4096u

/* Hugepage size used by nvmesim_hostmem_new_huge() (x86-64 and arm64 with 4 KiB pages) */
#define NVMESIM_HOSTMEM_HUGEPAGE (2u << 20)

struct nvmesim_hostmem;

/* nvmesim_hostmem_new - create @size bytes (rounded to pages) at device address @iova_base;
 * 0, -EINVAL, -ENOMEM or -errno from memfd_create/mmap */
NVMESIM_PRIV int nvmesim_hostmem_new(struct nvmesim_hostmem **out, size_t size,
				     uint64_t iova_base);

/* nvmesim_hostmem_new_huge - as nvmesim_hostmem_new(), backed by 2 MiB hugepages (memfd
 * MFD_HUGETLB) when @huge and enough are free, else by 4 KiB pages; 0 or -errno */
NVMESIM_PRIV int nvmesim_hostmem_new_huge(struct nvmesim_hostmem **out, size_t size,
					  uint64_t iova_base, bool huge);

/* nvmesim_hostmem_map_size - bytes mapped: the size, rounded up to 2 MiB in hugepages (what a
 * DMA mapping of the region covers) */
NVMESIM_PRIV size_t nvmesim_hostmem_map_size(const struct nvmesim_hostmem *hm);

/* nvmesim_hostmem_huge - whether the region is backed by 2 MiB hugepages */
NVMESIM_PRIV bool nvmesim_hostmem_huge(const struct nvmesim_hostmem *hm);

/* nvmesim_hostmem_destroy - unmap and free; NULL allowed */
NVMESIM_PRIV void nvmesim_hostmem_destroy(struct nvmesim_hostmem *hm);

/* nvmesim_hostmem_base - first byte of the region */
NVMESIM_PRIV void *nvmesim_hostmem_base(const struct nvmesim_hostmem *hm);

/* nvmesim_hostmem_size - bytes in the region */
NVMESIM_PRIV size_t nvmesim_hostmem_size(const struct nvmesim_hostmem *hm);

/* nvmesim_hostmem_iova_base - device address of the first byte */
NVMESIM_PRIV uint64_t nvmesim_hostmem_iova_base(const struct nvmesim_hostmem *hm);

/* nvmesim_hostmem_alloc - @len bytes, page aligned and zeroed; NULL when exhausted */
NVMESIM_PRIV void *nvmesim_hostmem_alloc(struct nvmesim_hostmem *hm, size_t len);

/* nvmesim_hostmem_free - return an allocation; NULL allowed; foreign pointers are ignored */
NVMESIM_PRIV void nvmesim_hostmem_free(struct nvmesim_hostmem *hm, void *p);

/* nvmesim_hostmem_iova - device address of host pointer @p (must lie in the region) */
NVMESIM_PRIV uint64_t nvmesim_hostmem_iova(const struct nvmesim_hostmem *hm, const void *p);

/* nvmesim_hostmem_contains - whether [p, p+len) lies in the region */
NVMESIM_PRIV int nvmesim_hostmem_contains(const struct nvmesim_hostmem *hm, const void *p,
					  size_t len);

#endif /* NVMESIM_ENGINE_HOSTMEM_H */
