/* SPDX-License-Identifier: MIT */
/*
 * ns.c - namespaces of the simulated controller.
 *
 * A namespace is a size in logical blocks, a block size (512 or 4096 bytes,
 * the two LBA formats every namespace reports) and a sparse data store.  The
 * namespace is thin provisioned (NSFEAT.THINP): NUSE counts the blocks that
 * hold written data, and deallocated blocks read as zeros, which DLFEAT
 * advertises so hosts may rely on it (NVM Command Set 1.0 §4.1.5.1).
 * Identifiers (NGUID, EUI64) are derived from the NSID alone, so every run
 * reports the same ones.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ctrl/ns.h"
#include "ctrl/store.h"

/* LBA format indexes reported in Identify Namespace (NVM CS 1.0 §4.1.5.1, LBAF0/LBAF1) */
enum {
	NS_LBAF_512 = 0,
	NS_LBAF_4K = 1,
};

/* nvmesim_ns_init - validate @o and create the namespace's store; 0, -EINVAL, -ENOMEM,
 * -EFBIG or -errno from the backing file. */
int nvmesim_ns_init(struct nvmesim_ns *ns, uint32_t nsid, const struct nvmesim_sim_ns_opts *o)
{
	int ret;

	memset(ns, 0, sizeof(*ns));
	/* NSID 0 and FFFFFFFFh are never valid namespace IDs (NVMe 2.0 §3.2.1.2) */
	if (!o || nsid == 0 || nsid == UINT32_MAX)
		return -EINVAL;
	if (o->nsze < 1 || (o->lba_shift != 9 && o->lba_shift != 12))
		return -EINVAL;
	/* the capacity in bytes must be representable (and, for a file, fit in off_t) */
	if (o->nsze > (UINT64_MAX >> o->lba_shift))
		return -EINVAL;
	/* discarding data and keeping it in a file contradict each other */
	if (o->discard_data && o->backing_file)
		return -EINVAL;
	if (o->discard_data)
		ret = nvmesim_store_create_discard(&ns->store, 1u << o->lba_shift, o->nsze);
	else
		ret = nvmesim_store_create(&ns->store, 1u << o->lba_shift, o->nsze,
					  o->backing_file);
	if (ret < 0)
		return ret;
	ns->nsid = nsid;
	ns->nsze = o->nsze;
	ns->lba_shift = o->lba_shift;
	return 0;
}

/* nvmesim_ns_fini - destroy the store (a zeroed namespace is fine); returns nothing. */
void nvmesim_ns_fini(struct nvmesim_ns *ns)
{
	nvmesim_store_destroy(ns->store);
	ns->store = NULL;
}

/* nvmesim_ns_blocks_used - returns the logical blocks holding data (NUSE). */
uint64_t nvmesim_ns_blocks_used(const struct nvmesim_ns *ns)
{
	return ns->store ? nvmesim_store_blocks_used(ns->store) : 0;
}

/* Store @hi:@lo as a 128-bit little-endian number in @dst (NVMCAP). */
static void ns_put_u128(uint8_t dst[16], uint64_t lo, uint64_t hi)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		dst[i] = (uint8_t)(lo >> (8 * i));
		dst[8 + i] = (uint8_t)(hi >> (8 * i));
	}
}

/* nvmesim_ns_identify - fill Identify Namespace (CNS 00h, NVM CS 1.0 §4.1.5.1) for @ns;
 * returns nothing. */
void nvmesim_ns_identify(const struct nvmesim_ns *ns, struct nvmesim_id_ns *id)
{
	/* "NVMESIM" in the NGUID, a made-up company ID in the EUI64 (IEEE OUI form) */
	static const uint8_t nguid_prefix[8] = { 'N', 'V', 'M', 'E', 'S', 'I', 'M', 0 };
	static const uint8_t eui_prefix[3] = { 0x4e, 0x56, 0x53 };
	uint64_t bytes_lo = ns->nsze << ns->lba_shift;
	uint64_t bytes_hi = ns->lba_shift ? ns->nsze >> (64 - ns->lba_shift) : 0;
	unsigned int i;

	memset(id, 0, sizeof(*id));
	id->nsze = ns->nsze;
	id->ncap = ns->nsze;            /* fully provisionable */
	id->nuse = nvmesim_ns_blocks_used(ns);
	id->nsfeat = 1u << 0;           /* THINP: NUSE reports blocks holding data */
	id->nlbaf = 1;                  /* 0's based: two formats */
	id->flbas = ns->lba_shift == 12 ? NS_LBAF_4K : NS_LBAF_512;
	/* bit 3: Write Zeroes with DEAC deallocates; 2:0 = 001b: deallocated reads zeros */
	id->dlfeat = 0x09;
	id->noiob = 0;
	ns_put_u128(id->nvmcap, bytes_lo, bytes_hi);
	id->lbaf[NS_LBAF_512].ds = 9;
	id->lbaf[NS_LBAF_512].rp = 1;   /* "better" */
	id->lbaf[NS_LBAF_4K].ds = 12;
	id->lbaf[NS_LBAF_4K].rp = 0;    /* "best" */
	memcpy(id->nguid, nguid_prefix, sizeof(nguid_prefix));
	for (i = 0; i < 4; i++) {
		/* big-endian NSID at the end of both identifiers, so they read naturally */
		id->nguid[12 + i] = (uint8_t)(ns->nsid >> (24 - 8 * i));
		id->eui64[4 + i] = (uint8_t)(ns->nsid >> (24 - 8 * i));
	}
	memcpy(id->eui64, eui_prefix, sizeof(eui_prefix));
}
