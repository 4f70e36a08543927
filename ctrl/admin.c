/* SPDX-License-Identifier: MIT */
/*
 * admin.c - the admin command set of the simulated controller (NVMe 2.0 §5).
 *
 * Identify, queue creation and deletion, Get/Set Features, Get Log Page,
 * Asynchronous Event Request, Abort, Keep Alive and Doorbell Buffer Config.
 * Each handler checks its fields in a fixed order and fails with the status
 * the spec defines for the first broken rule (QEMU hw/nvme/ctrl.c orders its
 * checks the same way and also sets DNR on field errors, since resubmitting
 * the same command cannot succeed); res->why names the rule for the
 * diagnostic exec.c emits, and res->param_loc points at the offending SQE
 * byte for the Error log.
 *
 * Data goes to the host through the PRP walker (ctrl/prp.h), so a bad PRP
 * becomes PRP Offset Invalid or Data Transfer Error, never a crash.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/ctrl.h"
#include "ctrl/prp.h"

#define ADMIN_TEMP_K 313        /* composite temperature the SMART log reports (40 C) */
#define ADMIN_WCTEMP_K 343      /* warning threshold (70 C) */
#define ADMIN_CCTEMP_K 358      /* critical threshold (85 C) */

/* SQE byte offsets, for Error log Parameter Error Location (§5.16.1.2) */
enum {
	PL_NSID = 4,
	PL_PRP1 = 24,
	PL_CDW10 = 40,
	PL_CDW10_HI = 42,
	PL_CDW11 = 44,
	PL_CDW11_HI = 46,
	PL_CDW12 = 48,
};

#define WHY(res, ...) snprintf((res)->why, sizeof((res)->why), __VA_ARGS__)

static const uint8_t admin_zero[4096];

/* Largest data transfer (Identify MDTS in units of the minimum page size), 0 = no limit. */
static uint64_t admin_mdts_bytes(const struct nvmesim_ctrl *c)
{
	if (!c->opts.mdts)
		return 0;
	return (uint64_t)(1u << (12 + c->opts.mpsmin)) << c->opts.mdts;
}

/*
 * Move @len bytes to the host through PRP1/PRP2: the first @srclen bytes from
 * @src, zeros after that (a log page read past its end returns zeros,
 * §5.16).  Returns the status of the PRP walk or copy.
 */
static uint16_t admin_to_host(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
			      const void *src, uint64_t srclen, uint64_t len,
			      struct nvmesim_cmd_res *res)
{
	struct nvmesim_prp p;
	uint64_t off, n;
	uint16_t st;

	nvmesim_prp_init(&p);
	st = nvmesim_prp_map(&p, &c->map, c->page_size, sqe->prp1, sqe->prp2, len);
	if (st) {
		WHY(res, "data pointer: %.170s", p.why[0] ? p.why : "PRP cannot be walked");
		res->param_loc = PL_PRP1;
		goto out;
	}
	if (srclen > len)
		srclen = len;
	st = nvmesim_prp_copy(&p, &c->map, 0, (void *)src, (size_t)srclen, NVMESIM_TO_HOST);
	for (off = srclen; !st && off < len; off += n) {
		n = NVMESIM_MIN(len - off, (uint64_t)sizeof(admin_zero));
		st = nvmesim_prp_copy(&p, &c->map, off, (void *)admin_zero, (size_t)n,
				      NVMESIM_TO_HOST);
	}
	if (st) {
		WHY(res, "data transfer to host memory failed: %.150s",
		    p.why[0] ? p.why : "PRP segment not in mapped host memory");
		res->param_loc = PL_PRP1;
	}
out:
	nvmesim_prp_fini(&p);
	return st;
}

/* Copy @s into the space-padded ASCII field @dst of @len bytes (§1.5). */
static void admin_pad(char *dst, size_t len, const char *s)
{
	size_t n = strlen(s);

	memset(dst, ' ', len);
	memcpy(dst, s, NVMESIM_MIN(n, len));
}

static void admin_u128(uint8_t dst[16], uint64_t lo, uint64_t hi)
{
	memcpy(dst, &lo, 8);
	memcpy(dst + 8, &hi, 8);
}

