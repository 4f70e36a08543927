/* SPDX-License-Identifier: MIT */
/*
 * runner-internal.h - state shared by the files of the workload runner:
 * runner.c (the loop and measurement), policies.c (doorbell and completion
 * policies), gen.c (generator jobs) and ops.c (explicit operations).
 *
 * A source is anything that issues I/O: a generator job or the stream of
 * explicit operations.  It owns a pool of slots, one per command it may have
 * in flight, each with a data buffer allocated from host memory once; a free
 * list links the idle ones, so taking and returning a slot is O(1).  A slot
 * is the argument of its command's completion callback, which is how a CQE
 * finds its timestamps without any lookup.
 */
#ifndef NVMESIM_HOST_RUNNER_INTERNAL_H
#define NVMESIM_HOST_RUNNER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/host-internal.h"
#include "host/rng.h"
#include "host/runner.h"

/* A raw command (admin or I/O opcode from the trace) is not an I/O of any direction */
#define NVMESIM_RUN_DIR_NONE 3u

/* Longest hybrid:NS poll window (1 s) */
#define NVMESIM_RUN_HYBRID_MAX_NS 1000000000ull

/* End of a slot free list */
#define NVMESIM_RUN_NO_SLOT UINT32_MAX

/* Largest data buffer one explicit operation may ask for */
#define NVMESIM_RUN_OPS_MAX_BYTES (32u << 20)
/* Explicit reads without verify of up to this many bytes share one sink buffer (ops.c) */
#define NVMESIM_RUN_OPS_SINK_BYTES (128u << 10)

/* In a slot's expect_status: the value is a backend's recorded departure from the spec (the
 * map form of expect:), not the spec's own answer */
#define NVMESIM_RUN_EXPECT_ALT 0x8000u

/* In a slot's expect_status: the expectation records a departure of some backend (so a
 * failure names the backend whose value was expected, sim's included) */
#define NVMESIM_RUN_EXPECT_MAP 0x4000u

/* Blocks that fail verification reported one by one; the rest are counted */
#define NVMESIM_RUN_VERIFY_TOLD 5u

/* Magic of a verify block header: "nvsv" in memory order (little-endian) */
#define NVMESIM_RUN_VERIFY_MAGIC 0x7673766eu

struct nvmesim_runner;
struct nvmesim_run_src;

/* struct nvmesim_run_slot - one command a source may have in flight */
struct nvmesim_run_slot {
	struct nvmesim_run_src *src;  /* owner */
	void *buf;                    /* data buffer in host memory, NULL: none yet */
	size_t buf_len;               /* its size */
	uint64_t issue_ns;            /* issue time: arrival (open loop) or posting (closed) */
	uint64_t submit_ns;           /* end time after the SQ doorbell write announcing it */
	uint64_t slba;                /* first LBA, for messages */
	uint64_t bytes;               /* bytes the I/O moves, counted when it succeeds */
	uint32_t next_free;           /* free list link, NVMESIM_RUN_NO_SLOT at the end */
	uint8_t dir;                  /* enum nvmesim_dir, or NVMESIM_RUN_DIR_NONE */
	uint8_t op;                   /* enum nvmesim_io_op (I/O) or the opcode (raw), messages */
	bool expect;                  /* check the completion status */
	uint8_t verify;               /* check the blocks read: log2 of the LBA size; 0: off */
	uint16_t expect_status;       /* expected (SCT << 8) | SC, | NVMESIM_RUN_EXPECT_ALT */
	uint16_t qid;                 /* queue it went to */
	unsigned int line;            /* trace line of an explicit operation, 0 for jobs */
};

/* struct nvmesim_run_queue - one queue pair as the runner uses it */
struct nvmesim_run_queue {
	uint16_t qid;                      /* 0 admin, 1..n I/O */
	unsigned int cpu;                  /* host CPU serving it */
	struct nvmesim_run_slot **posted;  /* posted since its last SQ doorbell write */
	unsigned int nr_posted;            /* entries in @posted */
	unsigned int cap_posted;           /* room in @posted: what can be in flight here */
	unsigned int inflight;             /* runner commands in flight here */
	uint64_t poll_until;               /* hybrid: end of the poll window, 0: none */
	uint64_t ios;                      /* I/Os in flight here (issued, not reaped) */
	uint64_t area;                     /* integral of @ios over time, ns */
	uint64_t area_last;                /* time up to which @area is summed */
	struct nvmesim_host_stats hs0;     /* the host queue pair's counters at the start */
};

