/* SPDX-License-Identifier: MIT */
/*
 * compare.h - two runs side by side.
 *
 * nvmesim_compare() reads two result folders (summary.json and the
 * histogram CSVs, as run.h writes them and sweep.h reads them back) and puts
 * them side by side: per op type (read, write, trim, and every I/O together)
 * IOPS, bandwidth and total-latency mean and percentiles, and the
 * conversation counters both runs recorded, each with the ratio B / A.  It
 * prints the table, writes compare.csv and compare.json, and the plot data
 * behind the overlaid latency CDFs and histograms of nvmesim_plot()
 * (docs/reports.md, "Comparing two runs").
 */
#ifndef NVMESIM_COMPARE_H
#define NVMESIM_COMPARE_H

#include <stdio.h>

#include <nvmesim/diag.h>
#include <nvmesim/export.h>

NVMESIM_BEGIN_DECLS

/**
 * nvmesim_compare - compare run folder @dir_b against @dir_a
 * @dir_a: a run folder (`nvmesim run -o`, a sweep's point): the reference, "A"
 * @dir_b: another run folder, "B"
 * @out: optional; a folder (created) that receives compare.csv,
 *       compare.json, compare-lat.dat and compare-hist.dat
 * @text: optional; the side-by-side table for a terminal
 * @diag: optional; which folder or file is wrong and why
 *
 * Latencies are the total latency (`lat`) of every job; IOPS and bandwidth
 * of an op type are its I/Os and bytes over the longest run time of the
 * jobs that did it, and of all I/Os over the run's simulated time, as
 * sweep.csv computes them.  A ratio is B / A, absent when A is 0; a folder
 * compared with itself gives ratios of exactly 1.
 *
 * Return: 0, -ENOENT when a folder is not a result folder (no summary.json),
 * -EINVAL when a result file in it is malformed, -ENOMEM, or -errno writing
 * @out.
 */
NVMESIM_API NVMESIM_WUR int nvmesim_compare(const char *dir_a, const char *dir_b,
					    const char *out, FILE *text,
					    struct nvmesim_diag *diag);

NVMESIM_END_DECLS

#endif /* NVMESIM_COMPARE_H */
