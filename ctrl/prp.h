/* SPDX-License-Identifier: MIT */
/*
 * prp.h - walking PRP entries and PRP lists (NVMe 2.0 §4.1.1).
 *
 * A command's data pointer is PRP1 plus PRP2.  PRP1 may start at any dword
 * offset in a memory page; every further entry must be page aligned (offset
 * 0).  If the transfer fits in the page PRP1 starts in, PRP2 is unused; if it
 * ends in the next page, PRP2 addresses that page; otherwise PRP2 points to a
 * PRP list, whose last entry chains to the next list page when more entries
 * are needed than fit.  Every entry and list page is reached through the
 * controller's IOVA map, so a bad pointer becomes a status code, never a
 * crash: PRP Offset Invalid for a misaligned entry, Data Transfer Error for
 * memory the device cannot reach.
 */
#ifndef NVMESIM_CTRL_PRP_H
#define NVMESIM_CTRL_PRP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/iova.h"

/* enum nvmesim_dma_dir - direction of a data transfer */
enum nvmesim_dma_dir {
	NVMESIM_TO_HOST,   /* controller -> host memory (read data, Identify, logs) */
	NVMESIM_FROM_HOST, /* host memory -> controller (write data, DSM ranges) */
};

/* struct nvmesim_prp_seg - one contiguous piece of the transfer */
struct nvmesim_prp_seg {
	uint64_t iova;             /* device address of the piece */
	uint32_t len;              /* bytes */
};

/* Segments held inside struct nvmesim_prp itself, so that typical commands map
 * without touching the heap (the I/O hot path). */
#define NVMESIM_PRP_INLINE 16

/*
 * struct nvmesim_prp - the transfer as a list of segments.  After
 * nvmesim_prp_init() seg may point into the struct itself (inl): do not copy
 * an initialised struct nvmesim_prp, pass its address.
 */
struct nvmesim_prp {
	struct nvmesim_prp_seg *seg;
	unsigned int nr;
	unsigned int cap;
	uint64_t len;              /* total bytes */
	char why[160];             /* the rule broken when mapping failed */
	struct nvmesim_prp_seg inl[NVMESIM_PRP_INLINE]; /* first segments, no malloc */
};

/* nvmesim_prp_init - an empty segment list */
NVMESIM_PRIV void nvmesim_prp_init(struct nvmesim_prp *p);

/* nvmesim_prp_fini - free the segment list */
NVMESIM_PRIV void nvmesim_prp_fini(struct nvmesim_prp *p);

/* nvmesim_prp_map - resolve PRP1/PRP2 for @len bytes with memory page size @page;
 * returns an NVMe status (0 on success) and, on failure, the rule in p->why */
NVMESIM_PRIV uint16_t nvmesim_prp_map(struct nvmesim_prp *p, struct nvmesim_iova_map *m,
				      uint32_t page, uint64_t prp1, uint64_t prp2, uint64_t len);

/* nvmesim_prp_copy - copy @len bytes between @buf and the mapped segments, starting
 * @off bytes into the transfer; status 0, or Data Transfer Error */
NVMESIM_PRIV uint16_t nvmesim_prp_copy(struct nvmesim_prp *p, struct nvmesim_iova_map *m,
				       uint64_t off, void *buf, size_t len,
				       enum nvmesim_dma_dir dir);

/* nvmesim_prp_xfer - map and copy in one step (Identify, Get Log Page, ...);
 * @why (may be NULL, @whylen bytes) receives the rule broken on failure */
NVMESIM_PRIV uint16_t nvmesim_prp_xfer(struct nvmesim_iova_map *m, uint32_t page,
				       uint64_t prp1, uint64_t prp2, void *buf, size_t len,
				       enum nvmesim_dma_dir dir, char *why, size_t whylen);

#endif /* NVMESIM_CTRL_PRP_H */
