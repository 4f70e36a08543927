/* SPDX-License-Identifier: MIT */
/*
 * nvm.c - the NVM command set: Flush, Write, Read, Compare, Write Zeroes and
 * Dataset Management (NVM Command Set Specification 1.0 §3.2; Flush is
 * NVMe 2.0 §7.1).
 *
 * Each handler checks a command the way the status precedence of the spec
 * suggests: the opcode, then the namespace (Invalid Namespace or Format),
 * then command fields (Invalid Field in Command), then the LBA range (LBA Out
 * of Range), then MDTS (Invalid Field in Command), and only then the PRPs
 * (PRP Offset Invalid / Data Transfer Error).  Every rule is checked before
 * any data moves, so a failed Write never changes the namespace.  Data moves
 * segment by segment straight between host memory and the store: no bounce
 * buffer and, for transfers of up to NVMESIM_PRP_INLINE discontiguous
 * pieces, no heap allocation per command.
 *
 * On failure res->why names the rule and its section, res->param_loc the
 * offending SQE field (byte 7:0, bit 10:8, as the Error Information log
 * wants it) and res->lba the first LBA involved.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctrl/nvm.h"
#include "ctrl/prp.h"
#include "ctrl/store.h"

/* Parameter Error Location of SQE fields (NVMe 2.0 §5.16.1.2): byte | bit << 8 */
#define NVM_LOC(byte, bit) ((uint16_t)((byte) | ((bit) << 8)))
enum {
	NVM_LOC_OPC = NVM_LOC(0, 0),
	NVM_LOC_FUSE = NVM_LOC(1, 0),
	NVM_LOC_PSDT = NVM_LOC(1, 6),
	NVM_LOC_NSID = NVM_LOC(4, 0),
	NVM_LOC_CDW10 = NVM_LOC(40, 0),      /* SLBA, DSM NR */
	NVM_LOC_NLB = NVM_LOC(48, 0),        /* CDW12 15:0 */
	NVM_LOC_DTYPE = NVM_LOC(50, 4),      /* CDW12 23:20 */
};

/* CDW0 flags and CDW12 fields (NVMe 2.0 §4.2; NVM CS 1.0 Figures 37, 45, 59, 67) */
enum {
	NVM_FLAGS_FUSE_MASK = 0x03,          /* CDW0 9:8 */
	NVM_FLAGS_PSDT_SHIFT = 6,            /* CDW0 15:14 */
	NVM_CDW12_NLB_MASK = 0xffff,         /* 0's based */
	NVM_CDW12_DTYPE_SHIFT = 20,
	NVM_CDW12_DTYPE_MASK = 0xf,
	NVM_CDW12_DEAC = 1u << 25,           /* Write Zeroes: deallocate */
	NVM_DSM_NR_MASK = 0xff,              /* CDW10 7:0, 0's based */
	NVM_DSM_AD = 1u << 2,                /* CDW11 attribute: deallocate */
	NVM_DSM_MAX_RANGES = 256,
};

/* Which way data goes for the read/write/compare family. */
enum nvm_dir {
	NVM_DIR_READ,
	NVM_DIR_WRITE,
	NVM_DIR_COMPARE,
};

/* Record the broken rule in @res and return @status. */
static uint16_t __attribute__((format(printf, 4, 5)))
nvm_fail(struct nvmesim_cmd_res *res, uint16_t status, uint16_t loc, const char *fmt, ...)
{
	va_list ap;

	res->param_loc = loc;
	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	return status;
}

/* Look up the command's namespace: active, 1..NN (NVMe 2.0 §3.2.1, §4.6.1.2.1). */
static uint16_t nvm_get_ns(struct nvmesim_nvm_ctx *ctx, const struct nvmesim_sqe *cmd,
			   struct nvmesim_cmd_res *res, const char *name, struct nvmesim_ns **out)
{
	uint32_t nsid = cmd->nsid;

	*out = NULL;
	if (nsid == 0 || nsid > ctx->nn || !ctx->ns || !ctx->ns[nsid - 1])
		return nvm_fail(res, NVMESIM_SC_INVALID_NS | NVMESIM_DNR, NVM_LOC_NSID,
				"%s: NSID 0x%" PRIx32 " is not an active namespace (NN %u)"
				" (NVMe 2.0 §3.2.1, §4.6.1.2.1)", name, nsid, ctx->nn);
	*out = ctx->ns[nsid - 1];
	return NVMESIM_SC_SUCCESS;
}

