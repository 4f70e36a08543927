/* SPDX-License-Identifier: MIT */
/*
 * sim.c - the `sim` controller end: a simulated NVMe controller behind the
 * PCIe seam of end.h.
 *
 * The end's operations are what a host can do to a PCIe NVMe device: 32/64-bit
 * BAR0 accesses, DMA mappings, and waiting for MSI-X interrupts.  Waiting is
 * where the simulation runs: virtual time advances event by event until an
 * interrupt is pending or the host's timeout passes, so a host that polls a
 * register or waits for a completion lets the controller make progress and
 * nothing ever depends on the wall clock (DESIGN.md, contracts 2 and 3).
 *
 * With a device profile (opts->profile) the end also keeps the host's side
 * of time (DESIGN.md contract 2): every host CPU has a "busy until" time; the
 * host driver names the CPU it works on (set_cpu) and reports its work
 * (host_work), which is charged at the profile's costs, and its clock
 * (now_ns) is the later of simulated time and its CPU's busy time.  An MMIO
 * write costs host.mmio_ns of CPU and reaches the controller
 * host.mmio_latency_ns later, as an event (posted writes keep their order);
 * a register read first lets earlier posted writes land (PCIe ordering: a
 * read does not pass a posted write).  An interrupt is delivered when its
 * MSI-X message has arrived and host.irq_latency_ns passed (timing.c), and
 * its handler's work starts then or when the CPU is free.  Without a profile
 * all of this costs nothing and writes take effect at once.
 *
 * Options are validated here; everything else about the controller lives in
 * the other files of ctrl/ (see ctrl.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/ctrl.h"

/* nvmesim_sim_opts_default - a 2.0 controller, 64 queues of 1024, one 1 TiB 512 B namespace */
const struct nvmesim_sim_opts nvmesim_sim_opts_default = {
	.mqes = 1023,
	.dstrd = 0,
	.timeout_500ms = 20,
	.mpsmin = 0,
	.mpsmax = 4,
	.cqr = true,
	.nssrs = true,
	.vs = 0x00020000,
	.max_queues = 64,
	.max_vectors = 64,
	.mdts = 5,
	.aerl = 3,
	.elpe = 63,
	.vwc = true,
	.ready_delay_ns = 1000000,
	.shutdown_delay_ns = 2000000,
	.cmd_delay_ns = 10000,
	.serial = "NVMESIM0001",
	.model = "nvmesim simulated controller",
	.nr_ns = 1,
	.ns = { { .nsze = 1ull << 31, .lba_shift = 9 } },
};

static const struct nvmesim_end_ops sim_ops;

/* nvmesim_sim_opts_from_profile - default options adjusted to profile @p; 0 or -EINVAL */
int nvmesim_sim_opts_from_profile(struct nvmesim_sim_opts *o, const struct nvmesim_profile *p)
{
	if (!o || nvmesim_profile_check(p, NULL))
		return -EINVAL;
	*o = nvmesim_sim_opts_default;
	o->mqes = (uint16_t)(p->queue_entries - 1);   /* CAP.MQES is 0's based (§3.1.4.1) */
	o->max_queues = p->max_queues;
	o->max_vectors = p->max_queues + 1;           /* vector 0 for the admin CQ */
	o->mdts = p->mdts;
	o->vwc = p->cache.bytes > 0;
	o->nr_ns = 1;
	o->ns[0].nsze = p->capacity_bytes / p->lba_bytes;
	o->ns[0].lba_shift = p->lba_bytes == 4096 ? 12 : 9;
	o->profile = p;
	return 0;
}

