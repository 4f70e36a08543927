/* SPDX-License-Identifier: MIT */
/*
 * gen.c - generator jobs: fio-like workloads made up on the fly.
 *
 * A job issues I/Os of one block size into a region of a namespace, at
 * sequential offsets (wrapping at the region's end) or at uniformly random
 * block-aligned ones, as reads, writes, trims, or a read/write mix drawn with
 * probability rwmixread.  Its randomness is its own xoshiro256** stream,
 * seeded from the trace's seed and the job's index, so adding a job or
 * changing another one's depth never changes this job's sequence.
 *
 * Closed loop (no rate): the job keeps iodepth I/Os in flight and issues a
 * new one whenever one completes, until count I/Os were issued or its runtime
 * is over; each I/O's issue time is the moment the runner posts it.
 * Open loop (rate_iops): I/O k arrives at t0 + k * 10^9 / rate ns, exactly
 * (no drift, no jitter), and is posted as soon as it has arrived and fewer
 * than iodepth are in flight.  Arrivals that find the depth full wait, and
 * their latency counts from their arrival, as fio's rate option measures it;
 * so a device slower than the rate shows it as growing latency, not as a
 * quietly lower arrival rate.  With neither count nor runtime, a job makes
 * one pass over its region (fio's default size-based run).
 *
 * Buffers: one host-memory allocation per job, one page-aligned buffer of bs
 * bytes per slot, filled once with a fixed pattern; a write stamps its LBA
 * into the first 8 bytes of every block it writes, so the payload is
 * deterministic and differs per block without a pass over the data.  Every
 * I/O of a job moves bs bytes from its slot's buffer, so the slot's data
 * pointer (PRP entries, and PRP list pages for more than two pages) is built
 * once and reused, as SPDK keeps a PRP list per request tracker: no list
 * page is allocated per I/O.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host/runner-internal.h"

/* gen_arrival - end time of open-loop arrival @k of @g (exact integer arithmetic) */
static inline uint64_t gen_arrival(const struct nvmesim_run_gen *g, uint64_t t0, uint64_t k)
{
	return t0 + (uint64_t)(((unsigned __int128)k * 1000000000u) / g->rate);
}

/* gen_issue - post the I/Os job @src may post now; 0 or -errno; the next arrival in @next */
static int gen_issue(struct nvmesim_run_src *src, uint64_t *next)
{
	struct nvmesim_run_gen *g = &src->u.gen;
	struct nvmesim_runner *r = src->r;
	struct nvmesim_run_queue *q = src->q;
	struct nvmesim_run_slot *s;
	struct nvmesim_sqe cmd;
	enum nvmesim_io_op op;
	uint64_t now, issue, unit;
	size_t len;
	int err;

	while (g->issued < g->limit && src->free_head != NVMESIM_RUN_NO_SLOT) {
		now = nvmesim_run_now(r, q);
		if (g->rate) {
			issue = gen_arrival(g, r->t0, g->issued);
			if (issue >= g->stop_ns) {
				g->limit = g->issued;
				break;
			}
			if (issue > now) {
				if (issue < *next)
					*next = issue;
				break;
			}
		} else {
			if (now >= g->stop_ns) {
				g->limit = g->issued;
				break;
			}
			issue = now;
		}
		/* Another source filled the queue: its completions wake us. */
		if (!nvmesim_run_queue_room(r, q->qid))
			break;
		s = nvmesim_run_slot_get(src);
		op = g->job->op;
		if (g->mixed)
			op = nvmesim_rng_below(&g->rng, 100) < g->job->rwmixread ? NVMESIM_IO_READ :
										 NVMESIM_IO_WRITE;
		if (g->job->pattern == NVMESIM_PATTERN_RANDOM) {
			unit = nvmesim_rng_below(&g->rng, g->units);
		} else {
			unit = g->seq;
			if (++g->seq == g->units)
				g->seq = 0;
		}
		s->slba = g->region_lba + unit * g->nlb;
		s->op = (uint8_t)op;
		s->dir = nvmesim_run_dir(op);
		s->bytes = nvmesim_run_io_bytes(op, g->nlb, g->lba_shift);
		len = nvmesim_run_io_cmd(&cmd, op, g->nsid, s->slba, g->nlb, g->lba_shift, s->buf);
		if (len) {
			/* the slot's prebuilt data pointer (PSDT 00b: PRPs, NVMe 2.0 §4.1.1);
			 * a trim's 16-byte range fits in its first page */
			cmd.prp1 = g->prps[s - src->slots].prp1;
			cmd.prp2 = op == NVMESIM_IO_TRIM ? 0 : g->prps[s - src->slots].prp2;
		}
		err = nvmesim_run_submit(r, q, s, &cmd, 0, issue);
		if (err) {
			nvmesim_run_slot_put(s);
			if (err == -EBUSY)
				break;
			nvmesim_diag_set(r->diag, "job '%s': cannot post an I/O on queue %u: "
					 "error %d", src->st->name, q->qid, err);
			return err;
		}
		g->issued++;
	}
	if (g->issued >= g->limit && !src->inflight)
		src->done = true;
	return 0;
}

