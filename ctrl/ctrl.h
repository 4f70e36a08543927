/* SPDX-License-Identifier: MIT */
/*
 * ctrl.h - the simulated NVMe controller: its state and the functions the
 * files of ctrl/ share.
 *
 * One struct nvmesim_ctrl is one controller behind one struct nvmesim_end
 * (sim.c).  Its register file is an engine struct nvmesim_bar; register side
 * effects (enable, reset, shutdown, NVM subsystem reset) live in regs.c,
 * doorbell decoding and validation in doorbell.c, command fetch, arbitration
 * and completion posting in exec.c, asynchronous events and the Error
 * Information log in aer.c, and the admin command set in admin.c.  The NVM
 * command set, PRP walking and namespaces belong to nvm.c, prp.c and ns.c.
 *
 * Time is virtual: everything that happens "later" (CSTS.RDY after the
 * enable delay, a command's completion, the end of a shutdown) is an event in
 * ctrl->sched.  Events cannot be cancelled, so each carries what it needs to
 * notice that it became stale: a generation number (ready/shutdown events) or
 * a command whose state went to NVMESIM_CMD_DEAD.
 */
#ifndef NVMESIM_CTRL_CTRL_H
#define NVMESIM_CTRL_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "ctrl/nvm.h"
#include "ctrl/ns.h"
#include "ctrl/timing.h"
#include "engine/bar.h"
#include "engine/event.h"
#include "engine/iova.h"
#include "engine/nvmesim-internal.h"
#include "engine/queue.h"

/* NVMESIM_CMD_DEFERRED - admin handler result: no completion yet (an AER waits for an event) */
#define NVMESIM_CMD_DEFERRED 0xffffu

/* NVMESIM_AER_QUEUE - asynchronous events kept while no AER command is outstanding */
#define NVMESIM_AER_QUEUE 8

/* enum nvmesim_cmd_state - where a fetched command is */
enum nvmesim_cmd_state {
	NVMESIM_CMD_RUNNING,  /* executed; its completion event is scheduled */
	NVMESIM_CMD_AER_WAIT, /* an Asynchronous Event Request waiting for an event */
	NVMESIM_CMD_DEAD,     /* completed early (abort, SQ deletion) or dropped by a reset;
			       * the scheduled completion event only frees it */
};

/*
 * struct nvmesim_ctrl_cmd - a command between fetch and the posting of its CQE.
 * The t* fields belong to the timing model (timing.c) and are used only when
 * the controller has a profile.
 */
struct nvmesim_ctrl_cmd {
	struct nvmesim_ctrl_cmd *prev; /* ctrl->cmds list, newer neighbour (free list link) */
	struct nvmesim_ctrl_cmd *next; /* older neighbour */
	enum nvmesim_cmd_state state;  /* running, waiting AER or dead */
	uint16_t sqid;                 /* SQ it was fetched from */
	uint16_t cqid;                 /* CQ its completion goes to */
	uint16_t cid;                  /* command identifier */
	uint8_t opcode;                /* for Abort's limit and the diagnostics */
	uint16_t status;               /* 15-bit status to post */
	uint32_t dw0;                  /* CQE dword 0 */
	uint32_t dw1;                  /* CQE dword 1 */
	bool timed;                    /* counted in ctrl->inflight, completed by the model */
	enum nvmesim_tkind tkind;      /* timing class */
	struct nvmesim_ctrl *ctrl;     /* its controller (for the model's stage events) */
	struct nvmesim_ctrl_cmd *tnext; /* model queues: writes waiting for cache room, Flushes */
	uint32_t chunks;               /* flash page reads still to reach their channel */
	uint32_t bytes;                /* data bytes */
	uint64_t goff;                 /* flash byte offset of its first LBA */
	uint64_t t_prp;                /* PRP list in the controller */
	uint64_t t_ready;              /* end of the latest stage so far */
	uint64_t t_irq;                /* when the handler of its MSI-X message starts */
};

/* struct nvmesim_ctrl_pend - a CQE waiting for room in a full CQ (§3.3.1.2) */
struct nvmesim_ctrl_pend {
	struct nvmesim_ctrl_pend *next; /* newer held CQE */
	struct nvmesim_cqe cqe;        /* the entry, phase tag set when posted */
};

