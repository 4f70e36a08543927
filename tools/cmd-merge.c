/* SPDX-License-Identifier: MIT */
/*
 * cmd-merge.c - `nvmesim merge DIR... -o OUT`: put sweep folders (or run
 * folders) together into one sweep: the points each input has, the same
 * point from several inputs added exactly (histograms bucket by bucket), and
 * sweep.csv, sweep.json and the plots made from the result.  This is how a
 * sweep whose points ran under GNU parallel, on several machines or as a
 * Slurm job array becomes one table (docs/sweeps.md).
 *
 * Exit status: 0 the tables were written; 1 no input had any results, or
 * writing failed; 2 the command line is wrong or the inputs do not fit
 * together (not result folders, different varied keys, malformed results).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nvmesim/sweep.h>

#include "tools/cli.h"

/* usage_merge - `nvmesim merge --help` */
void usage_merge(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim merge DIR... -o OUT [OPTION]...\n"
		"Combine sweep folders (written by 'nvmesim sweep', possibly partial) or run\n"
		"folders ('nvmesim run -o') into the sweep folder OUT: the union of their\n"
		"points, a point found in several inputs added exactly (histograms bucket by\n"
		"bucket, counts and counters summed); print the table and write sweep.csv,\n"
		"sweep.json and the points' folders. Sweeps must vary the same keys in the\n"
		"same order; run folders merge only with run folders (into one point).\n"
		"OUT may be the single input: its tables are rebuilt in place.\n"
		"\n"
		"Options:\n"
		"  -o, --output OUT  the merged sweep folder (required)\n"
		"      --plot        draw the sweep plots with gnuplot (a warning without it)\n"
		"  -h, --help        show this help and exit\n"
		"\n"
		"Exit status: 0 success, 1 no results found or writing failed, 2 bad\n"
		"command line or inputs that do not fit together.\n");
}

/* cmd_merge - `nvmesim merge`: the exit status */
int cmd_merge(int argc, char **argv)
{
	enum { OPT_PLOT = 256 };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "plot", no_argument, NULL, OPT_PLOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nvmesim_sweep_stats st;
	struct nvmesim_diag diag;
	const char *out = NULL;
	bool plot = false;
	struct stat sb;
	int c, err, i;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return cli_usage_error("merge", "--output: expected a folder name");
			out = optarg;
			break;
		case OPT_PLOT:
			plot = true;
			break;
		case 'h':
			usage_merge(stdout);
			return EXIT_SUCCESS;
		default:
			return cli_getopt_error("merge", c, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_usage_error("merge", "missing DIR (try 'nvmesim merge --help')");
	if (!out)
		return cli_usage_error("merge", "missing -o OUT (try 'nvmesim merge --help')");
	for (i = optind; i < argc; i++) {
		errno = 0;
		if (stat(argv[i], &sb) || !S_ISDIR(sb.st_mode))
			return cli_usage_error("merge", "%s: not a folder (%s)", argv[i],
					       errno ? strerror(errno) : "not a directory");
	}
	memset(&diag, 0, sizeof(diag));
	err = nvmesim_sweep_merge((const char *const *)argv + optind, (unsigned int)(argc - optind),
				  out, stdout, &st, &diag);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "nvmesim: merge: %s\n", diag.msg[0] ? diag.msg : strerror(-err));
		return err == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	if (plot) {
		memset(&diag, 0, sizeof(diag));
		err = nvmesim_plot(out, NULL, &diag);
		if (err)
			fprintf(stderr, "nvmesim: merge: warning: no plots drawn: %s\n",
				diag.msg[0] ? diag.msg : strerror(-err));
	}
	fflush(stdout);
	fprintf(stderr, "nvmesim: merge: %" PRIu64 " of %" PRIu64 " points from %" PRIu64
		" run folder%s (%" PRIu64 " combined from several); results in %s/\n",
		st.present, st.points, st.runs, st.runs == 1 ? "" : "s", st.combined, out);
	if (!st.present) {
		fprintf(stderr, "nvmesim: merge: no results found in the inputs\n");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
