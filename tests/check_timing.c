/* SPDX-License-Identifier: MIT */
/*
 * check_timing.c - the timing model checked against physics (issue 3, §7).
 *
 * Every test drives the simulated controller through the host driver's
 * public API (submit, ring, wait, callbacks), with several commands in
 * flight where it matters, and measures what the host sees with its own
 * clock (nvmesim_end_now()).  The expected values are computed here from the
 * profile's fields with the formulas of docs/timing.md, independently of
 * ctrl/timing.c:
 *
 *  - QD1 latencies equal the sum of the modeled components exactly (reads,
 *    cached and write-through writes, never-written blocks read "fast"), with
 *    the host's CPU costs included;
 *  - at saturation, random 4 KiB reads reach dies / tR and large sequential
 *    reads the link's payload bandwidth within 2%, and cached writes the
 *    flash program bandwidth;
 *  - Little's law holds within 1%;
 *  - the same inputs give identical times;
 *  - the shipped profiles load, the default equals profiles/gen4-tlc.yaml,
 *    and bad values are refused.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include <nvmesim/nvmesim.h>

#include "ctrl/ctrl.h"
#include "tests/check-common.h"

#define SECTOR 512u
#define MAX_SLOTS 8192u

/* ---------------------------------------------------------------- the formulas */

/* Link time of @payload bytes in TLPs of <= @max_tlp bytes on @p's link, ns, rounded up
 * (docs/timing.md "PCIe link"). */
static uint64_t link_ns(const struct nvmesim_profile *p, uint64_t payload, unsigned int max_tlp)
{
	/* GT/s per lane and encoding: 8b/10b (Gen1/2), 128b/130b (Gen3-5), FLIT 242/256 (Gen6) */
	static const double gts[] = { 0, 2.5, 5, 8, 16, 32, 64 };
	double eff = p->pcie.gen <= 2 ? 0.8 : p->pcie.gen <= 5 ? 128.0 / 130 : 242.0 / 256;
	uint64_t ntlp = payload ? (payload + max_tlp - 1) / max_tlp : 1;
	uint64_t wire = payload + ntlp * p->pcie.tlp_overhead;
	/* exact rational form of wire * 8 / (lanes * GT/s * eff), as integers */
	uint64_t num = wire * 16 * (p->pcie.gen <= 2 ? 10 : p->pcie.gen <= 5 ? 130 : 256);
	uint64_t den = (uint64_t)p->pcie.lanes * (uint64_t)(gts[p->pcie.gen] * 2) *
		       (p->pcie.gen <= 2 ? 8 : p->pcie.gen <= 5 ? 128 : 242);

	(void)eff;
	return (num + den - 1) / den;
}

/* Payload bytes per second of the link when it only carries MPS-sized posted writes. */
static double link_payload_bps(const struct nvmesim_profile *p)
{
	static const double gts[] = { 0, 2.5, 5, 8, 16, 32, 64 };
	double eff = p->pcie.gen <= 2 ? 0.8 : p->pcie.gen <= 5 ? 128.0 / 130 : 242.0 / 256;

	return p->pcie.lanes * gts[p->pcie.gen] * 1e9 * eff / 8 *
	       p->pcie.mps / (p->pcie.mps + p->pcie.tlp_overhead);
}

/* Channel time of @bytes, ns, rounded up. */
static uint64_t ch_ns(const struct nvmesim_profile *p, uint64_t bytes)
{
	return (bytes * 1000 + p->nand.channel_mbps - 1) / p->nand.channel_mbps;
}

/* Host side of a QD1 command: submit, doorbell, interrupt and reap (docs/timing.md). */
static uint64_t host_ns(const struct nvmesim_profile *p)
{
	return p->host.submit_ns + p->host.mmio_ns + p->host.mmio_latency_ns +
	       p->host.irq_latency_ns + p->host.irq_ns + p->host.reap_ns;
}

/* SQE fetch of one command: request TLP, round trip, 64 bytes of completion. */
static uint64_t fetch_ns(const struct nvmesim_profile *p)
{
	return link_ns(p, 0, 1) + p->pcie.read_rtt_ns + link_ns(p, 64, p->pcie.mps);
}

/* A device read of @bytes: one request TLP per MRRS, round trip, completions. */
static uint64_t dev_read_ns(const struct nvmesim_profile *p, uint64_t bytes)
{
	uint64_t nreq = (bytes + p->pcie.mrrs - 1) / p->pcie.mrrs;

	return nreq * link_ns(p, 0, 1) + p->pcie.read_rtt_ns + link_ns(p, bytes, p->pcie.mps);
}

/* CQE and MSI-X posted writes, then the message's flight. */
static uint64_t complete_ns(const struct nvmesim_profile *p)
{
	return link_ns(p, 16, p->pcie.mps) + link_ns(p, 4, p->pcie.mps) +
	       p->pcie.write_latency_ns;
}

/* The QD1 latency of a 4 KiB read from flash (docs/timing.md, "QD1 read"). */
static uint64_t qd1_read_ns(const struct nvmesim_profile *p)
{
	return host_ns(p) + fetch_ns(p) + p->ctrl.cmd_ns + p->nand.tR_ns + ch_ns(p, 4096) +
	       link_ns(p, 4096, p->pcie.mps) + complete_ns(p);
}

