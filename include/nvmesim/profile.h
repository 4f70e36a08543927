/* SPDX-License-Identifier: MIT */
/*
 * profile.h - a device profile: every parameter of the timing model.
 *
 * A profile describes one drive and the host it sits in: host CPU costs, the
 * PCIe link, the controller, the NAND array and the DRAM write cache.  It is
 * read from a YAML file (the profiles folder), and any value can be overridden
 * by its dotted path (`--set profile.nand.tR=45us`).  Times are nanoseconds,
 * sizes bytes.  docs/timing.md says how each parameter enters the model and
 * docs/profiles.md where each shipped value comes from.
 */
#ifndef NVMESIM_PROFILE_H
#define NVMESIM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include <nvmesim/diag.h>
#include <nvmesim/export.h>

NVMESIM_BEGIN_DECLS

/**
 * struct nvmesim_profile_host - CPU costs on the host (charged per CPU)
 * @cpus: host CPUs; queue pair q is served by CPU (q - 1) % cpus
 * @submit_ns: CPU time to build one command and copy it into the SQ
 * @mmio_ns: CPU time of one MMIO (doorbell/register) write
 * @mmio_latency_ns: a posted MMIO write's travel time to the device
 * @irq_latency_ns: MSI-X message arrival to the start of the handler
 * @irq_ns: interrupt handler entry and exit CPU time
 * @reap_ns: CPU time to process one CQE (phase check, callback)
 * @poll_ns: CPU time of one poll of a CQ that finds nothing
 * @shadow_update_ns: CPU time of one shadow doorbell update (store, full barrier, EventIdx
 *                    load; Doorbell Buffer Config), instead of @mmio_ns per doorbell
 */
struct nvmesim_profile_host {
	unsigned int cpus;
	uint64_t submit_ns;
	uint64_t mmio_ns;
	uint64_t mmio_latency_ns;
	uint64_t irq_latency_ns;
	uint64_t irq_ns;
	uint64_t reap_ns;
	uint64_t poll_ns;
	uint64_t shadow_update_ns;
};

/**
 * struct nvmesim_profile_pcie - the link between host and device
 * @gen: PCIe generation 1..6 (2.5, 5, 8, 16, 32, 64 GT/s; 8b/10b up to Gen2,
 *       128b/130b for Gen3-5, 242B/256B FLIT for Gen6)
 * @lanes: 1, 2, 4, 8 or 16
 * @mps: Max Payload Size, bytes (128..4096)
 * @mrrs: Max Read Request Size, bytes (128..4096)
 * @tlp_overhead: bytes of framing, sequence number, header and LCRC per TLP
 * @read_rtt_ns: round trip of a device read of host memory, excluding
 *               transfer time (SQE fetch, PRP list, write data)
 * @write_latency_ns: one-way latency of a posted write to host memory
 *                    (CQE, read data, MSI-X message)
 */
struct nvmesim_profile_pcie {
	unsigned int gen;
	unsigned int lanes;
	unsigned int mps;
	unsigned int mrrs;
	unsigned int tlp_overhead;
	uint64_t read_rtt_ns;
	uint64_t write_latency_ns;
};

/**
 * struct nvmesim_profile_ctrl - the controller
 * @cmd_ns: processing time of one command (parse, translate, schedule)
 * @cores: commands processed in parallel (controller CPU cores)
 * @max_inflight: commands the controller holds at once; it stops fetching
 *                beyond this
 * @fetch_burst: SQEs fetched with one read request
 */
struct nvmesim_profile_ctrl {
	uint64_t cmd_ns;
	unsigned int cores;
	unsigned int max_inflight;
	unsigned int fetch_burst;
};

/* enum nvmesim_unwritten_read - what reading a never-written block costs */
enum nvmesim_unwritten_read {
	NVMESIM_UNWRITTEN_NAND, /* as a written one: a preconditioned drive (SNIA PTS) */
	NVMESIM_UNWRITTEN_FAST, /* only controller time: the FTL knows it is unmapped */
};

