/* SPDX-License-Identifier: MIT */
/*
 * check_vfio.c - the vfio backend without hardware: every message a user gets
 * before a real controller is touched, checked word for word against a fake
 * sysfs tree (and /dev, and a mount table) in a temporary folder.
 *
 * The tree is what Linux shows: /sys/bus/pci/devices/BDF with class,
 * driver and iommu_group links, /sys/kernel/iommu_groups/N/devices, the
 * namespaces' block devices with partitions and holders; the end reads it
 * through NVMESIM_SYSFS_ROOT-style overrides.  Covered: PCI address
 * parsing; no such device; not an NVMe controller; no IOMMU group; bound to
 * no driver or another one; a group that is not viable (only the members in
 * the way are named, bridges and vfio/pci-stub/unbound members are fine);
 * /dev/vfio nodes missing, not VFIO, or not permitted; RLIMIT_MEMLOCK too
 * low; bind refusing mounted namespaces (partitions, dm holders, multipath
 * names) and the sysfs writes of bind and unbind; the --allow-write
 * pre-pass on jobs, explicit operations and raw opcodes through
 * nvmesim_run(); hugepage host memory falling back to 4 KiB pages.  The
 * real device path (ioctls, DMA, MSI-X) is covered by tests/vm/run.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nvmesim/nvmesim.h>

#include "engine/hostmem.h"
#include "hw/vfio-internal.h"
#include "tests/check-common.h"

/* The user a root test switches its effective id to, to lose its privileges */
#define NOBODY 65534

/* struct fake - a fake /sys, /dev and mount table under one temporary folder */
struct fake {
	char root[64];                  /* the temporary folder */
	char sys[128];                  /* its sysfs */
	char dev[128];                  /* its /dev */
	char mountinfo[128];            /* its mount table */
	struct nvmesim_vfio_opts opts;  /* options pointing at all three */
};

/* fk_mkdir_p - create @path and its parents */
static void fk_mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(buf, 0755);
		*p = '/';
	}
	(void)mkdir(buf, 0755);
}

/* fk_parent - create the folder @path is in */
static void fk_parent(const char *path)
{
	char buf[PATH_MAX];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		fk_mkdir_p(buf);
	}
}

/* fk_write - file @path (parents created) holding @text */
static void fk_write(const char *path, const char *text)
{
	FILE *f;

	fk_parent(path);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* fk_read - the contents of @path into @buf ("<missing>" when it cannot be read) */
static const char *fk_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		snprintf(buf, len, "<missing>");
		return buf;
	}
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* fk_sys - "<fake sysfs>/@rel" into @buf; returns @buf */
static char *fk_sys(const struct fake *f, const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", f->sys, rel);
	return buf;
}

/* fk_file - file @rel of the fake sysfs holding @text */
static void fk_file(const struct fake *f, const char *rel, const char *text)
{
	char path[PATH_MAX];

	fk_write(fk_sys(f, rel, path, sizeof(path)), text);
}

/* fk_link - symlink @rel of the fake sysfs to @target (under the fake sysfs) */
static void fk_link(const struct fake *f, const char *rel, const char *target)
{
	char path[PATH_MAX], to[PATH_MAX];

	fk_sys(f, rel, path, sizeof(path));
	fk_parent(path);
	fk_sys(f, target, to, sizeof(to));
	ck_assert_int_eq(symlink(to, path), 0);
}

/*
 * fk_device - PCI function @bdf of class @cls, bound to @drv (NULL: none), in
 * IOMMU group @group (-1: none), with the attributes bind writes
 */
static void fk_device(const struct fake *f, const char *bdf, const char *cls, const char *drv,
		      int group)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/class", bdf);
	fk_file(f, rel, cls);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/driver_override", bdf);
	fk_file(f, rel, "(null)\n");
	fk_file(f, "bus/pci/drivers_probe", "");
	if (drv) {
		snprintf(target, sizeof(target), "bus/pci/drivers/%s/unbind", drv);
		fk_file(f, target, "");
		snprintf(rel, sizeof(rel), "bus/pci/devices/%s/driver", bdf);
		snprintf(target, sizeof(target), "bus/pci/drivers/%s", drv);
		fk_link(f, rel, target);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "bus/pci/devices/%s/iommu_group", bdf);
		snprintf(target, sizeof(target), "kernel/iommu_groups/%d", group);
		fk_link(f, rel, target);
		snprintf(rel, sizeof(rel), "kernel/iommu_groups/%d/devices/%s", group, bdf);
		snprintf(target, sizeof(target), "bus/pci/devices/%s", bdf);
		fk_link(f, rel, target);
	}
}

