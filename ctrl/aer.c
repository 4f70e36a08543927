/* SPDX-License-Identifier: MIT */
/*
 * aer.c - asynchronous events (NVMe 2.0 §5.2) and the Error Information log
 * (§5.16.1.2).
 *
 * The host keeps Asynchronous Event Request commands outstanding (at most
 * Identify AERL + 1); the controller completes one when something happens
 * that is not tied to a command, such as an invalid doorbell write.  Events
 * that arrive while no AER is outstanding wait in a small queue (QEMU keeps
 * one too, nvme_enqueue_event); when it is full, further events are dropped
 * (their Error log entries are still recorded).  §5.2: once an event of a
 * type has been reported, the controller reports no further event of that
 * type until the host reads the log page the event named with Retain
 * Asynchronous Event (RAE) cleared.
 *
 * The Error Information log keeps the newest ELPE + 1 entries, each with an
 * Error Count that increases by one per error and is never 0 for a used entry.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctrl/ctrl.h"

/* Report queued events to waiting AER commands, oldest event first, one per type. */
static void aer_dispatch(struct nvmesim_ctrl *c)
{
	struct nvmesim_ctrl_cmd *cmd, *oldest;
	struct nvmesim_ctrl_event ev;
	unsigned int i;

	while (c->nr_aer) {
		for (i = 0; i < c->nr_evq; i++)
			if (!(c->aer_masked & (1u << c->evq[i].type)))
				break;
		if (i == c->nr_evq)
			return;
		ev = c->evq[i];
		memmove(&c->evq[i], &c->evq[i + 1], (c->nr_evq - i - 1) * sizeof(c->evq[0]));
		c->nr_evq--;

		/* the oldest waiting AER (the list is newest first) */
		oldest = NULL;
		for (cmd = c->cmds; cmd; cmd = cmd->next)
			if (cmd->state == NVMESIM_CMD_AER_WAIT)
				oldest = cmd;
		if (!oldest)
			return;
		c->aer_masked |= (uint8_t)(1u << ev.type);
		c->aer_mask_lid[ev.type] = ev.lid;
		nvmesim_exec_finish(c, oldest, NVMESIM_SC_SUCCESS,
				    NVMESIM_AER_RESULT(ev.type, ev.info, ev.lid));
	}
}

/* nvmesim_aer_submit - accept an AER command (§5.2); NVMESIM_CMD_DEFERRED or the limit status */
uint16_t nvmesim_aer_submit(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
			    struct nvmesim_cmd_res *res)
{
	/* §5.2: more than AERL + 1 outstanding -> Asynchronous Event Request Limit Exceeded */
	if (c->nr_aer >= c->opts.aerl + 1) {
		snprintf(res->why, sizeof(res->why), "%u Asynchronous Event Requests already "
			 "outstanding, Identify AERL allows %u (NVMe 2.0 §5.2)", c->nr_aer,
			 c->opts.aerl + 1);
		return NVMESIM_SC_AER_LIMIT;
	}
	cmd->state = NVMESIM_CMD_AER_WAIT;
	c->nr_aer++;
	aer_dispatch(c);
	return NVMESIM_CMD_DEFERRED;
}

/* nvmesim_aer_event - raise an asynchronous event; reported now or queued */
void nvmesim_aer_event(struct nvmesim_ctrl *c, uint8_t type, uint8_t info, uint8_t lid)
{
	unsigned int i;

	type &= 7;
	for (i = 0; i < c->nr_evq; i++)
		if (c->evq[i].type == type && c->evq[i].info == info && c->evq[i].lid == lid)
			goto dispatch;   /* the same event is already waiting */
	if (c->nr_evq == NVMESIM_AER_QUEUE) {
		nvmesim_ctrl_diag(c, "asynchronous event (type %u, info 0x%02x, log 0x%02x) "
				  "dropped: %u events already wait for an Asynchronous Event "
				  "Request (NVMe 2.0 §5.2)", type, info, lid, NVMESIM_AER_QUEUE);
		return;
	}
	c->evq[c->nr_evq].type = type;
	c->evq[c->nr_evq].info = info;
	c->evq[c->nr_evq].lid = lid;
	c->nr_evq++;
dispatch:
	aer_dispatch(c);
}

/* nvmesim_aer_log_read - the host read log page @lid with RAE=0: unmask its events */
void nvmesim_aer_log_read(struct nvmesim_ctrl *c, uint8_t lid)
{
	unsigned int t;

	for (t = 0; t < 8; t++)
		if ((c->aer_masked & (1u << t)) && c->aer_mask_lid[t] == lid)
			c->aer_masked &= (uint8_t)~(1u << t);
	aer_dispatch(c);
}

/* nvmesim_aer_reset - forget queued events and masks (AER commands go with exec_reset) */
void nvmesim_aer_reset(struct nvmesim_ctrl *c)
{
	c->nr_evq = 0;
	c->aer_masked = 0;
	memset(c->aer_mask_lid, 0, sizeof(c->aer_mask_lid));
}

/* nvmesim_errlog_add - append an Error Information log entry (§5.16.1.2) */
void nvmesim_errlog_add(struct nvmesim_ctrl *c, uint16_t sqid, uint16_t cid, uint16_t status,
			uint16_t param_loc, uint64_t lba, uint32_t nsid)
{
	struct nvmesim_error_log_entry *e = &c->errlog[c->errlog_next];

	memset(e, 0, sizeof(*e));
	e->error_count = ++c->error_count;
	e->sqid = sqid;
	e->cid = cid;
	e->status = (uint16_t)(status << 1);
	e->param_loc = param_loc;
	e->lba = lba;
	e->nsid = nsid;
	c->errlog_next = (c->errlog_next + 1) % (c->opts.elpe + 1);
}

/* nvmesim_errlog_page - fill @buf ((ELPE+1) * 64 bytes) newest first */
void nvmesim_errlog_page(const struct nvmesim_ctrl *c, struct nvmesim_error_log_entry *buf)
{
	unsigned int n = c->opts.elpe + 1, i, slot;

	memset(buf, 0, n * sizeof(*buf));
	for (i = 0; i < n && i < c->error_count; i++) {
		slot = (c->errlog_next + n - 1 - i) % n;
		buf[i] = c->errlog[slot];
	}
}
