/* SPDX-License-Identifier: MIT */
/*
 * policies.c - the runner's doorbell and completion policies: when SQ tail
 * doorbells are written (per-command, batch, deferred, every:K), how
 * completions are waited for (interrupt, poll, hybrid:NS, and the manual
 * host's plain passing of time), and the policy names a trace may give
 * (runner.c describes each policy and where it comes from).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/settings.h"
#include "host/runner-internal.h"

/* sq_nothing - a policy step that does nothing */
static void sq_nothing(struct nvmesim_runner *r, struct nvmesim_run_queue *q)
{
	(void)r;
	(void)q;
}

/* sq_every_posted - "every:K": ring once K commands wait for their doorbell */
static void sq_every_posted(struct nvmesim_runner *r, struct nvmesim_run_queue *q)
{
	if (q->nr_posted >= r->sq_k)
		nvmesim_run_ring(r, q);
}

/*
 * sq_every_pass_done - "every:K" at the end of an issue pass: fewer than K
 * wait; they are announced only when nothing announced is in flight on the
 * queue, since then no completion would ever start another pass and the
 * remainder would wait forever (a closed loop shallower than K, the tail of
 * an open-loop job).
 */
static void sq_every_pass_done(struct nvmesim_runner *r, struct nvmesim_run_queue *q)
{
	if (q->inflight == q->nr_posted)
		nvmesim_run_ring(r, q);
}

/* sq_ring_deferred - "deferred": at a completion poll or wait, announce every queue's
 * posted commands (SPDK rings in spdk_nvme_qpair_process_completions) */
static void sq_ring_deferred(struct nvmesim_runner *r)
{
	unsigned int q;

	if (!r->sqp->deferred)
		return;
	for (q = 0; q < r->nr_queues; q++)
		if (r->queues[q].nr_posted)
			nvmesim_run_ring(r, &r->queues[q]);
}

static const struct nvmesim_run_sq_policy sq_policies[] = {
	{ .name = "per-command", .posted = nvmesim_run_ring, .pass_done = nvmesim_run_ring },
	{ .name = "batch", .posted = sq_nothing, .pass_done = nvmesim_run_ring },
	{ .name = "deferred", .posted = sq_nothing, .pass_done = sq_nothing, .deferred = true },
	{ .name = "every", .posted = sq_every_posted, .pass_done = sq_every_pass_done,
	  .has_k = true },
};

/* nvmesim_run_busy - runner commands in flight on any queue */
unsigned int nvmesim_run_busy(const struct nvmesim_runner *r)
{
	unsigned int q, n = 0;

	for (q = 0; q < r->nr_queues; q++)
		n += r->queues[q].inflight;
	return n;
}

/*
 * run_stalled - a slice went by without a completion although commands are in
 * flight: reap every CQ in case an interrupt was lost (Linux's timeout path,
 * nvme_poll_irqdisable), then look at CSTS; 0 to keep waiting, -EIO on
 * CSTS.CFS, -ETIMEDOUT once nothing completed for the host's command timeout.
 */
static int run_stalled(struct nvmesim_runner *r, uint64_t since, uint64_t now)
{
	unsigned int q;
	int err;

	for (q = 0; q < r->nr_queues; q++)
		(void)nvmesim_host_reap(r->host, (uint16_t)q, 0);
	err = nvmesim_host_check_fatal(r->host);
	if (err == -EIO)
		return nvmesim_run_fail(r, err, "controller fatal status (CSTS.CFS=1) with %u "
					"commands in flight", nvmesim_run_busy(r));
	if (err)
		return nvmesim_run_fail(r, err, "CSTS reads 0xffffffff: the device is gone");
	if (now - since >= NVMESIM_HOST_CMD_TIMEOUT_NS)
		return nvmesim_run_fail(r, -ETIMEDOUT, "no completion for %llu s with %u commands "
					"in flight", NVMESIM_HOST_CMD_TIMEOUT_NS / 1000000000ull,
					nvmesim_run_busy(r));
	return 0;
}

/* struct stall_watch - a wait loop's watch for a controller that stopped completing */
struct stall_watch {
	uint64_t start;   /* runner completions when the wait began */
	uint64_t since;   /* end time when the wait began */
	uint64_t checked; /* when the stall was last checked */
	uint64_t hi;      /* latest CPU clock seen (CPUs' clocks differ) */
};