/* fk_new - an empty fake tree with options pointing at it */
static void fk_new(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/check_vfio.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->root));
	/* readable by the unprivileged user the permission tests switch to */
	ck_assert_int_eq(chmod(f->root, 0755), 0);
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->root);
	snprintf(f->dev, sizeof(f->dev), "%s/dev", f->root);
	snprintf(f->mountinfo, sizeof(f->mountinfo), "%s/mountinfo", f->root);
	fk_mkdir_p(f->sys);
	fk_mkdir_p(f->dev);
	fk_write(f->mountinfo, "");
	f->opts = nvmesim_vfio_opts_default;
	f->opts.sysfs_root = f->sys;
	f->opts.dev_root = f->dev;
	f->opts.mountinfo = f->mountinfo;
}

/* fk_rm - nftw callback: remove one entry */
static int fk_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* fk_free - remove the fake tree */
static void fk_free(struct fake *f)
{
	ck_assert_int_eq(nftw(f->root, fk_rm, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* drop_privileges - as root, act as nobody until restore_privileges() (file permissions and
 * CAP_IPC_LOCK apply again); returns whether it switched */
static int drop_privileges(void)
{
	if (geteuid() != 0)
		return 0;
	ck_assert_int_eq(seteuid(NOBODY), 0);
	return 1;
}

/* restore_privileges - undo drop_privileges() */
static void restore_privileges(int dropped)
{
	if (dropped)
		ck_assert_int_eq(seteuid(0), 0);
}

START_TEST(test_parse_bdf)
{
	char out[NVMESIM_VFIO_BDF_LEN];
	struct nvmesim_diag d;

	ck_assert_int_eq(nvmesim_vfio_parse_bdf("0000:01:00.0", out, NULL), 0);
	ck_assert_str_eq(out, "0000:01:00.0");
	ck_assert_int_eq(nvmesim_vfio_parse_bdf("3A:1F.7", out, NULL), 0);
	ck_assert_str_eq(out, "0000:3a:1f.7");
	ck_assert_int_eq(nvmesim_vfio_parse_bdf("ABCD:ff:00.1", out, NULL), 0);
	ck_assert_str_eq(out, "abcd:ff:00.1");
	memset(&d, 0, sizeof(d));
	/* device 0x20 does not exist (5 bits), nor function 8 */
	ck_assert_int_eq(nvmesim_vfio_parse_bdf("0000:01:20.0", out, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "'0000:01:20.0' is not a PCI address (expected DDDD:BB:DD.F or "
			 "BB:DD.F, e.g. 0000:01:00.0; lspci -D -d ::0108 lists NVMe controllers)");
	ck_assert_int_eq(nvmesim_vfio_parse_bdf("01:00.8", out, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_vfio_parse_bdf("1:00.0", out, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_vfio_parse_bdf("0000-01:00.0", out, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_vfio_parse_bdf("", out, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_vfio_parse_bdf(NULL, out, NULL), -EINVAL);
}
END_TEST

START_TEST(test_memlock)
{
	struct nvmesim_diag d;
	struct rlimit old, low;
	int dropped;

	ck_assert_int_eq(getrlimit(RLIMIT_MEMLOCK, &old), 0);
	low = old;
	low.rlim_cur = 64 * 1024;
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < low.rlim_cur)
		low.rlim_cur = old.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_MEMLOCK, &low), 0);
	/* nothing to pin, or within the limit: fine */
	ck_assert_int_eq(nvmesim_vfio_check_memlock(0, NULL), 0);
	ck_assert_int_eq(nvmesim_vfio_check_memlock(low.rlim_cur, NULL), 0);
	dropped = drop_privileges();
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_check_memlock(64u << 20, &d), -ENOMEM);
	restore_privileges(dropped);
	if (low.rlim_cur == 64 * 1024)
		ck_assert_str_eq(d.msg, "the memlock limit (RLIMIT_MEMLOCK) is 64 KiB but 64 MiB "
				 "of host memory must be pinned for DMA: raise it with 'ulimit "
				 "-l unlimited' (or 'ulimit -l 65536', in KiB; 'memlock' in "
				 "/etc/security/limits.conf), or run as root");
	/* root (CAP_IPC_LOCK) is not limited: vfio_iommu_type1 does not charge it */
	if (dropped)
		ck_assert_int_eq(nvmesim_vfio_check_memlock(64u << 20, NULL), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_MEMLOCK, &old), 0);
}
END_TEST

/* fk_nvme_disk - namespace nvme0n1 of @bdf (folder name @ns_entry under nvme/nvme0) with
 * partitions p1 (259:1) and p2 (259:2), and dm-0 (254:0) on p2 */
static void fk_nvme_disk(const struct fake *f, const char *bdf, const char *ns_entry)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/nvme/nvme0/%s/nsid", bdf, ns_entry);
	fk_file(f, rel, "1\n");
	fk_file(f, "block/nvme0n1/dev", "259:0\n");
	fk_file(f, "block/nvme0n1/nvme0n1p1/dev", "259:1\n");
	fk_file(f, "block/nvme0n1/nvme0n1p2/dev", "259:2\n");
	fk_file(f, "block/nvme0n1/nvme0n1p2/holders/dm-0", "");
	fk_file(f, "block/dm-0/dev", "254:0\n");
}

START_TEST(test_bind_refuses_mounted)
{
	struct nvmesim_diag d;
	struct fake f;
	char path[PATH_MAX], buf[64];

	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "nvme", 4);
	fk_nvme_disk(&f, "0000:01:00.0", "nvme0n1");
	fk_write(f.mountinfo,
		 "21 1 8:1 / /data rw,relatime - ext4 /dev/sda1 rw\n"
		 "22 1 259:1 / /boot rw,relatime - vfat /dev/nvme0n1p1 rw\n"
		 "23 1 254:0 / / rw,relatime - xfs /dev/mapper/root rw\n");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("0000:01:00.0", false, &f.opts, &d), -EBUSY);
	ck_assert_str_eq(d.msg, "0000:01:00.0 backs mounted filesystems: nvme0n1p1 on /boot "
			 "(vfat), dm-0 on / (xfs); unmount them first (or use --force: they "
			 "lose their disk)");
	/* nothing was written */
	fk_sys(&f, "bus/pci/devices/0000:01:00.0/driver_override", path, sizeof(path));
	ck_assert_str_eq(fk_read(path, buf, sizeof(buf)), "(null)\n");
	/* unmounted: no objection (the fake kernel then does not bind it) */
	fk_write(f.mountinfo, "21 1 8:1 / /data rw,relatime - ext4 /dev/sda1 rw\n");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("0000:01:00.0", false, &f.opts, &d), -EIO);
	fk_free(&f);
}
END_TEST

