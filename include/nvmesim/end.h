/* SPDX-License-Identifier: MIT */
/*
 * end.h - the controller end interface: the PCIe seam between host and device.
 *
 * A controller end is what a host driver sees of an NVMe device across PCIe
 * (DESIGN.md, contract 1): 32/64-bit reads and writes of BAR0, host memory
 * made reachable by DMA at an IOVA, and MSI-X interrupt vectors.  The `sim`
 * end answers with the simulated controller and advances virtual time while
 * the host waits; the `vfio` end drives a real controller.  Nothing above this
 * interface knows which end it has.
 *
 * Every BAR access goes through nvmesim_end_read32() and friends, which also
 * feed the register-access log (nvmesim_end_set_mmio_log()).
 */
#ifndef NVMESIM_END_H
#define NVMESIM_END_H

#include <stddef.h>
#include <stdint.h>

#include <nvmesim/export.h>

NVMESIM_BEGIN_DECLS

struct nvmesim_end;

/* NVMESIM_END_API_VERSION - version of struct nvmesim_end_ops */
#define NVMESIM_END_API_VERSION 2

/*
 * enum nvmesim_host_work - host CPU work the host driver reports, so a
 * simulated end can charge its modeled cost (DESIGN.md contract 2).  A real
 * device's end ignores these: real time passes by itself.
 */
enum nvmesim_host_work {
	NVMESIM_WORK_SUBMIT, /* build one command and copy it into an SQ */
	NVMESIM_WORK_REAP,   /* process one CQE */
	NVMESIM_WORK_IRQ,    /* enter and leave the handler of the interrupt just taken */
	NVMESIM_WORK_POLL,   /* poll a CQ and find nothing */
	NVMESIM_WORK_SHADOW, /* write a shadow doorbell and read its EventIdx (dbbuf) */
};

/**
 * struct nvmesim_end_ops - what a controller end implements (SQLite-VFS style)
 * @api_version: NVMESIM_END_API_VERSION
 * @name: short name used by --backend ("sim", "vfio")
 * @read32: read a 32-bit register at BAR0 offset @off
 * @read64: read a 64-bit register at BAR0 offset @off
 * @write32: write a 32-bit register or doorbell at BAR0 offset @off
 * @write64: write a 64-bit register at BAR0 offset @off
 * @dma_map: make @len bytes at @vaddr reachable by the device at @iova; 0 or -errno
 * @dma_unmap: undo a dma_map of the same range; 0 or -errno
 * @wait: let the device make progress for up to @timeout_ns; returns 1 and
 *        stores a vector in *@vector when an MSI-X interrupt arrived, 0 when
 *        the time passed without one, -errno on failure
 * @now_ns: the end's clock as seen by the current host CPU (virtual for sim,
 *          CLOCK_MONOTONIC for real devices)
 * @close: release the end and everything it holds
 * @set_cpu: optional; later host work and MMIO are done by host CPU @cpu
 * @host_work: optional; the current CPU did @n items of work @w
 * @dma_sink: optional, API version 2 on: with @on, the host will not read what
 *            the device writes to [@iova, @iova+@len) until called again
 *            without @on, so an end may leave those bytes unwritten (the sim
 *            end does, for Read data: a replay's buffers that nothing checks);
 *            timing and status are unchanged; 0 or -errno
 */
struct nvmesim_end_ops {
	unsigned int api_version;
	const char *name;
	uint32_t (*read32)(struct nvmesim_end *end, uint32_t off);
	uint64_t (*read64)(struct nvmesim_end *end, uint32_t off);
	void (*write32)(struct nvmesim_end *end, uint32_t off, uint32_t val);
	void (*write64)(struct nvmesim_end *end, uint32_t off, uint64_t val);
	int (*dma_map)(struct nvmesim_end *end, void *vaddr, size_t len, uint64_t iova);
	int (*dma_unmap)(struct nvmesim_end *end, uint64_t iova, size_t len);
	int (*wait)(struct nvmesim_end *end, uint64_t timeout_ns, uint32_t *vector);
	uint64_t (*now_ns)(struct nvmesim_end *end);
	void (*close)(struct nvmesim_end *end);
	void (*set_cpu)(struct nvmesim_end *end, unsigned int cpu);
	void (*host_work)(struct nvmesim_end *end, enum nvmesim_host_work w, unsigned int n);
	int (*dma_sink)(struct nvmesim_end *end, uint64_t iova, size_t len, int on);
};

/**
 * struct nvmesim_end - a controller end instance
 * @ops: its operations
 * @priv: the implementation's state
 * @dstrd: CAP.DSTRD, read once when the end is opened (used to decode doorbells)
 * @mmio_log: optional callback receiving one decoded line per BAR access
 * @mmio_log_arg: its argument
 * @ctrl_log: optional callback receiving the controller's diagnostics (a host
 *            mistake and the rule it broke, with the spec section)
 * @ctrl_log_arg: its argument
 * @mmio_reads: BAR reads made through the wrappers
 * @mmio_writes: BAR writes made through the wrappers (doorbells included)
 */
