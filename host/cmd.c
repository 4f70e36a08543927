/* SPDX-License-Identifier: MIT */
/*
 * cmd.c - building commands: the admin commands of bring-up and teardown, and
 * the NVM I/O commands behind the synchronous helpers.
 *
 * Field layouts follow NVMe 2.0 §5 (admin) and the NVM Command Set 1.0 §3
 * (I/O).  Every helper here is synchronous (nvmesim_host_exec()); the
 * asynchronous path is nvmesim_host_submit() with a command the caller built,
 * usually with nvmesim_cmd_rw().
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "host/host-internal.h"

/* nvmesim_cmd_rw - zero @cmd and fill an NVM read/write/compare/write zeroes */
void nvmesim_cmd_rw(struct nvmesim_sqe *cmd, uint8_t opcode, uint32_t nsid, uint64_t slba,
		    uint32_t nlb)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = opcode;
	cmd->nsid = nsid;
	/* NVM CS §3.2.4: CDW10-11 SLBA, CDW12 15:0 NLB (0's based). */
	cmd->cdw10 = (uint32_t)slba;
	cmd->cdw11 = (uint32_t)(slba >> 32);
	cmd->cdw12 = (nlb - 1u) & 0xffffu;
}

/* nvmesim_host_identify - Identify (§5.17) with @cns/@nsid into the 4 KiB @out; status */
int nvmesim_host_identify(struct nvmesim_host *host, uint8_t cns, uint32_t nsid, void *out)
{
	struct nvmesim_sqe cmd;
	void *buf;
	int r;

	buf = nvmesim_host_dma_alloc(host, 4096);
	if (!buf)
		return -ENOMEM;
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_IDENTIFY;
	cmd.nsid = nsid;
	cmd.cdw10 = cns; /* CDW10 7:0 CNS, 31:16 CNTID */
	r = nvmesim_host_exec(host, 0, &cmd, buf, 4096, NULL);
	if (r == 0)
		memcpy(out, buf, 4096);
	nvmesim_host_dma_free(host, buf);
	return r;
}

/* nvmesim_host_set_num_queues - Set Features 07h (§5.27.1); status, pairs in @granted */
int nvmesim_host_set_num_queues(struct nvmesim_host *host, unsigned int nr,
				unsigned int *granted)
{
	struct nvmesim_sqe cmd;
	struct nvmesim_cqe cqe;
	unsigned int nsqa, ncqa;
	int r;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_SET_FEATURES;
	cmd.cdw10 = NVMESIM_FEAT_NUM_QUEUES;
	/* NSQR 15:0 and NCQR 31:16, both 0's based; 65535 is invalid. */
	cmd.cdw11 = (nr - 1u) | ((nr - 1u) << 16);
	r = nvmesim_host_exec(host, 0, &cmd, NULL, 0, &cqe);
	if (r)
		return r;
	/* Dword 0 of the completion: NSQA 15:0 and NCQA 31:16, 0's based. */
	nsqa = (cqe.dw0 & 0xffffu) + 1u;
	ncqa = (cqe.dw0 >> 16) + 1u;
	*granted = NVMESIM_MIN(nr, NVMESIM_MIN(nsqa, ncqa));
	return 0;
}

/* nvmesim_host_create_qp - Create I/O CQ (§5.4) then I/O SQ (§5.5) for @qid; status */
int nvmesim_host_create_qp(struct nvmesim_host *host, uint16_t qid, const char **what)
{
	struct nvmesim_host_qp *qp = &host->qps[qid];
	struct nvmesim_sqe cmd;
	int r;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_CREATE_CQ;
	cmd.prp1 = qp->cq.iova; /* physically contiguous (PC=1): PRP1 is the base */
	cmd.cdw10 = (uint32_t)NVMESIM_FIELD_SET(qid, CREATEQ_QID) |
		    (uint32_t)NVMESIM_FIELD_SET(qp->entries - 1u, CREATEQ_QSIZE);
	cmd.cdw11 = (uint32_t)NVMESIM_FIELD_SET(1, CREATEQ_PC) |
		    (uint32_t)NVMESIM_FIELD_SET(qp->ien, CREATECQ_IEN) |
		    (uint32_t)NVMESIM_FIELD_SET(qp->ien ? qp->vector : 0, CREATECQ_IV);
	*what = "Create I/O Completion Queue";
	r = nvmesim_host_exec(host, 0, &cmd, NULL, 0, NULL);
	if (r)
		return r;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_CREATE_SQ;
	cmd.prp1 = qp->sq.iova;
	cmd.cdw10 = (uint32_t)NVMESIM_FIELD_SET(qid, CREATEQ_QID) |
		    (uint32_t)NVMESIM_FIELD_SET(qp->entries - 1u, CREATEQ_QSIZE);
	cmd.cdw11 = (uint32_t)NVMESIM_FIELD_SET(1, CREATEQ_PC) |
		    (uint32_t)NVMESIM_FIELD_SET(qid, CREATESQ_CQID);
	/* QPRIO counts only with weighted round robin (§3.4.2.2); medium unless asked */
	if (host->opts.wrr)
		cmd.cdw11 |= (uint32_t)NVMESIM_FIELD_SET(host->opts.sq_prio &&
							 qid <= host->opts.nr_sq_prio ?
							 host->opts.sq_prio[qid - 1] & 3u : 2u,
							 CREATESQ_QPRIO);
	*what = "Create I/O Submission Queue";
	r = nvmesim_host_exec(host, 0, &cmd, NULL, 0, NULL);
	if (r) {
		/* Do not leave a CQ without its SQ behind. */
		(void)nvmesim_host_delete_queue(host, qid, true);
		return r;
	}
	return 0;
}

