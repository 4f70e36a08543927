/* SPDX-License-Identifier: MIT */
/*
 * sysfs.c - the PCI function as sysfs shows it: what must hold before VFIO can
 * use it, and handing it to vfio-pci and back.
 *
 * VFIO's own errors are terse (an open() that says EACCES, an ioctl that says
 * EPERM), so the end checks first what it can see in sysfs and says what is
 * wrong in words, with the command that fixes it: the function does not
 * exist or is not an NVMe controller; it has no IOMMU group (the IOMMU is
 * off: VFIO without an IOMMU is not supported); it is bound to another driver
 * (`nvmesim bind`); its IOMMU group has members bound to other drivers, so
 * the group is not viable (each is named); RLIMIT_MEMLOCK is too low for the
 * memory that will be pinned; /dev/vfio/N cannot be opened.
 *
 * Binding uses driver_override (Linux 3.16+): write "vfio-pci" to it, unbind
 * the current driver, and ask the PCI core to probe the function again
 * (drivers_probe), which then offers it only to vfio-pci; unbinding clears
 * driver_override and reprobes, so the default driver (nvme) takes it back.
 * A function whose namespaces back a mounted filesystem is refused unless
 * forced: its block devices (nvmeXnY), their partitions and whatever is
 * stacked on them (dm, md: the holders/ links) are matched against the
 * mount table by device number, as lsblk and umount would see them.
 *
 * The roots (/sys, /dev, /proc/self/mountinfo) come from the options or the
 * environment, so tests/check_vfio.c checks every message on a fake tree.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/vfio-internal.h"

/* Block devices of one function remembered for the mount check */
#define SYS_MAX_BLOCKS 64

/* How deep holders may stack (dm on md on a partition ...) */
#define SYS_MAX_DEPTH 8

/* CAP_IPC_LOCK from linux/capability.h: pinning memory beyond RLIMIT_MEMLOCK */
#define SYS_CAP_IPC_LOCK 14

/* nvmesim_vfio_opts_default - the system's paths, every vector, no memlock check, reset */
const struct nvmesim_vfio_opts nvmesim_vfio_opts_default = {
	.sysfs_root = NULL,
	.dev_root = NULL,
	.mountinfo = NULL,
	.nr_vectors = 0,
	.dma_bytes = 0,
	.no_reset = false,
};

/* sys_pick - the option if set, else the environment variable if set and not empty, else
 * @def; returns the choice */
static const char *sys_pick(const char *opt, const char *env, const char *def)
{
	const char *e;

	if (opt && *opt)
		return opt;
	e = getenv(env);
	return e && *e ? e : def;
}

/* nvmesim_vfio_get_paths - fill @p from @o, the environment and the defaults */
void nvmesim_vfio_get_paths(const struct nvmesim_vfio_opts *o, struct nvmesim_vfio_paths *p)
{
	if (!o)
		o = &nvmesim_vfio_opts_default;
	snprintf(p->sysfs, sizeof(p->sysfs), "%s",
		 sys_pick(o->sysfs_root, "NVMESIM_SYSFS_ROOT", "/sys"));
	snprintf(p->dev, sizeof(p->dev), "%s", sys_pick(o->dev_root, "NVMESIM_DEV_ROOT", "/dev"));
	snprintf(p->mountinfo, sizeof(p->mountinfo), "%s",
		 sys_pick(o->mountinfo, "NVMESIM_MOUNTINFO", "/proc/self/mountinfo"));
}

/* sys_hex - the value of hex digit @c, or -1 */
static int sys_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* sys_hex_field - whether @s starts with @n hex digits; returns true if so */
static bool sys_hex_field(const char *s, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (sys_hex(s[i]) < 0)
			return false;
	return true;
}

/* nvmesim_vfio_parse_bdf - "DDDD:BB:DD.F" (lower case) from @in; 0 or -EINVAL with @diag */
int nvmesim_vfio_parse_bdf(const char *in, char out[NVMESIM_VFIO_BDF_LEN],
			   struct nvmesim_diag *diag)
{
	char buf[NVMESIM_VFIO_BDF_LEN];
	size_t n = in ? strlen(in) : 0;
	unsigned int i;

