/* SPDX-License-Identifier: MIT */
/*
 * sim.h - the simulated controller end.
 *
 * nvmesim_sim_open() creates a controller end (struct nvmesim_end) backed by
 * the simulated NVMe controller in ctrl/.  Its capabilities and delays come
 * from struct nvmesim_sim_opts; start from nvmesim_sim_opts_default and change
 * what the run needs.
 */
#ifndef NVMESIM_SIM_H
#define NVMESIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include <nvmesim/end.h>
#include <nvmesim/export.h>
#include <nvmesim/profile.h>

NVMESIM_BEGIN_DECLS

/* NVMESIM_SIM_MAX_NS - most namespaces one simulated controller holds */
#define NVMESIM_SIM_MAX_NS 16

/**
 * struct nvmesim_sim_ns_opts - one namespace of the simulated controller
 * @nsze: size in logical blocks (0 = namespace absent)
 * @lba_shift: 9 for 512-byte or 12 for 4096-byte logical blocks
 * @backing_file: if set, the namespace's data lives in this file (created and
 *                sized as needed) instead of the sparse in-memory store
 * @discard_data: keep no data at all: writes succeed and are timed but their
 *                data is dropped, reads (and Compare) see zeros, NUSE stays 0;
 *                memory stays constant however much is written.  Not with
 *                @backing_file.  With a profile's nand.unwritten_read = fast
 *                every read then counts as a read of never-written blocks.
 */
struct nvmesim_sim_ns_opts {
	uint64_t nsze;
	unsigned int lba_shift;
	const char *backing_file;
	bool discard_data;
};

/**
 * struct nvmesim_sim_opts - capabilities and delays of a simulated controller
 * @mqes: CAP.MQES, maximum queue entries, 0's based (>= 1)
 * @dstrd: CAP.DSTRD, doorbell stride is 4 << dstrd bytes
 * @timeout_500ms: CAP.TO in 500 ms units
 * @mpsmin: CAP.MPSMIN (page size 2^(12+mpsmin))
 * @mpsmax: CAP.MPSMAX
 * @cqr: CAP.CQR, contiguous queues required
 * @nssrs: CAP.NSSRS, NVM subsystem reset supported
 * @vs: VS register value (e.g. 0x00020000 for 2.0.0)
 * @max_queues: I/O SQs and CQs the controller can allocate (Number of Queues)
 * @max_vectors: MSI-X vectors (CQ interrupt vectors 0 .. max_vectors-1)
 * @mdts: Identify MDTS (max transfer 2^mdts * min page size; 0 = no limit)
 * @aerl: Identify AERL, outstanding AER commands allowed, 0's based
 * @elpe: Identify ELPE, error log entries kept, 0's based
 * @vwc: volatile write cache present
 * @ready_delay_ns: CC.EN 0->1 to CSTS.RDY 1 (and 1->0 to RDY 0)
 * @shutdown_delay_ns: time CSTS.SHST stays 01b (occurring) before 10b
 * @cmd_delay_ns: time from a command's fetch to its completion when @profile is NULL
 *                (the functional model)
 * @profile: the timing model; when set, command service times come from it
 *           (ctrl/timing.c) and host work is charged to host CPUs; the
 *           profile must outlive the end
 * @serial: Identify SN
 * @model: Identify MN
 * @nr_ns: number of namespaces in @ns
 * @ns: the namespaces, NSID i+1 is @ns[i]
 */
struct nvmesim_sim_opts {
	uint16_t mqes;
	unsigned int dstrd;
	unsigned int timeout_500ms;
	unsigned int mpsmin;
	unsigned int mpsmax;
	bool cqr;
	bool nssrs;
	uint32_t vs;
	unsigned int max_queues;
	unsigned int max_vectors;
	unsigned int mdts;
	unsigned int aerl;
	unsigned int elpe;
	bool vwc;
	uint64_t ready_delay_ns;
	uint64_t shutdown_delay_ns;
	uint64_t cmd_delay_ns;
	const struct nvmesim_profile *profile;
	const char *serial;
	const char *model;
	unsigned int nr_ns;
	struct nvmesim_sim_ns_opts ns[NVMESIM_SIM_MAX_NS];
};

/* nvmesim_sim_opts_default - a 2.0 controller, 64 queues of 1024, one 1 TiB 512 B namespace */
NVMESIM_API extern const struct nvmesim_sim_opts nvmesim_sim_opts_default;

/**
 * nvmesim_sim_opts_from_profile - controller options for the drive @p describes
 * @o: receives nvmesim_sim_opts_default with the profile's queue count (MSI-X
 *     vectors one more), queue entries (CAP.MQES), MDTS, volatile write cache
 *     (present when cache.bytes > 0), one namespace of capacity_bytes in
 *     lba_bytes blocks, and @p as the timing model
 * @p: the profile; it must outlive the end opened with @o
 *
 * Return: 0, or -EINVAL when @p fails nvmesim_profile_check() (@o is then
 * left unchanged).
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sim_opts_from_profile(struct nvmesim_sim_opts *o,
							  const struct nvmesim_profile *p);

/**
 * nvmesim_sim_open - create a simulated controller end
 * @out: receives the end
 * @opts: capabilities; NULL means nvmesim_sim_opts_default
 *
 * Return: 0, -EINVAL for inconsistent options, -ENOMEM, or -errno from a
 * namespace backing file.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sim_open(struct nvmesim_end **out,
					     const struct nvmesim_sim_opts *opts);

NVMESIM_END_DECLS

#endif /* NVMESIM_SIM_H */
