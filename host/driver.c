/* SPDX-License-Identifier: MIT */
/*
 * driver.c - controller bring-up and teardown.
 *
 * Bring-up follows the order of Linux's nvme_pci_configure_admin_queue() and
 * nvme_enable_ctrl() (NVMe 2.0 §3.5.1, "Controller Initialization"): read CAP
 * and VS; if the controller is enabled or still ready, clear CC.EN and wait for
 * CSTS.RDY=0; put the admin queues in host memory and program AQA, ASQ, ACQ;
 * write CC (command set, page size, arbitration, entry sizes) and then CC.EN
 * as a second write; wait for CSTS.RDY=1 within CAP.TO; Identify the
 * controller and its active namespaces; ask for I/O queues with Set Features
 * Number of Queues and create the granted CQs and SQs; arm an Asynchronous
 * Event Request.  Teardown deletes I/O SQs, then CQs, and performs a normal
 * shutdown (CC.SHN=01b, wait for CSTS.SHST=10b; §3.6.1).
 *
 * Every wait is bounded and looks at CSTS.CFS, so a controller that never
 * gets ready or fails becomes an error with a message naming the step, never
 * a hang.  The code reaches the device only through the controller end.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host-internal.h"

/* nvmesim_host_opts_default - 1 I/O queue pair of 256 entries, interrupts, 64 MiB, AER,
 * one CPU */
const struct nvmesim_host_opts nvmesim_host_opts_default = {
	.nr_io_queues = 1,
	.io_queue_entries = 256,
	.admin_entries = 32,           /* Linux NVME_AQ_DEPTH */
	.interrupts = true,
	.hostmem_bytes = 64u << 20,
	.iova_base = 0x100000000ull,   /* 4 GiB: clear of the x86 MSI window */
	.aer = true,
	.cpus = 1,
};

/* host_wait_csts - poll CSTS until (CSTS & @mask) == @val or @timeout_ns passes; 0,
 * -ETIMEDOUT, -EIO (CFS=1 while @cfs_fatal), -ENODEV (all ones); last value in @csts */
static int host_wait_csts(struct nvmesim_host *host, uint32_t mask, uint32_t val,
			  bool cfs_fatal, uint64_t timeout_ns, uint32_t *csts)
{
	struct nvmesim_end *end = host->end;
	uint64_t start = nvmesim_end_now(end), now, poll, left;
	uint64_t budget = timeout_ns / NVMESIM_HOST_POLL_NS + 64;
	uint32_t v;
	int r;

	for (;;) {
		v = nvmesim_end_read32(end, NVMESIM_REG_CSTS);
		*csts = v;
		if (v == UINT32_MAX)
			return -ENODEV;
		if (cfs_fatal && NVMESIM_FIELD_GET(v, CSTS_CFS))
			return -EIO;
		if ((v & mask) == val)
			return 0;
		now = nvmesim_end_now(end);
		/* The iteration budget bounds the loop even if an end's clock
		 * stands still. */
		if (now - start >= timeout_ns || budget-- == 0)
			return -ETIMEDOUT;
		/* Poll often at first (enable is usually quick), then back off
		 * as Linux's usleep_range/msleep loops do. */
		poll = now - start < 10000000u ? NVMESIM_HOST_POLL_NS : NVMESIM_HOST_POLL_SLOW_NS;
		left = timeout_ns - (now - start);
		r = nvmesim_end_wait(end, NVMESIM_MIN(poll, left), NULL);
		if (r < 0)
			return r;
	}
}

/* host_ready_timeout - CAP.TO, or CRTO.CRWMT when CAP.CRMS says it is valid and larger
 * (§3.1.4.1, §3.1.4.22; Linux nvme_enable_ctrl), in ns */
static uint64_t host_ready_timeout(struct nvmesim_host *host)
{
	uint64_t units = NVMESIM_FIELD_GET(host->cap, CAP_TO);
	uint32_t crto;

	if (NVMESIM_FIELD_GET(host->cap, CAP_CRMS) & 1u) {
		crto = nvmesim_end_read32(host->end, NVMESIM_REG_CRTO);
		units = NVMESIM_MAX(units, NVMESIM_FIELD_GET(crto, CRTO_CRWMT));
	}
	return (units + 1) * 500000000ull;
}

