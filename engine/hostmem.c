/* SPDX-License-Identifier: MIT */
/*
 * hostmem.c - DMA-able host memory: a memfd mapping and a page allocator.
 *
 * The region is a memfd mapped MAP_SHARED, the same kind of memory a VFIO
 * user maps for DMA (and one that a second process could map to watch the
 * rings).  Allocation is first fit over a page bitmap with a roving start
 * (next fit), which keeps the common pattern - a few long-lived rings plus
 * many same-sized data buffers and PRP lists - cheap.  Each allocation's page
 * count is remembered at its first page so free() needs only the pointer.
 *
 * For a real device (VFIO) the region can be backed by 2 MiB hugepages
 * (memfd MFD_HUGETLB): the IOMMU maps it with fewer, larger entries and the
 * pinning is cheaper.  hugetlbfs reserves the pages when a shared mapping is
 * made, so a system without enough free hugepages fails the mmap() with
 * ENOMEM (never a SIGBUS later); the region then falls back to 4 KiB pages.
 * The allocator keeps its 4 KiB granularity either way.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/hostmem.h"

struct nvmesim_hostmem {
	uint8_t *base;        /* mapping */
	size_t size;          /* bytes, whole pages */
	uint64_t iova_base;   /* device address of base */
	int fd;               /* the memfd, -1 when anonymous memory was used */
	size_t map_size;      /* bytes mapped: size, rounded up to a hugepage when huge */
	bool huge;            /* backed by 2 MiB hugepages */
	uint32_t npages;
	uint32_t *run;        /* run[i] = pages of the allocation starting at page i, else 0 */
	uint8_t *used;        /* used[i] != 0 when page i is allocated */
	uint32_t rover;       /* where the next search starts */
};

/* hostmem_map_huge - a mapping of 2 MiB hugepages (memfd MFD_HUGETLB); 0, or -errno
 * (-ENOMEM at mmap when not enough hugepages are free, -EINVAL without hugetlbfs) */
static int hostmem_map_huge(struct nvmesim_hostmem *hm)
{
#if defined(HAVE_MEMFD_CREATE) && defined(MFD_HUGETLB)
	size_t len = NVMESIM_ALIGN_UP(hm->size, NVMESIM_HOSTMEM_HUGEPAGE);
	void *p;
	int fd, err;

	/* MFD_HUGE_2MB is 21 << MFD_HUGE_SHIFT; spelt out for older headers */
	fd = memfd_create("nvmesim-hostmem", MFD_CLOEXEC | MFD_HUGETLB | (21u << 26));
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len)) {
		err = -errno;
		close(fd);
		return err;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	hm->fd = fd;
	hm->base = p;
	hm->map_size = len;
	hm->huge = true;
	return 0;
#else
	(void)hm;
	return -EOPNOTSUPP;
#endif
}

/* hostmem_map - a shared mapping of @size bytes, memfd-backed where available */
static int hostmem_map(struct nvmesim_hostmem *hm)
{
	void *p;

	hm->fd = -1;
	hm->map_size = hm->size;
#ifdef HAVE_MEMFD_CREATE
	hm->fd = memfd_create("nvmesim-hostmem", MFD_CLOEXEC);
	if (hm->fd >= 0 && ftruncate(hm->fd, (off_t)hm->size) != 0) {
		close(hm->fd);
		hm->fd = -1;
	}
#endif
	if (hm->fd >= 0)
		p = mmap(NULL, hm->size, PROT_READ | PROT_WRITE, MAP_SHARED, hm->fd, 0);
	else
		p = mmap(NULL, hm->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
			 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		if (hm->fd >= 0)
			close(hm->fd);
		return err;
	}
	hm->base = p;
	return 0;
}

/* nvmesim_hostmem_new - create the region; 0, -EINVAL, -ENOMEM or -errno */
int nvmesim_hostmem_new(struct nvmesim_hostmem **out, size_t size, uint64_t iova_base)
{
	return nvmesim_hostmem_new_huge(out, size, iova_base, false);
}

/* nvmesim_hostmem_new_huge - create the region, in hugepages if @huge and the system has
 * them free; 0, -EINVAL, -ENOMEM or -errno */
int nvmesim_hostmem_new_huge(struct nvmesim_hostmem **out, size_t size, uint64_t iova_base,
			     bool huge)
{
	struct nvmesim_hostmem *hm;
	int err;

	*out = NULL;
	if (size == 0 || size > ((size_t)1 << 40) || !NVMESIM_IS_ALIGNED(iova_base,
									  NVMESIM_HOSTMEM_PAGE))
		return -EINVAL;
	hm = calloc(1, sizeof(*hm));
	if (!hm)
		return -ENOMEM;
	hm->size = NVMESIM_ALIGN_UP(size, NVMESIM_HOSTMEM_PAGE);
	hm->npages = (uint32_t)(hm->size / NVMESIM_HOSTMEM_PAGE);
	hm->iova_base = iova_base;
	hm->run = calloc(hm->npages, sizeof(*hm->run));
	hm->used = calloc(hm->npages, 1);
	err = -ENOMEM;
	if (!hm->run || !hm->used)
		goto free_tables;
	err = huge ? hostmem_map_huge(hm) : -EOPNOTSUPP;
	if (err)
		err = hostmem_map(hm);
	if (err)
		goto free_tables;
	*out = hm;
	return 0;

free_tables:
	free(hm->run);
	free(hm->used);
	free(hm);
	return err;
}

