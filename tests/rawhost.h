/* SPDX-License-Identifier: MIT */
/*
 * rawhost.h - a deliberately tiny "raw host" for the controller tests.
 *
 * It reaches the simulated controller only through struct nvmesim_end (BAR
 * accesses, one DMA-mapped host memory region, wait), builds commands by
 * hand and keeps no more host state than the rings, so the controller tests
 * do not depend on the host driver module and can misbehave on purpose.
 * Every diagnostic line the controller emits is captured for assertions, and
 * every interrupt vector a wait delivers is recorded in order.
 */
#ifndef NVMESIM_TESTS_RAWHOST_H
#define NVMESIM_TESTS_RAWHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/hostmem.h"
#include "engine/queue.h"

#define RH_MAXQ 65            /* queue ids the raw host keeps ring state for */
#define RH_IOVA 0x100000000ull /* device address of host memory */
#define RH_MEM (8u << 20)     /* bytes of host memory */
#define RH_STASH 64           /* CQEs kept while waiting for another one */
#define RH_MAXIRQ 256         /* interrupt vectors recorded */

/* struct rawhost - one controller end and the little a raw host needs */
struct rawhost {
	struct nvmesim_end *end;           /* the controller */
	struct nvmesim_hostmem *hm;        /* DMA-able memory, mapped at RH_IOVA */
	struct nvmesim_hsq sq[RH_MAXQ];    /* SQ rings the host created */
	struct nvmesim_hcq cq[RH_MAXQ];    /* CQ rings the host created */
	bool sq_live[RH_MAXQ];             /* sq[i] was created */
	bool cq_live[RH_MAXQ];             /* cq[i] was created */
	uint16_t next_cid;                 /* last CID assigned */
	struct nvmesim_cqe stash[RH_STASH]; /* CQEs reaped while waiting for another */
	unsigned int nr_stash;             /* entries in stash */
	uint32_t irqs[RH_MAXIRQ];          /* vectors delivered by wait, in order */
	unsigned int nr_irqs;              /* entries in irqs */
	char *log;                         /* diagnostics, one per line */
	size_t log_len;                    /* bytes in log */
	size_t log_cap;                    /* bytes allocated */
	unsigned int nr_diag;              /* diagnostic lines since rh_log_clear */
};

/* rh_open - open a sim end with @opts (NULL: defaults) and map host memory; 0 or -errno */
int rh_open(struct rawhost *rh, const struct nvmesim_sim_opts *opts);

/* rh_close - close the end and free host memory */
void rh_close(struct rawhost *rh);

/* rh_log_clear - forget captured diagnostics */
void rh_log_clear(struct rawhost *rh);

/* rh_log_has - whether a captured diagnostic contains @needle */
bool rh_log_has(const struct rawhost *rh, const char *needle);

/* rh_r32/rh_w32/rh_r64/rh_w64 - BAR0 accesses through the end */
uint32_t rh_r32(struct rawhost *rh, uint32_t off);
void rh_w32(struct rawhost *rh, uint32_t off, uint32_t val);
uint64_t rh_r64(struct rawhost *rh, uint32_t off);
void rh_w64(struct rawhost *rh, uint32_t off, uint64_t val);

/* rh_db - BAR0 offset of the SQ tail (@cq 0) or CQ head (@cq 1) doorbell of @qid */
uint32_t rh_db(struct rawhost *rh, uint16_t qid, int cq);

/* rh_run - let @ns of virtual time pass (interrupts are recorded) */
void rh_run(struct rawhost *rh, uint64_t ns);

/* rh_wait_csts - run until (CSTS & @mask) == @val; 0, or -ETIMEDOUT after @timeout_ns */
int rh_wait_csts(struct rawhost *rh, uint32_t mask, uint32_t val, uint64_t timeout_ns);

/* rh_alloc - zeroed page-aligned host memory; rh_iova - its device address */
void *rh_alloc(struct rawhost *rh, size_t len);
uint64_t rh_iova(struct rawhost *rh, const void *p);

/* rh_admin_setup - allocate admin rings of @entries and program AQA/ASQ/ACQ */
void rh_admin_setup(struct rawhost *rh, uint16_t entries);

/* rh_enable - rh_admin_setup, CC = NVM, 4 KiB, 64/16-byte entries, EN=1, wait RDY; 0 or -errno */
int rh_enable(struct rawhost *rh, uint16_t entries);

/* rh_submit - post @cmd on SQ @qid (a CID is assigned if @cmd->cid is 0) and ring;
 * returns the CID */
uint16_t rh_submit(struct rawhost *rh, uint16_t qid, struct nvmesim_sqe *cmd);

/* rh_post - post without ringing; returns the CID */
uint16_t rh_post(struct rawhost *rh, uint16_t qid, struct nvmesim_sqe *cmd);

/* rh_reap - take the next CQE of CQ @cqid (stash ignored); 0 or -ETIMEDOUT */
int rh_reap(struct rawhost *rh, uint16_t cqid, struct nvmesim_cqe *out, uint64_t timeout_ns);

/* rh_wait_cid - the CQE of @cid from SQ @sqid completing to @cqid; 0 or -ETIMEDOUT */
int rh_wait_cid(struct rawhost *rh, uint16_t cqid, uint16_t sqid, uint16_t cid,
		struct nvmesim_cqe *out, uint64_t timeout_ns);

/* rh_cmd - submit @cmd on admin SQ 0 and wait for it; returns the 15-bit status, or
 * 0xffff on timeout; @out (may be NULL) receives the CQE */
uint16_t rh_cmd(struct rawhost *rh, struct nvmesim_sqe *cmd, struct nvmesim_cqe *out);

/* rh_io - the same on I/O queue pair @qid */
uint16_t rh_io(struct rawhost *rh, uint16_t qid, struct nvmesim_sqe *cmd,
	       struct nvmesim_cqe *out);

/* rh_create_cq / rh_create_sq - create an I/O queue of @entries (PC=1) and, on success,
 * its host ring; return the status */
uint16_t rh_create_cq(struct rawhost *rh, uint16_t qid, uint16_t entries, bool ien, uint16_t iv);
uint16_t rh_create_sq(struct rawhost *rh, uint16_t qid, uint16_t cqid, uint16_t entries,
		      uint8_t prio);

/* rh_delete_sq / rh_delete_cq - delete an I/O queue; return the status */
uint16_t rh_delete_sq(struct rawhost *rh, uint16_t qid);
uint16_t rh_delete_cq(struct rawhost *rh, uint16_t qid);

/* rh_identify - Identify @cns for @nsid into @buf (4096 bytes); returns the status */
uint16_t rh_identify(struct rawhost *rh, uint8_t cns, uint32_t nsid, void *buf);

/* rh_get_log - Get Log Page @lid, @len bytes from @offset into @buf; returns the status */
uint16_t rh_get_log(struct rawhost *rh, uint8_t lid, uint32_t nsid, void *buf, uint32_t len,
		    uint64_t offset, bool rae);

/* rh_set_feat / rh_get_feat - Set or Get Features; *@dw0 (may be NULL) gets CQE dword 0 */
uint16_t rh_set_feat(struct rawhost *rh, uint8_t fid, uint32_t cdw11, uint32_t *dw0);
uint16_t rh_get_feat(struct rawhost *rh, uint8_t fid, unsigned int sel, uint32_t cdw11,
		     uint32_t *dw0);

/* rh_aer - submit an Asynchronous Event Request without waiting; returns its CID */
uint16_t rh_aer(struct rawhost *rh);

#endif /* NVMESIM_TESTS_RAWHOST_H */
