/* SPDX-License-Identifier: MIT */
/*
 * queues.c - the host's queue pairs: submit, ring, reap, wait.
 *
 * Submission and announcement are separate steps (libvfn nvme_sq_post /
 * nvme_sq_update_tail, Linux bd->last): nvmesim_host_submit() copies a command
 * into the SQ and nvmesim_host_ring() writes the tail doorbell once for all
 * commands posted since.  Completions are taken by phase tag (NVMe 2.0 §4.6:
 * a CQE is new when its phase tag equals the expected one, which inverts at
 * each wrap); each CQE's SQ Head Pointer frees SQ slots, and one CQ head
 * doorbell write per reap returns the consumed entries (Linux nvme_poll_cq).
 * The I/O CQs may follow another head doorbell policy (nvmesim_host_set_cqdb:
 * per CQE, capped reaps as SPDK's, or lazy writes that still never let the
 * controller see a full CQ).
 *
 * Waiting lets the controller end run (virtual time for the simulator).  With
 * interrupts the vector that fired names the CQ to reap (vector 0 is the
 * admin CQ, vector q the CQ of I/O queue q); polled queues are reaped after
 * every wait.  A wait that ends with nothing checks CSTS.CFS so a dead
 * controller becomes -EIO instead of a hang.
 *
 * The host reports its CPU work to the end, so a timing model can charge it
 * (DESIGN.md contract 2): before working on a queue it names the CPU serving
 * it (nvmesim_host_qid_cpu()), then one NVMESIM_WORK_SUBMIT per command posted,
 * one NVMESIM_WORK_REAP per CQE consumed, one NVMESIM_WORK_IRQ per interrupt
 * taken and one NVMESIM_WORK_POLL per poll that found nothing.  The same
 * places count the conversation (nvmesim_host_stats()), for the host and for
 * each queue pair.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/host-internal.h"

/* nvmesim_host_qp_alloc - rings (zeroed, page aligned) and tags for queue pair @qid */
int nvmesim_host_qp_alloc(struct nvmesim_host *host, uint16_t qid, uint16_t entries, bool ien,
			  uint16_t vector)
{
	struct nvmesim_host_qp *qp = &host->qps[qid];
	struct nvmesim_end *end = host->end;
	unsigned int i;

	memset(qp, 0, sizeof(*qp));
	qp->sq_mem = nvmesim_hostmem_alloc(host->hm, (size_t)entries * sizeof(struct nvmesim_sqe));
	qp->cq_mem = nvmesim_hostmem_alloc(host->hm, (size_t)entries * sizeof(struct nvmesim_cqe));
	qp->nr_tags = (uint16_t)(entries - 1u);
	qp->reqs = calloc(qp->nr_tags, sizeof(*qp->reqs));
	if (!qp->sq_mem || !qp->cq_mem || !qp->reqs) {
		nvmesim_host_qp_free(host, qid);
		return -ENOMEM;
	}
	for (i = 0; i < qp->nr_tags; i++) {
		qp->reqs[i].prp.lists = qp->reqs[i].prp.inline_lists;
		qp->reqs[i].prp.cap_lists = NVMESIM_HOST_PRP_INLINE;
	}
	qp->entries = entries;
	qp->ien = ien;
	qp->vector = vector;
	qp->cpu = nvmesim_host_qid_cpu(host, qid);
	nvmesim_hsq_init(&qp->sq, qid, qp->sq_mem, nvmesim_hostmem_iova(host->hm, qp->sq_mem),
			 entries, nvmesim_end_doorbell(end, qid, 0));
	nvmesim_hcq_init(&qp->cq, qid, qp->cq_mem, nvmesim_hostmem_iova(host->hm, qp->cq_mem),
			 entries, nvmesim_end_doorbell(end, qid, 1));
	return 0;
}

/* nvmesim_host_qp_free - release rings, PRP lists of commands still in flight, and tags */
void nvmesim_host_qp_free(struct nvmesim_host *host, uint16_t qid)
{
	struct nvmesim_host_qp *qp = &host->qps[qid];
	unsigned int i;

	if (qp->reqs) {
		for (i = 0; i < qp->nr_tags; i++)
			nvmesim_host_prp_release(host->hm, &qp->reqs[i].prp);
	}
	free(qp->reqs);
	nvmesim_hostmem_free(host->hm, qp->sq_mem);
	nvmesim_hostmem_free(host->hm, qp->cq_mem);
	memset(qp, 0, sizeof(*qp));
}

