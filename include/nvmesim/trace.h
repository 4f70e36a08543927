/* SPDX-License-Identifier: MIT */
/*
 * trace.h - reading workload traces (YAML), as a stream.
 *
 * A trace is one YAML mapping: settings first (seed, profile, host,
 * namespaces, jobs, ...), then optionally `ops:`, a sequence of explicit
 * operations, which must be the last key so it can be streamed: the reader
 * hands out one operation at a time with libyaml's event parser, and memory
 * does not grow with the trace's length.  docs/trace-format.md is the full
 * reference.  Every error names the file, line and column, the field, and
 * what was expected.
 */
#ifndef NVMESIM_TRACE_H
#define NVMESIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <nvmesim/diag.h>
#include <nvmesim/export.h>
#include <nvmesim/spec.h>

NVMESIM_BEGIN_DECLS

#define NVMESIM_TRACE_MAX_JOBS 16
#define NVMESIM_TRACE_MAX_NS 16

/* enum nvmesim_io_op - the I/O kinds of jobs and explicit operations */
enum nvmesim_io_op {
	NVMESIM_IO_READ,
	NVMESIM_IO_WRITE,
	NVMESIM_IO_TRIM,          /* Dataset Management, deallocate */
	NVMESIM_IO_FLUSH,
	NVMESIM_IO_WRITE_ZEROES,
};

/* enum nvmesim_pattern - how a job picks its offsets */
enum nvmesim_pattern {
	NVMESIM_PATTERN_SEQ,
	NVMESIM_PATTERN_RANDOM,
};

/**
 * struct nvmesim_job - a fio-like generator job
 * @name: job name (reports use it as fio's jobname)
 * @op: read, write or trim; with @rwmixread < 100 and op write, a mix
 * @rwmixread: percentage of reads in a mixed job (fio rwmixread); 100 = all @op
 * @pattern: sequential or random offsets
 * @bs: block size, bytes (a multiple of the LBA size)
 * @iodepth: I/Os in flight at most
 * @count: I/Os to issue (0 = until @runtime_ns)
 * @runtime_ns: stop issuing after this much time (0 = until @count)
 * @offset: start of the region, bytes
 * @size: length of the region, bytes (0 = to the end of the namespace)
 * @rate_iops: issue at most this many I/Os per second (0 = closed loop)
 * @nsid: namespace
 * @queue: I/O queue to use (0 = the job's index modulo the queues, plus 1)
 * @priority: with host.arbitration wrr, the QPRIO of its SQ: 0 default
 *            (medium), 1 urgent, 2 high, 3 medium, 4 low
 * @verify: `verify: on`: writes fill every block with a self-describing
 *          pattern and, once written, are read back and checked; a read
 *          job checks every block it reads (docs/trace-format.md)
 */
struct nvmesim_job {
	char name[64];
	enum nvmesim_io_op op;
	unsigned int rwmixread;
	enum nvmesim_pattern pattern;
	uint32_t bs;
	unsigned int iodepth;
	uint64_t count;
	uint64_t runtime_ns;
	uint64_t offset;
	uint64_t size;
	uint64_t rate_iops;
	uint32_t nsid;
	unsigned int queue;
	int priority;
	bool verify;
};

/**
 * struct nvmesim_trace_host - the host's set-up
 * @queues: I/O queue pairs
 * @queue_entries: entries per I/O queue
 * @cpus: host CPUs (0 = the profile's)
 * @completion: "interrupt" or "poll"
 * @sq_doorbell: SQ doorbell policy name ("per-command"; more in later versions)
 * @cq_doorbell: CQ doorbell policy name ("per-reap")
 * @shadow_doorbell: "off", "linux" or "spdk" (need-event test of the shadow doorbells)
 * @coalescing: "off"
 * @shadow_admin: "off" (the admin queue keeps MMIO doorbells, as Linux) or "on"
 * @arbitration: "rr" (round robin) or "wrr" (weighted round robin with urgent class)
 * @coalescing_off_queues: I/O queues whose vectors opt out of coalescing (Interrupt Vector
 *                         Configuration 09h, CD = 1): "none" or queue IDs, "2" or "1,3"
 */