/* gen_fini - free the job's buffers and data pointers */
static void gen_fini(struct nvmesim_run_src *src)
{
	struct nvmesim_run_gen *g = &src->u.gen;
	struct nvmesim_host *host = src->r->host;
	unsigned int i;

	if (g->prps) {
		for (i = 0; i < src->depth; i++)
			nvmesim_host_prp_release(host->hm, &g->prps[i]);
		free(g->prps);
	}
	g->prps = NULL;
	nvmesim_host_dma_free(host, g->bufs);
	g->bufs = NULL;
}

/* gen_region - check @job against its namespace and set the region of @g; 0 or -EINVAL */
static int gen_region(struct nvmesim_runner *r, struct nvmesim_run_gen *g,
		      const struct nvmesim_job *job, const char *name, struct nvmesim_diag *diag)
{
	uint64_t nsze, ns_bytes, size, lba;

	g->nsid = job->nsid ? job->nsid : 1u;
	g->lba_shift = nvmesim_run_ns_shift(r, g->nsid, &nsze);
	if (!g->lba_shift) {
		nvmesim_diag_set(diag, "job '%s': namespace %" PRIu32 " is not active on the "
				 "controller", name, g->nsid);
		return -EINVAL;
	}
	lba = 1ull << g->lba_shift;
	ns_bytes = nsze << g->lba_shift;
	if (job->bs == 0 || job->bs % lba) {
		nvmesim_diag_set(diag, "job '%s': bs %" PRIu32 " is not a multiple of namespace "
				 "%" PRIu32 "'s %" PRIu64 "-byte logical blocks", name, job->bs,
				 g->nsid, lba);
		return -EINVAL;
	}
	if ((job->bs >> g->lba_shift) > NVMESIM_RUN_MAX_NLB) {
		nvmesim_diag_set(diag, "job '%s': bs %" PRIu32 " is more than one command moves "
				 "(%u blocks; NVM CS §3.2.4 NLB)", name, job->bs,
				 NVMESIM_RUN_MAX_NLB);
		return -EINVAL;
	}
	g->nlb = job->bs >> g->lba_shift;
	if (job->offset % lba || job->offset >= ns_bytes) {
		nvmesim_diag_set(diag, "job '%s': offset %" PRIu64 " must be a multiple of %" PRIu64
				 " below namespace %" PRIu32 "'s %" PRIu64 " bytes", name,
				 job->offset, lba, g->nsid, ns_bytes);
		return -EINVAL;
	}
	size = job->size ? job->size : ns_bytes - job->offset;
	if (size > ns_bytes - job->offset) {
		nvmesim_diag_set(diag, "job '%s': region of %" PRIu64 " bytes at offset %" PRIu64
				 " goes past the end of namespace %" PRIu32 " (%" PRIu64 " bytes)",
				 name, size, job->offset, g->nsid, ns_bytes);
		return -EINVAL;
	}
	g->units = size / job->bs;
	if (!g->units) {
		nvmesim_diag_set(diag, "job '%s': region of %" PRIu64 " bytes holds no %" PRIu32
				 "-byte block", name, size, job->bs);
		return -EINVAL;
	}
	g->region_lba = job->offset >> g->lba_shift;
	return 0;
}

