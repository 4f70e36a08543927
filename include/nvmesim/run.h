/* SPDX-License-Identifier: MIT */
/*
 * run.h - replaying a trace and reporting what the host saw.
 *
 * nvmesim_run() reads a trace (trace.h), loads its device profile
 * (profile.h), opens the controller end, brings the controller up with the
 * host driver (unless the trace says `init: manual`), runs the trace's jobs
 * and operations, and returns the results: per job and direction, I/O counts,
 * bytes and slat/clat/lat histograms (as fio reports them), plus the cost of
 * the host/device conversation.  The report writers turn results into the
 * fio-like text summary, summary.json and histogram CSVs.
 */
#ifndef NVMESIM_RUN_H
#define NVMESIM_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <nvmesim/diag.h>
#include <nvmesim/export.h>
#include <nvmesim/hist.h>
#include <nvmesim/trace.h>

NVMESIM_BEGIN_DECLS

/* Directions as fio reports them: read, write, trim. */
enum nvmesim_dir {
	NVMESIM_DIR_READ,
	NVMESIM_DIR_WRITE,
	NVMESIM_DIR_TRIM,
	NVMESIM_DIRS,
};

/**
 * struct nvmesim_dir_stats - one direction of one job
 * @ios: I/Os completed
 * @bytes: bytes transferred
 * @errors: I/Os that completed with a non-zero status
 * @slat: submission latency: issue to the SQ doorbell write
 * @clat: completion latency: doorbell write to the completion being reaped
 * @lat: total latency: issue to reaped completion
 */
struct nvmesim_dir_stats {
	uint64_t ios;
	uint64_t bytes;
	uint64_t errors;
	struct nvmesim_hist slat;
	struct nvmesim_hist clat;
	struct nvmesim_hist lat;
};

/**
 * struct nvmesim_job_stats - one job (or "ops" for explicit operations)
 * @name: job name
 * @start_ns: first issue
 * @end_ns: last completion
 * @dir: per direction (flush and write zeroes count as write, as fio does)
 */
struct nvmesim_job_stats {
	char name[64];
	uint64_t start_ns;
	uint64_t end_ns;
	struct nvmesim_dir_stats dir[NVMESIM_DIRS];
};

/**
 * struct nvmesim_counters - the host/device conversation
 * @mmio_reads: register reads
 * @mmio_writes: register and doorbell writes
 * @sq_doorbells: SQ tail doorbell writes
 * @cq_doorbells: CQ head doorbell writes
 * @interrupts: interrupts taken
 * @reaps: reap passes that consumed at least one CQE
 * @cqes: CQEs consumed
 * @commands: commands submitted (admin included)
 * @inflight_ns: integral of I/Os in flight over time (for mean occupancy)
 * @polls: CQ polls (completion policies poll and hybrid), finding CQEs or not
 * @idle_polls: of them those that found nothing
 * @cpu_ns: modeled host CPU time: the host work of the run (commands built,
 *          CQEs processed, interrupt handlers, idle polls, MMIO writes) at
 *          the profile's host costs, as the simulated end charges them; 0
 *          without a timing model
 * @sq_shadow: SQ tail shadow doorbell updates (host.shadow_doorbell); with
 *             shadow doorbells @sq_doorbells counts only the MMIO writes
 * @cq_shadow: CQ head shadow doorbell updates
 */
struct nvmesim_counters {
	uint64_t mmio_reads;
	uint64_t mmio_writes;
	uint64_t sq_doorbells;
	uint64_t cq_doorbells;
	uint64_t interrupts;
	uint64_t reaps;
	uint64_t cqes;
	uint64_t commands;
	double inflight_ns;
	uint64_t polls;
	uint64_t idle_polls;
	uint64_t cpu_ns;
	uint64_t sq_shadow;
	uint64_t cq_shadow;
};

