/* SPDX-License-Identifier: MIT */
/*
 * vfio.c - the `vfio` controller end: a real NVMe controller through Linux VFIO.
 *
 * The end speaks to the device the way the kernel's vfio-pci lets a user
 * process do it, through a legacy VFIO container and group
 * (Documentation/driver-api/vfio.rst): open /dev/vfio/vfio, check the API
 * version and the type1 IOMMU (v2 preferred), attach the group
 * /dev/vfio/N, set the IOMMU, read the valid IOVA ranges, get the device fd.
 * Then the function is reset (VFIO_DEVICE_RESET, when it has a reset), BAR0
 * is mapped (or accessed with pread/pwrite at the region's offset when it
 * cannot be mapped), bus mastering is turned on in the PCI COMMAND register
 * (vfio-pci leaves it off, and without it the controller enables but never
 * fetches a command), and MSI-X vectors are enabled as eventfds.
 *
 * The host driver sees exactly what it sees of the simulated controller:
 * 32/64-bit BAR0 accesses (64-bit ones as two 32-bit halves, low first, as
 * Linux's lo_hi_readq/lo_hi_writeq: not every device takes 64-bit MMIO),
 * dma_map of its host memory at an IOVA, wait() for a vector, and a clock,
 * here CLOCK_MONOTONIC.  Real time passes by itself, so host_work and
 * set_cpu are not needed.
 *
 * Closing the end (also after a failed open) leaves the device quiet: CC.EN=0
 * and CSTS.RDY=0 awaited within CAP.TO, bus mastering off, vectors disabled,
 * every DMA mapping still present unmapped, all descriptors closed.
 *
 * Not implemented: the iommufd interface (/dev/iommu with VFIO device cdevs,
 * Linux 6.2+; the build machines' 6.1 headers do not have it) and no-IOMMU
 * mode (no isolation, and Debian kernels do not enable it); see
 * docs/real-ssd.md.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "hw/vfio-internal.h"

/* PCI configuration space: COMMAND register and its bits (PCI Local Bus 3.0 §6.2.2) */
#define VFIO_PCI_COMMAND 0x04
#define VFIO_PCI_COMMAND_MEMORY 0x2u
#define VFIO_PCI_COMMAND_MASTER 0x4u

/* Smallest BAR0 that holds the registers and the admin doorbells (NVMe 2.0 §3.1.4) */
#define VFIO_BAR0_MIN 0x1008u

/* How often close() looks at CSTS.RDY while waiting for it to clear */
#define VFIO_RDY_POLL_NS 1000000ull

/* struct vfio_map - one DMA mapping made through the end */
struct vfio_map {
	uint64_t iova;  /* device address */
	uint64_t len;   /* bytes */
};

/* struct vfio_range - one valid IOVA range [start, end] of the IOMMU */
struct vfio_range {
	uint64_t start; /* first address */
	uint64_t end;   /* last address (inclusive) */
};

/* struct vfio_end - the end's state */
struct vfio_end {
	struct nvmesim_end end;         /* what the host sees; end.priv points here */
	char bdf[NVMESIM_VFIO_BDF_LEN]; /* PCI address */
	int group_nr;                   /* IOMMU group number */
	int container;                  /* /dev/vfio/vfio, -1 when closed */
	int group;                      /* /dev/vfio/N, -1 when closed */
	int device;                     /* device fd, -1 when closed */
	bool group_attached;            /* VFIO_GROUP_SET_CONTAINER done */
	volatile uint8_t *bar;          /* BAR0 mapping, NULL: pread/pwrite */
	uint64_t bar_size;              /* BAR0 bytes */
	uint64_t bar_off;               /* BAR0 region offset in the device fd */
	bool bar_ok;                    /* BAR0 can be accessed (one way or the other) */
	uint64_t cfg_off;               /* config space region offset */
	bool bme_set;                   /* we turned bus mastering on */
	int *efd;                       /* eventfd per MSI-X vector */
	struct pollfd *pfd;             /* their pollfds */
	uint8_t *pending;               /* vector signalled, not yet returned by wait() */
	unsigned int nr_pending;        /* vectors pending */
	unsigned int rr;                /* where the search for a pending vector starts */
	unsigned int nr_vec;            /* vectors enabled */
	struct vfio_map *maps;          /* DMA mappings */
	unsigned int nr_maps;           /* used */
	unsigned int cap_maps;          /* allocated */
	uint64_t mapped;                /* bytes mapped */
	struct vfio_range *ranges;      /* valid IOVA ranges, NULL: not reported */
	unsigned int nr_ranges;         /* their number */
};