/* say - with NVMESIM_TEST_VERBOSE set, print a measured value beside its model */
static void say(const char *what, double got, double want)
{
	if (getenv("NVMESIM_TEST_VERBOSE"))
		printf("%-40s measured %14.1f  model %14.1f  (%+.3f%%)\n", what, got, want,
		       (got / want - 1) * 100);
}

/* ---------------------------------------------------------------- a closed-loop driver */

struct tt;

/* struct slot - one command slot: a buffer and its command in flight */
struct slot {
	struct tt *t;          /* the run */
	uint8_t *buf;          /* DMA buffer of t->bs bytes */
	uint16_t qid;          /* I/O queue */
	uint64_t t0;           /* host time just before its submission */
	bool busy;             /* submitted, not completed */
};

/* struct tt - one controller, one host, one workload */
struct tt {
	struct nvmesim_profile p;    /* the profile (the end points at it) */
	struct nvmesim_end *end;     /* simulated controller */
	struct nvmesim_host *host;   /* host driver */
	unsigned int nq;             /* I/O queues */
	unsigned int qd;             /* commands in flight per queue */
	struct slot *slots;          /* nq * qd */
	uint8_t *bufs;               /* their memory */
	uint8_t opcode;              /* NVMESIM_NVM_READ or _WRITE */
	uint32_t bs;                 /* bytes per command */
	bool seq;                    /* sequential, else uniform random */
	uint64_t region;             /* bytes the offsets are drawn from */
	uint64_t next;               /* next sequential offset */
	uint64_t rng;                /* xorshift state */
	uint64_t issued;             /* commands submitted */
	uint64_t target;             /* commands to run */
	uint64_t warm;               /* completions before the measured window */
	uint64_t cool;               /* completion that ends it (before the queues drain) */
	uint64_t done;               /* completions */
	uint64_t errors;             /* non-zero status */
	uint64_t t_warm;             /* host time of the warm-th completion */
	uint64_t t_cool;             /* host time of the cool-th completion */
	uint64_t t_last;             /* host time of the last completion */
	uint64_t wait_ns;            /* longest wait per nvmesim_host_wait() call */
	uint64_t lat_sum;            /* latencies completed in the window */
	uint64_t lat_n;              /* and how many */
	uint64_t lat_min;            /* smallest latency overall */
	uint64_t lat_max;            /* largest latency overall */
	uint64_t inflight;           /* commands in flight */
	uint64_t area;               /* integral of inflight over the window, ns */
	uint64_t area_last;          /* time of the last change of inflight */
	uint64_t checksum;           /* hash of every completion time */
};

/* xorshift64 - Marsaglia's xorshift64 step */
static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Whether the completions counted so far are inside the measured window. */
static bool tt_in_window(const struct tt *t)
{
	return t->warm && t->done >= t->warm && t->done < t->cool;
}

/* tt_area - account the in-flight count up to host time @now (window only) */
static void tt_area(struct tt *t, uint64_t now)
{
	if (tt_in_window(t) && now > t->area_last)
		t->area += t->inflight * (now - t->area_last);
	t->area_last = now;
}

/* tt_done - a completion: latency, window statistics, slot free */
static void tt_done(void *arg, const struct nvmesim_cqe *cqe)
{
	struct slot *s = arg;
	struct tt *t = s->t;
	uint64_t now = nvmesim_end_now(t->end), lat = now - s->t0;

	if (NVMESIM_CQE_STATUS(cqe))
		t->errors++;
	tt_area(t, now);
	t->inflight--;
	t->done++;
	if (t->done == t->warm) {
		t->t_warm = now;
		t->area = 0;
		t->area_last = now;
	}
	if (t->warm && t->done > t->warm && t->done <= t->cool) {
		t->lat_sum += lat;
		t->lat_n++;
	}
	if (t->done == t->cool)
		t->t_cool = now;
	if (!t->lat_min || lat < t->lat_min)
		t->lat_min = lat;
	if (lat > t->lat_max)
		t->lat_max = lat;
	t->t_last = now;
	t->checksum = (t->checksum ^ now ^ ((uint64_t)s->qid << 48)) * 0x100000001b3ull;
	s->busy = false;
}

/* tt_offset - byte offset of the next command */
static uint64_t tt_offset(struct tt *t)
{
	uint64_t off;

	if (t->seq) {
		off = t->next;
		t->next = (t->next + t->bs) % t->region;
		return off;
	}
	return (xorshift64(&t->rng) % (t->region / t->bs)) * t->bs;
}