/**
 * struct nvmesim_queue_counters - the conversation on one queue pair
 * @qid: queue pair (0 admin, 1..n I/O)
 * @commands: commands submitted to its SQ
 * @sq_doorbells: SQ tail doorbell writes
 * @cq_doorbells: CQ head doorbell writes
 * @interrupts: interrupts taken on its vector
 * @reaps: reap passes that consumed at least one CQE
 * @cqes: CQEs consumed
 * @polls: polls of its CQ
 * @idle_polls: of them those that found nothing
 * @inflight_ns: integral of its I/Os in flight over time (mean occupancy =
 *               inflight_ns / sim_time_ns)
 * @sq_shadow: SQ tail shadow doorbell updates (@sq_doorbells: only the MMIO writes)
 * @cq_shadow: CQ head shadow doorbell updates
 */
struct nvmesim_queue_counters {
	unsigned int qid;
	uint64_t commands;
	uint64_t sq_doorbells;
	uint64_t cq_doorbells;
	uint64_t interrupts;
	uint64_t reaps;
	uint64_t cqes;
	uint64_t polls;
	uint64_t idle_polls;
	double inflight_ns;
	uint64_t sq_shadow;
	uint64_t cq_shadow;
};

/**
 * struct nvmesim_results - what a run measured
 * @trace: trace file
 * @profile: profile name
 * @backend: "sim" or "vfio:..."
 * @seed: seed used
 * @sim_time_ns: elapsed time from the first issue to the last completion
 * @nr_jobs: entries in @jobs
 * @jobs: per job
 * @counters: the conversation
 * @expect_failures: operations whose `expect:` did not hold
 * @nr_queues: entries in @queues (0 when not known, e.g. read back from a folder)
 * @queues: per queue pair, admin first
 */
struct nvmesim_results {
	char trace[256];
	char profile[64];
	char backend[64];
	uint64_t seed;
	uint64_t sim_time_ns;
	unsigned int nr_jobs;
	struct nvmesim_job_stats *jobs;
	struct nvmesim_counters counters;
	uint64_t expect_failures;
	unsigned int nr_queues;
	struct nvmesim_queue_counters *queues;
};

/**
 * struct nvmesim_interval - one row of the time series
 * @start_ns: interval start
 * @end_ns: interval end
 * @ios: I/Os completed in it
 * @bytes: bytes completed in it
 * @mean_ns: mean total latency of those I/Os
 * @p99_ns: 99th percentile total latency of those I/Os
 */
struct nvmesim_interval {
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t ios;
	uint64_t bytes;
	double mean_ns;
	uint64_t p99_ns;
};

/**
 * struct nvmesim_run_opts - what to run and where to report progress
 * @trace: trace file
 * @profile: profile name or path overriding the trace's (NULL: the trace's)
 * @profiles_dir: folder where profile names are looked up (NULL: built-in list
 *                of folders: $NVMESIM_PROFILES, the source tree, the data dir)
 * @seed_set: use @seed instead of the trace's
 * @seed: seed
 * @sets: "path=value" overrides; "profile.x.y" go to the profile, others to the trace
 * @nr_sets: number of overrides
 * @backend: "sim" (NULL means "sim"), or "vfio:BDF" for the real controller at
 *           PCI address BDF (vfio.h; bound to vfio-pci)
 * @on_interval: optional; one time-series row per interval, as it completes
 * @on_progress: optional; called now and then with end time and I/Os done
 * @on_message: optional; expectation failures ("file:line: ...") and
 *              controller diagnostics
 * @mmio_log: optional; every BAR access decoded
 * @arg: passed to the callbacks
 * @allow_write: let a run on a real device (vfio) change data: without it a
 *               trace whose jobs or operations write, trim, write zeroes,
 *               format, sanitize, ... is refused before the device is opened
 *               (-EINVAL naming the trace's file:line); the simulated
 *               controller ignores it
 * @stop: optional; when *@stop becomes non-zero (a signal handler sets it)
 *        the run stops at its next wait and tears down as usual (I/O queues
 *        deleted, controller shut down, DMA unmapped); nvmesim_run() then
 *        returns -EINTR
 */
