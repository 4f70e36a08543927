/* SPDX-License-Identifier: MIT */
/*
 * aer.c - keeping one Asynchronous Event Request outstanding (NVMe 2.0 §5.2).
 *
 * The controller reports events a command completion cannot carry (an
 * invalid doorbell write, a SMART warning, a namespace change) by completing
 * an outstanding AER command; with none outstanding it holds the event.  Like
 * Linux (nvme_async_event_work), the host re-arms the AER as soon as one
 * completes, and keeps the completion's dword 0 (type, information, log page)
 * in a small FIFO for nvmesim_host_next_event().  Reading the log page named
 * in the event, which unmasks that event type on the controller, is left to
 * the caller.
 */
#include "config.h"

#include <string.h>

#include "host/host-internal.h"

/* aer_push - queue event dword 0 @dw0, dropping it (and counting) when the FIFO is full */
static void aer_push(struct nvmesim_host *host, uint32_t dw0)
{
	if (host->ev_nr == NVMESIM_HOST_EVENTS) {
		host->ev_lost++;
		return;
	}
	host->events[(host->ev_head + host->ev_nr) % NVMESIM_HOST_EVENTS] = dw0;
	host->ev_nr++;
}

/* aer_done - an AER completed: keep the event and post a new request */
static void aer_done(void *arg, const struct nvmesim_cqe *cqe)
{
	struct nvmesim_host *host = arg;

	host->aer_armed = false;
	/* An error status (e.g. Asynchronous Event Request Limit Exceeded, or an
	 * abort at reset) means the controller will not take another one now. */
	if (NVMESIM_CQE_STATUS(cqe) != 0)
		return;
	aer_push(host, cqe->dw0);
	if (!host->closing)
		(void)nvmesim_host_aer_arm(host);
}

/* nvmesim_host_aer_arm - submit an AER on the admin queue and ring; 0 or -errno */
int nvmesim_host_aer_arm(struct nvmesim_host *host)
{
	struct nvmesim_sqe cmd;
	int r;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_ASYNC_EVENT;
	r = nvmesim_host_submit(host, 0, &cmd, NULL, 0, aer_done, host);
	if (r)
		return r;
	host->aer_armed = true;
	nvmesim_host_ring(host, 0);
	return 0;
}

/* nvmesim_host_next_event - pop the oldest AER dword 0 into @dw0; 1 if there was one, else 0 */
int nvmesim_host_next_event(struct nvmesim_host *host, uint32_t *dw0)
{
	if (!host || host->ev_nr == 0)
		return 0;
	if (dw0)
		*dw0 = host->events[host->ev_head];
	host->ev_head = (host->ev_head + 1) % NVMESIM_HOST_EVENTS;
	host->ev_nr--;
	return 1;
}
