/* SPDX-License-Identifier: MIT */
/*
 * cli.c - helpers shared by the nvmesim subcommands: one-line usage errors,
 * number parsing, human-readable sizes and the log sinks.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/cli.h"

/* cli_usage_error - print "nvmesim: CMD: message" and return the usage exit status */
int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("nvmesim: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/* cli_parse_ulong - a decimal number in [min, max] from @s; 0, or -1 if @s is not one */
int cli_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* cli_getopt_error - the usage error for getopt_long's '?' or ':' result @c */
int cli_getopt_error(const char *cmd, int c, char **argv, const struct option *opts)
{
	const char *arg = argv[optind - 1];
	const struct option *o;

	if (c == ':')
		return cli_usage_error(cmd, "%s: missing argument", arg);
	/* A known option that takes no argument, given one ("--trace-mmio=1"). */
	for (o = opts; optopt && o->name; o++) {
		if (o->val == optopt && o->has_arg == no_argument && !strncmp(arg, "--", 2))
			return cli_usage_error(cmd, "--%s: takes no argument", o->name);
	}
	if (optopt && optopt < 128 && strncmp(arg, "--", 2))
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

/* cli_human - @bytes in binary units ("1 TiB", "1.50 GiB", "512 B") into @b */
const char *cli_human(uint64_t bytes, char *b, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	if (bytes < 1024) {
		snprintf(b, len, "%" PRIu64 " B", bytes);
		return b;
	}
	while (v >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024.0;
		u++;
	}
	if (bytes % (1ull << (10 * u)) == 0)
		snprintf(b, len, "%.0f %s", v, unit[u]);
	else
		snprintf(b, len, "%.2f %s", v, unit[u]);
	return b;
}

/* cli_mmio_line - --trace-mmio sink: one register access per stdout line */
void cli_mmio_line(void *arg, const char *line)
{
	(void)arg;
	printf("mmio: %s\n", line);
}

/* cli_ctrl_line - the controller's diagnostics go to stderr */
void cli_ctrl_line(void *arg, const char *line)
{
	(void)arg;
	fflush(stdout);
	fprintf(stderr, "nvmesim: controller: %s\n", line);
}


/* cli_mkdir_p - create @path and its parents (as mkdir -p); 0 or -errno */
int cli_mkdir_p(const char *path)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}
