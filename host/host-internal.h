/* SPDX-License-Identifier: MIT */
/*
 * host-internal.h - private state of the host driver module.
 *
 * The host driver owns one region of DMA-able host memory (engine/hostmem.h)
 * mapped for the device once, the admin queue pair (qid 0) and the I/O queue
 * pairs (qid 1..n).  Each queue pair keeps a tag table indexed by command
 * identifier: a CID is the index of a free slot, so a CQE finds its command
 * (callback, PRP list pages) in O(1), as Linux's blk-mq tags do.  Nothing in
 * here knows which controller end is underneath.
 */
#ifndef NVMESIM_HOST_HOST_INTERNAL_H
#define NVMESIM_HOST_HOST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/hostmem.h"
#include "engine/nvmesim-internal.h"
#include "engine/queue.h"

/* PRP list pages remembered inside a request before a heap array is needed */
#define NVMESIM_HOST_PRP_INLINE 2

/* Asynchronous events kept for nvmesim_host_next_event() */
#define NVMESIM_HOST_EVENTS 16

/* First CSTS poll interval, and the one used once a wait has lasted 10 ms */
#define NVMESIM_HOST_POLL_NS 100000ull
#define NVMESIM_HOST_POLL_SLOW_NS 1000000ull

/* How long nvmesim_host_exec() waits for one command (end time) */
#define NVMESIM_HOST_CMD_TIMEOUT_NS 30000000000ull

/* Poll slice of nvmesim_host_exec() on a polled (IEN=0) I/O queue */
#define NVMESIM_HOST_IO_POLL_NS 1000ull

/* Shutdown timeout when RTD3E is smaller or 0, and its upper bound (Linux's values) */
#define NVMESIM_HOST_SHUTDOWN_NS 5000000000ull
#define NVMESIM_HOST_SHUTDOWN_MAX_NS 60000000000ull

/* enum nvmesim_host_cqdb - when the head doorbell of an I/O CQ is written (the admin CQ is
 * always per reap) */
enum nvmesim_host_cqdb {
	NVMESIM_CQDB_PER_REAP,  /* once per reap pass (Linux nvme_poll_cq, SPDK, libvfn) */
	NVMESIM_CQDB_PER_CQE,   /* after every CQE consumed */
	NVMESIM_CQDB_CAPPED,    /* per reap pass of at most clamp(entries / 4, 1, 128) CQEs */
	NVMESIM_CQDB_LAZY,      /* once K are consumed, or the controller could fill the CQ */
};

/* enum nvmesim_host_shadow - shadow doorbell (Doorbell Buffer Config) need-event test */
enum nvmesim_host_shadow {
	NVMESIM_SHADOW_OFF,     /* plain MMIO doorbells */
	NVMESIM_SHADOW_LINUX,   /* vring_need_event: (u16)(new - ei - 1) < (u16)(new - old) */
	NVMESIM_SHADOW_SPDK,    /* SPDK / libvfn: (u16)(new - ei) <= (u16)(new - old) */
};

/* struct nvmesim_host_prp - the data pointer of one command and what it holds */
struct nvmesim_host_prp {
	uint64_t prp1;                               /* PRP entry 1 */
	uint64_t prp2;                               /* PRP entry 2: page or list pointer */
	unsigned int nr_lists;                       /* PRP list pages allocated */
	unsigned int cap_lists;                      /* capacity of @lists */
	void *inline_lists[NVMESIM_HOST_PRP_INLINE]; /* storage for the first pages */
	void **lists;                                /* inline_lists or a heap array */
};

/* struct nvmesim_host_req - one tag: the command in flight with this CID */
struct nvmesim_host_req {
	nvmesim_io_done_fn done;      /* callback; NULL when the waiter gave up on it */
	void *arg;                    /* its argument */
	bool busy;                    /* CID in use */
	struct nvmesim_host_prp prp;  /* PRP list pages to free on completion */
};

/* struct nvmesim_host_qp - one queue pair as the host sees it */
struct nvmesim_host_qp {
	struct nvmesim_hsq sq;          /* submission ring (engine/queue.h) */
	struct nvmesim_hcq cq;          /* completion ring */
	void *sq_mem;                   /* ring memory in host memory */
	void *cq_mem;
	uint16_t entries;               /* entries of each ring */
	struct nvmesim_host_req *reqs;  /* tag table, index = CID */
	uint16_t nr_tags;               /* entries - 1: at most that many in flight */
	uint16_t next_tag;              /* where the search for a free CID starts */
	unsigned int inflight;          /* tags in use */
	bool ien;                       /* CQ raises interrupts */
	uint16_t vector;                /* its MSI-X vector when @ien */
	bool reaping;                   /* inside nvmesim_host_reap() (no recursion) */
	unsigned int cpu;               /* host CPU that serves it */
	struct nvmesim_host_stats stats; /* its share of the host's counters */
};