START_TEST(test_bind_multipath_name)
{
	struct nvmesim_diag d;
	struct fake f;

	/* with native multipath the controller lists nvme0c0n1; the block device is nvme0n1 */
	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "nvme", 4);
	fk_nvme_disk(&f, "0000:01:00.0", "nvme0c0n1");
	fk_write(f.mountinfo, "30 1 259:0 / /srv rw - ext4 /dev/nvme0n1 rw\n");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("0000:01:00.0", false, &f.opts, &d), -EBUSY);
	ck_assert_str_eq(d.msg, "0000:01:00.0 backs mounted filesystems: nvme0n1 on /srv (ext4); "
			 "unmount them first (or use --force: they lose their disk)");
	fk_free(&f);
}
END_TEST

START_TEST(test_bind_writes)
{
	struct nvmesim_diag d;
	struct fake f;
	char path[PATH_MAX], buf[64], want[PATH_MAX + 128];
	int dropped;

	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "nvme", 4);
	fk_nvme_disk(&f, "0000:01:00.0", "nvme0n1");
	fk_write(f.mountinfo, "23 1 254:0 / / rw - xfs /dev/mapper/root rw\n");
	/* --force: past the mount check, driver_override, unbind, drivers_probe are written;
	 * the fake kernel binds nothing, which bind notices */
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("0000:01:00.0", true, &f.opts, &d), -EIO);
	ck_assert_str_eq(d.msg, "0000:01:00.0 was not bound to vfio-pci (driver now: nvme): is "
			 "the vfio-pci module loaded? (modprobe vfio-pci)");
	fk_sys(&f, "bus/pci/devices/0000:01:00.0/driver_override", path, sizeof(path));
	ck_assert_str_eq(fk_read(path, buf, sizeof(buf)), "vfio-pci");
	fk_sys(&f, "bus/pci/drivers/nvme/unbind", path, sizeof(path));
	ck_assert_str_eq(fk_read(path, buf, sizeof(buf)), "0000:01:00.0");
	fk_sys(&f, "bus/pci/drivers_probe", path, sizeof(path));
	ck_assert_str_eq(fk_read(path, buf, sizeof(buf)), "0000:01:00.0");

	/* sysfs refuses the write: say that it takes root */
	fk_sys(&f, "bus/pci/devices/0000:01:00.0/driver_override", path, sizeof(path));
	ck_assert_int_eq(chmod(path, 0444), 0);
	dropped = drop_privileges();
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("0000:01:00.0", true, &f.opts, &d), -EACCES);
	restore_privileges(dropped);
	snprintf(want, sizeof(want), "0000:01:00.0: cannot write %s: Permission denied (binding "
		 "and unbinding need root)", path);
	ck_assert_str_eq(d.msg, want);

	/* bound already: nothing to do */
	fk_device(&f, "0000:05:00.0", "0x010802\n", "vfio-pci", 8);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("05:00.0", false, &f.opts, &d), 0);
	ck_assert_str_eq(d.msg, "0000:05:00.0 is bound to vfio-pci already");

	/* unbind: vfio-pci's unbind, an empty driver_override, a reprobe */
	fk_file(&f, "bus/pci/drivers_probe", "");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_unbind("0000:05:00.0", &f.opts, &d), 0);
	ck_assert_str_eq(d.msg, "0000:05:00.0 unbound from vfio-pci; now bound to vfio-pci");
	fk_sys(&f, "bus/pci/drivers/vfio-pci/unbind", path, sizeof(path));
	ck_assert_str_eq(fk_read(path, buf, sizeof(buf)), "0000:05:00.0");
	fk_sys(&f, "bus/pci/devices/0000:05:00.0/driver_override", path, sizeof(path));
	ck_assert_str_eq(fk_read(path, buf, sizeof(buf)), "\n");
	fk_sys(&f, "bus/pci/drivers_probe", path, sizeof(path));
	ck_assert_str_eq(fk_read(path, buf, sizeof(buf)), "0000:05:00.0");
	fk_free(&f);
}
END_TEST