/* tt_open - controller from profile t->p, host with @nq queues of depth @qd */
static void tt_open(struct tt *t, unsigned int nq, unsigned int qd, uint32_t bs,
		    bool interrupts)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_sim_opts so;
	struct nvmesim_diag diag;
	unsigned int i;

	ck_assert_int_eq(nvmesim_sim_opts_from_profile(&so, &t->p), 0);
	ck_assert_int_eq(nvmesim_sim_open(&t->end, &so), 0);
	ho.nr_io_queues = nq;
	ho.io_queue_entries = qd + 1;
	ho.interrupts = interrupts;
	ho.hostmem_bytes = (size_t)nq * qd * bs + (8u << 20);
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(nvmesim_host_open(&t->host, t->end, &ho, &diag) == 0, "bring-up: %s",
		      diag.msg);
	ck_assert_uint_eq(nvmesim_host_nr_io_queues(t->host), nq);
	ck_assert_uint_le(nq * qd, MAX_SLOTS);
	t->nq = nq;
	t->qd = qd;
	t->bs = bs;
	t->slots = calloc((size_t)nq * qd, sizeof(*t->slots));
	t->bufs = nvmesim_host_dma_alloc(t->host, (size_t)nq * qd * bs);
	ck_assert_ptr_nonnull(t->slots);
	ck_assert_ptr_nonnull(t->bufs);
	for (i = 0; i < nq * qd; i++) {
		t->slots[i].t = t;
		t->slots[i].qid = (uint16_t)(1 + i / qd);
		t->slots[i].buf = t->bufs + (size_t)i * bs;
	}
	t->rng = 0x9e3779b97f4a7c15ull;
	if (!t->region)
		t->region = 1ull << 30;
}

/* tt_close - tear everything down */
static void tt_close(struct tt *t)
{
	struct nvmesim_diag diag;

	nvmesim_host_dma_free(t->host, t->bufs);
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(nvmesim_host_close(t->host, &diag) == 0, "close: %s", diag.msg);
	nvmesim_end_close(t->end);
	free(t->slots);
	t->slots = NULL;
}

/* tt_submit - post one command in slot @s */
static void tt_submit(struct tt *t, struct slot *s, uint8_t opcode, uint64_t off)
{
	struct nvmesim_sqe cmd;

	nvmesim_cmd_rw(&cmd, opcode, 1, off / SECTOR, t->bs / SECTOR);
	tt_area(t, nvmesim_end_now(t->end));
	s->t0 = nvmesim_end_now(t->end);
	ck_assert_int_eq(nvmesim_host_submit(t->host, s->qid, &cmd, s->buf, t->bs, tt_done, s),
			 0);
	s->busy = true;
	t->inflight++;
	t->issued++;
}

/*
 * tt_run - keep every slot busy until @count commands completed.  The measured
 * window runs from completion @warm to the last one issued while all slots
 * were still kept busy, so neither the start nor the final drain (when queues
 * empty one by one) is in it.
 */
static void tt_run(struct tt *t, uint8_t opcode, uint64_t count, uint64_t warm)
{
	unsigned int q, k, guard = 0;
	int r;

	t->opcode = opcode;
	t->target = t->issued + count;
	t->warm = t->done + warm;
	t->cool = t->done + count - (uint64_t)t->nq * t->qd;
	t->lat_sum = t->lat_n = 0;
	while (t->done < t->target) {
		for (q = 0; q < t->nq; q++) {
			for (k = 0; k < t->qd && t->issued < t->target; k++) {
				struct slot *s = &t->slots[q * t->qd + k];

				if (!s->busy)
					tt_submit(t, s, opcode, tt_offset(t));
			}
			nvmesim_host_ring(t->host, (uint16_t)(q + 1));
		}
		r = nvmesim_host_wait(t->host, t->wait_ns ? t->wait_ns : 1000000000ull);
		ck_assert_int_ge(r, 0);
		guard = r ? 0 : guard + 1;
		ck_assert_msg(guard < (t->wait_ns ? 100000000u : 10u),
			      "no completion for 10 s of simulated time");
	}
	ck_assert_uint_eq(t->errors, 0);
}

/* tt_one - one command at @off alone (QD1); returns its latency */
static uint64_t tt_one(struct tt *t, uint8_t opcode, uint64_t off)
{
	struct slot *s = &t->slots[0];
	unsigned int guard = 0;
	int r;

	tt_submit(t, s, opcode, off);
	nvmesim_host_ring(t->host, s->qid);
	while (s->busy) {
		r = nvmesim_host_wait(t->host, t->wait_ns ? t->wait_ns : 1000000000ull);
		ck_assert_int_ge(r, 0);
		ck_assert_uint_lt(guard++, t->wait_ns ? 100000000u : 10u);
	}
	ck_assert_uint_eq(t->errors, 0);
	return t->t_last - s->t0;
}

/* tt_flush - a Flush of namespace 1 through the synchronous path; returns its latency */
static uint64_t tt_flush(struct tt *t)
{
	uint64_t t0 = nvmesim_end_now(t->end);

	ck_assert_int_eq(nvmesim_host_flush(t->host, 1, 1), 0);
	return nvmesim_end_now(t->end) - t0;
}

/* The profile every timing test starts from. */
static void tt_profile(struct tt *t)
{
	memset(t, 0, sizeof(*t));
	t->p = nvmesim_profile_default;
}

/* A profile with no host CPU costs: for checks of the device alone. */
static void tt_no_host(struct nvmesim_profile *p)
{
	p->host.submit_ns = p->host.mmio_ns = p->host.irq_ns = p->host.reap_ns = 0;
	p->host.poll_ns = 0;
}

/* ---------------------------------------------------------------- QD1 */

/* QD1 4 KiB random reads: every latency is exactly the sum of the components, host
 * costs included, on the default (gen4-tlc) profile and on the other two. */