/* host_disable - clear CC.EN and wait for CSTS.RDY=0 (§3.5.2); 0 or -errno with @diag */
static int host_disable(struct nvmesim_host *host, uint32_t cc, struct nvmesim_diag *diag)
{
	uint32_t csts;
	int r;

	nvmesim_end_write32(host->end, NVMESIM_REG_CC, cc & ~(uint32_t)NVMESIM_CC_EN_MASK);
	r = host_wait_csts(host, NVMESIM_CSTS_RDY_MASK, 0, false, host->ready_timeout_ns, &csts);
	if (r == -ETIMEDOUT)
		nvmesim_diag_set(diag, "controller did not clear CSTS.RDY within %" PRIu64
				 " ms of CC.EN=0 (CAP.TO=%u, 500 ms units; NVMe 2.0 §3.1.4.1)",
				 host->ready_timeout_ns / 1000000u,
				 (unsigned int)NVMESIM_FIELD_GET(host->cap, CAP_TO));
	else if (r == -ENODEV)
		nvmesim_diag_set(diag, "CSTS reads 0xffffffff: the device is gone");
	return r;
}

/* host_cc_css - the CC.CSS value for the command sets CAP.CSS offers (§3.1.4.5) */
static uint32_t host_cc_css(uint64_t cap)
{
	uint64_t css = NVMESIM_FIELD_GET(cap, CAP_CSS);

	if (css & NVMESIM_CAP_CSS_NVM)
		return NVMESIM_CC_CSS_NVM;
	if (css & NVMESIM_CAP_CSS_CSI)
		return NVMESIM_CC_CSS_CSI;
	return NVMESIM_CC_CSS_ADMIN;
}

/* host_enable - program the admin queue and CC, set CC.EN, wait for CSTS.RDY=1 */
static int host_enable(struct nvmesim_host *host, struct nvmesim_diag *diag)
{
	struct nvmesim_end *end = host->end;
	struct nvmesim_host_qp *aq = &host->qps[0];
	uint32_t aqa, csts;
	int r;

	/* §3.1.4.8-10: sizes are 0's based; the bases must be page aligned. */
	aqa = (uint32_t)NVMESIM_FIELD_SET(aq->entries - 1u, AQA_ASQS) |
	      (uint32_t)NVMESIM_FIELD_SET(aq->entries - 1u, AQA_ACQS);
	nvmesim_end_write32(end, NVMESIM_REG_AQA, aqa);
	nvmesim_end_write64(end, NVMESIM_REG_ASQ, aq->sq.iova);
	nvmesim_end_write64(end, NVMESIM_REG_ACQ, aq->cq.iova);

	host->cc = (uint32_t)NVMESIM_FIELD_SET(host_cc_css(host->cap), CC_CSS) |
		   (uint32_t)NVMESIM_FIELD_SET(NVMESIM_FIELD_GET(host->cap, CAP_MPSMIN), CC_MPS) |
		   (uint32_t)NVMESIM_FIELD_SET(host->opts.wrr ? NVMESIM_CC_AMS_WRRU :
					       NVMESIM_CC_AMS_RR, CC_AMS) |
		   (uint32_t)NVMESIM_FIELD_SET(NVMESIM_CC_SHN_NONE, CC_SHN) |
		   (uint32_t)NVMESIM_FIELD_SET(6, CC_IOSQES) |  /* 2^6 = 64-byte SQEs */
		   (uint32_t)NVMESIM_FIELD_SET(4, CC_IOCQES);   /* 2^4 = 16-byte CQEs */
	nvmesim_end_write32(end, NVMESIM_REG_CC, host->cc);
	nvmesim_end_write32(end, NVMESIM_REG_CC, host->cc | NVMESIM_CC_EN_MASK);
	host->enabled = true;

	r = host_wait_csts(host, NVMESIM_CSTS_RDY_MASK, NVMESIM_CSTS_RDY_MASK, true,
			   host->ready_timeout_ns, &csts);
	if (r == -EIO)
		nvmesim_diag_set(diag, "controller fatal status (CSTS.CFS=1) during enable "
				 "(CSTS=0x%08" PRIx32 ")", csts);
	else if (r == -ETIMEDOUT)
		nvmesim_diag_set(diag, "CSTS.RDY did not become 1 within %" PRIu64 " ms of "
				 "CC.EN=1 (CAP.TO=%u, 500 ms units; NVMe 2.0 §3.1.4.1)",
				 host->ready_timeout_ns / 1000000u,
				 (unsigned int)NVMESIM_FIELD_GET(host->cap, CAP_TO));
	else if (r == -ENODEV)
		nvmesim_diag_set(diag, "CSTS reads 0xffffffff: the device is gone");
	return r;
}

