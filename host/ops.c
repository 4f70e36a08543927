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
 *  - A doorbell write names a queue; the offset follows CAP.DSTRD.  With the
 *    host driver up only queues it did not create may be written (an invalid
 *    doorbell register, for conformance: NVMe 2.0 §5.2).
 *  - An event operation takes the oldest asynchronous event the host driver
 *    received (it keeps an AER outstanding) and compares its dword 0, waiting
 *    for one up to `within:`.
 *  - An expectation may carry values per backend (`expect: {sim: ...,
 *    vfio: ...}`): sim's is the spec's answer, another backend's is its
 *    recorded departure, used on that backend and counted for the summary.
 *  - `verify:` on reads and writes: writes fill self-describing blocks, reads
 *    check them (gen.c).
 *  - `prp_offset:` on raw commands offsets PRP1 into the buffer by that many
 *    bytes, aligned or not, to provoke PRP Offset Invalid (NVMe 2.0 §4.1.1).
 *
 * Data buffers belong to the slots and grow to the largest operation a slot
 * has carried (one allocation per growth, none per operation afterwards).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
	case NVMESIM_OP_DOORBELL:
		return "doorbell write";
	case NVMESIM_OP_EVENT:
		return "event";
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

/*
 * ops_sink - the buffer that reads without verify share: nothing reads their data, so the
 * end may leave it unwritten (end.h, dma_sink), and concurrent reads may share it.  Made
 * once; NULL when the end keeps no sinks or host memory is short, and the slot's own
 * buffer is used as before.
 */
