/* SPDX-License-Identifier: MIT */
/*
 * runner.c - the workload runner's loop and its measurements; the doorbell
 * and completion policies it applies are in policies.c.
 *
 * The loop alternates two steps until every source is done.  In an issue
 * pass each source posts what is due (a closed-loop job refills its depth,
 * an open-loop job posts the arrivals whose time has come, the explicit
 * operations post until one must wait), and the SQ doorbell policy decides
 * when the tail doorbell is written.  Then the completion policy lets the end
 * run until something completes or the earliest future arrival is due.  This
 * is how fio drives an engine: getevents, then queue new I/Os, then commit.
 *
 * Policies are small strategy objects, so later issues add strategies
 * (shadow doorbells, coalescing, hybrid polling) without touching the loop:
 *  - SQ doorbell: "per-command" writes the tail after every command (Linux
 *    when each request is the last of its batch, SPDK's default);
 *    "batch" writes it once per queue per issue pass (Linux bd->last,
 *    libvfn nvme_sq_update_tail); "deferred" at the next completion wait
 *    or poll (SPDK delay_cmd_submit); "every:K" once K wait.  All of them
 *    write it when entries - 1 wait (Linux's next_tail == last_sq_tail).
 *  - CQ doorbell: per-reap, per-cqe, capped, lazy:K, carried out by
 *    nvmesim_host_reap() (host/queues.c); the runner only picks it.
 *  - completion: "interrupt" (CQs with IEN=1, one MSI-X vector per queue;
 *    the host waits for a vector and reaps that queue), "poll" (IEN=0; the
 *    host looks at its busy CQs, then lets the device run one poll slice)
 *    or "hybrid:NS" (interrupts, then polling that CQ for NS).
 *
 * Measurement.  Every I/O's slat/clat/lat go into its job's histograms of
 * its direction.  The in-flight integral (for mean occupancy, Little's law)
 * is kept exactly: each issue and each completion changes the count at its
 * own time, and a change dated before the last one (an open-loop arrival
 * that waited for a slot, or a CPU whose clock is behind another's) adds or
 * removes the area it makes since then.  So the integral equals the sum of
 * the I/Os' total latencies, and mean in-flight = IOPS x mean latency holds
 * by construction of what "in flight" means: from issue to reap.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/settings.h"
#include "host/runner-internal.h"

/* nvmesim_run_now - the end's time on @q's CPU (CPU 0 for NULL) */
uint64_t nvmesim_run_now(struct nvmesim_runner *r, struct nvmesim_run_queue *q)
{
	if (r->host)
		nvmesim_host_cpu(r->host, q ? q->cpu : 0);
	return nvmesim_end_now(r->end);
}

/* nvmesim_run_message - one line to on_message */
void nvmesim_run_message(struct nvmesim_runner *r, const char *fmt, ...)
{
	char line[640];
	va_list ap;

	if (!r->cfg->on_message)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->cfg->on_message(r->cfg->arg, line);
}

/* nvmesim_run_expect_failed - count an expectation that did not hold and say where */
void nvmesim_run_expect_failed(struct nvmesim_runner *r, unsigned int line, const char *what)
{
	r->res->expect_failures++;
	nvmesim_run_message(r, "%s:%u: %s", r->path, line, what);
}

/* nvmesim_run_ns_shift - LBA size shift of active namespace @nsid and its size in @nsze; 0
 * when it is not active */
unsigned int nvmesim_run_ns_shift(struct nvmesim_runner *r, uint32_t nsid, uint64_t *nsze)
{
	const struct nvmesim_id_ns *id = r->host ? nvmesim_host_id_ns(r->host, nsid) : NULL;
	unsigned int ds;

	if (nsze)
		*nsze = 0;
	if (!id)
		return 0;
	ds = id->lbaf[id->flbas & 0xfu].ds;
	if (ds < 9 || ds > 16)
		return 0;
	if (nsze)
		*nsze = id->nsze;
	return ds;
}

