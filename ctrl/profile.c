/* SPDX-License-Identifier: MIT */
/*
 * profile.c - device profiles: the built-in default, the settings table that
 * names every parameter by its dotted path, loading from YAML, overrides, and
 * the consistency check.
 *
 * A profile file is a YAML mapping whose nested keys are the paths of the
 * table below ("nand: {tR: 45us}" sets nand.tR); keys are the struct field
 * names of include/nvmesim/profile.h with a trailing "_ns" dropped (times
 * carry their unit in the value).  Loading starts from the built-in default,
 * so a file only needs what differs, then checks the result.  The default is
 * profiles/gen4-tlc.yaml; tests/check_timing.c verifies that the two agree.
 * docs/profiles.md says where every shipped value comes from.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "ctrl/profile.h"
#include "engine/nvmesim-internal.h"
#include "engine/settings.h"

/* The settings loader stores an enum as an int. */
_Static_assert(sizeof(enum nvmesim_unwritten_read) == sizeof(int),
	       "enum nvmesim_unwritten_read must be int-sized for NVMESIM_SET_ENUM");

/* nvmesim_profile_default - PCIe 4.0 x4 TLC drive, 2 TB (profiles/gen4-tlc.yaml) */
const struct nvmesim_profile nvmesim_profile_default = {
	.name = "gen4-tlc",
	.description = "PCIe 4.0 x4 TLC NVMe SSD, 2 TB class (Samsung 980 PRO-like)",
	.capacity_bytes = 2000398934016ull,    /* 2 TB, IDEMA LBA1-03 */
	.lba_bytes = 512,
	.mdts = 9,
	.max_queues = 128,
	.queue_entries = 1024,
	.host = {
		.cpus = 8,
		.submit_ns = 400,
		.mmio_ns = 100,
		.mmio_latency_ns = 300,
		.irq_latency_ns = 1000,
		.irq_ns = 500,
		.reap_ns = 150,
		.poll_ns = 50,
		.shadow_update_ns = 30,
	},
	.pcie = {
		.gen = 4,
		.lanes = 4,
		.mps = 256,
		.mrrs = 512,
		.tlp_overhead = 24,
		.read_rtt_ns = 700,
		.write_latency_ns = 350,
	},
	.ctrl = {
		.cmd_ns = 2500,
		.cores = 4,
		.max_inflight = 1024,
		.fetch_burst = 4,
	},
	.nand = {
		.channels = 8,
		.dies_per_channel = 8,
		.planes_per_die = 2,
		.page_bytes = 16384,
		.pages_per_block = 1632,
		.tR_ns = 45000,
		.tPROG_ns = 450000,
		.tBERS_ns = 3500000,
		.channel_mbps = 1600,
		.unwritten_read = NVMESIM_UNWRITTEN_NAND,
	},
	.cache = {
		.bytes = 64ull << 20,
		.insert_ns = 500,
		.flush_ns = 10000,
	},
};

static const char *const profile_unwritten_names[] = { "nand", "fast", NULL };

#define P_OFF(f) offsetof(struct nvmesim_profile, f)
#define NS_MAX 10000000000ull /* 10 s: no single modeled step is longer */