START_TEST(test_qd1_read)
{
	static const char *const names[] = { NULL, "gen3-tlc.yaml", "slc-lowlat.yaml" };
	struct nvmesim_diag diag;
	struct tt *t = calloc(1, sizeof(*t));
	char path[1024];
	uint64_t want, lat;
	unsigned int i;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	if (names[_i]) {
		snprintf(path, sizeof(path), "%s/profiles/%s", NVMESIM_SRCDIR, names[_i]);
		ck_assert_msg(nvmesim_profile_load(&t->p, path, &diag) == 0, "%s", diag.msg);
	}
	want = qd1_read_ns(&t->p);
	tt_open(t, 1, 1, 4096, true);
	for (i = 0; i < 40; i++) {
		lat = tt_one(t, NVMESIM_NVM_READ, tt_offset(t));
		ck_assert_msg(lat == want, "%s read %u: latency %llu ns, model sum %llu ns",
			      t->p.name, i, (unsigned long long)lat, (unsigned long long)want);
	}
	tt_close(t);
	free(t);
}
END_TEST

/* QD1 4 KiB writes: with the cache they complete on insertion; without it after the
 * flash program; a Flush then waits for the dirty data. */
START_TEST(test_qd1_write)
{
	struct tt *t = calloc(1, sizeof(*t));
	struct nvmesim_ctrl *c;
	uint64_t cached, through, lat, fl;
	unsigned int i;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	cached = host_ns(&t->p) + fetch_ns(&t->p) + t->p.ctrl.cmd_ns + dev_read_ns(&t->p, 4096) +
		 t->p.cache.insert_ns + complete_ns(&t->p);
	through = host_ns(&t->p) + fetch_ns(&t->p) + t->p.ctrl.cmd_ns +
		  dev_read_ns(&t->p, 4096) + ch_ns(&t->p, 4096) + t->p.nand.tPROG_ns +
		  complete_ns(&t->p);

	tt_open(t, 1, 1, 4096, true);
	c = t->end->priv;
	for (i = 0; i < 20; i++) {
		lat = tt_one(t, NVMESIM_NVM_WRITE, tt_offset(t));
		ck_assert_msg(lat == cached, "cached write %u: %llu ns, model %llu ns", i,
			      (unsigned long long)lat, (unsigned long long)cached);
	}
	ck_assert_uint_eq(nvmesim_timing_cache_used(c), 20 * 4096);
	/* Flush: every dirty byte programmed (padded partial programs), then flush_ns */
	fl = tt_flush(t);
	ck_assert_uint_eq(nvmesim_timing_cache_used(c), 0);
	ck_assert_uint_ge(fl, t->p.nand.tPROG_ns + t->p.cache.flush_ns);
	ck_assert_uint_lt(fl, 2 * (t->p.nand.tPROG_ns + ch_ns(&t->p, 32768)) +
			  t->p.cache.flush_ns + 20000);
	/* an empty cache flushes in flush_ns plus the command's own path */
	fl = tt_flush(t);
	ck_assert_uint_eq(fl, host_ns(&t->p) + fetch_ns(&t->p) + t->p.ctrl.cmd_ns +
			  t->p.cache.flush_ns + complete_ns(&t->p) + t->p.host.mmio_ns);
	tt_close(t);

	tt_profile(t);
	t->p.cache.bytes = 0;
	tt_open(t, 1, 1, 4096, true);
	for (i = 0; i < 20; i++) {
		lat = tt_one(t, NVMESIM_NVM_WRITE, tt_offset(t));
		ck_assert_msg(lat == through, "write-through %u: %llu ns, model %llu ns", i,
			      (unsigned long long)lat, (unsigned long long)through);
	}
	ck_assert_uint_gt(through, cached + t->p.nand.tPROG_ns);
	tt_close(t);
	free(t);
}
END_TEST

/* Never-written blocks: "nand" costs a flash read, "fast" only the controller; data
 * still in the write cache comes from DRAM; after a Flush it comes from flash again. */
START_TEST(test_qd1_unwritten_and_cached)
{
	struct tt *t = calloc(1, sizeof(*t));
	uint64_t dram, lat;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	t->p.nand.unwritten_read = NVMESIM_UNWRITTEN_FAST;
	dram = host_ns(&t->p) + fetch_ns(&t->p) + t->p.ctrl.cmd_ns +
	       link_ns(&t->p, 4096, t->p.pcie.mps) + complete_ns(&t->p);
	tt_open(t, 1, 1, 4096, true);
	ck_assert_uint_eq(tt_one(t, NVMESIM_NVM_READ, 1 << 20), dram);
	/* written and still dirty in the cache: DRAM too */
	tt_one(t, NVMESIM_NVM_WRITE, 2 << 20);
	ck_assert_uint_eq(tt_one(t, NVMESIM_NVM_READ, 2 << 20), dram);
	/* programmed: a flash read */
	tt_flush(t);
	lat = tt_one(t, NVMESIM_NVM_READ, 2 << 20);
	ck_assert_uint_eq(lat, qd1_read_ns(&t->p));
	tt_close(t);

	tt_profile(t);   /* default: never-written reads cost a flash read */
	tt_open(t, 1, 1, 4096, true);
	ck_assert_uint_eq(tt_one(t, NVMESIM_NVM_READ, 1 << 20), qd1_read_ns(&t->p));
	tt_close(t);
	free(t);
}
END_TEST

/* ---------------------------------------------------------------- saturation */

/* Random 4 KiB reads with thousands in flight: IOPS = dies / tR (the die bottleneck of
 * docs/timing.md; the channels, link and cores have room to spare), within 2%; and
 * Little's law (mean in flight = IOPS x mean latency) within 1%. */