/* nvmesim_run_io_cmd - fill @cmd (and @buf) for I/O @op; the bytes of @buf to transfer */
size_t nvmesim_run_io_cmd(struct nvmesim_sqe *cmd, enum nvmesim_io_op op, uint32_t nsid,
			  uint64_t slba, uint32_t nlb, unsigned int lba_shift, void *buf)
{
	struct nvmesim_dsm_range *range;
	uint8_t *b = buf;
	uint32_t i;

	switch (op) {
	case NVMESIM_IO_READ:
		nvmesim_cmd_rw(cmd, NVMESIM_NVM_READ, nsid, slba, nlb);
		return (size_t)nlb << lba_shift;
	case NVMESIM_IO_WRITE:
		/* A deterministic payload that differs per block, without a pass
		 * over the data: the LBA in each block's first 8 bytes over the
		 * slot's fixed fill pattern. */
		for (i = 0; i < nlb; i++) {
			uint64_t lba = slba + i;

			memcpy(b + ((size_t)i << lba_shift), &lba, sizeof(lba));
		}
		nvmesim_cmd_rw(cmd, NVMESIM_NVM_WRITE, nsid, slba, nlb);
		return (size_t)nlb << lba_shift;
	case NVMESIM_IO_TRIM:
		/* NVM CS §3.2.3: one range, Attribute Deallocate (CDW11 bit 2),
		 * NR 0's based in CDW10. */
		range = buf;
		range->cattr = 0;
		range->nlb = nlb;
		range->slba = slba;
		memset(cmd, 0, sizeof(*cmd));
		cmd->opcode = NVMESIM_NVM_DSM;
		cmd->nsid = nsid;
		cmd->cdw11 = 1u << 2;
		return sizeof(*range);
	case NVMESIM_IO_FLUSH:
		memset(cmd, 0, sizeof(*cmd));
		cmd->opcode = NVMESIM_NVM_FLUSH;
		cmd->nsid = nsid;
		return 0;
	case NVMESIM_IO_WRITE_ZEROES:
		nvmesim_cmd_rw(cmd, NVMESIM_NVM_WRITE_ZEROES, nsid, slba, nlb);
		return 0;
	}
	return 0;
}

/* nvmesim_run_slots_init - @depth idle slots for @src, all on its free list */
int nvmesim_run_slots_init(struct nvmesim_run_src *src, unsigned int depth)
{
	unsigned int i;

	src->slots = calloc(depth, sizeof(*src->slots));
	if (!src->slots)
		return -ENOMEM;
	src->depth = depth;
	for (i = 0; i < depth; i++) {
		src->slots[i].src = src;
		src->slots[i].next_free = i + 1 < depth ? i + 1 : NVMESIM_RUN_NO_SLOT;
	}
	src->free_head = 0;
	return 0;
}

/* area_move - move in-flight count @n by @d at end time @t, keeping its integral @area up
 * to @last exact */
static inline void area_move(uint64_t *area, uint64_t *last, uint64_t *n, uint64_t t, int d)
{
	if (t >= *last) {
		*area += *n * (t - *last);
		*last = t;
	} else if (d > 0) {
		/* in flight since @t already: the area it made since then */
		*area += *last - t;
	} else {
		/* gone since @t: take back what it was counted for after that */
		*area -= *last - t;
	}
	*n = d > 0 ? *n + 1 : *n - 1;
}

/* run_area - move the in-flight count of the run and of queue @q by @d at end time @t */
static inline void run_area(struct nvmesim_runner *r, struct nvmesim_run_queue *q, uint64_t t,
			    int d)
{
	area_move(&r->area, &r->area_last, &r->inflight, t, d);
	area_move(&q->area, &q->area_last, &q->ios, t, d);
}

/* nvmesim_run_ring - write @q's SQ tail doorbell and stamp the commands it announced */
void nvmesim_run_ring(struct nvmesim_runner *r, struct nvmesim_run_queue *q)
{
	uint64_t t;
	unsigned int i;

	nvmesim_host_ring(r->host, q->qid);
	t = nvmesim_run_now(r, q);
	for (i = 0; i < q->nr_posted; i++)
		q->posted[i]->submit_ns = t;
	q->nr_posted = 0;
}

/* run_io_error - tell about a failed I/O without an expect:, the first few per source */
static void run_io_error(struct nvmesim_runner *r, struct nvmesim_run_slot *s, uint16_t status)
{
	struct nvmesim_run_src *src = s->src;
	char where[300];

	if (src->errors_told >= 3)
		return;
	if (s->line)
		snprintf(where, sizeof(where), "%s:%u", r->path, s->line);
	else
		snprintf(where, sizeof(where), "job '%s'", src->st->name);
	src->errors_told++;
	nvmesim_run_message(r, "%s: %s at LBA %" PRIu64 " failed: %s (status 0x%03x)%s", where,
			    nvmesim_io_op_name((enum nvmesim_io_op)s->op), s->slba,
			    nvmesim_status_str(status), (unsigned int)NVMESIM_STATUS_CODE(status),
			    src->errors_told == 3 ? "; further errors are counted only" : "");
}

/* run_check_status - compare a completion's status with the slot's expect: (DNR, More and
 * CRD ignored, as the trace language says) */