static void admin_id_ctrl(const struct nvmesim_ctrl *c, struct nvmesim_id_ctrl *id)
{
	unsigned __int128 cap = 0;
	unsigned int i;

	memset(id, 0, sizeof(*id));
	id->vid = 0x1d1d;
	id->ssvid = 0x1d1d;
	admin_pad(id->sn, sizeof(id->sn), c->sn);
	admin_pad(id->mn, sizeof(id->mn), c->mn);
	admin_pad(id->fr, sizeof(id->fr), NVMESIM_VERSION_STRING);
	id->mdts = (uint8_t)c->opts.mdts;
	id->cntlid = 1;
	id->ver = c->opts.vs;
	id->rtd3r = (uint32_t)NVMESIM_MIN(c->opts.ready_delay_ns / 1000, UINT32_MAX);
	id->rtd3e = (uint32_t)NVMESIM_MIN(c->opts.shutdown_delay_ns / 1000, UINT32_MAX);
	id->oaes = 0;                     /* no notice events are generated */
	id->cntrltype = 1;                /* I/O controller */
	id->oacs = NVMESIM_OACS_DBBUF;    /* Doorbell Buffer Config; no format, ns mgmt, ... */
	id->acl = 3;                      /* 4 Abort commands at a time */
	id->aerl = (uint8_t)c->opts.aerl;
	id->frmw = 0x03;                  /* one slot, slot 1 read only */
	id->lpa = 0x04;                   /* extended Get Log Page data (NUMDU, LPOL/LPOU) */
	id->elpe = (uint8_t)c->opts.elpe;
	id->npss = 0;
	id->wctemp = ADMIN_WCTEMP_K;
	id->cctemp = ADMIN_CCTEMP_K;
	for (i = 0; i < c->opts.nr_ns; i++)
		if (c->nsp[i])
			cap += (unsigned __int128)c->nsp[i]->nsze << c->nsp[i]->lba_shift;
	admin_u128(id->tnvmcap, (uint64_t)cap, (uint64_t)(cap >> 64));
	id->sqes = 0x66;
	id->cqes = 0x44;
	id->maxcmd = (uint16_t)NVMESIM_MIN((unsigned int)c->opts.mqes + 1, 0xffffu);
	id->nn = c->opts.nr_ns;
	id->oncs = NVMESIM_ONCS_COMPARE | NVMESIM_ONCS_DSM | NVMESIM_ONCS_WRITE_ZEROES |
		   (1u << 4);            /* bit 4: Save field / Select field (SEL) supported */
	id->vwc = c->opts.vwc ? 1 : 0;
	snprintf(id->subnqn, sizeof(id->subnqn), "nqn.2026-11.org.nvmesim:sim-%s", c->sn);
	id->psd[0].mp = 2500;             /* 25.00 W */
}

/* An NSID that names a namespace (1..NN); FFFFFFFFh only where the caller allows it. */
static uint16_t admin_nsid_valid(const struct nvmesim_ctrl *c, uint32_t nsid,
				 struct nvmesim_cmd_res *res)
{
	if (nsid == 0 || nsid > c->opts.nr_ns) {
		WHY(res, "NSID 0x%x is not a valid namespace ID (1..NN=%u)%s (NVMe 2.0 §3.2.1.2)",
		    nsid, c->opts.nr_ns, nsid == 0xffffffffu ?
		    "; broadcast needs Namespace Management, not supported" : "");
		res->param_loc = PL_NSID;
		return NVMESIM_SC_INVALID_NS | NVMESIM_DNR;
	}
	return NVMESIM_SC_SUCCESS;
}

static uint16_t admin_identify(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
			       struct nvmesim_cmd_res *res)
{
	union {
		struct nvmesim_id_ctrl ctrl;
		struct nvmesim_id_ns ns;
		uint32_t list[1024];
		uint8_t b[4096];
	} *buf;
	uint8_t cns = sqe->cdw10 & 0xff;
	uint32_t nsid = sqe->nsid, i, n, off;
	const struct nvmesim_ns *ns;
	uint16_t st;

	buf = calloc(1, sizeof(*buf));
	if (!buf) {
		WHY(res, "out of memory");
		return NVMESIM_SC_INTERNAL;
	}
	switch (cns) {
	case NVMESIM_CNS_NS:
		/* §5.17.2.1: an inactive NSID in 1..NN gets a zero-filled structure */
		st = admin_nsid_valid(c, nsid, res);
		if (st)
			goto out;
		ns = c->nsp[nsid - 1];
		if (ns)
			nvmesim_ns_identify(ns, &buf->ns);
		break;
	case NVMESIM_CNS_CTRL:
		admin_id_ctrl(c, &buf->ctrl);
		break;
	case NVMESIM_CNS_NS_ACTIVE_LIST:
		/* §5.17.2.2: active NSIDs greater than CDW1.NSID, ascending */
		if (nsid >= 0xfffffffeu) {
			WHY(res, "Active Namespace ID list: NSID 0x%x leaves no NSID above it "
			    "(NVMe 2.0 §5.17.2.2)", nsid);
			res->param_loc = PL_NSID;
			st = NVMESIM_SC_INVALID_NS | NVMESIM_DNR;
			goto out;
		}
		for (i = 0, n = 0; i < c->opts.nr_ns && n < 1024; i++)
			if (c->nsp[i] && i + 1 > nsid)
				buf->list[n++] = i + 1;
		break;
	case NVMESIM_CNS_NS_DESC_LIST:
		/* §5.17.2.3: NGUID and EUI64 when set, and the Command Set Identifier */
		st = admin_nsid_valid(c, nsid, res);
		if (st)
			goto out;
		ns = c->nsp[nsid - 1];
		if (!ns) {
			WHY(res, "NSID %u is not active: no identification descriptors "
			    "(NVMe 2.0 §5.17.2.3)", nsid);
			res->param_loc = PL_NSID;
			st = NVMESIM_SC_INVALID_NS | NVMESIM_DNR;
			goto out;
		}
		nvmesim_ns_identify(ns, &buf->ns);
		{
			uint8_t eui[8], nguid[16];

			memcpy(eui, buf->ns.eui64, 8);
			memcpy(nguid, buf->ns.nguid, 16);
			memset(buf, 0, sizeof(*buf));
			off = 0;
			if (memcmp(eui, admin_zero, 8)) {
				buf->b[off] = 1;
				buf->b[off + 1] = 8;
				memcpy(&buf->b[off + 4], eui, 8);
				off += 12;
			}
			if (memcmp(nguid, admin_zero, 16)) {
				buf->b[off] = 2;
				buf->b[off + 1] = 16;
				memcpy(&buf->b[off + 4], nguid, 16);
				off += 20;
			}
			buf->b[off] = 4;        /* CSI: NVM command set (0) */
			buf->b[off + 1] = 1;
		}
		break;
	default:
		WHY(res, "Identify CNS 0x%02x is not supported (00h-03h are) (NVMe 2.0 §5.17.1, "
		    "Figure 273)", cns);
		res->param_loc = PL_CDW10;
		st = NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		goto out;
	}
	st = admin_to_host(c, sqe, buf, sizeof(*buf), sizeof(*buf), res);
out:
	free(buf);
	return st;
}

