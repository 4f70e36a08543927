/* SPDX-License-Identifier: MIT */
/*
 * iova.h - the device's view of host memory: IOVA ranges mapped for DMA.
 *
 * The controller end records each dma_map() here and performs every DMA
 * through nvmesim_iova_read()/nvmesim_iova_write(), which refuse any access
 * that is not wholly inside one mapped range.  That is how a bad queue base,
 * PRP entry or PRP list pointer becomes the spec's error (a status code or
 * CSTS.CFS) instead of a crash: an IOMMU fault on a real system.
 */
#ifndef NVMESIM_ENGINE_IOVA_H
#define NVMESIM_ENGINE_IOVA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/nvmesim-internal.h"

/* struct nvmesim_iova_range - one mapping: device address -> host pointer */
struct nvmesim_iova_range {
	uint64_t iova;  /* device-visible start */
	uint64_t len;   /* bytes */
	uint8_t *vaddr; /* host pointer of iova */
};

/* NVMESIM_IOVA_SINKS - sink ranges a map holds (a replay uses one per generator job) */
#define NVMESIM_IOVA_SINKS 16

/* struct nvmesim_iova_sink - device addresses whose DMA writes the host never reads */
struct nvmesim_iova_sink {
	uint64_t iova;
	uint64_t len;
};

/* struct nvmesim_iova_map - a small sorted set of non-overlapping ranges */
struct nvmesim_iova_map {
	struct nvmesim_iova_range *r; /* sorted by iova */
	unsigned int nr;              /* ranges in use */
	unsigned int cap;             /* ranges allocated */
	unsigned int last;            /* index of the last hit (lookup cache) */
	unsigned int nr_sink;         /* sink ranges in use */
	struct nvmesim_iova_sink sink[NVMESIM_IOVA_SINKS]; /* see nvmesim_iova_sink_add() */
};

/* nvmesim_iova_holds - whether [base, base+blen) wholly contains [iova, iova+len)
 * (overflow-safe) */
static inline bool nvmesim_iova_holds(uint64_t base, uint64_t blen, uint64_t iova, uint64_t len)
{
	return iova >= base && iova - base <= blen && len <= blen - (iova - base);
}

/* nvmesim_iova_init - an empty map */
NVMESIM_PRIV void nvmesim_iova_init(struct nvmesim_iova_map *m);

/* nvmesim_iova_fini - free the map's storage */
NVMESIM_PRIV void nvmesim_iova_fini(struct nvmesim_iova_map *m);

/* nvmesim_iova_add - map [iova, iova+len) to @vaddr; 0, -EEXIST on overlap, -ENOMEM, -EINVAL */
NVMESIM_PRIV int nvmesim_iova_add(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len,
				  void *vaddr);

/* nvmesim_iova_remove - unmap the range that starts at @iova with length @len; 0 or -ENOENT */
NVMESIM_PRIV int nvmesim_iova_remove(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len);

/* nvmesim_iova_ptr_lookup - nvmesim_iova_ptr() past its last-hit check */
NVMESIM_PRIV void *nvmesim_iova_ptr_lookup(struct nvmesim_iova_map *m, uint64_t iova,
					   uint64_t len);

/* nvmesim_iova_ptr - host pointer for [iova, iova+len) if wholly mapped, else NULL.  Inline
 * for its common case, the range of the last hit (host memory is usually one range, and
 * every DMA of a command goes through here). */
static inline void *nvmesim_iova_ptr(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len)
{
	if (m->last < m->nr) {
		const struct nvmesim_iova_range *r = &m->r[m->last];

		if (nvmesim_iova_holds(r->iova, r->len, iova, len))
			return r->vaddr + (iova - r->iova);
	}
	return nvmesim_iova_ptr_lookup(m, iova, len);
}

/* nvmesim_iova_sink_add - the host will not read what the device writes to [iova, iova+len):
 * a simulated device may skip those writes (end.h, dma_sink); 0, -EINVAL, -ENOSPC */
NVMESIM_PRIV int nvmesim_iova_sink_add(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len);

/* nvmesim_iova_sink_remove - end a sink added with the same range; 0 or -ENOENT */
NVMESIM_PRIV int nvmesim_iova_sink_remove(struct nvmesim_iova_map *m, uint64_t iova,
					  uint64_t len);

/* nvmesim_iova_in_sink - whether [iova, iova+len) lies wholly inside one sink range */
static inline bool nvmesim_iova_in_sink(const struct nvmesim_iova_map *m, uint64_t iova,
					uint64_t len)
{
	unsigned int i;

	for (i = 0; i < m->nr_sink; i++)
		if (nvmesim_iova_holds(m->sink[i].iova, m->sink[i].len, iova, len))
			return true;
	return false;
}

/* nvmesim_iova_read - DMA from host memory at @iova into @buf; 0 or -EFAULT */
NVMESIM_PRIV int nvmesim_iova_read(struct nvmesim_iova_map *m, uint64_t iova, void *buf,
				   size_t len);

/* nvmesim_iova_write - DMA @buf into host memory at @iova; 0 or -EFAULT */
NVMESIM_PRIV int nvmesim_iova_write(struct nvmesim_iova_map *m, uint64_t iova,
				    const void *buf, size_t len);

#endif /* NVMESIM_ENGINE_IOVA_H */
