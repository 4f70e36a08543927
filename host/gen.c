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
 *
 * Verification (`verify: on`, as fio's verify header): a write fills every
 * logical block with a self-describing block - magic, namespace, LBA, a word
 * from the seed, the block size and a checksum over the whole block, the rest
 * a pattern derived from them - and a verified read checks that every block
 * it read carries its own LBA and namespace and a valid checksum.  Nothing is
 * remembered per LBA: a block describes itself.  A write job with verify
 * reads back what it wrote once its writes are done (fio's do_verify): the
 * same units in the same order, the random ones by replaying its offset
 * stream from the start.  With verify off the per-I/O path is unchanged but
 * for one test.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host/runner-internal.h"

/* verify block layout, in 64-bit words (little-endian hosts) */
enum {
	VB_MAGIC_NSID,   /* magic 31:0, nsid 63:32 */
	VB_LBA,          /* the block's LBA */
	VB_SEED,         /* a word derived from the run's seed */
	VB_SIZE,         /* the block size in bytes */
	VB_SUM,          /* checksum of the block with this word taken as 0 */
	VB_HEADER,       /* words in the header; the pattern follows */
};

/* verify_mix - one step of the block checksum */
static inline uint64_t verify_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* verify_sum - checksum of the @words-word block @w, word VB_SUM taken as 0 */
static uint64_t verify_sum(const uint64_t *w, size_t words)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ words;
	size_t i;

	for (i = 0; i < words; i++)
		h = verify_mix(h, i == VB_SUM ? 0 : w[i]);
	return h;
}

/* nvmesim_run_verify_fill - self-describing blocks for a verified write */
void nvmesim_run_verify_fill(void *buf, uint32_t nsid, uint64_t slba, uint32_t nlb,
			     unsigned int lba_shift, uint64_t seed)
{
	size_t words = ((size_t)1 << lba_shift) / 8, i;
	uint64_t sw = nvmesim_splitmix64(&seed), x;
	uint64_t *w;
	uint32_t b;

	for (b = 0; b < nlb; b++) {
		w = (uint64_t *)((uint8_t *)buf + ((size_t)b << lba_shift));
		w[VB_MAGIC_NSID] = NVMESIM_RUN_VERIFY_MAGIC | (uint64_t)nsid << 32;
		w[VB_LBA] = slba + b;
		w[VB_SEED] = sw;
		w[VB_SIZE] = (uint64_t)1 << lba_shift;
		/* an LCG from seed word and LBA: cheap, and different in every block */
		x = sw ^ ((slba + b) * 0x9e3779b97f4a7c15ull);
		for (i = VB_HEADER; i < words; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			w[i] = x ^ (x >> 29);
		}
		w[VB_SUM] = verify_sum(w, words);
	}
}

/* verify_tell - report bad block @lba of slot @s (the first few of the run) and count it */
static void verify_tell(struct nvmesim_runner *r, struct nvmesim_run_slot *s, uint64_t lba,
			const char *what)
{
	char where[300];

	r->verify_bad++;
	r->res->expect_failures++;
	if (r->verify_bad > NVMESIM_RUN_VERIFY_TOLD)
		return;
	if (s->line)
		snprintf(where, sizeof(where), "%s:%u", r->path, s->line);
	else
		snprintf(where, sizeof(where), "job '%s'", s->src->st->name);
	nvmesim_run_message(r, "%s: verify: LBA %" PRIu64 ": %s%s", where, lba, what,
			    r->verify_bad == NVMESIM_RUN_VERIFY_TOLD ?
			    "; further bad blocks are counted only" : "");
}

/* nvmesim_run_verify_check - check the blocks of a verified read that succeeded */
void nvmesim_run_verify_check(struct nvmesim_runner *r, struct nvmesim_run_slot *s)
{
	struct nvmesim_run_src *src = s->src;
	unsigned int shift = s->verify;
	size_t words = ((size_t)1 << shift) / 8;
	uint32_t nsid = src->q ? src->u.gen.nsid : src->u.ops.nsids[s - src->slots];
	uint64_t nlb = s->bytes >> shift, b, lba, sum;
	const uint64_t *w;
	char what[200];

	for (b = 0; b < nlb; b++) {
		w = (const uint64_t *)((const uint8_t *)s->buf + (b << shift));
		lba = s->slba + b;
		r->verify_blocks++;
		if (!w[VB_MAGIC_NSID] && !w[VB_LBA] && !w[VB_SEED]) {
			snprintf(what, sizeof(what), "zeros where the verify header belongs: never "
				 "written with verify, or deallocated");
		} else if ((uint32_t)w[VB_MAGIC_NSID] != NVMESIM_RUN_VERIFY_MAGIC) {
			snprintf(what, sizeof(what), "no verify header (first word 0x%016" PRIx64
				 "): not written with verify, or overwritten", w[0]);
		} else if (w[VB_LBA] != lba || (uint32_t)(w[VB_MAGIC_NSID] >> 32) != nsid) {
			snprintf(what, sizeof(what), "holds the block of LBA %" PRIu64 " of "
				 "namespace %" PRIu32 " (expected namespace %" PRIu32 ")",
				 w[VB_LBA], (uint32_t)(w[VB_MAGIC_NSID] >> 32), nsid);
		} else if (w[VB_SIZE] != ((uint64_t)1 << shift)) {
			snprintf(what, sizeof(what), "written as a %" PRIu64 "-byte block, read as "
				 "%u bytes", w[VB_SIZE], 1u << shift);
		} else {
			sum = verify_sum(w, words);
			if (sum == w[VB_SUM])
				continue;
			snprintf(what, sizeof(what), "checksum 0x%016" PRIx64 " of the data, the "
				 "header says 0x%016" PRIx64 " (data corrupted)", sum, w[VB_SUM]);
		}
		verify_tell(r, s, lba, what);
	}
}

/* gen_verify_issue - the read-back of a verified write job: the units it wrote, in the same
 * order, as fast as its depth allows; 0 or -errno */
static int gen_verify_issue(struct nvmesim_run_src *src, uint64_t *next)
{
	struct nvmesim_run_gen *g = &src->u.gen;
	struct nvmesim_runner *r = src->r;
	struct nvmesim_run_queue *q = src->q;
	struct nvmesim_run_slot *s;
	struct nvmesim_sqe cmd;
	uint64_t unit;
	int err;

	(void)next;
	while (g->vleft && src->free_head != NVMESIM_RUN_NO_SLOT) {
		if (!nvmesim_run_queue_room(r, q->qid))
			break;
		s = nvmesim_run_slot_get(src);
		if (g->job->pattern == NVMESIM_PATTERN_RANDOM) {
			unit = nvmesim_rng_below(&g->vrng, g->units);
		} else {
			unit = g->vseq;
			if (++g->vseq == g->units)
				g->vseq = 0;
		}
		s->slba = g->region_lba + unit * g->nlb;
		s->op = NVMESIM_IO_READ;
		s->dir = NVMESIM_DIR_READ;
		s->bytes = nvmesim_run_io_bytes(NVMESIM_IO_READ, g->nlb, g->lba_shift);
		(void)nvmesim_run_io_cmd(&cmd, NVMESIM_IO_READ, g->nsid, s->slba, g->nlb,
					 g->lba_shift, s->buf);
		cmd.prp1 = g->prps[s - src->slots].prp1;
		cmd.prp2 = g->prps[s - src->slots].prp2;
		err = nvmesim_run_submit(r, q, s, &cmd, NULL, 0, nvmesim_run_now(r, q));
		if (err) {
			nvmesim_run_slot_put(s);
			if (err == -EBUSY)
				break;
			nvmesim_diag_set(r->diag, "job '%s': cannot post a verify read on queue "
					 "%u: error %d", src->st->name, q->qid, err);
			return err;
		}
		g->vleft--;
	}
	if (!g->vleft && !src->inflight)
		src->done = true;
	return 0;
}

/* gen_verify_start - a verified write job wrote everything: read it back (gen_verify_issue) */
static int gen_verify_start(struct nvmesim_run_src *src, uint64_t *next)
{
	struct nvmesim_run_gen *g = &src->u.gen;
	unsigned int i;

	/* a sequential pass over the region reads every unit once, however often it wrapped */
	g->vleft = g->job->pattern == NVMESIM_PATTERN_RANDOM ? g->issued :
		   NVMESIM_MIN(g->issued, g->units);
	for (i = 0; i < src->depth; i++)
		src->slots[i].verify = (uint8_t)g->lba_shift;
	src->issue = gen_verify_issue;
	return gen_verify_issue(src, next);
}

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
				nvmesim_run_due(r, q, issue, next);
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
		if (g->verify && op == NVMESIM_IO_WRITE) {
			nvmesim_run_verify_fill(s->buf, g->nsid, s->slba, g->nlb, g->lba_shift,
						r->cfg->seed);
			r->verify_written += g->nlb;
		}
		if (len) {
			/* the slot's prebuilt data pointer (PSDT 00b: PRPs, NVMe 2.0 §4.1.1);
			 * a trim's 16-byte range fits in its first page */
			cmd.prp1 = g->prps[s - src->slots].prp1;
			cmd.prp2 = op == NVMESIM_IO_TRIM ? 0 : g->prps[s - src->slots].prp2;
		}
		err = nvmesim_run_submit(r, q, s, &cmd, NULL, 0, issue);
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
	if (g->issued >= g->limit && !src->inflight) {
		if (g->verify && g->job->op == NVMESIM_IO_WRITE)
			return gen_verify_start(src, next);
		src->done = true;
	}
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
	if (g->sink_len)
		nvmesim_host_dma_sink(host, g->bufs, g->sink_len, 0);
	g->sink_len = 0;
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
	/* verify: a read job checks every block; a write job reads back what it wrote, with the
	 * offset stream replayed from this copy */
	g->verify = job->verify && !g->mixed &&
		    (job->op == NVMESIM_IO_READ || job->op == NVMESIM_IO_WRITE);
	g->vrng = g->rng;
	/* Without verify nothing reads what Reads bring in: a simulated device may leave the
	 * buffers unwritten (end.h, dma_sink), sparing a 4 KiB copy or zero test per read. */
	if (!g->verify && !nvmesim_host_dma_sink(r->host, g->bufs, stride * depth, 1))
		g->sink_len = stride * depth;
	if (g->verify && job->op == NVMESIM_IO_READ)
		for (i = 0; i < depth; i++)
			src->slots[i].verify = (uint8_t)g->lba_shift;
	g->rate = job->rate_iops;
	g->stop_ns = job->runtime_ns ? r->t0 + job->runtime_ns : UINT64_MAX;
	if (job->count)
		g->limit = job->count;
	else
		g->limit = job->runtime_ns ? UINT64_MAX : g->units;
	src->issue = gen_issue;
	return 0;
}