/* profile_settings - every parameter, its type, place and allowed range */
static const struct nvmesim_setting profile_settings[] = {
	{ "name", NVMESIM_SET_STR, P_OFF(name), 1, sizeof(((struct nvmesim_profile *)0)->name),
	  NULL, "short name of the profile" },
	{ "description", NVMESIM_SET_STR, P_OFF(description), 0,
	  sizeof(((struct nvmesim_profile *)0)->description), NULL, "one line about the drive" },
	{ "capacity_bytes", NVMESIM_SET_SIZE, P_OFF(capacity_bytes), 4096, 1ull << 56, NULL,
	  "namespace 1 size" },
	{ "lba_bytes", NVMESIM_SET_SIZE32, P_OFF(lba_bytes), 512, 4096, NULL,
	  "logical block size: 512 or 4096" },
	{ "mdts", NVMESIM_SET_UINT, P_OFF(mdts), 0, 20, NULL,
	  "Identify MDTS: 2^mdts * 4 KiB per command, 0 = no limit" },
	{ "max_queues", NVMESIM_SET_UINT, P_OFF(max_queues), 1, 2047, NULL,
	  "I/O queue pairs the controller offers" },
	{ "queue_entries", NVMESIM_SET_UINT, P_OFF(queue_entries), 2, 65535, NULL,
	  "entries per queue: CAP.MQES + 1" },

	{ "host.cpus", NVMESIM_SET_UINT, P_OFF(host.cpus), 1, 4096, NULL, "host CPUs" },
	{ "host.submit", NVMESIM_SET_TIME, P_OFF(host.submit_ns), 0, NS_MAX, NULL,
	  "CPU time to build one command and copy it into the SQ" },
	{ "host.mmio", NVMESIM_SET_TIME, P_OFF(host.mmio_ns), 0, NS_MAX, NULL,
	  "CPU time of one MMIO write" },
	{ "host.mmio_latency", NVMESIM_SET_TIME, P_OFF(host.mmio_latency_ns), 0, NS_MAX, NULL,
	  "travel time of a posted MMIO write to the device" },
	{ "host.irq_latency", NVMESIM_SET_TIME, P_OFF(host.irq_latency_ns), 0, NS_MAX, NULL,
	  "MSI-X message arrival to the start of the handler" },
	{ "host.irq", NVMESIM_SET_TIME, P_OFF(host.irq_ns), 0, NS_MAX, NULL,
	  "interrupt handler entry and exit CPU time" },
	{ "host.reap", NVMESIM_SET_TIME, P_OFF(host.reap_ns), 0, NS_MAX, NULL,
	  "CPU time to process one CQE" },
	{ "host.poll", NVMESIM_SET_TIME, P_OFF(host.poll_ns), 0, NS_MAX, NULL,
	  "CPU time of a CQ poll that finds nothing" },
	{ "host.shadow_update", NVMESIM_SET_TIME, P_OFF(host.shadow_update_ns), 0, NS_MAX, NULL,
	  "CPU time of a shadow doorbell write and its EventIdx read" },

	{ "pcie.gen", NVMESIM_SET_UINT, P_OFF(pcie.gen), 1, 6, NULL,
	  "PCIe generation 1..6 (2.5, 5, 8, 16, 32, 64 GT/s)" },
	{ "pcie.lanes", NVMESIM_SET_UINT, P_OFF(pcie.lanes), 1, 32, NULL,
	  "link width: 1, 2, 4, 8, 12, 16 or 32" },
	{ "pcie.mps", NVMESIM_SET_UINT, P_OFF(pcie.mps), 128, 4096, NULL,
	  "Max Payload Size, bytes, a power of two" },
	{ "pcie.mrrs", NVMESIM_SET_UINT, P_OFF(pcie.mrrs), 128, 4096, NULL,
	  "Max Read Request Size, bytes, a power of two" },
	{ "pcie.tlp_overhead", NVMESIM_SET_UINT, P_OFF(pcie.tlp_overhead), 0, 256, NULL,
	  "bytes of framing, sequence number, header and LCRC per TLP" },
	{ "pcie.read_rtt", NVMESIM_SET_TIME, P_OFF(pcie.read_rtt_ns), 0, NS_MAX, NULL,
	  "device read of host memory: request to first completion byte" },
	{ "pcie.write_latency", NVMESIM_SET_TIME, P_OFF(pcie.write_latency_ns), 0, NS_MAX, NULL,
	  "one-way latency of a posted write to host memory" },

	{ "ctrl.cmd", NVMESIM_SET_TIME, P_OFF(ctrl.cmd_ns), 0, NS_MAX, NULL,
	  "processing time of one command on a controller core" },
	{ "ctrl.cores", NVMESIM_SET_UINT, P_OFF(ctrl.cores), 1, 1024, NULL,
	  "controller cores (commands processed in parallel)" },
	{ "ctrl.max_inflight", NVMESIM_SET_UINT, P_OFF(ctrl.max_inflight), 1, 1u << 20, NULL,
	  "commands held at once; fetching stops beyond" },
	{ "ctrl.fetch_burst", NVMESIM_SET_UINT, P_OFF(ctrl.fetch_burst), 1, 1024, NULL,
	  "SQEs fetched with one read request" },

	{ "nand.channels", NVMESIM_SET_UINT, P_OFF(nand.channels), 1, 4096, NULL,
	  "flash channels" },
	{ "nand.dies_per_channel", NVMESIM_SET_UINT, P_OFF(nand.dies_per_channel), 1, 4096, NULL,
	  "dies sharing a channel" },
	{ "nand.planes_per_die", NVMESIM_SET_UINT, P_OFF(nand.planes_per_die), 1, 64, NULL,
	  "planes programmed together in one multi-plane program" },
	{ "nand.page_bytes", NVMESIM_SET_SIZE32, P_OFF(nand.page_bytes), 512, 1u << 20, NULL,
	  "flash page size, a power of two" },
	{ "nand.pages_per_block", NVMESIM_SET_UINT, P_OFF(nand.pages_per_block), 1, 1u << 20,
	  NULL, "pages per erase block: an erase after this many programs" },
	{ "nand.tR", NVMESIM_SET_TIME, P_OFF(nand.tR_ns), 0, NS_MAX, NULL,
	  "page read, array to page register" },
	{ "nand.tPROG", NVMESIM_SET_TIME, P_OFF(nand.tPROG_ns), 0, NS_MAX, NULL,
	  "page program" },
	{ "nand.tBERS", NVMESIM_SET_TIME, P_OFF(nand.tBERS_ns), 0, NS_MAX, NULL,
	  "block erase" },
	{ "nand.channel_mbps", NVMESIM_SET_U64, P_OFF(nand.channel_mbps), 1, 1000000, NULL,
	  "channel transfer rate, MB/s (10^6 bytes per second)" },
	{ "nand.unwritten_read", NVMESIM_SET_ENUM, P_OFF(nand.unwritten_read), 0, 0,
	  profile_unwritten_names,
	  "reading never-written blocks: nand (as written) or fast (controller only)" },

	{ "cache.bytes", NVMESIM_SET_SIZE, P_OFF(cache.bytes), 0, 1ull << 40, NULL,
	  "DRAM write cache capacity, 0 = none" },
	{ "cache.insert", NVMESIM_SET_TIME, P_OFF(cache.insert_ns), 0, NS_MAX, NULL,
	  "time to accept one command's data into the cache" },
	{ "cache.flush", NVMESIM_SET_TIME, P_OFF(cache.flush_ns), 0, NS_MAX, NULL,
	  "fixed cost of a Flush after the dirty data is programmed" },
};

