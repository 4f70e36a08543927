/* SPDX-License-Identifier: MIT */
/*
 * exec.c - command fetch, arbitration, execution and completion posting
 * (NVMe 2.0 §3.3 queue mechanics, §3.4.2 arbitration, §4.6 completion).
 *
 * A valid SQ tail doorbell write schedules one fetch pass at the current
 * virtual time.  The pass takes commands from the SQs in rounds: the admin SQ
 * first, then the I/O SQs in ascending order, each up to the Arbitration
 * Burst (Feature 01h AB); with CC.AMS = weighted round robin the urgent class
 * is drained first (strict priority) and the high/medium/low classes may start
 * HPW+1/MPW+1/LPW+1 commands per round, shared among their SQs in bursts
 * (exec_fetch_ev).  Each command
 * executes when fetched (this is a functional model: data moves at once) and
 * its completion is posted cmd_delay_ns later.
 *
 * Posting never overwrites an entry the host has not consumed (§3.3.1.2):
 * while a CQ is full its completions wait, in order, and go out when a CQ
 * head doorbell frees room.  A DMA fault fetching an SQE or writing a CQE
 * means the controller cannot even report the error in a CQE, so it sets
 * CSTS.CFS (§3.1.4.6; QEMU nvme_process_sq / nvme_post_cqes do the same).
 *
 * MSI-X: after a post to a CQ with interrupts enabled its vector is asserted.
 * Vectors asserted but not yet delivered by the end's wait are kept once each,
 * in assertion order, the way an eventfd per vector accumulates them (or a
 * local APIC's one request bit per vector).  With interrupt coalescing
 * (Feature 08h) an I/O CQ's vector is asserted only once THR + 1 CQEs are
 * unsignalled on it, or TIME after the first (exec_cq_signal).  Each entry
 * carries the time from which the host can take it: now for the functional
 * model, the arrival of the MSI-X message plus host.irq_latency_ns with a
 * profile.
 *
 * Command structs are recycled through a free list, so steady I/O does not
 * call malloc.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/ctrl.h"

/* Recycled command structs kept at most (beyond that they go back to malloc). */
#define EXEC_CMD_FREE_MAX 4096u

static void exec_cmd_unlink(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd)
{
	if (cmd->prev)
		cmd->prev->next = cmd->next;
	else
		c->cmds = cmd->next;
	if (cmd->next)
		cmd->next->prev = cmd->prev;
	if (c->nr_cmd_free >= EXEC_CMD_FREE_MAX) {
		free(cmd);
		return;
	}
	cmd->next = c->cmd_free;
	c->cmd_free = cmd;
	c->nr_cmd_free++;
}

/* A command struct from the free list or the heap, not initialised (exec_one sets every
 * field: clearing all of it cost more than the rest of taking it); NULL when out of memory. */
static struct nvmesim_ctrl_cmd *exec_cmd_alloc(struct nvmesim_ctrl *c)
{
	struct nvmesim_ctrl_cmd *cmd = c->cmd_free;

	if (!cmd)
		return malloc(sizeof(*cmd));
	c->cmd_free = cmd->next;
	c->nr_cmd_free--;
	return cmd;
}

static void exec_irq(struct nvmesim_ctrl *c, uint16_t iv)
{
	unsigned int nv = c->opts.max_vectors;
	unsigned int slot;

	if (iv >= nv || c->irq_pending[iv])
		return;
	c->irq_pending[iv] = 1;
	slot = c->irq_head + c->irq_nr;   /* both < nv: one wrap at most, no division */
	if (slot >= nv)
		slot -= nv;
	c->irq_fifo[slot] = iv;
	c->irq_time[slot] = c->irq_when_set ? c->irq_when : nvmesim_timing_irq_time(c);
	c->irq_nr++;
}

/* nvmesim_exec_irq_pop - take the oldest asserted vector; 1 and *@vector, or 0 if none */
int nvmesim_exec_irq_pop(struct nvmesim_ctrl *c, uint32_t *vector)
{
	uint16_t iv;

	if (!c->irq_nr)
		return 0;
	iv = c->irq_fifo[c->irq_head];
	c->irq_head = c->irq_head + 1 == c->opts.max_vectors ? 0 : c->irq_head + 1;
	c->irq_nr--;
	c->irq_pending[iv] = 0;
	*vector = iv;
	return 1;
}

/* The aggregation time of vector (@data & 0xffff) ran out (Feature 08h TIME): signal the
 * CQEs still unsignalled, unless a message went out since (generation @data >> 16). */