START_TEST(test_sat_random_read)
{
	struct tt *t = calloc(1, sizeof(*t));
	uint64_t count = RUNNING_ON_VALGRIND ? 24000 : 60000, dies;
	double iops, want, inflight, little;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	tt_no_host(&t->p);
	t->p.nand.dies_per_channel = 2;          /* 16 dies: saturated with 4096 in flight */
	t->p.ctrl.max_inflight = 8192;
	dies = (uint64_t)t->p.nand.channels * t->p.nand.dies_per_channel;
	want = (double)dies * 1e9 / (double)t->p.nand.tR_ns;
	/* the other resources must not be the bottleneck for this check to mean anything */
	ck_assert(1e9 / (double)(link_ns(&t->p, 4096, 256) + link_ns(&t->p, 20, 256)) > want);
	ck_assert(t->p.ctrl.cores * 1e9 / (double)t->p.ctrl.cmd_ns > want);
	ck_assert(t->p.nand.channels * 1e9 / (double)ch_ns(&t->p, 4096) > want);

	tt_open(t, 16, 256, 4096, true);
	tt_run(t, NVMESIM_NVM_READ, count, 8192);
	iops = (double)(t->cool - t->warm) * 1e9 / (double)(t->t_cool - t->t_warm);
	say("random 4 KiB read IOPS vs dies/tR", iops, want);
	ck_assert_msg(iops > want * 0.98 && iops < want * 1.02,
		      "random read IOPS %.0f, die bound %.0f", iops, want);
	inflight = (double)t->area / (double)(t->t_cool - t->t_warm);
	little = iops * ((double)t->lat_sum / (double)t->lat_n) / 1e9;
	say("mean in flight vs IOPS x latency", inflight, little);
	ck_assert_msg(inflight > little * 0.99 && inflight < little * 1.01,
		      "Little's law: mean in flight %.1f, IOPS x latency %.1f", inflight, little);
	tt_close(t);
	free(t);
}
END_TEST

/* Sequential 128 KiB reads at QD32: the link's payload bandwidth (MPS-sized TLPs with
 * their overhead, after encoding) within 2%, host costs included. */
START_TEST(test_sat_seq_read)
{
	struct tt *t = calloc(1, sizeof(*t));
	uint64_t count = RUNNING_ON_VALGRIND ? 1500 : 4000;
	double bw, want;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	t->seq = true;
	want = link_payload_bps(&t->p);
	tt_open(t, 1, 32, 128 << 10, true);
	tt_run(t, NVMESIM_NVM_READ, count, 200);
	bw = (double)(t->cool - t->warm) * (128 << 10) * 1e9 / (double)(t->t_cool - t->t_warm);
	say("128 KiB seq read B/s vs link payload", bw, want);
	ck_assert_msg(bw > want * 0.98 && bw < want * 1.02,
		      "sequential read %.3f GB/s, link payload bandwidth %.3f GB/s", bw / 1e9,
		      want / 1e9);
	tt_close(t);
	free(t);
}
END_TEST

/* Random 4 KiB writes into a small cache until it is full: throughput settles at the
 * flash program bandwidth (dies x planes x page per tPROG plus the channel transfer and
 * the amortized erase), within 2%; with the cache, latency before it fills is far lower
 * than write-through. */
START_TEST(test_sat_write)
{
	struct tt *t = calloc(1, sizeof(*t));
	uint64_t count = RUNNING_ON_VALGRIND ? 12000 : 30000, unit, per;
	double iops, want;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	tt_no_host(&t->p);
	t->p.nand.dies_per_channel = 1;          /* 8 dies */
	t->p.cache.bytes = 2 << 20;
	t->p.ctrl.max_inflight = 4096;
	unit = (uint64_t)t->p.nand.planes_per_die * t->p.nand.page_bytes;
	per = ch_ns(&t->p, unit) + t->p.nand.tPROG_ns;  /* one background program */
	want = (double)t->p.nand.channels * t->p.nand.dies_per_channel * (double)(unit / 4096) *
	       1e9 / ((double)per + (double)t->p.nand.tBERS_ns / t->p.nand.pages_per_block);
	tt_open(t, 4, 256, 4096, true);
	tt_run(t, NVMESIM_NVM_WRITE, count, 4000);
	iops = (double)(t->cool - t->warm) * 1e9 / (double)(t->t_cool - t->t_warm);
	say("4 KiB write IOPS (full cache) vs programs", iops, want);
	ck_assert_msg(iops > want * 0.98 && iops < want * 1.02,
		      "cached write IOPS %.0f at full cache, program bound %.0f", iops, want);
	tt_close(t);
	free(t);
}
END_TEST

/* reads_elapsed - 64 random 4 KiB reads, 32 in flight on two queues, no host costs,
 * with ctrl.max_inflight @limit; the host time they took */
static uint64_t reads_elapsed(unsigned int limit)
{
	struct tt *t = calloc(1, sizeof(*t));
	uint64_t t0, span;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	tt_no_host(&t->p);
	t->p.ctrl.max_inflight = limit;
	tt_open(t, 2, 16, 4096, true);
	t0 = nvmesim_end_now(t->end);
	tt_run(t, NVMESIM_NVM_READ, 64, 0);
	span = t->t_last - t0;
	tt_close(t);
	free(t);
	return span;
}