static const struct nvmesim_settings_table profile_table = {
	.s = profile_settings,
	.nr = NVMESIM_ARRAY_SIZE(profile_settings),
};

/* nvmesim_profile_settings - the table of every profile parameter (for the trace reader and
 * documentation); returns a static table */
const struct nvmesim_settings_table *nvmesim_profile_settings(void)
{
	return &profile_table;
}

/* nvmesim_profile_load - read @path over the defaults and check it; 0, -errno or -EINVAL */
int nvmesim_profile_load(struct nvmesim_profile *p, const char *path, struct nvmesim_diag *diag)
{
	struct nvmesim_profile tmp = nvmesim_profile_default;
	int r;

	if (!p || !path)
		return -EINVAL;
	r = nvmesim_yaml_load_settings(path, &profile_table, &tmp, diag);
	if (r)
		return r;
	r = nvmesim_profile_check(&tmp, diag);
	if (r) {
		if (diag)
			diag->file = path;
		return r;
	}
	*p = tmp;
	return 0;
}

/* nvmesim_profile_set - override one value of @p by its dotted path; 0 or -EINVAL */
int nvmesim_profile_set(struct nvmesim_profile *p, const char *path, const char *value,
			struct nvmesim_diag *diag)
{
	if (!p || !path || !value) {
		nvmesim_diag_set(diag, "profile: a path and a value are needed");
		return -EINVAL;
	}
	/* accept the trace/CLI spelling "profile.nand.tR" too */
	if (strncmp(path, "profile.", 8) == 0)
		path += 8;
	return nvmesim_settings_set(&profile_table, p, path, value, diag);
}