/* Reject fused operations (FUSES = 0) and, for data commands, SGLs (SGLS = 0). */
static uint16_t nvm_check_cdw0(const struct nvmesim_sqe *cmd, struct nvmesim_cmd_res *res,
			       const char *name, int has_data)
{
	if (cmd->flags & NVM_FLAGS_FUSE_MASK)
		return nvm_fail(res, NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR, NVM_LOC_FUSE,
				"%s: FUSE %u but fused operations are not supported"
				" (NVMe 2.0 §4.2, Identify FUSES = 0)", name,
				cmd->flags & NVM_FLAGS_FUSE_MASK);
	if (has_data && (cmd->flags >> NVM_FLAGS_PSDT_SHIFT))
		return nvm_fail(res, NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR, NVM_LOC_PSDT,
				"%s: PSDT %u but only PRPs are supported"
				" (NVMe 2.0 §4.2, Identify SGLS = 0)", name,
				cmd->flags >> NVM_FLAGS_PSDT_SHIFT);
	return NVMESIM_SC_SUCCESS;
}

/* SLBA + NLB must not pass NSZE (NVM CS 1.0 §3.2; LBA Out of Range). */
static uint16_t nvm_check_range(const struct nvmesim_ns *ns, struct nvmesim_cmd_res *res,
				const char *name, const char *sect, uint64_t slba, uint64_t nlb,
				uint16_t loc)
{
	if (slba <= ns->nsze && nlb <= ns->nsze - slba)
		return NVMESIM_SC_SUCCESS;
	res->lba = slba;
	return nvm_fail(res, NVMESIM_SC_LBA_RANGE | NVMESIM_DNR, loc,
			"%s: SLBA 0x%" PRIx64 " + NLB %" PRIu64 " exceeds NSZE %" PRIu64
			" of NSID %" PRIu32 " (NVM CS 1.0 %s)", name, slba, nlb, ns->nsze,
			ns->nsid, sect);
}

/* Map a store error to a status: media errors for I/O failures, Internal for no memory. */
static uint16_t nvm_store_error(struct nvmesim_nvm_ctx *ctx, struct nvmesim_cmd_res *res,
				int err, enum nvm_dir dir, uint64_t lba)
{
	res->lba = lba;
	if (err == -ENOMEM)
		return nvm_fail(res, NVMESIM_SC_INTERNAL, 0xffff,
				"out of memory storing namespace data at LBA 0x%" PRIx64, lba);
	if (ctx->stats)
		ctx->stats->media_errors++;
	if (dir == NVM_DIR_WRITE)
		return nvm_fail(res, NVMESIM_SC_WRITE_FAULT, 0xffff,
				"backing store write failed at LBA 0x%" PRIx64 ": %s (NVMe 2.0"
				" §4.6.1.2.3)", lba, strerror(-err));
	return nvm_fail(res, NVMESIM_SC_UNRECOVERED_READ, 0xffff,
			"backing store read failed at LBA 0x%" PRIx64 ": %s (NVMe 2.0 §4.6.1.2.3)",
			lba, strerror(-err));
}

/* Move @len bytes between host memory at @host (device address @iova) and byte @off of the
 * namespace (whose first LBA of the command is @slba, for the messages).  Read data for a
 * sink (end.h, dma_sink) is not copied. */
static uint16_t nvm_move_seg(struct nvmesim_nvm_ctx *ctx, struct nvmesim_ns *ns, uint8_t *host,
			     uint64_t iova, uint64_t off, uint32_t len, uint64_t slba,
			     enum nvm_dir dir, struct nvmesim_cmd_res *res)
{
	int ret;