/* host_qp - the queue pair @qid if it exists (admin always, I/O once created), else NULL */
static struct nvmesim_host_qp *host_qp(struct nvmesim_host *host, uint16_t qid)
{
	if (qid > host->nr_io || qid >= host->nr_qps || !host->qps[qid].reqs)
		return NULL;
	return &host->qps[qid];
}

/* host_get_tag - a free CID, searched round robin so CIDs cycle; -1 when all are in use.
 * With fewer commands in flight than tags the next one is usually free: O(1) per command,
 * and no division (this runs once per I/O). */
static int host_get_tag(struct nvmesim_host_qp *qp)
{
	unsigned int i, t = qp->next_tag;

	if (qp->inflight >= qp->nr_tags)
		return -1;
	for (i = 0; i < qp->nr_tags; i++) {
		if (t >= qp->nr_tags)
			t = 0;
		if (!qp->reqs[t].busy) {
			qp->next_tag = (uint16_t)(t + 1 < qp->nr_tags ? t + 1 : 0);
			return (int)t;
		}
		t++;
	}
	return -1;
}

static void host_cq_lazy(struct nvmesim_host *host, struct nvmesim_host_qp *qp);

/* nvmesim_host_submit_tag - post @cmd on SQ @qid with a fresh CID and data pointer; 0,
 * -EINVAL, -EBUSY or -ENOMEM; the CID in @cid */
int nvmesim_host_submit_tag(struct nvmesim_host *host, uint16_t qid,
			    const struct nvmesim_sqe *cmd, void *buf, size_t len,
			    nvmesim_io_done_fn done, void *arg, uint16_t *cid)
{
	struct nvmesim_host_qp *qp = host_qp(host, qid);
	struct nvmesim_host_req *req;
	struct nvmesim_sqe *sqe;
	int tag, err;

	if (!qp || !cmd || (len && !buf))
		return -EINVAL;
	nvmesim_host_cpu(host, qp->cpu);
	tag = host_get_tag(qp);
	if (tag < 0)
		return -EBUSY;
	/* a free tag means a free SQ entry (at most entries - 1 tags), checked anyway */
	if (nvmesim_ring_full(&qp->sq.r))
		return -EBUSY;
	req = &qp->reqs[tag];
	/* Build the entry in its slot: the slot is the host's until the tail doorbell
	 * announces it, so a failure below leaves nothing behind. */
	sqe = &qp->sq.sqes[qp->sq.r.tail];
	*sqe = *cmd;
	sqe->cid = (uint16_t)tag;
	/* Without data the caller's PRP fields stay: raw commands (Doorbell Buffer
	 * Config, hand-made queue creation) carry their own pointers. */
	if (len) {
		err = nvmesim_host_prp_build(host->hm, host->page_size, buf, len, &req->prp);
		if (err)
			return err;
		sqe->flags &= (uint8_t)~0xc0u; /* PSDT 00b: PRPs (§4.2) */
		sqe->prp1 = req->prp.prp1;
		sqe->prp2 = req->prp.prp2;
	}
	qp->sq.r.tail = nvmesim_ring_next(&qp->sq.r, qp->sq.r.tail);
	req->busy = true;
	req->done = done;
	req->arg = arg;
	qp->inflight++;
	host->stats.commands++;
	qp->stats.commands++;
	/* one more CQE to come: lazy head updates must still leave it room */
	if (qid && host->cqdb == NVMESIM_CQDB_LAZY)
		host_cq_lazy(host, qp);
	nvmesim_end_host_work(host->end, NVMESIM_WORK_SUBMIT, 1);
	if (cid)
		*cid = (uint16_t)tag;
	return 0;
}