/* nvmesim_host_delete_queue - Delete I/O SQ (§5.7) or CQ (§5.6) @qid; status or -errno */
int nvmesim_host_delete_queue(struct nvmesim_host *host, uint16_t qid, bool cq)
{
	struct nvmesim_sqe cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = cq ? NVMESIM_ADM_DELETE_CQ : NVMESIM_ADM_DELETE_SQ;
	cmd.cdw10 = qid;
	return nvmesim_host_exec(host, 0, &cmd, NULL, 0, NULL);
}

/* host_ns_bytes - bytes in @nlb logical blocks of namespace @nsid, or 0 if it is unknown */
static size_t host_ns_bytes(const struct nvmesim_host *host, uint32_t nsid, uint32_t nlb)
{
	const struct nvmesim_id_ns *id = nvmesim_host_id_ns(host, nsid);
	unsigned int ds;

	if (!id)
		return 0;
	ds = id->lbaf[id->flbas & 0xfu].ds;
	if (ds < 9 || ds > 16)
		return 0;
	return (size_t)nlb << ds;
}

/* nvmesim_host_rw - one synchronous read/write/compare of @nlb blocks; status or -errno */
int nvmesim_host_rw(struct nvmesim_host *host, uint16_t qid, uint8_t opcode, uint32_t nsid,
		    uint64_t slba, uint32_t nlb, void *buf)
{
	struct nvmesim_sqe cmd;
	size_t len;

	if (!host)
		return -EINVAL;
	len = host_ns_bytes(host, nsid, nlb);
	/* An unknown namespace still goes to the controller (with no data) so
	 * the caller sees its status, e.g. Invalid Namespace or Format. */
	nvmesim_cmd_rw(&cmd, opcode, nsid, slba, nlb);
	return nvmesim_host_exec(host, qid, &cmd, len ? buf : NULL, len, NULL);
}

/* nvmesim_host_flush - Flush namespace @nsid (NVM CS §3.2.2); status or -errno */
int nvmesim_host_flush(struct nvmesim_host *host, uint16_t qid, uint32_t nsid)
{
	struct nvmesim_sqe cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_NVM_FLUSH;
	cmd.nsid = nsid;
	return nvmesim_host_exec(host, qid, &cmd, NULL, 0, NULL);
}

/* nvmesim_host_write_zeroes - Write Zeroes (NVM CS §3.2.8) of @nlb blocks; status or -errno */
int nvmesim_host_write_zeroes(struct nvmesim_host *host, uint16_t qid, uint32_t nsid,
			      uint64_t slba, uint32_t nlb)
{
	struct nvmesim_sqe cmd;

	nvmesim_cmd_rw(&cmd, NVMESIM_NVM_WRITE_ZEROES, nsid, slba, nlb);
	return nvmesim_host_exec(host, qid, &cmd, NULL, 0, NULL);
}

/* nvmesim_host_trim - Dataset Management with Deallocate (NVM CS §3.2.3) of one range;
 * status or -errno */
int nvmesim_host_trim(struct nvmesim_host *host, uint16_t qid, uint32_t nsid, uint64_t slba,
		      uint32_t nlb)
{
	struct nvmesim_dsm_range *range;
	struct nvmesim_sqe cmd;
	int r;

	if (!host)
		return -EINVAL;
	range = nvmesim_host_dma_alloc(host, sizeof(*range));
	if (!range)
		return -ENOMEM;
	range->cattr = 0;
	range->nlb = nlb;
	range->slba = slba;
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_NVM_DSM;
	cmd.nsid = nsid;
	cmd.cdw10 = 0;      /* NR: number of ranges, 0's based */
	cmd.cdw11 = 1u << 2; /* AD: attribute deallocate */
	r = nvmesim_host_exec(host, qid, &cmd, range, sizeof(*range), NULL);
	nvmesim_host_dma_free(host, range);
	return r;
}

/* nvmesim_host_set_shadow - Doorbell Buffer Config (NVMe 2.0 §5.8) and the need-event test
 * @mode from now on; 0, -EOPNOTSUPP, -ENOMEM, -EINVAL, -errno or the NVMe status (> 0) */
int nvmesim_host_set_shadow(struct nvmesim_host *host, enum nvmesim_host_shadow mode,
			    bool admin)
{
	struct nvmesim_sqe cmd;
	uint32_t *dbs, *eis;
	int r;

	if (!host || mode > NVMESIM_SHADOW_SPDK || host->dbs)
		return -EINVAL;
	if (mode == NVMESIM_SHADOW_OFF)
		return 0;
	/* §5.8: only a controller that sets OACS bit 8 supports the command */
	if (!(host->id_ctrl.oacs & NVMESIM_OACS_DBBUF))
		return -EOPNOTSUPP;
	/* one memory page each, zeroed: every shadow and EventIdx starts at 0 */
	dbs = nvmesim_hostmem_alloc(host->hm, host->page_size);
	eis = nvmesim_hostmem_alloc(host->hm, host->page_size);
	if (!dbs || !eis) {
		r = -ENOMEM;
		goto fail;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_DBBUF_CONFIG;
	cmd.prp1 = nvmesim_hostmem_iova(host->hm, dbs);
	cmd.prp2 = nvmesim_hostmem_iova(host->hm, eis);
	r = nvmesim_host_exec(host, 0, &cmd, NULL, 0, NULL);
	if (r)
		goto fail;
	host->db_stride = 1u << NVMESIM_FIELD_GET(host->cap, CAP_DSTRD);
	host->dbs = dbs;
	host->eis = eis;
	host->shadow = mode;
	host->shadow_admin = admin;
	return 0;
fail:
	nvmesim_hostmem_free(host->hm, eis);
	nvmesim_hostmem_free(host->hm, dbs);
	return r;
}
