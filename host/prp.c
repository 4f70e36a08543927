/* SPDX-License-Identifier: MIT */
/*
 * prp.c - building a command's data pointer as PRP entries (NVMe 2.0 §4.1.1).
 *
 * PRP1 addresses the first byte and may carry a dword-aligned offset into its
 * memory page; every later entry addresses a whole page.  If the transfer ends
 * in the page after PRP1's, PRP2 is that page; if it needs more pages, PRP2
 * points to a PRP list.  A list fills its memory page; when more entries are
 * needed than fit, the last entry of the page points to the next list page
 * (§4.1.1.1).  List pages come from host memory and are freed when the command
 * completes.  The memory page size is the host's CC.MPS, which need not equal
 * the allocator's 4 KiB page, so the entries a list page can hold are counted
 * from its actual address.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/host-internal.h"

/* prp_push_list - remember list page @pg in @prp; 0 or -ENOMEM */
static int prp_push_list(struct nvmesim_host_prp *prp, void *pg)
{
	void **n;
	unsigned int cap;

	if (prp->nr_lists == prp->cap_lists) {
		cap = prp->cap_lists * 2;
		n = malloc(cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		memcpy(n, prp->lists, prp->nr_lists * sizeof(*n));
		if (prp->lists != prp->inline_lists)
			free(prp->lists);
		prp->lists = n;
		prp->cap_lists = cap;
	}
	prp->lists[prp->nr_lists++] = pg;
	return 0;
}

/* prp_new_list - allocate a list page; its entries and how many fit before the next
 * memory page boundary (§4.1.1: a list never crosses a page); NULL when exhausted */
static uint64_t *prp_new_list(struct nvmesim_hostmem *hm, uint32_t page,
			      struct nvmesim_host_prp *prp, unsigned int *cap)
{
	void *pg = nvmesim_hostmem_alloc(hm, page);
	uint64_t iova;

	if (!pg)
		return NULL;
	if (prp_push_list(prp, pg)) {
		nvmesim_hostmem_free(hm, pg);
		return NULL;
	}
	iova = nvmesim_hostmem_iova(hm, pg);
	*cap = (unsigned int)((page - (iova & (page - 1))) / sizeof(uint64_t));
	return pg;
}

/* nvmesim_host_prp_build - PRP1/PRP2 and lists for [buf, buf+len); 0, -EINVAL or -ENOMEM */
int nvmesim_host_prp_build(struct nvmesim_hostmem *hm, uint32_t page, void *buf, size_t len,
			   struct nvmesim_host_prp *prp)
{
	uint64_t iova, first, rem, next, npages, k;
	uint64_t *ents;
	unsigned int cap = 0, i = 0;

	memset(prp, 0, sizeof(*prp));
	prp->lists = prp->inline_lists;
	prp->cap_lists = NVMESIM_HOST_PRP_INLINE;
	if (len == 0)
		return 0;
	/* §4.1.1: PRP1's offset must be dword aligned (bits 1:0 cleared). */
	if (!buf || ((uintptr_t)buf & 3u) || !nvmesim_hostmem_contains(hm, buf, len))
		return -EINVAL;
	iova = nvmesim_hostmem_iova(hm, buf);
	prp->prp1 = iova;
	first = page - (iova & (page - 1));
	if (len <= first)
		return 0;
	rem = len - first;
	next = iova + first;
	if (rem <= page) {
		prp->prp2 = next;
		return 0;
	}
	npages = (rem + page - 1) / page;
	ents = prp_new_list(hm, page, prp, &cap);
	if (!ents)
		goto nomem;
	prp->prp2 = nvmesim_hostmem_iova(hm, ents);
	for (k = 0; k < npages; k++) {
		/* Last slot of a list page with more than one entry to go: chain. */
		if (i == cap - 1 && npages - k > 1) {
			uint64_t *nl = prp_new_list(hm, page, prp, &cap);

			if (!nl)
				goto nomem;
			ents[i] = nvmesim_hostmem_iova(hm, nl);
			ents = nl;
			i = 0;
		}
		ents[i++] = next + k * page;
	}
	return 0;

nomem:
	nvmesim_host_prp_release(hm, prp);
	return -ENOMEM;
}

/* nvmesim_host_prp_release - free @prp's list pages and its heap array */
void nvmesim_host_prp_release(struct nvmesim_hostmem *hm, struct nvmesim_host_prp *prp)
{
	unsigned int i;

	for (i = 0; i < prp->nr_lists; i++)
		nvmesim_hostmem_free(hm, prp->lists[i]);
	if (prp->lists && prp->lists != prp->inline_lists)
		free(prp->lists);
	prp->lists = prp->inline_lists;
	prp->cap_lists = NVMESIM_HOST_PRP_INLINE;
	prp->nr_lists = 0;
}
