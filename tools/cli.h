/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the subcommands of the nvmesim tool share: the command table
 * entry, exit statuses, option-parsing helpers and the log sinks.
 */
#ifndef NVMESIM_TOOLS_CLI_H
#define NVMESIM_TOOLS_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <nvmesim/nvmesim.h>

/* Exit statuses: 0 success, 1 the run failed, 2 usage or input error. */
#define EXIT_USAGE 2

/* struct cli_cmd - one subcommand */
struct cli_cmd {
	const char *name;                 /* what the user types */
	int (*fn)(int argc, char **argv); /* argv[0] is the name; returns the exit status */
	const char *summary;              /* one line for `nvmesim --help` */
	void (*usage)(FILE *f);           /* the command's --help text */
};

/* The subcommands, one file each. */
int cmd_info(int argc, char **argv);
void usage_info(FILE *f);
int cmd_run(int argc, char **argv);
void usage_run(FILE *f);
int cmd_plot(int argc, char **argv);
void usage_plot(FILE *f);
int cmd_sweep(int argc, char **argv);
void usage_sweep(FILE *f);
int cmd_merge(int argc, char **argv);
void usage_merge(FILE *f);
int cmd_compare(int argc, char **argv);
void usage_compare(FILE *f);
int cmd_bind(int argc, char **argv);
void usage_bind(FILE *f);
int cmd_unbind(int argc, char **argv);
void usage_unbind(FILE *f);

/* cli_usage_error - print "nvmesim: CMD: message" on stderr; returns EXIT_USAGE */
int cli_usage_error(const char *cmd, const char *fmt, ...) NVMESIM_PRINTF(2, 3);

/* cli_parse_ulong - a decimal number in [min, max]; 0, or -1 if @s is not one */
int cli_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* cli_getopt_error - the usage error for getopt_long's '?' or ':' result; returns EXIT_USAGE */
int cli_getopt_error(const char *cmd, int c, char **argv, const struct option *opts);

/* cli_human - @bytes in binary units ("1 TiB", "1.50 GiB", "512 B") into @b; returns @b */
const char *cli_human(uint64_t bytes, char *b, size_t len);

/* cli_mkdir_p - create @path and its parents (as mkdir -p); 0 or -errno */
int cli_mkdir_p(const char *path);

/* cli_mmio_line - register-access log sink: "mmio: ..." lines on stdout */
void cli_mmio_line(void *arg, const char *line);

/* cli_ctrl_line - controller diagnostics sink: "nvmesim: controller: ..." on stderr */
void cli_ctrl_line(void *arg, const char *line);

#endif /* NVMESIM_TOOLS_CLI_H */