/* nvmesim_host_submit - post one command without ringing; 0, -EINVAL, -EBUSY or -ENOMEM */
int nvmesim_host_submit(struct nvmesim_host *host, uint16_t qid, const struct nvmesim_sqe *cmd,
			void *buf, size_t len, nvmesim_io_done_fn done, void *arg)
{
	if (!host)
		return -EINVAL;
	return nvmesim_host_submit_tag(host, qid, cmd, buf, len, done, arg, NULL);
}

/* host_shadowed - whether queue pair @qid's doorbells go through the shadow buffer */
static inline bool host_shadowed(const struct nvmesim_host *host, uint16_t qid)
{
	return host->dbs && (qid || host->shadow_admin);
}

/*
 * host_shadow_write - store @new_v into the shadow slot of @qid's SQ (@cq 0)
 * or CQ and read its EventIdx; whether the MMIO doorbell must be written too.
 * NVMe 2.0 §5.8 leaves the test to the host: Linux uses virtio's
 * vring_need_event (MMIO only if the EventIdx lies in [old, new)), SPDK and
 * libvfn also ring when new == EventIdx.
 */
static bool host_shadow_write(struct nvmesim_host *host, uint16_t qid, int cq, uint16_t new_v,
			      uint16_t old_v)
{
	unsigned int slot = (2u * qid + (unsigned int)cq) * host->db_stride;
	uint16_t ei;

	/* (Linux puts a full barrier between the store and the EventIdx read; the
	 * controller here runs in this thread, so program order is enough) */
	host->dbs[slot] = new_v;
	ei = (uint16_t)host->eis[slot];
	nvmesim_end_host_work(host->end, NVMESIM_WORK_SHADOW, 1);
	if (host->shadow == NVMESIM_SHADOW_SPDK)
		return (uint16_t)(new_v - ei) <= (uint16_t)(new_v - old_v);
	return (uint16_t)(new_v - ei - 1u) < (uint16_t)(new_v - old_v);
}

/* nvmesim_host_ring - write SQ @qid's tail doorbell (or its shadow, NVMe 2.0 §5.8) if it moved;
 * 1 if published, else 0 */
int nvmesim_host_ring(struct nvmesim_host *host, uint16_t qid)
{
	struct nvmesim_host_qp *qp = host ? host_qp(host, qid) : NULL;

	if (!qp || qp->sq.r.tail == qp->sq.db_tail)
		return 0;
	nvmesim_host_cpu(host, qp->cpu);
	if (host_shadowed(host, qid)) {
		host->stats.sq_shadow++;
		qp->stats.sq_shadow++;
		if (!host_shadow_write(host, qid, 0, qp->sq.r.tail, qp->sq.db_tail)) {
			qp->sq.db_tail = qp->sq.r.tail;
			return 1;
		}
	}
	nvmesim_hsq_ring(&qp->sq, host->end);
	host->stats.sq_doorbells++;
	qp->stats.sq_doorbells++;
	return 1;
}

/* host_complete - retire the command named by @cqe on queue pair @qp and call its callback */
static void host_complete(struct nvmesim_host *host, struct nvmesim_host_qp *qp,
			  const struct nvmesim_cqe *cqe)
{
	struct nvmesim_host_qp *sqp;
	struct nvmesim_host_req *req;
	nvmesim_io_done_fn done;
	void *arg;

	/* §4.6: SQHD tells which SQ entries the controller has consumed.  Our
	 * pairs are 1:1, but trust the SQ Identifier the controller reported. */
	sqp = cqe->sqid == qp->sq.qid ? qp : host_qp(host, cqe->sqid);
	if (sqp)
		nvmesim_hsq_update_head(&sqp->sq, cqe->sqhd);
	/* A CID we never issued (or one completed twice) is the controller's
	 * bug; drop the entry rather than corrupt another command's state. */
	if (!sqp || cqe->cid >= sqp->nr_tags || !sqp->reqs[cqe->cid].busy)
		return;
	req = &sqp->reqs[cqe->cid];
	done = req->done;
	arg = req->arg;
	/* (most commands have no PRP list: skip the call) */
	if (req->prp.nr_lists || req->prp.lists != req->prp.inline_lists)
		nvmesim_host_prp_release(host->hm, &req->prp);
	req->busy = false;
	req->done = NULL;
	req->arg = NULL;
	sqp->inflight--;
	if (done) {
		host->cb_depth++;
		done(arg, cqe);
		host->cb_depth--;
	}
}