/* stall_watch_init - start watching; returns the current end time */
static uint64_t stall_watch_init(struct nvmesim_runner *r, struct stall_watch *w)
{
	w->start = r->completions;
	w->since = w->checked = w->hi = nvmesim_end_now(r->end);
	return w->since;
}

/*
 * stall_check - after one wait slice of a cq_wait_*() loop: store the end
 * time in *@now and return 1 with *@ret set when the loop should return (a
 * runner command completed, or run_stalled() gave a verdict); 0 to go on.
 * The stall is measured on the latest CPU clock seen.
 */
static int stall_check(struct nvmesim_runner *r, struct stall_watch *w, uint64_t *now, int *ret)
{
	*ret = 0;
	/* a stop request (signal) ends the wait; the loop then returns -EINTR */
	if (r->cfg->stop && *r->cfg->stop)
		return 1;
	if (r->completions != w->start)
		return 1;
	*now = nvmesim_end_now(r->end);
	if (*now > w->hi)
		w->hi = *now;
	if (w->hi - w->checked >= NVMESIM_RUN_STALL_SLICE_NS && nvmesim_run_busy(r)) {
		w->checked = w->hi;
		*ret = run_stalled(r, w->since, w->hi);
		if (*ret || r->completions != w->start)
			return 1;
	}
	return 0;
}

/*
 * wait_due - whether @deadline, when a source's next work is due, has come.  It is on the
 * clock of that source's CPU (r->next_q, nvmesim_run_due()), which waits for the device's
 * time to get there; the CPU a wait loop works on may be past it already (one that spent
 * the time polling), and a loop that returned on that clock would poll on without ever
 * letting the device reach the deadline.  The current CPU stays as it was.
 */
static bool wait_due(struct nvmesim_runner *r, uint64_t deadline)
{
	unsigned int cpu;
	bool due;

	if (deadline == UINT64_MAX)
		return false;
	cpu = r->host->cur_cpu;
	due = nvmesim_run_now(r, r->next_q) >= deadline;
	if (cpu != UINT_MAX)
		nvmesim_host_cpu(r->host, cpu);
	return due;
}

/* run_slice - how long one wait may last towards @deadline from @now */
static uint64_t run_slice(uint64_t now, uint64_t deadline, uint64_t max)
{
	uint64_t left = deadline > now ? deadline - now : 0;

	return left < max ? left : max;
}

/* wait_end - let the end run for @ns or until an interrupt (its vector in @vec); 1 with an
 * interrupt, 0 without, or -errno with the run's diag set */
static int wait_end(struct nvmesim_runner *r, uint64_t ns, uint32_t *vec)
{
	int ret = nvmesim_end_wait(r->end, ns, vec);

	if (ret < 0)
		return nvmesim_run_fail(r, ret, "waiting for the controller failed: error %d", ret);
	return ret;
}

/* wait_irq - wait_end(), and take the interrupt if one came; 0 or -errno */
static int wait_irq(struct nvmesim_runner *r, uint64_t ns)
{
	uint32_t vec = 0;
	int ret = wait_end(r, ns, &vec);

	if (ret == 1)
		nvmesim_host_irq(r->host, vec);
	return ret < 0 ? ret : 0;
}

/*
 * poll_slice - how long a polling wait lets the end run, the CPU's clock at @now
 * (@before at the start of the polls): a whole stall slice if nothing was polled
 * (waiting for the next arrival, or for the admin queue, which always interrupts);
 * not at all if the polls moved the clock, the device catching up with it; else a
 * poll's worth (an end that charges no host work does not move the clock).
 */
static uint64_t poll_slice(const struct nvmesim_runner *r, bool polled, uint64_t now,
			   uint64_t before)
{
	if (!polled)
		return NVMESIM_RUN_STALL_SLICE_NS;
	return now > before ? 0 : r->cfg->poll_ns;
}

/* cq_wait_irq - "interrupt": wait for a vector, take it, reap its CQ; until a runner
 * command completed or @deadline passed; 0 or -errno */
