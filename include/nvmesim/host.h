/* SPDX-License-Identifier: MIT */
/*
 * host.h - the host driver module.
 *
 * The host driver brings an NVMe controller up in the order the Linux driver
 * uses (drivers/nvme/host/pci.c): read CAP and VS, disable and wait for
 * CSTS.RDY=0, allocate the admin SQ/CQ in DMA-able host memory, write AQA,
 * ASQ, ACQ, write CC and then CC.EN, wait for CSTS.RDY=1 within CAP.TO,
 * Identify the controller and its namespaces, Set Features Number of Queues,
 * create I/O CQs and then SQs.  It reaches the device only through a
 * controller end (end.h), so the same code drives the simulated controller
 * and a real one.
 *
 * Submission and completion are separate steps, as in libvfn: post commands
 * with nvmesim_host_submit(), announce them with nvmesim_host_ring(), reap
 * completions with nvmesim_host_reap() (phase tag, then one CQ head doorbell),
 * and let the device run with nvmesim_host_wait().
 */
#ifndef NVMESIM_HOST_H
#define NVMESIM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nvmesim/diag.h>
#include <nvmesim/end.h>
#include <nvmesim/export.h>
#include <nvmesim/spec.h>

NVMESIM_BEGIN_DECLS

struct nvmesim_host;

/**
 * struct nvmesim_host_opts - how the host driver sets the controller up
 * @nr_io_queues: I/O queue pairs to create (capped by what the controller grants)
 * @io_queue_entries: entries per I/O SQ and CQ (capped by CAP.MQES + 1)
 * @admin_entries: entries of the admin SQ and CQ (2..4096)
 * @interrupts: create I/O CQs with interrupts enabled (MSI-X vector per queue)
 *              or polled (IEN=0)
 * @hostmem_bytes: size of the DMA-able host memory region
 * @iova_base: IOVA at which host memory is mapped for the device
 * @aer: keep one Asynchronous Event Request outstanding, as Linux does
 * @cpus: host CPUs the work is spread over: I/O queue pair q is served by CPU
 *        (q - 1) % cpus, the admin queue by CPU 0 (0 counts as 1); the host
 *        tells the end which CPU works (nvmesim_end_set_cpu()) so a timing
 *        model can charge each CPU its own time
 * @wrr: enable with CC.AMS = weighted round robin with urgent priority class
 *       (needs CAP.AMS bit 0) and set the Arbitration feature (01h) to the
 *       controller's default weights (NVMe 2.0 §3.4.2.2); false: round robin
 * @sq_prio: with @wrr, the QPRIO (0 urgent, 1 high, 2 medium, 3 low) of I/O
 *           SQ q at [q - 1] for q <= @nr_sq_prio, the others medium; read
 *           only during nvmesim_host_open(); may be NULL
 * @nr_sq_prio: entries in @sq_prio
 * @hugepages: back host memory with 2 MiB hugepages (memfd MFD_HUGETLB) when
 *             enough are free (/proc/sys/vm/nr_hugepages), else with 4 KiB
 *             pages; for real devices (fewer IOMMU entries, cheaper pinning)
 */
struct nvmesim_host_opts {
	unsigned int nr_io_queues;
	unsigned int io_queue_entries;
	unsigned int admin_entries;
	bool interrupts;
	size_t hostmem_bytes;
	uint64_t iova_base;
	bool aer;
	unsigned int cpus;
	bool wrr;
	const uint8_t *sq_prio;
	unsigned int nr_sq_prio;
	bool hugepages;
};

/**
 * struct nvmesim_host_stats - what the host said to the device, counted since bring-up
 * @commands: commands posted to any SQ (admin included)
 * @sq_doorbells: SQ tail doorbell writes
 * @cq_doorbells: CQ head doorbell writes
 * @interrupts: interrupts taken (vectors delivered to the host)
 * @reaps: reap passes that consumed at least one CQE
 * @cqes: CQEs consumed
 * @polls: polls of a CQ without interrupts that found nothing
 * @poll_calls: polls of a CQ without interrupts, finding CQEs or not
 * @sq_shadow: SQ tail shadow doorbell updates (Doorbell Buffer Config); @sq_doorbells
 *             counts only the MMIO writes
 * @cq_shadow: CQ head shadow doorbell updates; @cq_doorbells counts only the MMIO writes
 */
struct nvmesim_host_stats {
	uint64_t commands;
	uint64_t sq_doorbells;
	uint64_t cq_doorbells;
	uint64_t interrupts;
	uint64_t reaps;
	uint64_t cqes;
	uint64_t polls;
	uint64_t poll_calls;
	uint64_t sq_shadow;
	uint64_t cq_shadow;
};

/* nvmesim_host_opts_default - 1 I/O queue pair of 256 entries, interrupts, 64 MiB, 1 CPU */
NVMESIM_API extern const struct nvmesim_host_opts nvmesim_host_opts_default;

