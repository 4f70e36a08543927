/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - what sweep.c shares with the tests: the metrics of one point,
 * computed from its results alone (so merged points get them exactly).
 */
#ifndef NVMESIM_ENGINE_SWEEP_H
#define NVMESIM_ENGINE_SWEEP_H

#include <stdint.h>

#include <nvmesim/hist.h>
#include <nvmesim/run.h>

#include "engine/nvmesim-internal.h"

/* struct nvmesim_sweep_row - one row of sweep.csv (docs/sweeps.md names the columns) */
struct nvmesim_sweep_row {
	unsigned int runs;		/* result folders combined; 0: the point has no results */
	uint64_t ios;			/* I/Os of every job and direction */
	uint64_t bytes;			/* their bytes */
	uint64_t errors;		/* I/Os completed with an error */
	uint64_t sim_time_ns;		/* first issue to last completion (summed) */
	double iops;			/* ios per simulated second */
	double bw_bytes;		/* bytes per simulated second */
	double lat_mean_ns;		/* mean total latency */
	uint64_t lat_p50_ns;		/* median total latency (its bucket's upper bound) */
	uint64_t lat_p99_ns;		/* 99th percentile, the same way */
	uint64_t lat_p999_ns;		/* 99.9th percentile, the same way */
	uint64_t lat_max_ns;		/* largest total latency */
	double mmio_writes_per_io;	/* register and doorbell writes per I/O */
	double sq_doorbells_per_io;	/* SQ tail doorbell writes per I/O */
	double cq_doorbells_per_io;	/* CQ head doorbell writes per I/O */
	double sq_shadow_per_io;	/* SQ tail shadow doorbell updates per I/O */
	double cq_shadow_per_io;	/* CQ head shadow doorbell updates per I/O */
	double interrupts_per_io;	/* interrupts taken per I/O */
	double cqes_per_reap;		/* CQEs per reap pass */
	double cpu_ns_per_io;		/* modeled host CPU time per I/O; NaN: not known */
	double mean_inflight;		/* mean I/Os in flight (Little's L) */
};

/* nvmesim_sweep_row_compute - the metrics of results @r into @row; @lat is scratch that
 * receives the total-latency histogram of every job and direction */
NVMESIM_PRIV void nvmesim_sweep_row_compute(struct nvmesim_sweep_row *row,
					    const struct nvmesim_results *r,
					    struct nvmesim_hist *lat);

#endif /* NVMESIM_ENGINE_SWEEP_H */