	if (n == 7)
		snprintf(buf, sizeof(buf), "0000:%s", in);
	else if (n == 12)
		snprintf(buf, sizeof(buf), "%s", in);
	else
		goto bad;
	/* PCI: 16-bit domain, 8-bit bus, 5-bit device, 3-bit function */
	if (!sys_hex_field(buf, 4) || buf[4] != ':' || !sys_hex_field(buf + 5, 2) ||
	    buf[7] != ':' || !sys_hex_field(buf + 8, 2) || buf[10] != '.' ||
	    buf[11] < '0' || buf[11] > '7' || sys_hex(buf[8]) * 16 + sys_hex(buf[9]) > 31)
		goto bad;
	for (i = 0; i < 12; i++)
		out[i] = (char)tolower((unsigned char)buf[i]);
	out[12] = '\0';
	return 0;
bad:
	nvmesim_diag_set(diag, "'%s' is not a PCI address (expected DDDD:BB:DD.F or BB:DD.F, "
			 "e.g. 0000:01:00.0; lspci -D -d ::0108 lists NVMe controllers)",
			 in ? in : "");
	return -EINVAL;
}

/* sys_join - "@a/@b" into @buf; true, or false when it does not fit */
static bool sys_join(char *buf, size_t len, const char *a, const char *b)
{
	int n = snprintf(buf, len, "%s/%s", a, b);

	return n >= 0 && (size_t)n < len;
}

/* sys_read - the first line of file @path into @buf without its newline; 0 or -errno */
static int sys_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	char *nl;
	int fd, err;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

/* sys_write - write @s to sysfs attribute @path (as `echo -n s > path`); 0 or -errno */
static int sys_write(const char *path, const char *s)
{
	size_t n = strlen(s);
	ssize_t w;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, s, n);
	if (w < 0)
		err = -errno;
	else if ((size_t)w != n)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* sys_link_name - the last component of symlink @path into @buf; 0, or -errno (-ENOENT: no
 * such link) */
static int sys_link_name(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	n = (ssize_t)strlen(base);
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, base, (size_t)n + 1);
	return 0;
}

/* sys_dev_path - "<sysfs>/bus/pci/devices/<bdf>[/<leaf>]" into @buf; returns @buf */
static char *sys_dev_path(const struct nvmesim_vfio_paths *p, const char *bdf, const char *leaf,
			  char *buf, size_t len)
{
	snprintf(buf, len, "%s/bus/pci/devices/%s%s%s", p->sysfs, bdf, leaf ? "/" : "",
		 leaf ? leaf : "");
	return buf;
}

/* sys_driver - the driver @bdf is bound to into @buf ("" when none); 0 or -errno */
static int sys_driver(const struct nvmesim_vfio_paths *p, const char *bdf, char *buf,
		      size_t len)
{
	char path[PATH_MAX];
	int err;

	err = sys_link_name(sys_dev_path(p, bdf, "driver", path, sizeof(path)), buf, len);
	return err == -ENOENT ? 0 : err;
}

/* sys_class - the PCI class code of @bdf (0x010802 for NVMe), or -1 when unreadable */
static long sys_class(const struct nvmesim_vfio_paths *p, const char *bdf)
{
	char path[PATH_MAX], v[32], *end;
	long c;

	if (sys_read(sys_dev_path(p, bdf, "class", path, sizeof(path)), v, sizeof(v)))
		return -1;
	c = strtol(v, &end, 16);
	return end == v ? -1 : c;
}

/* sys_vfio_driver - whether driver @drv is one VFIO accepts in a viable group: none,
 * vfio-pci (and other vfio-* drivers) or pci-stub (Linux vfio_driver_allowed) */
static bool sys_vfio_driver(const char *drv)
{
	return !drv[0] || !strncmp(drv, "vfio", 4) || !strcmp(drv, "pci-stub");
}

/* sys_check_exists - @bdf exists and is an NVMe controller; 0 or -ENODEV with @diag */
static int sys_check_exists(const struct nvmesim_vfio_paths *p, const char *bdf,
			    struct nvmesim_diag *diag)
{
	char path[PATH_MAX];
	long cls;