static void exec_coalesce_ev(void *arg, uint64_t data)
{
	struct nvmesim_ctrl *c = arg;
	uint16_t iv = (uint16_t)(data & 0xffff);

	if (iv >= c->opts.max_vectors || c->coal_gen[iv] != (uint32_t)(data >> 16) ||
	    !c->coal_n[iv])
		return;
	c->coal_n[iv] = 0;
	c->coal_gen[iv]++;
	exec_irq(c, iv);
}

/*
 * A CQE was posted to @cq, which has interrupts enabled: send its vector's
 * MSI-X message now, or aggregate (NVMe 2.0 §5.27.1, Feature 08h Interrupt Coalescing).
 * Coalescing applies when Feature 08h has both THR and TIME non-zero (either
 * one 0 disables it), the CQ is not the admin CQ, and Feature 09h has not set
 * Coalescing Disable for the vector (Feature 09h).  Then the message waits
 * until THR + 1 CQEs (THR is 0's based) are unsignalled on the vector, or
 * until TIME * 100 us have passed since the first of them.  Any message sent
 * on the vector signals all of them (an admin CQ sharing vector 0 included).
 */
static void exec_cq_signal(struct nvmesim_ctrl *c, const struct nvmesim_ctrl_cq *cq)
{
	uint16_t iv = cq->q.iv;
	unsigned int thr = c->feat.coalesce & 0xff;
	unsigned int time = (c->feat.coalesce >> 8) & 0xff;

	if (iv >= c->opts.max_vectors)
		return;
	if (!thr || !time || cq->q.qid == 0 || c->feat.iv_cd[iv]) {
		if (c->coal_n[iv]) {
			c->coal_n[iv] = 0;
			c->coal_gen[iv]++;
		}
		exec_irq(c, iv);
		return;
	}
	if (++c->coal_n[iv] > thr) {
		c->coal_n[iv] = 0;
		c->coal_gen[iv]++;
		exec_irq(c, iv);
		return;
	}
	if (c->coal_n[iv] == 1 &&
	    nvmesim_sched_at(&c->sched, c->sched.now + (uint64_t)time * 100000u,
			     exec_coalesce_ev, c, (uint64_t)c->coal_gen[iv] << 16 | iv)) {
		/* no memory for the timer: do not leave the CQE unsignalled */
		c->coal_n[iv] = 0;
		c->coal_gen[iv]++;
		exec_irq(c, iv);
	}
}

static int exec_cq_post_one(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cq *cq,
			    const struct nvmesim_cqe *cqe)
{
	char why[160];
	int ret;

	if (c->dbbuf)
		nvmesim_db_shadow_cq(c, cq);   /* the host may have consumed entries (§5.8) */
	ret = nvmesim_dcq_post(&cq->q, &c->map, cqe);
	if (ret == -EFAULT) {
		snprintf(why, sizeof(why), "CQ%u entry %u at IOVA 0x%" PRIx64 " is not in mapped "
			 "host memory: completion cannot be posted (NVMe 2.0 §3.1.4.6)",
			 cq->q.qid, cq->q.r.tail, cq->q.iova + (uint64_t)cq->q.r.tail * 16);
		nvmesim_regs_fatal(c, why);
		return ret;
	}
	if (ret)
		return ret;
	if (cq->q.ien)
		exec_cq_signal(c, cq);
	return 0;
}

/* Post @cqe to CQ @cqid, or hold it behind earlier ones while the CQ is full. */
static void exec_post(struct nvmesim_ctrl *c, uint16_t cqid, const struct nvmesim_cqe *cqe)
{
	struct nvmesim_ctrl_cq *cq = c->cq[cqid];
	struct nvmesim_ctrl_pend *p;

	if (!cq || (nvmesim_bar_get32(&c->bar, NVMESIM_REG_CSTS) & 2))
		return;
	if (!cq->pend_head && exec_cq_post_one(c, cq, cqe) != -EAGAIN)
		return;
	p = malloc(sizeof(*p));
	if (!p) {
		nvmesim_regs_fatal(c, "out of memory holding a completion for a full CQ");
		return;
	}
	p->next = NULL;
	p->cqe = *cqe;
	if (cq->pend_tail)
		cq->pend_tail->next = p;
	else
		cq->pend_head = p;
	cq->pend_tail = p;
	cq->nr_pend++;
	if (!cq->stalled_logged) {
		cq->stalled_logged = true;
		nvmesim_ctrl_diag(c, "CQ%u is full (head %u, tail %u, %u entries): completions "
				  "held until the host consumes entries and writes the CQ head "
				  "doorbell (NVMe 2.0 §3.3.1.2)", cq->q.qid, cq->q.r.head,
				  cq->q.r.tail, cq->q.r.size);
	}
}