/* trace_file - write @text as trace @name in folder @dir; its path in @buf */
static const char *trace_file(const char *dir, const char *name, const char *text, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%s/%s", dir, name);
	fk_write(buf, text);
	return buf;
}

/* run_vfio - nvmesim_run() of @trace on backend @backend; its result, the message in @d */
static int run_vfio(const char *trace, const char *backend, bool allow_write,
		    struct nvmesim_diag *d)
{
	struct nvmesim_run_opts o;
	struct nvmesim_results *r = NULL;
	int err;

	memset(&o, 0, sizeof(o));
	o.trace = trace;
	o.backend = backend;
	o.allow_write = allow_write;
	memset(d, 0, sizeof(*d));
	err = nvmesim_run(&o, &r, d);
	ck_assert_ptr_null(r);
	return err;
}

START_TEST(test_backend_names)
{
	struct nvmesim_diag d;
	struct fake f;
	char path[PATH_MAX];

	fk_new(&f);
	trace_file(f.root, "r.yaml", "jobs:\n  - {rw: randread, bs: 4k, count: 10}\n", path,
		   sizeof(path));
	ck_assert_int_eq(run_vfio(path, "vfio", false, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "backend 'vfio': expected sim or vfio:BDF (a PCI address such as "
			 "vfio:0000:01:00.0)");
	ck_assert_int_eq(run_vfio(path, "vfio:01:00", false, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "'01:00' is not a PCI address (expected DDDD:BB:DD.F or BB:DD.F, "
			 "e.g. 0000:01:00.0; lspci -D -d ::0108 lists NVMe controllers)");
	fk_free(&f);
}
END_TEST

START_TEST(test_hugepage_fallback)
{
	struct nvmesim_hostmem *hm = NULL;
	uint8_t *p;

	/* huge when the system has 2 MiB pages free, else 4 KiB pages: usable either way */
	ck_assert_int_eq(nvmesim_hostmem_new_huge(&hm, 3u << 20, 1ull << 32, true), 0);
	ck_assert_uint_eq(nvmesim_hostmem_size(hm), 3u << 20);
	if (nvmesim_hostmem_huge(hm))
		ck_assert_uint_eq(nvmesim_hostmem_map_size(hm), 4u << 20);
	else
		ck_assert_uint_eq(nvmesim_hostmem_map_size(hm), 3u << 20);
	p = nvmesim_hostmem_alloc(hm, 3u << 20);
	ck_assert_ptr_nonnull(p);
	p[(3u << 20) - 1] = 0x5a;
	ck_assert_uint_eq(nvmesim_hostmem_iova(hm, p + 4096), (1ull << 32) + 4096);
	nvmesim_hostmem_destroy(hm);
	/* not asked: never huge */
	ck_assert_int_eq(nvmesim_hostmem_new_huge(&hm, 1u << 20, 0, false), 0);
	ck_assert(!nvmesim_hostmem_huge(hm));
	ck_assert_uint_eq(nvmesim_hostmem_map_size(hm), 1u << 20);
	nvmesim_hostmem_destroy(hm);
}
END_TEST

#ifdef HAVE_LINUX_VFIO_H
/* The end's own checks: a build without the VFIO header only says "not built". */

/* open_msg - nvmesim_vfio_open() on the fake tree: its result, the message in @d */
static int open_msg(struct fake *f, const char *bdf, struct nvmesim_diag *d)
{
	struct nvmesim_end *end = NULL;
	int r;

	memset(d, 0, sizeof(*d));
	r = nvmesim_vfio_open(&end, bdf, &f->opts, d);
	ck_assert_ptr_null(end);
	return r;
}

START_TEST(test_no_device)
{
	struct nvmesim_diag d;
	struct fake f;
	char want[512];

	fk_new(&f);
	ck_assert_int_eq(open_msg(&f, "01:00.0", &d), -ENODEV);
	snprintf(want, sizeof(want), "no PCI device 0000:01:00.0 (%s/bus/pci/devices/0000:01:00.0 "
		 "does not exist); NVMe controllers: lspci -D -d ::0108", f.sys);
	ck_assert_str_eq(d.msg, want);
	/* a network card is not taken for a drive */
	fk_device(&f, "0000:02:00.0", "0x020000\n", "e1000e", 3);
	ck_assert_int_eq(open_msg(&f, "0000:02:00.0", &d), -ENODEV);
	ck_assert_str_eq(d.msg, "0000:02:00.0 is not an NVMe controller (PCI class 0x020000, "
			 "expected 0x010802)");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("0000:02:00.0", true, &f.opts, &d), -ENODEV);
	ck_assert_str_eq(d.msg, "0000:02:00.0 is not an NVMe controller (PCI class 0x020000, "
			 "expected 0x010802)");
	fk_free(&f);
}
END_TEST

START_TEST(test_no_iommu)
{
	struct nvmesim_diag d;
	struct fake f;
	char want[512];

	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "nvme", -1);
	ck_assert_int_eq(open_msg(&f, "0000:01:00.0", &d), -ENODEV);
	snprintf(want, sizeof(want), "0000:01:00.0 has no IOMMU group (%s/bus/pci/devices/"
		 "0000:01:00.0/iommu_group is missing): the IOMMU is off or absent; enable "
		 "VT-d/AMD-Vi in the firmware and boot with intel_iommu=on (or amd_iommu=on); "
		 "VFIO without an IOMMU (noiommu) is not supported", f.sys);
	ck_assert_str_eq(d.msg, want);
	/* bind says the same, and writes nothing */
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_bind("0000:01:00.0", false, &f.opts, &d), -ENODEV);
	ck_assert_str_eq(d.msg, want);
	fk_free(&f);
}
END_TEST

