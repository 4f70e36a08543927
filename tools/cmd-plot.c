/* SPDX-License-Identifier: MIT */
/*
 * cmd-plot.c - `nvmesim plot DIR`: draw (or redraw) the plots of a result
 * folder written by `nvmesim run`, `sweep` or `merge`.  Without gnuplot this
 * is a warning, not a failure: plots are optional.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/cli.h"

/* usage_plot - `nvmesim plot --help` */
void usage_plot(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim plot DIR [OPTION]...\n"
		"Draw PNG and SVG plots from the CSV files in DIR: for a folder written by\n"
		"'nvmesim run', the latency histogram, latency CDF, IOPS and p99 over time;\n"
		"for one written by 'nvmesim sweep' or 'merge', IOPS, p99 and MMIO writes\n"
		"per I/O against the first varied key, and overlaid latency CDFs; for one\n"
		"written by 'nvmesim compare -o', both runs' latency CDFs and histograms.\n"
		"\n"
		"Options:\n"
		"      --scripts DIR  folder of the gnuplot scripts (default: $NVMESIM_PLOTS,\n"
		"                     then the installed ones)\n"
		"  -h, --help         show this help and exit\n");
}

/* cmd_plot - `nvmesim plot`: the exit status */
int cmd_plot(int argc, char **argv)
{
	enum { OPT_SCRIPTS = 256 };
	static const struct option opts[] = {
		{ "scripts", required_argument, NULL, OPT_SCRIPTS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *scripts = NULL, *dir;
	struct nvmesim_diag diag;
	struct stat st;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SCRIPTS:
			scripts = optarg;
			break;
		case 'h':
			usage_plot(stdout);
			return EXIT_SUCCESS;
		default:
			return cli_getopt_error("plot", c, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_usage_error("plot", "missing DIR (try 'nvmesim plot --help')");
	dir = argv[optind++];
	if (optind < argc)
		return cli_usage_error("plot", "unexpected argument '%s'", argv[optind]);
	errno = 0;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return cli_usage_error("plot", "%s: not a result folder (%s)", dir,
				       errno ? strerror(errno) : "not a directory");
	memset(&diag, 0, sizeof(diag));
	err = nvmesim_plot(dir, scripts, &diag);
	if (err == -ENOENT) {
		/* No gnuplot (or no scripts): plots are optional, so only a warning. */
		fprintf(stderr, "nvmesim: plot: warning: no plots drawn: %s\n",
			diag.msg[0] ? diag.msg : "gnuplot not found (install gnuplot-nox)");
		return EXIT_SUCCESS;
	}
	if (err) {
		fprintf(stderr, "nvmesim: plot: %s\n", diag.msg[0] ? diag.msg : strerror(-err));
		return EXIT_FAILURE;
	}
	printf("plots written to %s/\n", dir);
	return EXIT_SUCCESS;
}
