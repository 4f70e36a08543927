/* SPDX-License-Identifier: MIT */
/*
 * rawhost.c - the raw host the controller tests drive the simulated
 * controller with (see rawhost.h).  It uses only the controller end, engine
 * host memory and the engine's host-side ring helpers.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/rawhost.h"

#define RH_STEP 100000ull          /* ns per wait while polling */
#define RH_TIMEOUT 1000000000ull   /* default command timeout, 1 s virtual */

static void rh_log_fn(void *arg, const char *line)
{
	struct rawhost *rh = arg;
	size_t n = strlen(line);
	char *p;

	rh->nr_diag++;
	if (rh->log_len + n + 2 > rh->log_cap) {
		size_t cap = (rh->log_cap + n + 2) * 2;

		p = realloc(rh->log, cap);
		if (!p)
			return;
		rh->log = p;
		rh->log_cap = cap;
	}
	memcpy(rh->log + rh->log_len, line, n);
	rh->log_len += n;
	rh->log[rh->log_len++] = '\n';
	rh->log[rh->log_len] = '\0';
}

/* rh_open - open a sim end with @opts and map host memory; 0 or -errno */
int rh_open(struct rawhost *rh, const struct nvmesim_sim_opts *opts)
{
	int ret;

	memset(rh, 0, sizeof(*rh));
	ret = nvmesim_sim_open(&rh->end, opts);
	if (ret)
		return ret;
	nvmesim_end_set_ctrl_log(rh->end, rh_log_fn, rh);
	ret = nvmesim_hostmem_new(&rh->hm, RH_MEM, RH_IOVA);
	if (ret)
		goto fail_end;
	ret = rh->end->ops->dma_map(rh->end, nvmesim_hostmem_base(rh->hm), RH_MEM, RH_IOVA);
	if (ret)
		goto fail_hm;
	return 0;

fail_hm:
	nvmesim_hostmem_destroy(rh->hm);
fail_end:
	nvmesim_end_close(rh->end);
	return ret;
}

/* rh_close - close the end and free host memory */
void rh_close(struct rawhost *rh)
{
	nvmesim_end_close(rh->end);
	nvmesim_hostmem_destroy(rh->hm);
	free(rh->log);
	memset(rh, 0, sizeof(*rh));
}

/* rh_log_clear - forget captured diagnostics */
void rh_log_clear(struct rawhost *rh)
{
	rh->log_len = 0;
	if (rh->log)
		rh->log[0] = '\0';
	rh->nr_diag = 0;
}

/* rh_log_has - whether a captured diagnostic contains @needle */
bool rh_log_has(const struct rawhost *rh, const char *needle)
{
	return rh->log && strstr(rh->log, needle) != NULL;
}

/* rh_r32 - 32-bit BAR read */
uint32_t rh_r32(struct rawhost *rh, uint32_t off)
{
	return nvmesim_end_read32(rh->end, off);
}

/* rh_w32 - 32-bit BAR write */
void rh_w32(struct rawhost *rh, uint32_t off, uint32_t val)
{
	nvmesim_end_write32(rh->end, off, val);
}

/* rh_r64 - 64-bit BAR read */
uint64_t rh_r64(struct rawhost *rh, uint32_t off)
{
	return nvmesim_end_read64(rh->end, off);
}

/* rh_w64 - 64-bit BAR write */
void rh_w64(struct rawhost *rh, uint32_t off, uint64_t val)
{
	nvmesim_end_write64(rh->end, off, val);
}

/* rh_db - doorbell offset; returns it */
uint32_t rh_db(struct rawhost *rh, uint16_t qid, int cq)
{
	return nvmesim_end_doorbell(rh->end, qid, cq);
}

static void rh_wait(struct rawhost *rh, uint64_t ns)
{
	uint32_t v;

	if (nvmesim_end_wait(rh->end, ns, &v) == 1 && rh->nr_irqs < RH_MAXIRQ)
		rh->irqs[rh->nr_irqs++] = v;
}

/* rh_run - let @ns of virtual time pass, recording interrupts */
void rh_run(struct rawhost *rh, uint64_t ns)
{
	uint64_t deadline = nvmesim_end_now(rh->end) + ns;
	uint64_t now;

	while ((now = nvmesim_end_now(rh->end)) < deadline)
		rh_wait(rh, deadline - now);
	rh_wait(rh, 0);
}

/* rh_wait_csts - run until (CSTS & @mask) == @val; 0 or -ETIMEDOUT */
int rh_wait_csts(struct rawhost *rh, uint32_t mask, uint32_t val, uint64_t timeout_ns)
{
	uint64_t deadline = nvmesim_end_now(rh->end) + timeout_ns;

	for (;;) {
		if ((rh_r32(rh, NVMESIM_REG_CSTS) & mask) == val)
			return 0;
		if (nvmesim_end_now(rh->end) >= deadline)
			return -ETIMEDOUT;
		rh_wait(rh, RH_STEP);
	}
}

