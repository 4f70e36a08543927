/* SPDX-License-Identifier: MIT */
/*
 * bench_replay.c - how fast and how frugal trace replay is.
 *
 * Three figures, each printed as "name: value unit" lines:
 *  1. start-up: wall time of a whole nvmesim_run() of a one-operation trace
 *     (profile load, controller bring-up, shutdown);
 *  2. 1,000,000 4 KiB random reads at QD32 on the Gen4 TLC profile (a
 *     generator job): simulated I/Os per wall-second and peak memory;
 *  3. a 10,000,000-line explicit trace (one read per line, back-to-back at
 *     depth 32): simulated I/Os per wall-second and peak memory, which must not
 *     depend on the trace's length (the reader streams).
 * Each replay also prints its CPU time and I/Os per CPU-second, which leave
 * out any time the process waited for a CPU.
 * Targets (issue 3): >= 3,000,000 simulated I/Os per wall-second on one core,
 * <= 64 MiB peak memory, start-up under 50 ms.  Traces are generated into a
 * temporary folder and removed afterwards.  Usage: bench_replay [SCALE], where
 * SCALE (default 1) multiplies the I/O counts, e.g. 0.1 for a quick look.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <nvmesim/nvmesim.h>

/* clock_s - clock @id in seconds */
static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* now_s - CLOCK_MONOTONIC in seconds */
static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* peak_mib - the process's peak resident set so far, MiB */
static double peak_mib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

/* replay - run @trace; prints its figures under @name; 0 or 1 */
static int replay(const char *name, const char *trace)
{
	struct nvmesim_run_opts o;
	struct nvmesim_results *r = NULL;
	struct nvmesim_diag diag;
	uint64_t ios = 0;
	unsigned int j, d;
	double t0, t1, c0, c1;
	int err;

	memset(&o, 0, sizeof(o));
	memset(&diag, 0, sizeof(diag));
	o.trace = trace;
	t0 = now_s();
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	err = nvmesim_run(&o, &r, &diag);
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	t1 = now_s();
	if (err) {
		fprintf(stderr, "bench: %s: %s\n", name, diag.msg[0] ? diag.msg : strerror(-err));
		return 1;
	}
	for (j = 0; j < r->nr_jobs; j++)
		for (d = 0; d < NVMESIM_DIRS; d++)
			ios += r->jobs[j].dir[d].ios;
	printf("%s: ios: %" PRIu64 "\n", name, ios);
	printf("%s: wall: %.3f s\n", name, t1 - t0);
	printf("%s: simulated: %.3f ms\n", name, r->sim_time_ns / 1e6);
	printf("%s: rate: %.0f simulated IOs per wall-second\n", name, ios / (t1 - t0));
	/* CPU time is steadier than wall time on a shared machine (docs/performance.md) */
	printf("%s: cpu: %.3f s, %.0f simulated IOs per CPU-second\n", name, c1 - c0,
	       ios / (c1 - c0 > 0 ? c1 - c0 : 1e-9));
	printf("%s: peak memory so far: %.1f MiB\n", name, peak_mib());
	nvmesim_results_free(r);
	return 0;
}

/* write_file - create @path with @text; 0 or 1 */
static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "bench: cannot write %s\n", path);
		return 1;
	}
	return 0;
}

/* write_ops_trace - @n explicit 4 KiB reads at pseudo-random LBAs, one per line */
static int write_ops_trace(const char *path, uint64_t n)
{
	FILE *f = fopen(path, "w");
	uint64_t i, x = 0x9e3779b97f4a7c15ull;

	if (!f)
		return 1;
	fprintf(f, "seed: 1\nprofile: gen4-tlc\niodepth: 32\nops:\n");
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		fprintf(f, "  - {op: read, lba: %" PRIu64 ", blocks: 8}\n",
			(uint64_t)(x % (1ull << 28)) * 8);
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/nvmesim-bench.XXXXXX", tiny[64], gen[64], ops[64], text[512];
	double scale = argc > 1 ? atof(argv[1]) : 1.0, t0;
	uint64_t n_gen = (uint64_t)(1000000 * scale), n_ops = (uint64_t)(10000000 * scale);
	int fail = 0;

	if (scale <= 0 || !mkdtemp(dir)) {
		fprintf(stderr, "usage: bench_replay [SCALE > 0]\n");
		return 2;
	}
	snprintf(tiny, sizeof(tiny), "%s/tiny.yaml", dir);
	snprintf(gen, sizeof(gen), "%s/randread.yaml", dir);
	snprintf(ops, sizeof(ops), "%s/ops.yaml", dir);
	fail |= write_file(tiny, "seed: 1\nprofile: gen4-tlc\nops:\n  - {op: read, lba: 0}\n");
	snprintf(text, sizeof(text),
		 "seed: 1\nprofile: gen4-tlc\njobs:\n  - name: randread\n    rw: randread\n"
		 "    bs: 4k\n    iodepth: 32\n    count: %" PRIu64 "\n", n_gen);
	fail |= write_file(gen, text);
	t0 = now_s();
	fail |= write_ops_trace(ops, n_ops);
	printf("setup: wrote a %" PRIu64 "-line trace in %.1f s\n", n_ops, now_s() - t0);
	if (fail)
		goto out;

	t0 = now_s();
	fail |= replay("startup", tiny);
	printf("startup: %.1f ms (target < 50 ms)\n", (now_s() - t0) * 1e3);
	fail |= replay("randread-qd32", gen);
	fail |= replay("explicit-ops", ops);
	printf("peak memory: %.1f MiB (target <= 64 MiB)\n", peak_mib());
out:
	unlink(tiny);
	unlink(gen);
	unlink(ops);
	rmdir(dir);
	return fail;
}
