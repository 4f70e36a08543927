/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - parameter sweeps and results read back from their folders.
 *
 * A sweep runs one trace at every point of the cross product of a few
 * settings ("--vary jobs.0.iodepth=1,4 --vary host.queues=1,2": four
 * points), each point a plain run whose result folder (summary.json and
 * histogram CSVs, as run.h writes them) lands in DIR/points/<index>-<slug>/.
 * DIR/sweep-spec records the varied keys and their values, so the points can
 * be run anywhere (one process, many, a cluster) and put together later.
 *
 * Putting together is reading back: nvmesim_results_read_dir() rebuilds a
 * run's results from its folder (the histograms bucket for bucket), and
 * nvmesim_results_merge() adds two runs of the same settings exactly.
 * nvmesim_sweep_merge() does it for whole sweep folders and writes the
 * tables: sweep.csv and sweep.json with one row per point (docs/sweeps.md).
 */
#ifndef NVMESIM_SWEEP_H
#define NVMESIM_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <nvmesim/diag.h>
#include <nvmesim/export.h>
#include <nvmesim/hist.h>
#include <nvmesim/run.h>

NVMESIM_BEGIN_DECLS

/* Limits of a sweep: varied keys, values per key, points (the product). */
#define NVMESIM_SWEEP_MAX_KEYS 8
#define NVMESIM_SWEEP_MAX_VALUES 1024
#define NVMESIM_SWEEP_MAX_POINTS 100000

/**
 * nvmesim_hist_read_csv - read a histogram written by nvmesim_hist_write_csv()
 * @h: receives the histogram (initialized here)
 * @f: the CSV
 * @diag: optional; what is wrong, with the line number
 *
 * Buckets, count, min and max come back exactly; mean and the standard
 * deviation as printed (six decimals); the sum as mean x count, rounded.
 *
 * Return: 0, -EINVAL for another layout, a malformed line, or bucket counts
 * that do not add up to the recorded count, -EIO on a read error.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_hist_read_csv(struct nvmesim_hist *h, FILE *f,
						  struct nvmesim_diag *diag);

/**
 * nvmesim_results_read_dir - rebuild a run's results from its result folder
 * @dir: a folder written by nvmesim_report_write_dir() (`nvmesim run -o`)
 * @out: receives the results (free with nvmesim_results_free())
 * @diag: optional; names the file and what is wrong
 *
 * Reads summary.json (jobs, I/O counts, bytes, errors, run times, the
 * conversation counters) and every hist-<job>-<dir>-<kind>.csv it implies.
 * Jobs start at 0 and end at their run time (summary.json keeps only spans).
 *
 * Return: 0, -ENOENT when @dir has no summary.json, -EINVAL when a file is
 * malformed or missing, -ENOMEM, -EIO.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_results_read_dir(const char *dir,
						     struct nvmesim_results **out,
						     struct nvmesim_diag *diag);

/**
 * nvmesim_results_merge - add the run @src to @dst, as if the two had run
 * one after the other with the same settings
 * @dst: results to grow
 * @src: results to add
 *
 * Jobs are matched by name (the n-th job of a name with the n-th of that
 * name); a job only @src has is appended.  Histograms add bucket by bucket,
 * I/O counts, bytes, errors, counters, run times and simulated time add.
 *
 * Return: 0 or -ENOMEM (@dst unchanged).
 */
NVMESIM_API NVMESIM_WUR int nvmesim_results_merge(struct nvmesim_results *dst,
						  const struct nvmesim_results *src);

/* The varied keys and values of a sweep, and what its points share (opaque). */
struct nvmesim_sweep;

/**
 * nvmesim_sweep_new - an empty sweep: no keys, one point
 * @out: receives the sweep (free with nvmesim_sweep_free())
 *
 * Return: 0 or -ENOMEM.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sweep_new(struct nvmesim_sweep **out);

/**
 * nvmesim_sweep_free - free a sweep; NULL is allowed
 * @s: the sweep
 */
NVMESIM_API void nvmesim_sweep_free(struct nvmesim_sweep *s);

/**
 * nvmesim_sweep_vary - add a varied key with its values
 * @s: the sweep
 * @arg: "KEY=V1,V2,..." (KEY any --set path); when the list holds a ';',
 *       values are separated by ';' instead, for values that hold commas
 *       ("host.coalescing=off;8,100")
 * @diag: optional; one line saying what is wrong
 *
 * Values are printable ASCII; a key may be varied once and a value may not
 * repeat.  The key itself is checked when the points are opened as runs.
 *
 * Return: 0, -EINVAL for a malformed @arg or a limit exceeded, -ENOMEM.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sweep_vary(struct nvmesim_sweep *s, const char *arg,
					       struct nvmesim_diag *diag);

/**
 * nvmesim_sweep_set_base - record what every point shares, for sweep-spec
 * and sweep.json: @o's trace, profile, seed and overrides (copied)
 * @s: the sweep
 * @o: the run options every point starts from
 *
 * Return: 0 or -ENOMEM.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sweep_set_base(struct nvmesim_sweep *s,
						   const struct nvmesim_run_opts *o);

/**
 * nvmesim_sweep_nr_keys - how many keys are varied
 * @s: the sweep
 *
 * Return: 0 .. NVMESIM_SWEEP_MAX_KEYS.
 */