struct nvmesim_run_opts {
	const char *trace;
	const char *profile;
	const char *profiles_dir;
	bool seed_set;
	uint64_t seed;
	const char *const *sets;
	unsigned int nr_sets;
	const char *backend;
	void (*on_interval)(void *arg, const struct nvmesim_interval *iv);
	void (*on_progress)(void *arg, uint64_t now_ns, uint64_t ios);
	void (*on_message)(void *arg, const char *line);
	void (*mmio_log)(void *arg, const char *line);
	void *arg;
	bool allow_write;
	const volatile sig_atomic_t *stop;
};

/**
 * nvmesim_run - replay a trace
 * @opts: what to run
 * @out: receives the results (free with nvmesim_results_free())
 * @diag: optional; the error
 *
 * Return: 0 when the run completed (check @out->expect_failures), -EINVAL
 * for bad input (trace, profile, options: a usage error; also a real device
 * that cannot be opened, or a writing trace without @opts->allow_write),
 * -EINTR when @opts->stop ended it, other -errno when the run itself failed
 * (bring-up, controller fatal status).
 */
NVMESIM_API NVMESIM_WUR int nvmesim_run(const struct nvmesim_run_opts *opts,
					struct nvmesim_results **out, struct nvmesim_diag *diag);

/**
 * nvmesim_results_free - free results; NULL is allowed
 * @r: results
 */
NVMESIM_API void nvmesim_results_free(struct nvmesim_results *r);

/**
 * nvmesim_report_text - the fio-like text summary
 * @r: results
 * @f: output
 *
 * Return: 0 or -EIO.
 */
NVMESIM_API int nvmesim_report_text(const struct nvmesim_results *r, FILE *f);

/**
 * nvmesim_report_json - summary.json: a subset of fio's --output-format=json
 * plus an "nvmesim" object
 * @r: results
 * @f: output
 *
 * Return: 0 or -EIO.
 */
NVMESIM_API int nvmesim_report_json(const struct nvmesim_results *r, FILE *f);

/**
 * nvmesim_report_write_dir - write summary.json and one histogram CSV per job,
 * direction and latency kind (hist-<job>-<dir>-<kind>.csv) into @dir
 * @r: results
 * @dir: existing folder
 *
 * Return: 0 or -errno.
 */
NVMESIM_API int nvmesim_report_write_dir(const struct nvmesim_results *r, const char *dir);

/**
 * nvmesim_report_interval_csv - one time-series row (with a header before the first)
 * @iv: the interval, or NULL to write only the header
 * @f: output
 *
 * Return: 0 or -EIO.
 */
NVMESIM_API int nvmesim_report_interval_csv(const struct nvmesim_interval *iv, FILE *f);

/**
 * nvmesim_plot - draw the plots of a result folder with gnuplot
 * @dir: a run folder (summary.json, the histogram CSVs, timeseries.csv), a
 *       sweep folder (sweep.csv and points/) or a comparison folder
 *       (nvmesim_compare(), compare.h)
 * @plots_dir: folder of the gnuplot scripts (NULL: $NVMESIM_PLOTS, the source
 *             tree, the installed data folder)
 * @diag: optional; what went wrong
 *
 * Writes PNG (pngcairo) and SVG files next to the data: for a run, latency
 * histograms (log x), latency CDFs with percentile markers, IOPS and p99 over
 * time; for a sweep, IOPS, p99 and MMIO writes per I/O against the first
 * varied key, one line per value of the others, and overlaid latency CDFs;
 * for a comparison, both runs' latency CDFs and histograms overlaid.
 *
 * Return: 0, -ENOENT when gnuplot is not installed (callers warn and go on),
 * -errno or -EIO when a script failed.
 */
NVMESIM_API int nvmesim_plot(const char *dir, const char *plots_dir, struct nvmesim_diag *diag);

NVMESIM_END_DECLS

#endif /* NVMESIM_RUN_H */