static void run_check_status(struct nvmesim_runner *r, struct nvmesim_run_slot *s,
			     uint16_t status)
{
	uint16_t got = NVMESIM_STATUS_CODE(status);
	uint16_t want = NVMESIM_STATUS_CODE(s->expect_status);
	const char *en = nvmesim_status_str(want);
	const char *gn = nvmesim_status_str(got);
	static const char *const be[NVMESIM_TRACE_BACKENDS] = { "sim", "vfio" };
	char what[320], note[80];

	if (got == want)
		return;
	/* on another backend, say whose value was expected: its recorded departure or the
	 * spec's answer (the map form of expect:, ops.c) */
	note[0] = '\0';
	if (r->backend != NVMESIM_TRACE_BACKEND_SIM)
		snprintf(note, sizeof(note), s->expect_status & NVMESIM_RUN_EXPECT_ALT ?
			 " for %s (its recorded departure)" :
			 " (the spec's answer; no departure recorded for %s)", be[r->backend]);
	else if (s->expect_status & NVMESIM_RUN_EXPECT_MAP)
		snprintf(note, sizeof(note), " for sim (the spec's answer)");
	snprintf(what, sizeof(what), "expected %s (0x%03x)%s, got %s (0x%03x)",
		 strcmp(en, "Unknown Status") ? en : "status", (unsigned int)want, note,
		 strcmp(gn, "Unknown Status") ? gn : "status", (unsigned int)got);
	nvmesim_run_expect_failed(r, s->line, what);
}

/*
 * run_iv_reset - empty the interval histogram, as nvmesim_hist_init() would:
 * only buckets from that of its smallest value to that of its largest can be
 * non-zero (the bucket index grows with the value), so only they are
 * cleared; the whole table is 37 KB and a replay empties it a thousand times
 * per simulated second.
 */
static void run_iv_reset(struct nvmesim_hist *h)
{
	unsigned int lo, hi;

	if (!h->count)
		return;
	lo = nvmesim_hist_index(h->min);
	hi = nvmesim_hist_index(h->max);
	memset(&h->buckets[lo], 0, (size_t)(hi - lo + 1) * sizeof(h->buckets[0]));
	h->count = 0;
	h->min = UINT64_MAX;
	h->max = 0;
	h->sum = 0;
	h->mean = 0;
	h->m2 = 0;
}

/* run_iv_flush - emit the time-series rows of every interval that ended at or before @t */
static void run_iv_flush(struct nvmesim_runner *r, uint64_t t)
{
	struct nvmesim_interval iv;

	while (t >= r->iv_end) {
		iv.start_ns = r->iv_end - r->iv_ns - r->t0;
		iv.end_ns = r->iv_end - r->t0;
		iv.ios = r->iv_ios;
		iv.bytes = r->iv_bytes;
		iv.mean_ns = r->iv_ios ? (double)r->iv_hist->sum / (double)r->iv_hist->count : 0;
		iv.p99_ns = r->iv_ios ? nvmesim_hist_percentile(r->iv_hist, 99.0) : 0;
		r->cfg->on_interval(r->cfg->arg, &iv);
		run_iv_reset(r->iv_hist);
		r->iv_ios = 0;
		r->iv_bytes = 0;
		r->iv_end += r->iv_ns;
	}
}

/*
 * run_done - the completion callback of every runner command: timestamps and
 * histograms for an I/O, the expectation for an operation that has one, and
 * the slot back to its source.  This is the per-I/O hot path: no allocation,
 * no search.
 */
static void run_done(void *arg, const struct nvmesim_cqe *cqe)
{
	struct nvmesim_run_slot *s = arg;
	struct nvmesim_run_src *src = s->src;
	struct nvmesim_runner *r = src->r;
	uint16_t status = NVMESIM_CQE_STATUS(cqe);
	struct nvmesim_dir_stats *ds;
	uint64_t now, lat;

	r->completions++;
	src->inflight--;
	r->queues[s->qid].inflight--;
	if (s->expect)
		run_check_status(r, s, status);
	if (s->verify && !status)
		nvmesim_run_verify_check(r, s);
	if (s->dir != NVMESIM_RUN_DIR_NONE) {
		/* the CQ's CPU set by the reap: the CPU the SQ is served by */
		now = nvmesim_end_now(r->end);
		if (now < s->submit_ns)
			now = s->submit_ns;
		lat = now - s->issue_ns;
		ds = &src->st->dir[s->dir];
		nvmesim_hist_add(&ds->slat, s->submit_ns - s->issue_ns);
		nvmesim_hist_add(&ds->clat, now - s->submit_ns);
		nvmesim_hist_add(&ds->lat, lat);
		ds->ios++;
		if (status) {
			ds->errors++;
			if (!s->expect)
				run_io_error(r, s, status);
		} else {
			ds->bytes += s->bytes;
		}
		if (now > src->st->end_ns)
			src->st->end_ns = now;
		if (now > r->last_done)
			r->last_done = now;
		run_area(r, &r->queues[s->qid], now, -1);
		if (r->iv_ns) {
			if (now >= r->iv_end)
				run_iv_flush(r, now);
			r->iv_ios++;
			r->iv_bytes += status ? 0 : s->bytes;
			nvmesim_hist_add_counts(r->iv_hist, lat);   /* mean from sum: no m2 */
		}
		if ((++r->ios & (NVMESIM_RUN_PROGRESS_IOS - 1)) == 0 && r->cfg->on_progress)
			r->cfg->on_progress(r->cfg->arg, now - r->t0, r->ios);
	}
	nvmesim_run_slot_put(s);
}