/**
 * struct nvmesim_profile_nand - the flash array
 * @channels: independent channels
 * @dies_per_channel: dies sharing a channel
 * @planes_per_die: planes programmed together in one multi-plane program
 * @page_bytes: flash page size
 * @pages_per_block: pages per erase block (an erase every this many programs per plane)
 * @tR_ns: page read (array to page register)
 * @tPROG_ns: page program
 * @tBERS_ns: block erase
 * @channel_mbps: channel transfer rate, MB/s (10^6 bytes per second)
 * @unwritten_read: cost of reading blocks that were never written
 */
struct nvmesim_profile_nand {
	unsigned int channels;
	unsigned int dies_per_channel;
	unsigned int planes_per_die;
	uint32_t page_bytes;
	uint32_t pages_per_block;
	uint64_t tR_ns;
	uint64_t tPROG_ns;
	uint64_t tBERS_ns;
	uint64_t channel_mbps;
	enum nvmesim_unwritten_read unwritten_read;
};

/**
 * struct nvmesim_profile_cache - DRAM write cache (write-back)
 * @bytes: capacity; 0 means no cache (writes complete after the NAND program)
 * @insert_ns: time to accept one command's data into the cache
 * @flush_ns: fixed cost of a Flush command on top of draining dirty data
 */
struct nvmesim_profile_cache {
	uint64_t bytes;
	uint64_t insert_ns;
	uint64_t flush_ns;
};

/**
 * struct nvmesim_profile - one drive and its host
 * @name: short name ("gen4-tlc")
 * @description: one line
 * @capacity_bytes: namespace 1 size
 * @lba_bytes: logical block size, 512 or 4096
 * @mdts: Identify MDTS (2^mdts * 4 KiB per command; 0 = no limit)
 * @max_queues: I/O queue pairs the controller offers
 * @queue_entries: CAP.MQES + 1
 * @host: host CPU costs
 * @pcie: the link
 * @ctrl: the controller
 * @nand: the flash array
 * @cache: the write cache
 */
struct nvmesim_profile {
	char name[64];
	char description[160];
	uint64_t capacity_bytes;
	uint32_t lba_bytes;
	unsigned int mdts;
	unsigned int max_queues;
	unsigned int queue_entries;
	struct nvmesim_profile_host host;
	struct nvmesim_profile_pcie pcie;
	struct nvmesim_profile_ctrl ctrl;
	struct nvmesim_profile_nand nand;
	struct nvmesim_profile_cache cache;
};

/* nvmesim_profile_default - the built-in profile (same values as profiles/gen4-tlc.yaml) */
NVMESIM_API extern const struct nvmesim_profile nvmesim_profile_default;

/**
 * nvmesim_profile_load - read a profile YAML file over the defaults
 * @p: receives the profile (starts from nvmesim_profile_default)
 * @path: file to read
 * @diag: optional; receives "file:line:column: ..." on error
 *
 * Return: 0, -ENOENT/-errno when the file cannot be read, -EINVAL for a bad
 * value or unknown key (named in @diag).
 */
NVMESIM_API NVMESIM_WUR int nvmesim_profile_load(struct nvmesim_profile *p, const char *path,
						 struct nvmesim_diag *diag);

/**
 * nvmesim_profile_set - override one value by its dotted path
 * @p: the profile
 * @path: e.g. "nand.tR" (without the "profile." prefix)
 * @value: text with optional unit, e.g. "45us", "4KiB", "8"
 * @diag: optional; says what was expected
 *
 * Return: 0, or -EINVAL for an unknown path or a bad value.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_profile_set(struct nvmesim_profile *p, const char *path,
						const char *value, struct nvmesim_diag *diag);

/**
 * nvmesim_profile_check - whether @p is consistent (nonzero counts, powers of two ...)
 * @p: the profile
 * @diag: optional; names the first bad parameter
 *
 * Return: 0 or -EINVAL.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_profile_check(const struct nvmesim_profile *p,
						  struct nvmesim_diag *diag);

NVMESIM_END_DECLS

#endif /* NVMESIM_PROFILE_H */