	if (access(sys_dev_path(p, bdf, NULL, path, sizeof(path)), F_OK)) {
		nvmesim_diag_set(diag, "no PCI device %s (%s does not exist); NVMe controllers: "
				 "lspci -D -d ::0108", bdf, path);
		return -ENODEV;
	}
	cls = sys_class(p, bdf);
	/* class 01h mass storage, subclass 08h non-volatile memory (NVMe over PCIe 1.0
	 * §2.1: programming interface 02h is NVM Express) */
	if (cls >= 0 && (cls >> 8) != 0x0108) {
		nvmesim_diag_set(diag, "%s is not an NVMe controller (PCI class 0x%06lx, expected "
				 "0x010802)", bdf, cls);
		return -ENODEV;
	}
	return 0;
}

/* sys_group - the IOMMU group number of @bdf; 0 with it in *@group, or -ENODEV with @diag */
static int sys_group(const struct nvmesim_vfio_paths *p, const char *bdf, int *group,
		     struct nvmesim_diag *diag)
{
	char path[PATH_MAX], name[64], *end;
	long g;

	if (sys_link_name(sys_dev_path(p, bdf, "iommu_group", path, sizeof(path)), name,
			  sizeof(name))) {
		nvmesim_diag_set(diag, "%s has no IOMMU group (%s is missing): the IOMMU is off "
				 "or absent; enable VT-d/AMD-Vi in the firmware and boot with "
				 "intel_iommu=on (or amd_iommu=on); VFIO without an IOMMU "
				 "(noiommu) is not supported", bdf, path);
		return -ENODEV;
	}
	g = strtol(name, &end, 10);
	if (end == name || *end || g < 0 || g > INT32_MAX) {
		nvmesim_diag_set(diag, "%s: unexpected IOMMU group '%s' in %s", bdf, name, path);
		return -ENODEV;
	}
	*group = (int)g;
	return 0;
}

