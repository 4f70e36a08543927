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

static struct nvmesim_ctrl *sim_ctrl(struct nvmesim_end *end)
{
	return end->priv;
}

static uint32_t sim_read32(struct nvmesim_end *end, uint32_t off)
{
	return nvmesim_regs_read32(sim_ctrl(end), off);
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
	lo = nvmesim_regs_read32(c, off);
	hi = nvmesim_regs_read32(c, off + 4);
	return lo | (hi << 32);
}

static void sim_write32(struct nvmesim_end *end, uint32_t off, uint32_t val)
{
	nvmesim_regs_write32(sim_ctrl(end), off, val);
}

/* A 64-bit write is split into the low then the high dword (Linux lo_hi_writeq). */
static void sim_write64(struct nvmesim_end *end, uint32_t off, uint64_t val)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);

	if (off & 7) {
		nvmesim_ctrl_diag(c, "W64 0x%x <- 0x%016llx: 64-bit access not aligned to 8 bytes, "
				  "ignored (NVMe 2.0 §3.1.4)", off, (unsigned long long)val);
		return;
	}
	nvmesim_regs_write32(c, off, (uint32_t)val);
	nvmesim_regs_write32(c, off + 4, (uint32_t)(val >> 32));
}

static int sim_dma_map(struct nvmesim_end *end, void *vaddr, size_t len, uint64_t iova)
{
	if (!vaddr || !len)
		return -EINVAL;
	return nvmesim_iova_add(&sim_ctrl(end)->map, iova, len, vaddr);
}

static int sim_dma_unmap(struct nvmesim_end *end, uint64_t iova, size_t len)
{
	return nvmesim_iova_remove(&sim_ctrl(end)->map, iova, len);
}

/*
 * Run the simulation until an interrupt is pending or @timeout_ns of virtual
 * time passed.  Vectors are delivered in the order they were asserted, one
 * per call, so a host sees each MSI-X message separately; a vector asserted
 * again before its delivery is one message, as with an eventfd per vector.
 */
static int sim_wait(struct nvmesim_end *end, uint64_t timeout_ns, uint32_t *vector)
{
	struct nvmesim_ctrl *c = sim_ctrl(end);
	uint64_t deadline = c->sched.now + timeout_ns;
	uint32_t v;

	if (deadline < c->sched.now)
		deadline = UINT64_MAX;
	for (;;) {
		/* finish the current instant first, so that completions posted at
		 * the same virtual time share one message per vector */
		if (c->irq_nr)
			while (nvmesim_sched_step(&c->sched, c->sched.now))
				;
		if (nvmesim_exec_irq_pop(c, &v)) {
			if (vector)
				*vector = v;
			return 1;
		}
		if (!nvmesim_sched_step(&c->sched, deadline)) {
			nvmesim_sched_advance(&c->sched, deadline);
			return 0;
		}
	}
}

static uint64_t sim_now(struct nvmesim_end *end)
{
	return sim_ctrl(end)->sched.now;
}

static void sim_free(struct nvmesim_ctrl *c)
{
	unsigned int i;

	nvmesim_sched_fini(&c->sched);
	nvmesim_exec_reset(c);
	nvmesim_exec_fini(c);
	for (i = 0; i < c->opts.nr_ns; i++)
		if (c->nsp[i])
			nvmesim_ns_fini(c->nsp[i]);
	nvmesim_iova_fini(&c->map);
	free(c->feat.iv_cd);
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
	c->irq_pending = calloc(nv, 1);
	c->feat.iv_cd = calloc(nv, 1);
	if (!c->sq || !c->cq || !c->sq_ids || !c->errlog || !c->irq_fifo || !c->irq_pending ||
	    !c->feat.iv_cd)
		return -ENOMEM;
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