struct nvmesim_end {
	const struct nvmesim_end_ops *ops;
	void *priv;
	unsigned int dstrd;
	void (*mmio_log)(void *arg, const char *line);
	void *mmio_log_arg;
	void (*ctrl_log)(void *arg, const char *line);
	void *ctrl_log_arg;
	uint64_t mmio_reads;
	uint64_t mmio_writes;
};

/**
 * nvmesim_end_read32 - read a 32-bit BAR0 register through @end (logged)
 * @end: the controller end
 * @off: BAR0 offset
 *
 * Return: the register value.
 */
NVMESIM_API uint32_t nvmesim_end_read32(struct nvmesim_end *end, uint32_t off);

/**
 * nvmesim_end_read64 - read a 64-bit BAR0 register through @end (logged)
 * @end: the controller end
 * @off: BAR0 offset
 *
 * Return: the register value.
 */
NVMESIM_API uint64_t nvmesim_end_read64(struct nvmesim_end *end, uint32_t off);

/**
 * nvmesim_end_write32 - write a 32-bit BAR0 register or doorbell (logged)
 * @end: the controller end
 * @off: BAR0 offset
 * @val: value
 */
NVMESIM_API void nvmesim_end_write32(struct nvmesim_end *end, uint32_t off, uint32_t val);

/**
 * nvmesim_end_write64 - write a 64-bit BAR0 register (logged)
 * @end: the controller end
 * @off: BAR0 offset
 * @val: value
 */
NVMESIM_API void nvmesim_end_write64(struct nvmesim_end *end, uint32_t off, uint64_t val);

/**
 * nvmesim_end_wait - let the device run for up to @timeout_ns
 * @end: the controller end
 * @timeout_ns: how long to wait at most
 * @vector: receives the interrupt vector when one fired (may be NULL)
 *
 * Return: 1 if an interrupt fired, 0 on timeout, -errno on failure.
 */
NVMESIM_API int nvmesim_end_wait(struct nvmesim_end *end, uint64_t timeout_ns, uint32_t *vector);

/**
 * nvmesim_end_now - the end's clock in nanoseconds
 * @end: the controller end
 *
 * Return: virtual time for sim, CLOCK_MONOTONIC for real devices.
 */
NVMESIM_API uint64_t nvmesim_end_now(struct nvmesim_end *end);

/**
 * nvmesim_end_set_cpu - the host CPU doing the following work (no-op if unsupported)
 * @end: the controller end
 * @cpu: CPU index, 0-based
 */
NVMESIM_API void nvmesim_end_set_cpu(struct nvmesim_end *end, unsigned int cpu);

/**
 * nvmesim_end_host_work - report host CPU work (no-op for real devices)
 * @end: the controller end
 * @w: kind of work
 * @n: how many items
 */
NVMESIM_API void nvmesim_end_host_work(struct nvmesim_end *end, enum nvmesim_host_work w,
				       unsigned int n);

/**
 * nvmesim_end_dma_sink - mark or unmark DMA writes to a range as unread by the host
 * @end: the controller end
 * @iova: device address of the range
 * @len: its length in bytes
 * @on: non-zero to mark, zero to end an earlier mark of the same range
 *
 * Return: 0, or -errno; -EOPNOTSUPP (harmless: the device just writes) when
 * the end has no dma_sink op.
 */
NVMESIM_API int nvmesim_end_dma_sink(struct nvmesim_end *end, uint64_t iova, size_t len, int on);

/**
 * nvmesim_end_close - close @end and free it; NULL is allowed
 * @end: the controller end
 */
NVMESIM_API void nvmesim_end_close(struct nvmesim_end *end);

/**
 * nvmesim_end_set_mmio_log - route decoded BAR accesses to @fn
 * @end: the controller end
 * @fn: receives lines such as "W32 CC <- 0x00460001 EN=1 CSS=NVM ..."; NULL disables
 * @arg: passed to @fn
 */
NVMESIM_API void nvmesim_end_set_mmio_log(struct nvmesim_end *end,
					  void (*fn)(void *arg, const char *line), void *arg);

/**
 * nvmesim_end_set_ctrl_log - route the controller's diagnostics to @fn
 * @end: the controller end
 * @fn: receives lines such as "CC.EN=1: ASQ 0x1004 not aligned ... (NVMe 2.0
 *      §3.1.4.9) -> CSTS.CFS"; NULL disables
 * @arg: passed to @fn
 */
NVMESIM_API void nvmesim_end_set_ctrl_log(struct nvmesim_end *end,
					  void (*fn)(void *arg, const char *line), void *arg);

/**
 * nvmesim_end_doorbell - BAR0 offset of a doorbell for this end's CAP.DSTRD
 * @end: the controller end
 * @qid: queue identifier
 * @cq: 0 for the SQ tail doorbell, 1 for the CQ head doorbell
 *
 * Return: 0x1000 + (2 * qid + cq) * (4 << CAP.DSTRD) (NVMe over PCIe Transport 1.0,
 *         SQyTDBL/CQyHDBL).
 */
NVMESIM_API uint32_t nvmesim_end_doorbell(const struct nvmesim_end *end, uint16_t qid, int cq);

NVMESIM_END_DECLS

#endif /* NVMESIM_END_H */