/**
 * nvmesim_io_done_fn - completion callback
 * @arg: the argument given at submission
 * @cqe: the completion queue entry (status with NVMESIM_CQE_STATUS())
 */
typedef void (*nvmesim_io_done_fn)(void *arg, const struct nvmesim_cqe *cqe);

/**
 * nvmesim_host_open - bring the controller behind @end up
 * @out: receives the host driver instance
 * @end: the controller end (not owned; close it after nvmesim_host_close())
 * @opts: set-up; NULL means nvmesim_host_opts_default
 * @diag: optional; receives a message naming the failed step
 *
 * Return: 0, -ETIMEDOUT (CSTS.RDY not reached within CAP.TO), -EIO (CSTS.CFS
 * set, or an admin command failed), -ENOMEM.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_host_open(struct nvmesim_host **out, struct nvmesim_end *end,
					      const struct nvmesim_host_opts *opts,
					      struct nvmesim_diag *diag);

/**
 * nvmesim_host_close - delete I/O queues, shut the controller down, free @host
 * @host: the host driver instance; NULL is allowed
 * @diag: optional; receives a message if the shutdown did not complete
 *
 * Return: 0, or -ETIMEDOUT when CSTS.SHST never reached 10b (resources are
 * freed either way).
 */
NVMESIM_API int nvmesim_host_close(struct nvmesim_host *host, struct nvmesim_diag *diag);

/**
 * nvmesim_host_end - the controller end this host drives
 * @host: the host driver instance
 *
 * Return: the end given to nvmesim_host_open().
 */
NVMESIM_API struct nvmesim_end *nvmesim_host_end(struct nvmesim_host *host);

/**
 * nvmesim_host_id_ctrl - the Identify Controller data read at bring-up
 * @host: the host driver instance
 *
 * Return: a pointer valid until nvmesim_host_close().
 */
NVMESIM_API const struct nvmesim_id_ctrl *nvmesim_host_id_ctrl(const struct nvmesim_host *host);

/**
 * nvmesim_host_id_ns - the Identify Namespace data of active namespace @nsid
 * @host: the host driver instance
 * @nsid: namespace identifier
 *
 * Return: a pointer valid until nvmesim_host_close(), or NULL if @nsid is not active.
 */
NVMESIM_API const struct nvmesim_id_ns *nvmesim_host_id_ns(const struct nvmesim_host *host,
							   uint32_t nsid);

/**
 * nvmesim_host_nr_io_queues - how many I/O queue pairs were created (qid 1..n)
 * @host: the host driver instance
 *
 * Return: the number of I/O queue pairs.
 */
NVMESIM_API unsigned int nvmesim_host_nr_io_queues(const struct nvmesim_host *host);

/**
 * nvmesim_host_stats - the conversation counters of @host
 * @host: the host driver instance
 * @out: receives the counters (bring-up and teardown commands included)
 */
NVMESIM_API void nvmesim_host_stats(const struct nvmesim_host *host,
				    struct nvmesim_host_stats *out);

/**
 * nvmesim_host_hugepages - whether host memory ended up in 2 MiB hugepages
 * @host: the host driver instance
 *
 * Return: true when opts.hugepages was set and hugepages were free, false
 * for 4 KiB pages.
 */
NVMESIM_API bool nvmesim_host_hugepages(const struct nvmesim_host *host);

/**
 * nvmesim_host_dma_alloc - allocate DMA-able host memory
 * @host: the host driver instance
 * @len: bytes (rounded up to whole pages)
 *
 * Return: a page-aligned pointer, or NULL when host memory is exhausted.
 */
NVMESIM_API void *nvmesim_host_dma_alloc(struct nvmesim_host *host, size_t len);

/**
 * nvmesim_host_dma_free - free memory from nvmesim_host_dma_alloc(); NULL is allowed
 * @host: the host driver instance
 * @buf: the pointer
 */
NVMESIM_API void nvmesim_host_dma_free(struct nvmesim_host *host, void *buf);

/**
 * nvmesim_host_submit - post one command on SQ @qid without ringing the doorbell
 * @host: the host driver instance
 * @qid: 0 for the admin queue, 1..n for I/O queues
 * @cmd: the command; CID and the data pointer are filled in by the host
 * @buf: data buffer from nvmesim_host_dma_alloc() (or NULL when @len is 0)
 * @len: bytes to transfer; PRP1/PRP2 and PRP lists are built from @buf
 * @done: called from nvmesim_host_reap() with the CQE
 * @arg: passed to @done
 *
 * Return: 0, -EBUSY when the SQ is full, -EINVAL for a bad @qid or @buf, -ENOMEM.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_host_submit(struct nvmesim_host *host, uint16_t qid,
						const struct nvmesim_sqe *cmd, void *buf,
						size_t len, nvmesim_io_done_fn done, void *arg);

/**
 * nvmesim_host_ring - write the SQ tail doorbell of @qid if commands were posted
 * @host: the host driver instance
 * @qid: queue identifier
 *
 * Return: 1 if the doorbell was written, 0 if there was nothing to announce.
 */