/* host_cmd_error - turn an admin command's result into -errno with a diag naming @what */
static int host_cmd_error(int r, const char *what, struct nvmesim_diag *diag)
{
	if (r > 0) {
		nvmesim_diag_set(diag, "%s failed: %s (status 0x%03x)", what,
				 nvmesim_status_str((uint16_t)r), (unsigned int)r);
		return -EIO;
	}
	if (r == -ETIMEDOUT)
		nvmesim_diag_set(diag, "%s: no completion within %llu s", what,
				 NVMESIM_HOST_CMD_TIMEOUT_NS / 1000000000ull);
	else if (r == -EIO)
		nvmesim_diag_set(diag, "%s: controller fatal status (CSTS.CFS=1)", what);
	else
		nvmesim_diag_set(diag, "%s: error %d", what, r);
	return r;
}

/* host_add_ns - Identify namespace @nsid and keep it if it is active (NSZE != 0); 0 or
 * -errno; a failed Identify is an error only when @listed (the controller named @nsid) */
static int host_add_ns(struct nvmesim_host *host, uint32_t nsid, bool listed,
		       struct nvmesim_diag *diag)
{
	struct nvmesim_id_ns *id = &host->id_ns[host->nr_ns];
	char what[64];
	int r;

	r = nvmesim_host_identify(host, NVMESIM_CNS_NS, nsid, id);
	if (r > 0 && !listed) {
		memset(id, 0, sizeof(*id));
		return 0;
	}
	if (r) {
		snprintf(what, sizeof(what), "Identify Namespace %" PRIu32 " (CNS 00h)", nsid);
		return host_cmd_error(r, what, diag);
	}
	/* §5.17.2: an inactive NSID returns a zero-filled structure. */
	if (id->nsze == 0)
		return 0;
	host->nsids[host->nr_ns++] = nsid;
	return 0;
}

/* host_identify - Identify Controller, the active namespace list and each namespace */
static int host_identify(struct nvmesim_host *host, struct nvmesim_diag *diag)
{
	uint32_t *list = NULL;
	unsigned int i, max;
	int r;

	r = nvmesim_host_identify(host, NVMESIM_CNS_CTRL, 0, &host->id_ctrl);
	if (r)
		return host_cmd_error(r, "Identify Controller (CNS 01h)", diag);

	/* One list page holds 1024 NSIDs; more are not needed by this host. */
	max = (unsigned int)NVMESIM_MIN(host->id_ctrl.nn, 1024u);
	if (max == 0)
		return 0;
	host->nsids = calloc(max, sizeof(*host->nsids));
	host->id_ns = calloc(max, sizeof(*host->id_ns));
	list = calloc(1024, sizeof(*list));
	if (!host->nsids || !host->id_ns || !list) {
		nvmesim_diag_set(diag, "out of memory for namespace data");
		r = -ENOMEM;
		goto out;
	}
	/* CNS 02h (NVMe 1.1+) lists active NSIDs above CDW1.NSID; a controller
	 * without it gets the sequential scan Linux falls back to. */
	r = nvmesim_host_identify(host, NVMESIM_CNS_NS_ACTIVE_LIST, 0, list);
	if (r < 0) {
		r = host_cmd_error(r, "Identify Active Namespace ID list (CNS 02h)", diag);
		goto out;
	}
	if (r == 0) {
		for (i = 0; i < 1024 && list[i] && host->nr_ns < max; i++) {
			r = host_add_ns(host, list[i], true, diag);
			if (r)
				goto out;
		}
	} else {
		for (i = 1; i <= max; i++) {
			r = host_add_ns(host, i, false, diag);
			if (r)
				goto out;
		}
	}
	r = 0;
out:
	free(list);
	return r;
}