/* struct nvmesim_ctrl_sq - a submission queue the host created (or the admin SQ) */
struct nvmesim_ctrl_sq {
	struct nvmesim_dsq q;          /* ring state (engine) */
	uint32_t shadow_bad;           /* shadow tail value last reported invalid (dbbuf) */
};

/* struct nvmesim_ctrl_cq - a completion queue the host created (or the admin CQ) */
struct nvmesim_ctrl_cq {
	struct nvmesim_dcq q;          /* ring state (engine) */
	unsigned int nr_sq;            /* SQs completing into this CQ */
	struct nvmesim_ctrl_pend *pend_head; /* CQEs held while the CQ is full, oldest first */
	struct nvmesim_ctrl_pend *pend_tail; /* newest held CQE */
	unsigned int nr_pend;          /* CQEs held */
	bool stalled_logged;           /* diagnostic for this stall already emitted */
	uint32_t shadow_bad;           /* shadow head value last reported invalid (dbbuf) */
};

/* struct nvmesim_ctrl_event - one asynchronous event waiting to be reported */
struct nvmesim_ctrl_event {
	uint8_t type;                  /* NVMESIM_AER_TYPE_* */
	uint8_t info;                  /* event information */
	uint8_t lid;                   /* log page that clears it */
};

/* struct nvmesim_ctrl_feat - current values of the features (§5.27.1) */
struct nvmesim_ctrl_feat {
	uint32_t arb;                  /* 01h Arbitration: AB 2:0, LPW, MPW, HPW */
	uint32_t power;                /* 02h Power Management: PS 4:0, WH 7:5 */
	uint16_t temp_over;            /* 04h over temperature threshold, composite, K */
	uint16_t temp_under;           /* 04h under temperature threshold, composite, K */
	uint32_t err_rec;              /* 05h Error Recovery: TLER 15:0 */
	uint32_t vwc;                  /* 06h Volatile Write Cache: WCE bit 0 */
	uint16_t nsqa;                 /* 07h granted I/O SQs, 0's based */
	uint16_t ncqa;                 /* 07h granted I/O CQs, 0's based */
	uint32_t coalesce;             /* 08h Interrupt Coalescing: THR 7:0, TIME 15:8 */
	uint8_t *iv_cd;                /* 09h Coalescing Disable per vector */
	uint32_t wan;                  /* 0Ah Write Atomicity Normal: DN bit 0 */
	uint32_t aec;                  /* 0Bh Asynchronous Event Configuration */
};

/* struct nvmesim_ctrl - one simulated controller */
struct nvmesim_ctrl {
	struct nvmesim_end end;        /* what the host holds; end.priv points back here */
	struct nvmesim_sim_opts opts;  /* capabilities (strings point into sn/mn below) */
	char sn[21];                   /* Identify SN, NUL-terminated */
	char mn[41];                   /* Identify MN, NUL-terminated */
	struct nvmesim_bar bar;        /* the register file */
	uint64_t asq_raw;              /* ASQ as the host wrote it, reserved bits included */
	uint64_t acq_raw;              /* ACQ likewise */
	struct nvmesim_sched sched;    /* virtual time */
	struct nvmesim_iova_map map;   /* host memory the device can reach */

	struct nvmesim_ns ns[NVMESIM_SIM_MAX_NS];   /* namespaces, NSID i+1 */
	struct nvmesim_ns *nsp[NVMESIM_SIM_MAX_NS]; /* active namespaces, NULL if inactive */

	struct nvmesim_ctrl_sq **sq;   /* [0 .. max_queues], NULL when absent */
	struct nvmesim_ctrl_cq **cq;   /* [0 .. max_queues], NULL when absent */
	uint16_t *sq_ids;              /* existing I/O SQ ids, ascending (arbitration order) */
	unsigned int nr_sq_ids;        /* entries in sq_ids */
	unsigned int nr_prio[4];       /* I/O SQs per QPRIO class (WRR passes skip empty ones) */
	uint16_t rr_last[5];           /* per QPRIO class (4: round robin over all): the SQ
					* served last, where the next turn continues */
	unsigned int wrr_cls;          /* WRR: weighted class being served (1..3, 0 = 1) */
	unsigned int wrr_credit;       /* WRR: commands it may still start this round */
	bool io_queues_created;        /* an I/O queue was created since the last reset */
	uint32_t page_size;            /* memory page size from CC.MPS, set at enable */
	bool dbbuf;                    /* Doorbell Buffer Config in effect (NVMe 2.0 §5.8) */
	uint64_t dbbuf_dbs;            /* shadow doorbell buffer (IOVA) */
	uint64_t dbbuf_eis;            /* EventIdx buffer (IOVA) */