/* rh_alloc - zeroed page-aligned host memory; NULL when exhausted */
void *rh_alloc(struct rawhost *rh, size_t len)
{
	return nvmesim_hostmem_alloc(rh->hm, len);
}

/* rh_iova - device address of @p */
uint64_t rh_iova(struct rawhost *rh, const void *p)
{
	return nvmesim_hostmem_iova(rh->hm, p);
}

/* rh_admin_setup - allocate admin rings of @entries and program AQA/ASQ/ACQ */
void rh_admin_setup(struct rawhost *rh, uint16_t entries)
{
	void *sq = rh_alloc(rh, (size_t)entries * 64);
	void *cq = rh_alloc(rh, (size_t)entries * 16);

	nvmesim_hsq_init(&rh->sq[0], 0, sq, rh_iova(rh, sq), entries, rh_db(rh, 0, 0));
	nvmesim_hcq_init(&rh->cq[0], 0, cq, rh_iova(rh, cq), entries, rh_db(rh, 0, 1));
	rh->sq_live[0] = true;
	rh->cq_live[0] = true;
	rh_w32(rh, NVMESIM_REG_AQA, (uint32_t)(entries - 1) | ((uint32_t)(entries - 1) << 16));
	rh_w64(rh, NVMESIM_REG_ASQ, rh_iova(rh, sq));
	rh_w64(rh, NVMESIM_REG_ACQ, rh_iova(rh, cq));
}

/* rh_enable - admin rings, CC, EN=1, wait for RDY; 0 or -ETIMEDOUT/-EIO */
int rh_enable(struct rawhost *rh, uint16_t entries)
{
	rh_admin_setup(rh, entries);
	rh_w32(rh, NVMESIM_REG_CC, (6u << 16) | (4u << 20));
	rh_w32(rh, NVMESIM_REG_CC, (6u << 16) | (4u << 20) | 1u);
	if (rh_wait_csts(rh, 3, 1, 10000000000ull))
		return (rh_r32(rh, NVMESIM_REG_CSTS) & 2) ? -EIO : -ETIMEDOUT;
	return 0;
}

/* rh_post - post without ringing; returns the CID (0xffff if the SQ is full) */
uint16_t rh_post(struct rawhost *rh, uint16_t qid, struct nvmesim_sqe *cmd)
{
	if (!cmd->cid) {
		rh->next_cid++;
		if (rh->next_cid == 0 || rh->next_cid == 0xffff)
			rh->next_cid = 1;
		cmd->cid = rh->next_cid;
	}
	if (nvmesim_hsq_post(&rh->sq[qid], cmd))
		return 0xffff;
	return cmd->cid;
}

/* rh_submit - post @cmd on SQ @qid and ring; returns the CID */
uint16_t rh_submit(struct rawhost *rh, uint16_t qid, struct nvmesim_sqe *cmd)
{
	uint16_t cid = rh_post(rh, qid, cmd);

	nvmesim_hsq_ring(&rh->sq[qid], rh->end);
	return cid;
}

/* rh_reap - take the next CQE of CQ @cqid; 0 or -ETIMEDOUT */
int rh_reap(struct rawhost *rh, uint16_t cqid, struct nvmesim_cqe *out, uint64_t timeout_ns)
{
	uint64_t deadline = nvmesim_end_now(rh->end) + timeout_ns;
	const struct nvmesim_cqe *e;

	for (;;) {
		e = nvmesim_hcq_peek(&rh->cq[cqid]);
		if (e) {
			*out = *e;
			nvmesim_hcq_pop(&rh->cq[cqid]);
			if (out->sqid < RH_MAXQ && rh->sq_live[out->sqid])
				nvmesim_hsq_update_head(&rh->sq[out->sqid], out->sqhd);
			nvmesim_hcq_ring(&rh->cq[cqid], rh->end);
			return 0;
		}
		if (nvmesim_end_now(rh->end) >= deadline)
			return -ETIMEDOUT;
		rh_wait(rh, RH_STEP);
	}
}

/* rh_wait_cid - the CQE of (@sqid, @cid) on CQ @cqid; 0 or -ETIMEDOUT */
int rh_wait_cid(struct rawhost *rh, uint16_t cqid, uint16_t sqid, uint16_t cid,
		struct nvmesim_cqe *out, uint64_t timeout_ns)
{
	uint64_t deadline = nvmesim_end_now(rh->end) + timeout_ns;
	struct nvmesim_cqe e;
	unsigned int i;
	uint64_t now;