/* host_create_io_queues - Set Features Number of Queues, then create CQ/SQ pairs */
static int host_create_io_queues(struct nvmesim_host *host, struct nvmesim_diag *diag)
{
	unsigned int granted = 0, q, entries;
	const char *what = "";
	char step[96];
	int r;

	if (host->opts.nr_io_queues == 0)
		return 0;
	r = nvmesim_host_set_num_queues(host, host->opts.nr_io_queues, &granted);
	if (r)
		return host_cmd_error(r, "Set Features Number of Queues (07h)", diag);
	/* §3.1.4.1: MQES is 0's based; both rings of a pair get the same size. */
	entries = NVMESIM_MIN(host->opts.io_queue_entries,
			      (unsigned int)NVMESIM_FIELD_GET(host->cap, CAP_MQES) + 1u);
	entries = NVMESIM_MAX(entries, 2u);
	for (q = 1; q <= granted; q++) {
		r = nvmesim_host_qp_alloc(host, (uint16_t)q, (uint16_t)entries,
					  host->opts.interrupts, (uint16_t)q);
		if (r) {
			nvmesim_diag_set(diag, "no host memory for I/O queue pair %u "
					 "(%u entries)", q, entries);
			return r;
		}
		r = nvmesim_host_create_qp(host, (uint16_t)q, &what);
		/* Fewer MSI-X vectors than queues: keep the pairs we have, as
		 * Linux reduces its queue count to the vectors it got. */
		if (r > 0 && NVMESIM_STATUS_CODE(r) == NVMESIM_SC_INVALID_VECTOR && q > 1) {
			nvmesim_host_qp_free(host, (uint16_t)q);
			break;
		}
		if (r) {
			nvmesim_host_qp_free(host, (uint16_t)q);
			snprintf(step, sizeof(step), "%s %u", what, q);
			return host_cmd_error(r, step, diag);
		}
		host->nr_io = q;
	}
	return 0;
}

/*
 * host_arbitration - Set Features Arbitration (01h) with the weights and burst
 * the controller reports by default (Get Features 01h): the WRR weights then
 * are explicit host set-up, as Linux leaves them and SPDK sets them (NVMe 2.0
 * §5.27.1, Feature 01h); 0 or -EIO with @diag
 */
static int host_arbitration(struct nvmesim_host *host, struct nvmesim_diag *diag)
{
	struct nvmesim_sqe cmd;
	struct nvmesim_cqe cqe;
	int r;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_GET_FEATURES;
	cmd.cdw10 = NVMESIM_FEAT_ARBITRATION;
	r = nvmesim_host_exec(host, 0, &cmd, NULL, 0, &cqe);
	if (r)
		return host_cmd_error(r, "Get Features Arbitration", diag);
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_SET_FEATURES;
	cmd.cdw10 = NVMESIM_FEAT_ARBITRATION;
	cmd.cdw11 = cqe.dw0;
	r = nvmesim_host_exec(host, 0, &cmd, NULL, 0, NULL);
	if (r)
		return host_cmd_error(r, "Set Features Arbitration", diag);
	return 0;
}

