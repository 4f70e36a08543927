/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the trace's explicit operations, played as they are read.
 *
 * Operations come one at a time from the trace reader (libyaml's event
 * parser), so a trace of any length replays in the memory of one operation
 * plus the slots in flight.  An operation with `at:` is issued at that time
 * after the start of the workload (open loop: the runner lets the end run
 * until then, and its latency counts from `at:` even if it had to wait for a
 * slot); one without is issued as soon as the previous ones are issued and
 * fewer than ops_iodepth are in flight (back to back).  Operations are issued
 * in trace order.
 *
 *  - I/O (read, write, trim, flush, write zeroes) is measured like a job's
 *    I/O, under the job name "ops".
 *  - Raw admin and I/O commands go out as written (the host fills in CID and
 *    the data pointer); they are not I/Os of any direction.
 *  - `expect:` on a command compares SCT and SC of its completion status (DNR,
 *    More and CRD ignored).  A failed expectation is reported as
 *    "FILE:LINE: expected ..., got ..." and counted; the run goes on.
 *  - Register accesses (mmio) read or write BAR0 by name and compare a read
 *    value under a mask.  With the host driver up, reads are allowed and
 *    writes are an error: the driver owns the registers.  With `init: manual`
 *    there is no driver, and only register accesses and waits are possible.
 *  - A wait lets its time pass; with the host driver up it first waits for
 *    the operations in flight to complete (a drain).
 *
 * Data buffers belong to the slots and grow to the largest operation a slot
 * has carried (one allocation per growth, none per operation afterwards).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "host/runner-internal.h"

/* ops_kind_name - what an operation of @kind is called in messages */
static const char *ops_kind_name(enum nvmesim_op_kind kind)
{
	switch (kind) {
	case NVMESIM_OP_IO:
		return "I/O";
	case NVMESIM_OP_ADMIN:
		return "admin command";
	case NVMESIM_OP_CMD:
		return "I/O command";
	case NVMESIM_OP_MMIO:
		return "register access";
	case NVMESIM_OP_WAIT:
		return "wait";
	}
	return "operation";
}

/* ops_error - an operation the runner cannot play: "FILE:LINE:COLUMN: ..." in the diag;
 * returns -EINVAL */
static int ops_error(struct nvmesim_runner *r, const struct nvmesim_trace_op *op,
		     const char *fmt, ...) NVMESIM_PRINTF(3, 4);

static int ops_error(struct nvmesim_runner *r, const struct nvmesim_trace_op *op,
		     const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	nvmesim_diag_set(r->diag, "%s:%u:%u: %s", r->path, op->line, op->column, text);
	if (r->diag) {
		r->diag->file = r->path;
		r->diag->line = op->line;
		r->diag->column = op->column;
	}
	return -EINVAL;
}

/* ops_buffer - make slot @s's buffer hold at least @need bytes; 0, -EINVAL (too large) or
 * -ENOMEM */
static int ops_buffer(struct nvmesim_runner *r, struct nvmesim_run_slot *s,
		      const struct nvmesim_trace_op *op, uint64_t need)
{
	size_t len;

	if (need <= s->buf_len)
		return 0;
	if (need > NVMESIM_RUN_OPS_MAX_BYTES)
		return ops_error(r, op, "%" PRIu64 " bytes of data: an operation moves at most "
				 "%u MiB", need, NVMESIM_RUN_OPS_MAX_BYTES >> 20);
	nvmesim_host_dma_free(r->host, s->buf);
	len = (size_t)NVMESIM_ALIGN_UP(need, NVMESIM_HOSTMEM_PAGE);
	s->buf = nvmesim_host_dma_alloc(r->host, len);
	s->buf_len = s->buf ? len : 0;
	if (!s->buf) {
		nvmesim_diag_set(r->diag, "%s:%u: no host memory for a %zu-byte buffer", r->path,
				 op->line, len);
		return -ENOMEM;
	}
	return 0;
}