/* nvmesim_ctrl_diag - emit one diagnostic line through end->ctrl_log and count it */
void nvmesim_ctrl_diag(struct nvmesim_ctrl *c, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	c->ndiag++;
	if (!c->end.ctrl_log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->end.ctrl_log(c->end.ctrl_log_arg, line);
}

/* nvmesim_sim_diag_count - diagnostics emitted by the controller behind @end; the count */
unsigned long nvmesim_sim_diag_count(struct nvmesim_end *end)
{
	if (!end || end->ops != &sim_ops)
		return 0;
	return ((struct nvmesim_ctrl *)end->priv)->ndiag;
}

/* Most host CPUs a sim end tracks; set_cpu beyond it folds onto this many. */
#define SIM_MAX_CPUS 4096u

static struct nvmesim_ctrl *sim_ctrl(struct nvmesim_end *end)
{
	return end->priv;
}

/* The host's clock on its current CPU: simulated time, or later while the CPU is busy. */
static uint64_t sim_host_now(const struct nvmesim_ctrl *c)
{
	uint64_t busy = c->cpu_free ? c->cpu_free[c->cpu] : 0;

	return busy > c->sched.now ? busy : c->sched.now;
}

/* Charge @cost ns to the current CPU starting no earlier than @from; returns the end. */
static uint64_t sim_charge(struct nvmesim_ctrl *c, uint64_t from, uint64_t cost)
{
	uint64_t *busy = &c->cpu_free[c->cpu];

	*busy = (*busy > from ? *busy : from) + cost;
	return *busy;
}

/* A register read may not pass earlier posted writes: let them land first. */
static void sim_flush_writes(struct nvmesim_ctrl *c)
{
	if (!c->tm || c->mmio_last <= c->sched.now)
		return;
	while (nvmesim_sched_step(&c->sched, c->mmio_last))
		;
	nvmesim_sched_advance(&c->sched, c->mmio_last);
}

static uint32_t sim_read32(struct nvmesim_end *end, uint32_t off)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);

	sim_flush_writes(c);
	return nvmesim_regs_read32(c, off);
}

/*
 * A 64-bit read is two dword reads, low then high, the order libvfn and
 * Linux's lo_hi_readq use; the register file holds both halves, so the value
 * is the same either way (NVMe 2.0 §3.1.4: 64-bit registers may be read as one
 * 64-bit or two 32-bit accesses).
 */
static uint64_t sim_read64(struct nvmesim_end *end, uint32_t off)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);
	uint64_t lo, hi;

	if (off & 7) {
		nvmesim_ctrl_diag(c, "R64 0x%x: 64-bit access not aligned to 8 bytes, returning 0 "
				  "(NVMe 2.0 §3.1.4)", off);
		return 0;
	}
	sim_flush_writes(c);
	lo = nvmesim_regs_read32(c, off);
	hi = nvmesim_regs_read32(c, off + 4);
	return lo | (hi << 32);
}

/* A posted MMIO write arrives: apply it (@data is offset << 32 | value). */
static void sim_mmio_ev(void *arg, uint64_t data)
{
	nvmesim_regs_write32(arg, (uint32_t)(data >> 32), (uint32_t)data);
}

/*
 * Send the dword writes (@off, @val[i]) for i < @n (consecutive offsets) as
 * one MMIO write: with a profile it costs host.mmio_ns on the current CPU and
 * lands host.mmio_latency_ns after the CPU issued it; without one, at once.
 */
static void sim_post(struct nvmesim_ctrl *c, uint32_t off, const uint32_t *val, unsigned int n)
{
	const struct nvmesim_profile_host *h;
	unsigned int i;
	uint64_t t;

	if (!c->tm) {
		for (i = 0; i < n; i++)
			nvmesim_regs_write32(c, off + 4 * i, val[i]);
		return;
	}
	h = &c->opts.profile->host;
	t = sim_charge(c, c->sched.now, h->mmio_ns) + h->mmio_latency_ns;
	if (t > c->mmio_last)
		c->mmio_last = t;
	for (i = 0; i < n; i++)
		if (nvmesim_sched_at_ordered(&c->sched, t, sim_mmio_ev, c,
					     (uint64_t)(off + 4 * i) << 32 | val[i]))
			nvmesim_regs_write32(c, off + 4 * i, val[i]);  /* no memory: now */
}

/* A 32-bit write: the same as sim_post(c, off, &val, 1), kept apart because doorbells
 * (one or two per I/O) come this way. */
static inline void sim_post1(struct nvmesim_ctrl *c, uint32_t off, uint32_t val)
{
	uint64_t t, *busy;

	if (!c->tm) {
		nvmesim_regs_write32(c, off, val);
		return;
	}
	busy = &c->cpu_free[c->cpu];
	t = (*busy > c->sched.now ? *busy : c->sched.now) + c->opts.profile->host.mmio_ns;
	*busy = t;
	t += c->opts.profile->host.mmio_latency_ns;
	if (t > c->mmio_last)
		c->mmio_last = t;
	/* a CPU's posted writes leave it in order: the scheduler's lane takes them */
	if (nvmesim_sched_at_ordered(&c->sched, t, sim_mmio_ev, c, (uint64_t)off << 32 | val))
		nvmesim_regs_write32(c, off, val);  /* no memory: now */
}