	for (i = 0; i < rh->nr_stash; i++) {
		if (rh->stash[i].sqid == sqid && rh->stash[i].cid == cid) {
			*out = rh->stash[i];
			memmove(&rh->stash[i], &rh->stash[i + 1],
				(rh->nr_stash - i - 1) * sizeof(rh->stash[0]));
			rh->nr_stash--;
			return 0;
		}
	}
	for (;;) {
		now = nvmesim_end_now(rh->end);
		if (now > deadline || rh_reap(rh, cqid, &e, deadline - now))
			return -ETIMEDOUT;
		if (e.sqid == sqid && e.cid == cid) {
			*out = e;
			return 0;
		}
		if (rh->nr_stash < RH_STASH)
			rh->stash[rh->nr_stash++] = e;
	}
}

/* rh_io - submit @cmd on I/O queue pair @qid (SQ qid -> CQ qid) and wait; status */
uint16_t rh_io(struct rawhost *rh, uint16_t qid, struct nvmesim_sqe *cmd,
	       struct nvmesim_cqe *out)
{
	struct nvmesim_cqe e;
	uint16_t cid = rh_submit(rh, qid, cmd);

	if (rh_wait_cid(rh, qid, qid, cid, &e, RH_TIMEOUT))
		return 0xffff;
	if (out)
		*out = e;
	return NVMESIM_CQE_STATUS(&e);
}

/* rh_cmd - submit @cmd on the admin SQ and wait; status or 0xffff on timeout */
uint16_t rh_cmd(struct rawhost *rh, struct nvmesim_sqe *cmd, struct nvmesim_cqe *out)
{
	return rh_io(rh, 0, cmd, out);
}

/* rh_create_cq - Create I/O CQ @qid (PC=1) and its host ring; status */
uint16_t rh_create_cq(struct rawhost *rh, uint16_t qid, uint16_t entries, bool ien, uint16_t iv)
{
	void *mem = rh_alloc(rh, (size_t)entries * 16);
	struct nvmesim_sqe c = { 0 };
	uint16_t st;

	c.opcode = NVMESIM_ADM_CREATE_CQ;
	c.prp1 = rh_iova(rh, mem);
	c.cdw10 = qid | ((uint32_t)(entries - 1) << 16);
	c.cdw11 = 1u | (ien ? 2u : 0u) | ((uint32_t)iv << 16);
	st = rh_cmd(rh, &c, NULL);
	if (st || qid >= RH_MAXQ) {
		nvmesim_hostmem_free(rh->hm, mem);
		return st;
	}
	nvmesim_hcq_init(&rh->cq[qid], qid, mem, rh_iova(rh, mem), entries, rh_db(rh, qid, 1));
	rh->cq_live[qid] = true;
	return st;
}

/* rh_create_sq - Create I/O SQ @qid on CQ @cqid (PC=1) and its host ring; status */
uint16_t rh_create_sq(struct rawhost *rh, uint16_t qid, uint16_t cqid, uint16_t entries,
		      uint8_t prio)
{
	void *mem = rh_alloc(rh, (size_t)entries * 64);
	struct nvmesim_sqe c = { 0 };
	uint16_t st;

	c.opcode = NVMESIM_ADM_CREATE_SQ;
	c.prp1 = rh_iova(rh, mem);
	c.cdw10 = qid | ((uint32_t)(entries - 1) << 16);
	c.cdw11 = 1u | ((uint32_t)prio << 1) | ((uint32_t)cqid << 16);
	st = rh_cmd(rh, &c, NULL);
	if (st || qid >= RH_MAXQ) {
		nvmesim_hostmem_free(rh->hm, mem);
		return st;
	}
	nvmesim_hsq_init(&rh->sq[qid], qid, mem, rh_iova(rh, mem), entries, rh_db(rh, qid, 0));
	rh->sq_live[qid] = true;
	return st;
}

/* rh_delete_sq - Delete I/O SQ @qid; status */
uint16_t rh_delete_sq(struct rawhost *rh, uint16_t qid)
{
	struct nvmesim_sqe c = { 0 };
	uint16_t st;

	c.opcode = NVMESIM_ADM_DELETE_SQ;
	c.cdw10 = qid;
	st = rh_cmd(rh, &c, NULL);
	if (!st && qid < RH_MAXQ && rh->sq_live[qid]) {
		nvmesim_hostmem_free(rh->hm, rh->sq[qid].sqes);
		rh->sq_live[qid] = false;
	}
	return st;
}