/* host_check_opts - reject set-ups no controller can take; 0 or -EINVAL with @diag */
static int host_check_opts(const struct nvmesim_host_opts *o, struct nvmesim_diag *diag)
{
	/* §3.1.4.8: admin queues hold 2..4096 entries. */
	if (o->admin_entries < 2 || o->admin_entries > 4096) {
		nvmesim_diag_set(diag, "admin_entries %u: the admin queues hold 2..4096 entries "
				 "(NVMe 2.0 §3.1.4.8)", o->admin_entries);
		return -EINVAL;
	}
	if (o->nr_io_queues > 65534) {
		nvmesim_diag_set(diag, "nr_io_queues %u: at most 65534 I/O queue pairs",
				 o->nr_io_queues);
		return -EINVAL;
	}
	if (o->nr_io_queues && (o->io_queue_entries < 2 || o->io_queue_entries > 65535)) {
		nvmesim_diag_set(diag, "io_queue_entries %u: a queue holds 2..65535 entries",
				 o->io_queue_entries);
		return -EINVAL;
	}
	if (o->hostmem_bytes < 64 * 1024 || !NVMESIM_IS_ALIGNED(o->iova_base, 4096)) {
		nvmesim_diag_set(diag, "host memory needs at least 64 KiB at a page-aligned IOVA");
		return -EINVAL;
	}
	return 0;
}

/* host_free - release everything the host holds (the device must no longer use it) */
static void host_free(struct nvmesim_host *host)
{
	unsigned int q;

	if (host->qps) {
		for (q = 0; q < host->nr_qps; q++)
			nvmesim_host_qp_free(host, (uint16_t)q);
		free(host->qps);
	}
	if (host->mapped)
		(void)host->end->ops->dma_unmap(host->end, nvmesim_hostmem_iova_base(host->hm),
						nvmesim_hostmem_size(host->hm));
	nvmesim_hostmem_destroy(host->hm);
	free(host->nsids);
	free(host->id_ns);
	free(host);
}

/* nvmesim_host_open - bring the controller behind @end up; 0 or -errno with @diag */
int nvmesim_host_open(struct nvmesim_host **out, struct nvmesim_end *end,
		      const struct nvmesim_host_opts *opts, struct nvmesim_diag *diag)
{
	struct nvmesim_host *host;
	uint32_t cc, csts;
	int r;

	if (!out || !end)
		return -EINVAL;
	*out = NULL;
	if (!opts)
		opts = &nvmesim_host_opts_default;
	r = host_check_opts(opts, diag);
	if (r)
		return r;
	host = calloc(1, sizeof(*host));
	if (!host)
		return -ENOMEM;
	host->end = end;
	host->opts = *opts;
	host->cpus = opts->cpus ? opts->cpus : 1u;
	host->opts.cpus = host->cpus;
	/* Bring-up is admin work: CPU 0 (nvmesim_host_qid_cpu()). */
	host->cur_cpu = UINT_MAX;
	nvmesim_host_cpu(host, 0);
	host->nr_qps = opts->nr_io_queues + 1u;
	host->qps = calloc(host->nr_qps, sizeof(*host->qps));
	if (!host->qps) {
		r = -ENOMEM;
		goto fail_free;
	}

	/* Step 1: what the controller can do. */
	host->cap = nvmesim_end_read64(end, NVMESIM_REG_CAP);
	host->vs = nvmesim_end_read32(end, NVMESIM_REG_VS);
	if (host->cap == UINT64_MAX) {
		nvmesim_diag_set(diag, "CAP reads all ones: no device behind the end");
		r = -ENODEV;
		goto fail_free;
	}
	host->page_size = 1u << (12 + NVMESIM_FIELD_GET(host->cap, CAP_MPSMIN));
	host->ready_timeout_ns = host_ready_timeout(host);
	/* §3.1.4.1: CC.AMS may only name a mechanism CAP.AMS offers (bit 0: WRR) */
	if (opts->wrr && !(NVMESIM_FIELD_GET(host->cap, CAP_AMS) & 1u)) {
		nvmesim_diag_set(diag, "weighted round robin arbitration asked for, but CAP.AMS "
				 "bit 0 is clear (NVMe 2.0 §3.1.4.1)");
		r = -EINVAL;
		goto fail_free;
	}

	/* Step 2: a controller left enabled (or still ready) is reset first. */
	cc = nvmesim_end_read32(end, NVMESIM_REG_CC);
	csts = nvmesim_end_read32(end, NVMESIM_REG_CSTS);
	if (NVMESIM_FIELD_GET(cc, CC_EN) || NVMESIM_FIELD_GET(csts, CSTS_RDY)) {
		r = host_disable(host, cc, diag);
		if (r)
			goto fail_free;
	}

	/* Step 3: host memory, mapped for the device once. */
	r = nvmesim_hostmem_new_huge(&host->hm, opts->hostmem_bytes, opts->iova_base,
				     opts->hugepages);
	if (r) {
		nvmesim_diag_set(diag, "cannot create %zu bytes of host memory: error %d",
				 opts->hostmem_bytes, r);
		goto fail_free;
	}
	r = end->ops->dma_map(end, nvmesim_hostmem_base(host->hm),
			      nvmesim_hostmem_size(host->hm), opts->iova_base);
	if (r) {
		nvmesim_diag_set(diag, "cannot map host memory for DMA at IOVA 0x%" PRIx64
				 ": error %d", opts->iova_base, r);
		goto fail_free;
	}
	host->mapped = true;
	r = nvmesim_host_qp_alloc(host, 0, (uint16_t)opts->admin_entries, true, 0);
	if (r) {
		nvmesim_diag_set(diag, "no host memory for the admin queues");
		goto fail_free;
	}

	/* Steps 4-6: AQA/ASQ/ACQ, CC, CC.EN, CSTS.RDY. */
	r = host_enable(host, diag);
	if (r)
		goto fail_disable;

	/* Steps 7-9: Identify, Number of Queues, I/O queues. */
	r = host_identify(host, diag);
	if (r)
		goto fail_disable;
	r = host_create_io_queues(host, diag);
	if (r)
		goto fail_disable;
	/* the priorities were for queue creation only: the pointer is the caller's */
	host->opts.sq_prio = NULL;
	host->opts.nr_sq_prio = 0;
	if (opts->wrr) {
		r = host_arbitration(host, diag);
		if (r)
			goto fail_disable;
	}
	if (opts->aer) {
		r = nvmesim_host_aer_arm(host);
		if (r) {
			nvmesim_diag_set(diag, "cannot post an Asynchronous Event Request: "
					 "error %d", r);
			goto fail_disable;
		}
	}
	*out = host;
	return 0;

fail_disable:
	/* Stop the controller before its queues' memory goes away (§3.5.2). */
	(void)host_disable(host, host->cc, NULL);
fail_free:
	host_free(host);
	return r;
}