/* The queue memory must be page aligned (§5.4/§5.5 PRP Entry 1) and reachable. */
static uint16_t admin_queue_mem(struct nvmesim_ctrl *c, const char *what, uint64_t prp1,
				uint64_t bytes, struct nvmesim_cmd_res *res)
{
	if (prp1 & (c->page_size - 1)) {
		WHY(res, "%s PRP1 0x%" PRIx64 " has a non-zero offset in the %u KiB memory page "
		    "(NVMe 2.0 §5.4/§5.5: physically contiguous queue base is page aligned)",
		    what, prp1, c->page_size >> 10);
		res->param_loc = PL_PRP1;
		return NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR;
	}
	if (!nvmesim_iova_ptr(&c->map, prp1, bytes)) {
		WHY(res, "%s memory [0x%" PRIx64 ", +%" PRIu64 ") is not wholly in mapped host "
		    "memory (NVMe 2.0 §5.4/§5.5)", what, prp1, bytes);
		res->param_loc = PL_PRP1;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	return NVMESIM_SC_SUCCESS;
}

static uint16_t admin_create_cq(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
				struct nvmesim_cmd_res *res)
{
	uint16_t qid = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw10, CREATEQ_QID);
	uint16_t qsize = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw10, CREATEQ_QSIZE);
	bool pc = NVMESIM_FIELD_GET(sqe->cdw11, CREATEQ_PC);
	bool ien = NVMESIM_FIELD_GET(sqe->cdw11, CREATECQ_IEN);
	uint16_t iv = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw11, CREATECQ_IV);
	uint32_t cc = nvmesim_bar_get32(&c->bar, NVMESIM_REG_CC);
	uint16_t st;

	if (qid == 0 || qid > c->feat.ncqa + 1u || c->cq[qid]) {
		WHY(res, "Create I/O CQ QID %u: %s (NVMe 2.0 §5.4)", qid,
		    qid == 0 ? "QID 0 is the admin CQ" :
		    qid > c->feat.ncqa + 1u ? "above the I/O CQs granted by Number of Queues" :
		    "CQ already exists");
		res->param_loc = PL_CDW10;
		return NVMESIM_SC_INVALID_QID | NVMESIM_DNR;
	}
	if (qsize == 0 || qsize > c->opts.mqes) {
		WHY(res, "Create I/O CQ QSIZE %u (0's based) outside 1..CAP.MQES=%u "
		    "(NVMe 2.0 §5.4)", qsize, c->opts.mqes);
		res->param_loc = PL_CDW10_HI;
		return NVMESIM_SC_INVALID_QSIZE | NVMESIM_DNR;
	}
	if (iv >= c->opts.max_vectors) {
		WHY(res, "Create I/O CQ IV %u: the controller has MSI-X vectors 0..%u "
		    "(NVMe 2.0 §5.4)", iv, c->opts.max_vectors - 1);
		res->param_loc = PL_CDW11_HI;
		return NVMESIM_SC_INVALID_VECTOR | NVMESIM_DNR;
	}
	if (!pc && c->opts.cqr) {
		WHY(res, "Create I/O CQ PC=0 but CAP.CQR=1: queues must be physically "
		    "contiguous (NVMe 2.0 §5.4)");
		res->param_loc = PL_CDW11;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	if (NVMESIM_FIELD_GET(cc, CC_IOCQES) != 4) {
		WHY(res, "Create I/O CQ with CC.IOCQES=%u: I/O CQ entries are 16 bytes, set "
		    "CC.IOCQES=4 (NVMe 2.0 §3.1.4.5)",
		    (unsigned int)NVMESIM_FIELD_GET(cc, CC_IOCQES));
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	st = admin_queue_mem(c, "Create I/O CQ", sqe->prp1, (uint64_t)(qsize + 1) * 16, res);
	if (st)
		return st;
	if (nvmesim_exec_cq_new(c, qid, sqe->prp1, (uint16_t)(qsize + 1), ien, iv)) {
		WHY(res, "out of memory");
		return NVMESIM_SC_INTERNAL;
	}
	return NVMESIM_SC_SUCCESS;
}

static uint16_t admin_create_sq(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
				struct nvmesim_cmd_res *res)
{
	uint16_t qid = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw10, CREATEQ_QID);
	uint16_t qsize = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw10, CREATEQ_QSIZE);
	bool pc = NVMESIM_FIELD_GET(sqe->cdw11, CREATEQ_PC);
	uint8_t prio = (uint8_t)NVMESIM_FIELD_GET(sqe->cdw11, CREATESQ_QPRIO);
	uint16_t cqid = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw11, CREATESQ_CQID);
	uint32_t cc = nvmesim_bar_get32(&c->bar, NVMESIM_REG_CC);
	uint16_t st;

	if (qid == 0 || qid > c->feat.nsqa + 1u || c->sq[qid]) {
		WHY(res, "Create I/O SQ QID %u: %s (NVMe 2.0 §5.5)", qid,
		    qid == 0 ? "QID 0 is the admin SQ" :
		    qid > c->feat.nsqa + 1u ? "above the I/O SQs granted by Number of Queues" :
		    "SQ already exists");
		res->param_loc = PL_CDW10;
		return NVMESIM_SC_INVALID_QID | NVMESIM_DNR;
	}
	if (qsize == 0 || qsize > c->opts.mqes) {
		WHY(res, "Create I/O SQ QSIZE %u (0's based) outside 1..CAP.MQES=%u "
		    "(NVMe 2.0 §5.5)", qsize, c->opts.mqes);
		res->param_loc = PL_CDW10_HI;
		return NVMESIM_SC_INVALID_QSIZE | NVMESIM_DNR;
	}
	if (cqid == 0 || cqid > c->opts.max_queues || !c->cq[cqid]) {
		WHY(res, "Create I/O SQ CQID %u: %s (NVMe 2.0 §5.5)", cqid,
		    cqid == 0 ? "the admin CQ cannot take I/O completions" :
		    "no such I/O CQ was created");
		res->param_loc = PL_CDW11_HI;
		return NVMESIM_SC_CQ_INVALID | NVMESIM_DNR;
	}
	if (!pc && c->opts.cqr) {
		WHY(res, "Create I/O SQ PC=0 but CAP.CQR=1: queues must be physically "
		    "contiguous (NVMe 2.0 §5.5)");
		res->param_loc = PL_CDW11;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	if (NVMESIM_FIELD_GET(cc, CC_IOSQES) != 6) {
		WHY(res, "Create I/O SQ with CC.IOSQES=%u: I/O SQ entries are 64 bytes, set "
		    "CC.IOSQES=6 (NVMe 2.0 §3.1.4.5)",
		    (unsigned int)NVMESIM_FIELD_GET(cc, CC_IOSQES));
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	st = admin_queue_mem(c, "Create I/O SQ", sqe->prp1, (uint64_t)(qsize + 1) * 64, res);
	if (st)
		return st;
	if (nvmesim_exec_sq_new(c, qid, cqid, sqe->prp1, (uint16_t)(qsize + 1), prio)) {
		WHY(res, "out of memory");
		return NVMESIM_SC_INTERNAL;
	}
	return NVMESIM_SC_SUCCESS;
}

static uint16_t admin_delete_sq(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
				struct nvmesim_cmd_res *res)
{
	uint16_t qid = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw10, CREATEQ_QID);

	if (qid == 0 || qid > c->opts.max_queues || !c->sq[qid]) {
		WHY(res, "Delete I/O SQ QID %u: %s (NVMe 2.0 §5.7)", qid,
		    qid == 0 ? "the admin SQ cannot be deleted" : "no such I/O SQ");
		res->param_loc = PL_CDW10;
		return NVMESIM_SC_INVALID_QID | NVMESIM_DNR;
	}
	/* §5.7: commands of the SQ not yet completed are aborted before the deletion */
	nvmesim_exec_abort_sq(c, qid, NVMESIM_SC_ABORT_SQ_DELETED);
	nvmesim_exec_sq_delete(c, qid);
	return NVMESIM_SC_SUCCESS;
}

