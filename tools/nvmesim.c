/* SPDX-License-Identifier: MIT */
/*
 * nvmesim.c - the nvmesim command-line tool.
 *
 * One binary with subcommands (git/tmux style): each is a row of the command
 * table {name, function, summary, usage}, so later commands (run, sweep, plot,
 * compare, bind) are added as rows.  The tool links only the public library
 * API.  Exit status: 0 success, 1 the run failed (the library's diagnostic is
 * printed), 2 a usage error (one line naming the option and what is wrong).
 *
 * Each subcommand lives in its own file (cmd-<name>.c); helpers they share are
 * in cli.c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cli.h"

static const struct cli_cmd cli_cmds[] = {
	{ "info", cmd_info, "bring a controller (simulated or real) up and describe it", usage_info },
	{ "run", cmd_run, "replay a trace and report latency, IOPS and the conversation",
	  usage_run },
	{ "plot", cmd_plot, "draw the plots of a result folder with gnuplot", usage_plot },
	{ "sweep", cmd_sweep, "run a trace at every point of a cross product of settings",
	  usage_sweep },
	{ "merge", cmd_merge, "combine sweep or run folders into sweep tables and plots",
	  usage_merge },
	{ "compare", cmd_compare, "put two result folders side by side, with ratios and plots",
	  usage_compare },
	{ "bind", cmd_bind, "hand an NVMe controller to vfio-pci for --backend vfio:BDF",
	  usage_bind },
	{ "unbind", cmd_unbind, "give a controller back to its default driver", usage_unbind },
};

/* usage - `nvmesim --help` */
static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"Usage: nvmesim [--help] [--version] COMMAND [OPTION]...\n"
		"Replay storage workloads through an NVMe host driver into a simulated\n"
		"controller (or a real one) and report what the host saw.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cli_cmds[i].name, cli_cmds[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -h, --help     show this help and exit\n"
		"  -V, --version  show the version and exit\n"
		"\n"
		"'nvmesim COMMAND --help' describes a command's options.\n"
		"Exit status: 0 success, 1 the run failed, 2 usage error.\n");
}

/* main - dispatch to the subcommand named by the first non-option argument */
int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("nvmesim %s\n", NVMESIM_VERSION_STRING);
			return EXIT_SUCCESS;
		default:
			return cli_getopt_error(NULL, c, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_usage_error(NULL, "missing command (try 'nvmesim --help')");
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++) {
		if (!strcmp(argv[optind], cli_cmds[i].name))
			return cli_cmds[i].fn(argc - optind, argv + optind);
	}
	return cli_usage_error(NULL, "unknown command '%s' (try 'nvmesim --help')", argv[optind]);
}