NVMESIM_API int nvmesim_host_ring(struct nvmesim_host *host, uint16_t qid);

/**
 * nvmesim_host_reap - consume completions of CQ @qid by phase tag
 * @host: the host driver instance
 * @qid: queue identifier
 * @max: most CQEs to consume (0 = no limit)
 *
 * Calls each command's callback, then writes the CQ head doorbell once.
 *
 * Return: the number of CQEs consumed.
 */
NVMESIM_API int nvmesim_host_reap(struct nvmesim_host *host, uint16_t qid, unsigned int max);

/**
 * nvmesim_host_wait - let the device run, then reap what completed
 * @host: the host driver instance
 * @timeout_ns: longest wait
 *
 * With interrupts, reaps the queues of the vector that fired; when polling,
 * reaps every queue.
 *
 * Return: CQEs consumed (0 on timeout), or -errno (-EIO when CSTS.CFS is set).
 */
NVMESIM_API int nvmesim_host_wait(struct nvmesim_host *host, uint64_t timeout_ns);

/**
 * nvmesim_host_exec - submit one command, ring, and wait for its completion
 * @host: the host driver instance
 * @qid: queue identifier
 * @cmd: the command (CID and data pointer filled in)
 * @buf: DMA buffer or NULL
 * @len: bytes
 * @cqe: receives the completion (may be NULL)
 *
 * Return: the 15-bit status field (0 = success), or -errno (-ETIMEDOUT when
 * no completion arrived within the command timeout, -EIO on CSTS.CFS,
 * -EDEADLK when called from a completion callback).
 */
NVMESIM_API int nvmesim_host_exec(struct nvmesim_host *host, uint16_t qid,
				  const struct nvmesim_sqe *cmd, void *buf, size_t len,
				  struct nvmesim_cqe *cqe);

/**
 * nvmesim_host_rw - build and execute a read or write
 * @host: the host driver instance
 * @qid: I/O queue
 * @opcode: NVMESIM_NVM_READ, NVMESIM_NVM_WRITE or NVMESIM_NVM_COMPARE
 * @nsid: namespace
 * @slba: first logical block
 * @nlb: number of logical blocks (1-based)
 * @buf: DMA buffer of nlb blocks
 *
 * Return: as nvmesim_host_exec().
 */
NVMESIM_API int nvmesim_host_rw(struct nvmesim_host *host, uint16_t qid, uint8_t opcode,
				uint32_t nsid, uint64_t slba, uint32_t nlb, void *buf);

/**
 * nvmesim_host_flush - execute a Flush of namespace @nsid
 * @host: the host driver instance
 * @qid: I/O queue
 * @nsid: namespace (0xffffffff: all namespaces, if the controller allows it)
 *
 * Return: as nvmesim_host_exec().
 */
NVMESIM_API int nvmesim_host_flush(struct nvmesim_host *host, uint16_t qid, uint32_t nsid);

/**
 * nvmesim_host_write_zeroes - execute a Write Zeroes of @nlb blocks from @slba
 * @host: the host driver instance
 * @qid: I/O queue
 * @nsid: namespace
 * @slba: first logical block
 * @nlb: number of logical blocks (1-based)
 *
 * Return: as nvmesim_host_exec().
 */
NVMESIM_API int nvmesim_host_write_zeroes(struct nvmesim_host *host, uint16_t qid, uint32_t nsid,
					  uint64_t slba, uint32_t nlb);

/**
 * nvmesim_host_trim - deallocate @nlb blocks from @slba (Dataset Management, AD=1)
 * @host: the host driver instance
 * @qid: I/O queue
 * @nsid: namespace
 * @slba: first logical block
 * @nlb: number of logical blocks (1-based)
 *
 * Return: as nvmesim_host_exec(), or -ENOMEM when no host memory is left for the range.
 */
NVMESIM_API int nvmesim_host_trim(struct nvmesim_host *host, uint16_t qid, uint32_t nsid,
				  uint64_t slba, uint32_t nlb);

/**
 * nvmesim_host_next_event - take the oldest asynchronous event the host received
 * @host: the host driver instance
 * @dw0: receives the AER completion dword 0 (type, info, log page)
 *
 * Return: 1 if an event was returned, 0 if none is pending.
 */
NVMESIM_API int nvmesim_host_next_event(struct nvmesim_host *host, uint32_t *dw0);

/**
 * nvmesim_cmd_rw - fill @cmd for an NVM read/write/compare/write zeroes
 * @cmd: zeroed and filled
 * @opcode: NVM opcode
 * @nsid: namespace
 * @slba: starting LBA
 * @nlb: number of blocks, 1-based (encoded 0's based in CDW12)
 */
NVMESIM_API void nvmesim_cmd_rw(struct nvmesim_sqe *cmd, uint8_t opcode, uint32_t nsid,
				uint64_t slba, uint32_t nlb);

NVMESIM_END_DECLS

#endif /* NVMESIM_HOST_H */