START_TEST(test_wrong_driver)
{
	struct nvmesim_diag d;
	struct fake f;

	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "nvme", 5);
	fk_device(&f, "0000:04:00.0", "0x010802\n", NULL, 6);
	ck_assert_int_eq(open_msg(&f, "0000:01:00.0", &d), -EBUSY);
	ck_assert_str_eq(d.msg, "0000:01:00.0 is bound to nvme, not vfio-pci; hand it over with: "
			 "nvmesim bind 0000:01:00.0 (its namespaces disappear from the system "
			 "until 'nvmesim unbind 0000:01:00.0')");
	ck_assert_int_eq(open_msg(&f, "04:00.0", &d), -EBUSY);
	ck_assert_str_eq(d.msg, "0000:04:00.0 is not bound to any driver; hand it to vfio-pci "
			 "with: nvmesim bind 0000:04:00.0");
	fk_free(&f);
}
END_TEST

START_TEST(test_group_not_viable)
{
	struct nvmesim_diag d;
	struct fake f;

	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "vfio-pci", 7);
	/* in the way: two functions with other drivers; fine: a bridge on pcieport, an
	 * unbound function, one on pci-stub, one on vfio-pci */
	fk_device(&f, "0000:01:00.1", "0x040300\n", "snd_hda_intel", 7);
	fk_device(&f, "0000:00:1c.0", "0x060400\n", "pcieport", 7);
	fk_device(&f, "0000:01:00.2", "0x0c0330\n", NULL, 7);
	fk_device(&f, "0000:01:00.3", "0x0c8000\n", "pci-stub", 7);
	fk_device(&f, "0000:01:00.4", "0x010802\n", "vfio-pci", 7);
	fk_device(&f, "0000:00:1f.0", "0x060100\n", "lpc_ich", 7);
	ck_assert_int_eq(open_msg(&f, "0000:01:00.0", &d), -EBUSY);
	ck_assert_str_eq(d.msg, "IOMMU group 7 of 0000:01:00.0 is not viable: every device in it "
			 "must be bound to vfio-pci or to no driver; in the way: 0000:00:1f.0 "
			 "(lpc_ich), 0000:01:00.1 (snd_hda_intel); unbind them (or bind them to "
			 "vfio-pci), or move the drive to a slot with its own group");
	fk_free(&f);
}
END_TEST