/* sys_not_dot - scandir filter: every entry but "." and ".." */
static int sys_not_dot(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/*
 * sys_group_blockers - the members of IOMMU group @group other than @bdf that
 * keep it from being viable (bound to a driver VFIO does not accept, and not
 * a bridge), as "BDF (driver), ..." in @list (sorted); returns how many, or
 * -errno when the group cannot be listed.
 */
static int sys_group_blockers(const struct nvmesim_vfio_paths *p, const char *bdf, int group,
			      char *list, size_t len)
{
	struct dirent **names = NULL;
	char path[PATH_MAX], drv[64];
	size_t used = 0;
	int i, n, count = 0;
	long cls;

	list[0] = '\0';
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices", p->sysfs, group);
	n = scandir(path, &names, sys_not_dot, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		const char *m = names[i]->d_name;

		if (strcmp(m, bdf) && !sys_driver(p, m, drv, sizeof(drv)) &&
		    !sys_vfio_driver(drv)) {
			cls = sys_class(p, m);
			/* bridges (header type 1/2) are allowed (Linux vfio_dev_driver_allowed) */
			if (cls < 0 || ((cls >> 8) != 0x0604 && (cls >> 8) != 0x0607)) {
				if (used < len)
					used += (size_t)snprintf(list + used, len - used,
								 "%s%s (%s)", count ? ", " : "",
								 m, drv);
				count++;
			}
		}
		free(names[i]);
	}
	free(names);
	return count;
}

/* nvmesim_vfio_group_in_use - the not-viable message for @group; returns -EBUSY */
int nvmesim_vfio_group_in_use(const struct nvmesim_vfio_paths *p, const char *bdf, int group,
			      struct nvmesim_diag *diag)
{
	char list[360];
	int n = sys_group_blockers(p, bdf, group, list, sizeof(list));

	if (n > 0)
		nvmesim_diag_set(diag, "IOMMU group %d of %s is not viable: every device in it "
				 "must be bound to vfio-pci or to no driver; in the way: %s; "
				 "unbind them (or bind them to vfio-pci), or move the drive to a "
				 "slot with its own group", group, bdf, list);
	else
		nvmesim_diag_set(diag, "IOMMU group %d of %s is not viable (a device in it is "
				 "bound to a driver other than vfio-pci; see %s/kernel/"
				 "iommu_groups/%d/devices)", group, bdf, p->sysfs, group);
	return -EBUSY;
}

/* nvmesim_vfio_check_device - exists, NVMe, IOMMU group, vfio-pci, viable; 0 or -errno */
int nvmesim_vfio_check_device(const struct nvmesim_vfio_paths *p, const char *bdf, int *group,
			      struct nvmesim_diag *diag)
{
	char drv[64], list[8];
	int err;

	err = sys_check_exists(p, bdf, diag);
	if (err)
		return err;
	err = sys_group(p, bdf, group, diag);
	if (err)
		return err;
	err = sys_driver(p, bdf, drv, sizeof(drv));
	if (err) {
		nvmesim_diag_set(diag, "%s: cannot read its driver link: %s", bdf, strerror(-err));
		return err;
	}
	if (!drv[0]) {
		nvmesim_diag_set(diag, "%s is not bound to any driver; hand it to vfio-pci with: "
				 "nvmesim bind %s", bdf, bdf);
		return -EBUSY;
	}
	if (strcmp(drv, "vfio-pci")) {
		nvmesim_diag_set(diag, "%s is bound to %s, not vfio-pci; hand it over with: "
				 "nvmesim bind %s (its namespaces disappear from the system "
				 "until 'nvmesim unbind %s')", bdf, drv, bdf, bdf);
		return -EBUSY;
	}
	if (sys_group_blockers(p, bdf, *group, list, sizeof(list)) > 0)
		return nvmesim_vfio_group_in_use(p, bdf, *group, diag);
	return 0;
}

/* sys_human - @b bytes as "64 MiB" / "1.5 GiB" / "512 KiB" / "100 B" into @buf; returns @buf */
static const char *sys_human(uint64_t b, char *buf, size_t len)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int i = 0;
	double v = (double)b;

	while (v >= 1024 && i + 1 < NVMESIM_ARRAY_SIZE(u)) {
		v /= 1024;
		i++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%" PRIu64 " %s", (uint64_t)v, u[i]);
	else
		snprintf(buf, len, "%.1f %s", v, u[i]);
	return buf;
}

/* sys_cap_ipc_lock - whether the process has CAP_IPC_LOCK in its effective set (from
 * /proc/self/status CapEff; false when unreadable) */
static bool sys_cap_ipc_lock(void)
{
	unsigned long long caps = 0;
	char line[256];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found && (caps >> SYS_CAP_IPC_LOCK) & 1u;
}

/* nvmesim_vfio_check_memlock - can @bytes be pinned; 0 or -ENOMEM with @diag */
int nvmesim_vfio_check_memlock(size_t bytes, struct nvmesim_diag *diag)
{
	char need[32], have[32];
	struct rlimit rl;

	/* vfio_iommu_type1 charges pinned pages to RLIMIT_MEMLOCK unless the mapping
	 * process has CAP_IPC_LOCK (Linux vfio_lock_acct). */
	if (!bytes || getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    (uint64_t)bytes <= (uint64_t)rl.rlim_cur || sys_cap_ipc_lock())
		return 0;
	nvmesim_diag_set(diag, "the memlock limit (RLIMIT_MEMLOCK) is %s but %s of host memory "
			 "must be pinned for DMA: raise it with 'ulimit -l unlimited' (or "
			 "'ulimit -l %" PRIu64 "', in KiB; 'memlock' in /etc/security/"
			 "limits.conf), or run as root",
			 sys_human((uint64_t)rl.rlim_cur, have, sizeof(have)),
			 sys_human((uint64_t)bytes, need, sizeof(need)),
			 ((uint64_t)bytes + 1023u) / 1024u);
	return -ENOMEM;
}

/* nvmesim_vfio_open_node - open @path O_RDWR; the fd or -errno with a message for @what */
int nvmesim_vfio_open_node(const char *path, const char *what, struct nvmesim_diag *diag)
{
	int fd = open(path, O_RDWR | O_CLOEXEC), err;

	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -EACCES || err == -EPERM)
		nvmesim_diag_set(diag, "no permission to open %s (%s): run as root, or give your "
				 "user the device node (chown USER %s) and a memlock limit for "
				 "the DMA memory (ulimit -l)", path, what, path);
	else if (err == -ENOENT)
		nvmesim_diag_set(diag, "%s does not exist (%s): is the vfio-pci module loaded? "
				 "(modprobe vfio-pci)", path, what);
	else if (err == -EBUSY)
		nvmesim_diag_set(diag, "%s is in use (%s): another process (a VM, another "
				 "nvmesim) has the IOMMU group open", path, what);
	else
		nvmesim_diag_set(diag, "cannot open %s (%s): %s", path, what, strerror(-err));
	return err;
}