/* vfio_of - the state behind @end */
static inline struct vfio_end *vfio_of(const struct nvmesim_end *end)
{
	return end->priv;
}

/* vfio_log - a diagnostic line through the end's ctrl_log */
static void vfio_log(struct vfio_end *v, const char *fmt, ...) NVMESIM_PRINTF(2, 3);

static void vfio_log(struct vfio_end *v, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!v->end.ctrl_log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	v->end.ctrl_log(v->end.ctrl_log_arg, line);
}

/* vfio_bar_ok - whether a @width-byte access at @off lies inside BAR0 and is aligned */
static bool vfio_bar_ok(const struct vfio_end *v, uint32_t off, unsigned int width)
{
	return v->bar_ok && !(off & (width - 1u)) && (uint64_t)off + width <= v->bar_size;
}

/* BAR0 read through the mapping (or pread); all ones outside BAR0, as a PCI master abort. */
static uint32_t vfio_read32(struct nvmesim_end *end, uint32_t off)
{
	struct vfio_end *v = vfio_of(end);
	uint32_t val;

	if (!vfio_bar_ok(v, off, 4)) {
		vfio_log(v, "R32 0x%x: outside BAR0 (%" PRIu64 " bytes) or not aligned; reads as "
			 "all ones", off, v->bar_size);
		return UINT32_MAX;
	}
	if (v->bar)
		return *(volatile uint32_t *)(v->bar + off);
	if (pread(v->device, &val, 4, (off_t)(v->bar_off + off)) != 4)
		return UINT32_MAX;
	return val;
}

/* Two 32-bit reads, low half first (Linux lo_hi_readq). */
static uint64_t vfio_read64(struct nvmesim_end *end, uint32_t off)
{
	uint64_t lo = vfio_read32(end, off);

	return lo | (uint64_t)vfio_read32(end, off + 4) << 32;
}

/* BAR0 write through the mapping (or pwrite); dropped with a line outside BAR0. */
static void vfio_write32(struct nvmesim_end *end, uint32_t off, uint32_t val)
{
	struct vfio_end *v = vfio_of(end);

	if (!vfio_bar_ok(v, off, 4)) {
		vfio_log(v, "W32 0x%x <- 0x%08x: outside BAR0 (%" PRIu64 " bytes) or not aligned; "
			 "not written", off, val, v->bar_size);
		return;
	}
	/* Commands and PRP lists written to host memory must be visible to the
	 * device before the doorbell that announces them (Linux writel). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (v->bar) {
		*(volatile uint32_t *)(v->bar + off) = val;
		return;
	}
	if (pwrite(v->device, &val, 4, (off_t)(v->bar_off + off)) != 4)
		vfio_log(v, "W32 0x%x <- 0x%08x: pwrite to BAR0 failed", off, val);
}

/* Two 32-bit writes, low half first (Linux lo_hi_writeq). */
static void vfio_write64(struct nvmesim_end *end, uint32_t off, uint64_t val)
{
	vfio_write32(end, off, (uint32_t)val);
	vfio_write32(end, off + 4, (uint32_t)(val >> 32));
}

/* vfio_in_ranges - whether [iova, iova + len) lies inside one valid IOVA range */
static bool vfio_in_ranges(const struct vfio_end *v, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1;
	unsigned int i;

	if (!v->ranges)
		return true;    /* an IOMMU that does not report ranges takes any */
	for (i = 0; i < v->nr_ranges; i++)
		if (iova >= v->ranges[i].start && last <= v->ranges[i].end)
			return true;
	return false;
}

/* vfio_ranges_str - the valid ranges as "0x0-0xfedfffff, ..." into @buf; returns @buf */
static const char *vfio_ranges_str(const struct vfio_end *v, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < v->nr_ranges && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s0x%" PRIx64 "-0x%" PRIx64,
					 i ? ", " : "", v->ranges[i].start, v->ranges[i].end);
	return buf;
}