/* gen_fill - the fixed pattern of write buffers: bytes that differ along the buffer */
static void gen_fill(uint8_t *b, size_t len, unsigned int index)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)((i * 0x9du) ^ (i >> 8) ^ (index * 0x35u) ^ 0x5au);
}

/* nvmesim_gen_init - set up source @src for job @index; 0, -EINVAL with @diag or -ENOMEM */
int nvmesim_gen_init(struct nvmesim_runner *r, struct nvmesim_run_src *src, unsigned int index,
		     struct nvmesim_diag *diag)
{
	const struct nvmesim_job *job = &r->cfg->set->jobs[index];
	struct nvmesim_run_gen *g = &src->u.gen;
	unsigned int nr_io = nvmesim_host_nr_io_queues(r->host), qid, depth, room, i;
	size_t stride;
	int err;

	if (job->name[0])
		snprintf(src->st->name, sizeof(src->st->name), "%s", job->name);
	else
		snprintf(src->st->name, sizeof(src->st->name), "job%u", index);
	g->job = job;
	err = gen_region(r, g, job, src->st->name, diag);
	if (err)
		return err;
	if (!nr_io) {
		nvmesim_diag_set(diag, "job '%s': the host has no I/O queue", src->st->name);
		return -EINVAL;
	}
	qid = job->queue ? job->queue : index % nr_io + 1u;
	if (qid > nr_io) {
		nvmesim_diag_set(diag, "job '%s': queue %u, but the host has %u I/O queue%s (the "
				 "controller may grant fewer than host.queues)", src->st->name, qid,
				 nr_io, nr_io == 1 ? "" : "s");
		return -EINVAL;
	}
	src->q = &r->queues[qid];
	depth = job->iodepth ? job->iodepth : 1u;
	room = r->host->qps[qid].nr_tags;
	if (depth > room) {
		nvmesim_run_message(r, "job '%s': iodepth %u capped at %u, what queue %u holds",
				    src->st->name, depth, room, qid);
		depth = room;
	}
	err = nvmesim_run_slots_init(src, depth);
	if (err)
		return err;

	/* Buffers for what the job moves: data, or a Dataset Management range. */
	stride = (size_t)NVMESIM_ALIGN_UP(job->bs, NVMESIM_HOSTMEM_PAGE);
	g->bufs = nvmesim_host_dma_alloc(r->host, stride * depth);
	if (!g->bufs) {
		nvmesim_diag_set(diag, "job '%s': no host memory for %u buffers of %" PRIu32
				 " bytes", src->st->name, depth, job->bs);
		return -ENOMEM;
	}
	src->fini = gen_fini;
	g->prps = calloc(depth, sizeof(*g->prps));
	if (!g->prps)
		return -ENOMEM;
	g->mixed = (job->op == NVMESIM_IO_READ || job->op == NVMESIM_IO_WRITE) &&
		   job->rwmixread < 100;
	for (i = 0; i < depth; i++) {
		src->slots[i].buf = (uint8_t *)g->bufs + stride * i;
		src->slots[i].buf_len = stride;
		if (job->op == NVMESIM_IO_WRITE || g->mixed)
			gen_fill(src->slots[i].buf, stride, index);
		err = nvmesim_host_prp_build(r->host->hm, r->host->page_size, src->slots[i].buf,
					     job->bs, &g->prps[i]);
		if (err) {
			nvmesim_diag_set(diag, "job '%s': no host memory for PRP lists of %" PRIu32
					 "-byte I/Os", src->st->name, job->bs);
			return err;
		}
	}

	nvmesim_rng_seed(&g->rng, r->cfg->seed, index);
	g->rate = job->rate_iops;
	g->stop_ns = job->runtime_ns ? r->t0 + job->runtime_ns : UINT64_MAX;
	if (job->count)
		g->limit = job->count;
	else
		g->limit = job->runtime_ns ? UINT64_MAX : g->units;
	src->issue = gen_issue;
	return 0;
}