/* nvmesim_exec_cq_flush - post CQEs held for a full CQ @cq while it has room */
void nvmesim_exec_cq_flush(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cq *cq)
{
	struct nvmesim_ctrl_pend *p;

	while ((p = cq->pend_head)) {
		if (nvmesim_bar_get32(&c->bar, NVMESIM_REG_CSTS) & 2)
			return;
		if (exec_cq_post_one(c, cq, &p->cqe))
			return;
		cq->pend_head = p->next;
		if (!cq->pend_head)
			cq->pend_tail = NULL;
		cq->nr_pend--;
		free(p);
	}
}

static void exec_post_cmd(struct nvmesim_ctrl *c, const struct nvmesim_ctrl_cmd *cmd)
{
	struct nvmesim_ctrl_sq *sq = cmd->sqid <= c->opts.max_queues ? c->sq[cmd->sqid] : NULL;
	struct nvmesim_cqe cqe;

	memset(&cqe, 0, sizeof(cqe));
	cqe.dw0 = cmd->dw0;
	cqe.dw1 = cmd->dw1;
	cqe.sqhd = sq ? sq->q.r.head : 0;
	cqe.sqid = cmd->sqid;
	cqe.cid = cmd->cid;
	cqe.status = (uint16_t)(cmd->status << 1);
	exec_post(c, cmd->cqid, &cqe);
}

/* nvmesim_exec_complete_ev - post command @data's CQE if it still runs, then free it */
void nvmesim_exec_complete_ev(void *arg, uint64_t data)
{
	struct nvmesim_ctrl *c = arg;
	struct nvmesim_ctrl_cmd *cmd = (struct nvmesim_ctrl_cmd *)(uintptr_t)data;

	if (cmd->state == NVMESIM_CMD_RUNNING) {
		if (cmd->timed) {
			/* the model computed when the host can take its interrupt */
			c->irq_when = cmd->t_irq;
			c->irq_when_set = true;
		}
		exec_post_cmd(c, cmd);
		c->irq_when_set = false;
	}
	if (cmd->timed)
		c->inflight--;
	exec_cmd_unlink(c, cmd);
	if (c->fetch_blocked) {
		c->fetch_blocked = false;
		nvmesim_exec_kick(c);
	}
}

/* nvmesim_exec_finish - post @cmd's CQE now with @status and @dw0 and retire it */
void nvmesim_exec_finish(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd, uint16_t status,
			 uint32_t dw0)
{
	enum nvmesim_cmd_state was = cmd->state;

	if (was == NVMESIM_CMD_DEAD)
		return;
	if (was == NVMESIM_CMD_AER_WAIT)
		c->nr_aer--;
	cmd->status = status;
	cmd->dw0 = dw0;
	cmd->dw1 = 0;
	exec_post_cmd(c, cmd);
	cmd->state = NVMESIM_CMD_DEAD;
	/* a running command's completion event frees it; an AER has no event */
	if (was == NVMESIM_CMD_AER_WAIT)
		exec_cmd_unlink(c, cmd);
}

/* nvmesim_exec_find - the live command @cid fetched from SQ @sqid, or NULL */
struct nvmesim_ctrl_cmd *nvmesim_exec_find(struct nvmesim_ctrl *c, uint16_t sqid, uint16_t cid)
{
	struct nvmesim_ctrl_cmd *cmd;

	for (cmd = c->cmds; cmd; cmd = cmd->next)
		if (cmd->state != NVMESIM_CMD_DEAD && cmd->sqid == sqid && cmd->cid == cid)
			return cmd;
	return NULL;
}

/* nvmesim_exec_count - live commands with opcode @opcode from SQ @sqid; returns the count */
unsigned int nvmesim_exec_count(struct nvmesim_ctrl *c, uint16_t sqid, uint8_t opcode)
{
	struct nvmesim_ctrl_cmd *cmd;
	unsigned int n = 0;

	for (cmd = c->cmds; cmd; cmd = cmd->next)
		if (cmd->state != NVMESIM_CMD_DEAD && cmd->sqid == sqid && cmd->opcode == opcode)
			n++;
	return n;
}