static void sim_write32(struct nvmesim_end *end, uint32_t off, uint32_t val)
{
	sim_post1(sim_ctrl(end), off, val);
}

/* A 64-bit write is split into the low then the high dword (Linux lo_hi_writeq). */
static void sim_write64(struct nvmesim_end *end, uint32_t off, uint64_t val)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);
	uint32_t v[2];

	if (off & 7) {
		nvmesim_ctrl_diag(c, "W64 0x%x <- 0x%016llx: 64-bit access not aligned to 8 bytes, "
				  "ignored (NVMe 2.0 §3.1.4)", off, (unsigned long long)val);
		return;
	}
	v[0] = (uint32_t)val;
	v[1] = (uint32_t)(val >> 32);
	sim_post(c, off, v, 2);
}

static int sim_dma_map(struct nvmesim_end *end, void *vaddr, size_t len, uint64_t iova)
{
	if (!vaddr || !len)
		return -EINVAL;
	return nvmesim_iova_add(&sim_ctrl(end)->map, iova, len, vaddr);
}

/* Read data for a sink is not written: nvm.c checks, see nvmesim_iova_sink_add() */
static int sim_dma_sink(struct nvmesim_end *end, uint64_t iova, size_t len, int on)
{
	struct nvmesim_iova_map *m = &sim_ctrl(end)->map;

	return on ? nvmesim_iova_sink_add(m, iova, len) : nvmesim_iova_sink_remove(m, iova, len);
}

static int sim_dma_unmap(struct nvmesim_end *end, uint64_t iova, size_t len)
{
	return nvmesim_iova_remove(&sim_ctrl(end)->map, iova, len);
}

/*
 * Run the simulation until an interrupt can be taken or @timeout_ns passed
 * on the host's clock.  Vectors are delivered in the order they were
 * asserted, one per call, each at the time it can be taken (at once for the
 * functional model; timing.c for a profile); a vector asserted again before
 * its delivery is one message, as with an eventfd per vector.
 */
static int sim_wait(struct nvmesim_end *end, uint64_t timeout_ns, uint32_t *vector)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);
	uint64_t start = sim_host_now(c);
	uint64_t deadline = start + timeout_ns;
	uint64_t t;
	uint32_t v;

	if (deadline < start)
		deadline = UINT64_MAX;
	for (;;) {
		if (c->irq_nr) {
			t = c->irq_time[c->irq_head];
			if (t < c->sched.now)
				t = c->sched.now;
			if (t <= deadline) {
				/* finish everything up to that instant first, so completions
				 * posted by then share one message per vector */
				while (nvmesim_sched_step(&c->sched, t))
					;
				nvmesim_sched_advance(&c->sched, t);
				/* a controller reset among those events drops asserted vectors */
				if (!nvmesim_exec_irq_pop(c, &v))
					continue;
				c->irq_taken_at = t;
				if (vector)
					*vector = v;
				return 1;
			}
		}
		if (!nvmesim_sched_step(&c->sched, deadline)) {
			nvmesim_sched_advance(&c->sched, deadline);
			return 0;
		}
	}
}

static uint64_t sim_now(struct nvmesim_end *end)
{
	return sim_host_now(sim_ctrl(end));
}

/* Later host work is done by CPU @cpu (the array grows on demand, up to SIM_MAX_CPUS). */
static void sim_set_cpu(struct nvmesim_end *end, unsigned int cpu)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);
	unsigned int n;
	uint64_t *a;

	if (!c->cpu_free)
		return;
	if (cpu >= SIM_MAX_CPUS)
		cpu %= SIM_MAX_CPUS;
	if (cpu >= c->ncpu) {
		n = c->ncpu;
		while (n <= cpu)
			n *= 2;
		if (n > SIM_MAX_CPUS)
			n = SIM_MAX_CPUS;
		a = realloc(c->cpu_free, n * sizeof(*a));
		if (!a) {
			cpu %= c->ncpu;  /* no memory: share an existing CPU */
		} else {
			memset(a + c->ncpu, 0, (n - c->ncpu) * sizeof(*a));
			c->cpu_free = a;
			c->ncpu = n;
		}
	}
	c->cpu = cpu;
}

