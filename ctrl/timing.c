/* SPDX-License-Identifier: MIT */
/*
 * timing.c - the timing model of the simulated controller (docs/timing.md).
 *
 * What it models, stage by stage, for a command whose SQE tail doorbell
 * reached the controller at time t:
 *
 *  fetch    one device read per group of up to ctrl.fetch_burst SQEs: the
 *           read request TLP on the device->host link, pcie.read_rtt_ns, then
 *           the completion data (64 bytes per SQE) on the host->device link;
 *  control  ctrl.cmd_ns on the first free of ctrl.cores controller cores;
 *  PRP list a device read of the list when the transfer spans more than two
 *           memory pages (NVMe 2.0 §4.1.1);
 *  read     per flash page touched: tR on its die, then the requested bytes
 *           over its channel, then posted writes of the data to the host;
 *           data still in the write cache comes from DRAM; never-written
 *           blocks cost as nand.unwritten_read says;
 *  write    device reads of the data; with a write cache the command
 *           completes when its data is in the cache (cache.insert_ns), or
 *           waits for room; without one it completes after the flash
 *           programs of its pages;
 *  flush    completes cache.flush_ns after every dirty byte written before
 *           it has been programmed;
 *  complete the CQE (16 bytes) and, if the CQ has interrupts, the MSI-X
 *           message (4 bytes) as posted writes; the host's handler starts
 *           host.irq_latency_ns after the message arrives.
 *
 * Dirty cache data is programmed in the background, per die, one multi-plane
 * program (nand.planes_per_die pages) at a time, with an erase (tBERS) after
 * every nand.pages_per_block programs; the space is freed when a program ends.
 *
 * Timelines and events: bookings are made as early as the command allows, on
 * gap-filling timelines (timing.h), so a command costs one completion event,
 * plus one event per flash page read (the page reaches its channel in die
 * order, not fetch order), one when write data reaches the cache, and one
 * per background program.  Nothing is allocated per command; every choice
 * depends only on the inputs, so runs are deterministic.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/ctrl.h"
#include "ctrl/store.h"

/* Bytes of a CQE and of an MSI-X message (NVMe 2.0 §4.6; PCIe MSI-X data is one dword). */
#define TM_CQE_BYTES 16u
#define TM_MSI_BYTES 4u
#define TM_SQE_BYTES 64u
#define TM_SLOT_MAX_SHIFT 12u /* write-cache tracking granule: 4 KiB (or the page, if smaller) */
#define TM_SLOT_MIN_BITS 10u

/* struct tm_die - one flash die: its timeline and its share of the write cache */
struct tm_die {
	struct nvmesim_tl tl;  /* reads, programs and erases booked on the die */
	uint64_t pend;         /* dirty bytes not yet in a program */
	uint64_t appended;     /* bytes ever inserted for this die (position of the newest) */
	uint64_t programmed;   /* bytes whose program has finished */
	uint64_t inprog;       /* bytes of the background program under way */
	uint64_t nprog;        /* programs so far: the erase cadence */
	uint64_t target;       /* bytes the head Flush needs programmed */
	bool busy;             /* a background program is booked */
};

/* struct tm_slot - one cached granule: key is granule index + 1 (0: empty slot) */
struct tm_slot {
	uint64_t key;          /* granule + 1 */
	uint64_t pos;          /* die stream position after its newest insertion */
};

/* Entries of the memo tables of link and channel times (a power of two). */
#define TM_MEMO 16u

/*
 * struct tm_memo - recently computed costs by byte count.  Link and channel
 * times are divisions by profile constants, and a replay asks for the same
 * few sizes (its block size, 16-byte CQEs, 4-byte MSI-X messages) millions
 * of times; a direct-mapped table answers those without dividing.
 */
struct tm_memo {
	uint64_t key[TM_MEMO];             /* byte count + 1 (0: empty entry) */
	uint64_t val[TM_MEMO];             /* its cost, ns */
};

/* struct nvmesim_timing - the model's state */
struct nvmesim_timing {
	const struct nvmesim_profile *p;   /* the profile (outlives the controller) */
	uint64_t link_num;                 /* link ns per wire byte = link_num / link_den */
	uint64_t link_den;
	uint64_t l_req;                    /* link time of a read request TLP (no payload) */
	uint64_t l_cqe;                    /* link time of a CQE (a posted write) */
	uint64_t l_msi;                    /* link time of an MSI-X message */
	unsigned int mrrs_shift;           /* log2 of pcie.mrrs */
	unsigned int page_shift;           /* log2 of nand.page_bytes */
	bool geo_pow2;                     /* channels and dies per channel are powers of two */
	unsigned int ch_shift;             /* then: log2 of the channels */
	unsigned int dpc_mask;             /* and dies_per_channel - 1 */
	struct tm_memo link_memo;          /* link times of posted writes / completions (MPS) */
	struct tm_memo ch_memo;            /* channel times */
	struct nvmesim_tl h2d;             /* host -> device: read completions */
	struct nvmesim_tl d2h;             /* device -> host: read requests, posted writes */
	uint64_t *core;                    /* per controller core: busy until */
	struct nvmesim_tl *ch;             /* per channel */
	struct tm_die *die;                /* per die: die d is on channel d % channels */
	unsigned int ndies;                /* channels * dies_per_channel */
	uint64_t ns_base[NVMESIM_SIM_MAX_NS]; /* namespace i starts at this flash byte */
	uint64_t unit;                     /* bytes of a multi-plane program */
	unsigned int slot_shift;           /* log2 of the cache tracking granule */
	uint64_t cache_used;               /* bytes in the write cache */
	struct nvmesim_ctrl_cmd *wq_head;  /* writes waiting for cache room, oldest first */
	struct nvmesim_ctrl_cmd *wq_tail;
	struct nvmesim_ctrl_cmd *fq_head;  /* Flush commands waiting, oldest first */
	struct nvmesim_ctrl_cmd *fq_tail;
	bool fq_armed;                     /* die targets are set for the head Flush */
	unsigned int nbusy;                /* dies with a background program booked */
	struct tm_slot *slots;             /* cached granules, open addressing */
	uint64_t slot_mask;                /* table size - 1 (0: no table) */
	unsigned int slot_bits;            /* log2 of the table size */
	uint64_t slot_n;                   /* keys in the table */
};