/* ctrl.max_inflight: the controller stops fetching at the limit, so with a limit of one
 * command the flash reads of a deep queue happen one after the other. */
START_TEST(test_max_inflight)
{
	const struct nvmesim_profile *p = &nvmesim_profile_default;
	uint64_t one = p->ctrl.cmd_ns + p->nand.tR_ns + ch_ns(p, 4096);
	uint64_t serial = reads_elapsed(1), parallel = reads_elapsed(1024);

	ck_assert_msg(serial >= 64 * one, "64 reads one at a time took %llu ns, less than "
		      "64 x %llu ns", (unsigned long long)serial, (unsigned long long)one);
	ck_assert_msg(parallel * 4 < serial, "32 in flight: %llu ns, one at a time %llu ns",
		      (unsigned long long)parallel, (unsigned long long)serial);
}
END_TEST

/* tt_free_after_reset - tear down after a test reset the controller under the host (whose
 * shutdown then fails: not checked), and free @t */
static void tt_free_after_reset(struct tt *t)
{
	nvmesim_host_close(t->host, NULL);
	nvmesim_end_close(t->end);
	free(t->slots);
	free(t);
}

/* A controller reset (CC.EN=0) while writes wait for cache room and reads are at the
 * flash: the model drops them cleanly (no crash, no leak under Valgrind), the dropped
 * commands never complete, and whole units in the cache are still programmed. */
START_TEST(test_reset_inflight)
{
	struct tt *t = calloc(1, sizeof(*t));
	struct nvmesim_ctrl *c;
	unsigned int k;
	int r;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	t->p.cache.bytes = 64 << 10;
	tt_open(t, 2, 64, 4096, true);
	c = t->end->priv;
	for (k = 0; k < 64; k++)
		tt_submit(t, &t->slots[k], NVMESIM_NVM_WRITE, tt_offset(t));
	for (k = 64; k < 128; k++)
		tt_submit(t, &t->slots[k], NVMESIM_NVM_READ, tt_offset(t));
	nvmesim_host_ring(t->host, 1);
	nvmesim_host_ring(t->host, 2);
	r = nvmesim_end_wait(t->end, 20000, NULL);
	ck_assert_int_ge(r, 0);
	ck_assert_uint_gt(c->inflight, 0);
	nvmesim_end_write32(t->end, NVMESIM_REG_CC, 0);
	while (nvmesim_end_wait(t->end, 10000000, NULL) > 0)
		;
	ck_assert_uint_eq(c->inflight, 0);
	/* whole units were programmed; partial ones stay dirty until a Flush or pressure */
	ck_assert_uint_lt(nvmesim_timing_cache_used(c), 64 << 10);
	ck_assert_uint_lt(t->done, 128);
	tt_free_after_reset(t);
}
END_TEST

/* A controller reset that lands while an asserted vector waits for its delivery drops
 * the vector: the host's wait then sees no interrupt (it used to return one with an
 * unset vector number). */
START_TEST(test_reset_drops_vector)
{
	struct tt *t = calloc(1, sizeof(*t));
	struct nvmesim_ctrl *c;
	uint32_t v = 12345;
	int r;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	t->p.host.irq_latency_ns = 100000;   /* delivery long after the reset lands */
	tt_open(t, 1, 4, 4096, true);
	c = t->end->priv;
	tt_submit(t, &t->slots[0], NVMESIM_NVM_READ, 0);
	nvmesim_host_ring(t->host, 1);
	while (!c->irq_nr)
		ck_assert_int_eq(nvmesim_sched_step(&c->sched, UINT64_MAX), 1);
	ck_assert_uint_gt(c->irq_time[c->irq_head], c->sched.now + 50000);
	nvmesim_end_write32(t->end, NVMESIM_REG_CC, 0);
	r = nvmesim_end_wait(t->end, 1000000, &v);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(v, 12345);
	ck_assert_uint_eq(c->irq_nr, 0);
	tt_free_after_reset(t);
}
END_TEST

/* ---------------------------------------------------------------- determinism */

/* mixed_run - a mixed read/write workload on 4 queues and 2 CPUs; its checksum */
static uint64_t mixed_run(uint64_t *end_time)
{
	struct tt *t = calloc(1, sizeof(*t));
	uint64_t sum;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	t->p.cache.bytes = 1 << 20;
	tt_open(t, 4, 16, 4096, true);
	t->region = 64 << 20;
	tt_run(t, NVMESIM_NVM_WRITE, 3000, 0);
	tt_run(t, NVMESIM_NVM_READ, 3000, 0);
	tt_flush(t);
	*end_time = nvmesim_end_now(t->end);
	sum = t->checksum;
	tt_close(t);
	free(t);
	return sum;
}

/* The same inputs give the same times, to the nanosecond. */
START_TEST(test_determinism)
{
	uint64_t e1, e2, s1, s2;

	s1 = mixed_run(&e1);
	s2 = mixed_run(&e2);
	ck_assert_uint_eq(s1, s2);
	ck_assert_uint_eq(e1, e2);
	ck_assert_uint_gt(e1, 0);
}
END_TEST

/* ---------------------------------------------------------------- host CPUs, polling */