/* struct sys_block - one block device of the function, for the mount check */
struct sys_block {
	char name[48];  /* kernel name: nvme0n1, nvme0n1p2, dm-0 */
	char dev[24];   /* "major:minor" */
};

/* struct sys_blocks - the block devices found so far */
struct sys_blocks {
	struct sys_block b[SYS_MAX_BLOCKS]; /* entries */
	unsigned int n;                     /* used */
};

static void sys_add_block(const struct nvmesim_vfio_paths *p, struct sys_blocks *bl,
			  const char *dir, const char *name, unsigned int depth);

/* sys_add_holders - the devices stacked on block device folder @dir (its holders/) */
static void sys_add_holders(const struct nvmesim_vfio_paths *p, struct sys_blocks *bl,
			    const char *dir, unsigned int depth)
{
	char path[PATH_MAX], hdir[PATH_MAX];
	struct dirent *d;
	DIR *h;

	snprintf(path, sizeof(path), "%s/holders", dir);
	h = opendir(path);
	if (!h)
		return;
	while ((d = readdir(h))) {
		if (!sys_not_dot(d))
			continue;
		snprintf(hdir, sizeof(hdir), "%s/block/%s", p->sysfs, d->d_name);
		sys_add_block(p, bl, hdir, d->d_name, depth + 1);
	}
	closedir(h);
}

/*
 * sys_add_block - remember block device @name (sysfs folder @dir) with its
 * device number, then its partitions (subfolders named NAME...) and the
 * holders of each, recursively up to SYS_MAX_DEPTH
 */
static void sys_add_block(const struct nvmesim_vfio_paths *p, struct sys_blocks *bl,
			  const char *dir, const char *name, unsigned int depth)
{
	char path[PATH_MAX], sub[PATH_MAX], dev[24];
	struct dirent *d;
	unsigned int i;
	DIR *h;

	if (depth > SYS_MAX_DEPTH || bl->n >= SYS_MAX_BLOCKS)
		return;
	snprintf(path, sizeof(path), "%s/dev", dir);
	if (sys_read(path, dev, sizeof(dev)) || !dev[0])
		return;
	for (i = 0; i < bl->n; i++)
		if (!strcmp(bl->b[i].dev, dev))
			return;
	snprintf(bl->b[bl->n].name, sizeof(bl->b[0].name), "%s", name);
	snprintf(bl->b[bl->n].dev, sizeof(bl->b[0].dev), "%s", dev);
	bl->n++;
	sys_add_holders(p, bl, dir, depth);
	h = opendir(dir);
	if (!h)
		return;
	while ((d = readdir(h))) {
		/* partitions are subfolders named after the disk: nvme0n1p1 */
		if (strncmp(d->d_name, name, strlen(name)) || !strcmp(d->d_name, name))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name);
		sys_add_block(p, bl, sub, d->d_name, depth + 1);
	}
	closedir(h);
}

/*
 * sys_ns_block - the block device name of namespace entry @e of a controller
 * folder: "nvme0n1" as is; a multipath path "nvme0c1n1" (subsystem 0,
 * controller 1, namespace 1) is shown through the head "nvme0n1"; NULL for
 * anything else
 */