/* struct nvmesim_run_gen - a generator job's state (gen.c) */
struct nvmesim_run_gen {
	const struct nvmesim_job *job;  /* the job as the trace says it */
	struct nvmesim_rng rng;         /* offsets and read/write mix; stream = job index */
	uint32_t nsid;                  /* namespace */
	unsigned int lba_shift;         /* log2 of its LBA size */
	uint32_t nlb;                   /* LBAs per I/O (bs / LBA size) */
	uint64_t region_lba;            /* first LBA of the region */
	uint64_t units;                 /* bs-sized units in the region */
	uint64_t seq;                   /* next unit of a sequential pattern */
	uint64_t limit;                 /* I/Os to issue (lowered when the runtime ends) */
	uint64_t issued;                /* I/Os issued */
	uint64_t stop_ns;               /* end time from which nothing is issued, or UINT64_MAX */
	uint64_t rate;                  /* arrivals per second; 0: closed loop */
	bool mixed;                     /* reads and writes by rwmixread */
	void *bufs;                     /* the slots' buffers, one allocation */
	size_t sink_len;                /* bytes of @bufs marked a DMA sink (nothing reads them) */
	struct nvmesim_host_prp *prps;  /* per slot: the data pointer of its whole buffer */
	bool verify;                    /* verify: on (read or write job, never mixed) */
	struct nvmesim_rng vrng;        /* verify: the offset stream again, from its start */
	uint64_t vseq;                  /* verify: next unit of a sequential read-back */
	uint64_t vleft;                 /* verify: read-backs still to issue */
};

/* struct nvmesim_run_ops - the explicit operations' state (ops.c) */
struct nvmesim_run_ops {
	struct nvmesim_trace_op cur;  /* the operation read ahead */
	bool have;                    /* @cur is read and not yet played */
	bool eof;                     /* the stream has ended */
	bool waiting;                 /* @cur is a wait in progress */
	uint64_t wait_until;          /* ... until this end time */
	uint32_t *nsids;              /* per slot: namespace of a verified read */
	struct nvmesim_host_prp *prps; /* per slot: data pointer built for prp_offset */
	void *sink;                   /* Read data of reads without verify (a DMA sink), shared */
	bool no_sink;                 /* the end keeps no sinks, or there was no memory for one */
};

/* struct nvmesim_run_src - one source of commands */
struct nvmesim_run_src {
	struct nvmesim_runner *r;           /* the runner */
	int (*issue)(struct nvmesim_run_src *src, uint64_t *next); /* post what is due; 0 or
					     * -errno; lowers *next to when more is due */
	void (*fini)(struct nvmesim_run_src *src); /* free what init took */
	struct nvmesim_job_stats *st;       /* where its I/Os are counted */
	struct nvmesim_run_queue *q;        /* its queue (jobs); explicit ops pick per op */
	struct nvmesim_run_slot *slots;     /* the pool */
	unsigned int depth;                 /* slots in the pool: most in flight */
	uint32_t free_head;                 /* first idle slot */
	unsigned int inflight;              /* slots in use */
	bool done;                          /* nothing more to issue and nothing in flight */
	bool started;                       /* st->start_ns is set */
	unsigned int errors_told;           /* failed I/Os reported through on_message */
	union {
		struct nvmesim_run_gen gen;
		struct nvmesim_run_ops ops;
	} u;                                /* kind-specific state */
};

/* struct nvmesim_run_sq_policy - when SQ tail doorbells are written */
struct nvmesim_run_sq_policy {
	const char *name;                                                 /* trace name */
	void (*posted)(struct nvmesim_runner *r, struct nvmesim_run_queue *q);    /* after a post */
	void (*pass_done)(struct nvmesim_runner *r, struct nvmesim_run_queue *q); /* pass ended */
	bool deferred;                                  /* rings at the next completion wait */
	bool has_k;                                     /* name is "NAME:K" */
};