static uint16_t admin_delete_cq(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
				struct nvmesim_cmd_res *res)
{
	uint16_t qid = (uint16_t)NVMESIM_FIELD_GET(sqe->cdw10, CREATEQ_QID);

	if (qid == 0 || qid > c->opts.max_queues || !c->cq[qid]) {
		WHY(res, "Delete I/O CQ QID %u: %s (NVMe 2.0 §5.6)", qid,
		    qid == 0 ? "the admin CQ cannot be deleted" : "no such I/O CQ");
		res->param_loc = PL_CDW10;
		return NVMESIM_SC_INVALID_QID | NVMESIM_DNR;
	}
	if (c->cq[qid]->nr_sq) {
		WHY(res, "Delete I/O CQ %u: %u I/O SQ(s) still complete into it; delete them "
		    "first (NVMe 2.0 §5.6)", qid, c->cq[qid]->nr_sq);
		res->param_loc = PL_CDW10;
		return NVMESIM_SC_INVALID_QUEUE_DELETION;
	}
	nvmesim_exec_cq_delete(c, qid);
	return NVMESIM_SC_SUCCESS;
}

/* SMART / Health Information (§5.16.1.3), controller wide. */
static void admin_smart(const struct nvmesim_ctrl *c, struct nvmesim_smart_log *s)
{
	const struct nvmesim_io_stats *st = &c->stats;

	memset(s, 0, sizeof(*s));
	if (ADMIN_TEMP_K > c->feat.temp_over || ADMIN_TEMP_K < c->feat.temp_under)
		s->critical_warning |= 1u << 1;      /* temperature threshold condition */
	s->temperature = ADMIN_TEMP_K;
	s->avail_spare = 100;
	s->spare_thresh = 10;
	/* data units are thousands of 512-byte units, rounded up */
	admin_u128(s->data_units_read, (st->bytes_read + 511999) / 512000, 0);
	admin_u128(s->data_units_written, (st->bytes_written + 511999) / 512000, 0);
	admin_u128(s->host_reads, st->read_cmds, 0);
	admin_u128(s->host_writes, st->write_cmds, 0);
	admin_u128(s->power_cycles, c->power_cycles, 0);
	admin_u128(s->power_on_hours, c->sched.now / 3600000000000ull, 0);
	admin_u128(s->unsafe_shutdowns, c->unsafe_shutdowns, 0);
	admin_u128(s->media_errors, st->media_errors, 0);
	admin_u128(s->num_err_log_entries, c->error_count, 0);
}