/* Polled queues: no interrupts; the host polls in short waits, each empty poll costing
 * host.poll_ns.  QD1 latency is the read's device path plus submit, doorbell and reap,
 * late by at most one poll round. */
START_TEST(test_polled)
{
	struct tt *t = calloc(1, sizeof(*t));
	uint64_t base, lat;
	unsigned int i;

	ck_assert_ptr_nonnull(t);
	tt_profile(t);
	base = qd1_read_ns(&t->p) - t->p.host.irq_latency_ns - t->p.host.irq_ns;
	tt_open(t, 2, 8, 4096, false);
	t->wait_ns = 200;
	for (i = 0; i < 10; i++) {
		lat = tt_one(t, NVMESIM_NVM_READ, tt_offset(t));
		ck_assert_uint_ge(lat, base);
		ck_assert_msg(lat <= base + 2 * (t->wait_ns + 4 * t->p.host.poll_ns),
			      "polled read: %llu ns, device path %llu ns",
			      (unsigned long long)lat, (unsigned long long)base);
	}
	tt_run(t, NVMESIM_NVM_READ, 2000, 0);
	ck_assert_uint_eq(t->done, 2010);
	tt_close(t);
	free(t);
}
END_TEST

/* The sim end's clock and CPUs: work is charged per CPU, now_ns follows the current
 * CPU, and interrupt work starts at delivery or when the CPU frees. */
START_TEST(test_host_cpus)
{
	struct nvmesim_profile p = nvmesim_profile_default;
	struct nvmesim_sim_opts so;
	struct nvmesim_end *end;
	uint64_t t0;

	ck_assert_int_eq(nvmesim_sim_opts_from_profile(&so, &p), 0);
	ck_assert_int_eq(nvmesim_sim_open(&end, &so), 0);
	t0 = nvmesim_end_now(end);
	nvmesim_end_set_cpu(end, 0);
	nvmesim_end_host_work(end, NVMESIM_WORK_SUBMIT, 3);
	ck_assert_uint_eq(nvmesim_end_now(end), t0 + 3 * p.host.submit_ns);
	nvmesim_end_set_cpu(end, 5);                  /* another CPU is idle */
	ck_assert_uint_eq(nvmesim_end_now(end), t0);
	nvmesim_end_host_work(end, NVMESIM_WORK_REAP, 2);
	nvmesim_end_host_work(end, NVMESIM_WORK_POLL, 1);
	ck_assert_uint_eq(nvmesim_end_now(end), t0 + 2 * p.host.reap_ns + p.host.poll_ns);
	nvmesim_end_set_cpu(end, 100);                /* beyond profile.host.cpus: grows */
	ck_assert_uint_eq(nvmesim_end_now(end), t0);
	nvmesim_end_set_cpu(end, 0xffffffffu);        /* folded, never a crash */
	nvmesim_end_host_work(end, NVMESIM_WORK_IRQ, 1);
	/* an MMIO write costs mmio_ns on the CPU; a register write lands later */
	nvmesim_end_set_cpu(end, 0);
	nvmesim_end_write32(end, NVMESIM_REG_AQA, 0x001f001f);
	ck_assert_uint_eq(nvmesim_end_now(end), t0 + 3 * p.host.submit_ns + p.host.mmio_ns);
	ck_assert_uint_eq(nvmesim_end_read32(end, NVMESIM_REG_AQA), 0x001f001f);
	ck_assert_uint_ge(nvmesim_end_now(end), t0 + 3 * p.host.submit_ns + p.host.mmio_ns +
			  p.host.mmio_latency_ns);
	nvmesim_end_close(end);
}
END_TEST

/* ---------------------------------------------------------------- PCIe rates */

/* Link time per generation: encoding and TLP overhead as docs/timing.md gives them. */
START_TEST(test_link_rates)
{
	struct nvmesim_profile p = nvmesim_profile_default;
	struct nvmesim_sim_opts so;
	struct nvmesim_end *end;
	static const struct {
		unsigned int gen, lanes;
		uint64_t payload, want;  /* ns for payload in 256-byte TLPs */
	} v[] = {
		{ 1, 1, 100, 496 },      /* (100 + 24) B at 250 MB/s: 4 ns per byte */
		{ 2, 4, 4096, 2240 },    /* 4480 B at 2 GB/s */
		{ 3, 4, 4096, 1138 },    /* 4480 B at 3.938 GB/s: 1137.5 up */
		{ 4, 4, 4096, 569 },     /* 4480 B at 7.877 GB/s: 568.75 up */
		{ 5, 4, 16384, 1138 },   /* 17920 B at 15.75 GB/s: 1137.5 up */
		{ 6, 16, 256, 3 },       /* 280 B at 121 GB/s (FLIT 242/256): 2.31 up */
	};
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(v); i++) {
		p.pcie.gen = v[i].gen;
		p.pcie.lanes = v[i].lanes;
		ck_assert_int_eq(nvmesim_sim_opts_from_profile(&so, &p), 0);
		ck_assert_int_eq(nvmesim_sim_open(&end, &so), 0);
		ck_assert_uint_eq(nvmesim_timing_link_ns(end->priv, v[i].payload, 256), v[i].want);
		ck_assert_uint_eq(link_ns(&p, v[i].payload, 256), v[i].want);
		nvmesim_end_close(end);
	}
}
END_TEST