/* nvmesim_exec_abort_sq - complete every live command of SQ @sqid with @status */
void nvmesim_exec_abort_sq(struct nvmesim_ctrl *c, uint16_t sqid, uint16_t status)
{
	struct nvmesim_ctrl_cmd *cmd, *next;

	/* oldest first, so the CQEs go out in fetch order */
	for (cmd = c->cmds; cmd && cmd->next; cmd = cmd->next)
		;
	for (; cmd; cmd = next) {
		next = cmd->prev;
		if (cmd->state != NVMESIM_CMD_DEAD && cmd->sqid == sqid)
			nvmesim_exec_finish(c, cmd, status, 0);
	}
}

/* Error log entry and diagnostic for a command that failed (§5.16.1.2). */
static void exec_failed(struct nvmesim_ctrl *c, const struct nvmesim_sqe *sqe, uint16_t sqid,
			uint16_t status, const struct nvmesim_cmd_res *res)
{
	/* aborts are the host's own request, not errors */
	if (NVMESIM_STATUS_CODE(status) == NVMESIM_SC_ABORT_REQ ||
	    NVMESIM_STATUS_CODE(status) == NVMESIM_SC_ABORT_SQ_DELETED)
		return;
	nvmesim_errlog_add(c, sqid, sqe->cid, status, res->param_loc, res->lba, sqe->nsid);
	nvmesim_ctrl_diag(c, "SQ%u CID %u opcode 0x%02x: %s -> %s (SCT %u SC 0x%02x%s)", sqid,
			  sqe->cid, sqe->opcode, res->why[0] ? res->why : "failed",
			  nvmesim_status_str(status),
			  (unsigned int)NVMESIM_FIELD_GET(status, STATUS_SCT),
			  (unsigned int)NVMESIM_FIELD_GET(status, STATUS_SC),
			  (status & NVMESIM_DNR) ? ", DNR" : "");
}