NVMESIM_API unsigned int nvmesim_sweep_nr_keys(const struct nvmesim_sweep *s);

/**
 * nvmesim_sweep_key - the @k-th varied key, in the order given
 * @s: the sweep
 * @k: key index
 *
 * Return: the key ("host.queues"), NULL when @k is out of range.
 */
NVMESIM_API const char *nvmesim_sweep_key(const struct nvmesim_sweep *s, unsigned int k);

/**
 * nvmesim_sweep_nr_points - the size of the cross product
 * @s: the sweep
 *
 * Return: the number of points (1 with no keys).
 */
NVMESIM_API uint64_t nvmesim_sweep_nr_points(const struct nvmesim_sweep *s);

/**
 * nvmesim_sweep_value - the value of key @k at point @point; the first key
 * varies slowest, the last fastest (nested loops in the order given)
 * @s: the sweep
 * @point: point index
 * @k: key index
 *
 * Return: the value, NULL when @point or @k is out of range.
 */
NVMESIM_API const char *nvmesim_sweep_value(const struct nvmesim_sweep *s, uint64_t point,
					    unsigned int k);

/**
 * nvmesim_sweep_point_name - the folder name of point @point under points/:
 * "<index>-<slug>", e.g. "0003-iodepth-4_queues-2" (the last part of each
 * key, '-', the value, bytes outside [A-Za-z0-9.-] as '-'; "run" without keys)
 * @s: the sweep
 * @point: point index
 * @buf: receives the name
 * @len: size of @buf (128 is always enough)
 *
 * Return: 0, -ERANGE when @point is out of range, -ENAMETOOLONG.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sweep_point_name(const struct nvmesim_sweep *s,
						     uint64_t point, char *buf, size_t len);

/**
 * nvmesim_sweep_write_spec - write @dir/sweep-spec: the varied keys and
 * values and the shared settings, what nvmesim_sweep_merge() reads
 * @s: the sweep
 * @dir: existing folder
 *
 * Return: 0 or -errno.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sweep_write_spec(const struct nvmesim_sweep *s,
						     const char *dir);

/**
 * nvmesim_sweep_read_spec - read @dir/sweep-spec
 * @out: receives the sweep
 * @dir: a sweep folder
 * @diag: optional; file, line and what is wrong
 *
 * Return: 0, -ENOENT without a sweep-spec, -EINVAL when it is malformed, -ENOMEM.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sweep_read_spec(struct nvmesim_sweep **out, const char *dir,
						    struct nvmesim_diag *diag);

/**
 * struct nvmesim_sweep_stats - what nvmesim_sweep_merge() found
 * @points: points of the (combined) cross product
 * @present: points with results in at least one input
 * @runs: result folders read
 * @combined: points whose results came from more than one folder
 */
struct nvmesim_sweep_stats {
	uint64_t points;
	uint64_t present;
	uint64_t runs;
	uint64_t combined;
};

/**
 * nvmesim_sweep_merge - put sweep folders (or plain run folders) together
 * @inputs: folders: sweep folders (with sweep-spec) varying the same keys in
 *          the same order, or run folders (summary.json, no keys)
 * @nr_inputs: number of @inputs
 * @out: output folder (created); may be the only input, to rebuild its tables
 * @text: optional; a table of the points for a terminal
 * @stats: optional; what was found
 * @diag: optional; what went wrong
 *
 * The value lists of each key are united (in order of first appearance);
 * a point's results are those of every input that has the point, combined
 * with nvmesim_results_merge().  Writes @out/sweep-spec, @out/points/<name>/
 * (copied from a single source, rewritten when combined), @out/sweep.csv,
 * @out/sweep.json and the plot data sweep-plot.dat and sweep-lat.dat.
 * The output depends only on the points' results, not on how the points
 * were spread over the inputs.
 *
 * Return: 0 (also when points are missing: see @stats), -EINVAL when the
 * inputs do not fit together or a result file is malformed, -errno.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_sweep_merge(const char *const *inputs, unsigned int nr_inputs,
						const char *out, FILE *text,
						struct nvmesim_sweep_stats *stats,
						struct nvmesim_diag *diag);

NVMESIM_END_DECLS

#endif /* NVMESIM_SWEEP_H */