START_TEST(test_dev_nodes)
{
	struct nvmesim_diag d;
	struct fake f;
	char want[2 * PATH_MAX + 512], path[PATH_MAX];
	int dropped;

	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "vfio-pci", 9);
	/* every sysfs check passes: now the device nodes */
	ck_assert_int_eq(open_msg(&f, "0000:01:00.0", &d), -ENOENT);
	snprintf(want, sizeof(want), "%s/vfio/vfio does not exist (the VFIO container): is the "
		 "vfio-pci module loaded? (modprobe vfio-pci)", f.dev);
	ck_assert_str_eq(d.msg, want);
	/* a file that is not the VFIO container */
	snprintf(path, sizeof(path), "%s/vfio/vfio", f.dev);
	fk_write(path, "");
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(open_msg(&f, "0000:01:00.0", &d), -EOPNOTSUPP);
	snprintf(want, sizeof(want), "%s/vfio/vfio is not a VFIO container of API version 0",
		 f.dev);
	ck_assert_str_eq(d.msg, want);
	/* no permission */
	ck_assert_int_eq(chmod(path, 0000), 0);
	dropped = drop_privileges();
	if (dropped || geteuid() != 0) {
		ck_assert_int_eq(open_msg(&f, "0000:01:00.0", &d), -EACCES);
		restore_privileges(dropped);
		snprintf(want, sizeof(want), "no permission to open %s/vfio/vfio (the VFIO "
			 "container): run as root, or give your user the device node (chown USER "
			 "%s/vfio/vfio) and a memlock limit for the DMA memory (ulimit -l)", f.dev,
			 f.dev);
		ck_assert_str_eq(d.msg, want);
		/* the group node gets the same words */
		snprintf(path, sizeof(path), "%s/vfio/9", f.dev);
		fk_write(path, "");
		ck_assert_int_eq(chmod(path, 0000), 0);
		dropped = drop_privileges();
		memset(&d, 0, sizeof(d));
		ck_assert_int_eq(nvmesim_vfio_open_node(path, "the device's IOMMU group", &d),
				 -EACCES);
		restore_privileges(dropped);
		snprintf(want, sizeof(want), "no permission to open %s (the device's IOMMU group): "
			 "run as root, or give your user the device node (chown USER %s) and a "
			 "memlock limit for the DMA memory (ulimit -l)", path, path);
		ck_assert_str_eq(d.msg, want);
	}
	fk_free(&f);
}
END_TEST