/* nvmesim_host_set_cqdb - CQ head doorbell policy @mode (K @k) for the I/O CQs */
void nvmesim_host_set_cqdb(struct nvmesim_host *host, enum nvmesim_host_cqdb mode,
			   unsigned int k)
{
	host->cqdb = mode;
	host->cqdb_k = k ? k : 1u;
}

/* host_cq_ring - write @qp's CQ head doorbell if it moved, counting it */
static void host_cq_ring(struct nvmesim_host *host, struct nvmesim_host_qp *qp)
{
	nvmesim_host_cpu(host, qp->cpu);
	if (host_shadowed(host, qp->cq.qid) && qp->cq.r.head != qp->cq.db_head) {
		host->stats.cq_shadow++;
		qp->stats.cq_shadow++;
		if (!host_shadow_write(host, qp->cq.qid, 1, qp->cq.r.head, qp->cq.db_head)) {
			qp->cq.db_head = qp->cq.r.head;
			return;
		}
	}
	if (nvmesim_hcq_ring(&qp->cq, host->end)) {
		host->stats.cq_doorbells++;
		qp->stats.cq_doorbells++;
	}
}

/*
 * host_cq_lazy - "lazy:K": ring once K consumed entries are unannounced, or
 * when the unannounced entries plus the commands that may still complete
 * into the CQ (one CQE each, our pairs are 1:1) reach entries - 1, the point
 * at which the controller would see the CQ full (NVMe 2.0 §4.3.1: full when
 * the tail is one behind the head it was told).
 */
static void host_cq_lazy(struct nvmesim_host *host, struct nvmesim_host_qp *qp)
{
	unsigned int size = qp->cq.r.size;
	unsigned int unann = (unsigned int)(qp->cq.r.head + size - qp->cq.db_head) % size;

	if (unann && (unann >= host->cqdb_k || unann + qp->inflight + 1u >= size))
		host_cq_ring(host, qp);
}

/* nvmesim_host_reap - consume up to @max new CQEs of CQ @qid, one head doorbell; count */
int nvmesim_host_reap(struct nvmesim_host *host, uint16_t qid, unsigned int max)
{
	struct nvmesim_host_qp *qp = host ? host_qp(host, qid) : NULL;
	enum nvmesim_host_cqdb cqdb;
	const struct nvmesim_cqe *p;
	struct nvmesim_cqe cqe;
	unsigned int cap;
	int n = 0;

	if (!qp || qp->reaping)
		return 0;
	cqdb = qid ? host->cqdb : NVMESIM_CQDB_PER_REAP;
	if (cqdb == NVMESIM_CQDB_CAPPED) {
		/* SPDK max_completions_cap, "so that the completion queue
		 * doorbells don't wrap around" */
		cap = qp->entries / 4u;
		cap = cap < 1 ? 1 : cap > 128 ? 128 : cap;
		if (max == 0 || max > cap)
			max = cap;
	}
	qp->reaping = true;
	while (max == 0 || (unsigned int)n < max) {
		p = nvmesim_hcq_peek(&qp->cq);
		if (!p)
			break;
		/* Copy first: once popped (and the head announced) the slot is the
		 * controller's again. */
		cqe = *p;
		nvmesim_hcq_pop(&qp->cq);
		n++;
		/* A callback may have submitted on another CPU's queue. */
		nvmesim_host_cpu(host, qp->cpu);
		nvmesim_end_host_work(host->end, NVMESIM_WORK_REAP, 1);
		if (cqdb == NVMESIM_CQDB_PER_CQE)
			host_cq_ring(host, qp);
		host_complete(host, qp, &cqe);
	}
	if (n) {
		if (cqdb == NVMESIM_CQDB_LAZY)
			host_cq_lazy(host, qp);
		else
			host_cq_ring(host, qp);
		host->stats.reaps++;
		host->stats.cqes += (unsigned int)n;
		qp->stats.reaps++;
		qp->stats.cqes += (unsigned int)n;
	}
	qp->reaping = false;
	return n;
}