/* host_shutdown - normal shutdown (§3.6.1): CC.SHN=01b, wait CSTS.SHST=10b; 0 or -errno */
static int host_shutdown(struct nvmesim_host *host, struct nvmesim_diag *diag)
{
	uint64_t timeout = NVMESIM_HOST_SHUTDOWN_NS, rtd3e;
	uint32_t csts;
	int r;

	/* Linux: RTD3E if it is longer than the default, capped at 60 s. */
	rtd3e = (uint64_t)host->id_ctrl.rtd3e * 1000u;
	if (rtd3e > timeout)
		timeout = NVMESIM_MIN(rtd3e, NVMESIM_HOST_SHUTDOWN_MAX_NS);
	nvmesim_end_write32(host->end, NVMESIM_REG_CC,
			    host->cc | NVMESIM_CC_EN_MASK |
			    (uint32_t)NVMESIM_FIELD_SET(NVMESIM_CC_SHN_NORMAL, CC_SHN));
	r = host_wait_csts(host, NVMESIM_CSTS_SHST_MASK << NVMESIM_CSTS_SHST_SHIFT,
			   NVMESIM_SHST_COMPLETE << NVMESIM_CSTS_SHST_SHIFT, true, timeout, &csts);
	if (r == -ETIMEDOUT)
		nvmesim_diag_set(diag, "shutdown did not complete: CSTS.SHST=%u (expected 10b) "
				 "%" PRIu64 " ms after CC.SHN=01b (RTD3E=%" PRIu32 " us; "
				 "NVMe 2.0 §3.6.1)",
				 (unsigned int)NVMESIM_FIELD_GET(csts, CSTS_SHST),
				 timeout / 1000000u, host->id_ctrl.rtd3e);
	else if (r == -EIO)
		nvmesim_diag_set(diag, "controller fatal status (CSTS.CFS=1) during shutdown "
				 "(CSTS=0x%08" PRIx32 ")", csts);
	else if (r == -ENODEV)
		nvmesim_diag_set(diag, "CSTS reads 0xffffffff: the device is gone");
	return r;
}

