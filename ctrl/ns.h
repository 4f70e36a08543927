/* SPDX-License-Identifier: MIT */
/*
 * ns.h - a namespace of the simulated controller and its data store.
 *
 * Data lives in a sparse store: memory is spent only on blocks that were
 * written, so a multi-terabyte namespace costs nothing until used, and
 * unwritten or deallocated blocks read as zeros (DLFEAT read value 001b).
 * Optionally a namespace is backed by a file instead (sparse on disk too), or
 * keeps no data at all (discard_data: writes are dropped, reads see zeros).
 */
#ifndef NVMESIM_CTRL_NS_H
#define NVMESIM_CTRL_NS_H

#include <stdint.h>

#include "engine/nvmesim-internal.h"

struct nvmesim_store;

/* struct nvmesim_ns - one namespace */
struct nvmesim_ns {
	uint32_t nsid;
	uint64_t nsze;                /* size in logical blocks */
	unsigned int lba_shift;       /* log2 of the logical block size: 9 or 12 */
	struct nvmesim_store *store;  /* the data */
};

/* nvmesim_ns_init - set up namespace @nsid from @o; 0, -EINVAL, -ENOMEM or -errno (file) */
NVMESIM_PRIV int nvmesim_ns_init(struct nvmesim_ns *ns, uint32_t nsid,
				 const struct nvmesim_sim_ns_opts *o);

/* nvmesim_ns_fini - release the data store */
NVMESIM_PRIV void nvmesim_ns_fini(struct nvmesim_ns *ns);

/* nvmesim_ns_identify - fill Identify Namespace (CNS 00h) for @ns */
NVMESIM_PRIV void nvmesim_ns_identify(const struct nvmesim_ns *ns, struct nvmesim_id_ns *id);

/* nvmesim_ns_blocks_used - logical blocks currently holding data (NUSE) */
NVMESIM_PRIV uint64_t nvmesim_ns_blocks_used(const struct nvmesim_ns *ns);

#endif /* NVMESIM_CTRL_NS_H */
