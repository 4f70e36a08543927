/* SPDX-License-Identifier: MIT */
/*
 * prp.c - walking PRP entries and PRP lists (NVMe 2.0 §4.1.1).
 *
 * The walker turns a command's PRP1/PRP2 and transfer length into a list of
 * segments (device address, length), merging pieces that are contiguous both
 * as IOVAs and in host memory, so a buffer the host allocated in one piece
 * usually becomes one segment however many PRP entries describe it.
 *
 * Every rule is checked before any data moves, in transfer order, and the
 * first broken rule decides the status:
 *   - PRP1 may start anywhere in a page but must be dword aligned;
 *   - PRP2, when it addresses the second (and last) data page, and every
 *     entry of a PRP list must have offset 0 in the memory page;
 *   - PRP2 as a PRP list pointer must be qword aligned and may start
 *     mid-page; when more entries are needed than fit in the rest of a list
 *     page, its last entry points to the next list page (offset 0);
 *   - misaligned entries give PRP Offset Invalid (DNR); an entry, list or
 *     data page the device cannot reach through the IOVA map gives Data
 *     Transfer Error (an IOMMU fault on a real system).
 * Only the list entries the transfer needs are read, as a real controller
 * would: what lies past them is not the host's promise.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/prp.h"

/* struct prp_walk - state of one nvmesim_prp_map() call */
struct prp_walk {
	struct nvmesim_prp *p;         /* segments being built */
	struct nvmesim_iova_map *m;    /* host memory as the device sees it */
	const uint8_t *end;            /* host address just past the last segment */
};

/* Record the broken rule in p->why and return @status. */
static uint16_t __attribute__((format(printf, 3, 4)))
prp_fail(struct nvmesim_prp *p, uint16_t status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return status;
}

/* Append a segment slot, growing out of the inline array; 0 or -1 when out of memory. */
static int prp_push(struct nvmesim_prp *p, uint64_t iova, uint32_t len)
{
	struct nvmesim_prp_seg *seg;
	unsigned int cap;

	if (p->nr == p->cap) {
		cap = p->cap ? p->cap * 2 : NVMESIM_PRP_INLINE;
		if (p->seg == p->inl) {
			seg = malloc(cap * sizeof(*seg));
			if (seg)
				memcpy(seg, p->inl, p->nr * sizeof(*seg));
		} else {
			seg = realloc(p->seg, cap * sizeof(*seg));
		}
		if (!seg)
			return -1;
		p->seg = seg;
		p->cap = cap;
	}
	p->seg[p->nr].iova = iova;
	p->seg[p->nr].len = len;
	p->nr++;
	return 0;
}

/*
 * Add [iova, iova+len) (len <= one page) to the transfer after checking the
 * device can reach it; @what names the entry for the diagnostic.
 */
static uint16_t prp_add(struct prp_walk *w, uint64_t iova, uint64_t len, const char *what,
			int idx)
{
	struct nvmesim_prp *p = w->p;
	struct nvmesim_prp_seg *last;
	const uint8_t *host;

	host = nvmesim_iova_ptr(w->m, iova, len);
	if (!host && idx < 0)
		return prp_fail(p, NVMESIM_SC_DATA_XFER_ERROR,
				"%s data 0x%" PRIx64 "+%" PRIu64 " is not in host memory"
				" mapped for DMA (NVMe 2.0 §4.1.1)", what, iova, len);
	if (!host)
		return prp_fail(p, NVMESIM_SC_DATA_XFER_ERROR,
				"%s %d data 0x%" PRIx64 "+%" PRIu64 " is not in host memory"
				" mapped for DMA (NVMe 2.0 §4.1.1)", what, idx, iova, len);
	last = p->nr ? &p->seg[p->nr - 1] : NULL;
	if (last && last->iova + last->len == iova && w->end == host &&
	    last->len + len <= UINT32_MAX) {
		last->len += (uint32_t)len;
	} else if (prp_push(p, iova, (uint32_t)len) < 0) {
		return prp_fail(p, NVMESIM_SC_INTERNAL, "out of memory for %u PRP segments",
				p->nr + 1);
	}
	w->end = host + len;
	p->len += len;
	return NVMESIM_SC_SUCCESS;
}