/* nvmesim_host_close - delete I/O queues, shut down, free; 0 or -errno (freed anyway) */
int nvmesim_host_close(struct nvmesim_host *host, struct nvmesim_diag *diag)
{
	unsigned int q;
	int r;

	if (!host)
		return 0;
	host->closing = true;
	nvmesim_host_cpu(host, 0);
	r = nvmesim_host_check_fatal(host);
	if (r == 0) {
		/* §3.6.1: delete I/O SQs first, then their CQs, then shut down. */
		for (q = host->nr_io; q >= 1; q--)
			(void)nvmesim_host_delete_queue(host, (uint16_t)q, false);
		for (q = host->nr_io; q >= 1; q--)
			(void)nvmesim_host_delete_queue(host, (uint16_t)q, true);
		host->nr_io = 0;
		r = host_shutdown(host, diag);
	} else if (r == -EIO) {
		/* A failed controller is reset rather than shut down (Linux
		 * nvme_should_reset()). */
		nvmesim_diag_set(diag, "controller fatal status (CSTS.CFS=1) at close; "
				 "reset (CC.EN=0) instead of shutdown");
		(void)host_disable(host, host->cc, NULL);
	} else {
		nvmesim_diag_set(diag, "CSTS reads 0xffffffff at close: the device is gone");
	}
	host_free(host);
	return r;
}

/* nvmesim_host_end - the end given to nvmesim_host_open() */
struct nvmesim_end *nvmesim_host_end(struct nvmesim_host *host)
{
	return host->end;
}

/* nvmesim_host_id_ctrl - the Identify Controller data read at bring-up */
const struct nvmesim_id_ctrl *nvmesim_host_id_ctrl(const struct nvmesim_host *host)
{
	return &host->id_ctrl;
}

/* nvmesim_host_id_ns - Identify Namespace data of active @nsid, or NULL */
const struct nvmesim_id_ns *nvmesim_host_id_ns(const struct nvmesim_host *host, uint32_t nsid)
{
	unsigned int i;

	for (i = 0; i < host->nr_ns; i++) {
		if (host->nsids[i] == nsid)
			return &host->id_ns[i];
	}
	return NULL;
}

/* nvmesim_host_nr_io_queues - the number of I/O queue pairs created */
unsigned int nvmesim_host_nr_io_queues(const struct nvmesim_host *host)
{
	return host->nr_io;
}

/* nvmesim_host_stats - copy the conversation counters of @host into @out */
void nvmesim_host_stats(const struct nvmesim_host *host, struct nvmesim_host_stats *out)
{
	if (!out)
		return;
	if (!host) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = host->stats;
}

/* nvmesim_host_hugepages - whether host memory is in 2 MiB hugepages */
bool nvmesim_host_hugepages(const struct nvmesim_host *host)
{
	return host && host->hm && nvmesim_hostmem_huge(host->hm);
}

/* nvmesim_host_dma_alloc - page-aligned zeroed host memory, or NULL when exhausted */
void *nvmesim_host_dma_alloc(struct nvmesim_host *host, size_t len)
{
	if (!host)
		return NULL;
	return nvmesim_hostmem_alloc(host->hm, len);
}

/* nvmesim_host_dma_sink - tell the end the host will not read what the device writes to
 * @len bytes of host memory at @buf (@on), or will again (!@on); 0 or -errno */
int nvmesim_host_dma_sink(struct nvmesim_host *host, void *buf, size_t len, int on)
{
	return nvmesim_end_dma_sink(host->end, nvmesim_hostmem_iova(host->hm, buf), len, on);
}

/* nvmesim_host_dma_free - return memory from nvmesim_host_dma_alloc() */
void nvmesim_host_dma_free(struct nvmesim_host *host, void *buf)
{
	if (host)
		nvmesim_hostmem_free(host->hm, buf);
}