	if (dir == NVM_DIR_READ && nvmesim_iova_in_sink(ctx->map, iova, len))
		ret = nvmesim_store_pread_sink(ns->store, off, host, len);
	else if (dir == NVM_DIR_READ)
		ret = nvmesim_store_pread_host(ns->store, off, host, len);
	else if (dir == NVM_DIR_WRITE)
		ret = nvmesim_store_pwrite(ns->store, off, host, len);
	else
		ret = nvmesim_store_cmp(ns->store, off, host, len);
	if (ret < 0)
		return nvm_store_error(ctx, res, ret, dir, off >> ns->lba_shift);
	if (ret > 0) {
		res->lba = slba;
		return nvm_fail(res, NVMESIM_SC_COMPARE_FAILURE | NVMESIM_DNR, 0xffff,
				"Compare: data differs from NSID %" PRIu32 " in LBAs 0x%"
				PRIx64 "..0x%" PRIx64 " (NVM CS 1.0 §3.2.1)", ns->nsid,
				off >> ns->lba_shift, (off + len - 1) >> ns->lba_shift);
	}
	return NVMESIM_SC_SUCCESS;
}

/*
 * Move the mapped transfer between host memory and the store, starting at
 * byte @off of the namespace, segment by segment.
 */
static uint16_t nvm_move(struct nvmesim_nvm_ctx *ctx, struct nvmesim_ns *ns,
			 struct nvmesim_prp *prp, uint64_t slba, enum nvm_dir dir,
			 struct nvmesim_cmd_res *res)
{
	uint64_t off = slba << ns->lba_shift;
	uint8_t *host;
	unsigned int i;
	uint32_t len;
	uint16_t st;

	for (i = 0; i < prp->nr; i++) {
		len = prp->seg[i].len;
		host = nvmesim_iova_ptr(ctx->map, prp->seg[i].iova, len);
		if (!host)
			return nvm_fail(res, NVMESIM_SC_DATA_XFER_ERROR, 0xffff,
					"data 0x%" PRIx64 "+%" PRIu32 " is no longer mapped for DMA"
					" (NVMe 2.0 §4.1.1)", prp->seg[i].iova, len);
		st = nvm_move_seg(ctx, ns, host, prp->seg[i].iova, off, len, slba, dir, res);
		if (st)
			return st;
		off += len;
	}
	return NVMESIM_SC_SUCCESS;
}

/* Read (02h, §3.2.4), Write (01h, §3.2.6) and Compare (05h, §3.2.1). */
static uint16_t nvm_rw(struct nvmesim_nvm_ctx *ctx, const struct nvmesim_sqe *cmd,
		       struct nvmesim_cmd_res *res)
{
	static const char *const names[] = { "Read", "Write", "Compare" };
	static const char *const sects[] = { "§3.2.4", "§3.2.6", "§3.2.1" };
	enum nvm_dir dir = cmd->opcode == NVMESIM_NVM_READ ? NVM_DIR_READ :
			   cmd->opcode == NVMESIM_NVM_WRITE ? NVM_DIR_WRITE : NVM_DIR_COMPARE;
	uint64_t slba = (uint64_t)cmd->cdw11 << 32 | cmd->cdw10;
	uint64_t nlb = (uint64_t)(cmd->cdw12 & NVM_CDW12_NLB_MASK) + 1;
	unsigned int dtype = (cmd->cdw12 >> NVM_CDW12_DTYPE_SHIFT) & NVM_CDW12_DTYPE_MASK;
	struct nvmesim_prp prp;
	struct nvmesim_ns *ns;
	uint64_t bytes;
	uint16_t st;

	st = nvm_get_ns(ctx, cmd, res, names[dir], &ns);
	if (st)
		return st;
	st = nvm_check_cdw0(cmd, res, names[dir], 1);
	if (st)
		return st;
	if (dir == NVM_DIR_WRITE && dtype)
		return nvm_fail(res, NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR, NVM_LOC_DTYPE,
				"Write: DTYPE %u but directives are not supported"
				" (NVM CS 1.0 §3.2.6, NVMe 2.0 §8.7)", dtype);
	st = nvm_check_range(ns, res, names[dir], sects[dir], slba, nlb, NVM_LOC_CDW10);
	if (st)
		return st;
	bytes = nlb << ns->lba_shift;
	if (ctx->mdts_bytes && bytes > ctx->mdts_bytes) {
		res->lba = slba;
		return nvm_fail(res, NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR, NVM_LOC_NLB,
				"%s: %" PRIu64 " bytes (NLB %" PRIu64 ") exceed MDTS, %" PRIu64
				" bytes (NVMe 2.0 §5.17.2.1)", names[dir], bytes, nlb,
				ctx->mdts_bytes);
	}