static uint16_t admin_get_log(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
			      struct nvmesim_cmd_res *res)
{
	uint8_t lid = sqe->cdw10 & 0xff;
	bool rae = (sqe->cdw10 >> 15) & 1;
	uint64_t numd = ((((uint64_t)sqe->cdw11 & 0xffff) << 16) | (sqe->cdw10 >> 16)) + 1;
	uint64_t len = numd * 4;
	uint64_t lpo = sqe->cdw12 | ((uint64_t)sqe->cdw13 << 32);
	uint64_t mdts = admin_mdts_bytes(c);
	uint8_t *page = NULL;
	size_t size;
	uint16_t st;

	switch (lid) {
	case NVMESIM_LOG_ERROR:
		size = (c->opts.elpe + 1) * sizeof(struct nvmesim_error_log_entry);
		page = malloc(size);
		if (page)
			nvmesim_errlog_page(c, (struct nvmesim_error_log_entry *)page);
		break;
	case NVMESIM_LOG_SMART:
		/* LPA bit 0 = 0: no per-namespace data, so only 0h or FFFFFFFFh (§5.16.1.3) */
		if (sqe->nsid != 0 && sqe->nsid != 0xffffffffu) {
			WHY(res, "SMART / Health log for NSID 0x%x: per-namespace data is not "
			    "supported (Identify LPA bit 0 = 0), use 0h or FFFFFFFFh "
			    "(NVMe 2.0 §5.16.1.3)", sqe->nsid);
			res->param_loc = PL_NSID;
			return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		}
		size = sizeof(struct nvmesim_smart_log);
		page = malloc(size);
		if (page)
			admin_smart(c, (struct nvmesim_smart_log *)page);
		break;
	case NVMESIM_LOG_FW_SLOT:
		size = 512;
		page = calloc(1, size);
		if (page) {
			page[0] = 1;        /* AFI: slot 1 active */
			admin_pad((char *)page + 8, 8, NVMESIM_VERSION_STRING);
		}
		break;
	default:
		WHY(res, "Get Log Page LID 0x%02x is not supported (01h, 02h, 03h are) "
		    "(NVMe 2.0 §5.16, Figure 202)", lid);
		res->param_loc = PL_CDW10;
		return NVMESIM_SC_INVALID_LOG_PAGE | NVMESIM_DNR;
	}
	if (!page) {
		WHY(res, "out of memory");
		return NVMESIM_SC_INTERNAL;
	}
	if (lpo & 3) {
		WHY(res, "Get Log Page offset 0x%" PRIx64 " is not dword aligned "
		    "(NVMe 2.0 §5.16)", lpo);
		res->param_loc = PL_CDW12;
		st = NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		goto out;
	}
	if (lpo >= size) {
		WHY(res, "Get Log Page offset %" PRIu64 " is beyond the %zu-byte log 0x%02x "
		    "(NVMe 2.0 §5.16)", lpo, size, lid);
		res->param_loc = PL_CDW12;
		st = NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		goto out;
	}
	if (mdts && len > mdts) {
		WHY(res, "Get Log Page of %" PRIu64 " bytes exceeds MDTS (%" PRIu64 " bytes) "
		    "(NVMe 2.0 §5.16, §5.17.2.1 MDTS)", len, mdts);
		res->param_loc = PL_CDW10_HI;
		st = NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		goto out;
	}
	st = admin_to_host(c, sqe, page + lpo, size - lpo, len, res);
	/* §5.16: RAE=0 lets events that named this log page be reported again */
	if (!st && !rae)
		nvmesim_aer_log_read(c, lid);
out:
	free(page);
	return st;
}