static int cq_wait_irq(struct nvmesim_runner *r, uint64_t deadline)
{
	uint64_t now;
	struct stall_watch w;
	int ret;

	sq_ring_deferred(r);
	now = stall_watch_init(r, &w);
	for (;;) {
		if (wait_due(r, deadline))
			return 0;
		ret = wait_irq(r, run_slice(now, deadline, NVMESIM_RUN_STALL_SLICE_NS));
		if (ret < 0)
			return ret;
		if (stall_check(r, &w, &now, &ret))
			return ret;
	}
}

/*
 * cq_wait_poll - "poll": look at the busy CQs, and when they hold nothing let
 * the device catch up with the host's clock.  An empty look costs the CPU a
 * poll (host.poll_ns with a timing model), which moves its clock, so the
 * host spins at the rate its polls cost; an end that does not charge host
 * work gets a fixed slice (NVMESIM_RUN_POLL_NS) instead, or time would stand
 * still.  Until a runner command completed or @deadline passed; 0 or -errno.
 */
static int cq_wait_poll(struct nvmesim_runner *r, uint64_t deadline)
{
	uint64_t start = r->completions, now, before;
	struct stall_watch w;
	unsigned int q;
	bool polled;
	int ret;

	now = stall_watch_init(r, &w);
	for (;;) {
		sq_ring_deferred(r);
		before = now;
		polled = false;
		for (q = 1; q < r->nr_queues; q++) {
			if (!r->queues[q].inflight)
				continue;
			polled = true;
			nvmesim_host_poll(r->host, (uint16_t)q);
		}
		if (r->completions != start)
			return 0;
		now = nvmesim_end_now(r->end);
		if (wait_due(r, deadline))
			return 0;
		ret = wait_irq(r, run_slice(now, deadline, poll_slice(r, polled, now, before)));
		if (ret < 0)
			return ret;
		if (stall_check(r, &w, &now, &ret))
			return ret;
	}
}

/*
 * cq_wait_hybrid - "hybrid:NS": CQs with interrupts (IEN=1), but after the
 * host took a queue's interrupt and reaped, it keeps polling that CQ for NS
 * of end time (its CPU's clock) with the vector masked, the way NAPI or a
 * spin-before-sleep handler does: a poll that finds nothing costs the CPU a
 * poll, a vector of that queue asserted meanwhile is swallowed (not taken as
 * an interrupt, no handler cost), and when the window ends the queue is
 * reaped once more before its vector is unmasked (re-arm check, so a CQE
 * posted after the last poll is not stranded).  Other queues' interrupts are
 * taken as usual.  Until a runner command completed or @deadline passed; 0 or
 * -errno.
 */
static int cq_wait_hybrid(struct nvmesim_runner *r, uint64_t deadline)
{
	uint64_t start = r->completions, now, before, t;
	struct nvmesim_run_queue *rq;
	struct stall_watch w;
	unsigned int q;
	uint32_t vec = 0;
	bool polled;
	int ret;

	now = stall_watch_init(r, &w);
	for (;;) {
		sq_ring_deferred(r);
		before = nvmesim_end_now(r->end);
		polled = false;
		for (q = 1; q < r->nr_queues; q++) {
			rq = &r->queues[q];
			if (!rq->poll_until)
				continue;
			t = nvmesim_run_now(r, rq);
			if (t >= rq->poll_until || !rq->inflight) {
				/* window over: re-arm check, then unmask */
				rq->poll_until = 0;
				(void)nvmesim_host_reap(r->host, (uint16_t)q, 0);
				continue;
			}
			polled = true;
			nvmesim_host_poll(r->host, (uint16_t)q);
		}
		if (r->completions != start)
			return 0;
		now = nvmesim_end_now(r->end);
		if (wait_due(r, deadline))
			return 0;
		ret = wait_end(r, run_slice(now, deadline, poll_slice(r, polled, now, before)),
			       &vec);
		if (ret < 0)
			return ret;
		if (ret == 1) {
			rq = vec && vec < r->nr_queues ? &r->queues[vec] : NULL;
			if (rq && rq->poll_until) {
				r->masked_irqs++;
			} else {
				nvmesim_host_irq(r->host, vec);
				if (rq)
					rq->poll_until = nvmesim_run_now(r, rq) + r->hybrid_ns;
			}
		}
		if (stall_check(r, &w, &now, &ret))
			return ret;
	}
}