/* Pin and map [vaddr, vaddr + len) at @iova for the device: inside the IOMMU's valid IOVA
 * ranges (-ERANGE), within RLIMIT_MEMLOCK (-ENOMEM), page aligned (-EINVAL). */
static int vfio_dma_map(struct nvmesim_end *end, void *vaddr, size_t len, uint64_t iova)
{
	struct vfio_end *v = vfio_of(end);
	struct vfio_iommu_type1_dma_map m;
	struct nvmesim_diag d;
	struct vfio_map *grown;
	char ranges[256];
	unsigned int cap;
	int err;

	if (!vaddr || !len || (uintptr_t)vaddr % 4096u || len % 4096u || iova % 4096u ||
	    iova + len < iova)
		return -EINVAL;
	if (!vfio_in_ranges(v, iova, len)) {
		vfio_log(v, "dma_map: IOVA 0x%" PRIx64 "-0x%" PRIx64 " (%zu bytes) is outside the "
			 "IOMMU's valid IOVA ranges of %s (%s): choose another IOVA for host "
			 "memory", iova, iova + len - 1, len, v->bdf,
			 vfio_ranges_str(v, ranges, sizeof(ranges)));
		return -ERANGE;
	}
	memset(&d, 0, sizeof(d));
	err = nvmesim_vfio_check_memlock((size_t)(v->mapped + len), &d);
	if (err) {
		vfio_log(v, "dma_map: %s", d.msg);
		return err;
	}
	if (v->nr_maps == v->cap_maps) {
		cap = v->cap_maps ? v->cap_maps * 2u : 4u;
		grown = realloc(v->maps, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		v->maps = grown;
		v->cap_maps = cap;
	}
	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = (uint64_t)(uintptr_t)vaddr;
	m.iova = iova;
	m.size = len;
	if (ioctl(v->container, VFIO_IOMMU_MAP_DMA, &m)) {
		err = -errno;
		if (err == -ENOMEM)
			vfio_log(v, "dma_map: VFIO_IOMMU_MAP_DMA of %zu bytes at IOVA 0x%" PRIx64
				 ": out of memory, or over the memlock limit (ulimit -l)", len,
				 iova);
		else
			vfio_log(v, "dma_map: VFIO_IOMMU_MAP_DMA of %zu bytes at IOVA 0x%" PRIx64
				 " failed: %s", len, iova, strerror(-err));
		return err;
	}
	v->maps[v->nr_maps].iova = iova;
	v->maps[v->nr_maps].len = len;
	v->nr_maps++;
	v->mapped += len;
	return 0;
}

/* vfio_unmap_at - undo mapping @i; 0 or -errno */
static int vfio_unmap_at(struct vfio_end *v, unsigned int i)
{
	struct vfio_iommu_type1_dma_unmap u;
	int err = 0;

	memset(&u, 0, sizeof(u));
	u.argsz = sizeof(u);
	u.iova = v->maps[i].iova;
	u.size = v->maps[i].len;
	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &u))
		err = -errno;
	v->mapped -= v->maps[i].len;
	v->maps[i] = v->maps[--v->nr_maps];
	return err;
}

/* Undo the dma_map of exactly [iova, iova + len); -ENOENT when there was none. */
static int vfio_dma_unmap(struct nvmesim_end *end, uint64_t iova, size_t len)
{
	struct vfio_end *v = vfio_of(end);
	unsigned int i;

	for (i = 0; i < v->nr_maps; i++)
		if (v->maps[i].iova == iova && v->maps[i].len == len)
			return vfio_unmap_at(v, i);
	return -ENOENT;
}

/* vfio_take_pending - a pending vector (round robin, so no vector starves); true if one */
static bool vfio_take_pending(struct vfio_end *v, uint32_t *vector)
{
	unsigned int i, q;

	for (i = 0; i < v->nr_vec; i++) {
		q = (v->rr + i) % v->nr_vec;
		if (v->pending[q]) {
			v->pending[q] = 0;
			v->nr_pending--;
			v->rr = q + 1;
			*vector = q;
			return true;
		}
	}
	return false;
}

