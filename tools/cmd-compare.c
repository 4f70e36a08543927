/* SPDX-License-Identifier: MIT */
/*
 * cmd-compare.c - `nvmesim compare RUN_A RUN_B [-o DIR] [--plot]`: two result
 * folders side by side.  The library (nvmesim_compare()) reads both back,
 * prints per op type IOPS, bandwidth and the latency mean and percentiles,
 * and the conversation counters both recorded, each with the ratio B / A;
 * with -o it writes compare.csv, compare.json and the plot data, and with
 * --plot the overlaid latency CDFs and histograms (docs/reports.md).
 *
 * Exit status: 0 success; 1 writing or plotting failed; 2 the command line
 * is wrong or a folder is not a result folder (or holds malformed results).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nvmesim/compare.h>

#include "tools/cli.h"

/* usage_compare - `nvmesim compare --help` */
void usage_compare(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim compare RUN_A RUN_B [OPTION]...\n"
		"Put two result folders ('nvmesim run -o', or points of a sweep) side by\n"
		"side: per op type (read, write, trim, all) I/Os, IOPS, bandwidth and the\n"
		"total latency's mean, p50, p99, p99.9 and max, then the nvmesim counters\n"
		"both runs recorded (doorbells, interrupts, CPU time per I/O, ...), each\n"
		"with the ratio B/A.\n"
		"\n"
		"Options:\n"
		"  -o, --output DIR  also write DIR/compare.csv, DIR/compare.json and the\n"
		"                    plot data (DIR is created)\n"
		"      --plot        draw the two runs' latency CDFs and histograms overlaid\n"
		"                    into DIR (needs -o; a warning without gnuplot)\n"
		"  -h, --help        show this help and exit\n"
		"\n"
		"Exit status: 0 success, 1 writing failed, 2 bad command line or a folder\n"
		"that is not a result folder.\n");
}

/* has_file - whether @dir/@name exists */
static bool has_file(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	return n > 0 && (size_t)n < sizeof(path) && !stat(path, &st);
}

/* check_folder - whether @dir is a folder; EXIT_SUCCESS or the usage error */
static int check_folder(const char *dir)
{
	struct stat st;

	errno = 0;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return cli_usage_error("compare", "%s: not a result folder (%s)", dir,
				       errno ? strerror(errno) : "not a directory");
	/* a sweep folder holds many runs: say which ones compare */
	if (has_file(dir, "sweep-spec") && !has_file(dir, "summary.json"))
		return cli_usage_error("compare", "%s: a sweep folder, not a run folder; "
				       "compare two of its points (%s/points/...)", dir, dir);
	return EXIT_SUCCESS;
}

/* cmd_compare - `nvmesim compare`: the exit status */
int cmd_compare(int argc, char **argv)
{
	enum { OPT_PLOT = 256 };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "plot", no_argument, NULL, OPT_PLOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nvmesim_diag diag;
	const char *out = NULL;
	bool plot = false;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return cli_usage_error("compare",
						       "--output: expected a folder name");
			out = optarg;
			break;
		case OPT_PLOT:
			plot = true;
			break;
		case 'h':
			usage_compare(stdout);
			return EXIT_SUCCESS;
		default:
			return cli_getopt_error("compare", c, argv, opts);
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("compare", "expected two result folders, RUN_A RUN_B "
				       "(try 'nvmesim compare --help')");
	if (argc - optind > 2)
		return cli_usage_error("compare", "unexpected argument '%s'", argv[optind + 2]);
	if (plot && !out)
		return cli_usage_error("compare", "--plot: needs -o DIR for the pictures");
	err = check_folder(argv[optind]);
	if (!err)
		err = check_folder(argv[optind + 1]);
	if (err)
		return err;
	memset(&diag, 0, sizeof(diag));
	err = nvmesim_compare(argv[optind], argv[optind + 1], out, stdout, &diag);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "nvmesim: compare: %s\n", diag.msg[0] ? diag.msg : strerror(-err));
		return err == -ENOENT || err == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	if (plot) {
		memset(&diag, 0, sizeof(diag));
		err = nvmesim_plot(out, NULL, &diag);
		if (err == -ENOENT) {
			fprintf(stderr, "nvmesim: compare: warning: no plots drawn: %s\n",
				diag.msg[0] ? diag.msg : strerror(-err));
		} else if (err) {
			fprintf(stderr, "nvmesim: compare: %s\n",
				diag.msg[0] ? diag.msg : strerror(-err));
			return EXIT_FAILURE;
		}
	}
	if (out) {
		fflush(stdout);
		fprintf(stderr, "nvmesim: compare: results in %s/\n", out);
	}
	return EXIT_SUCCESS;
}
