/* SPDX-License-Identifier: MIT */
/*
 * nvm.h - the NVM command set: Read, Write, Flush, Write Zeroes, Dataset
 * Management and Compare (NVM Command Set Specification 1.0 §3).
 *
 * The controller core fetches an I/O command and hands it here together with
 * everything the command may touch (struct nvmesim_nvm_ctx); the handler
 * validates it in the order the spec's status precedence suggests (opcode,
 * namespace, fields, LBA range, MDTS, PRPs), moves the data and returns an
 * NVMe status.  On failure res->why names the rule and its spec section.
 */
#ifndef NVMESIM_CTRL_NVM_H
#define NVMESIM_CTRL_NVM_H

#include <stdbool.h>
#include <stdint.h>

#include "ctrl/ns.h"
#include "engine/iova.h"

/* struct nvmesim_cmd_res - a command's result beyond its status */
struct nvmesim_cmd_res {
	uint32_t dw0;          /* CQE dword 0 */
	uint32_t dw1;          /* CQE dword 1 */
	uint16_t param_loc;    /* error log: byte offset in the SQE of the bad field (0xffff none) */
	uint64_t lba;          /* error log: first LBA involved */
	char why[192];         /* the rule broken, with spec section; "" on success */
};

/* struct nvmesim_io_stats - counters the SMART / Health log reports (§5.16.1.3) */
struct nvmesim_io_stats {
	uint64_t read_cmds;      /* Host Read Commands */
	uint64_t write_cmds;     /* Host Write Commands */
	uint64_t bytes_read;     /* -> Data Units Read (1000 x 512 bytes, rounded up) */
	uint64_t bytes_written;  /* -> Data Units Written */
	uint64_t media_errors;
};

/* struct nvmesim_nvm_ctx - what an I/O command may touch */
struct nvmesim_nvm_ctx {
	struct nvmesim_iova_map *map;  /* host memory as the device sees it */
	uint32_t page_size;            /* memory page size from CC.MPS */
	uint64_t mdts_bytes;           /* largest transfer, 0 = no limit */
	struct nvmesim_ns **ns;        /* ns[nsid - 1], NULL when not active */
	unsigned int nn;               /* number of NSIDs (Identify NN) */
	bool vwc;                      /* volatile write cache present */
	struct nvmesim_io_stats *stats;
};

/* nvmesim_nvm_exec - execute NVM command @cmd; returns the 15-bit status (0 success) */
NVMESIM_PRIV uint16_t nvmesim_nvm_exec(struct nvmesim_nvm_ctx *ctx, const struct nvmesim_sqe *cmd,
				       struct nvmesim_cmd_res *res);

#endif /* NVMESIM_CTRL_NVM_H */