/*
 * Wait on the vectors' eventfds for up to @timeout_ns (0: only look).  Every
 * eventfd found signalled is drained and its vector remembered, then handed
 * out one per call, as the simulated end does; an eventfd counts how often
 * its vector fired, which is one interrupt for the host (the queue is
 * reaped once for all of them).  A signal ends the wait early as a timeout,
 * so the caller looks at its stop flag.
 */
static int vfio_wait(struct nvmesim_end *end, uint64_t timeout_ns, uint32_t *vector)
{
	struct vfio_end *v = vfio_of(end);
	struct timespec ts;
	uint64_t count;
	unsigned int i;
	int n;

	if (v->nr_pending && vfio_take_pending(v, vector))
		return 1;
	ts.tv_sec = (time_t)(timeout_ns / 1000000000u);
	ts.tv_nsec = (long)(timeout_ns % 1000000000u);
	n = ppoll(v->pfd, v->nr_vec, &ts, NULL);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	for (i = 0; i < v->nr_vec; i++) {
		if (!(v->pfd[i].revents & POLLIN))
			continue;
		if (read(v->efd[i], &count, sizeof(count)) == (ssize_t)sizeof(count) &&
		    !v->pending[i]) {
			v->pending[i] = 1;
			v->nr_pending++;
		}
	}
	return vfio_take_pending(v, vector) ? 1 : 0;
}