/* ---------------------------------------------------------------- profiles */

/* The shipped profiles load and pass the check; the default is gen4-tlc.yaml. */
START_TEST(test_profiles_load)
{
	static const char *const names[] = { "gen4-tlc", "gen3-tlc", "slc-lowlat" };
	struct nvmesim_profile p;
	struct nvmesim_diag diag;
	char path[1024];
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/profiles/%s.yaml", NVMESIM_SRCDIR, names[i]);
		memset(&diag, 0, sizeof(diag));
		ck_assert_msg(nvmesim_profile_load(&p, path, &diag) == 0, "%s: %s", path,
			      diag.msg);
		ck_assert_str_eq(p.name, names[i]);
		ck_assert_int_eq(nvmesim_profile_check(&p, NULL), 0);
		if (i == 0)
			ck_assert_msg(memcmp(&p, &nvmesim_profile_default, sizeof(p)) == 0,
				      "profiles/gen4-tlc.yaml differs from the built-in default");
	}
	ck_assert_int_eq(nvmesim_profile_check(&nvmesim_profile_default, NULL), 0);
	ck_assert_int_eq(nvmesim_profile_load(&p, "/nonexistent/p.yaml", NULL), -ENOENT);
}
END_TEST

/* Overrides by dotted path, with units; bad paths and inconsistent values refused. */
START_TEST(test_profiles_set_check)
{
	struct nvmesim_profile p = nvmesim_profile_default;
	struct nvmesim_sim_opts so;
	struct nvmesim_diag diag;

	ck_assert_int_eq(nvmesim_profile_set(&p, "nand.tR", "60us", NULL), 0);
	ck_assert_uint_eq(p.nand.tR_ns, 60000);
	ck_assert_int_eq(nvmesim_profile_set(&p, "profile.cache.bytes", "1MiB", NULL), 0);
	ck_assert_uint_eq(p.cache.bytes, 1 << 20);
	ck_assert_int_eq(nvmesim_profile_set(&p, "nand.unwritten_read", "fast", NULL), 0);
	ck_assert_int_eq(p.nand.unwritten_read, NVMESIM_UNWRITTEN_FAST);
	ck_assert_int_eq(nvmesim_profile_set(&p, "pcie.gen", "4", NULL), 0);
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_profile_set(&p, "nand.tRR", "1us", &diag), -EINVAL);
	ck_assert_msg(strstr(diag.msg, "nand.tR"), "diag: %s", diag.msg);
	ck_assert_int_eq(nvmesim_profile_set(&p, "pcie.gen", "7", NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_profile_set(&p, "nand.tR", "fast", NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_profile_check(&p, NULL), 0);

	p.pcie.lanes = 3;
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_profile_check(&p, &diag), -EINVAL);
	ck_assert_msg(strstr(diag.msg, "pcie.lanes"), "diag: %s", diag.msg);
	ck_assert_int_eq(nvmesim_sim_opts_from_profile(&so, &p), -EINVAL);
	p.pcie.lanes = 4;
	p.pcie.mps = 300;
	ck_assert_int_eq(nvmesim_profile_check(&p, NULL), -EINVAL);
	p.pcie.mps = 256;
	p.nand.page_bytes = 12288;
	ck_assert_int_eq(nvmesim_profile_check(&p, NULL), -EINVAL);
	p.nand.page_bytes = 16384;
	p.ctrl.cores = 0;
	ck_assert_int_eq(nvmesim_profile_check(&p, NULL), -EINVAL);
	p.ctrl.cores = 4;
	p.capacity_bytes = 4097;
	ck_assert_int_eq(nvmesim_profile_check(&p, NULL), -EINVAL);
	p.capacity_bytes = 1 << 30;
	ck_assert_int_eq(nvmesim_sim_opts_from_profile(&so, &p), 0);
	ck_assert_uint_eq(so.ns[0].nsze, (1u << 30) / 512);
	ck_assert_uint_eq(so.mqes, p.queue_entries - 1);
	ck_assert_uint_eq(so.max_queues, p.max_queues);
	ck_assert_ptr_eq(so.profile, &p);
}
END_TEST

/* timing_suite - the model against physics */
static Suite *timing_suite(void)
{
	Suite *s = suite_create("timing");
	TCase *tc;

	tc = tcase_create("qd1");
	tcase_add_loop_test(tc, test_qd1_read, 0, 3);
	tcase_add_test(tc, test_qd1_write);
	tcase_add_test(tc, test_qd1_unwritten_and_cached);
	tcase_add_test(tc, test_polled);
	tcase_add_test(tc, test_host_cpus);
	tcase_add_test(tc, test_link_rates);
	suite_add_tcase(s, tc);

	tc = tcase_create("saturation");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_sat_random_read);
	tcase_add_test(tc, test_sat_seq_read);
	tcase_add_test(tc, test_sat_write);
	tcase_add_test(tc, test_max_inflight);
	tcase_add_test(tc, test_reset_inflight);
	tcase_add_test(tc, test_reset_drops_vector);
	tcase_add_test(tc, test_determinism);
	suite_add_tcase(s, tc);

	tc = tcase_create("profiles");
	tcase_add_test(tc, test_profiles_load);
	tcase_add_test(tc, test_profiles_set_check);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the timing suite */
int main(void)
{
	return nvmesim_test_run(timing_suite());
}