/* cq_wait_manual - init: manual: only time passes (the trace owns the registers) */
static int cq_wait_manual(struct nvmesim_runner *r, uint64_t deadline)
{
	uint64_t now = nvmesim_end_now(r->end);
	int ret;

	while (now < deadline && !(r->cfg->stop && *r->cfg->stop)) {
		ret = wait_end(r, deadline - now, NULL);
		if (ret < 0)
			return ret;
		now = nvmesim_end_now(r->end);
	}
	return 0;
}

static const struct nvmesim_run_cq_policy cq_policies[] = {
	{ .name = "interrupt", .interrupts = true, .wait = cq_wait_irq },
	{ .name = "poll", .interrupts = false, .wait = cq_wait_poll },
	{ .name = "hybrid", .interrupts = true, .wait = cq_wait_hybrid, .has_arg = true },
};

const struct nvmesim_run_cq_policy nvmesim_run_cq_manual = {
	.name = "manual", .interrupts = false, .wait = cq_wait_manual,
};

/*
 * nvmesim_run_policy_arg - whether @text names policy @name: "NAME" when
 * @has_arg is false, "NAME:N" with N a decimal number 1..@max when it is
 * true (N in @arg); returns true on a match.
 */
bool nvmesim_run_policy_arg(const char *text, const char *name, bool has_arg, uint64_t max,
			    uint64_t *arg)
{
	size_t len = strlen(name);
	const char *p;
	uint64_t v = 0;

	if (strncmp(text, name, len))
		return false;
	if (!has_arg)
		return text[len] == 0;
	if (text[len] != ':' || !text[len + 1])
		return false;
	for (p = text + len + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return false;
	}
	if (!v)
		return false;
	if (arg)
		*arg = v;
	return true;
}

/* nvmesim_run_find_sq - the SQ doorbell policy named @name (its K in @k), or NULL */
const struct nvmesim_run_sq_policy *nvmesim_run_find_sq(const char *name, unsigned int *k)
{
	unsigned int i;
	uint64_t v = 1;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(sq_policies); i++) {
		if (!nvmesim_run_policy_arg(name, sq_policies[i].name, sq_policies[i].has_k, 65535,
					    &v))
			continue;
		if (k)
			*k = (unsigned int)v;
		return &sq_policies[i];
	}
	return NULL;
}

/* nvmesim_run_find_cq - the completion policy named @name (its argument in @arg), or NULL */
const struct nvmesim_run_cq_policy *nvmesim_run_find_cq(const char *name, uint64_t *arg)
{
	unsigned int i;
	uint64_t v = 0;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(cq_policies); i++) {
		if (!nvmesim_run_policy_arg(name, cq_policies[i].name, cq_policies[i].has_arg,
					    NVMESIM_RUN_HYBRID_MAX_NS, &v))
			continue;
		if (arg)
			*arg = v;
		return &cq_policies[i];
	}
	return NULL;
}

/*
 * nvmesim_run_off_queue_next - the next I/O queue ID of host.coalescing_off_queues
 * ("none" or "2,4", checked by the trace reader) at *@p into @qid, moving *@p past
 * it; false at the end
 */
bool nvmesim_run_off_queue_next(const char **p, unsigned long *qid)
{
	const char *s = *p;
	char *end;

	if (!s[0] || !strcmp(s, "none"))
		return false;
	*qid = strtoul(s, &end, 10);
	*p = *end == ',' ? end + 1 : end;
	return end != s;
}

/* nvmesim_run_find_shadow - the shadow doorbell mode named @name (empty: off), or -1 */
int nvmesim_run_find_shadow(const char *name)
{
	if (!name[0] || !strcmp(name, "off"))
		return NVMESIM_SHADOW_OFF;
	if (!strcmp(name, "linux"))
		return NVMESIM_SHADOW_LINUX;
	if (!strcmp(name, "spdk"))
		return NVMESIM_SHADOW_SPDK;
	return -1;
}

