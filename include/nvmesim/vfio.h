/* SPDX-License-Identifier: MIT */
/*
 * vfio.h - the `vfio` controller end: a real NVMe controller through Linux VFIO.
 *
 * nvmesim_vfio_open() takes a PCI function bound to vfio-pci (see
 * nvmesim_vfio_bind()) and returns a controller end (end.h) that the host
 * driver drives exactly as it drives the simulated controller: BAR0 through
 * an mmap of the region (pread/pwrite when the region cannot be mapped),
 * host memory mapped for DMA with the type1 IOMMU of a legacy VFIO
 * container, MSI-X vectors delivered as eventfds, and CLOCK_MONOTONIC as the
 * end's clock.  Only the legacy container/group interface is implemented:
 * no iommufd (/dev/iommu, VFIO device cdevs) and no no-IOMMU mode
 * (docs/real-ssd.md says why).
 *
 * Everything that can go wrong before the device is touched - no such
 * device, bound to another driver, no IOMMU group, a group that is not
 * viable, no permission on /dev/vfio/N, a memlock limit too low for the
 * memory to be mapped - is reported in @diag with what to do about it.
 * Where sysfs, /dev and the mount table are looked up can be changed
 * (opts, or the environment variables NVMESIM_SYSFS_ROOT, NVMESIM_DEV_ROOT
 * and NVMESIM_MOUNTINFO), so these messages can be tested against a fake
 * tree.  NVMESIM_VFIO_NO_MMAP=1 makes the end use pread/pwrite for BAR0 even
 * when the region could be mapped.
 */
#ifndef NVMESIM_VFIO_H
#define NVMESIM_VFIO_H

#include <stdbool.h>
#include <stddef.h>

#include <nvmesim/diag.h>
#include <nvmesim/end.h>
#include <nvmesim/export.h>

NVMESIM_BEGIN_DECLS

/* Most MSI-X vectors the end enables when opts.nr_vectors is 0 (one eventfd each). */
#define NVMESIM_VFIO_DEFAULT_VECTORS 256u

/**
 * struct nvmesim_vfio_opts - where to look and what to set up
 * @sysfs_root: sysfs mount point (NULL: $NVMESIM_SYSFS_ROOT, else "/sys")
 * @dev_root: device folder holding vfio/vfio and vfio/N (NULL:
 *            $NVMESIM_DEV_ROOT, else "/dev")
 * @mountinfo: mount table in /proc/PID/mountinfo format, read by
 *             nvmesim_vfio_bind() (NULL: $NVMESIM_MOUNTINFO, else
 *             "/proc/self/mountinfo")
 * @nr_vectors: MSI-X vectors to enable as eventfds: one for the admin queue
 *              plus one per I/O queue with interrupts; capped by what the
 *              device has (0: all of them, at most NVMESIM_VFIO_DEFAULT_VECTORS)
 * @dma_bytes: host memory the caller is going to map for DMA; checked
 *             against RLIMIT_MEMLOCK when the end is opened, so a low limit is
 *             a clear message rather than a failed mapping (0: no check)
 * @no_reset: do not reset the function (VFIO_DEVICE_RESET) when opening
 */
struct nvmesim_vfio_opts {
	const char *sysfs_root;
	const char *dev_root;
	const char *mountinfo;
	unsigned int nr_vectors;
	size_t dma_bytes;
	bool no_reset;
};

/* nvmesim_vfio_opts_default - the real /sys, /dev and mount table; every vector; no check */
NVMESIM_API extern const struct nvmesim_vfio_opts nvmesim_vfio_opts_default;

/**
 * nvmesim_vfio_supported - whether this build has the VFIO backend
 *
 * Return: true when linux/vfio.h was found at configure time; false when
 * every function here fails with -EOPNOTSUPP ("not built").
 */
NVMESIM_API bool nvmesim_vfio_supported(void);

/**
 * nvmesim_vfio_open - open the NVMe controller at PCI address @bdf
 * @out: receives the controller end (close with nvmesim_end_close())
 * @bdf: PCI address "DDDD:BB:DD.F" ("BB:DD.F" means domain 0000)
 * @opts: NULL means nvmesim_vfio_opts_default
 * @diag: optional; what is wrong and how to fix it
 *
 * Resets the function (unless @opts->no_reset), maps BAR0, sets PCI
 * COMMAND.BME (vfio-pci leaves bus mastering off) and enables the MSI-X
 * vectors.  Closing the end clears CC.EN and waits for CSTS.RDY=0 (bounded
 * by CAP.TO), disables the vectors, unmaps every DMA mapping still present and
 * closes the VFIO file descriptors.
 *
 * Return: 0; -EINVAL for a malformed @bdf; -ENODEV (no such device, or no
 * IOMMU group: the IOMMU is off); -EBUSY (bound to another driver, or the
 * IOMMU group is not viable); -EACCES (no permission on /dev/vfio/N);
 * -ENOMEM (RLIMIT_MEMLOCK below @opts->dma_bytes); -EOPNOTSUPP (not built,
 * or no type1 IOMMU); other -errno from VFIO.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_vfio_open(struct nvmesim_end **out, const char *bdf,
					      const struct nvmesim_vfio_opts *opts,
					      struct nvmesim_diag *diag);

/**
 * nvmesim_vfio_nr_vectors - MSI-X vectors enabled on a vfio end
 * @end: a controller end
 *
 * Return: the number of vectors (admin + I/O queues with interrupts the
 * host can use), 0 when @end is not a vfio end.
 */
NVMESIM_API unsigned int nvmesim_vfio_nr_vectors(const struct nvmesim_end *end);

/**
 * nvmesim_vfio_bind - hand the PCI function @bdf to vfio-pci
 * @bdf: PCI address
 * @force: bind even when one of its block devices is mounted (or is under a
 *         mounted device-mapper/md device)
 * @opts: NULL means nvmesim_vfio_opts_default (sysfs_root and mountinfo are used)
 * @diag: optional; the reason on failure, or which driver it was taken from
 *
 * Writes "vfio-pci" to driver_override, unbinds the current driver and
 * asks the kernel to probe the function again (drivers_probe).  Refuses
 * (-EBUSY) a function whose namespaces (nvmeXnY, their partitions, and the
 * holders stacked on them) back a mounted filesystem, unless @force.
 *
 * Return: 0 (also when it was bound to vfio-pci already), -ENODEV, -EBUSY,
 * -EIO when the kernel did not bind it (is vfio-pci loaded?), -errno.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_vfio_bind(const char *bdf, bool force,
					      const struct nvmesim_vfio_opts *opts,
					      struct nvmesim_diag *diag);

/**
 * nvmesim_vfio_unbind - give the PCI function @bdf back to its default driver
 * @bdf: PCI address
 * @opts: NULL means nvmesim_vfio_opts_default
 * @diag: optional; the reason on failure, or the driver it is bound to now
 *
 * Unbinds the current driver, clears driver_override and reprobes, so the
 * kernel picks the driver it would pick at boot (nvme for an NVMe SSD).
 *
 * Return: 0, -ENODEV, -errno.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_vfio_unbind(const char *bdf,
						const struct nvmesim_vfio_opts *opts,
						struct nvmesim_diag *diag);

NVMESIM_END_DECLS

#endif /* NVMESIM_VFIO_H */