/* Charge @n items of host work @w to the current CPU at the profile's costs
 * (c->work_ns, looked up rather than switched on: this runs two or three times per I/O). */
static void sim_host_work(struct nvmesim_end *end, enum nvmesim_host_work w, unsigned int n)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);

	if (!c->tm || (unsigned int)w >= NVMESIM_ARRAY_SIZE(c->work_ns))
		return;
	/* an interrupt handler starts when the interrupt was delivered, or when the CPU
	 * is free if it was busy then; other work when the CPU is free */
	sim_charge(c, w == NVMESIM_WORK_IRQ ? c->irq_taken_at : c->sched.now,
		   (uint64_t)n * c->work_ns[w]);
}

static void sim_free(struct nvmesim_ctrl *c)
{
	unsigned int i;

	nvmesim_sched_fini(&c->sched);
	nvmesim_exec_reset(c);
	nvmesim_exec_fini(c);
	nvmesim_timing_free(c);
	free(c->cpu_free);
	free(c->irq_time);
	for (i = 0; i < c->opts.nr_ns; i++)
		if (c->nsp[i])
			nvmesim_ns_fini(c->nsp[i]);
	nvmesim_iova_fini(&c->map);
	free(c->feat.iv_cd);
	free(c->coal_n);
	free(c->coal_gen);
	free(c->irq_pending);
	free(c->irq_fifo);
	free(c->errlog);
	free(c->sq_ids);
	free(c->cq);
	free(c->sq);
	free(c);
}

static void sim_close(struct nvmesim_end *end)
{
	sim_free(sim_ctrl(end));
}

static const struct nvmesim_end_ops sim_ops = {
	.api_version = NVMESIM_END_API_VERSION,
	.name = "sim",
	.read32 = sim_read32,
	.read64 = sim_read64,
	.write32 = sim_write32,
	.write64 = sim_write64,
	.dma_map = sim_dma_map,
	.dma_unmap = sim_dma_unmap,
	.wait = sim_wait,
	.now_ns = sim_now,
	.close = sim_close,
	.set_cpu = sim_set_cpu,
	.host_work = sim_host_work,
	.dma_sink = sim_dma_sink,
};