/* The end's clock: CLOCK_MONOTONIC in ns (real time passes by itself). */
static uint64_t vfio_now(struct nvmesim_end *end)
{
	struct timespec ts;

	(void)end;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* vfio_sleep_ns - sleep @ns of real time */
static void vfio_sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * vfio_quiesce - stop the controller before its memory goes away: CC.EN=0 and
 * CSTS.RDY=0 within CAP.TO (NVMe 2.0 §3.5.2, §3.1.4.1; after a normal
 * shutdown by the host this is a controller reset, as Linux does on unbind),
 * then bus mastering off so nothing more is fetched.
 */
static void vfio_quiesce(struct vfio_end *v)
{
	uint64_t cap, timeout, start;
	uint32_t cc, csts;
	uint16_t cmd;

	if (v->bar_ok) {
		cap = vfio_read64(&v->end, NVMESIM_REG_CAP);
		cc = vfio_read32(&v->end, NVMESIM_REG_CC);
		csts = vfio_read32(&v->end, NVMESIM_REG_CSTS);
		if (cap != UINT64_MAX && cc != UINT32_MAX &&
		    (NVMESIM_FIELD_GET(cc, CC_EN) || NVMESIM_FIELD_GET(csts, CSTS_RDY))) {
			timeout = (NVMESIM_FIELD_GET(cap, CAP_TO) + 1u) * 500000000ull;
			vfio_write32(&v->end, NVMESIM_REG_CC, cc & ~(uint32_t)NVMESIM_CC_EN_MASK);
			start = vfio_now(&v->end);
			for (;;) {
				csts = vfio_read32(&v->end, NVMESIM_REG_CSTS);
				if (csts == UINT32_MAX || !NVMESIM_FIELD_GET(csts, CSTS_RDY))
					break;
				if (vfio_now(&v->end) - start >= timeout) {
					vfio_log(v, "close: CSTS.RDY still 1 %" PRIu64 " ms after "
						 "CC.EN=0 (CAP.TO; NVMe 2.0 §3.1.4.1)",
						 timeout / 1000000u);
					break;
				}
				vfio_sleep_ns(VFIO_RDY_POLL_NS);
			}
		}
	}
	if (v->bme_set && pread(v->device, &cmd, 2, (off_t)(v->cfg_off + VFIO_PCI_COMMAND)) == 2) {
		cmd &= (uint16_t)~VFIO_PCI_COMMAND_MASTER;
		(void)!pwrite(v->device, &cmd, 2, (off_t)(v->cfg_off + VFIO_PCI_COMMAND));
		v->bme_set = false;
	}
}

/* vfio_irqs_off - disable the MSI-X vectors and close their eventfds */
static void vfio_irqs_off(struct vfio_end *v)
{
	struct vfio_irq_set s;
	unsigned int i;

	if (v->nr_vec && v->device >= 0) {
		memset(&s, 0, sizeof(s));
		s.argsz = sizeof(s);
		s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
		s.index = VFIO_PCI_MSIX_IRQ_INDEX;
		s.start = 0;
		s.count = 0;
		(void)ioctl(v->device, VFIO_DEVICE_SET_IRQS, &s);
	}
	if (v->efd)
		for (i = 0; i < v->nr_vec; i++)
			if (v->efd[i] >= 0)
				close(v->efd[i]);
	free(v->efd);
	free(v->pfd);
	free(v->pending);
	v->efd = NULL;
	v->pfd = NULL;
	v->pending = NULL;
	v->nr_vec = 0;
}

/* vfio_teardown - undo whatever nvmesim_vfio_open() got done, in reverse; frees @v */
static void vfio_teardown(struct vfio_end *v)
{
	if (v->device >= 0)
		vfio_quiesce(v);
	vfio_irqs_off(v);
	while (v->nr_maps)
		(void)vfio_unmap_at(v, v->nr_maps - 1);
	if (v->bar)
		munmap((void *)v->bar, v->bar_size);
	if (v->device >= 0)
		close(v->device);
	if (v->group_attached)
		(void)ioctl(v->group, VFIO_GROUP_UNSET_CONTAINER, &v->container);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	free(v->maps);
	free(v->ranges);
	free(v);
}

/* Quiesce the device, release everything and free the end. */
static void vfio_close(struct nvmesim_end *end)
{
	vfio_teardown(vfio_of(end));
}

static const struct nvmesim_end_ops vfio_ops = {
	.api_version = NVMESIM_END_API_VERSION,
	.name = "vfio",
	.read32 = vfio_read32,
	.read64 = vfio_read64,
	.write32 = vfio_write32,
	.write64 = vfio_write64,
	.dma_map = vfio_dma_map,
	.dma_unmap = vfio_dma_unmap,
	.wait = vfio_wait,
	.now_ns = vfio_now,
	.close = vfio_close,
	.set_cpu = NULL,
	.host_work = NULL,
};

/* vfio_fail - a message for a failed VFIO step @what (errno is the reason); returns -errno */
static int vfio_fail(struct vfio_end *v, struct nvmesim_diag *diag, const char *what)
{
	int err = -errno;

	nvmesim_diag_set(diag, "%s: %s failed: %s", v->bdf, what, strerror(-err));
	return err ? err : -EIO;
}

/*
 * vfio_iova_ranges - the valid IOVA ranges from VFIO_IOMMU_GET_INFO's
 * capability chain (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, Linux 5.4+); a
 * kernel without the capability leaves v->ranges NULL (any IOVA).  0 or -errno.
 */
static int vfio_iova_ranges(struct vfio_end *v, struct nvmesim_diag *diag)
{
	struct vfio_iommu_type1_info *info, *grown;
	struct vfio_iommu_type1_info_cap_iova_range *cap;
	struct vfio_info_cap_header *h;
	uint32_t off, argsz = sizeof(*info);
	unsigned int hops = 0, i;
	int err = 0;

	info = calloc(1, argsz);
	if (!info)
		return -ENOMEM;
	info->argsz = argsz;
	if (ioctl(v->container, VFIO_IOMMU_GET_INFO, info)) {
		err = vfio_fail(v, diag, "VFIO_IOMMU_GET_INFO");
		goto out;
	}
	if (!(info->flags & VFIO_IOMMU_INFO_CAPS) || info->argsz <= sizeof(*info))
		goto out;
	argsz = info->argsz;
	grown = realloc(info, argsz);
	if (!grown) {
		err = -ENOMEM;
		goto out;
	}
	info = grown;
	memset(info, 0, argsz);
	info->argsz = argsz;
	if (ioctl(v->container, VFIO_IOMMU_GET_INFO, info)) {
		err = vfio_fail(v, diag, "VFIO_IOMMU_GET_INFO");
		goto out;
	}
	/* the chain's offsets count from the start of the info structure */
	for (off = info->cap_offset; off && off + sizeof(*h) <= argsz && hops < 64; hops++) {
		h = (struct vfio_info_cap_header *)((uint8_t *)info + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE &&
		    off + sizeof(*cap) <= argsz) {
			cap = (struct vfio_iommu_type1_info_cap_iova_range *)h;
			if (off + sizeof(*cap) + (uint64_t)cap->nr_iovas *
			    sizeof(cap->iova_ranges[0]) > argsz || !cap->nr_iovas)
				break;
			v->ranges = calloc(cap->nr_iovas, sizeof(*v->ranges));
			if (!v->ranges) {
				err = -ENOMEM;
				goto out;
			}
			for (i = 0; i < cap->nr_iovas; i++) {
				v->ranges[i].start = cap->iova_ranges[i].start;
				v->ranges[i].end = cap->iova_ranges[i].end;
			}
			v->nr_ranges = cap->nr_iovas;
			break;
		}
		off = h->next;
	}
out:
	free(info);
	return err;
}

/* vfio_container - container, group, type1 IOMMU, IOVA ranges, device fd; 0 or -errno */
static int vfio_container(struct vfio_end *v, const struct nvmesim_vfio_paths *p,
			  struct nvmesim_diag *diag)
{
	struct vfio_group_status gs;
	char path[PATH_MAX];
	int type, err;

	snprintf(path, sizeof(path), "%s/vfio/vfio", p->dev);
	v->container = nvmesim_vfio_open_node(path, "the VFIO container", diag);
	if (v->container < 0)
		return v->container;
	/* VFIO_API_VERSION is 0: compare, do not test for non-zero */
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		nvmesim_diag_set(diag, "%s is not a VFIO container of API version %d", path,
				 VFIO_API_VERSION);
		return -EOPNOTSUPP;
	}
	if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0) {
		type = VFIO_TYPE1v2_IOMMU;
	} else if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0) {
		type = VFIO_TYPE1_IOMMU;
	} else {
		nvmesim_diag_set(diag, "VFIO offers no type1 IOMMU: is vfio_iommu_type1 loaded? "
				 "(modprobe vfio_iommu_type1)");
		return -EOPNOTSUPP;
	}
	snprintf(path, sizeof(path), "%s/vfio/%d", p->dev, v->group_nr);
	v->group = nvmesim_vfio_open_node(path, "the device's IOMMU group", diag);
	if (v->group < 0)
		return v->group;
	memset(&gs, 0, sizeof(gs));
	gs.argsz = sizeof(gs);
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &gs)) {
		nvmesim_diag_set(diag, "%s is not a VFIO group: VFIO_GROUP_GET_STATUS failed: %s",
				 path, strerror(errno));
		return -ENODEV;
	}
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		return nvmesim_vfio_group_in_use(p, v->bdf, v->group_nr, diag);
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return vfio_fail(v, diag, "VFIO_GROUP_SET_CONTAINER");
	v->group_attached = true;
	if (ioctl(v->container, VFIO_SET_IOMMU, type)) {
		err = -errno;
		if (err == -EPERM)
			nvmesim_diag_set(diag, "%s: VFIO_SET_IOMMU refused (EPERM): the platform "
					 "has no interrupt remapping (dmesg: vfio_iommu_type1_"
					 "attach_group); enable it (intremap), or load "
					 "vfio_iommu_type1 with allow_unsafe_interrupts=1 at your "
					 "own risk", v->bdf);
		else
			nvmesim_diag_set(diag, "%s: VFIO_SET_IOMMU failed: %s", v->bdf,
					 strerror(-err));
		return err;
	}
	err = vfio_iova_ranges(v, diag);
	if (err)
		return err;
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, v->bdf);
	if (v->device < 0) {
		v->device = -1;
		return vfio_fail(v, diag, "VFIO_GROUP_GET_DEVICE_FD");
	}
	return 0;
}