/* struct nvmesim_run_cq_policy - how completions are noticed */
struct nvmesim_run_cq_policy {
	const char *name;                                      /* trace name */
	bool interrupts;                                       /* I/O CQs created with IEN=1 */
	int (*wait)(struct nvmesim_runner *r, uint64_t deadline); /* run until a completion or
								   * @deadline; 0 or -errno */
	bool has_arg;                                          /* name is "NAME:NS" */
};

/* struct nvmesim_runner - one replay */
struct nvmesim_runner {
	const struct nvmesim_runner_cfg *cfg;  /* what to play */
	struct nvmesim_end *end;               /* cfg->end */
	struct nvmesim_host *host;             /* cfg->host, NULL in init: manual */
	struct nvmesim_results *res;           /* where results go */
	struct nvmesim_diag *diag;             /* the error of the run */
	const char *path;                      /* trace file, for messages */
	const struct nvmesim_run_sq_policy *sqp; /* SQ doorbell policy */
	const struct nvmesim_run_cq_policy *cqp; /* completion policy */
	unsigned int sq_k;                     /* K of SQ doorbell policy every:K */
	uint64_t hybrid_ns;                    /* NS of completion policy hybrid:NS */
	uint64_t masked_irqs;                  /* vectors swallowed in hybrid poll windows */
	struct nvmesim_run_queue *queues;      /* [0] admin, [1..nr_io] I/O */
	struct nvmesim_run_queue *next_q;      /* whose CPU clock the pass's next due time is on
						* (NULL: CPU 0; nvmesim_run_due) */
	unsigned int nr_queues;                /* entries in @queues */
	struct nvmesim_run_src *srcs;          /* jobs, then the explicit operations */
	unsigned int nr_srcs;                  /* entries in @srcs */
	uint64_t t0;                           /* end time at the start of the workload */
	bool any_io;                           /* an I/O was issued */
	uint64_t first_issue;                  /* earliest issue time */
	uint64_t last_done;                    /* latest completion (or operation) time */
	uint64_t ios;                          /* I/Os completed */
	uint64_t completions;                  /* runner commands completed (raw ones too) */
	uint64_t inflight;                     /* I/Os in flight (issued, not reaped) */
	uint64_t area;                         /* integral of @inflight over time, ns */
	uint64_t area_last;                    /* time up to which @area is summed */
	uint64_t iv_ns;                        /* time-series interval, 0: none */
	uint64_t iv_end;                       /* end of the current interval */
	uint64_t iv_ios;                       /* I/Os completed in it */
	uint64_t iv_bytes;                     /* bytes completed in it */
	struct nvmesim_hist *iv_hist;          /* total latency of its I/Os */
	unsigned int backend;                  /* enum nvmesim_trace_backend of cfg->backend */
	uint64_t expects;                      /* expectations checked */
	uint64_t departures;                   /* ... carrying a departure for some backend */
	uint64_t departures_used;              /* ... whose departure this backend used */
	char departure_lines[96];              /* the first lines of those, for the summary */
	uint64_t verify_written;               /* blocks written with the verify pattern */
	uint64_t verify_blocks;                /* blocks read and verified */
	uint64_t verify_bad;                   /* of them those that failed */
};

/* runner.c */

/* nvmesim_run_now - the end's time on the CPU serving @q (CPU 0 when @q is NULL); the time */
NVMESIM_PRIV uint64_t nvmesim_run_now(struct nvmesim_runner *r, struct nvmesim_run_queue *q);

/* nvmesim_run_due - a source has work due at @t on the clock of @q's CPU (CPU 0 for NULL):
 * lower *@next to it and remember whose clock that is, which the wait loops hold the
 * deadline against */
static inline void nvmesim_run_due(struct nvmesim_runner *r, struct nvmesim_run_queue *q,
				   uint64_t t, uint64_t *next)
{
	if (t < *next) {
		*next = t;
		r->next_q = q;
	}
}

/* nvmesim_run_slot_get - an idle slot of @src, or NULL when all are in flight */
static inline struct nvmesim_run_slot *nvmesim_run_slot_get(struct nvmesim_run_src *src)
{
	struct nvmesim_run_slot *s;

	if (src->free_head == NVMESIM_RUN_NO_SLOT)
		return NULL;
	s = &src->slots[src->free_head];
	src->free_head = s->next_free;
	return s;
}