/* nvmesim_hostmem_destroy - unmap and free the region */
void nvmesim_hostmem_destroy(struct nvmesim_hostmem *hm)
{
	if (!hm)
		return;
	munmap(hm->base, hm->map_size);
	if (hm->fd >= 0)
		close(hm->fd);
	free(hm->run);
	free(hm->used);
	free(hm);
}

/* nvmesim_hostmem_base - first byte of the region */
void *nvmesim_hostmem_base(const struct nvmesim_hostmem *hm)
{
	return hm->base;
}

/* nvmesim_hostmem_size - size of the region in bytes */
size_t nvmesim_hostmem_size(const struct nvmesim_hostmem *hm)
{
	return hm->size;
}

/* nvmesim_hostmem_map_size - bytes mapped (the size, rounded up to 2 MiB when in hugepages) */
size_t nvmesim_hostmem_map_size(const struct nvmesim_hostmem *hm)
{
	return hm->map_size;
}

/* nvmesim_hostmem_huge - whether the region is in 2 MiB hugepages */
bool nvmesim_hostmem_huge(const struct nvmesim_hostmem *hm)
{
	return hm->huge;
}

/* nvmesim_hostmem_iova_base - device address of the region */
uint64_t nvmesim_hostmem_iova_base(const struct nvmesim_hostmem *hm)
{
	return hm->iova_base;
}

/* hostmem_find - first run of @n free pages at or after @from, or npages */
static uint32_t hostmem_find(const struct nvmesim_hostmem *hm, uint32_t from, uint32_t n)
{
	uint32_t i = from, len = 0;

	while (i < hm->npages) {
		if (hm->used[i]) {
			/* skip the whole allocation */
			i += hm->run[i] ? hm->run[i] : 1;
			len = 0;
			continue;
		}
		if (++len == n)
			return i + 1 - n;
		i++;
	}
	return hm->npages;
}

/* nvmesim_hostmem_alloc - @len bytes (whole pages, zeroed); NULL when no run is free */
void *nvmesim_hostmem_alloc(struct nvmesim_hostmem *hm, size_t len)
{
	uint32_t n, start;
	size_t pages = NVMESIM_ALIGN_UP(len ? len : 1, NVMESIM_HOSTMEM_PAGE) / NVMESIM_HOSTMEM_PAGE;

	if (pages > hm->npages)
		return NULL;
	n = (uint32_t)pages;
	start = hostmem_find(hm, hm->rover, n);
	if (start == hm->npages)
		start = hostmem_find(hm, 0, n);
	if (start == hm->npages)
		return NULL;
	memset(&hm->used[start], 1, n);
	hm->run[start] = n;
	hm->rover = start + n < hm->npages ? start + n : 0;
	memset(hm->base + (size_t)start * NVMESIM_HOSTMEM_PAGE, 0,
	       (size_t)n * NVMESIM_HOSTMEM_PAGE);
	return hm->base + (size_t)start * NVMESIM_HOSTMEM_PAGE;
}

/* nvmesim_hostmem_free - release an allocation made by nvmesim_hostmem_alloc() */
void nvmesim_hostmem_free(struct nvmesim_hostmem *hm, void *p)
{
	size_t off;
	uint32_t page;

	if (!p || !nvmesim_hostmem_contains(hm, p, 1))
		return;
	off = (size_t)((uint8_t *)p - hm->base);
	if (off % NVMESIM_HOSTMEM_PAGE)
		return;
	page = (uint32_t)(off / NVMESIM_HOSTMEM_PAGE);
	if (!hm->run[page])
		return;
	memset(&hm->used[page], 0, hm->run[page]);
	hm->run[page] = 0;
}

/* nvmesim_hostmem_iova - device address of @p */
uint64_t nvmesim_hostmem_iova(const struct nvmesim_hostmem *hm, const void *p)
{
	return hm->iova_base + (uint64_t)((const uint8_t *)p - hm->base);
}

/* nvmesim_hostmem_contains - whether [p, p+len) lies in the region */
int nvmesim_hostmem_contains(const struct nvmesim_hostmem *hm, const void *p, size_t len)
{
	const uint8_t *b = p;

	return b >= hm->base && b < hm->base + hm->size &&
	       len <= (size_t)(hm->base + hm->size - b);
}