static void *ops_sink(struct nvmesim_runner *r, struct nvmesim_run_ops *o)
{
	if (o->sink || o->no_sink)
		return o->sink;
	o->sink = nvmesim_host_dma_alloc(r->host, NVMESIM_RUN_OPS_SINK_BYTES);
	if (o->sink &&
	    nvmesim_host_dma_sink(r->host, o->sink, NVMESIM_RUN_OPS_SINK_BYTES, 1)) {
		nvmesim_host_dma_free(r->host, o->sink);
		o->sink = NULL;
	}
	o->no_sink = !o->sink;
	return o->sink;
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

/* nvmesim_run_backend - enum nvmesim_trace_backend of a backend name; sim when unknown */
unsigned int nvmesim_run_backend(const char *name)
{
	size_t n;

	if (!name)
		return NVMESIM_TRACE_BACKEND_SIM;
	n = strcspn(name, ":");
	if (n == 4 && !strncmp(name, "vfio", 4))
		return NVMESIM_TRACE_BACKEND_VFIO;
	return NVMESIM_TRACE_BACKEND_SIM;
}

/* ops_departure - count expectation @op (a departure of some backend or not) and tell
 * whether this run's backend uses its own value */
static bool ops_departure(struct nvmesim_runner *r, const struct nvmesim_trace_op *op)
{
	size_t len = strlen(r->departure_lines);

	r->expects++;
	if (!op->expect_alt)
		return false;
	r->departures++;
	if (!(op->expect_alt & (1u << r->backend)))
		return false;
	r->departures_used++;
	if (len + 12 < sizeof(r->departure_lines))
		snprintf(r->departure_lines + len, sizeof(r->departure_lines) - len, "%s%u",
			 len ? ", " : "", op->line);
	else if (len + 4 < sizeof(r->departure_lines) && !strstr(r->departure_lines, "..."))
		snprintf(r->departure_lines + len, sizeof(r->departure_lines) - len, ", ...");
	return true;
}

/* ops_backend_note - whose value an expectation of @op expected, for a failure message:
 * " for BACKEND (its recorded departure)" or " (the spec's answer ...)" on a backend other
 * than sim; on sim " for sim (the spec's answer)" when @op records a departure, else "" */
static const char *ops_backend_note(struct nvmesim_runner *r, const struct nvmesim_trace_op *op,
				    bool alt, char *buf, size_t len)
{
	static const char *const names[NVMESIM_TRACE_BACKENDS] = { "sim", "vfio" };

	if (r->backend == NVMESIM_TRACE_BACKEND_SIM)
		return op->expect_alt ? " for sim (the spec's answer)" : "";
	if (alt)
		snprintf(buf, len, " for %s (its recorded departure)", names[r->backend]);
	else
		snprintf(buf, len, " (the spec's answer; no departure recorded for %s)",
			 names[r->backend]);
	return buf;
}

/* ops_mmio - play register access @op; 1 when done, or -EINVAL */
static int ops_mmio(struct nvmesim_runner *r, const struct nvmesim_trace_op *op)
{
	uint64_t v, mask, want, all = op->width == 8 ? UINT64_MAX : UINT32_MAX;
	const char *name = nvmesim_reg_name(op->reg);
	char what[400], reg[16], dec[256], note[80];
	bool alt;

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
	alt = ops_departure(r, op);
	want = alt ? op->alt_value[r->backend] : op->expect_value;
	mask = (op->expect_mask ? op->expect_mask : all) & all;
	if ((v & mask) == (want & mask))
		return 1;
	if (name)
		snprintf(reg, sizeof(reg), "%s", name);
	else
		snprintf(reg, sizeof(reg), "0x%04" PRIx32, op->reg);
	dec[0] = '\0';
	if (name)
		nvmesim_reg_decode(op->reg, v, dec, sizeof(dec));
	snprintf(what, sizeof(what), "%s: expected 0x%" PRIx64 " under mask 0x%" PRIx64
		 "%s, got 0x%" PRIx64 "%s%s%s", reg, want & mask, mask,
		 ops_backend_note(r, op, alt, note, sizeof(note)), v, dec[0] ? " (" : "", dec,
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

/* ops_prp_offset - the data pointer of raw command @op with PRP1 @op->prp_offset bytes into
 * slot @s's buffer (the pages after it as usual), built here because the host refuses an
 * offset that is not dword aligned; into @cmd; 0, -EINVAL or -ENOMEM */
static int ops_prp_offset(struct nvmesim_runner *r, struct nvmesim_run_src *src,
			  struct nvmesim_run_slot *s, const struct nvmesim_trace_op *op,
			  struct nvmesim_sqe *cmd)
{
	struct nvmesim_host_prp *prp = &src->u.ops.prps[s - src->slots];
	int err;

	/* the list pages of the slot's previous command (long completed) */
	nvmesim_host_prp_release(r->host->hm, prp);
	/* the pages of [buf, buf + offset + len) are those of [buf + offset, + len) */
	err = nvmesim_host_prp_build(r->host->hm, r->host->page_size, s->buf,
				     (size_t)op->data_bytes + op->prp_offset, prp);
	if (err)
		return ops_error(r, op, "cannot build the data pointer with prp_offset %u: "
				 "error %d", op->prp_offset, err);
	cmd->flags &= (uint8_t)~0xc0u;          /* PSDT 00b: PRPs (NVMe 2.0 §4.2) */
	cmd->prp1 = prp->prp1 + op->prp_offset;
	cmd->prp2 = prp->prp2;
	return 0;
}

/* ops_doorbell - play doorbell write @op; 1 when done, or -EINVAL for a queue the host
 * driver owns */
static int ops_doorbell(struct nvmesim_runner *r, const struct nvmesim_trace_op *op)
{
	unsigned int owned = r->host ? nvmesim_host_nr_io_queues(r->host) : 0;

	if (r->host && op->queue <= owned)
		return ops_error(r, op, "doorbell of queue %u: the host driver owns the doorbells "
				 "of queues 0 to %u (write those with 'init: manual')", op->queue,
				 owned);
	nvmesim_end_write32(r->end, nvmesim_end_doorbell(r->end, (uint16_t)op->queue,
							 op->doorbell_cq ? 1 : 0),
			    (uint32_t)op->value);
	return 1;
}

/* ops_event - play event @op at @now: compare the oldest asynchronous event the host got;
 * 1 when done, 0 while it waits for one (its deadline lowers @next), or -EINVAL */
static int ops_event(struct nvmesim_run_src *src, const struct nvmesim_trace_op *op,
		     uint64_t now, uint64_t *next)
{
	struct nvmesim_run_ops *o = &src->u.ops;
	struct nvmesim_runner *r = src->r;
	char what[300], note[80];
	uint32_t dw0, want, mask;
	bool alt;

	if (!r->host)
		return ops_error(r, op, "event: with 'init: manual' there is no host driver to "
				 "keep an Asynchronous Event Request outstanding");
	if (src->inflight)
		return 0;
	if (!o->waiting) {
		o->waiting = true;
		o->wait_until = now + op->value;
	}
	if (!nvmesim_host_next_event(r->host, &dw0)) {
		if (now < o->wait_until) {
			/* look again in a while: the event comes as an admin completion */
			nvmesim_run_due(r, NULL, NVMESIM_MIN(now + 10000u, o->wait_until), next);
			return 0;
		}
		o->waiting = false;
		if (op->expect != NVMESIM_EXPECT_VALUE)
			return 1;
		alt = ops_departure(r, op);
		want = (uint32_t)(alt ? op->alt_value[r->backend] : op->expect_value);
		snprintf(what, sizeof(what), "expected an asynchronous event with dword 0 0x%08"
			 PRIx32 " under mask 0x%08" PRIx32 "%s, got none within %" PRIu64 " us",
			 want, (uint32_t)op->expect_mask, ops_backend_note(r, op, alt, note,
			 sizeof(note)), op->value / 1000);
		nvmesim_run_expect_failed(r, op->line, what);
		return 1;
	}
	o->waiting = false;
	if (op->expect != NVMESIM_EXPECT_VALUE)
		return 1;
	alt = ops_departure(r, op);
	want = (uint32_t)(alt ? op->alt_value[r->backend] : op->expect_value);
	mask = (uint32_t)op->expect_mask;
	if ((dw0 & mask) == (want & mask))
		return 1;
	/* dword 0: type 2:0, information 15:8, log page 23:16 (NVMe 2.0 §5.2) */
	snprintf(what, sizeof(what), "expected an asynchronous event with dword 0 0x%08" PRIx32
		 " under mask 0x%08" PRIx32 "%s, got 0x%08" PRIx32 " (type %u, information "
		 "0x%02x, log page 0x%02x)", want & mask, mask,
		 ops_backend_note(r, op, alt, note, sizeof(note)), dw0, dw0 & 7u,
		 (dw0 >> 8) & 0xffu, (dw0 >> 16) & 0xffu);
	nvmesim_run_expect_failed(r, op->line, what);
	return 1;
}

/* ops_command - post I/O or raw command @op on @q issued at @issue; 1 when posted, 0 when it
 * must wait for a slot or queue entry, or -errno */
static int ops_command(struct nvmesim_run_src *src, const struct nvmesim_trace_op *op,
		       struct nvmesim_run_queue *q, uint64_t issue)
{
	struct nvmesim_runner *r = src->r;
	struct nvmesim_run_ops *o = &src->u.ops;
	struct nvmesim_run_slot *s;
	struct nvmesim_sqe cmd;
	unsigned int shift;
	uint32_t nsid, blocks;
	uint64_t need;
	void *data;
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
		data = op->io == NVMESIM_IO_READ && !op->verify &&
		       need <= NVMESIM_RUN_OPS_SINK_BYTES ? ops_sink(r, o) : NULL;
		if (!data) {
			err = ops_buffer(r, s, op, need);
			if (err) {
				nvmesim_run_slot_put(s);
				return err;
			}
			data = s->buf;
		}
		len = nvmesim_run_io_cmd(&cmd, op->io, nsid, op->lba, blocks, shift, data);
		s->verify = 0;
		if (op->verify && op->io == NVMESIM_IO_WRITE) {
			nvmesim_run_verify_fill(s->buf, nsid, op->lba, blocks, shift, r->cfg->seed);
		} else if (op->verify && op->io == NVMESIM_IO_READ) {
			s->verify = (uint8_t)shift;
			o->nsids[s - src->slots] = nsid;
		}
		s->op = (uint8_t)op->io;
		s->dir = nvmesim_run_dir(op->io);
		s->bytes = nvmesim_run_io_bytes(op->io, blocks, shift);
		s->slba = op->lba;
	} else {
		err = ops_buffer(r, s, op, (uint64_t)op->data_bytes + op->prp_offset);
		if (err) {
			nvmesim_run_slot_put(s);
			return err;
		}
		cmd = op->cmd;
		data = s->buf;
		len = op->data_bytes;
		if (op->prp_offset && len) {
			err = ops_prp_offset(r, src, s, op, &cmd);
			if (err) {
				nvmesim_run_slot_put(s);
				return err;
			}
			len = 0;        /* the host keeps the PRPs built here */
		}
		s->verify = 0;
		s->op = op->cmd.opcode;
		s->dir = NVMESIM_RUN_DIR_NONE;
		s->bytes = 0;
		s->slba = 0;
	}
	s->expect = op->expect == NVMESIM_EXPECT_STATUS;
	s->expect_status = NVMESIM_STATUS_CODE(op->expect_status);
	if (s->expect && op->expect_alt)
		s->expect_status |= NVMESIM_RUN_EXPECT_MAP;
	if (s->expect && (op->expect_alt & (1u << r->backend)))
		s->expect_status = (uint16_t)(NVMESIM_STATUS_CODE(op->alt_status[r->backend]) |
					      NVMESIM_RUN_EXPECT_ALT);
	s->line = op->line;
	err = nvmesim_run_submit(r, q, s, &cmd, data, len, issue);
	if (err) {
		nvmesim_run_slot_put(s);
		if (err == -EBUSY)
			return 0;
		return ops_error(r, op, "cannot post the %s on queue %u: error %d",
				 ops_kind_name(op->kind), q->qid, err);
	}
	/* counted once posted: a full queue makes the operation come back */
	if (s->expect)
		(void)ops_departure(r, op);
	if (op->kind == NVMESIM_OP_IO && op->verify && op->io == NVMESIM_IO_WRITE)
		r->verify_written += op->blocks ? op->blocks : 1u;
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
			nvmesim_run_due(r, q, at, next);
			return 0;
		}
	}
	switch (op->kind) {
	case NVMESIM_OP_MMIO:
		err = ops_mmio(r, op);
		if (err > 0 && now > r->last_done && !r->any_io)
			r->last_done = now;
		return err;
	case NVMESIM_OP_DOORBELL:
		err = ops_doorbell(r, op);
		if (err > 0 && now > r->last_done && !r->any_io)
			r->last_done = now;
		return err;
	case NVMESIM_OP_EVENT:
		return ops_event(src, op, now, next);
	case NVMESIM_OP_WAIT:
		/* With the driver up a wait drains first: completions wake us. */
		if (r->host && src->inflight)
			return 0;
		if (!o->waiting) {
			o->waiting = true;
			o->wait_until = now + op->value;
		}
		if (now < o->wait_until) {
			nvmesim_run_due(r, q, o->wait_until, next);
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

/* ops_fini - free the slots' buffers and data pointers */
static void ops_fini(struct nvmesim_run_src *src)
{
	struct nvmesim_run_ops *o = &src->u.ops;
	unsigned int i;

	for (i = 0; i < src->depth; i++) {
		if (src->r->host) {
			if (o->prps)
				nvmesim_host_prp_release(src->r->host->hm, &o->prps[i]);
			nvmesim_host_dma_free(src->r->host, src->slots[i].buf);
		}
		src->slots[i].buf = NULL;
	}
	free(o->prps);
	o->prps = NULL;
	free(o->nsids);
	o->nsids = NULL;
	if (o->sink) {
		nvmesim_host_dma_sink(src->r->host, o->sink, NVMESIM_RUN_OPS_SINK_BYTES, 0);
		nvmesim_host_dma_free(src->r->host, o->sink);
	}
	o->sink = NULL;
}

/* ops_percent - @a as a share of @b, for the summary */
static double ops_percent(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* nvmesim_run_summary - the departures and verification of the run, as message lines */
void nvmesim_run_summary(struct nvmesim_runner *r)
{
	static const char *const names[NVMESIM_TRACE_BACKENDS] = { "sim", "vfio" };

	if (r->departures && r->backend == NVMESIM_TRACE_BACKEND_SIM)
		nvmesim_run_message(r, "%s: %" PRIu64 " of %" PRIu64 " expectations record a "
				    "departure of another backend from the spec; on sim all use "
				    "the spec's answer", r->path, r->departures, r->expects);
	else if (r->departures)
		nvmesim_run_message(r, "%s: %" PRIu64 " of %" PRIu64 " expectations used the %s "
				    "value, a recorded departure from the spec (%.0f%%)%s%s",
				    r->path,
				    r->departures_used, r->expects, names[r->backend],
				    ops_percent(r->departures_used, r->expects),
				    r->departures_used > 1 ? ": lines " :
				    r->departures_used ? ": line " : "", r->departure_lines);
	if (r->verify_written || r->verify_blocks)
		nvmesim_run_message(r, "%s: verify: %" PRIu64 " blocks written with the pattern, %"
				    PRIu64 " read back and checked, %" PRIu64 " bad", r->path,
				    r->verify_written, r->verify_blocks, r->verify_bad);
}

/* nvmesim_ops_init - the explicit operations' source: ops_iodepth slots, buffers on demand;
 * 0 or -ENOMEM */
int nvmesim_ops_init(struct nvmesim_runner *r, struct nvmesim_run_src *src,
		     struct nvmesim_diag *diag)
{
	unsigned int depth = r->cfg->set->ops_iodepth ? r->cfg->set->ops_iodepth : 1u, i;
	int err;

	(void)diag;
	snprintf(src->st->name, sizeof(src->st->name), "ops");
	err = nvmesim_run_slots_init(src, depth);
	if (err)
		return err;
	src->q = NULL;
	src->issue = ops_issue;
	src->fini = ops_fini;
	src->u.ops.nsids = calloc(depth, sizeof(*src->u.ops.nsids));
	src->u.ops.prps = calloc(depth, sizeof(*src->u.ops.prps));
	if (!src->u.ops.nsids || !src->u.ops.prps)
		return -ENOMEM;
	for (i = 0; i < depth; i++) {
		src->u.ops.prps[i].lists = src->u.ops.prps[i].inline_lists;
		src->u.ops.prps[i].cap_lists = NVMESIM_HOST_PRP_INLINE;
	}
	return 0;
}