/* nvmesim_run_submit - post one command of slot @s on @q issued at @issue_ns; 0 or -errno */
int nvmesim_run_submit(struct nvmesim_runner *r, struct nvmesim_run_queue *q,
		       struct nvmesim_run_slot *s, const struct nvmesim_sqe *cmd, void *buf,
		       size_t len, uint64_t issue_ns)
{
	struct nvmesim_run_src *src = s->src;
	int err;

	/* Defensive: the posted list holds what the queue's sources can have in
	 * flight, so it cannot fill; if it ever does, announce what is there. */
	if (q->nr_posted == q->cap_posted)
		nvmesim_run_ring(r, q);
	err = nvmesim_host_submit(r->host, q->qid, cmd, len ? buf : NULL, len, run_done, s);
	if (err)
		return err;
	s->issue_ns = issue_ns;
	s->submit_ns = issue_ns;
	s->qid = q->qid;
	q->posted[q->nr_posted++] = s;
	q->inflight++;
	src->inflight++;
	if (s->dir != NVMESIM_RUN_DIR_NONE) {
		run_area(r, q, issue_ns, 1);
		if (!r->any_io || issue_ns < r->first_issue)
			r->first_issue = issue_ns;
		r->any_io = true;
		if (!src->started || issue_ns < src->st->start_ns)
			src->st->start_ns = issue_ns;
		src->started = true;
	}
	/* Linux nvme_write_sq_db(): ring when the next entry would make the tail
	 * catch up with the last value written, so the un-announced backlog never
	 * fills the queue whatever the policy. */
	if (q->nr_posted + 1u >= r->host->qps[q->qid].entries)
		nvmesim_run_ring(r, q);
	else
		r->sqp->posted(r, q);
	return 0;
}

