/* SPDX-License-Identifier: MIT */
/*
 * vfio-internal.h - what the VFIO end (vfio.c) and the sysfs side (sysfs.c) share.
 *
 * sysfs.c knows where things are and what state the PCI function is in:
 * PCI address parsing, the roots of sysfs, /dev and the mount table
 * (overridable for tests), the function's driver, IOMMU group and the
 * group's other members, the memlock limit, and binding.  It needs no VFIO
 * header, so `nvmesim bind` works in every build.  vfio.c does the ioctls.
 */
#ifndef NVMESIM_HW_VFIO_INTERNAL_H
#define NVMESIM_HW_VFIO_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <nvmesim/vfio.h>

#include "engine/nvmesim-internal.h"

/* Length of a PCI address "DDDD:BB:DD.F" plus its NUL */
#define NVMESIM_VFIO_BDF_LEN 13

/* struct nvmesim_vfio_paths - the roots everything is looked up under */
struct nvmesim_vfio_paths {
	char sysfs[PATH_MAX / 2];     /* "/sys" or the override */
	char dev[PATH_MAX / 2];       /* "/dev" or the override */
	char mountinfo[PATH_MAX / 2]; /* "/proc/self/mountinfo" or the override */
};

/* nvmesim_vfio_get_paths - the roots for @o (NULL: defaults), from the options, then the
 * environment, then the system's */
NVMESIM_PRIV void nvmesim_vfio_get_paths(const struct nvmesim_vfio_opts *o,
					 struct nvmesim_vfio_paths *p);

/* nvmesim_vfio_parse_bdf - normalise PCI address @in ("DDDD:BB:DD.F" or "BB:DD.F", any case)
 * into @out; 0 or -EINVAL with @diag */
NVMESIM_PRIV int nvmesim_vfio_parse_bdf(const char *in, char out[NVMESIM_VFIO_BDF_LEN],
					struct nvmesim_diag *diag);

/* nvmesim_vfio_check_device - everything about @bdf that must hold before /dev/vfio is
 * opened: it exists, is an NVMe controller, has an IOMMU group, is bound to vfio-pci, and
 * its group is viable; 0 with the group number in *@group, or -ENODEV/-EBUSY with @diag */
NVMESIM_PRIV int nvmesim_vfio_check_device(const struct nvmesim_vfio_paths *p, const char *bdf,
					   int *group, struct nvmesim_diag *diag);

/* nvmesim_vfio_group_in_use - the message for IOMMU group @group of @bdf not being viable,
 * naming the members that hold it (for when VFIO says so although sysfs did not); returns
 * -EBUSY */
NVMESIM_PRIV int nvmesim_vfio_group_in_use(const struct nvmesim_vfio_paths *p, const char *bdf,
					   int group, struct nvmesim_diag *diag);

/* nvmesim_vfio_check_memlock - whether @bytes can be pinned under RLIMIT_MEMLOCK (always
 * with CAP_IPC_LOCK); 0, or -ENOMEM with a message naming the limit and `ulimit -l` */
NVMESIM_PRIV int nvmesim_vfio_check_memlock(size_t bytes, struct nvmesim_diag *diag);

/* nvmesim_vfio_open_node - open device node @path read/write; the fd, or -errno with a message
 * for @what (EACCES: permissions and ulimit -l; ENOENT: modules; EBUSY: another user) */
NVMESIM_PRIV int nvmesim_vfio_open_node(const char *path, const char *what,
					struct nvmesim_diag *diag);

/* nvmesim_vfio_write_check - read all of trace @path (with the overrides @sets) and refuse
 * one that changes data on a drive (writes, trims, Format NVM, ...; writes.c); 0 when it does
 * not, -EINVAL with @diag naming the job or file:line that does (or the trace's own error),
 * -errno when the file cannot be read */
NVMESIM_PRIV int nvmesim_vfio_write_check(const char *path, const char *const *sets,
					  unsigned int nr_sets, struct nvmesim_diag *diag);

#endif /* NVMESIM_HW_VFIO_INTERNAL_H */