/* Checks every command gets before its command set sees it. */
static uint16_t exec_check_common(const struct nvmesim_sqe *sqe, struct nvmesim_cmd_res *res)
{
	if (sqe->flags & 0x03) {
		snprintf(res->why, sizeof(res->why), "FUSE %u: fused operations are not "
			 "supported (Identify FUSES=0) (NVMe 2.0 §4.2)", sqe->flags & 3);
		res->param_loc = 1;
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	if (sqe->flags & 0xc0) {
		snprintf(res->why, sizeof(res->why), "PSDT %u: only PRPs are supported (Identify "
			 "SGLS=0; admin commands always use PRPs) (NVMe 2.0 §4.2)",
			 (sqe->flags >> 6) & 3);
		res->param_loc = 1 | (6 << 8);
		return NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR;
	}
	return NVMESIM_SC_SUCCESS;
}

/* Set every field of a freshly taken command struct (it is not cleared). */
static inline void exec_cmd_init(struct nvmesim_ctrl_cmd *cmd, uint16_t sqid, uint16_t cqid,
				 const struct nvmesim_sqe *sqe)
{
	cmd->prev = NULL;
	cmd->next = NULL;
	cmd->state = NVMESIM_CMD_RUNNING;
	cmd->sqid = sqid;
	cmd->cqid = cqid;
	cmd->cid = sqe->cid;
	cmd->opcode = sqe->opcode;
	cmd->status = 0;
	cmd->dw0 = 0;
	cmd->dw1 = 0;
	cmd->timed = false;
	cmd->tkind = NVMESIM_TK_NONE;
	cmd->ctrl = NULL;
	cmd->tnext = NULL;
	cmd->chunks = 0;
	cmd->bytes = 0;
	cmd->goff = 0;
	cmd->t_prp = 0;
	cmd->t_ready = 0;
	cmd->t_irq = 0;
}

static void exec_one(struct nvmesim_ctrl *c, uint16_t sqid, const struct nvmesim_sqe *sqe,
		     uint64_t t_arr)
{
	struct nvmesim_ctrl_sq *sq = c->sq[sqid];
	struct nvmesim_ctrl_cmd *cmd;
	struct nvmesim_nvm_ctx ctx;
	struct nvmesim_cmd_res res;
	uint16_t status;

	cmd = exec_cmd_alloc(c);
	if (!cmd) {
		nvmesim_regs_fatal(c, "out of memory tracking a command");
		return;
	}
	exec_cmd_init(cmd, sqid, sq->q.cqid, sqe);
	cmd->next = c->cmds;
	if (c->cmds)
		c->cmds->prev = cmd;
	c->cmds = cmd;

	/* the result fields a handler may leave alone (why[] only matters once set) */
	res.dw0 = 0;
	res.dw1 = 0;
	res.param_loc = 0xffff;
	res.lba = 0;
	res.why[0] = '\0';
	status = exec_check_common(sqe, &res);
	if (status) {
		/* nothing */
	} else if (sqid == 0) {
		memset(&res, 0, sizeof(res));
		res.param_loc = 0xffff;
		status = nvmesim_admin_exec(c, cmd, sqe, &res);
		if (status == NVMESIM_CMD_DEFERRED)
			return;
	} else {
		ctx.map = &c->map;
		ctx.page_size = c->page_size;
		ctx.mdts_bytes = c->opts.mdts ?
			(uint64_t)(1u << (12 + c->opts.mpsmin)) << c->opts.mdts : 0;
		ctx.ns = c->nsp;
		ctx.nn = c->opts.nr_ns;
		ctx.vwc = c->opts.vwc;
		ctx.stats = &c->stats;
		status = nvmesim_nvm_exec(&ctx, sqe, &res);
	}
	if (status)
		exec_failed(c, sqe, sqid, status, &res);
	cmd->status = status;
	cmd->dw0 = res.dw0;
	cmd->dw1 = res.dw1;
	if (c->tm) {
		cmd->timed = true;
		c->inflight++;
		/* on failure complete now; cmd may be freed either way */
		if (nvmesim_timing_start(c, cmd, sqe, t_arr))
			nvmesim_exec_complete_ev(c, (uint64_t)(uintptr_t)cmd);
		return;
	}
	if (nvmesim_sched_at(&c->sched, c->sched.now + c->opts.cmd_delay_ns,
			     nvmesim_exec_complete_ev, c, (uint64_t)(uintptr_t)cmd))
		nvmesim_exec_complete_ev(c, (uint64_t)(uintptr_t)cmd);
}

/*
 * With a profile: how many SQEs of @qid the next device read fetches (at most
 * ctrl.fetch_burst, the SQEs there, @left, and the room under
 * ctrl.max_inflight); 0 when fetching must stop.
 */
static unsigned int exec_fetch_group(struct nvmesim_ctrl *c, uint16_t qid, unsigned int left)
{
	const struct nvmesim_profile_ctrl *pc = &c->opts.profile->ctrl;
	unsigned int k = nvmesim_ring_used(&c->sq[qid]->q.r);

	if (c->inflight >= pc->max_inflight) {
		c->fetch_blocked = true;
		return 0;
	}
	if (k > pc->fetch_burst)
		k = pc->fetch_burst;
	if (k > left)
		k = left;
	if (k > pc->max_inflight - c->inflight)
		k = pc->max_inflight - c->inflight;
	return k;
}

/* Fetch and execute up to @max commands from SQ @qid; returns how many were fetched. */
static unsigned int exec_fetch(struct nvmesim_ctrl *c, uint16_t qid, unsigned int max)
{
	uint64_t t_arr = c->sched.now;
	unsigned int n = 0, group = 0;
	struct nvmesim_sqe sqe;
	char why[160];
	int ret;

	while (n < max && c->sq[qid] && nvmesim_regs_running(c)) {
		if (c->tm && !group) {
			group = exec_fetch_group(c, qid, max - n);
			if (!group)
				break;
			t_arr = nvmesim_timing_fetch(c, group);
		}
		ret = nvmesim_dsq_fetch(&c->sq[qid]->q, &c->map, &sqe);
		if (ret == 0)
			break;
		if (ret < 0) {
			snprintf(why, sizeof(why), "SQ%u entry %u at IOVA 0x%" PRIx64 " is not in "
				 "mapped host memory: command cannot be fetched "
				 "(NVMe 2.0 §3.1.4.6)", qid, c->sq[qid]->q.r.head,
				 c->sq[qid]->q.iova + (uint64_t)c->sq[qid]->q.r.head * 64);
			nvmesim_regs_fatal(c, why);
			break;
		}
		n++;
		if (group)
			group--;
		exec_one(c, qid, &sqe, t_arr);
	}
	return n;
}

/*
 * exec_fetch_sq - exec_fetch() for SQ @qid, which most often holds nothing: a fetch
 * pass looks at every SQ at least twice.  An empty (or absent) SQ is answered here,
 * with the one effect exec_fetch() would have then (noting that fetching is blocked).
 * With shadow doorbells the SQ's tail is re-read from the shadow first.
 */
static inline unsigned int exec_fetch_sq(struct nvmesim_ctrl *c, uint16_t qid, unsigned int max)
{
	struct nvmesim_ctrl_sq *sq = c->sq[qid];
	unsigned int n;

	if (!sq || !max)
		return 0;
	if (c->dbbuf)
		nvmesim_db_shadow_sq(c, sq);   /* new tail from the shadow, EventIdx back (§5.8) */
	if (nvmesim_ring_empty(&sq->q.r)) {
		if (c->tm && c->inflight >= c->opts.profile->ctrl.max_inflight &&
		    nvmesim_regs_running(c))
			c->fetch_blocked = true;
		return 0;
	}
	n = exec_fetch(c, qid, max);
	/* the admin SQ may have created queues or set up shadow doorbells */
	if (!qid || (c->sq[qid] && !nvmesim_ring_empty(&c->sq[qid]->q.r)))
		c->fetch_more = true;
	return n;
}

static unsigned int exec_burst(const struct nvmesim_ctrl *c)
{
	unsigned int ab = c->feat.arb & 7;

	/* §5.27.1, Feature 01h Arbitration: AB 111b means no limit */
	return ab == 7 ? 0xffffffffu : 1u << ab;
}

/* The index in c->sq_ids after SQ @last (wrapping to 0): where a turn that continues
 * after @last starts. */
static unsigned int exec_turn_start(const struct nvmesim_ctrl *c, uint16_t last)
{
	unsigned int i;

	for (i = 0; i < c->nr_sq_ids; i++)
		if (c->sq_ids[i] > last)
			return i;
	return 0;
}

/*
 * One round-robin turn over the I/O SQs of QPRIO class @cls (4: all SQs), each
 * fetching up to NVMESIM_MIN(@burst, *@credit) commands, *@credit going down
 * by what is fetched.  The turn starts after the SQ served last, so that when
 * fetching stops at ctrl.max_inflight and resumes a slot at a time, the SQs
 * take the free slots in turn (as an arbiter that keeps its position does)
 * rather than the lowest QID taking them all.  Returns how many were fetched.
 */
static unsigned int exec_turn(struct nvmesim_ctrl *c, unsigned int cls, unsigned int burst,
			      unsigned int *credit)
{
	unsigned int i, j, k, n = 0, nr = c->nr_sq_ids;

	i = exec_turn_start(c, c->rr_last[cls]);
	for (j = 0; j < nr && *credit; j++, i = i + 1 == nr ? 0 : i + 1) {
		uint16_t qid = c->sq_ids[i];

		if (cls < 4 && c->sq[qid]->q.prio != cls)
			continue;
		k = exec_fetch_sq(c, qid, NVMESIM_MIN(burst, *credit));
		if (k)
			c->rr_last[cls] = qid;
		*credit -= k;
		n += k;
	}
	return n;
}

/*
 * One weighted class of a WRR round (NVMe 2.0 §3.4.2.2): the class may start
 * @credit commands this round (its weight + 1), taken from its SQs in turn,
 * at most @burst at a time from one SQ; returns how many were fetched.
 */
static unsigned int exec_wrr_class(struct nvmesim_ctrl *c, unsigned int cls, unsigned int *credit,
				   unsigned int burst)
{
	unsigned int got, n = 0;

	do {
		got = exec_turn(c, cls, burst, credit);
		n += got;
	} while (got && *credit);
	return n;
}

/*
 * The weighted part of a WRR round: high, medium and low in turn, each
 * until its credit is spent or its SQs are empty.  The position (class and
 * credit left) survives a stop at ctrl.max_inflight, so when slots free one
 * at a time the classes still get their weights' shares.  Returns how many
 * commands were fetched.
 */
static unsigned int exec_wrr_weighted(struct nvmesim_ctrl *c, const unsigned int *weight,
				      unsigned int burst)
{
	unsigned int steps, cls, n = 0;

	for (steps = 0; steps < 3 && !c->fetch_blocked; steps++) {
		cls = c->wrr_cls ? c->wrr_cls : 1;
		if (!c->wrr_credit)
			c->wrr_credit = weight[cls];
		if (c->nr_prio[cls])
			n += exec_wrr_class(c, cls, &c->wrr_credit, burst);
		if (c->wrr_credit && c->fetch_blocked && c->nr_prio[cls]) {
			c->wrr_cls = cls;   /* resume here when a slot frees */
			break;
		}
		c->wrr_cls = cls == 3 ? 1 : cls + 1;
		c->wrr_credit = 0;
	}
	return n;
}

/*
 * A fetch pass, in rounds until nothing more is fetched.  Each round: the
 * admin SQ (one burst); then, with CC.AMS = round robin, one burst from every
 * I/O SQ in turn (§3.4.2.1); with CC.AMS = weighted round robin with urgent
 * priority class (§3.4.2.2), the urgent SQs are drained first (strict
 * priority: in turns of one burst each until they are empty or fetching
 * stops), then the high, medium and low classes get HPW+1, MPW+1 and LPW+1
 * commands (Feature 01h) shared among their SQs in bursts.  When fetching
 * stops at ctrl.max_inflight, the next pass (at the next completion) starts
 * again with the admin SQ and the urgent class, so urgent commands take the
 * first free slots, and then continues the weighted round where it stopped.
 */
static void exec_fetch_ev(void *arg, uint64_t data)
{
	struct nvmesim_ctrl *c = arg;
	unsigned int burst = exec_burst(c);
	unsigned int weight[4], n, u, unlimited;
	bool wrr;

	(void)data;
	c->fetch_scheduled = false;
	c->fetch_blocked = false;   /* found again by this pass if still at ctrl.max_inflight */
	wrr = NVMESIM_FIELD_GET(nvmesim_bar_get32(&c->bar, NVMESIM_REG_CC), CC_AMS) ==
	      NVMESIM_CC_AMS_WRRU;
	if (wrr) {   /* (a pass runs per SQ doorbell: round robin skips this) */
		weight[0] = 0;                                   /* urgent: strict priority */
		weight[1] = ((c->feat.arb >> 24) & 0xff) + 1;    /* high */
		weight[2] = ((c->feat.arb >> 16) & 0xff) + 1;    /* medium */
		weight[3] = ((c->feat.arb >> 8) & 0xff) + 1;     /* low */
	}
	c->fetching = true;
	do {
		c->fetch_again = false;
		c->fetch_more = false;
		n = exec_fetch_sq(c, 0, burst);
		if (!wrr) {
			unlimited = UINT32_MAX;
			n += exec_turn(c, 4, burst, &unlimited);
			/* Round robin without shadow doorbells: a round that left every SQ
			 * empty is the last, as the next would look at empty SQs only and
			 * change nothing (its one effect, noting fetching is blocked, only
			 * starts a pass at the next completion that finds nothing either:
			 * a doorbell rung meanwhile starts its own).  Otherwise (WRR
			 * position, EventIdx writes) the pass ends on a round that
			 * fetched nothing. */
			if (!c->fetch_more && !c->dbbuf)
				n = 0;
			continue;
		}
		if (c->nr_prio[0]) {
			do {
				unlimited = UINT32_MAX;
				u = exec_turn(c, 0, burst, &unlimited);
				n += u;
			} while (u && nvmesim_regs_running(c));
		}
		n += exec_wrr_weighted(c, weight, burst);
	} while ((n || c->fetch_again) && nvmesim_regs_running(c));
	c->fetching = false;
}

/*
 * nvmesim_exec_kick - schedule a fetch pass at the current time (once).  With
 * a profile the pass runs at once: doorbells already arrive as events at
 * their own times (sim.c), so there is no same-instant batch to wait for, and
 * the model saves an event per doorbell.
 */
void nvmesim_exec_kick(struct nvmesim_ctrl *c)
{
	if (c->tm && c->fetching) {
		c->fetch_again = true;   /* a completion inside the pass: go round again */
		return;
	}
	if (c->tm && !c->fetch_scheduled) {
		exec_fetch_ev(c, 0);
		return;
	}
	if (c->fetch_scheduled)
		return;
	if (nvmesim_sched_at(&c->sched, c->sched.now, exec_fetch_ev, c, 0)) {
		exec_fetch_ev(c, 0);
		return;
	}
	c->fetch_scheduled = true;
}

/* nvmesim_exec_sq_new - allocate SQ @qid; 0 or -ENOMEM */
int nvmesim_exec_sq_new(struct nvmesim_ctrl *c, uint16_t qid, uint16_t cqid, uint64_t iova,
			uint16_t size, uint8_t prio)
{
	struct nvmesim_ctrl_sq *sq = calloc(1, sizeof(*sq));
	unsigned int i;

	if (!sq)
		return -ENOMEM;
	nvmesim_dsq_init(&sq->q, qid, cqid, iova, size);
	sq->q.prio = prio;
	sq->shadow_bad = 0xfffffffeu;   /* nothing reported yet */
	c->sq[qid] = sq;
	c->cq[cqid]->nr_sq++;
	if (qid) {
		for (i = c->nr_sq_ids; i > 0 && c->sq_ids[i - 1] > qid; i--)
			c->sq_ids[i] = c->sq_ids[i - 1];
		c->sq_ids[i] = qid;
		c->nr_sq_ids++;
		c->nr_prio[prio & 3]++;
		c->io_queues_created = true;
	}
	return 0;
}

/* nvmesim_exec_cq_new - allocate CQ @qid; 0 or -ENOMEM */
int nvmesim_exec_cq_new(struct nvmesim_ctrl *c, uint16_t qid, uint64_t iova, uint16_t size,
			bool ien, uint16_t iv)
{
	struct nvmesim_ctrl_cq *cq = calloc(1, sizeof(*cq));

	if (!cq)
		return -ENOMEM;
	nvmesim_dcq_init(&cq->q, qid, iova, size, ien, iv);
	cq->shadow_bad = 0xfffffffeu;
	c->cq[qid] = cq;
	if (qid)
		c->io_queues_created = true;
	return 0;
}

/* nvmesim_exec_sq_delete - free SQ @qid (must exist) */
void nvmesim_exec_sq_delete(struct nvmesim_ctrl *c, uint16_t qid)
{
	struct nvmesim_ctrl_sq *sq = c->sq[qid];
	unsigned int i, j;

	if (c->cq[sq->q.cqid])
		c->cq[sq->q.cqid]->nr_sq--;
	for (i = 0, j = 0; i < c->nr_sq_ids; i++)
		if (c->sq_ids[i] != qid)
			c->sq_ids[j++] = c->sq_ids[i];
	if (j < c->nr_sq_ids)
		c->nr_prio[sq->q.prio & 3]--;
	c->nr_sq_ids = j;
	c->sq[qid] = NULL;
	free(sq);
}

/* nvmesim_exec_cq_delete - free CQ @qid (must exist) and completions held for it */
void nvmesim_exec_cq_delete(struct nvmesim_ctrl *c, uint16_t qid)
{
	struct nvmesim_ctrl_cq *cq = c->cq[qid];
	struct nvmesim_ctrl_pend *p, *next;

	for (p = cq->pend_head; p; p = next) {
		next = p->next;
		free(p);
	}
	c->cq[qid] = NULL;
	free(cq);
}

/* Free a command the timing model held in a queue (no event refers to it). */
static void exec_drop(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd)
{
	if (cmd->timed)
		c->inflight--;
	exec_cmd_unlink(c, cmd);
}

/* nvmesim_exec_reset - drop all queues, commands, held CQEs and pending interrupts */
void nvmesim_exec_reset(struct nvmesim_ctrl *c)
{
	struct nvmesim_ctrl_cmd *cmd, *next;
	unsigned int q;

	nvmesim_timing_reset(c, exec_drop);
	for (cmd = c->cmds; cmd; cmd = next) {
		next = cmd->next;
		if (cmd->state == NVMESIM_CMD_AER_WAIT)
			exec_cmd_unlink(c, cmd);   /* no event refers to it */
		else
			cmd->state = NVMESIM_CMD_DEAD;
	}
	c->nr_aer = 0;
	if (c->sq && c->cq) {
		for (q = 0; q <= c->opts.max_queues; q++) {
			if (c->sq[q])
				nvmesim_exec_sq_delete(c, (uint16_t)q);
		}
		for (q = 0; q <= c->opts.max_queues; q++) {
			if (c->cq[q])
				nvmesim_exec_cq_delete(c, (uint16_t)q);
		}
	}
	c->dbbuf = false;               /* a reset ends Doorbell Buffer Config (§5.8) */
	c->nr_sq_ids = 0;
	memset(c->nr_prio, 0, sizeof(c->nr_prio));
	memset(c->rr_last, 0, sizeof(c->rr_last));
	c->wrr_cls = 0;
	c->wrr_credit = 0;
	c->io_queues_created = false;
	if (c->irq_pending)
		memset(c->irq_pending, 0, c->opts.max_vectors);
	if (c->coal_n) {
		/* pending TIME events become stale through the generation */
		for (q = 0; q < c->opts.max_vectors; q++) {
			if (c->coal_n[q])
				c->coal_gen[q]++;
			c->coal_n[q] = 0;
		}
	}
	c->irq_head = 0;
	c->irq_nr = 0;
}

/* nvmesim_exec_fini - free every command (the scheduler must already be finished) */
void nvmesim_exec_fini(struct nvmesim_ctrl *c)
{
	struct nvmesim_ctrl_cmd *cmd, *next;

	for (cmd = c->cmds; cmd; cmd = next) {
		next = cmd->next;
		free(cmd);
	}
	c->cmds = NULL;
	for (cmd = c->cmd_free; cmd; cmd = next) {
		next = cmd->next;
		free(cmd);
	}
	c->cmd_free = NULL;
	c->nr_cmd_free = 0;
}