/* rh_delete_cq - Delete I/O CQ @qid; status */
uint16_t rh_delete_cq(struct rawhost *rh, uint16_t qid)
{
	struct nvmesim_sqe c = { 0 };
	uint16_t st;

	c.opcode = NVMESIM_ADM_DELETE_CQ;
	c.cdw10 = qid;
	st = rh_cmd(rh, &c, NULL);
	if (!st && qid < RH_MAXQ && rh->cq_live[qid]) {
		nvmesim_hostmem_free(rh->hm, rh->cq[qid].cqes);
		rh->cq_live[qid] = false;
	}
	return st;
}

/* PRP1/PRP2 for @len bytes at page-aligned @mem (a PRP list when more than 2 pages). */
static void rh_prps(struct rawhost *rh, struct nvmesim_sqe *c, void *mem, size_t len,
		    void **list)
{
	uint64_t iova = rh_iova(rh, mem);
	size_t pages = (len + 4095) / 4096, i;
	uint64_t *l;

	*list = NULL;
	c->prp1 = iova;
	if (pages == 2) {
		c->prp2 = iova + 4096;
	} else if (pages > 2) {
		l = rh_alloc(rh, 4096);
		for (i = 1; i < pages && i <= 512; i++)
			l[i - 1] = iova + 4096 * i;
		c->prp2 = rh_iova(rh, l);
		*list = l;
	}
}

/* rh_identify - Identify @cns for @nsid into @buf; status */
uint16_t rh_identify(struct rawhost *rh, uint8_t cns, uint32_t nsid, void *buf)
{
	void *mem = rh_alloc(rh, 4096);
	struct nvmesim_sqe c = { 0 };
	uint16_t st;

	c.opcode = NVMESIM_ADM_IDENTIFY;
	c.nsid = nsid;
	c.prp1 = rh_iova(rh, mem);
	c.cdw10 = cns;
	st = rh_cmd(rh, &c, NULL);
	if (buf)
		memcpy(buf, mem, 4096);
	nvmesim_hostmem_free(rh->hm, mem);
	return st;
}

/* rh_get_log - Get Log Page into @buf; status */
uint16_t rh_get_log(struct rawhost *rh, uint8_t lid, uint32_t nsid, void *buf, uint32_t len,
		    uint64_t offset, bool rae)
{
	void *mem = rh_alloc(rh, len);
	struct nvmesim_sqe c = { 0 };
	uint32_t numd = len / 4 - 1;
	void *list;
	uint16_t st;

	c.opcode = NVMESIM_ADM_GET_LOG_PAGE;
	c.nsid = nsid;
	rh_prps(rh, &c, mem, len, &list);
	c.cdw10 = lid | (rae ? 1u << 15 : 0) | ((numd & 0xffff) << 16);
	c.cdw11 = numd >> 16;
	c.cdw12 = (uint32_t)offset;
	c.cdw13 = (uint32_t)(offset >> 32);
	st = rh_cmd(rh, &c, NULL);
	if (buf)
		memcpy(buf, mem, len);
	nvmesim_hostmem_free(rh->hm, list);
	nvmesim_hostmem_free(rh->hm, mem);
	return st;
}

/* rh_set_feat - Set Features @fid; status, *@dw0 = result */
uint16_t rh_set_feat(struct rawhost *rh, uint8_t fid, uint32_t cdw11, uint32_t *dw0)
{
	struct nvmesim_sqe c = { 0 };
	struct nvmesim_cqe e;
	uint16_t st;

	c.opcode = NVMESIM_ADM_SET_FEATURES;
	c.cdw10 = fid;
	c.cdw11 = cdw11;
	st = rh_cmd(rh, &c, &e);
	if (dw0)
		*dw0 = st == 0xffff ? 0 : e.dw0;
	return st;
}

/* rh_get_feat - Get Features @fid with select @sel; status, *@dw0 = result */
uint16_t rh_get_feat(struct rawhost *rh, uint8_t fid, unsigned int sel, uint32_t cdw11,
		     uint32_t *dw0)
{
	struct nvmesim_sqe c = { 0 };
	struct nvmesim_cqe e;
	uint16_t st;

	c.opcode = NVMESIM_ADM_GET_FEATURES;
	c.cdw10 = fid | (sel << 8);
	c.cdw11 = cdw11;
	st = rh_cmd(rh, &c, &e);
	if (dw0)
		*dw0 = st == 0xffff ? 0 : e.dw0;
	return st;
}

/* rh_aer - submit an Asynchronous Event Request; returns its CID */
uint16_t rh_aer(struct rawhost *rh)
{
	struct nvmesim_sqe c = { 0 };

	c.opcode = NVMESIM_ADM_ASYNC_EVENT;
	return rh_submit(rh, 0, &c);
}
