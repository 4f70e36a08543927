/* SPDX-License-Identifier: MIT */
/*
 * iova.c - the device's view of host memory.
 *
 * A handful of ranges (host memory is normally one region), kept sorted so a
 * lookup is a short binary search, with the last hit cached because DMA is
 * strongly local.  Every access is checked to lie wholly inside one range:
 * the simulated equivalent of an IOMMU fault is an error return, never a
 * stray pointer.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/iova.h"

/* nvmesim_iova_init - an empty map */
void nvmesim_iova_init(struct nvmesim_iova_map *m)
{
	memset(m, 0, sizeof(*m));
}

/* nvmesim_iova_fini - free the map's storage */
void nvmesim_iova_fini(struct nvmesim_iova_map *m)
{
	free(m->r);
	memset(m, 0, sizeof(*m));
}

/* nvmesim_iova_add - insert a range keeping order; 0, -EINVAL, -EEXIST or -ENOMEM */
int nvmesim_iova_add(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len, void *vaddr)
{
	unsigned int i;

	if (len == 0 || iova + len < iova || !vaddr)
		return -EINVAL;
	for (i = 0; i < m->nr; i++) {
		const struct nvmesim_iova_range *r = &m->r[i];

		if (iova < r->iova + r->len && r->iova < iova + len)
			return -EEXIST;
		if (iova < r->iova)
			break;
	}
	if (m->nr == m->cap) {
		unsigned int cap = m->cap ? m->cap * 2 : 4;
		struct nvmesim_iova_range *nr = realloc(m->r, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		m->r = nr;
		m->cap = cap;
	}
	memmove(&m->r[i + 1], &m->r[i], (m->nr - i) * sizeof(*m->r));
	m->r[i].iova = iova;
	m->r[i].len = len;
	m->r[i].vaddr = vaddr;
	m->nr++;
	m->last = 0;
	return 0;
}

/* nvmesim_iova_remove - drop the range [iova, iova+len); 0 or -ENOENT */
int nvmesim_iova_remove(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		if (m->r[i].iova == iova && m->r[i].len == len) {
			memmove(&m->r[i], &m->r[i + 1], (m->nr - i - 1) * sizeof(*m->r));
			m->nr--;
			m->last = 0;
			return 0;
		}
	}
	return -ENOENT;
}

/* nvmesim_iova_ptr_lookup - host pointer for [iova, iova+len), or NULL if any byte is
 * unmapped (the search behind the inline nvmesim_iova_ptr()) */
void *nvmesim_iova_ptr_lookup(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len)
{
	unsigned int lo = 0, hi = m->nr;

	if (m->nr == 0)
		return NULL;
	if (m->last < m->nr &&
	    nvmesim_iova_holds(m->r[m->last].iova, m->r[m->last].len, iova, len))
		return m->r[m->last].vaddr + (iova - m->r[m->last].iova);
	/* binary search for the last range starting at or below iova */
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (m->r[mid].iova <= iova)
			lo = mid;
		else
			hi = mid;
	}
	if (!nvmesim_iova_holds(m->r[lo].iova, m->r[lo].len, iova, len))
		return NULL;
	m->last = lo;
	return m->r[lo].vaddr + (iova - m->r[lo].iova);
}

/* nvmesim_iova_sink_add - record a sink range; 0, -EINVAL or -ENOSPC (the table is full) */
int nvmesim_iova_sink_add(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len)
{
	if (len == 0 || iova + len < iova)
		return -EINVAL;
	if (m->nr_sink == NVMESIM_IOVA_SINKS)
		return -ENOSPC;
	m->sink[m->nr_sink].iova = iova;
	m->sink[m->nr_sink].len = len;
	m->nr_sink++;
	return 0;
}

/* nvmesim_iova_sink_remove - drop the sink range [iova, iova+len); 0 or -ENOENT */
int nvmesim_iova_sink_remove(struct nvmesim_iova_map *m, uint64_t iova, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < m->nr_sink; i++) {
		if (m->sink[i].iova == iova && m->sink[i].len == len) {
			m->sink[i] = m->sink[--m->nr_sink];
			return 0;
		}
	}
	return -ENOENT;
}

/* nvmesim_iova_read - copy from device address @iova; 0 or -EFAULT */
int nvmesim_iova_read(struct nvmesim_iova_map *m, uint64_t iova, void *buf, size_t len)
{
	const void *p = nvmesim_iova_ptr(m, iova, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

/* nvmesim_iova_write - copy to device address @iova; 0 or -EFAULT */
int nvmesim_iova_write(struct nvmesim_iova_map *m, uint64_t iova, const void *buf, size_t len)
{
	void *p = nvmesim_iova_ptr(m, iova, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}