static inline uint64_t tm_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* ---------------------------------------------------------------- timelines */

/* Drop intervals that ended by @now; they can no longer delay anything. */
static inline void tl_prune(struct nvmesim_tl *tl, uint64_t now)
{
	while (tl->n && tl->v[tl->head].e <= now) {
		tl->head++;
		tl->n--;
	}
	if (!tl->n)
		tl->head = 0;
}

/* Index (absolute) of the first live interval ending after @t. */
static unsigned int tl_first_after(const struct nvmesim_tl *tl, uint64_t t)
{
	unsigned int lo = tl->head, hi = tl->head + tl->n;

	/* timelines are short (one or two intervals typically): a linear scan mispredicts
	 * less than bisecting */
	if (tl->n <= 8) {
		while (lo < hi && tl->v[lo].e <= t)
			lo++;
		return lo;
	}
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (tl->v[mid].e <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Earliest start >= @ready where @dur fits, and in *@at the index before which it
 * goes (the first interval ending after the start); intervals ending by @now are
 * dropped first.
 */
static uint64_t tl_fit_at(struct nvmesim_tl *tl, uint64_t now, uint64_t ready, uint64_t dur,
			  unsigned int *at)
{
	unsigned int i, end;
	uint64_t t = ready;

	tl_prune(tl, now);
	end = tl->head + tl->n;
	/* the common case: nothing booked after @ready */
	if (!dur || !tl->n || tl->v[end - 1].e <= t) {
		*at = end;   /* (not used for @dur 0: nothing is booked) */
		return t;
	}
	for (i = tl_first_after(tl, t); i < end; i++) {
		if (tl->v[i].s >= t + dur)
			break;
		t = tm_max(t, tl->v[i].e);
	}
	*at = i;   /* == tl_first_after(tl, t): every interval before i ends by t */
	return t;
}

/* nvmesim_tl_fit - earliest start >= @ready where @dur fits; returns the start */
uint64_t nvmesim_tl_fit(struct nvmesim_tl *tl, uint64_t now, uint64_t ready, uint64_t dur)
{
	unsigned int at;

	return tl_fit_at(tl, now, ready, dur, &at);
}

/* Make room for one more interval at the end of storage; 0 or -ENOMEM. */
static int tl_room(struct nvmesim_tl *tl)
{
	struct nvmesim_span *v;
	unsigned int cap;

	if (tl->head + tl->n < tl->cap)
		return 0;
	if (tl->head) {
		memmove(tl->v, tl->v + tl->head, tl->n * sizeof(*tl->v));
		tl->head = 0;
		return 0;
	}
	if (!tl->v) {
		tl->v = tl->inl;
		tl->cap = NVMESIM_TL_INLINE;
		return 0;
	}
	cap = tl->cap * 2;
	if (tl->v == tl->inl) {
		v = malloc(cap * sizeof(*v));
		if (v)
			memcpy(v, tl->inl, tl->n * sizeof(*v));
	} else {
		v = realloc(tl->v, cap * sizeof(*v));
	}
	if (!v)
		return -ENOMEM;
	tl->v = v;
	tl->cap = cap;
	return 0;
}

/* nvmesim_tl_make_room - drop the intervals that ended by @now and make room for one more
 * at the end; returns the index after the last interval (== cap when out of memory) */
unsigned int nvmesim_tl_make_room(struct nvmesim_tl *tl, uint64_t now)
{
	unsigned int i;

	tl_prune(tl, now);
	if (tl->head && tl->head + tl->n == tl->cap) {
		/* the usual case: a few live intervals behind dead ones; move them down */
		for (i = 0; i < tl->n; i++)
			tl->v[i] = tl->v[tl->head + i];
		tl->head = 0;
		return tl->n;
	}
	if (tl_room(tl))
		return tl->cap;
	return tl->head + tl->n;
}

/* Mark [@t, @t + @dur) busy, @i being the first interval that ends after @t; the range
 * must be free. */
static void tl_book_at(struct nvmesim_tl *tl, unsigned int i, uint64_t t, uint64_t dur)
{
	uint64_t e = t + dur;
	unsigned int end = tl->head + tl->n;

	/* touching the previous interval: extend it, and swallow the next if it touches too */
	if (i > tl->head && tl->v[i - 1].e == t) {
		tl->v[i - 1].e = e;
		if (i < end && tl->v[i].s == e) {
			tl->v[i - 1].e = tl->v[i].e;
			memmove(tl->v + i, tl->v + i + 1, (end - i - 1) * sizeof(*tl->v));
			tl->n--;
		}
		return;
	}
	if (i < end && tl->v[i].s == e) {
		tl->v[i].s = t;
		return;
	}
	if (i == end && end < tl->cap) {
		/* appending (the usual case): no search, no move */
		tl->v[end].s = t;
		tl->v[end].e = e;
		tl->n++;
		return;
	}
	if (tl_room(tl)) {
		/* No memory for a new interval: stay correct by treating everything up to
		 * the new end as busy (the booking never lands in a busy slot). */
		if (tl->n) {
			tl->v[tl->head + tl->n - 1].e = tm_max(tl->v[tl->head + tl->n - 1].e, e);
		}
		return;
	}
	i = tl_first_after(tl, t);  /* storage may have moved */
	end = tl->head + tl->n;
	memmove(tl->v + i + 1, tl->v + i, (end - i) * sizeof(*tl->v));
	tl->v[i].s = t;
	tl->v[i].e = e;
	tl->n++;
}

/* nvmesim_tl_book - mark [@t, @t + @dur) busy (the range must be free) */
void nvmesim_tl_book(struct nvmesim_tl *tl, uint64_t t, uint64_t dur)
{
	unsigned int end = tl->head + tl->n;

	if (!dur)
		return;
	/* the common case: at or after the last interval (no search) */
	tl_book_at(tl, !tl->n || tl->v[end - 1].e <= t ? end : tl_first_after(tl, t), t, dur);
}

/* nvmesim_tl_reserve - fit and book @dur at or after @ready; returns the start */
uint64_t nvmesim_tl_reserve(struct nvmesim_tl *tl, uint64_t now, uint64_t ready, uint64_t dur)
{
	unsigned int at;
	uint64_t t = tl_fit_at(tl, now, ready, dur, &at);

	if (dur)
		tl_book_at(tl, at, t, dur);
	return t;
}

/* Book @dur ns on @tl at or after @ready (the model's bookings: timing.h's inline path). */
static inline uint64_t tm_reserve(struct nvmesim_tl *tl, uint64_t now, uint64_t ready,
				  uint64_t dur)
{
	return nvmesim_tl_reserve_inline(tl, now, ready, dur);
}

/* nvmesim_tl_fini - free the intervals of @tl */
void nvmesim_tl_fini(struct nvmesim_tl *tl)
{
	if (tl->v != tl->inl)
		free(tl->v);
	memset(tl, 0, sizeof(*tl));
}

/* ---------------------------------------------------------------- costs */

/*
 * Raw signalling rate per lane in units of 0.5 GT/s and the encoding
 * efficiency num/den (PCIe Base 3.0 §4.2.2 128b/130b; Gen1/2 8b/10b; Gen6
 * FLIT mode, 242 of 256 bytes carry TLP/DLLP data).
 */
static void tm_link_rate(unsigned int gen, uint64_t *gt2, uint64_t *num, uint64_t *den)
{
	static const uint64_t rate[] = { 5, 5, 10, 16, 32, 64, 128 };

	*gt2 = rate[gen <= 6 ? gen : 6];
	if (gen <= 2) {
		*num = 8;
		*den = 10;
	} else if (gen <= 5) {
		*num = 128;
		*den = 130;
	} else {
		*num = 242;
		*den = 256;
	}
}

/* nvmesim_timing_link_ns - link time of @payload bytes in TLPs of <= @max_tlp bytes; ns */
uint64_t nvmesim_timing_link_ns(const struct nvmesim_ctrl *c, uint64_t payload,
				unsigned int max_tlp)
{
	const struct nvmesim_timing *tm = c->tm;
	uint64_t ntlp = payload ? (payload + max_tlp - 1) / max_tlp : 1;
	uint64_t wire = payload + ntlp * tm->p->pcie.tlp_overhead;

	return (wire * tm->link_num + tm->link_den - 1) / tm->link_den;
}

/* The memo entry of @bytes (Fibonacci hashing of the count). */
static inline unsigned int tm_memo_slot(uint64_t bytes)
{
	return (unsigned int)((bytes * 0x9e3779b97f4a7c15ull) >> 60) & (TM_MEMO - 1);
}

/* Link time of @bytes in TLPs of at most pcie.mps bytes (memoized); ns. */
static inline uint64_t tm_link(struct nvmesim_timing *tm, uint64_t bytes)
{
	unsigned int i = tm_memo_slot(bytes);
	uint64_t ntlp, wire;

	if (tm->link_memo.key[i] == bytes + 1)
		return tm->link_memo.val[i];
	/* nvmesim_timing_link_ns() for max_tlp = mps */
	ntlp = bytes ? (bytes + tm->p->pcie.mps - 1) / tm->p->pcie.mps : 1;
	wire = bytes + ntlp * tm->p->pcie.tlp_overhead;
	tm->link_memo.key[i] = bytes + 1;
	tm->link_memo.val[i] = (wire * tm->link_num + tm->link_den - 1) / tm->link_den;
	return tm->link_memo.val[i];
}

/* Channel time of @bytes at nand.channel_mbps (10^6 bytes/s), rounded up to a ns
 * (memoized). */
static inline uint64_t tm_ch_ns(struct nvmesim_timing *tm, uint64_t bytes)
{
	unsigned int i = tm_memo_slot(bytes);

	if (tm->ch_memo.key[i] == bytes + 1)
		return tm->ch_memo.val[i];
	tm->ch_memo.key[i] = bytes + 1;
	tm->ch_memo.val[i] = (bytes * 1000 + tm->p->nand.channel_mbps - 1) /
			     tm->p->nand.channel_mbps;
	return tm->ch_memo.val[i];
}

/*
 * A device read of @bytes from host memory issued at @t: ceil(bytes / mrrs)
 * request TLPs on the device->host link, pcie.read_rtt_ns, then completions
 * of at most MPS bytes on the host->device link.  Returns when the last byte
 * is in the controller.
 */
static uint64_t tm_dev_read(struct nvmesim_ctrl *c, uint64_t t, uint64_t bytes)
{
	struct nvmesim_timing *tm = c->tm;
	const struct nvmesim_profile_pcie *l = &tm->p->pcie;
	uint64_t nreq = bytes ? (bytes + l->mrrs - 1) >> tm->mrrs_shift : 1;
	uint64_t req = tm->l_req * nreq;
	uint64_t cpl = tm_link(tm, bytes);
	uint64_t s;

	s = tm_reserve(&tm->d2h, c->sched.now, t, req);
	s = tm_reserve(&tm->h2d, c->sched.now, s + req + l->read_rtt_ns, cpl);
	return s + cpl;
}

/* ctrl.cmd_ns on the core that frees first (ties: lowest index); returns the end. */
static uint64_t tm_core(struct nvmesim_ctrl *c, uint64_t t)
{
	struct nvmesim_timing *tm = c->tm;
	unsigned int i, best = 0;
	uint64_t min = tm->core[0];

	/* which core frees first is a coin toss: select without branches */
	for (i = 1; i < tm->p->ctrl.cores; i++) {
		best = tm->core[i] < min ? i : best;
		min = tm->core[i] < min ? tm->core[i] : min;
	}
	tm->core[best] = tm_max(t, min) + tm->p->ctrl.cmd_ns;
	return tm->core[best];
}

/* Bytes of the PRP list a transfer of @bytes starting at @prp1 needs (§4.1.1): none when
 * it touches at most two memory pages, else 8 per page after the first. */
static uint64_t tm_prp_list_bytes(const struct nvmesim_ctrl *c, uint64_t prp1, uint64_t bytes)
{
	uint64_t page = c->page_size;   /* a power of two (CC.MPS) */
	uint64_t pages = ((prp1 & (page - 1)) + bytes + page - 1) >> __builtin_ctzll(page);

	return pages > 2 ? (pages - 1) * 8 : 0;
}

/* Flash geometry: the die of flash byte @goff (static striping of pages over channels,
 * then over the dies of a channel). */
static inline unsigned int tm_die_of(const struct nvmesim_timing *tm, uint64_t goff)
{
	const struct nvmesim_profile_nand *n = &tm->p->nand;
	uint64_t fp = goff >> tm->page_shift;
	unsigned int ch, d;

	if (tm->geo_pow2) {
		/* the same as below, with masks and shifts instead of divisions */
		ch = (unsigned int)fp & (n->channels - 1);
		d = (unsigned int)(fp >> tm->ch_shift) & tm->dpc_mask;
		return (d << tm->ch_shift) + ch;
	}
	ch = (unsigned int)(fp % n->channels);
	d = (unsigned int)((fp / n->channels) % n->dies_per_channel);
	return d * n->channels + ch;
}

/* The channel of die @d. */
static inline unsigned int tm_ch_of(const struct nvmesim_timing *tm, unsigned int d)
{
	return tm->geo_pow2 ? d & (tm->p->nand.channels - 1) : d % tm->p->nand.channels;
}

/* ---------------------------------------------------------------- write cache map */

static uint64_t tm_slot_hash(uint64_t key, uint64_t mask)
{
	return (key * 0x9e3779b97f4a7c15ull >> 20) & mask;
}

/* Whether granule @g (4 KiB or a page) still has dirty data in the cache. */
static bool tm_slot_cached(const struct nvmesim_timing *tm, uint64_t g)
{
	uint64_t key = g + 1, i;

	if (!tm->slot_mask)
		return false;
	for (i = tm_slot_hash(key, tm->slot_mask); tm->slots[i].key; i = (i + 1) & tm->slot_mask) {
		if (tm->slots[i].key == key) {
			const struct tm_die *d = &tm->die[tm_die_of(tm, g << tm->slot_shift)];

			return tm->slots[i].pos > d->programmed;
		}
	}
	return false;
}

/* Rebuild the table with 2^@bits slots keeping only granules still dirty; 0 or -ENOMEM. */
static int tm_slot_rebuild(struct nvmesim_timing *tm, unsigned int bits)
{
	uint64_t size = (uint64_t)1 << bits, mask = size - 1, i, j, n = 0;
	struct tm_slot *t = calloc(size, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; tm->slot_mask && i <= tm->slot_mask; i++) {
		const struct tm_slot *s = &tm->slots[i];

		if (!s->key)
			continue;
		if (s->pos <= tm->die[tm_die_of(tm, (s->key - 1) << tm->slot_shift)].programmed)
			continue;  /* programmed since: no longer cached */
		for (j = tm_slot_hash(s->key, mask); t[j].key; j = (j + 1) & mask)
			;
		t[j] = *s;
		n++;
	}
	free(tm->slots);
	tm->slots = t;
	tm->slot_mask = mask;
	tm->slot_bits = bits;
	tm->slot_n = n;
	return 0;
}

/* Record that granule @g was written into the cache, ending at die position @pos. */
static void tm_slot_put(struct nvmesim_timing *tm, uint64_t g, uint64_t pos)
{
	uint64_t key = g + 1, i;

	if ((tm->slot_n + 1) * 2 > tm->slot_mask + 1) {
		/* half full of keys: drop the programmed ones; grow if over a quarter live
		 * (rebuilds are then at least a quarter table of insertions apart) */
		if (tm_slot_rebuild(tm, tm->slot_bits))
			return;  /* no memory: the granule is read from flash instead */
		if ((tm->slot_n + 1) * 4 > tm->slot_mask + 1 &&
		    tm_slot_rebuild(tm, tm->slot_bits + 1))
			return;
	}
	for (i = tm_slot_hash(key, tm->slot_mask); tm->slots[i].key; i = (i + 1) & tm->slot_mask) {
		if (tm->slots[i].key == key) {
			tm->slots[i].pos = pos;
			return;
		}
	}
	tm->slots[i].key = key;
	tm->slots[i].pos = pos;
	tm->slot_n++;
}

/* ---------------------------------------------------------------- completion */

/*
 * The last stage of @cmd ended at cmd->t_ready: post its CQE (and the MSI-X
 * message after it) on the device->host link and schedule the completion
 * event for when the CQE is in host memory.
 */
static void tm_finish(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd)
{
	struct nvmesim_timing *tm = c->tm;
	const struct nvmesim_profile *p = tm->p;
	struct nvmesim_ctrl_cq *cq = cmd->cqid <= c->opts.max_queues ? c->cq[cmd->cqid] : NULL;
	uint64_t x, s, when = c->sched.now;

	if (cmd->state == NVMESIM_CMD_RUNNING) {
		x = tm->l_cqe;
		s = tm_reserve(&tm->d2h, c->sched.now, cmd->t_ready, x) + x;
		when = s + p->pcie.write_latency_ns;
		cmd->t_irq = when;
		if (cq && cq->q.ien) {
			x = tm->l_msi;
			s = tm_reserve(&tm->d2h, c->sched.now, s, x) + x;
			cmd->t_irq = s + p->pcie.write_latency_ns + p->host.irq_latency_ns;
		}
	}
	if (nvmesim_sched_at(&c->sched, when, nvmesim_exec_complete_ev, c,
			     (uint64_t)(uintptr_t)cmd))
		nvmesim_exec_complete_ev(c, (uint64_t)(uintptr_t)cmd);
}

/* nvmesim_timing_irq_time - handler start of an MSI-X message sent now; the time */
uint64_t nvmesim_timing_irq_time(struct nvmesim_ctrl *c)
{
	const struct nvmesim_profile *p;
	uint64_t x;

	if (!c->tm)
		return c->sched.now;
	p = c->tm->p;
	x = c->tm->l_msi;
	x += tm_reserve(&c->tm->d2h, c->sched.now, c->sched.now, x);
	return x + p->pcie.write_latency_ns + p->host.irq_latency_ns;
}

/* ---------------------------------------------------------------- programs */

/*
 * Book one program of @bytes on die @d no earlier than @ready: the data goes
 * over the die's channel, then tPROG; after every pages_per_block-th program
 * the die also erases a block (tBERS), so the erase delays later work on the
 * die but not this program's completion.  Returns when the program ends.
 */
static uint64_t tm_program(struct nvmesim_ctrl *c, unsigned int d, uint64_t bytes,
			   uint64_t ready)
{
	struct nvmesim_timing *tm = c->tm;
	const struct nvmesim_profile_nand *n = &tm->p->nand;
	struct nvmesim_tl *ch = &tm->ch[tm_ch_of(tm, d)];
	struct tm_die *die = &tm->die[d];
	uint64_t x = tm_ch_ns(tm, bytes);
	uint64_t busy = x + n->tPROG_ns, t = ready, t1, t2;

	die->nprog++;
	if (die->nprog % n->pages_per_block == 0)
		busy += n->tBERS_ns;
	/* the channel transfer and the die's whole operation must both fit */
	for (;;) {
		t1 = nvmesim_tl_fit(ch, c->sched.now, t, x);
		t2 = nvmesim_tl_fit(&die->tl, c->sched.now, t1, busy);
		if (t2 == t1)
			break;
		t = t2;
	}
	nvmesim_tl_book(ch, t1, x);
	nvmesim_tl_book(&die->tl, t1, busy);
	return t1 + x + n->tPROG_ns;
}

static void tm_prog_done_ev(void *arg, uint64_t data);

/* Whether the head Flush still needs data of die @d programmed. */
static bool tm_flush_wants(const struct nvmesim_timing *tm, const struct tm_die *die)
{
	return tm->fq_armed && die->programmed + die->inprog < die->target;
}

/*
 * Start the next background program of die @d if it has a full unit of dirty
 * data, or any dirty data when a Flush waits for it or @force is set (writes
 * wait for room and no program anywhere would free any).
 */
static void tm_prog_kick(struct nvmesim_ctrl *c, unsigned int d, bool force)
{
	struct nvmesim_timing *tm = c->tm;
	struct tm_die *die = &tm->die[d];
	uint64_t bytes, done;

	if (die->busy || !die->pend)
		return;
	if (die->pend >= tm->unit)
		bytes = tm->unit;
	else if (force || tm_flush_wants(tm, die))
		bytes = die->pend;   /* a partial unit, padded: costs a whole program */
	else
		return;
	done = tm_program(c, d, bytes, c->sched.now);
	die->pend -= bytes;
	die->inprog = bytes;
	die->busy = true;
	tm->nbusy++;
	if (nvmesim_sched_at(&c->sched, done, tm_prog_done_ev, c, d))
		tm_prog_done_ev(c, d);
}

/*
 * Writes wait for room but no program is under way (the dirty data is all in
 * partial units, spread over the dies): program the partial units, or the
 * cache would never drain.
 */
static void tm_prog_unstick(struct nvmesim_ctrl *c)
{
	struct nvmesim_timing *tm = c->tm;
	unsigned int d;

	if (!tm->wq_head || tm->nbusy)
		return;
	for (d = 0; d < tm->ndies; d++)
		tm_prog_kick(c, d, true);
}

/* Insert write @cmd's data into the cache now and complete it cache.insert_ns later. */
static void tm_cache_insert(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd)
{
	struct nvmesim_timing *tm = c->tm;
	uint32_t pb = tm->p->nand.page_bytes;
	uint64_t off = cmd->goff, left = cmd->bytes, len, g, g1;
	unsigned int d;

	tm->cache_used += cmd->bytes;
	while (left) {
		len = pb - (off & (pb - 1));   /* page_bytes is a power of two */
		if (len > left)
			len = left;
		d = tm_die_of(tm, off);
		tm->die[d].pend += len;
		tm->die[d].appended += len;
		g1 = (off + len - 1) >> tm->slot_shift;
		for (g = off >> tm->slot_shift; g <= g1; g++)
			tm_slot_put(tm, g, tm->die[d].appended);
		tm_prog_kick(c, d, false);
		off += len;
		left -= len;
	}
	cmd->t_ready = c->sched.now + tm->p->cache.insert_ns;
	tm_finish(c, cmd);
}

/* Whether a write of @bytes may enter the cache now (a write larger than the whole
 * cache waits until it is empty). */
static bool tm_cache_room(const struct nvmesim_timing *tm, uint64_t bytes)
{
	uint64_t cap = tm->p->cache.bytes;

	return tm->cache_used + (bytes < cap ? bytes : cap) <= cap;
}

/* Admit waiting writes in arrival order while they fit. */
static void tm_cache_admit(struct nvmesim_ctrl *c)
{
	struct nvmesim_timing *tm = c->tm;
	struct nvmesim_ctrl_cmd *cmd;

	while ((cmd = tm->wq_head) && tm_cache_room(tm, cmd->bytes)) {
		tm->wq_head = cmd->tnext;
		if (!tm->wq_head)
			tm->wq_tail = NULL;
		cmd->tnext = NULL;
		if (cmd->state == NVMESIM_CMD_DEAD)
			tm_finish(c, cmd);   /* aborted while waiting: nothing to store */
		else
			tm_cache_insert(c, cmd);
	}
}

/* Complete Flush commands whose data is all programmed; arm the next one. */
static void tm_flush_check(struct nvmesim_ctrl *c)
{
	struct nvmesim_timing *tm = c->tm;
	struct nvmesim_ctrl_cmd *f;
	unsigned int d;

	while ((f = tm->fq_head)) {
		if (!tm->fq_armed) {
			/* everything written (inserted) before this Flush is its target */
			for (d = 0; d < tm->ndies; d++)
				tm->die[d].target = tm->die[d].appended;
			tm->fq_armed = true;
			for (d = 0; d < tm->ndies; d++)
				tm_prog_kick(c, d, false);
		}
		for (d = 0; d < tm->ndies; d++)
			if (tm->die[d].programmed < tm->die[d].target)
				return;
		tm->fq_head = f->tnext;
		if (!tm->fq_head)
			tm->fq_tail = NULL;
		f->tnext = NULL;
		tm->fq_armed = false;
		f->t_ready = c->sched.now + tm->p->cache.flush_ns;
		tm_finish(c, f);
	}
}

/* A background program of die @data ended: free its cache space, let waiting writes
 * in, complete Flushes, and start the die's next program. */
static void tm_prog_done_ev(void *arg, uint64_t data)
{
	struct nvmesim_ctrl *c = arg;
	struct nvmesim_timing *tm = c->tm;
	struct tm_die *die = &tm->die[data];

	die->busy = false;
	tm->nbusy--;
	die->programmed += die->inprog;
	tm->cache_used -= die->inprog;
	die->inprog = 0;
	tm_cache_admit(c);
	tm_flush_check(c);
	tm_prog_kick(c, (unsigned int)data, false);
	tm_prog_unstick(c);
}

/* ---------------------------------------------------------------- stage events */

/* Whether the write cache takes writes: it exists and the host left it enabled
 * (Volatile Write Cache feature, NVMe 2.0 §5.27.1, Feature 06h). */
static bool tm_cache_on(const struct nvmesim_ctrl *c)
{
	return c->tm->p->cache.bytes && c->opts.vwc && (c->feat.vwc & 1);
}

/* Write data of @arg is in the controller: into the cache, or programmed to flash. */
static void tm_write_in_ev(void *arg, uint64_t data)
{
	struct nvmesim_ctrl_cmd *cmd = arg;
	struct nvmesim_ctrl *c = cmd->ctrl;
	struct nvmesim_timing *tm = c->tm;
	uint32_t pb = tm->p->nand.page_bytes;
	uint64_t off, left, len, end;

	(void)data;
	if (cmd->state == NVMESIM_CMD_DEAD) {
		tm_finish(c, cmd);
		return;
	}
	if (tm_cache_on(c)) {
		if (!tm->wq_head && tm_cache_room(tm, cmd->bytes)) {
			tm_cache_insert(c, cmd);
			return;
		}
		cmd->tnext = NULL;
		if (tm->wq_tail)
			tm->wq_tail->tnext = cmd;
		else
			tm->wq_head = cmd;
		tm->wq_tail = cmd;
		tm_prog_unstick(c);
		return;
	}
	/* write-through: one program per flash page touched */
	end = c->sched.now;
	for (off = cmd->goff, left = cmd->bytes; left; off += len, left -= len) {
		len = pb - (off & (pb - 1));   /* page_bytes is a power of two */
		if (len > left)
			len = left;
		end = tm_max(end, tm_program(c, tm_die_of(tm, off), len, c->sched.now));
	}
	cmd->t_ready = end;
	tm_finish(c, cmd);
}

/* Flush @arg reached the write cache logic. */
static void tm_flush_ev(void *arg, uint64_t data)
{
	struct nvmesim_ctrl_cmd *cmd = arg;
	struct nvmesim_ctrl *c = cmd->ctrl;
	struct nvmesim_timing *tm = c->tm;

	(void)data;
	cmd->tnext = NULL;
	if (tm->fq_tail)
		tm->fq_tail->tnext = cmd;
	else
		tm->fq_head = cmd;
	tm->fq_tail = cmd;
	tm_flush_check(c);
}

/* A flash page read of @arg finished tR: its bytes (@data low half) cross channel
 * (@data high half), then go to the host. */
static void tm_chunk_ev(void *arg, uint64_t data)
{
	struct nvmesim_ctrl_cmd *cmd = arg;
	struct nvmesim_ctrl *c = cmd->ctrl;
	struct nvmesim_timing *tm = c->tm;
	uint64_t len = data & 0xffffffffu, x, s;
	unsigned int ch = (unsigned int)(data >> 32);

	if (cmd->state == NVMESIM_CMD_RUNNING) {
		x = tm_ch_ns(tm, len);
		s = tm_reserve(&tm->ch[ch], c->sched.now, c->sched.now, x) + x;
		if (cmd->tkind == NVMESIM_TK_READ) {
			x = tm_link(tm, len);
			s = tm_max(s, cmd->t_prp);
			s = tm_reserve(&tm->d2h, c->sched.now, s, x) + x;
		}
		cmd->t_ready = tm_max(cmd->t_ready, s);
	}
	if (--cmd->chunks == 0)
		tm_finish(c, cmd);
}

/* ---------------------------------------------------------------- commands */

/* nvmesim_timing_fetch - one device read of @n SQEs now; returns their arrival time */
uint64_t nvmesim_timing_fetch(struct nvmesim_ctrl *c, unsigned int n)
{
	return tm_dev_read(c, c->sched.now, (uint64_t)n * TM_SQE_BYTES);
}

/* Flash byte offset of LBA @slba of namespace @nsid (namespaces laid out back to back). */
static uint64_t tm_goff(const struct nvmesim_ctrl *c, uint32_t nsid, uint64_t slba)
{
	const struct nvmesim_ns *ns = c->nsp[nsid - 1];

	return c->tm->ns_base[nsid - 1] + (slba << ns->lba_shift);
}

/* Whether the data of [@off, @off + @len) of the command's namespace comes from DRAM
 * or the controller alone rather than from flash. */
static bool tm_read_no_flash(struct nvmesim_ctrl *c, const struct nvmesim_ns *ns,
			     uint64_t goff, uint64_t nsoff, uint64_t len)
{
	struct nvmesim_timing *tm = c->tm;
	uint64_t g, g1 = (goff + len - 1) >> tm->slot_shift;
	uint64_t lba = nsoff >> ns->lba_shift, last = (nsoff + len - 1) >> ns->lba_shift;
	bool cached = tm->slot_n != 0;   /* an empty table caches nothing: no lookups */

	for (g = goff >> tm->slot_shift; cached && g <= g1; g++)
		cached = tm_slot_cached(tm, g);
	if (cached)
		return true;
	return tm->p->nand.unwritten_read == NVMESIM_UNWRITTEN_FAST &&
	       !nvmesim_store_any_written(ns->store, lba, last - lba + 1);
}

/* Read or Compare: a flash read per page touched (or DRAM/controller), then data. */
static void tm_start_read(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
			  const struct nvmesim_sqe *sqe, uint64_t t_c)
{
	struct nvmesim_timing *tm = c->tm;
	const struct nvmesim_profile *p = tm->p;
	const struct nvmesim_ns *ns = c->nsp[sqe->nsid - 1];
	uint64_t slba = (uint64_t)sqe->cdw11 << 32 | sqe->cdw10;
	uint64_t nsoff = slba << ns->lba_shift, off = cmd->goff, left = cmd->bytes, len, s, x;
	uint64_t list = tm_prp_list_bytes(c, sqe->prp1, cmd->bytes);
	uint32_t pb = p->nand.page_bytes;
	unsigned int d;

	cmd->t_prp = list ? tm_dev_read(c, t_c, list) : t_c;
	cmd->t_ready = t_c;
	if (cmd->tkind == NVMESIM_TK_COMPARE)
		cmd->t_ready = tm_dev_read(c, cmd->t_prp, cmd->bytes);
	cmd->chunks = 1;   /* held until every page is booked */
	for (; left; off += len, nsoff += len, left -= len) {
		len = pb - (off & (pb - 1));   /* page_bytes is a power of two */
		if (len > left)
			len = left;
		if (tm_read_no_flash(c, ns, off, nsoff, len)) {
			s = tm_max(t_c, cmd->t_prp);
			if (cmd->tkind == NVMESIM_TK_READ) {
				x = tm_link(tm, len);
				s = tm_reserve(&tm->d2h, c->sched.now, s, x) + x;
			}
			cmd->t_ready = tm_max(cmd->t_ready, s);
			continue;
		}
		d = tm_die_of(tm, off);
		s = tm_reserve(&tm->die[d].tl, c->sched.now, t_c, p->nand.tR_ns);
		cmd->chunks++;
		if (nvmesim_sched_at(&c->sched, s + p->nand.tR_ns, tm_chunk_ev, cmd,
				     len | (uint64_t)tm_ch_of(tm, d) << 32)) {
			cmd->chunks--;   /* no event: count the page as read now */
			cmd->t_ready = tm_max(cmd->t_ready, s + p->nand.tR_ns);
		}
	}
	if (--cmd->chunks == 0)
		tm_finish(c, cmd);
}

/* Sort the command into its timing class from its opcode and status. */
static enum nvmesim_tkind tm_kind(const struct nvmesim_ctrl_cmd *cmd)
{
	if (cmd->status || cmd->sqid == 0)
		return NVMESIM_TK_SIMPLE;
	switch (cmd->opcode) {
	case NVMESIM_NVM_READ:
		return NVMESIM_TK_READ;
	case NVMESIM_NVM_COMPARE:
		return NVMESIM_TK_COMPARE;
	case NVMESIM_NVM_WRITE:
		return NVMESIM_TK_WRITE;
	case NVMESIM_NVM_FLUSH:
		return NVMESIM_TK_FLUSH;
	default:
		return NVMESIM_TK_SIMPLE;
	}
}

/* nvmesim_timing_start - book @cmd's resources and schedule its next stage; 0 or -ENOMEM */
int nvmesim_timing_start(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
			 const struct nvmesim_sqe *sqe, uint64_t t_arr)
{
	uint64_t t_c = tm_core(c, t_arr), list;
	const struct nvmesim_ns *ns;

	cmd->ctrl = c;
	cmd->tnext = NULL;
	cmd->chunks = 0;
	cmd->t_prp = t_c;
	cmd->t_ready = t_c;
	cmd->tkind = tm_kind(cmd);
	if (cmd->tkind == NVMESIM_TK_READ || cmd->tkind == NVMESIM_TK_COMPARE ||
	    cmd->tkind == NVMESIM_TK_WRITE) {
		/* a successful command names an active namespace (nvm.c checked it) */
		ns = c->nsp[sqe->nsid - 1];
		cmd->bytes = (uint32_t)((uint64_t)((sqe->cdw12 & 0xffff) + 1) << ns->lba_shift);
		cmd->goff = tm_goff(c, sqe->nsid, (uint64_t)sqe->cdw11 << 32 | sqe->cdw10);
	}
	switch (cmd->tkind) {
	case NVMESIM_TK_READ:
	case NVMESIM_TK_COMPARE:
		tm_start_read(c, cmd, sqe, t_c);
		return 0;
	case NVMESIM_TK_WRITE:
		list = tm_prp_list_bytes(c, sqe->prp1, cmd->bytes);
		cmd->t_prp = list ? tm_dev_read(c, t_c, list) : t_c;
		cmd->t_ready = tm_dev_read(c, cmd->t_prp, cmd->bytes);
		if (nvmesim_sched_at(&c->sched, cmd->t_ready, tm_write_in_ev, cmd, 0))
			return -ENOMEM;
		return 0;
	case NVMESIM_TK_FLUSH:
		if (nvmesim_sched_at(&c->sched, t_c, tm_flush_ev, cmd, 0))
			return -ENOMEM;
		return 0;
	default:
		if (cmd->opcode == NVMESIM_NVM_DSM && cmd->sqid && !cmd->status)
			/* the range list: (NR + 1) entries of 16 bytes from host memory */
			cmd->t_ready = tm_dev_read(c, t_c, ((sqe->cdw10 & 0xff) + 1) * 16u);
		tm_finish(c, cmd);
		return 0;
	}
}

/* nvmesim_timing_reset - hand the commands waiting inside the model to @drop */
void nvmesim_timing_reset(struct nvmesim_ctrl *c,
			  void (*drop)(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd))
{
	struct nvmesim_timing *tm = c->tm;
	struct nvmesim_ctrl_cmd *cmd, *next;

	if (!tm)
		return;
	for (cmd = tm->wq_head; cmd; cmd = next) {
		next = cmd->tnext;
		drop(c, cmd);
	}
	for (cmd = tm->fq_head; cmd; cmd = next) {
		next = cmd->tnext;
		drop(c, cmd);
	}
	tm->wq_head = tm->wq_tail = NULL;
	tm->fq_head = tm->fq_tail = NULL;
	tm->fq_armed = false;
}

/* nvmesim_timing_cache_used - bytes in the write cache */
uint64_t nvmesim_timing_cache_used(const struct nvmesim_ctrl *c)
{
	return c->tm ? c->tm->cache_used : 0;
}

/* nvmesim_timing_new - set up the model for c->opts.profile; 0 or -ENOMEM */
int nvmesim_timing_new(struct nvmesim_ctrl *c)
{
	const struct nvmesim_profile *p = c->opts.profile;
	struct nvmesim_timing *tm;
	uint64_t gt2, num, den, base = 0;
	unsigned int i;

	tm = calloc(1, sizeof(*tm));
	if (!tm)
		return -ENOMEM;
	c->tm = tm;
	tm->p = p;
	/* ns per wire byte = 8 bits / (lanes * GT/s * efficiency) = 16 den / (lanes gt2 num) */
	tm_link_rate(p->pcie.gen, &gt2, &num, &den);
	tm->link_num = 16 * den;
	tm->link_den = p->pcie.lanes * gt2 * num;
	tm->l_req = nvmesim_timing_link_ns(c, 0, 1);
	tm->l_cqe = nvmesim_timing_link_ns(c, TM_CQE_BYTES, p->pcie.mps);
	tm->l_msi = nvmesim_timing_link_ns(c, TM_MSI_BYTES, p->pcie.mps);
	/* mps, mrrs and page_bytes are powers of two (nvmesim_profile_check()) */
	tm->mrrs_shift = (unsigned int)__builtin_ctz(p->pcie.mrrs);
	tm->page_shift = (unsigned int)__builtin_ctz(p->nand.page_bytes);
	tm->geo_pow2 = !(p->nand.channels & (p->nand.channels - 1)) &&
		       !(p->nand.dies_per_channel & (p->nand.dies_per_channel - 1));
	tm->ch_shift = (unsigned int)__builtin_ctz(p->nand.channels);
	tm->dpc_mask = p->nand.dies_per_channel - 1;
	tm->ndies = p->nand.channels * p->nand.dies_per_channel;
	tm->unit = (uint64_t)p->nand.planes_per_die * p->nand.page_bytes;
	for (tm->slot_shift = 0; (1u << (tm->slot_shift + 1)) <= p->nand.page_bytes &&
	     tm->slot_shift < TM_SLOT_MAX_SHIFT; tm->slot_shift++)
		;
	tm->core = calloc(p->ctrl.cores, sizeof(*tm->core));
	tm->ch = calloc(p->nand.channels, sizeof(*tm->ch));
	tm->die = calloc(tm->ndies, sizeof(*tm->die));
	if (!tm->core || !tm->ch || !tm->die)
		return -ENOMEM;
	if (p->cache.bytes && tm_slot_rebuild(tm, TM_SLOT_MIN_BITS))
		return -ENOMEM;
	for (i = 0; i < c->opts.nr_ns; i++) {
		tm->ns_base[i] = base;
		base += c->opts.ns[i].nsze << c->opts.ns[i].lba_shift;
	}
	return 0;
}

/* nvmesim_timing_free - release the model of @c */
void nvmesim_timing_free(struct nvmesim_ctrl *c)
{
	struct nvmesim_timing *tm = c->tm;
	unsigned int i;

	if (!tm)
		return;
	nvmesim_tl_fini(&tm->h2d);
	nvmesim_tl_fini(&tm->d2h);
	for (i = 0; tm->ch && i < tm->p->nand.channels; i++)
		nvmesim_tl_fini(&tm->ch[i]);
	for (i = 0; tm->die && i < tm->ndies; i++)
		nvmesim_tl_fini(&tm->die[i].tl);
	free(tm->slots);
	free(tm->die);
	free(tm->ch);
	free(tm->core);
	free(tm);
	c->tm = NULL;
}