struct nvmesim_trace_host {
	unsigned int queues;
	unsigned int queue_entries;
	unsigned int cpus;
	char completion[32];
	char sq_doorbell[32];
	char cq_doorbell[32];
	char shadow_doorbell[32];
	char coalescing[32];
	char shadow_admin[8];
	char arbitration[8];
	char coalescing_off_queues[64];
};

/**
 * struct nvmesim_trace_ns - a namespace the trace asks for
 * @size: bytes
 * @lba_bytes: 512 or 4096
 * @discard_data: `data: discard`: the namespace keeps no data (writes are
 *                timed but dropped, reads return zeros), so write-heavy
 *                replays of any length fit in memory
 */
struct nvmesim_trace_ns {
	uint64_t size;
	uint32_t lba_bytes;
	bool discard_data;
};

/**
 * struct nvmesim_trace_settings - everything before `ops:`
 * @profile: profile name (looked up in the profiles folder) or a path
 * @seed: seed of the pseudo-random generators
 * @init_manual: true for `init: manual` (the host does not bring the
 *               controller up; register accesses are the trace's own)
 * @host: host set-up
 * @nr_ns: namespaces asked for (0 = the profile's single namespace)
 * @ns: those namespaces
 * @nr_jobs: generator jobs
 * @jobs: the jobs
 * @ops_iodepth: explicit operations without `at:` run back-to-back at this depth
 * @interval_ns: time-series interval
 * @has_ops: the trace has an `ops:` sequence
 * @verify: top-level `verify: on`: explicit reads and writes verify their
 *          data unless the operation says `verify: off`
 */
struct nvmesim_trace_settings {
	char profile[256];
	uint64_t seed;
	bool init_manual;
	struct nvmesim_trace_host host;
	unsigned int nr_ns;
	struct nvmesim_trace_ns ns[NVMESIM_TRACE_MAX_NS];
	unsigned int nr_jobs;
	struct nvmesim_job jobs[NVMESIM_TRACE_MAX_JOBS];
	unsigned int ops_iodepth;
	uint64_t interval_ns;
	bool has_ops;
	bool verify;
};

/* enum nvmesim_op_kind - what an explicit operation does */
enum nvmesim_op_kind {
	NVMESIM_OP_IO,     /* read/write/trim/flush/write_zeroes by LBA */
	NVMESIM_OP_ADMIN,  /* raw admin command */
	NVMESIM_OP_CMD,    /* raw I/O command */
	NVMESIM_OP_MMIO,   /* register read or write by name */
	NVMESIM_OP_WAIT,   /* let time pass (init: manual) or drain (auto) */
	NVMESIM_OP_DOORBELL, /* write a doorbell by queue id (conformance) */
	NVMESIM_OP_EVENT,  /* the next asynchronous event the host received */
};

/*
 * enum nvmesim_trace_backend - the backends an expectation may name in its
 * map form (`expect: {sim: ..., vfio: ...}`); sim's value is the spec's
 * answer and is used by every backend the map does not name
 */
enum nvmesim_trace_backend {
	NVMESIM_TRACE_BACKEND_SIM,
	NVMESIM_TRACE_BACKEND_VFIO,
	NVMESIM_TRACE_BACKENDS,
};

/* enum nvmesim_expect - which expectation an operation carries */
enum nvmesim_expect {
	NVMESIM_EXPECT_NONE,
	NVMESIM_EXPECT_STATUS,  /* a completion status (SCT/SC, DNR ignored) */
	NVMESIM_EXPECT_VALUE,   /* a register value under a mask */
};