/*
 * Walk the PRP list at @list for the @rem bytes after the first page (NVMe
 * 2.0 §4.1.1, "PRP List").  @avail is the number of entries from @list to the
 * end of its list page; all but the last are data entries, and the last is a
 * data entry too unless more pages remain, in which case it chains to the
 * next list page.
 */
static uint16_t prp_walk_list(struct prp_walk *w, uint64_t page, uint64_t list, uint64_t rem)
{
	uint64_t mask = page - 1;
	uint64_t avail = (page - (list & mask)) / 8;
	uint64_t need, want, i, e, n;
	unsigned int idx = 0;
	const uint8_t *ents;
	uint16_t st;
	int chain;

	for (;;) {
		need = (rem + mask) / page;     /* data pages still to describe */
		chain = need > avail;
		want = chain ? avail : need;    /* entries to read from this list page */
		ents = nvmesim_iova_ptr(w->m, list, want * 8);
		if (!ents)
			return prp_fail(w->p, NVMESIM_SC_DATA_XFER_ERROR,
					"PRP list 0x%" PRIx64 " (%" PRIu64 " entries) is not in"
					" host memory mapped for DMA (NVMe 2.0 §4.1.1)", list,
					want);
		for (i = 0; i < want - (uint64_t)chain; i++, idx++) {
			memcpy(&e, ents + i * 8, sizeof(e)); /* little-endian, maybe unaligned */
			if (e & mask)
				return prp_fail(w->p, NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR,
						"PRP list entry %u 0x%" PRIx64 " (at 0x%" PRIx64
						") not page aligned (NVMe 2.0 §4.1.1)",
						idx, e, list + i * 8);
			n = NVMESIM_MIN(rem, page);
			st = prp_add(w, e, n, "PRP list entry", (int)idx);
			if (st)
				return st;
			rem -= n;
		}
		if (!chain)
			return NVMESIM_SC_SUCCESS;
		memcpy(&e, ents + (want - 1) * 8, sizeof(e));
		if (e & mask)
			return prp_fail(w->p, NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR,
					"PRP list chain pointer 0x%" PRIx64 " (at 0x%" PRIx64
					") not page aligned (NVMe 2.0 §4.1.1)",
					e, list + (want - 1) * 8);
		list = e;
		avail = page / 8;
	}
}

/* nvmesim_prp_init - set @p up empty, with its inline segment storage. */
void nvmesim_prp_init(struct nvmesim_prp *p)
{
	p->seg = p->inl;
	p->nr = 0;
	p->cap = NVMESIM_PRP_INLINE;
	p->len = 0;
	p->why[0] = '\0';
}

/* nvmesim_prp_fini - free segment storage that outgrew the inline array; returns nothing. */
void nvmesim_prp_fini(struct nvmesim_prp *p)
{
	if (p->seg != p->inl)
		free(p->seg);
	nvmesim_prp_init(p);
}

/* nvmesim_prp_map - build @p's segments for PRP1/PRP2 and @len bytes; returns 0 or
 * PRP Offset Invalid | DNR, Data Transfer Error, Internal Error, with p->why set. */