/* struct nvmesim_host - the host driver instance */
struct nvmesim_host {
	struct nvmesim_end *end;             /* the controller end (not owned) */
	struct nvmesim_host_opts opts;       /* set-up as given (after validation) */
	struct nvmesim_hostmem *hm;          /* DMA-able host memory */
	bool mapped;                         /* hm is mapped for the device */
	bool enabled;                        /* CC.EN was set by us */
	bool closing;                        /* in nvmesim_host_close(): no AER re-arm */
	uint64_t cap;                        /* CAP as read at bring-up */
	uint32_t vs;                         /* VS */
	uint32_t cc;                         /* CC value we wrote (without EN) */
	uint32_t page_size;                  /* memory page size from CC.MPS */
	uint64_t ready_timeout_ns;           /* CAP.TO (or CRTO) in ns */
	struct nvmesim_id_ctrl id_ctrl;      /* Identify Controller */
	unsigned int nr_ns;                  /* active namespaces */
	uint32_t *nsids;                     /* their NSIDs, ascending */
	struct nvmesim_id_ns *id_ns;         /* their Identify Namespace data */
	struct nvmesim_host_qp *qps;         /* [0] admin, [1..nr_io] I/O */
	unsigned int nr_qps;                 /* queue pairs allocated in @qps */
	unsigned int nr_io;                  /* I/O queue pairs created on the device */
	unsigned int cb_depth;               /* > 0 while completion callbacks run */
	bool aer_armed;                      /* an AER command is outstanding */
	uint32_t events[NVMESIM_HOST_EVENTS]; /* AER dword 0 FIFO */
	unsigned int ev_head;                /* oldest event */
	unsigned int ev_nr;                  /* events queued */
	unsigned int ev_lost;                /* events dropped because the FIFO was full */
	unsigned int cpus;                   /* host CPUs (opts.cpus, at least 1) */
	unsigned int cur_cpu;                /* CPU last given to the end, UINT_MAX: none yet */
	struct nvmesim_host_stats stats;     /* conversation counters */
	enum nvmesim_host_cqdb cqdb;         /* I/O CQ head doorbell policy */
	unsigned int cqdb_k;                 /* its K (lazy) */
	enum nvmesim_host_shadow shadow;     /* shadow doorbells in effect (I/O queues) */
	bool shadow_admin;                   /* the admin queue uses its shadow slots too */
	uint32_t *dbs;                       /* shadow doorbell page (NULL when off) */
	uint32_t *eis;                       /* EventIdx page */
	unsigned int db_stride;              /* doorbell stride in dwords (1 << CAP.DSTRD) */
};

/* nvmesim_host_cpu - tell the end that host CPU @cpu does the following work (only when it
 * changes: set_cpu is an indirect call on every hot path) */
static inline void nvmesim_host_cpu(struct nvmesim_host *host, unsigned int cpu)
{
	if (host->cur_cpu != cpu) {
		host->cur_cpu = cpu;
		nvmesim_end_set_cpu(host->end, cpu);
	}
}

/* nvmesim_host_qid_cpu - the CPU serving queue pair @qid: admin on CPU 0, I/O queue q on
 * CPU (q - 1) % cpus; returns the CPU index */
static inline unsigned int nvmesim_host_qid_cpu(const struct nvmesim_host *host, uint32_t qid)
{
	return qid == 0 ? 0 : (qid - 1u) % host->cpus;
}

/* prp.c */

/* nvmesim_host_prp_build - fill @prp for @len bytes at @buf (inside @hm) with memory page
 * size @page, allocating PRP list pages (chained when needed) from @hm; 0, -EINVAL (@buf not
 * dword aligned or outside @hm) or -ENOMEM */
NVMESIM_PRIV int nvmesim_host_prp_build(struct nvmesim_hostmem *hm, uint32_t page, void *buf,
					size_t len, struct nvmesim_host_prp *prp);

/* nvmesim_host_prp_release - free the PRP list pages of @prp */
NVMESIM_PRIV void nvmesim_host_prp_release(struct nvmesim_hostmem *hm,
					   struct nvmesim_host_prp *prp);

/* queues.c */