/* nvmesim_host_poll - reap polled CQ @qid, charging an empty poll if nothing was there;
 * returns the CQEs consumed */
int nvmesim_host_poll(struct nvmesim_host *host, uint16_t qid)
{
	struct nvmesim_host_qp *qp = host_qp(host, qid);
	int n;

	if (!qp)
		return 0;
	host->stats.poll_calls++;
	qp->stats.poll_calls++;
	n = nvmesim_host_reap(host, qid, 0);
	if (n == 0 && !qp->reaping) {
		nvmesim_host_cpu(host, qp->cpu);
		nvmesim_end_host_work(host->end, NVMESIM_WORK_POLL, 1);
		host->stats.polls++;
		qp->stats.polls++;
	}
	return n;
}

/* host_reap_all - reap every CQ; @polled_only limits it to CQs without interrupts, and
 * counts (and charges) the polls that find nothing */
static int host_reap_all(struct nvmesim_host *host, bool polled_only)
{
	unsigned int q;
	int n = 0;

	for (q = 0; q <= host->nr_io; q++) {
		if (polled_only && host->qps[q].ien)
			continue;
		if (polled_only)
			n += nvmesim_host_poll(host, (uint16_t)q);
		else
			n += nvmesim_host_reap(host, (uint16_t)q, 0);
	}
	return n;
}

/* host_irq_reap - an interrupt handler's reaping of CQ @qid: until it is empty (Linux
 * nvme_irq), in calls of at most the cap under the capped policy, each with its own head
 * doorbell, so nothing is left behind for an interrupt that may never come; CQEs consumed */
static int host_irq_reap(struct nvmesim_host *host, uint16_t qid)
{
	int n = 0, m;

	do {
		m = nvmesim_host_reap(host, qid, 0);
		n += m;
	} while (m > 0 && qid && host->cqdb == NVMESIM_CQDB_CAPPED);
	return n;
}

/* nvmesim_host_irq - take vector @vec's interrupt on its queue's CPU and reap its CQs */
int nvmesim_host_irq(struct nvmesim_host *host, uint32_t vec)
{
	unsigned int q;
	int n = 0;

	/* Vector v serves I/O queue v (vector 0 the admin queue), so its CPU is
	 * that queue's. */
	nvmesim_host_cpu(host, nvmesim_host_qid_cpu(host, vec));
	nvmesim_end_host_work(host->end, NVMESIM_WORK_IRQ, 1);
	host->stats.interrupts++;
	if (vec <= host->nr_io)
		host->qps[vec].stats.interrupts++;
	if (vec <= host->nr_io && host->qps[vec].ien && host->qps[vec].vector == vec)
		return host_irq_reap(host, (uint16_t)vec);
	for (q = 0; q <= host->nr_io; q++) {
		if (host->qps[q].ien && host->qps[q].vector == vec)
			n += host_irq_reap(host, (uint16_t)q);
	}
	return n;
}

/* nvmesim_host_check_fatal - -EIO when CSTS.CFS=1, -ENODEV when CSTS reads all ones, else 0 */
int nvmesim_host_check_fatal(struct nvmesim_host *host)
{
	uint32_t csts = nvmesim_end_read32(host->end, NVMESIM_REG_CSTS);

	/* Linux nvme_should_reset(): all ones means the device left the bus. */
	if (csts == UINT32_MAX)
		return -ENODEV;
	if (NVMESIM_FIELD_GET(csts, CSTS_CFS))
		return -EIO;
	return 0;
}

/* host_wait - one wait of up to @timeout_ns then a reap; CQEs consumed, or -errno; CSTS is
 * read on an empty wait only when @check_cfs */