/* Current (or, with @dflt, default) value of feature @fid; false if not supported. */
static bool admin_feat_get(struct nvmesim_ctrl *c, uint8_t fid, uint32_t cdw11, bool dflt,
			   uint32_t *v, uint16_t *st, struct nvmesim_cmd_res *res)
{
	const struct nvmesim_ctrl_feat *f = &c->feat;
	uint32_t iv, thsel;
	uint16_t nq = (uint16_t)(c->opts.max_queues - 1);

	*st = NVMESIM_SC_SUCCESS;
	switch (fid) {
	case NVMESIM_FEAT_ARBITRATION:
		*v = dflt ? 0 : f->arb;
		return true;
	case NVMESIM_FEAT_POWER_MGMT:
		*v = dflt ? 0 : f->power;
		return true;
	case NVMESIM_FEAT_TEMP_THRESH:
		thsel = (cdw11 >> 20) & 3;
		if (((cdw11 >> 16) & 0xf) != 0 || thsel > 1) {
			WHY(res, "Temperature Threshold TMPSEL %u THSEL %u: only the composite "
			    "temperature (0) and over/under thresholds (0/1) exist "
			    "(NVMe 2.0 §5.27.1, Feature 04h)", (cdw11 >> 16) & 0xf, thsel);
			res->param_loc = PL_CDW11_HI;
			*st = NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
			return true;
		}
		if (thsel == 0)
			*v = dflt ? ADMIN_WCTEMP_K : f->temp_over;
		else
			*v = dflt ? 0 : f->temp_under;
		*v |= thsel << 20;
		return true;
	case NVMESIM_FEAT_ERR_RECOVERY:
		*v = dflt ? 0 : f->err_rec;
		return true;
	case NVMESIM_FEAT_VOLATILE_WC:
		if (!c->opts.vwc)
			return false;
		*v = dflt ? 1 : f->vwc;
		return true;
	case NVMESIM_FEAT_NUM_QUEUES:
		*v = dflt ? (uint32_t)nq | ((uint32_t)nq << 16) :
			    (uint32_t)f->nsqa | ((uint32_t)f->ncqa << 16);
		return true;
	case NVMESIM_FEAT_IRQ_COALESCE:
		*v = dflt ? 0 : f->coalesce;
		return true;
	case NVMESIM_FEAT_IRQ_CONFIG:
		iv = cdw11 & 0xffff;
		if (iv >= c->opts.max_vectors) {
			WHY(res, "Interrupt Vector Configuration IV %u: vectors are 0..%u "
			    "(NVMe 2.0 §5.27.1, Feature 09h)", iv, c->opts.max_vectors - 1);
			res->param_loc = PL_CDW11;
			*st = NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
			return true;
		}
		*v = iv | ((dflt ? 0u : f->iv_cd[iv]) << 16);
		return true;
	case NVMESIM_FEAT_WRITE_ATOMIC:
		*v = dflt ? 0 : f->wan;
		return true;
	case NVMESIM_FEAT_ASYNC_EVENT:
		*v = dflt ? 0 : f->aec;
		return true;
	default:
		return false;
	}
}

static uint16_t admin_get_features(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
				   struct nvmesim_cmd_res *res)
{
	uint8_t fid = sqe->cdw10 & 0xff;
	unsigned int sel = (sqe->cdw10 >> 8) & 7;
	uint16_t st;
	uint32_t v;