/* vfio_regions - BAR0 (mapped when it can be) and the config space; 0 or -errno */
static int vfio_regions(struct vfio_end *v, const struct vfio_device_info *di,
			struct nvmesim_diag *diag)
{
	struct vfio_region_info r;
	const char *nommap;
	void *p;

	memset(&r, 0, sizeof(r));
	r.argsz = sizeof(r);
	r.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (di->num_regions <= VFIO_PCI_CONFIG_REGION_INDEX ||
	    ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &r))
		return vfio_fail(v, diag, "VFIO_DEVICE_GET_REGION_INFO (config space)");
	v->cfg_off = r.offset;
	memset(&r, 0, sizeof(r));
	r.argsz = sizeof(r);
	r.index = VFIO_PCI_BAR0_REGION_INDEX;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &r))
		return vfio_fail(v, diag, "VFIO_DEVICE_GET_REGION_INFO (BAR0)");
	if (r.size < VFIO_BAR0_MIN ||
	    (r.flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)) !=
	    (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)) {
		nvmesim_diag_set(diag, "%s: BAR0 is %llu bytes with flags 0x%x: not an NVMe "
				 "register BAR (needs at least 0x%x bytes, read/write)", v->bdf,
				 (unsigned long long)r.size, r.flags, VFIO_BAR0_MIN);
		return -ENODEV;
	}
	v->bar_size = r.size;
	v->bar_off = r.offset;
	v->bar_ok = true;
	nommap = getenv("NVMESIM_VFIO_NO_MMAP");
	/* NVMESIM_VFIO_NO_MMAP=1 takes the pread/pwrite path on purpose (tests/vm/run) */
	if ((r.flags & VFIO_REGION_INFO_FLAG_MMAP) && !(nommap && !strcmp(nommap, "1"))) {
		p = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, v->device,
			 (off_t)r.offset);
		/* no mapping (e.g. the MSI-X table shares the page): pread/pwrite */
		if (p != MAP_FAILED)
			v->bar = p;
	}
	return 0;
}