/* ops_mmio - play register access @op; 1 when done, or -EINVAL */
static int ops_mmio(struct nvmesim_runner *r, const struct nvmesim_trace_op *op)
{
	uint64_t v, mask, all = op->width == 8 ? UINT64_MAX : UINT32_MAX;
	const char *name = nvmesim_reg_name(op->reg);
	char what[400], reg[16], dec[256];

	if (op->width != 4 && op->width != 8)
		return ops_error(r, op, "register access of %u bytes: 4 or 8 expected",
				 op->width);
	if (op->write && r->host)
		return ops_error(r, op, "register writes need 'init: manual' (the host driver "
				 "owns the registers while it runs)");
	if (op->write) {
		if (op->width == 8)
			nvmesim_end_write64(r->end, op->reg, op->value);
		else
			nvmesim_end_write32(r->end, op->reg, (uint32_t)op->value);
		return 1;
	}
	if (op->width == 8)
		v = nvmesim_end_read64(r->end, op->reg);
	else
		v = nvmesim_end_read32(r->end, op->reg);
	if (op->expect != NVMESIM_EXPECT_VALUE)
		return 1;
	mask = (op->expect_mask ? op->expect_mask : all) & all;
	if ((v & mask) == (op->expect_value & mask))
		return 1;
	if (name)
		snprintf(reg, sizeof(reg), "%s", name);
	else
		snprintf(reg, sizeof(reg), "0x%04" PRIx32, op->reg);
	dec[0] = '\0';
	if (name)
		nvmesim_reg_decode(op->reg, v, dec, sizeof(dec));
	snprintf(what, sizeof(what), "%s: expected 0x%" PRIx64 " under mask 0x%" PRIx64 ", got 0x%"
		 PRIx64 "%s%s%s", reg, op->expect_value & mask, mask, v, dec[0] ? " (" : "", dec,
		 dec[0] ? ")" : "");
	nvmesim_run_expect_failed(r, op->line, what);
	return 1;
}

/* ops_queue - the runner queue an operation goes to; NULL with -EINVAL in @err when it names
 * a queue the host does not have */
static struct nvmesim_run_queue *ops_queue(struct nvmesim_runner *r,
					   const struct nvmesim_trace_op *op, int *err)
{
	unsigned int qid;

	*err = 0;
	if (op->kind == NVMESIM_OP_ADMIN)
		return &r->queues[0];
	qid = op->queue ? op->queue : 1u;
	if (qid >= r->nr_queues) {
		*err = ops_error(r, op, "queue %u, but the host has %u I/O queue%s", qid,
				 r->nr_queues - 1, r->nr_queues == 2 ? "" : "s");
		return NULL;
	}
	return &r->queues[qid];
}

/* ops_command - post I/O or raw command @op on @q issued at @issue; 1 when posted, 0 when it
 * must wait for a slot or queue entry, or -errno */
static int ops_command(struct nvmesim_run_src *src, const struct nvmesim_trace_op *op,
		       struct nvmesim_run_queue *q, uint64_t issue)
{
	struct nvmesim_runner *r = src->r;
	struct nvmesim_run_slot *s;
	struct nvmesim_sqe cmd;
	unsigned int shift;
	uint32_t nsid, blocks;
	uint64_t need;
	size_t len;
	int err;

	if (src->free_head == NVMESIM_RUN_NO_SLOT || !nvmesim_run_queue_room(r, q->qid))
		return 0;
	s = nvmesim_run_slot_get(src);
	if (op->kind == NVMESIM_OP_IO) {
		nsid = op->nsid ? op->nsid : 1u;
		/* An inactive namespace still goes to the controller, which answers
		 * Invalid Namespace or Format; 512-byte blocks size the buffer. */
		shift = nvmesim_run_ns_shift(r, nsid, NULL);
		if (!shift)
			shift = 9;
		blocks = op->blocks ? op->blocks : 1u;
		if (blocks > NVMESIM_RUN_MAX_NLB) {
			nvmesim_run_slot_put(s);
			return ops_error(r, op, "%" PRIu32 " blocks: one command moves at most %u "
					 "(NVM CS §3.2.4 NLB)", blocks, NVMESIM_RUN_MAX_NLB);
		}
		need = op->io == NVMESIM_IO_TRIM ? sizeof(struct nvmesim_dsm_range) :
		       op->io == NVMESIM_IO_READ || op->io == NVMESIM_IO_WRITE ?
		       (uint64_t)blocks << shift : 0;
		err = ops_buffer(r, s, op, need);
		if (err) {
			nvmesim_run_slot_put(s);
			return err;
		}
		len = nvmesim_run_io_cmd(&cmd, op->io, nsid, op->lba, blocks, shift, s->buf);
		s->op = (uint8_t)op->io;
		s->dir = nvmesim_run_dir(op->io);
		s->bytes = nvmesim_run_io_bytes(op->io, blocks, shift);
		s->slba = op->lba;
	} else {
		err = ops_buffer(r, s, op, op->data_bytes);
		if (err) {
			nvmesim_run_slot_put(s);
			return err;
		}
		cmd = op->cmd;
		len = op->data_bytes;
		s->op = op->cmd.opcode;
		s->dir = NVMESIM_RUN_DIR_NONE;
		s->bytes = 0;
		s->slba = 0;
	}
	s->expect = op->expect == NVMESIM_EXPECT_STATUS;
	s->expect_status = NVMESIM_STATUS_CODE(op->expect_status);
	s->line = op->line;
	err = nvmesim_run_submit(r, q, s, &cmd, len, issue);
	if (err) {
		nvmesim_run_slot_put(s);
		if (err == -EBUSY)
			return 0;
		return ops_error(r, op, "cannot post the %s on queue %u: error %d",
				 ops_kind_name(op->kind), q->qid, err);
	}
	return 1;
}

