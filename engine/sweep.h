/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - what the sweep files share (sweep.c: keys, values, points and
 * sweep-spec; sweep-tables.c: rows and tables; sweep-merge.c: merging) and,
 * for the tests, the metrics of one point, computed from its results alone
 * (so merged points get them exactly).
 */
#ifndef NVMESIM_ENGINE_SWEEP_H
#define NVMESIM_ENGINE_SWEEP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <nvmesim/hist.h>
#include <nvmesim/run.h>
#include <nvmesim/sweep.h>

#include "engine/files.h"
#include "engine/nvmesim-internal.h"

/* struct sweep_key - one varied key and its values in the order given */
struct sweep_key {
	char *name;		/* the --set path */
	unsigned int nr;	/* values */
	unsigned int cap;	/* entries allocated in @values */
	char **values;		/* the values, as text */
};

/* struct nvmesim_sweep - the handle of <nvmesim/sweep.h> */
struct nvmesim_sweep {
	unsigned int nr_keys;				/* keys used */
	struct sweep_key keys[NVMESIM_SWEEP_MAX_KEYS];	/* in the order given */
	bool has_base;					/* the fields below are known */
	char *trace;					/* trace file, NULL if none */
	char *profile;					/* --profile, NULL if none */
	bool seed_set;					/* --seed given */
	uint64_t seed;					/* --seed */
	unsigned int nr_sets;				/* --set overrides */
	char **sets;					/* "path=value" */
};

/* struct merge_ctx - what the table writers need */
struct merge_ctx {
	const struct nvmesim_sweep *s;		/* the combined keys and values */
	struct nvmesim_sweep_row *rows;		/* per point; present ones have runs > 0 */
	uint64_t nr_points;			/* entries of @rows */
	uint64_t present;			/* rows with runs > 0 */
	const char *lat_tmp;			/* sweep-lat.dat, written as points come */
};

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

/* sweep.c */

/* nvmesim_sweep_find_value - index of @value among key @k's values, or -1 */
NVMESIM_PRIV long nvmesim_sweep_find_value(const struct sweep_key *k, const char *value);

/* nvmesim_sweep_add_key - a new key without values; 0, -EINVAL (too many) or -ENOMEM */
NVMESIM_PRIV int nvmesim_sweep_add_key(struct nvmesim_sweep *s, const char *name, size_t n);

/* nvmesim_sweep_add_value - append value @v (@n bytes) to key @k; 0, -EINVAL (too many) or
 * -ENOMEM */
NVMESIM_PRIV int nvmesim_sweep_add_value(struct sweep_key *k, const char *v, size_t n);

/* nvmesim_sweep_count_points - the cross product's size, saturating above the limit */
NVMESIM_PRIV uint64_t nvmesim_sweep_count_points(const struct nvmesim_sweep *s);

/* nvmesim_sweep_value_index - which value of key @k point @point has (the last key varies
 * fastest) */
NVMESIM_PRIV unsigned int nvmesim_sweep_value_index(const struct nvmesim_sweep *s,
						    uint64_t point, unsigned int k);

/* nvmesim_sweep_short_key - the last part of a dotted key: "iodepth" of "jobs.0.iodepth" */
NVMESIM_PRIV const char *nvmesim_sweep_short_key(const char *key);

/* sweep-tables.c: the writers take a struct merge_ctx as @arg */

/* nvmesim_sweep_point_folder - nvmesim_sweep_point_name() of valid point @p into @buf */
NVMESIM_PRIV void nvmesim_sweep_point_folder(const struct nvmesim_sweep *s, uint64_t p,
					     char *buf, size_t len);

/* nvmesim_sweep_csv_write - sweep.csv; 0 */
NVMESIM_PRIV int nvmesim_sweep_csv_write(const void *arg, FILE *f);

/* nvmesim_sweep_json_write - sweep.json; 0 */
NVMESIM_PRIV int nvmesim_sweep_json_write(const void *arg, FILE *f);

/* nvmesim_sweep_plot_write - sweep-plot.dat, the data of the IOPS, p99 and MMIO plots; 0 */
NVMESIM_PRIV int nvmesim_sweep_plot_write(const void *arg, FILE *f);

/* nvmesim_sweep_lat_block - point @p's latency CDF block of sweep-lat.dat from @h */
NVMESIM_PRIV void nvmesim_sweep_lat_block(FILE *f, const struct nvmesim_sweep *s, uint64_t p,
					  const struct nvmesim_hist *h, bool first_block);

/* nvmesim_sweep_text_table - the rows for a terminal */
NVMESIM_PRIV void nvmesim_sweep_text_table(FILE *f, const struct merge_ctx *m);

#endif /* NVMESIM_ENGINE_SWEEP_H */