START_TEST(test_env_roots)
{
	struct nvmesim_end *end = NULL;
	struct nvmesim_diag d;
	struct fake f;
	char want[512];

	/* NULL options: the roots come from the environment */
	fk_new(&f);
	fk_device(&f, "0000:01:00.0", "0x010802\n", "nvme", 2);
	ck_assert_int_eq(setenv("NVMESIM_SYSFS_ROOT", f.sys, 1), 0);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_open(&end, "0000:03:00.0", NULL, &d), -ENODEV);
	snprintf(want, sizeof(want), "no PCI device 0000:03:00.0 (%s/bus/pci/devices/0000:03:00.0 "
		 "does not exist); NVMe controllers: lspci -D -d ::0108", f.sys);
	ck_assert_str_eq(d.msg, want);
	ck_assert_int_eq(unsetenv("NVMESIM_SYSFS_ROOT"), 0);
	fk_free(&f);
}
END_TEST

START_TEST(test_allow_write)
{
	static const struct {
		const char *text;   /* the trace */
		const char *what;   /* what the message names after "file:line: " */
		unsigned int line;  /* that line */
	} cases[] = {
		{ "ops:\n  - {op: read, lba: 0}\n  - {op: write, lba: 8, blocks: 8}\n",
		  "op write", 3 },
		{ "ops:\n  - {op: trim, lba: 0}\n", "op trim", 2 },
		{ "ops:\n  - {op: flush}\n  - {op: write_zeroes, lba: 0}\n", "op write_zeroes", 3 },
		{ "ops:\n  - {admin: 0x06, cdw10: 1, data: 4096}\n  - {admin: 0x80}\n",
		  "admin 0x80 (Format NVM)", 3 },
		{ "ops:\n  - {admin: 0x84}\n", "admin 0x84 (Sanitize)", 2 },
		{ "ops:\n  - {admin: 0x0d}\n", "admin 0x0d (Namespace Management)", 2 },
		{ "ops:\n  - {admin: 0x15}\n", "admin 0x15 (Namespace Attachment)", 2 },
		{ "ops:\n  - {admin: 0x10}\n", "admin 0x10 (Firmware Commit)", 2 },
		{ "ops:\n  - {admin: 0x11}\n", "admin 0x11 (Firmware Image Download)", 2 },
		{ "ops:\n  - {admin: 0xc5}\n", "admin 0xc5 (vendor specific command)", 2 },
		{ "ops:\n  - {cmd: 0x02, data: 512}\n  - {cmd: 0x01, data: 512}\n",
		  "cmd 0x01 (Write)", 3 },
		{ "ops:\n  - {cmd: 0x04}\n", "cmd 0x04 (Write Uncorrectable)", 2 },
		{ "ops:\n  - {cmd: 0x08}\n", "cmd 0x08 (Write Zeroes)", 2 },
		{ "ops:\n  - {cmd: 0x09, data: 4096}\n", "cmd 0x09 (Dataset Management)", 2 },
		{ "ops:\n  - {cmd: 0x19}\n", "cmd 0x19 (Copy)", 2 },
	};
	struct nvmesim_diag d;
	struct fake f;
	char path[PATH_MAX], want[PATH_MAX + 1024];
	unsigned int i;

	fk_new(&f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		trace_file(f.root, "w.yaml", cases[i].text, path, sizeof(path));
		ck_assert_int_eq(run_vfio(path, "vfio:0000:01:00.0", false, &d), -EINVAL);
		snprintf(want, sizeof(want), "%s:%u: %s changes data on the drive; add "
			 "--allow-write to run the trace on a real device (what it touches is "
			 "lost)", path, cases[i].line, cases[i].what);
		ck_assert_str_eq(d.msg, want);
	}
	/* jobs that write or trim */
	trace_file(f.root, "j.yaml", "jobs:\n  - {rw: randread, bs: 4k, count: 10}\n"
		   "  - {name: wr, rw: randrw, bs: 4k, count: 10}\n", path, sizeof(path));
	ck_assert_int_eq(run_vfio(path, "vfio:0000:01:00.0", false, &d), -EINVAL);
	snprintf(want, sizeof(want), "%s: jobs.1 (wr) writes: this changes data on the drive; add "
		 "--allow-write to run the trace on a real device (the blocks it touches are lost)",
		 path);
	ck_assert_str_eq(d.msg, want);
	trace_file(f.root, "t.yaml", "jobs:\n  - {name: tr, rw: trim, bs: 4k, count: 10}\n", path,
		   sizeof(path));
	ck_assert_int_eq(run_vfio(path, "vfio:0000:01:00.0", false, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, ": jobs.0 (tr) trims: this changes data"));
	/* a bad operation deep in the trace is found before the device is opened */
	trace_file(f.root, "bad.yaml", "ops:\n  - {op: read, lba: 0}\n  - {op: read, lab: 0}\n",
		   path, sizeof(path));
	ck_assert_int_eq(run_vfio(path, "vfio:0000:01:00.0", false, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "bad.yaml:3:"));
	ck_assert_ptr_nonnull(strstr(d.msg, "did you mean 'lba'?"));
	/* reads only, or writes allowed: on to the device (which the fake tree lacks) */
	ck_assert_int_eq(setenv("NVMESIM_SYSFS_ROOT", f.sys, 1), 0);
	trace_file(f.root, "r.yaml", "ops:\n  - {op: read, lba: 0}\n  - {cmd: 0x02}\n"
		   "  - {admin: 0x06, cdw10: 1, data: 4096}\n  - {op: flush}\n", path,
		   sizeof(path));
	ck_assert_int_eq(run_vfio(path, "vfio:0000:01:00.0", false, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "no PCI device 0000:01:00.0"));
	trace_file(f.root, "w.yaml", cases[0].text, path, sizeof(path));
	ck_assert_int_eq(run_vfio(path, "vfio:0000:01:00.0", true, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "no PCI device 0000:01:00.0"));
	/* the simulated controller takes any trace */
	ck_assert_int_eq(unsetenv("NVMESIM_SYSFS_ROOT"), 0);
	fk_free(&f);
}
END_TEST