/* Whether @v is a power of two. */
static int profile_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The value of numeric setting @s in @p, widened. */
static uint64_t profile_get(const struct nvmesim_profile *p, const struct nvmesim_setting *s)
{
	const char *f = (const char *)p + s->offset;

	switch (s->type) {
	case NVMESIM_SET_UINT:
		return *(const unsigned int *)(const void *)f;
	case NVMESIM_SET_SIZE32:
		return *(const uint32_t *)(const void *)f;
	case NVMESIM_SET_ENUM:
		return (uint64_t)(unsigned int)*(const int *)(const void *)f;
	default:
		return *(const uint64_t *)(const void *)f;
	}
}

/* nvmesim_profile_check - every value in range and the geometry consistent; 0 or -EINVAL
 * naming the first bad parameter */
int nvmesim_profile_check(const struct nvmesim_profile *p, struct nvmesim_diag *diag)
{
	const struct nvmesim_setting *s;
	unsigned int i, names;
	uint64_t v, max;

	if (!p) {
		nvmesim_diag_set(diag, "profile: none given");
		return -EINVAL;
	}
	for (i = 0; i < profile_table.nr; i++) {
		s = &profile_settings[i];
		if (s->type == NVMESIM_SET_STR) {
			if (!memchr((const char *)p + s->offset, '\0', s->max))
				goto bad_str;
			continue;
		}
		v = profile_get(p, s);
		max = s->max;
		if (s->type == NVMESIM_SET_ENUM) {
			for (names = 0; s->names[names]; names++)
				;
			max = names - 1;
		}
		if (v < s->min || v > max) {
			nvmesim_diag_set(diag, "profile: %s = %llu is out of range "
					 "%llu..%llu (%s)", s->path, (unsigned long long)v,
					 (unsigned long long)s->min, (unsigned long long)max,
					 s->help);
			return -EINVAL;
		}
	}
	if (p->lba_bytes != 512 && p->lba_bytes != 4096) {
		nvmesim_diag_set(diag, "profile: lba_bytes = %u must be 512 or 4096", p->lba_bytes);
		return -EINVAL;
	}
	if (p->capacity_bytes % p->lba_bytes) {
		nvmesim_diag_set(diag, "profile: capacity_bytes = %llu is not a multiple of "
				 "lba_bytes = %u", (unsigned long long)p->capacity_bytes,
				 p->lba_bytes);
		return -EINVAL;
	}
	switch (p->pcie.lanes) {
	case 1: case 2: case 4: case 8: case 12: case 16: case 32:
		break;
	default:
		/* PCIe Base 4.0 §4.2.4.11: link widths x1, x2, x4, x8, x12, x16, x32 */
		nvmesim_diag_set(diag, "profile: pcie.lanes = %u is not a PCIe link width "
				 "(1, 2, 4, 8, 12, 16, 32)", p->pcie.lanes);
		return -EINVAL;
	}
	if (!profile_pow2(p->pcie.mps) || !profile_pow2(p->pcie.mrrs)) {
		/* PCIe Device Control: MPS and MRRS are 128 << n bytes */
		nvmesim_diag_set(diag, "profile: pcie.mps = %u and pcie.mrrs = %u must be powers "
				 "of two from 128 to 4096", p->pcie.mps, p->pcie.mrrs);
		return -EINVAL;
	}
	if (!profile_pow2(p->nand.page_bytes)) {
		nvmesim_diag_set(diag, "profile: nand.page_bytes = %u must be a power of two",
				 p->nand.page_bytes);
		return -EINVAL;
	}
	if ((uint64_t)p->nand.channels * p->nand.dies_per_channel > (1u << 16)) {
		nvmesim_diag_set(diag, "profile: nand.channels * nand.dies_per_channel = %llu "
				 "exceeds 65536 dies", (unsigned long long)p->nand.channels *
				 p->nand.dies_per_channel);
		return -EINVAL;
	}
	return 0;

bad_str:
	nvmesim_diag_set(diag, "profile: %s is not NUL-terminated within %llu bytes", s->path,
			 (unsigned long long)s->max);
	return -EINVAL;
}