/* vfio_bus_master - set COMMAND.MEMORY and COMMAND.MASTER through the config region; 0 or
 * -errno (vfio-pci leaves bus mastering off, so the controller could never DMA) */
static int vfio_bus_master(struct vfio_end *v, struct nvmesim_diag *diag)
{
	uint16_t cmd;

	if (pread(v->device, &cmd, 2, (off_t)(v->cfg_off + VFIO_PCI_COMMAND)) != 2)
		return vfio_fail(v, diag, "reading PCI COMMAND");
	cmd |= VFIO_PCI_COMMAND_MEMORY | VFIO_PCI_COMMAND_MASTER;
	if (pwrite(v->device, &cmd, 2, (off_t)(v->cfg_off + VFIO_PCI_COMMAND)) != 2)
		return vfio_fail(v, diag, "setting PCI COMMAND.BME");
	v->bme_set = true;
	return 0;
}

/* vfio_irqs - @want MSI-X vectors (capped by the device's) as eventfds; 0 or -errno */
static int vfio_irqs(struct vfio_end *v, const struct vfio_device_info *di, unsigned int want,
		     struct nvmesim_diag *diag)
{
	struct vfio_irq_info ii;
	struct vfio_irq_set *s;
	unsigned int i, n;
	int err = 0;

	memset(&ii, 0, sizeof(ii));
	ii.argsz = sizeof(ii);
	ii.index = VFIO_PCI_MSIX_IRQ_INDEX;
	if (di->num_irqs <= VFIO_PCI_MSIX_IRQ_INDEX ||
	    ioctl(v->device, VFIO_DEVICE_GET_IRQ_INFO, &ii))
		return vfio_fail(v, diag, "VFIO_DEVICE_GET_IRQ_INFO (MSI-X)");
	if (!ii.count || !(ii.flags & VFIO_IRQ_INFO_EVENTFD)) {
		nvmesim_diag_set(diag, "%s has no MSI-X vectors VFIO can signal (count %u, flags "
				 "0x%x); MSI and INTx are not supported", v->bdf, ii.count,
				 ii.flags);
		return -EOPNOTSUPP;
	}
	n = NVMESIM_MIN(want ? want : NVMESIM_VFIO_DEFAULT_VECTORS, ii.count);
	v->efd = malloc(n * sizeof(*v->efd));
	v->pfd = calloc(n, sizeof(*v->pfd));
	v->pending = calloc(n, 1);
	s = calloc(1, sizeof(*s) + n * sizeof(int32_t));
	if (!v->efd || !v->pfd || !v->pending || !s) {
		free(s);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		v->efd[i] = -1;
	v->nr_vec = n;
	for (i = 0; i < n; i++) {
		v->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (v->efd[i] < 0) {
			err = vfio_fail(v, diag, "eventfd");
			goto out;
		}
		v->pfd[i].fd = v->efd[i];
		v->pfd[i].events = POLLIN;
	}
	s->argsz = (uint32_t)(sizeof(*s) + n * sizeof(int32_t));
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = VFIO_PCI_MSIX_IRQ_INDEX;
	s->start = 0;
	s->count = n;
	memcpy(s->data, v->efd, n * sizeof(int32_t));
	if (ioctl(v->device, VFIO_DEVICE_SET_IRQS, s))
		err = vfio_fail(v, diag, "VFIO_DEVICE_SET_IRQS (MSI-X)");
out:
	free(s);
	return err;
}

/* vfio_device - reset, regions, bus mastering, vectors, CAP.DSTRD; 0 or -errno */
static int vfio_device(struct vfio_end *v, const struct nvmesim_vfio_opts *o,
		       struct nvmesim_diag *diag)
{
	struct vfio_device_info di;
	uint64_t cap;
	int err;