/* nvmesim_run_slot_put - return @s to its source's idle slots */
static inline void nvmesim_run_slot_put(struct nvmesim_run_slot *s)
{
	struct nvmesim_run_src *src = s->src;

	s->next_free = src->free_head;
	src->free_head = (uint32_t)(s - src->slots);
}

/* nvmesim_run_queue_room - whether queue pair @qid has a free command identifier (its SQ
 * then has room too: a CID is only freed once the controller consumed the entry) */
static inline bool nvmesim_run_queue_room(const struct nvmesim_runner *r, uint16_t qid)
{
	const struct nvmesim_host_qp *qp = &r->host->qps[qid];

	return qp->inflight < qp->nr_tags;
}

/* nvmesim_run_slots_init - give @src @depth idle slots; 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_run_slots_init(struct nvmesim_run_src *src, unsigned int depth);

/* nvmesim_run_submit - post @cmd for slot @s on queue @q with @len bytes of @buf (host
 * memory; @s->buf or a sink), issued at @issue_ns, and let the SQ doorbell policy know; 0,
 * -EBUSY (queue full) or -errno */
NVMESIM_PRIV int nvmesim_run_submit(struct nvmesim_runner *r, struct nvmesim_run_queue *q,
				    struct nvmesim_run_slot *s, const struct nvmesim_sqe *cmd,
				    void *buf, size_t len, uint64_t issue_ns);

/* nvmesim_run_message - format one line and hand it to on_message (if any) */
NVMESIM_PRIV void nvmesim_run_message(struct nvmesim_runner *r, const char *fmt, ...)
	NVMESIM_PRINTF(2, 3);

/* nvmesim_run_expect_failed - count a failed expectation and report "FILE:LINE: what" */
NVMESIM_PRIV void nvmesim_run_expect_failed(struct nvmesim_runner *r, unsigned int line,
					    const char *what);

/* nvmesim_run_ns_shift - log2 of the LBA size of active namespace @nsid, or 0 if it is not
 * active */
NVMESIM_PRIV unsigned int nvmesim_run_ns_shift(struct nvmesim_runner *r, uint32_t nsid,
					       uint64_t *nsze);

/* nvmesim_run_io_cmd - build the command of I/O @op on @nsid for @nlb blocks from @slba in
 * @cmd, with the data it needs in @buf (a Dataset Management range for trim, the LBA
 * stamped in every block of a write); returns the bytes of @buf to transfer */
NVMESIM_PRIV size_t nvmesim_run_io_cmd(struct nvmesim_sqe *cmd, enum nvmesim_io_op op,
				       uint32_t nsid, uint64_t slba, uint32_t nlb,
				       unsigned int lba_shift, void *buf);

/* nvmesim_run_verify_fill - fill @nlb blocks of 2^@lba_shift bytes at @buf, LBAs from @slba
 * of namespace @nsid, with self-describing verify blocks (header: magic, nsid, LBA, a word
 * derived from @seed, block size, checksum of the block; the rest a pattern from them) */
NVMESIM_PRIV void nvmesim_run_verify_fill(void *buf, uint32_t nsid, uint64_t slba, uint32_t nlb,
					  unsigned int lba_shift, uint64_t seed);

/* nvmesim_run_verify_check - check every block slot @s read (a verified read that
 * succeeded): its own LBA and namespace, block size and checksum; counts the blocks and the
 * bad ones (each a failed expectation), reporting the first few */
NVMESIM_PRIV void nvmesim_run_verify_check(struct nvmesim_runner *r, struct nvmesim_run_slot *s);

/* nvmesim_run_backend - the enum nvmesim_trace_backend of backend name @name ("sim",
 * "vfio:..."; the part before ':' counts); returns it (sim for anything unknown) */
NVMESIM_PRIV unsigned int nvmesim_run_backend(const char *name);

/* nvmesim_run_summary - after a run, the lines that say how many expectations used a
 * backend's recorded departure and how verification went (nothing when neither applies) */
NVMESIM_PRIV void nvmesim_run_summary(struct nvmesim_runner *r);