static int host_wait(struct nvmesim_host *host, uint64_t timeout_ns, bool check_cfs)
{
	struct nvmesim_end *end = host->end;
	uint64_t now = nvmesim_end_now(end), deadline, left;
	uint32_t vec = 0;
	int n, r;

	deadline = now + timeout_ns < now ? UINT64_MAX : now + timeout_ns;
	n = host_reap_all(host, true);
	if (n)
		return n;
	for (;;) {
		now = nvmesim_end_now(end);
		left = deadline > now ? deadline - now : 0;
		r = nvmesim_end_wait(end, left, &vec);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		n = nvmesim_host_irq(host, vec) + host_reap_all(host, true);
		if (n)
			return n;
		/* A vector whose CQ an earlier reap already emptied: keep waiting. */
		if (left == 0)
			break;
	}
	/* Timed out: look at every CQ anyway, as Linux's timeout handler does
	 * (nvme_poll_irqdisable), in case an interrupt was lost. */
	n = host_reap_all(host, false);
	if (n || !check_cfs)
		return n;
	return nvmesim_host_check_fatal(host);
}

/* nvmesim_host_wait - let the device run up to @timeout_ns and reap; CQEs, 0 or -errno */
int nvmesim_host_wait(struct nvmesim_host *host, uint64_t timeout_ns)
{
	if (!host)
		return -EINVAL;
	return host_wait(host, timeout_ns, true);
}

/* struct exec_ctx - where a synchronous command's completion lands */
struct exec_ctx {
	bool done;               /* completion arrived */
	struct nvmesim_cqe cqe;  /* its CQE */
};

/* exec_done - completion callback of nvmesim_host_exec() */
static void exec_done(void *arg, const struct nvmesim_cqe *cqe)
{
	struct exec_ctx *x = arg;

	x->cqe = *cqe;
	x->done = true;
}

/* host_abandon - forget the waiter of CID @cid on @qid (its stack frame is going away) */
static void host_abandon(struct nvmesim_host *host, uint16_t qid, uint16_t cid)
{
	struct nvmesim_host_req *req = &host->qps[qid].reqs[cid];

	req->done = NULL;
	req->arg = NULL;
}

/* nvmesim_host_forget - clear callback @done from the commands in flight; how many */
unsigned int nvmesim_host_forget(struct nvmesim_host *host, nvmesim_io_done_fn done)
{
	struct nvmesim_host_req *req;
	unsigned int q, t, n = 0;

	for (q = 0; q < host->nr_qps; q++) {
		for (t = 0; host->qps[q].reqs && t < host->qps[q].nr_tags; t++) {
			req = &host->qps[q].reqs[t];
			if (req->busy && req->done == done) {
				req->done = NULL;
				req->arg = NULL;
				n++;
			}
		}
	}
	return n;
}

/* nvmesim_host_exec - submit, ring and wait for one command; 15-bit status or -errno */
int nvmesim_host_exec(struct nvmesim_host *host, uint16_t qid, const struct nvmesim_sqe *cmd,
		      void *buf, size_t len, struct nvmesim_cqe *cqe)
{
	struct exec_ctx x;
	uint64_t now, deadline, last_check, slice;
	uint16_t cid;
	bool polled;
	int r;

	if (!host)
		return -EINVAL;
	/* Waiting would reap the very CQ whose callback is running. */
	if (host->cb_depth)
		return -EDEADLK;
	memset(&x, 0, sizeof(x));
	r = nvmesim_host_submit_tag(host, qid, cmd, buf, len, exec_done, &x, &cid);
	if (r)
		return r;
	nvmesim_host_ring(host, qid);
	polled = !host->qps[qid].ien;
	now = nvmesim_end_now(host->end);
	deadline = now + NVMESIM_HOST_CMD_TIMEOUT_NS;
	last_check = now;
	while (!x.done) {
		now = nvmesim_end_now(host->end);
		if (now >= deadline) {
			host_abandon(host, qid, cid);
			r = nvmesim_host_check_fatal(host);
			return r ? r : -ETIMEDOUT;
		}
		slice = deadline - now;
		/* A polled queue is looked at every microsecond; CSTS only every
		 * millisecond, so the register log is not flooded. */
		if (polled && slice > NVMESIM_HOST_IO_POLL_NS)
			slice = NVMESIM_HOST_IO_POLL_NS;
		r = host_wait(host, slice, !polled || now - last_check >= 1000000u);
		if (r < 0) {
			host_abandon(host, qid, cid);
			return r;
		}
		if (polled && now - last_check >= 1000000u)
			last_check = now;
	}
	if (cqe)
		*cqe = x.cqe;
	return NVMESIM_CQE_STATUS(&x.cqe);
}