	memset(&di, 0, sizeof(di));
	di.argsz = sizeof(di);
	if (ioctl(v->device, VFIO_DEVICE_GET_INFO, &di))
		return vfio_fail(v, diag, "VFIO_DEVICE_GET_INFO");
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI)) {
		nvmesim_diag_set(diag, "%s: VFIO says it is not a PCI device", v->bdf);
		return -ENODEV;
	}
	/* A function left running by its last user starts from reset (FLR or
	 * whatever reset vfio-pci found); a failed reset is not fatal, the host
	 * driver disables the controller anyway (NVMe 2.0 §3.5.1). */
	if (!o->no_reset && (di.flags & VFIO_DEVICE_FLAGS_RESET) &&
	    ioctl(v->device, VFIO_DEVICE_RESET))
		vfio_log(v, "%s: VFIO_DEVICE_RESET failed (%s); going on without it", v->bdf,
			 strerror(errno));
	err = vfio_regions(v, &di, diag);
	if (err)
		return err;
	err = vfio_bus_master(v, diag);
	if (err)
		return err;
	err = vfio_irqs(v, &di, o->nr_vectors, diag);
	if (err)
		return err;
	cap = vfio_read64(&v->end, NVMESIM_REG_CAP);
	if (cap == UINT64_MAX) {
		nvmesim_diag_set(diag, "%s: CAP reads all ones: the device does not answer on "
				 "BAR0", v->bdf);
		return -EIO;
	}
	v->end.dstrd = (unsigned int)NVMESIM_FIELD_GET(cap, CAP_DSTRD);
	return 0;
}

/* nvmesim_vfio_supported - this build has the VFIO end; returns true */
bool nvmesim_vfio_supported(void)
{
	return true;
}

/* nvmesim_vfio_open - the end for the controller at @bdf; 0 or -errno with @diag */
int nvmesim_vfio_open(struct nvmesim_end **out, const char *bdf,
		      const struct nvmesim_vfio_opts *opts, struct nvmesim_diag *diag)
{
	struct nvmesim_vfio_paths p;
	struct vfio_end *v;
	char norm[NVMESIM_VFIO_BDF_LEN];
	int err, group;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!opts)
		opts = &nvmesim_vfio_opts_default;
	err = nvmesim_vfio_parse_bdf(bdf, norm, diag);
	if (err)
		return err;
	nvmesim_vfio_get_paths(opts, &p);
	err = nvmesim_vfio_check_device(&p, norm, &group, diag);
	if (err)
		return err;
	err = nvmesim_vfio_check_memlock(opts->dma_bytes, diag);
	if (err)
		return err;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->container = v->group = v->device = -1;
	v->group_nr = group;
	snprintf(v->bdf, sizeof(v->bdf), "%s", norm);
	v->end.ops = &vfio_ops;
	v->end.priv = v;
	err = vfio_container(v, &p, diag);
	if (err)
		goto fail;
	err = vfio_device(v, opts, diag);
	if (err)
		goto fail;
	*out = &v->end;
	return 0;

fail:
	if (err == -ENOMEM && diag && !diag->msg[0])
		nvmesim_diag_set(diag, "%s: out of memory opening the VFIO end", v->bdf);
	vfio_teardown(v);
	return err;
}

/* nvmesim_vfio_nr_vectors - vectors enabled on a vfio end, 0 for any other end */
unsigned int nvmesim_vfio_nr_vectors(const struct nvmesim_end *end)
{
	if (!end || end->ops != &vfio_ops)
		return 0;
	return vfio_of(end)->nr_vec;
}