	/*
	 * Fast path: the data lies within PRP1's memory page (any transfer of up to a
	 * page that does not cross one, e.g. a 4 KiB I/O into a page-aligned buffer).
	 * PRP2 is then not used (NVMe 2.0 §4.1.1) and the PRP walk below would find
	 * exactly one segment; anything unusual (a misaligned PRP1, unmapped memory)
	 * takes the walk, which words the error.
	 */
	if (!(cmd->prp1 & 3) && (cmd->prp1 & (ctx->page_size - 1)) + bytes <= ctx->page_size) {
		uint8_t *host = nvmesim_iova_ptr(ctx->map, cmd->prp1, bytes);

		if (host) {
			st = nvm_move_seg(ctx, ns, host, cmd->prp1, slba << ns->lba_shift,
					  (uint32_t)bytes, slba, dir, res);
			goto done;
		}
	}

	nvmesim_prp_init(&prp);
	st = nvmesim_prp_map(&prp, ctx->map, ctx->page_size, cmd->prp1, cmd->prp2, bytes);
	if (st) {
		res->lba = slba;
		nvm_fail(res, st, NVM_LOC(24, 0), "%s: %s", names[dir], prp.why);
		goto out;
	}
	st = nvm_move(ctx, ns, &prp, slba, dir, res);
	nvmesim_prp_fini(&prp);
done:
	if (st || !ctx->stats)
		return st;
	/* SMART counters: Compare counts as a read (NVMe 2.0 §5.16.1.3) */
	if (dir == NVM_DIR_WRITE) {
		ctx->stats->write_cmds++;
		ctx->stats->bytes_written += bytes;
	} else {
		ctx->stats->read_cmds++;
		ctx->stats->bytes_read += bytes;
	}
	return st;
out:
	nvmesim_prp_fini(&prp);
	return st;
}

/* Write Zeroes (08h, §3.2.8): no data transfer, so no PRPs and no MDTS. */
static uint16_t nvm_write_zeroes(struct nvmesim_nvm_ctx *ctx, const struct nvmesim_sqe *cmd,
				 struct nvmesim_cmd_res *res)
{
	uint64_t slba = (uint64_t)cmd->cdw11 << 32 | cmd->cdw10;
	uint64_t nlb = (uint64_t)(cmd->cdw12 & NVM_CDW12_NLB_MASK) + 1;
	struct nvmesim_ns *ns;
	uint16_t st;
	int ret;

	st = nvm_get_ns(ctx, cmd, res, "Write Zeroes", &ns);
	if (st)
		return st;
	st = nvm_check_cdw0(cmd, res, "Write Zeroes", 0);
	if (st)
		return st;
	st = nvm_check_range(ns, res, "Write Zeroes", "§3.2.8", slba, nlb, NVM_LOC_CDW10);
	if (st)
		return st;
	/*
	 * With DEAC the blocks are deallocated (DLFEAT bit 3); without it they are
	 * written with zeros.  Both read back as zeros and a zero block needs no
	 * storage, so the store releases them either way.
	 */
	ret = nvmesim_store_write_zeroes(ns->store, slba, nlb);
	if (ret < 0)
		return nvm_store_error(ctx, res, ret, NVM_DIR_WRITE, slba);
	return NVMESIM_SC_SUCCESS;
}

/* Dataset Management (09h, §3.2.3): read the ranges, check them all, then deallocate. */
static uint16_t nvm_dsm(struct nvmesim_nvm_ctx *ctx, const struct nvmesim_sqe *cmd,
			struct nvmesim_cmd_res *res)
{
	struct nvmesim_dsm_range r[NVM_DSM_MAX_RANGES];
	unsigned int nr = (cmd->cdw10 & NVM_DSM_NR_MASK) + 1;
	char why[sizeof(((struct nvmesim_prp *)0)->why)];
	struct nvmesim_ns *ns;
	unsigned int i;
	uint16_t st;
	int ret;