uint16_t nvmesim_prp_map(struct nvmesim_prp *p, struct nvmesim_iova_map *m, uint32_t page,
			 uint64_t prp1, uint64_t prp2, uint64_t len)
{
	struct prp_walk w = { .p = p, .m = m, .end = NULL };
	uint64_t mask = (uint64_t)page - 1;
	uint64_t first, rem;
	uint16_t st;

	p->nr = 0;
	p->len = 0;
	p->why[0] = '\0';
	if (!len)
		return NVMESIM_SC_SUCCESS;
	/* page comes from CC.MPS, checked at enable; guard anyway, it drives the walk */
	if (page < 4096 || (page & mask))
		return prp_fail(p, NVMESIM_SC_INTERNAL, "memory page size %u invalid", page);
	if (prp1 & 3)
		return prp_fail(p, NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR,
				"PRP1 0x%" PRIx64 " not dword aligned (NVMe 2.0 §4.1.1)", prp1);
	first = NVMESIM_MIN(len, page - (prp1 & mask));
	st = prp_add(&w, prp1, first, "PRP1", -1);
	if (st)
		return st;
	rem = len - first;
	if (!rem)
		return NVMESIM_SC_SUCCESS;      /* fits in PRP1's page: PRP2 unused */
	if (rem <= page) {
		/* the transfer ends in the second page: PRP2 is that page */
		if (prp2 & mask)
			return prp_fail(p, NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR,
					"PRP2 0x%" PRIx64 " addresses the second data page and must"
					" have offset 0 (NVMe 2.0 §4.1.1)", prp2);
		return prp_add(&w, prp2, rem, "PRP2", -1);
	}
	if (prp2 & 7)
		return prp_fail(p, NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR,
				"PRP2 0x%" PRIx64 " is a PRP list pointer and must be qword"
				" aligned (NVMe 2.0 §4.1.1)", prp2);
	return prp_walk_list(&w, page, prp2, rem);
}

/* nvmesim_prp_copy - move @len bytes between @buf and the transfer at offset @off;
 * returns 0 or Data Transfer Error (also for a range outside the mapped transfer). */
uint16_t nvmesim_prp_copy(struct nvmesim_prp *p, struct nvmesim_iova_map *m, uint64_t off,
			  void *buf, size_t len, enum nvmesim_dma_dir dir)
{
	uint8_t *b = buf;
	uint64_t skip = off;
	unsigned int i;
	size_t n;
	int ret;

	if (off > p->len || len > p->len - off)
		return prp_fail(p, NVMESIM_SC_DATA_XFER_ERROR,
				"copy of %zu bytes at %" PRIu64 " beyond the %" PRIu64
				"-byte transfer", len, off, p->len);
	for (i = 0; i < p->nr && len; i++) {
		if (skip >= p->seg[i].len) {
			skip -= p->seg[i].len;
			continue;
		}
		n = (size_t)NVMESIM_MIN((uint64_t)len, p->seg[i].len - skip);
		if (dir == NVMESIM_TO_HOST)
			ret = nvmesim_iova_write(m, p->seg[i].iova + skip, b, n);
		else
			ret = nvmesim_iova_read(m, p->seg[i].iova + skip, b, n);
		if (ret < 0)
			return prp_fail(p, NVMESIM_SC_DATA_XFER_ERROR,
					"DMA to 0x%" PRIx64 "+%zu failed: no longer mapped"
					" (NVMe 2.0 §4.1.1)", p->seg[i].iova + skip, n);
		b += n;
		len -= n;
		skip = 0;
	}
	return NVMESIM_SC_SUCCESS;
}

/* nvmesim_prp_xfer - map PRP1/PRP2 for @len bytes and copy; returns 0 or the status of
 * the first failure, with its rule in @why. */
uint16_t nvmesim_prp_xfer(struct nvmesim_iova_map *m, uint32_t page, uint64_t prp1,
			  uint64_t prp2, void *buf, size_t len, enum nvmesim_dma_dir dir,
			  char *why, size_t whylen)
{
	struct nvmesim_prp p;
	uint16_t st;

	nvmesim_prp_init(&p);
	st = nvmesim_prp_map(&p, m, page, prp1, prp2, len);
	if (!st)
		st = nvmesim_prp_copy(&p, m, 0, buf, len, dir);
	if (why && whylen)
		snprintf(why, whylen, "%s", st ? p.why : "");
	nvmesim_prp_fini(&p);
	return st;
}