static const char *sys_ns_block(const char *e, char *buf, size_t len)
{
	unsigned int s, c, n;
	char tail;

	if (sscanf(e, "nvme%uc%un%u%c", &s, &c, &n, &tail) == 3) {
		snprintf(buf, len, "nvme%un%u", s, n);
		return buf;
	}
	if (sscanf(e, "nvme%un%u%c", &s, &n, &tail) == 2)
		return e;
	return NULL;
}

/* sys_blocks_of - the block devices of @bdf's namespaces (and partitions, holders) */
static void sys_blocks_of(const struct nvmesim_vfio_paths *p, const char *bdf,
			  struct sys_blocks *bl)
{
	char path[PATH_MAX], cpath[PATH_MAX], dir[PATH_MAX], nbuf[64];
	struct dirent *c, *e;
	const char *name;
	DIR *hc, *he;

	bl->n = 0;
	hc = opendir(sys_dev_path(p, bdf, "nvme", path, sizeof(path)));
	if (!hc)
		return;
	while ((c = readdir(hc))) {
		if (strncmp(c->d_name, "nvme", 4))
			continue;
		if (!sys_join(cpath, sizeof(cpath), path, c->d_name))
			continue;
		he = opendir(cpath);
		if (!he)
			continue;
		while ((e = readdir(he))) {
			name = sys_ns_block(e->d_name, nbuf, sizeof(nbuf));
			if (!name)
				continue;
			snprintf(dir, sizeof(dir), "%s/block/%s", p->sysfs, name);
			sys_add_block(p, bl, dir, name, 0);
		}
		closedir(he);
	}
	closedir(hc);
}

/*
 * sys_mounted - which of @bl back a mounted filesystem, by the device numbers
 * of the mount table @p->mountinfo (field 3 "major:minor", field 5 the mount
 * point, after " - " the type): "nvme0n1p1 on / (ext4), ..." into @list;
 * returns how many mounts matched
 */
static int sys_mounted(const struct nvmesim_vfio_paths *p, const struct sys_blocks *bl,
		       char *list, size_t len)
{
	char *line = NULL, mm[32], mnt[256], type[64];
	const char *dash;
	size_t cap = 0, used = 0;
	unsigned int i;
	int count = 0;
	FILE *f;

	list[0] = '\0';
	if (!bl->n)
		return 0;
	f = fopen(p->mountinfo, "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%*s %*s %31s %*s %255s", mm, mnt) != 2)
			continue;
		dash = strstr(line, " - ");
		if (!dash || sscanf(dash + 3, "%63s", type) != 1)
			snprintf(type, sizeof(type), "?");
		for (i = 0; i < bl->n; i++) {
			if (strcmp(mm, bl->b[i].dev))
				continue;
			if (used < len)
				used += (size_t)snprintf(list + used, len - used, "%s%s on %s (%s)",
							 count ? ", " : "", bl->b[i].name, mnt,
							 type);
			count++;
		}
	}
	free(line);
	fclose(f);
	return count;
}

/* sys_write_error - the message for a failed sysfs write of @path; returns @err */
static int sys_write_error(const char *bdf, const char *path, int err, struct nvmesim_diag *diag)
{
	nvmesim_diag_set(diag, "%s: cannot write %s: %s%s", bdf, path, strerror(-err),
			 err == -EACCES || err == -EPERM ? " (binding and unbinding need root)" :
			 "");
	return err;
}

/* nvmesim_vfio_bind - driver_override=vfio-pci, unbind, reprobe; 0 or -errno with @diag */
int nvmesim_vfio_bind(const char *bdf_in, bool force, const struct nvmesim_vfio_opts *opts,
		      struct nvmesim_diag *diag)
{
	struct nvmesim_vfio_paths p;
	struct sys_blocks *bl;
	char bdf[NVMESIM_VFIO_BDF_LEN], drv[64], path[PATH_MAX], list[360];
	int err, group, n;