	st = nvm_get_ns(ctx, cmd, res, "Dataset Management", &ns);
	if (st)
		return st;
	st = nvm_check_cdw0(cmd, res, "Dataset Management", 1);
	if (st)
		return st;
	st = nvmesim_prp_xfer(ctx->map, ctx->page_size, cmd->prp1, cmd->prp2, r,
			      nr * sizeof(r[0]), NVMESIM_FROM_HOST, why, sizeof(why));
	if (st)
		return nvm_fail(res, st, NVM_LOC(24, 0), "Dataset Management: %s", why);
	for (i = 0; i < nr; i++) {
		st = nvm_check_range(ns, res, "Dataset Management", "§3.2.3", r[i].slba, r[i].nlb,
				     NVM_LOC_CDW10);
		if (st) {
			/* say which range: the host built a list, not one field */
			snprintf(res->why + strlen(res->why), sizeof(res->why) - strlen(res->why),
				 ", range %u", i);
			return st;
		}
	}
	if (!(cmd->cdw11 & NVM_DSM_AD))
		return NVMESIM_SC_SUCCESS;      /* IDR/IDW are hints: nothing to do */
	for (i = 0; i < nr; i++) {
		ret = nvmesim_store_deallocate(ns->store, r[i].slba, r[i].nlb);
		if (ret < 0)
			return nvm_store_error(ctx, res, ret, NVM_DIR_WRITE, r[i].slba);
	}
	return NVMESIM_SC_SUCCESS;
}

/* Flush (00h, NVMe 2.0 §7.1): NSID FFFFFFFFh flushes every namespace when VWC exists. */
static uint16_t nvm_flush(struct nvmesim_nvm_ctx *ctx, const struct nvmesim_sqe *cmd,
			  struct nvmesim_cmd_res *res)
{
	struct nvmesim_ns *ns;
	unsigned int i;
	uint16_t st;
	int ret;

	if (cmd->nsid == UINT32_MAX) {
		if (!ctx->vwc)
			return nvm_fail(res, NVMESIM_SC_INVALID_NS | NVMESIM_DNR, NVM_LOC_NSID,
					"Flush: NSID FFFFFFFFh needs a volatile write cache"
					" (NVMe 2.0 §7.1, Identify VWC)");
		st = nvm_check_cdw0(cmd, res, "Flush", 0);
		if (st)
			return st;
		for (i = 0; ctx->ns && i < ctx->nn; i++) {
			if (!ctx->ns[i])
				continue;
			ret = nvmesim_store_flush(ctx->ns[i]->store);
			if (ret < 0)
				return nvm_store_error(ctx, res, ret, NVM_DIR_WRITE, 0);
		}
		return NVMESIM_SC_SUCCESS;
	}
	st = nvm_get_ns(ctx, cmd, res, "Flush", &ns);
	if (st)
		return st;
	st = nvm_check_cdw0(cmd, res, "Flush", 0);
	if (st)
		return st;
	ret = nvmesim_store_flush(ns->store);
	if (ret < 0)
		return nvm_store_error(ctx, res, ret, NVM_DIR_WRITE, 0);
	return NVMESIM_SC_SUCCESS;
}

/* nvmesim_nvm_exec - dispatch NVM command @cmd; returns its status, 0 on success. */
uint16_t nvmesim_nvm_exec(struct nvmesim_nvm_ctx *ctx, const struct nvmesim_sqe *cmd,
			  struct nvmesim_cmd_res *res)
{
	res->dw0 = 0;
	res->dw1 = 0;
	res->param_loc = 0xffff;
	res->lba = 0;
	res->why[0] = '\0';

	switch (cmd->opcode) {
	case NVMESIM_NVM_FLUSH:
		return nvm_flush(ctx, cmd, res);
	case NVMESIM_NVM_WRITE:
	case NVMESIM_NVM_READ:
	case NVMESIM_NVM_COMPARE:
		return nvm_rw(ctx, cmd, res);
	case NVMESIM_NVM_WRITE_ZEROES:
		return nvm_write_zeroes(ctx, cmd, res);
	case NVMESIM_NVM_DSM:
		return nvm_dsm(ctx, cmd, res);
	default:
		return nvm_fail(res, NVMESIM_SC_INVALID_OPCODE | NVMESIM_DNR, NVM_LOC_OPC,
				"I/O opcode 0x%02x is not supported by the NVM command set"
				" (NVM CS 1.0 §3.2, NVMe 2.0 §4.6.1.2.1)", cmd->opcode);
	}
}