	uint64_t rdy_gen;              /* bumps cancel pending CSTS.RDY events */
	uint64_t shn_gen;              /* bumps cancel pending shutdown completion */
	bool fetch_scheduled;          /* a fetch event is pending */

	struct nvmesim_ctrl_cmd *cmds; /* every command not yet freed, newest first */
	unsigned int nr_aer;           /* AER commands waiting (AERL + 1 at most) */

	struct nvmesim_ctrl_event evq[NVMESIM_AER_QUEUE]; /* events not yet reported */
	unsigned int nr_evq;           /* entries in evq, oldest first */
	uint8_t aer_masked;            /* bit per event type reported, awaiting its log read */
	uint8_t aer_mask_lid[8];       /* log page that unmasks each masked type */

	struct nvmesim_error_log_entry *errlog; /* ELPE + 1 entries, a ring */
	unsigned int errlog_next;      /* slot for the next entry */
	uint64_t error_count;          /* error_count of the newest entry */

	uint16_t *irq_fifo;            /* asserted, undelivered vectors, in order (a ring) */
	uint64_t *irq_time;            /* per irq_fifo entry: when the host can take it */
	unsigned int irq_head;         /* oldest entry of irq_fifo */
	unsigned int irq_nr;           /* entries in irq_fifo */
	uint8_t *irq_pending;          /* per vector: already in irq_fifo */
	uint64_t irq_when;             /* delivery time of the next vector asserted ... */
	bool irq_when_set;             /* ... when set (else the model's default) */
	uint64_t irq_taken_at;         /* delivery time of the vector wait() returned last */
	uint16_t *coal_n;              /* per vector: CQEs posted since its last message
					* (interrupt coalescing, Feature 08h) */
	uint32_t *coal_gen;            /* per vector: bumps cancel a pending TIME event */

	struct nvmesim_timing *tm;     /* the timing model, NULL without a profile */
	unsigned int inflight;         /* timed commands between fetch and completion */
	bool fetch_blocked;            /* fetching stopped at ctrl.max_inflight */
	bool fetching;                 /* inside a fetch pass (profile: passes run at once) */
	bool fetch_again;              /* a kick arrived during the pass */
	bool fetch_more;               /* a round of the pass left an SQ non-empty */
	struct nvmesim_ctrl_cmd *cmd_free; /* recycled command structs (no malloc per command) */
	unsigned int nr_cmd_free;      /* entries on cmd_free */
	uint64_t *cpu_free;            /* host CPUs: busy until (profile only) */
	uint64_t work_ns[5];           /* cost of each enum nvmesim_host_work (profile only) */
	unsigned int ncpu;             /* entries of cpu_free */
	unsigned int cpu;              /* the current host CPU */
	uint64_t mmio_last;            /* arrival time of the newest posted MMIO write */

	struct nvmesim_ctrl_feat feat; /* Set/Get Features values */
	struct nvmesim_io_stats stats; /* I/O counters for SMART */
	uint64_t unsafe_shutdowns;     /* SMART Unsafe Shutdowns */
	uint64_t power_cycles;         /* SMART Power Cycles */
	unsigned long ndiag;           /* diagnostics emitted */
};

/* sim.c */

/* nvmesim_ctrl_diag - emit one diagnostic line through end->ctrl_log and count it */
NVMESIM_PRIV void nvmesim_ctrl_diag(struct nvmesim_ctrl *c, const char *fmt, ...)
	NVMESIM_PRINTF(2, 3);

/* nvmesim_sim_diag_count - diagnostics emitted by the simulated controller behind @end
 * (for tests); returns the count, 0 if @end is not a sim end */