/* nvmesim_host_qp_alloc - ring memory and tag table for queue pair @qid of @entries;
 * 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_host_qp_alloc(struct nvmesim_host *host, uint16_t qid,
				       uint16_t entries, bool ien, uint16_t vector);

/* nvmesim_host_qp_free - free what nvmesim_host_qp_alloc() set up (idempotent) */
NVMESIM_PRIV void nvmesim_host_qp_free(struct nvmesim_host *host, uint16_t qid);

/* nvmesim_host_submit_tag - nvmesim_host_submit() that also returns the CID in @cid */
NVMESIM_PRIV int nvmesim_host_submit_tag(struct nvmesim_host *host, uint16_t qid,
					 const struct nvmesim_sqe *cmd, void *buf, size_t len,
					 nvmesim_io_done_fn done, void *arg, uint16_t *cid);

/* nvmesim_host_irq - take the interrupt of MSI-X vector @vec: on the CPU of its queue, charge
 * the handler's work and reap the CQs that signal on it; returns the CQEs consumed */
NVMESIM_PRIV int nvmesim_host_irq(struct nvmesim_host *host, uint32_t vec);

/* nvmesim_host_poll - poll CQ @qid (one created without interrupts): reap it, or charge one
 * empty poll when it holds nothing; returns the CQEs consumed */
NVMESIM_PRIV int nvmesim_host_poll(struct nvmesim_host *host, uint16_t qid);

/* nvmesim_host_set_cqdb - use CQ head doorbell policy @mode (with K = @k for lazy) on the I/O
 * CQs from now on */
NVMESIM_PRIV void nvmesim_host_set_cqdb(struct nvmesim_host *host, enum nvmesim_host_cqdb mode,
					unsigned int k);

/* nvmesim_host_set_shadow - allocate the shadow doorbell and EventIdx pages, send Doorbell
 * Buffer Config (NVMe 2.0 §5.8) and use need-event test @mode on the I/O queues (and on the
 * admin queue when @admin); 0, -EOPNOTSUPP (OACS bit 8 clear), -ENOMEM, -EINVAL, or the NVMe
 * status (> 0) of the command */
NVMESIM_PRIV int nvmesim_host_set_shadow(struct nvmesim_host *host, enum nvmesim_host_shadow mode,
					 bool admin);

/* nvmesim_host_forget - detach callback @done from every command still in flight (their
 * completions are then dropped), so a caller can free the arguments; returns how many */
NVMESIM_PRIV unsigned int nvmesim_host_forget(struct nvmesim_host *host, nvmesim_io_done_fn done);

/* nvmesim_host_dma_sink - the host will not (@on) or will again (!@on) read what the device
 * writes to @len bytes at @buf from nvmesim_host_dma_alloc(); 0 or -errno (-EOPNOTSUPP: the
 * end writes them anyway, which is harmless) */
NVMESIM_PRIV int nvmesim_host_dma_sink(struct nvmesim_host *host, void *buf, size_t len, int on);

/* nvmesim_host_check_fatal - read CSTS; -EIO if CFS is set, -ENODEV if the device reads
 * all ones, else 0 */
NVMESIM_PRIV int nvmesim_host_check_fatal(struct nvmesim_host *host);

/* cmd.c: admin commands the driver issues itself */

/* nvmesim_host_identify - Identify with @cns / @nsid into @out (4096 bytes); status or -errno */
NVMESIM_PRIV int nvmesim_host_identify(struct nvmesim_host *host, uint8_t cns, uint32_t nsid,
				       void *out);

/* nvmesim_host_set_num_queues - Set Features Number of Queues (07h) asking for @nr pairs;
 * returns the status or -errno, and the pairs granted in @granted */
NVMESIM_PRIV int nvmesim_host_set_num_queues(struct nvmesim_host *host, unsigned int nr,
					     unsigned int *granted);

/* nvmesim_host_create_qp - Create I/O CQ then SQ @qid on the device; status or -errno, and
 * the step that failed in @what */
NVMESIM_PRIV int nvmesim_host_create_qp(struct nvmesim_host *host, uint16_t qid,
					const char **what);

/* nvmesim_host_delete_queue - Delete I/O SQ (@cq false) or CQ @qid; status or -errno */
NVMESIM_PRIV int nvmesim_host_delete_queue(struct nvmesim_host *host, uint16_t qid, bool cq);

/* aer.c */

/* nvmesim_host_aer_arm - post and announce one Asynchronous Event Request; 0 or -errno */
NVMESIM_PRIV int nvmesim_host_aer_arm(struct nvmesim_host *host);

#endif /* NVMESIM_HOST_HOST_INTERNAL_H */