/* An Identify string must fit its field and be printable ASCII (§1.5 "ASCII string"). */
static bool sim_ascii_ok(const char *s, size_t max)
{
	size_t i;

	if (!s)
		return true;
	for (i = 0; s[i]; i++)
		if (i >= max || s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/*
 * Reject options no conforming controller could have.  MQES is capped at
 * 65534 because a ring index is 16 bits (engine/ring.h); CAP.CQR=0 is refused
 * because queues made of PRP lists (§5.4/§5.5 PC=0) are not modelled.
 */
static int sim_opts_check(const struct nvmesim_sim_opts *o)
{
	unsigned int i;

	if (o->mqes < 1 || o->mqes > 65534)
		return -EINVAL;
	if (o->dstrd > 15 || o->timeout_500ms < 1 || o->timeout_500ms > 255)
		return -EINVAL;
	if (o->mpsmin > o->mpsmax || o->mpsmax > 15)
		return -EINVAL;
	if (!o->cqr)
		return -EINVAL;
	if (NVMESIM_FIELD_GET(o->vs, VS_MJR) < 1)
		return -EINVAL;
	if (o->max_queues < 1 || o->max_queues > 65535)
		return -EINVAL;
	if (o->max_vectors < 1 || o->max_vectors > 2048)
		return -EINVAL;
	if (o->mdts > 20 || o->aerl > 255 || o->elpe > 255)
		return -EINVAL;
	if (o->ready_delay_ns > (uint64_t)o->timeout_500ms * 500000000ull)
		return -EINVAL;
	if (!sim_ascii_ok(o->serial, 20) || !sim_ascii_ok(o->model, 40))
		return -EINVAL;
	if (o->nr_ns > NVMESIM_SIM_MAX_NS)
		return -EINVAL;
	for (i = 0; i < o->nr_ns; i++)
		if (o->ns[i].nsze && o->ns[i].lba_shift != 9 && o->ns[i].lba_shift != 12)
			return -EINVAL;
	if (o->profile && nvmesim_profile_check(o->profile, NULL))
		return -EINVAL;
	return 0;
}

static int sim_alloc(struct nvmesim_ctrl *c)
{
	unsigned int nq = c->opts.max_queues + 1;
	unsigned int nv = c->opts.max_vectors;

	c->sq = calloc(nq, sizeof(*c->sq));
	c->cq = calloc(nq, sizeof(*c->cq));
	c->sq_ids = calloc(nq, sizeof(*c->sq_ids));
	c->errlog = calloc(c->opts.elpe + 1, sizeof(*c->errlog));
	c->irq_fifo = calloc(nv, sizeof(*c->irq_fifo));
	c->irq_time = calloc(nv, sizeof(*c->irq_time));
	c->irq_pending = calloc(nv, 1);
	c->feat.iv_cd = calloc(nv, 1);
	c->coal_n = calloc(nv, sizeof(*c->coal_n));
	c->coal_gen = calloc(nv, sizeof(*c->coal_gen));
	if (!c->sq || !c->cq || !c->sq_ids || !c->errlog || !c->irq_fifo || !c->irq_time ||
	    !c->irq_pending || !c->feat.iv_cd || !c->coal_n || !c->coal_gen)
		return -ENOMEM;
	if (c->opts.profile) {
		c->work_ns[NVMESIM_WORK_SUBMIT] = c->opts.profile->host.submit_ns;
		c->work_ns[NVMESIM_WORK_REAP] = c->opts.profile->host.reap_ns;
		c->work_ns[NVMESIM_WORK_IRQ] = c->opts.profile->host.irq_ns;
		c->work_ns[NVMESIM_WORK_POLL] = c->opts.profile->host.poll_ns;
		c->work_ns[NVMESIM_WORK_SHADOW] = c->opts.profile->host.shadow_update_ns;
		c->ncpu = c->opts.profile->host.cpus;
		c->cpu_free = calloc(c->ncpu, sizeof(*c->cpu_free));
		if (!c->cpu_free)
			return -ENOMEM;
	}
	return 0;
}

/* nvmesim_sim_open - create a simulated controller end; 0, -EINVAL, -ENOMEM or -errno */
int nvmesim_sim_open(struct nvmesim_end **out, const struct nvmesim_sim_opts *opts)
{
	struct nvmesim_ctrl *c;
	unsigned int i;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!opts)
		opts = &nvmesim_sim_opts_default;
	ret = sim_opts_check(opts);
	if (ret)
		return ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->opts = *opts;
	snprintf(c->sn, sizeof(c->sn), "%s", opts->serial ? opts->serial : "");
	snprintf(c->mn, sizeof(c->mn), "%s", opts->model ? opts->model : "");
	c->opts.serial = c->sn;
	c->opts.model = c->mn;
	for (i = 0; i < NVMESIM_SIM_MAX_NS; i++)
		c->opts.ns[i].backing_file = NULL;  /* not kept: only ns_init reads it */
	nvmesim_sched_init(&c->sched);
	nvmesim_iova_init(&c->map);
	c->opts.nr_ns = 0;                          /* sim_free releases what was set up */
	ret = sim_alloc(c);
	if (ret)
		goto fail;
	for (i = 0; i < opts->nr_ns; i++) {
		c->opts.nr_ns = i + 1;
		if (!opts->ns[i].nsze)
			continue;
		ret = nvmesim_ns_init(&c->ns[i], i + 1, &opts->ns[i]);
		if (ret)
			goto fail;
		c->nsp[i] = &c->ns[i];
	}
	c->opts.nr_ns = opts->nr_ns;
	if (opts->profile) {
		ret = nvmesim_timing_new(c);
		if (ret)
			goto fail;
	}

	c->end.ops = &sim_ops;
	c->end.priv = c;
	c->end.dstrd = opts->dstrd;
	c->power_cycles = 1;
	nvmesim_regs_init(c);
	nvmesim_admin_reset(c);
	*out = &c->end;
	return 0;

fail:
	sim_free(c);
	return ret;
}