/* nvmesim_run_find_cqdb - the CQ head doorbell policy named @name (its K in @k), or -1 */
int nvmesim_run_find_cqdb(const char *name, unsigned int *k)
{
	static const char *const names[] = {
		[NVMESIM_CQDB_PER_REAP] = "per-reap",
		[NVMESIM_CQDB_PER_CQE] = "per-cqe",
		[NVMESIM_CQDB_CAPPED] = "capped",
	};
	uint64_t v = 1;
	unsigned int i;

	if (k)
		*k = 0;
	for (i = 0; i < NVMESIM_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	if (!nvmesim_run_policy_arg(name, "lazy", true, 65535, &v))
		return -1;
	if (k)
		*k = (unsigned int)v;
	return NVMESIM_CQDB_LAZY;
}

/* nvmesim_runner_policies - validate the policy names of @set; 0 or -EINVAL */
int nvmesim_runner_policies(const struct nvmesim_trace_settings *set, bool *irq,
			    struct nvmesim_diag *diag)
{
	const struct nvmesim_trace_host *h = &set->host;
	const struct nvmesim_run_cq_policy *cq =
		nvmesim_run_find_cq(h->completion[0] ? h->completion : "interrupt", NULL);
	unsigned int thr, us, i;
	unsigned long qid;
	const char *p;

	if (!cq) {
		nvmesim_diag_set(diag, "host.completion: expected interrupt, poll or hybrid:NS, "
				 "got '%s'", h->completion);
		return -EINVAL;
	}
	if (h->sq_doorbell[0] && !nvmesim_run_find_sq(h->sq_doorbell, NULL)) {
		nvmesim_diag_set(diag, "host.sq_doorbell: expected per-command, batch, deferred or "
				 "every:K, got '%s'", h->sq_doorbell);
		return -EINVAL;
	}
	if (h->cq_doorbell[0] && nvmesim_run_find_cqdb(h->cq_doorbell, NULL) < 0) {
		nvmesim_diag_set(diag, "host.cq_doorbell: expected per-reap, per-cqe, capped or "
				 "lazy:K, got '%s'", h->cq_doorbell);
		return -EINVAL;
	}
	if (h->shadow_doorbell[0] && nvmesim_run_find_shadow(h->shadow_doorbell) < 0) {
		nvmesim_diag_set(diag, "host.shadow_doorbell: expected off, linux or spdk, "
				 "got '%s'", h->shadow_doorbell);
		return -EINVAL;
	}
	if (h->shadow_admin[0] && strcmp(h->shadow_admin, "off") && strcmp(h->shadow_admin, "on")) {
		nvmesim_diag_set(diag, "host.shadow_admin: expected off or on, got '%s'",
				 h->shadow_admin);
		return -EINVAL;
	}
	if (h->arbitration[0] && strcmp(h->arbitration, "rr") && strcmp(h->arbitration, "wrr")) {
		nvmesim_diag_set(diag, "host.arbitration: expected rr or wrr, got '%s'",
				 h->arbitration);
		return -EINVAL;
	}
	for (i = 0; i < set->nr_jobs; i++) {
		if (set->jobs[i].priority && strcmp(h->arbitration, "wrr")) {
			nvmesim_diag_set(diag, "jobs.%u.priority: a queue priority counts only "
					 "with host.arbitration: wrr (NVMe 2.0 §3.4.2.2)", i);
			return -EINVAL;
		}
	}
	if (h->coalescing[0] && strcmp(h->coalescing, "off") &&
	    !nvmesim_parse_coalescing(h->coalescing, &thr, &us)) {
		nvmesim_diag_set(diag, "host.coalescing: expected off or THR,TIME_US (THR 1-256, "
				 "TIME_US 0-25500 in steps of 100), got '%s'", h->coalescing);
		return -EINVAL;
	}
	for (p = h->coalescing_off_queues; nvmesim_run_off_queue_next(&p, &qid);) {
		if (qid < 1 || qid > h->queues) {
			nvmesim_diag_set(diag, "host.coalescing_off_queues: queue %lu: the I/O "
					 "queues are 1..%u (host.queues)", qid, h->queues);
			return -EINVAL;
		}
	}
	if (irq)
		*irq = cq->interrupts;
	return 0;
}