/* nvmesim_run_fail - put a message in the run's diag; returns @err */
int nvmesim_run_fail(struct nvmesim_runner *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->diag) {
		va_start(ap, fmt);
		vsnprintf(r->diag->msg, sizeof(r->diag->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* nvmesim_runner_nr_jobs - generator jobs plus one for explicit operations */
unsigned int nvmesim_runner_nr_jobs(const struct nvmesim_trace_settings *set)
{
	return set->nr_jobs + (set->has_ops ? 1u : 0u);
}

/* run_pages - bytes of @n whole 4 KiB pages holding @len bytes each */
static size_t run_pages(size_t n, uint64_t len)
{
	return n * (size_t)NVMESIM_ALIGN_UP(len ? len : 1, NVMESIM_HOSTMEM_PAGE);
}

/* run_prp_pages - PRP list pages one command of @len bytes needs at most (§4.1.1: 511
 * entries and a chain pointer per 4 KiB list page) */
static size_t run_prp_pages(uint64_t len)
{
	uint64_t pages = NVMESIM_ALIGN_UP(len, NVMESIM_HOSTMEM_PAGE) / NVMESIM_HOSTMEM_PAGE + 1;

	return pages <= 2 ? 0 : (size_t)((pages + 510) / 511);
}

/* nvmesim_runner_hostmem_bytes - host memory a run of @set needs */
size_t nvmesim_runner_hostmem_bytes(const struct nvmesim_trace_settings *set,
				    unsigned int queues, unsigned int entries)
{
	size_t bytes = 16u << 20;   /* admin queues, Identify, AER, slack for fragmentation */
	unsigned int i, depth;

	bytes += (queues + 1u) * (run_pages(1, (uint64_t)entries * 64u) +
				  run_pages(1, (uint64_t)entries * 16u));
	for (i = 0; i < set->nr_jobs; i++) {
		depth = set->jobs[i].iodepth ? set->jobs[i].iodepth : 1u;
		bytes += run_pages(depth, set->jobs[i].bs);
		bytes += depth * run_prp_pages(set->jobs[i].bs) * NVMESIM_HOSTMEM_PAGE;
	}
	if (set->has_ops) {
		depth = set->ops_iodepth ? set->ops_iodepth : 1u;
		bytes += depth * ((size_t)NVMESIM_RUN_OPS_BUF_BYTES +
				  (run_prp_pages(NVMESIM_RUN_OPS_BUF_BYTES) + 1) *
				  NVMESIM_HOSTMEM_PAGE);
		bytes += 2 * (size_t)NVMESIM_RUN_OPS_MAX_BYTES + NVMESIM_RUN_OPS_SINK_BYTES;
	}
	return bytes;
}

/* run_queues_init - the runner's view of the admin and I/O queues; 0 or -ENOMEM */
static int run_queues_init(struct nvmesim_runner *r)
{
	unsigned int q;

	if (!r->host)
		return 0;
	r->nr_queues = nvmesim_host_nr_io_queues(r->host) + 1u;
	r->queues = calloc(r->nr_queues, sizeof(*r->queues));
	if (!r->queues)
		return -ENOMEM;
	for (q = 0; q < r->nr_queues; q++) {
		r->queues[q].qid = (uint16_t)q;
		r->queues[q].cpu = nvmesim_host_qid_cpu(r->host, q);
	}
	return 0;
}

/* run_posted_init - room in each queue's posted list for what its sources can have in
 * flight (explicit operations may use any queue); 0 or -ENOMEM */
static int run_posted_init(struct nvmesim_runner *r)
{
	unsigned int q, i, cap;

	for (q = 0; q < r->nr_queues; q++) {
		cap = 0;
		for (i = 0; i < r->nr_srcs; i++)
			if (!r->srcs[i].q || r->srcs[i].q == &r->queues[q])
				cap += r->srcs[i].depth;
		r->queues[q].cap_posted = cap ? cap : 1u;
		r->queues[q].posted = calloc(r->queues[q].cap_posted,
					     sizeof(*r->queues[q].posted));
		if (!r->queues[q].posted)
			return -ENOMEM;
	}
	return 0;
}

/* run_free - release everything the runner holds (commands still in flight are detached
 * from their slots first) */
static void run_free(struct nvmesim_runner *r)
{
	unsigned int i;

	if (r->host)
		(void)nvmesim_host_forget(r->host, run_done);
	for (i = 0; i < r->nr_srcs; i++) {
		if (r->srcs[i].fini)
			r->srcs[i].fini(&r->srcs[i]);
		free(r->srcs[i].slots);
	}
	free(r->srcs);
	for (i = 0; i < r->nr_queues; i++)
		free(r->queues[i].posted);
	free(r->queues);
	free(r->iv_hist);
	free(r);
}

/*
 * run_start - the start of the workload: the latest clock among the host CPUs
 * the queues use (bring-up kept CPU 0 busy while the others idled), after
 * letting the end run up to it, so that every CPU's clock reads at least t0
 * and no I/O is issued before the workload starts; returns t0.
 */
static uint64_t run_start(struct nvmesim_runner *r)
{
	unsigned int q, cpu = 0;
	uint64_t t, t0 = nvmesim_run_now(r, NULL);
	uint32_t vec;

	if (!r->host)
		return t0;
	for (q = 1; q < r->nr_queues; q++) {
		t = nvmesim_run_now(r, &r->queues[q]);
		if (t > t0) {
			t0 = t;
			cpu = r->queues[q].cpu;
		}
	}
	nvmesim_host_cpu(r->host, cpu);
	/* A zero wait on the latest CPU lets the end's own time catch up with
	 * it; an interrupt due on the way (an admin completion) is taken. */
	while (nvmesim_end_wait(r->end, 0, &vec) == 1)
		(void)nvmesim_host_irq(r->host, vec);
	return t0;
}

/* run_loop - issue passes and waits until every source is done; 0 or -errno */
static int run_loop(struct nvmesim_runner *r)
{
	struct nvmesim_run_src *src;
	uint64_t next;
	unsigned int i, q;
	bool all_done;
	int err;

	for (;;) {
		if (r->cfg->stop && *r->cfg->stop)
			return nvmesim_run_fail(r, -EINTR, "interrupted");
		next = UINT64_MAX;
		all_done = true;
		for (i = 0; i < r->nr_srcs; i++) {
			src = &r->srcs[i];
			if (src->done)
				continue;
			err = src->issue(src, &next);
			if (err)
				return err;
			all_done &= src->done;
		}
		for (q = 0; q < r->nr_queues; q++)
			if (r->queues[q].nr_posted)
				r->sqp->pass_done(r, &r->queues[q]);
		if (all_done)
			return 0;
		/* Every source waits for a completion or a time; with neither in
		 * sight the loop would never end. */
		if (next == UINT64_MAX && !nvmesim_run_busy(r))
			return nvmesim_run_fail(r, -EIO, "internal error: the runner has nothing "
						"in flight and nothing due");
		err = r->cqp->wait(r, next);
		if (err)
			return err;
	}
}

/* run_queue_results - the per-queue counters of the run into @r->res (left out when there is
 * no memory for them: they are a detail of the run, not worth failing it) */
static void run_queue_results(struct nvmesim_runner *r)
{
	const struct nvmesim_host_stats *a, *b;
	struct nvmesim_queue_counters *qc;
	struct nvmesim_run_queue *q;
	unsigned int i;

	if (!r->nr_queues)
		return;
	r->res->queues = calloc(r->nr_queues, sizeof(*r->res->queues));
	if (!r->res->queues)
		return;
	r->res->nr_queues = r->nr_queues;
	for (i = 0; i < r->nr_queues; i++) {
		q = &r->queues[i];
		qc = &r->res->queues[i];
		a = &q->hs0;
		b = &r->host->qps[i].stats;
		qc->qid = q->qid;
		qc->commands = b->commands - a->commands;
		qc->sq_doorbells = b->sq_doorbells - a->sq_doorbells;
		qc->cq_doorbells = b->cq_doorbells - a->cq_doorbells;
		qc->interrupts = b->interrupts - a->interrupts;
		qc->reaps = b->reaps - a->reaps;
		qc->cqes = b->cqes - a->cqes;
		qc->polls = b->poll_calls - a->poll_calls;
		qc->idle_polls = b->polls - a->polls;
		qc->inflight_ns = (double)q->area;
		qc->sq_shadow = b->sq_shadow - a->sq_shadow;
		qc->cq_shadow = b->cq_shadow - a->cq_shadow;
	}
}

/* run_results - fill the counters and times of @r->res after the run */
static void run_results(struct nvmesim_runner *r, const struct nvmesim_host_stats *hs0,
			uint64_t mr0, uint64_t mw0, uint64_t end_ns)
{
	struct nvmesim_results *res = r->res;
	struct nvmesim_host_stats hs;
	unsigned int i;

	memset(&hs, 0, sizeof(hs));
	if (r->host)
		nvmesim_host_stats(r->host, &hs);
	res->counters.mmio_reads = r->end->mmio_reads - mr0;
	res->counters.mmio_writes = r->end->mmio_writes - mw0;
	res->counters.sq_doorbells = hs.sq_doorbells - hs0->sq_doorbells;
	res->counters.cq_doorbells = hs.cq_doorbells - hs0->cq_doorbells;
	res->counters.sq_shadow = hs.sq_shadow - hs0->sq_shadow;
	res->counters.cq_shadow = hs.cq_shadow - hs0->cq_shadow;
	res->counters.interrupts = hs.interrupts - hs0->interrupts;
	res->counters.reaps = hs.reaps - hs0->reaps;
	res->counters.cqes = hs.cqes - hs0->cqes;
	res->counters.commands = hs.commands - hs0->commands;
	res->counters.inflight_ns = (double)r->area;
	res->counters.polls = hs.poll_calls - hs0->poll_calls;
	res->counters.idle_polls = hs.polls - hs0->polls;
	run_queue_results(r);
	if (r->any_io)
		res->sim_time_ns = r->last_done - r->first_issue;
	else
		res->sim_time_ns = end_ns > r->t0 ? end_ns - r->t0 : 0;
	for (i = 0; i < r->nr_srcs; i++) {
		struct nvmesim_job_stats *st = r->srcs[i].st;

		if (r->srcs[i].started) {
			st->start_ns -= r->t0;
			st->end_ns = st->end_ns > r->t0 ? st->end_ns - r->t0 : 0;
		} else {
			st->start_ns = 0;
			st->end_ns = 0;
		}
	}
}

/* run_shadow - host.shadow_doorbell: Doorbell Buffer Config once the I/O queues exist (NVMe
 * 2.0 §5.8); 0 or -errno with r->diag */
static int run_shadow(struct nvmesim_runner *r, const struct nvmesim_trace_settings *set)
{
	int mode = nvmesim_run_find_shadow(set->host.shadow_doorbell);
	int err;

	if (mode <= NVMESIM_SHADOW_OFF)
		return 0;
	err = nvmesim_host_set_shadow(r->host, (enum nvmesim_host_shadow)mode,
				      !strcmp(set->host.shadow_admin, "on"));
	if (err == -EOPNOTSUPP)
		return nvmesim_run_fail(r, -EINVAL, "%s: host.shadow_doorbell: %s: the controller "
					"does not support Doorbell Buffer Config (Identify OACS "
					"bit 8 clear, NVMe 2.0 §5.8)", r->path,
					set->host.shadow_doorbell);
	if (err > 0)
		return nvmesim_run_fail(r, -EIO, "%s: host.shadow_doorbell: Doorbell Buffer "
					"Config failed with status 0x%x", r->path,
					(unsigned int)err);
	if (err < 0)
		return nvmesim_run_fail(r, err, "%s: host.shadow_doorbell: Doorbell Buffer "
					"Config: %s", r->path, strerror(-err));
	return 0;
}

/* run_coalescing - host.coalescing: Set Features Interrupt Coalescing (08h) once the I/O
 * queues exist (NVMe 2.0 §5.27.1, Feature 08h), then Interrupt Vector Configuration (09h) with
 * CD = 1 for host.coalescing_off_queues; 0 or -errno with r->diag */
static int run_coalescing(struct nvmesim_runner *r, const struct nvmesim_trace_settings *set)
{
	const struct nvmesim_host_qp *qp;
	struct nvmesim_sqe cmd;
	unsigned int thr, us;
	unsigned long qid;
	const char *p;
	int err;

	if (!nvmesim_parse_coalescing(set->host.coalescing, &thr, &us))
		return 0;       /* off (the settings were checked before) */
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_SET_FEATURES;
	cmd.cdw10 = NVMESIM_FEAT_IRQ_COALESCE;
	/* THR 7:0 is 0's based, TIME 15:8 in 100 us increments */
	cmd.cdw11 = ((thr - 1u) & 0xffu) | (us / 100u) << 8;
	err = nvmesim_host_exec(r->host, 0, &cmd, NULL, 0, NULL);
	if (err > 0)
		return nvmesim_run_fail(r, -EIO, "%s: host.coalescing: Set Features Interrupt "
					"Coalescing failed with status 0x%x", r->path,
					(unsigned int)err);
	if (err < 0)
		return nvmesim_run_fail(r, err, "%s: host.coalescing: Set Features Interrupt "
					"Coalescing: %s", r->path, strerror(-err));
	/* the opt-outs: Interrupt Vector Configuration (09h) with CD = 1 on each listed
	 * queue's vector, so its completions interrupt at once (NVMe 2.0 §5.27.1, Feature 09h);
	 * polled CQs have no vector to configure */
	for (p = set->host.coalescing_off_queues; nvmesim_run_off_queue_next(&p, &qid);) {
		if (qid > r->host->nr_io)
			return nvmesim_run_fail(r, -EINVAL, "%s: host.coalescing_off_queues: "
						"queue %lu: the controller granted %u I/O queues",
						r->path, qid, r->host->nr_io);
		qp = &r->host->qps[qid];
		if (!qp->ien)
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.opcode = NVMESIM_ADM_SET_FEATURES;
		cmd.cdw10 = NVMESIM_FEAT_IRQ_CONFIG;
		/* IV 15:0, CD (Coalescing Disable) bit 16 */
		cmd.cdw11 = (uint32_t)qp->vector | 1u << 16;
		err = nvmesim_host_exec(r->host, 0, &cmd, NULL, 0, NULL);
		if (err > 0)
			return nvmesim_run_fail(r, -EIO, "%s: host.coalescing_off_queues: Set "
						"Features Interrupt Vector Configuration (vector "
						"%u) failed with status 0x%x", r->path,
						(unsigned int)qp->vector, (unsigned int)err);
		if (err < 0)
			return nvmesim_run_fail(r, err, "%s: host.coalescing_off_queues: Set "
						"Features Interrupt Vector Configuration: %s",
						r->path, strerror(-err));
	}
	return 0;
}

/* run_setup - policies, queues, sources and the time series; 0 or -errno with r->diag */
static int run_setup(struct nvmesim_runner *r, const struct nvmesim_trace_settings *set)
{
	const char *sq = set->host.sq_doorbell[0] ? set->host.sq_doorbell : "per-command";
	unsigned int i, j, k;
	int err, cqdb;

	if (r->host) {
		err = nvmesim_runner_policies(set, NULL, r->diag);
		if (err)
			return err;
		r->sqp = nvmesim_run_find_sq(sq, &r->sq_k);
		cqdb = nvmesim_run_find_cqdb(set->host.cq_doorbell[0] ? set->host.cq_doorbell :
					     "per-reap", &k);
		nvmesim_host_set_cqdb(r->host, (enum nvmesim_host_cqdb)cqdb, k);
		err = run_shadow(r, set);
		if (err)
			return err;
		err = run_coalescing(r, set);
		if (err)
			return err;
		r->cqp = nvmesim_run_find_cq(set->host.completion[0] ? set->host.completion :
					     "interrupt", &r->hybrid_ns);
	} else {
		if (set->nr_jobs)
			return nvmesim_run_fail(r, -EINVAL, "%s: init: manual plays explicit mmio "
						"and wait operations only, but the trace has %u "
						"job%s", r->path, set->nr_jobs,
						set->nr_jobs == 1 ? "" : "s");
		r->sqp = nvmesim_run_find_sq("per-command", NULL);
		r->cqp = &nvmesim_run_cq_manual;
	}
	err = run_queues_init(r);
	if (err)
		return err;
	/* Sources plan their times from the start (runtime, arrivals); the set-up
	 * after this costs no end time. */
	r->t0 = run_start(r);
	r->nr_srcs = nvmesim_runner_nr_jobs(set);
	r->srcs = calloc(r->nr_srcs ? r->nr_srcs : 1u, sizeof(*r->srcs));
	if (!r->srcs)
		return -ENOMEM;
	for (i = 0; i < r->nr_srcs; i++) {
		r->srcs[i].r = r;
		r->srcs[i].st = &r->res->jobs[i];
		r->srcs[i].free_head = NVMESIM_RUN_NO_SLOT;
		for (j = 0; j < NVMESIM_DIRS; j++) {
			nvmesim_hist_init(&r->res->jobs[i].dir[j].slat);
			nvmesim_hist_init(&r->res->jobs[i].dir[j].clat);
			nvmesim_hist_init(&r->res->jobs[i].dir[j].lat);
		}
	}
	for (i = 0; i < set->nr_jobs; i++) {
		err = nvmesim_gen_init(r, &r->srcs[i], i, r->diag);
		if (err)
			return err;
	}
	if (set->has_ops) {
		err = nvmesim_ops_init(r, &r->srcs[set->nr_jobs], r->diag);
		if (err)
			return err;
	}
	err = run_posted_init(r);
	if (err)
		return err;
	if (r->cfg->on_interval && set->interval_ns) {
		r->iv_hist = malloc(sizeof(*r->iv_hist));
		if (!r->iv_hist)
			return -ENOMEM;
		nvmesim_hist_init(r->iv_hist);
		r->iv_ns = set->interval_ns;
	}
	return 0;
}

/* nvmesim_runner_run - play the workload of @cfg into @res; 0 or -errno with @diag */
int nvmesim_runner_run(const struct nvmesim_runner_cfg *cfg, struct nvmesim_results *res,
		       struct nvmesim_diag *diag)
{
	struct nvmesim_host_stats hs0;
	struct nvmesim_runner *r;
	uint64_t mr0, mw0, end_ns;
	unsigned int q;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->cfg = cfg;
	r->end = cfg->end;
	r->host = cfg->host;
	r->res = res;
	r->diag = diag;
	r->path = cfg->path ? cfg->path : nvmesim_trace_path(cfg->trace);
	r->backend = nvmesim_run_backend(cfg->backend);
	err = run_setup(r, cfg->set);
	if (err) {
		if (err == -ENOMEM && diag && !diag->msg[0])
			nvmesim_diag_set(diag, "out of memory setting up the workload");
		goto out;
	}

	memset(&hs0, 0, sizeof(hs0));
	if (r->host)
		nvmesim_host_stats(r->host, &hs0);
	for (q = 0; q < r->nr_queues; q++)
		r->queues[q].hs0 = r->host->qps[q].stats;
	mr0 = r->end->mmio_reads;
	mw0 = r->end->mmio_writes;
	r->area_last = r->t0;
	for (q = 0; q < r->nr_queues; q++)
		r->queues[q].area_last = r->t0;
	r->iv_end = r->t0 + r->iv_ns;

	err = run_loop(r);
	if (err)
		goto out;
	nvmesim_run_summary(r);
	end_ns = nvmesim_run_now(r, NULL);
	if (r->iv_ns) {
		/* Rows up to the last completion; the last one has the interval's
		 * full length, like every other row. */
		uint64_t last = r->any_io ? r->last_done : end_ns;

		if (last >= r->iv_end)
			run_iv_flush(r, last);
		if (r->iv_ios || last > r->iv_end - r->iv_ns)
			run_iv_flush(r, r->iv_end);
	}
	run_results(r, &hs0, mr0, mw0, end_ns);
out:
	run_free(r);
	return err;
}