NVMESIM_PRIV unsigned long nvmesim_sim_diag_count(struct nvmesim_end *end);

/* regs.c */

/* nvmesim_regs_init - load every register with its reset value (CAP and VS from opts) */
NVMESIM_PRIV void nvmesim_regs_init(struct nvmesim_ctrl *c);

/* nvmesim_regs_read32 - a host 32-bit read of BAR0 at @off; returns the value */
NVMESIM_PRIV uint32_t nvmesim_regs_read32(struct nvmesim_ctrl *c, uint32_t off);

/* nvmesim_regs_write32 - a host 32-bit write of BAR0 at @off with its side effects */
NVMESIM_PRIV void nvmesim_regs_write32(struct nvmesim_ctrl *c, uint32_t off, uint32_t val);

/* nvmesim_regs_running - whether the controller processes commands (EN, RDY, no CFS,
 * no shutdown); returns true if so.  Inline: a fetch pass asks several times per command. */
static inline bool nvmesim_regs_running(const struct nvmesim_ctrl *c)
{
	uint32_t cc = nvmesim_bar_get32(&c->bar, NVMESIM_REG_CC);
	uint32_t csts = nvmesim_bar_get32(&c->bar, NVMESIM_REG_CSTS);

	return (cc & 1) && (csts & NVMESIM_FIELD_SET(1, CSTS_RDY)) &&
	       !(csts & NVMESIM_FIELD_SET(1, CSTS_CFS)) &&
	       !(csts & NVMESIM_FIELD_SET(NVMESIM_CSTS_SHST_MASK, CSTS_SHST));
}

/* nvmesim_regs_fatal - set CSTS.CFS (NVMe 2.0 §3.1.4.6) after emitting @why */
NVMESIM_PRIV void nvmesim_regs_fatal(struct nvmesim_ctrl *c, const char *why);

/* doorbell.c */

/* nvmesim_db_write - a host write to the doorbell area at BAR0 @off (>= 0x1000) */
NVMESIM_PRIV void nvmesim_db_write(struct nvmesim_ctrl *c, uint32_t off, uint32_t val);

/* nvmesim_db_shadow_sq - with Doorbell Buffer Config on: take SQ @sq's tail from its shadow
 * doorbell and write its EventIdx (= the tail now known) */
NVMESIM_PRIV void nvmesim_db_shadow_sq(struct nvmesim_ctrl *c, struct nvmesim_ctrl_sq *sq);

/* nvmesim_db_shadow_cq - with Doorbell Buffer Config on: take CQ @cq's head from its shadow
 * doorbell and write its EventIdx (= the head now known) */
NVMESIM_PRIV void nvmesim_db_shadow_cq(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cq *cq);

/* nvmesim_db_slot - byte offset of queue @qid's SQ (@is_cq false) or CQ slot in the shadow
 * doorbell and EventIdx buffers, the same layout as the doorbell registers; returns it */
NVMESIM_PRIV uint64_t nvmesim_db_slot(const struct nvmesim_ctrl *c, uint16_t qid, bool is_cq);

/* exec.c */

/* nvmesim_exec_kick - schedule a fetch pass at the current time (once) */
NVMESIM_PRIV void nvmesim_exec_kick(struct nvmesim_ctrl *c);

/* nvmesim_exec_finish - post @cmd's CQE now with @status and @dw0 and retire it */
NVMESIM_PRIV void nvmesim_exec_finish(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
				      uint16_t status, uint32_t dw0);

/* nvmesim_exec_find - the live command @cid fetched from SQ @sqid, or NULL */
NVMESIM_PRIV struct nvmesim_ctrl_cmd *nvmesim_exec_find(struct nvmesim_ctrl *c, uint16_t sqid,
							uint16_t cid);

/* nvmesim_exec_count - live commands with opcode @opcode from SQ @sqid; returns the count */
NVMESIM_PRIV unsigned int nvmesim_exec_count(struct nvmesim_ctrl *c, uint16_t sqid,
					     uint8_t opcode);

/* nvmesim_exec_abort_sq - complete every live command of SQ @sqid with @status */
NVMESIM_PRIV void nvmesim_exec_abort_sq(struct nvmesim_ctrl *c, uint16_t sqid, uint16_t status);