START_TEST(test_not_vfio_end)
{
	struct nvmesim_end *end = NULL;

	ck_assert(nvmesim_vfio_supported());
	ck_assert_int_eq(nvmesim_sim_open(&end, NULL), 0);
	ck_assert_uint_eq(nvmesim_vfio_nr_vectors(end), 0);
	ck_assert_uint_eq(nvmesim_vfio_nr_vectors(NULL), 0);
	nvmesim_end_close(end);
}
END_TEST
#else
START_TEST(test_not_built)
{
	struct nvmesim_end *end = NULL;
	struct nvmesim_diag d;

	ck_assert(!nvmesim_vfio_supported());
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_vfio_open(&end, "0000:01:00.0", NULL, &d), -EOPNOTSUPP);
	ck_assert_ptr_null(end);
	ck_assert_ptr_nonnull(strstr(d.msg, "the vfio backend is not built"));
}
END_TEST
#endif

/* vfio_suite - the vfio backend's checks without hardware */
static Suite *vfio_suite(void)
{
	Suite *s = suite_create("vfio");
	TCase *tc = tcase_create("setup");

	tcase_add_test(tc, test_parse_bdf);
	tcase_add_test(tc, test_memlock);
#ifdef HAVE_LINUX_VFIO_H
	/* the end's own checks: a build without the VFIO header only says "not built" */
	tcase_add_test(tc, test_no_device);
	tcase_add_test(tc, test_no_iommu);
	tcase_add_test(tc, test_wrong_driver);
	tcase_add_test(tc, test_group_not_viable);
	tcase_add_test(tc, test_dev_nodes);
	tcase_add_test(tc, test_env_roots);
	tcase_add_test(tc, test_not_vfio_end);
#else
	tcase_add_test(tc, test_not_built);
#endif
	suite_add_tcase(s, tc);
	tc = tcase_create("bind");
	tcase_add_test(tc, test_bind_refuses_mounted);
	tcase_add_test(tc, test_bind_multipath_name);
	tcase_add_test(tc, test_bind_writes);
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
#ifdef HAVE_LINUX_VFIO_H
	tcase_add_test(tc, test_allow_write);
#endif
	tcase_add_test(tc, test_backend_names);
	tcase_add_test(tc, test_hugepage_fallback);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the suite */
int main(void)
{
	return nvmesim_test_run(vfio_suite());
}