/**
 * struct nvmesim_trace_op - one explicit operation
 * @kind: what it is
 * @line: 1-based line of the operation in the trace (for messages)
 * @column: 1-based column
 * @at_ns: issue time (open loop), or -1 for back-to-back
 * @io: for NVMESIM_OP_IO, the operation
 * @nsid: namespace (IO)
 * @lba: first logical block (IO)
 * @blocks: logical blocks (IO; 1-based)
 * @queue: I/O queue for IO and CMD (0 = the first)
 * @cmd: for ADMIN and CMD, the command (CID and PRPs are filled by the host)
 * @data_bytes: for ADMIN and CMD, the data buffer size
 * @reg: for MMIO, the BAR0 offset
 * @width: for MMIO, 4 or 8 bytes
 * @write: for MMIO, true for a write of @value
 * @value: for MMIO writes and DOORBELL, the value; for WAIT, the time to wait;
 *         for EVENT, how long to wait for the event (`within:`)
 * @expect: which expectation
 * @expect_status: expected status (SCT << 8 | SC)
 * @expect_value: expected register value (after @expect_mask)
 * @expect_mask: bits of the register (or event dword 0) compared
 * @expect_alt: bit b set: backend b (enum nvmesim_trace_backend) has its own
 *              expected value, a recorded departure from the spec (bit 0,
 *              sim, is never set: sim's value is @expect_status/@expect_value)
 * @alt_status: with @expect_alt bit b, backend b's expected status
 * @alt_value: with @expect_alt bit b, backend b's expected value
 * @prp_offset: for ADMIN and CMD with data, bytes PRP1 is offset into the
 *              buffer (0 = page aligned; odd values make PRP Offset errors)
 * @verify: for IO reads and writes: -1 the trace's `verify:`, 0 off, 1 on
 * @doorbell_cq: for DOORBELL, the CQ head doorbell (else the SQ tail's);
 *               the queue is @queue, the value @value
 */
struct nvmesim_trace_op {
	enum nvmesim_op_kind kind;
	unsigned int line;
	unsigned int column;
	int64_t at_ns;
	enum nvmesim_io_op io;
	uint32_t nsid;
	uint64_t lba;
	uint32_t blocks;
	unsigned int queue;
	struct nvmesim_sqe cmd;
	uint32_t data_bytes;
	uint32_t reg;
	unsigned int width;
	bool write;
	uint64_t value;
	enum nvmesim_expect expect;
	uint16_t expect_status;
	uint64_t expect_value;
	uint64_t expect_mask;
	uint32_t expect_alt;
	uint16_t alt_status[NVMESIM_TRACE_BACKENDS];
	uint64_t alt_value[NVMESIM_TRACE_BACKENDS];
	uint32_t prp_offset;
	int verify;
	bool doorbell_cq;
};

struct nvmesim_trace;

/**
 * nvmesim_trace_open - open @path and read its settings (up to `ops:`)
 * @out: receives the reader
 * @path: trace file
 * @sets: overrides "path=value" applied after the file's settings
 *        ("host.queues=4", "jobs.0.iodepth=64"; "profile.*" are not for the
 *        trace and are ignored here)
 * @nr_sets: number of overrides
 * @diag: optional; "file:line:column: field: expected ..., got ..." on error
 *
 * Return: 0, -errno when the file cannot be read, -EINVAL for a bad trace.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_trace_open(struct nvmesim_trace **out, const char *path,
					       const char *const *sets, unsigned int nr_sets,
					       struct nvmesim_diag *diag);

/**
 * nvmesim_trace_settings - the settings read by nvmesim_trace_open()
 * @t: the reader
 *
 * Return: a pointer valid until nvmesim_trace_close().
 */
NVMESIM_API const struct nvmesim_trace_settings *
nvmesim_trace_settings(const struct nvmesim_trace *t);

/**
 * nvmesim_trace_path - the file name given to nvmesim_trace_open()
 * @t: the reader
 *
 * Return: the path.
 */
NVMESIM_API const char *nvmesim_trace_path(const struct nvmesim_trace *t);

/**
 * nvmesim_trace_next_op - read the next explicit operation
 * @t: the reader
 * @op: receives it
 * @diag: optional; the error with file:line:column
 *
 * Return: 1 with an operation, 0 at the end, -EINVAL for a bad operation.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_trace_next_op(struct nvmesim_trace *t,
						  struct nvmesim_trace_op *op,
						  struct nvmesim_diag *diag);

/**
 * nvmesim_trace_close - close the reader; NULL is allowed
 * @t: the reader
 */
NVMESIM_API void nvmesim_trace_close(struct nvmesim_trace *t);

/**
 * nvmesim_io_op_name - "read", "write", "trim", "flush", "write_zeroes"
 * @op: the operation
 *
 * Return: its name.
 */
NVMESIM_API const char *nvmesim_io_op_name(enum nvmesim_io_op op);

NVMESIM_END_DECLS

#endif /* NVMESIM_TRACE_H */