/* nvmesim_exec_cq_flush - post CQEs held for a full CQ @cq while it has room */
NVMESIM_PRIV void nvmesim_exec_cq_flush(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cq *cq);

/* nvmesim_exec_sq_new / _cq_new - allocate a queue at @qid; 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_exec_sq_new(struct nvmesim_ctrl *c, uint16_t qid, uint16_t cqid,
				     uint64_t iova, uint16_t size, uint8_t prio);
NVMESIM_PRIV int nvmesim_exec_cq_new(struct nvmesim_ctrl *c, uint16_t qid, uint64_t iova,
				     uint16_t size, bool ien, uint16_t iv);

/* nvmesim_exec_sq_delete / _cq_delete - free the queue at @qid (must exist) */
NVMESIM_PRIV void nvmesim_exec_sq_delete(struct nvmesim_ctrl *c, uint16_t qid);
NVMESIM_PRIV void nvmesim_exec_cq_delete(struct nvmesim_ctrl *c, uint16_t qid);

/* nvmesim_exec_reset - drop all queues, commands, held CQEs and pending interrupts */
NVMESIM_PRIV void nvmesim_exec_reset(struct nvmesim_ctrl *c);

/* nvmesim_exec_irq_pop - take the oldest asserted vector; 1 and *@vector, or 0 if none */
NVMESIM_PRIV int nvmesim_exec_irq_pop(struct nvmesim_ctrl *c, uint32_t *vector);

/* nvmesim_exec_fini - free every command (the scheduler must already be finished) */
NVMESIM_PRIV void nvmesim_exec_fini(struct nvmesim_ctrl *c);

/* nvmesim_exec_complete_ev - event: post command @data's CQE (if still running) and free
 * it (@arg is the controller) */
NVMESIM_PRIV void nvmesim_exec_complete_ev(void *arg, uint64_t data);

/* aer.c */

/* nvmesim_aer_submit - accept an AER command (§5.2); returns NVMESIM_CMD_DEFERRED or
 * Asynchronous Event Request Limit Exceeded */
NVMESIM_PRIV uint16_t nvmesim_aer_submit(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
					 struct nvmesim_cmd_res *res);

/* nvmesim_aer_event - raise an asynchronous event; reported now or queued */
NVMESIM_PRIV void nvmesim_aer_event(struct nvmesim_ctrl *c, uint8_t type, uint8_t info,
				    uint8_t lid);

/* nvmesim_aer_log_read - the host read log page @lid with RAE=0: unmask its events */
NVMESIM_PRIV void nvmesim_aer_log_read(struct nvmesim_ctrl *c, uint8_t lid);

/* nvmesim_aer_reset - forget queued events and masks (AER commands go with exec_reset) */
NVMESIM_PRIV void nvmesim_aer_reset(struct nvmesim_ctrl *c);

/* nvmesim_errlog_add - append an Error Information log entry (§5.16.1.2); @status is the
 * 15-bit status field, stored shifted left by one as in a CQE */
NVMESIM_PRIV void nvmesim_errlog_add(struct nvmesim_ctrl *c, uint16_t sqid, uint16_t cid,
				     uint16_t status, uint16_t param_loc, uint64_t lba,
				     uint32_t nsid);

/* nvmesim_errlog_page - fill @buf ((ELPE+1) * 64 bytes) newest first */
NVMESIM_PRIV void nvmesim_errlog_page(const struct nvmesim_ctrl *c,
				      struct nvmesim_error_log_entry *buf);

/* admin.c */

/* nvmesim_admin_exec - execute admin command @sqe for @cmd; returns the 15-bit status
 * or NVMESIM_CMD_DEFERRED, result in @res */
NVMESIM_PRIV uint16_t nvmesim_admin_exec(struct nvmesim_ctrl *c, struct nvmesim_ctrl_cmd *cmd,
					 const struct nvmesim_sqe *sqe,
					 struct nvmesim_cmd_res *res);

/* nvmesim_admin_reset - feature values back to their defaults (controller reset) */
NVMESIM_PRIV void nvmesim_admin_reset(struct nvmesim_ctrl *c);

#endif /* NVMESIM_CTRL_CTRL_H */