	if (sel > 3) {
		WHY(res, "Get Features SEL %u is reserved (NVMe 2.0 §5.15.1)", sel);
		res->param_loc = PL_CDW10 + 1;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	/* SEL 10b saved: nothing is saveable, so the default is returned (§5.15.1) */
	if (!admin_feat_get(c, fid, sqe->cdw11, sel == 1 || sel == 2, &v, &st, res)) {
		WHY(res, "Feature 0x%02x is not supported%s (NVMe 2.0 §5.27.1, Figure 317)", fid,
		    fid == NVMESIM_FEAT_VOLATILE_WC ? " (no volatile write cache)" : "");
		res->param_loc = PL_CDW10;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	if (st)
		return st;
	/* SEL 11b: capabilities: bit 2 changeable, not saveable, not namespace specific */
	res->dw0 = sel == 3 ? 0x4 : v;
	return NVMESIM_SC_SUCCESS;
}

static uint16_t admin_set_features(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
				   struct nvmesim_cmd_res *res)
{
	struct nvmesim_ctrl_feat *f = &c->feat;
	uint8_t fid = sqe->cdw10 & 0xff;
	uint32_t v = sqe->cdw11, iv, thsel;
	uint16_t nsqr, ncqr;

	if (sqe->cdw10 >> 31) {
		WHY(res, "Set Features SV=1: feature 0x%02x is not saveable (NVMe 2.0 §5.27)", fid);
		res->param_loc = PL_CDW10 + 3 + (7 << 8);
		return NVMESIM_SC_FEAT_NOT_SAVEABLE | NVMESIM_DNR;
	}
	switch (fid) {
	case NVMESIM_FEAT_ARBITRATION:
		f->arb = v & 0xffffff07u;
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_POWER_MGMT:
		if ((v & 0x1f) > 0) {
			WHY(res, "Power Management PS %u: only power state 0 exists (NPSS=0) "
			    "(NVMe 2.0 §5.27.1, Feature 02h)", v & 0x1f);
			res->param_loc = PL_CDW11;
			return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		}
		f->power = v & 0xff;
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_TEMP_THRESH:
		thsel = (v >> 20) & 3;
		if (((v >> 16) & 0xf) != 0 || thsel > 1) {
			WHY(res, "Temperature Threshold TMPSEL %u THSEL %u: only the composite "
			    "temperature (0) and over/under thresholds (0/1) exist "
			    "(NVMe 2.0 §5.27.1, Feature 04h)", (v >> 16) & 0xf, thsel);
			res->param_loc = PL_CDW11_HI;
			return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		}
		if (thsel == 0)
			f->temp_over = (uint16_t)v;
		else
			f->temp_under = (uint16_t)v;
		/* §5.2: crossing a threshold is a SMART event when enabled by Feature 0Bh */
		if ((ADMIN_TEMP_K > f->temp_over || ADMIN_TEMP_K < f->temp_under) &&
		    (f->aec & (1u << 1)))
			nvmesim_aer_event(c, NVMESIM_AER_TYPE_SMART, 0x01, NVMESIM_LOG_SMART);
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_ERR_RECOVERY:
		if (v & (1u << 16)) {
			WHY(res, "Error Recovery DULBE=1: deallocated or unwritten logical block "
			    "errors are not supported (NVMe 2.0 §5.27.1, Feature 05h)");
			res->param_loc = PL_CDW11_HI;
			return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		}
		f->err_rec = v & 0xffff;
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_VOLATILE_WC:
		if (!c->opts.vwc)
			break;
		f->vwc = v & 1;
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_NUM_QUEUES:
		nsqr = (uint16_t)(v & 0xffff);
		ncqr = (uint16_t)(v >> 16);
		if (nsqr == 0xffff || ncqr == 0xffff) {
			WHY(res, "Number of Queues NSQR %u NCQR %u: 65535 (0's based 65536) is "
			    "invalid (NVMe 2.0 §5.27.1, Feature 07h)", nsqr, ncqr);
			res->param_loc = PL_CDW11;
			return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		}
		if (c->io_queues_created) {
			WHY(res, "Number of Queues set after I/O queues were created; only "
			    "allowed before, after a reset (NVMe 2.0 §5.27.1, Feature 07h)");
			return NVMESIM_SC_CMD_SEQ_ERROR;
		}
		f->nsqa = NVMESIM_MIN(nsqr, (uint16_t)(c->opts.max_queues - 1));
		f->ncqa = NVMESIM_MIN(ncqr, (uint16_t)(c->opts.max_queues - 1));
		res->dw0 = (uint32_t)f->nsqa | ((uint32_t)f->ncqa << 16);
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_IRQ_COALESCE:
		f->coalesce = v & 0xffff;
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_IRQ_CONFIG:
		iv = v & 0xffff;
		if (iv >= c->opts.max_vectors) {
			WHY(res, "Interrupt Vector Configuration IV %u: vectors are 0..%u "
			    "(NVMe 2.0 §5.27.1, Feature 09h)", iv, c->opts.max_vectors - 1);
			res->param_loc = PL_CDW11;
			return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
		}
		f->iv_cd[iv] = (v >> 16) & 1;
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_WRITE_ATOMIC:
		f->wan = v & 1;
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_FEAT_ASYNC_EVENT:
		f->aec = v & 0xff;     /* SMART critical warnings; no notices (OAES = 0) */
		return NVMESIM_SC_SUCCESS;
	default:
		break;
	}
	WHY(res, "Feature 0x%02x is not supported%s (NVMe 2.0 §5.27.1, Figure 317)", fid,
	    fid == NVMESIM_FEAT_VOLATILE_WC ? " (no volatile write cache)" : "");
	res->param_loc = PL_CDW10;
	return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
}

static uint16_t admin_abort(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *self,
			    const struct nvmesim_sqe *sqe, struct nvmesim_cmd_res *res)
{
	uint16_t sqid = (uint16_t)(sqe->cdw10 & 0xffff);
	uint16_t cid = (uint16_t)(sqe->cdw10 >> 16);
	struct nvmesim_ctrl_cmd *target;

	/* §5.1: more than ACL + 1 (= 4) Aborts outstanding -> Abort Command Limit Exceeded */
	if (nvmesim_exec_count(c, 0, NVMESIM_ADM_ABORT) > 4) {
		WHY(res, "more than ACL+1 = 4 Abort commands outstanding (NVMe 2.0 §5.1)");
		return NVMESIM_SC_ABORT_LIMIT;
	}
	target = nvmesim_exec_find(c, sqid, cid);
	if (target == self)
		target = NULL;
	res->dw0 = 1;        /* bit 0 set: command not aborted */
	if (target) {
		nvmesim_exec_finish(c, target, NVMESIM_SC_ABORT_REQ, 0);
		res->dw0 = 0;
	}
	return NVMESIM_SC_SUCCESS;
}

/*
 * Doorbell Buffer Config (NVMe 2.0 §5.8): PRP1 is the shadow doorbell buffer,
 * PRP2 the EventIdx buffer, each memory page aligned (QEMU nvme_dbbuf_config
 * fails anything else with Invalid Field).  Every existing queue's shadow gets
 * its current tail / head (QEMU does this for the admin queue too), and from
 * now on the controller reads tails and heads there and writes EventIdx
 * (doorbell.c); later-created queues use their slots at once.
 */
static uint16_t admin_dbbuf(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe,
			    struct nvmesim_cmd_res *res)
{
	unsigned int q;
	uint8_t b[4];

	if ((sqe->prp1 | sqe->prp2) & (c->page_size - 1)) {
		WHY(res, "Doorbell Buffer Config: %s 0x%" PRIx64 " is not aligned to the %u KiB "
		    "memory page (NVMe 2.0 §5.8)", (sqe->prp1 & (c->page_size - 1)) ?
		    "shadow doorbell buffer PRP1" : "EventIdx buffer PRP2",
		    (sqe->prp1 & (c->page_size - 1)) ? sqe->prp1 : sqe->prp2,
		    c->page_size >> 10);
		res->param_loc = (sqe->prp1 & (c->page_size - 1)) ? PL_PRP1 : PL_PRP1 + 8;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	/* each buffer is one memory page (§5.8); one the device cannot reach would leave
	 * every queue deaf to its shadow, so refuse it as queue memory is refused */
	if (!nvmesim_iova_ptr(&c->map, sqe->prp1, c->page_size) ||
	    !nvmesim_iova_ptr(&c->map, sqe->prp2, c->page_size)) {
		WHY(res, "Doorbell Buffer Config: the %s page at 0x%" PRIx64 " is not in mapped "
		    "host memory (NVMe 2.0 §5.8)",
		    nvmesim_iova_ptr(&c->map, sqe->prp1, c->page_size) ? "EventIdx buffer" :
		    "shadow doorbell buffer",
		    nvmesim_iova_ptr(&c->map, sqe->prp1, c->page_size) ? sqe->prp2 : sqe->prp1);
		res->param_loc = nvmesim_iova_ptr(&c->map, sqe->prp1, c->page_size) ?
				 PL_PRP1 + 8 : PL_PRP1;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	c->dbbuf_dbs = sqe->prp1;
	c->dbbuf_eis = sqe->prp2;
	c->dbbuf = true;
	for (q = 0; q <= c->opts.max_queues; q++) {
		if (c->sq[q]) {
			b[0] = (uint8_t)c->sq[q]->q.r.tail;
			b[1] = (uint8_t)(c->sq[q]->q.r.tail >> 8);
			b[2] = b[3] = 0;
			(void)nvmesim_iova_write(&c->map, c->dbbuf_dbs +
						 nvmesim_db_slot(c, (uint16_t)q, false), b, 4);
		}
		if (c->cq[q]) {
			b[0] = (uint8_t)c->cq[q]->q.r.head;
			b[1] = (uint8_t)(c->cq[q]->q.r.head >> 8);
			b[2] = b[3] = 0;
			(void)nvmesim_iova_write(&c->map, c->dbbuf_dbs +
						 nvmesim_db_slot(c, (uint16_t)q, true), b, 4);
		}
	}
	return NVMESIM_SC_SUCCESS;
}

/* nvmesim_admin_exec - execute admin command @sqe; 15-bit status or NVMESIM_CMD_DEFERRED */
uint16_t nvmesim_admin_exec(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
			    const struct nvmesim_sqe *sqe, struct nvmesim_cmd_res *res)
{
	switch (sqe->opcode) {
	case NVMESIM_ADM_DELETE_SQ:
		return admin_delete_sq(c, sqe, res);
	case NVMESIM_ADM_CREATE_SQ:
		return admin_create_sq(c, sqe, res);
	case NVMESIM_ADM_GET_LOG_PAGE:
		return admin_get_log(c, sqe, res);
	case NVMESIM_ADM_DELETE_CQ:
		return admin_delete_cq(c, sqe, res);
	case NVMESIM_ADM_CREATE_CQ:
		return admin_create_cq(c, sqe, res);
	case NVMESIM_ADM_IDENTIFY:
		return admin_identify(c, sqe, res);
	case NVMESIM_ADM_ABORT:
		return admin_abort(c, cmd, sqe, res);
	case NVMESIM_ADM_SET_FEATURES:
		return admin_set_features(c, sqe, res);
	case NVMESIM_ADM_GET_FEATURES:
		return admin_get_features(c, sqe, res);
	case NVMESIM_ADM_ASYNC_EVENT:
		return nvmesim_aer_submit(c, cmd, res);
	case NVMESIM_ADM_KEEP_ALIVE:
		return NVMESIM_SC_SUCCESS;
	case NVMESIM_ADM_DBBUF_CONFIG:
		return admin_dbbuf(c, sqe, res);
	default:
		WHY(res, "admin opcode 0x%02x is not supported (NVMe 2.0 §5, Figure 138; "
		    "Identify OACS=100h)", sqe->opcode);
		res->param_loc = 0;
		return NVMESIM_SC_INVALID_OPCODE | NVMESIM_DNR;
	}
}

/* nvmesim_admin_reset - feature values back to their defaults (controller reset) */
void nvmesim_admin_reset(struct nvmesim_ctrl *c)
{
	struct nvmesim_ctrl_feat *f = &c->feat;

	f->arb = 0;
	f->power = 0;
	f->temp_over = ADMIN_WCTEMP_K;
	f->temp_under = 0;
	f->err_rec = 0;
	f->vwc = c->opts.vwc ? 1 : 0;
	f->nsqa = (uint16_t)(c->opts.max_queues - 1);
	f->ncqa = (uint16_t)(c->opts.max_queues - 1);
	f->coalesce = 0;
	if (f->iv_cd)
		memset(f->iv_cd, 0, c->opts.max_vectors);
	f->wan = 0;
	f->aec = 0;
}