	err = nvmesim_vfio_parse_bdf(bdf_in, bdf, diag);
	if (err)
		return err;
	nvmesim_vfio_get_paths(opts, &p);
	err = sys_check_exists(&p, bdf, diag);
	if (err)
		return err;
	/* vfio-pci does not take a function without an IOMMU group */
	err = sys_group(&p, bdf, &group, diag);
	if (err)
		return err;
	err = sys_driver(&p, bdf, drv, sizeof(drv));
	if (err) {
		nvmesim_diag_set(diag, "%s: cannot read its driver link: %s", bdf, strerror(-err));
		return err;
	}
	if (!strcmp(drv, "vfio-pci")) {
		nvmesim_diag_set(diag, "%s is bound to vfio-pci already", bdf);
		return 0;
	}
	if (!force) {
		bl = malloc(sizeof(*bl));
		if (!bl)
			return -ENOMEM;
		sys_blocks_of(&p, bdf, bl);
		n = sys_mounted(&p, bl, list, sizeof(list));
		free(bl);
		if (n) {
			nvmesim_diag_set(diag, "%s backs mounted filesystems: %s; unmount them "
					 "first (or use --force: they lose their disk)", bdf, list);
			return -EBUSY;
		}
	}
	err = sys_write(sys_dev_path(&p, bdf, "driver_override", path, sizeof(path)),
			"vfio-pci");
	if (err)
		goto fail_write;
	if (drv[0]) {
		err = sys_write(sys_dev_path(&p, bdf, "driver/unbind", path, sizeof(path)), bdf);
		if (err)
			goto fail_write;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", p.sysfs);
	err = sys_write(path, bdf);
	/* -EINVAL/-ENODEV from drivers_probe: no driver wanted it (vfio-pci not loaded) */
	if (err && err != -EINVAL && err != -ENODEV)
		goto fail_write;
	err = sys_driver(&p, bdf, drv, sizeof(drv));
	if (err || strcmp(drv, "vfio-pci")) {
		nvmesim_diag_set(diag, "%s was not bound to vfio-pci (driver now: %s): is the "
				 "vfio-pci module loaded? (modprobe vfio-pci)", bdf,
				 drv[0] ? drv : "none");
		return -EIO;
	}
	nvmesim_diag_set(diag, "%s bound to vfio-pci (IOMMU group %d)", bdf, group);
	return 0;

fail_write:
	return sys_write_error(bdf, path, err, diag);
}

/* nvmesim_vfio_unbind - unbind, clear driver_override, reprobe; 0 or -errno with @diag */
int nvmesim_vfio_unbind(const char *bdf_in, const struct nvmesim_vfio_opts *opts,
			struct nvmesim_diag *diag)
{
	struct nvmesim_vfio_paths p;
	char bdf[NVMESIM_VFIO_BDF_LEN], drv[64], old[64], path[PATH_MAX];
	int err;

	err = nvmesim_vfio_parse_bdf(bdf_in, bdf, diag);
	if (err)
		return err;
	nvmesim_vfio_get_paths(opts, &p);
	err = sys_check_exists(&p, bdf, diag);
	if (err)
		return err;
	err = sys_driver(&p, bdf, old, sizeof(old));
	if (!err && old[0])
		err = sys_write(sys_dev_path(&p, bdf, "driver/unbind", path, sizeof(path)), bdf);
	if (err)
		goto fail_write;
	/* an empty driver_override (a lone newline) lets every driver match again */
	err = sys_write(sys_dev_path(&p, bdf, "driver_override", path, sizeof(path)), "\n");
	if (err)
		goto fail_write;
	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", p.sysfs);
	err = sys_write(path, bdf);
	if (err && err != -EINVAL && err != -ENODEV)
		goto fail_write;
	if (sys_driver(&p, bdf, drv, sizeof(drv)) || !drv[0])
		nvmesim_diag_set(diag, "%s unbound from %s; no driver took it (is the nvme "
				 "module loaded?)", bdf, old[0] ? old : "no driver");
	else
		nvmesim_diag_set(diag, "%s unbound from %s; now bound to %s", bdf,
				 old[0] ? old : "no driver", drv);
	return 0;

fail_write:
	return sys_write_error(bdf, path, err, diag);
}