/* ops_play - play @op if it is due; 1 when played, 0 when it must wait (the time it waits
 * for lowers @next), or -errno */
static int ops_play(struct nvmesim_run_src *src, const struct nvmesim_trace_op *op,
		    uint64_t *next)
{
	struct nvmesim_run_ops *o = &src->u.ops;
	struct nvmesim_runner *r = src->r;
	struct nvmesim_run_queue *q = NULL;
	uint64_t now, at = UINT64_MAX;
	int err;

	if (op->kind == NVMESIM_OP_IO || op->kind == NVMESIM_OP_ADMIN ||
	    op->kind == NVMESIM_OP_CMD) {
		if (!r->host)
			return ops_error(r, op, "%s: with 'init: manual' there is no host driver; "
					 "only mmio and wait operations run",
					 ops_kind_name(op->kind));
		q = ops_queue(r, op, &err);
		if (!q)
			return err;
	}
	now = nvmesim_run_now(r, q);
	if (op->at_ns >= 0) {
		at = r->t0 + (uint64_t)op->at_ns;
		if (now < at) {
			if (at < *next)
				*next = at;
			return 0;
		}
	}
	switch (op->kind) {
	case NVMESIM_OP_MMIO:
		err = ops_mmio(r, op);
		if (err > 0 && now > r->last_done && !r->any_io)
			r->last_done = now;
		return err;
	case NVMESIM_OP_WAIT:
		/* With the driver up a wait drains first: completions wake us. */
		if (r->host && src->inflight)
			return 0;
		if (!o->waiting) {
			o->waiting = true;
			o->wait_until = now + op->value;
		}
		if (now < o->wait_until) {
			if (o->wait_until < *next)
				*next = o->wait_until;
			return 0;
		}
		o->waiting = false;
		return 1;
	default:
		return ops_command(src, op, q, at != UINT64_MAX ? at : now);
	}
}

/* ops_issue - play operations until one must wait; 0 or -errno */
static int ops_issue(struct nvmesim_run_src *src, uint64_t *next)
{
	struct nvmesim_run_ops *o = &src->u.ops;
	struct nvmesim_runner *r = src->r;
	int ret;

	for (;;) {
		if (!o->have) {
			if (o->eof) {
				if (!src->inflight)
					src->done = true;
				return 0;
			}
			ret = nvmesim_trace_next_op(r->cfg->trace, &o->cur, r->diag);
			if (ret < 0)
				return ret;
			if (ret == 0) {
				o->eof = true;
				continue;
			}
			o->have = true;
			o->waiting = false;
		}
		ret = ops_play(src, &o->cur, next);
		if (ret <= 0)
			return ret;
		o->have = false;
	}
}

/* ops_fini - free the slots' buffers */
static void ops_fini(struct nvmesim_run_src *src)
{
	unsigned int i;

	for (i = 0; i < src->depth; i++) {
		if (src->r->host)
			nvmesim_host_dma_free(src->r->host, src->slots[i].buf);
		src->slots[i].buf = NULL;
	}
}

/* nvmesim_ops_init - the explicit operations' source: ops_iodepth slots, buffers on demand;
 * 0 or -ENOMEM */
int nvmesim_ops_init(struct nvmesim_runner *r, struct nvmesim_run_src *src,
		     struct nvmesim_diag *diag)
{
	unsigned int depth = r->cfg->set->ops_iodepth ? r->cfg->set->ops_iodepth : 1u;
	int err;

	(void)diag;
	snprintf(src->st->name, sizeof(src->st->name), "ops");
	err = nvmesim_run_slots_init(src, depth);
	if (err)
		return err;
	src->q = NULL;
	src->issue = ops_issue;
	src->fini = ops_fini;
	return 0;
}
