/* SPDX-License-Identifier: MIT */
/*
 * runner.h - the workload runner: replaying a trace's jobs and operations
 * through the host driver and measuring what the host sees.
 *
 * nvmesim_run() (run.c) prepares the pieces - trace, profile, controller
 * end, host driver - and hands them to nvmesim_runner_run(), which plays the
 * workload.  Work comes from sources: one per generator job (gen.c) and one
 * for the trace's explicit operations (ops.c).  Each source owns a fixed pool
 * of slots, one per I/O it may have in flight, with its data buffer allocated
 * from host memory once; the per-I/O path never allocates, hashes or scans.
 *
 * The loop (runner.c, with the policies of policies.c) alternates an issue
 * pass - every source posts what is due on its queue, and the SQ doorbell
 * policy announces it - with a wait, in which the completion policy lets the
 * end run until something completes or the next arrival is due.  Each I/O
 * carries three timestamps taken with nvmesim_end_now() on the CPU doing the
 * work: issue (the arrival for open loop, the moment the runner posts it for
 * closed loop), submitted (right after the SQ doorbell write that announced
 * it) and reaped (in its completion callback).  slat = submitted - issue,
 * clat = reaped - submitted, lat = reaped - issue, as fio defines them.
 *
 * All times in the results are relative to the start of the workload, the
 * end's time once the host is up (t0): job start/end, intervals, progress.
 */
#ifndef NVMESIM_HOST_RUNNER_H
#define NVMESIM_HOST_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/nvmesim-internal.h"
#include "host/rng.h"

/* Poll slice when the profile gives no poll cost: how long a polling host waits between
 * looks at its CQs */
#define NVMESIM_RUN_POLL_NS 1000ull

/* A wait without a deadline is cut into slices this long to look for a dead controller */
#define NVMESIM_RUN_STALL_SLICE_NS 1000000000ull

/* I/Os between two on_progress calls (a power of two: the test is a mask) */
#define NVMESIM_RUN_PROGRESS_IOS 65536u

/* Largest number of logical blocks one command moves (CDW12 NLB is 16 bits, 0's based) */
#define NVMESIM_RUN_MAX_NLB 65536u

/* Host memory the explicit operations reserve per slot for their data buffers */
#define NVMESIM_RUN_OPS_BUF_BYTES (1u << 20)

/* struct nvmesim_runner_cfg - what nvmesim_runner_run() plays, on what, and where to tell */
struct nvmesim_runner_cfg {
	struct nvmesim_end *end;          /* the controller end */
	struct nvmesim_host *host;        /* the host driver; NULL for init: manual */
	struct nvmesim_trace *trace;      /* reader, settings read, positioned at ops: */
	const char *path;                 /* trace file as the user named it (messages) */
	const struct nvmesim_trace_settings *set; /* its settings (after --set overrides) */
	uint64_t seed;                    /* seed of the generators */
	uint64_t poll_ns;                 /* poll slice of the "poll" completion policy */
	const char *backend;              /* "sim" or "vfio:..." (picks expect: map values) */
	void (*on_interval)(void *arg, const struct nvmesim_interval *iv); /* optional */
	void (*on_progress)(void *arg, uint64_t now_ns, uint64_t ios);     /* optional */
	void (*on_message)(void *arg, const char *line);                   /* optional */
	void *arg;                        /* passed to the callbacks */
	const volatile sig_atomic_t *stop; /* optional; non-zero: stop at the next wait */
};

/* nvmesim_runner_nr_jobs - entries of results->jobs a run of @set fills: one per generator
 * job, plus "ops" when the trace has explicit operations; returns the count */
NVMESIM_PRIV unsigned int nvmesim_runner_nr_jobs(const struct nvmesim_trace_settings *set);

/* nvmesim_runner_policies - check the host's policy names in @set (completion, SQ and CQ
 * doorbell, shadow doorbell, coalescing); 0 and whether I/O CQs use interrupts in @irq, or
 * -EINVAL naming the setting */
NVMESIM_PRIV int nvmesim_runner_policies(const struct nvmesim_trace_settings *set, bool *irq,
					 struct nvmesim_diag *diag);

/* nvmesim_runner_hostmem_bytes - host memory a run of @set needs with @queues I/O queue pairs
 * of @entries entries: rings, the slots' data buffers, PRP lists and room for the driver's
 * own commands; returns bytes (only what is used is ever touched) */
NVMESIM_PRIV size_t nvmesim_runner_hostmem_bytes(const struct nvmesim_trace_settings *set,
						 unsigned int queues, unsigned int entries);

/* nvmesim_runner_run - play the jobs and operations of @cfg->trace and fill @res (whose
 * jobs[] has nvmesim_runner_nr_jobs() zeroed entries); 0 when the workload ran (failed
 * expectations are counted, not errors), -EINVAL for a trace the host cannot play (with
 * file:line), -EIO/-ETIMEDOUT when the controller failed or stopped answering, -ENOMEM */
NVMESIM_PRIV int nvmesim_runner_run(const struct nvmesim_runner_cfg *cfg,
				    struct nvmesim_results *res, struct nvmesim_diag *diag);

#endif /* NVMESIM_HOST_RUNNER_H */