/* nvmesim_run_dir - the direction an I/O operation is counted in (flush and write zeroes
 * as writes, as fio does) */
static inline uint8_t nvmesim_run_dir(enum nvmesim_io_op op)
{
	switch (op) {
	case NVMESIM_IO_READ:
		return NVMESIM_DIR_READ;
	case NVMESIM_IO_TRIM:
		return NVMESIM_DIR_TRIM;
	default:
		return NVMESIM_DIR_WRITE;
	}
}

/* nvmesim_run_io_bytes - the bytes an I/O of @op on @nlb blocks of 2^@lba_shift bytes is
 * counted for: the data of a read or write, the range of a trim (as fio counts trims); a
 * flush or a write zeroes moves no data */
static inline uint64_t nvmesim_run_io_bytes(enum nvmesim_io_op op, uint32_t nlb,
					    unsigned int lba_shift)
{
	switch (op) {
	case NVMESIM_IO_READ:
	case NVMESIM_IO_WRITE:
	case NVMESIM_IO_TRIM:
		return (uint64_t)nlb << lba_shift;
	default:
		return 0;
	}
}

/* nvmesim_run_ring - write @q's SQ tail doorbell and stamp the commands it announced */
NVMESIM_PRIV void nvmesim_run_ring(struct nvmesim_runner *r, struct nvmesim_run_queue *q);

/* nvmesim_run_fail - put a message in the run's diag; returns @err */
NVMESIM_PRIV int nvmesim_run_fail(struct nvmesim_runner *r, int err, const char *fmt, ...)
	NVMESIM_PRINTF(3, 4);

/* policies.c */

/* nvmesim_run_policy_arg - whether @text is policy @name ("NAME", or "NAME:N" with N in
 * 1..@max put in @arg when @has_arg); returns true on a match */
NVMESIM_PRIV bool nvmesim_run_policy_arg(const char *text, const char *name, bool has_arg,
					 uint64_t max, uint64_t *arg);

/* nvmesim_run_find_sq - the SQ doorbell policy named @name (its K in @k), or NULL */
NVMESIM_PRIV const struct nvmesim_run_sq_policy *nvmesim_run_find_sq(const char *name,
								     unsigned int *k);

/* nvmesim_run_find_cq - the completion policy named @name (its argument in @arg), or NULL */
NVMESIM_PRIV const struct nvmesim_run_cq_policy *nvmesim_run_find_cq(const char *name,
								     uint64_t *arg);

/* nvmesim_run_cq_manual - the completion policy of init: manual: only time passes */
NVMESIM_PRIV extern const struct nvmesim_run_cq_policy nvmesim_run_cq_manual;

/* nvmesim_run_find_shadow - the shadow doorbell mode named @name (empty: off), or -1 */
NVMESIM_PRIV int nvmesim_run_find_shadow(const char *name);

/* nvmesim_run_find_cqdb - the CQ head doorbell policy named @name (its K in @k), or -1 */
NVMESIM_PRIV int nvmesim_run_find_cqdb(const char *name, unsigned int *k);

/* nvmesim_run_off_queue_next - the next queue id of a host.coalescing_off_queues list at
 * *@p into @qid, advancing *@p; false at its end */
NVMESIM_PRIV bool nvmesim_run_off_queue_next(const char **p, unsigned long *qid);

/* nvmesim_run_busy - runner commands in flight on any queue */
NVMESIM_PRIV unsigned int nvmesim_run_busy(const struct nvmesim_runner *r);

/* gen.c */

/* nvmesim_gen_init - set up source @src for generator job @index of the trace; 0, -EINVAL
 * (a job the namespace or the queues cannot take, named in @diag) or -ENOMEM */
NVMESIM_PRIV int nvmesim_gen_init(struct nvmesim_runner *r, struct nvmesim_run_src *src,
				  unsigned int index, struct nvmesim_diag *diag);

/* ops.c */

/* nvmesim_ops_init - set up source @src for the trace's explicit operations; 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_ops_init(struct nvmesim_runner *r, struct nvmesim_run_src *src,
				  struct nvmesim_diag *diag);

#endif /* NVMESIM_HOST_RUNNER_INTERNAL_H */
