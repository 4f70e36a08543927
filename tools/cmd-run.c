/* SPDX-License-Identifier: MIT */
/*
 * cmd-run.c - `nvmesim run TRACE`: replay a trace, print a fio-like summary
 * and write the result folder (summary.json, histogram CSVs, timeseries.csv,
 * and with --plot the gnuplot pictures).
 *
 * Exit status: 0 the run completed and every `expect:` held; 1 the run failed
 * or an expectation did not hold; 2 the command line, the trace or the profile
 * is wrong (the message names file:line:column or the option).
 *
 * --backend vfio:BDF replays on a real controller (docs/real-ssd.md): a trace
 * that changes data needs --allow-write; SIGINT and SIGTERM stop the run
 * through the normal teardown (queues deleted, controller shut down, DMA
 * unmapped), then the tool exits 1; a second signal ends it at once.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/cli.h"

/* struct run_args - what `nvmesim run` was asked */
struct run_args {
	const char *trace;       /* TRACE */
	const char *profile;     /* --profile */
	const char *outdir;      /* -o; NULL = results/<trace name> */
	bool seed_set;           /* --seed given */
	uint64_t seed;           /* --seed */
	const char **sets;       /* --set k=v, in order */
	unsigned int nr_sets;
	bool json;               /* --json: JSON on stdout instead of the text summary */
	bool plot;               /* --plot */
	bool trace_mmio;         /* --trace-mmio */
	bool quiet;              /* --quiet: no progress line */
	const char *backend;     /* --backend: "sim" or "vfio:BDF" */
	bool allow_write;        /* --allow-write */
};

/* struct run_ctx - state the library's callbacks write to */
struct run_ctx {
	FILE *timeseries;        /* timeseries.csv, streamed */
	bool progress;           /* a progress line is on the terminal */
	bool show_progress;      /* stderr is a terminal and not --quiet */
	int io_error;            /* writing timeseries.csv failed */
	bool real;               /* a real device: its time is elapsed, not simulated */
};

/* usage_run - `nvmesim run --help` */
void usage_run(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim run TRACE.yaml [OPTION]...\n"
		"Replay a workload trace through the host driver into the simulated\n"
		"controller with its timing model, print a fio-like summary, and write\n"
		"the result folder: summary.json (fio JSON subset + an 'nvmesim' object),\n"
		"hist-<job>-<dir>-<slat|clat|lat>.csv and timeseries.csv.\n"
		"\n"
		"Options:\n"
		"      --profile FILE|NAME  device profile (default: the trace's 'profile:')\n"
		"      --seed N             seed for the generators (default: the trace's)\n"
		"      --set KEY=VALUE      override a setting by its dotted path, e.g.\n"
		"                           host.queues=4, jobs.0.iodepth=64,\n"
		"                           profile.nand.tR=45us (repeatable)\n"
		"  -o, --output DIR         result folder (default: results/<trace name>)\n"
		"      --json               print summary.json on stdout instead of the text\n"
		"      --plot               draw PNG and SVG plots with gnuplot (skipped with\n"
		"                           a warning when gnuplot is missing)\n"
		"      --trace-mmio         print every BAR access ('mmio: ' lines)\n"
		"      --backend sim|vfio:BDF  the simulated controller (default) or the real\n"
		"                           one at PCI address BDF, bound to vfio-pci\n"
		"                           (nvmesim bind BDF; docs/real-ssd.md)\n"
		"      --allow-write        let a run on a real device write, trim, format...:\n"
		"                           without it such a trace is refused (its data is lost)\n"
		"  -q, --quiet              no progress line on stderr\n"
		"  -h, --help               show this help and exit\n"
		"\n"
		"Exit status: 0 success, 1 run failure, a failed 'expect:' or an\n"
		"interrupted run (SIGINT/SIGTERM), 2 bad command line, trace, profile or\n"
		"device set-up.\n");
}

/* run_parse - parse the command line into @a; 0, EXIT_USAGE, or -1 after --help */
static int run_parse(int argc, char **argv, struct run_args *a)
{
	enum { OPT_PROFILE = 256, OPT_SEED, OPT_SET, OPT_JSON, OPT_PLOT, OPT_TRACE, OPT_BACKEND,
	       OPT_ALLOW_WRITE };
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "set", required_argument, NULL, OPT_SET },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "plot", no_argument, NULL, OPT_PLOT },
		{ "trace-mmio", no_argument, NULL, OPT_TRACE },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "allow-write", no_argument, NULL, OPT_ALLOW_WRITE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:q", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PROFILE:
			a->profile = optarg;
			break;
		case OPT_SEED:
			errno = 0;
			a->seed = strtoull(optarg, &end, 0);
			if (errno || *optarg < '0' || *optarg > '9' || *end)
				return cli_usage_error("run", "--seed: expected a number, got '%s'",
						       optarg);
			a->seed_set = true;
			break;
		case OPT_SET:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return cli_usage_error("run", "--set: expected KEY=VALUE, got '%s'",
						       optarg);
			a->sets[a->nr_sets++] = optarg;
			break;
		case 'o':
			if (!*optarg)
				return cli_usage_error("run", "--output: expected a folder name");
			a->outdir = optarg;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_PLOT:
			a->plot = true;
			break;
		case OPT_TRACE:
			a->trace_mmio = true;
			break;
		case OPT_BACKEND:
			if (strcmp(optarg, "sim") && strncmp(optarg, "vfio:", 5))
				return cli_usage_error("run", "--backend: expected sim or "
						       "vfio:BDF, got '%s'", optarg);
			a->backend = optarg;
			break;
		case OPT_ALLOW_WRITE:
			a->allow_write = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			usage_run(stdout);
			return -1;
		default:
			return cli_getopt_error("run", c, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_usage_error("run", "missing TRACE (try 'nvmesim run --help')");
	a->trace = argv[optind++];
	if (optind < argc)
		return cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* default_outdir - "results/<trace file name without .yaml/.yml>" into @b */
static const char *default_outdir(const char *trace, char *b, size_t len)
{
	const char *base = strrchr(trace, '/');
	size_t n;

	base = base ? base + 1 : trace;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(base + n - 4, ".yml"))
		n -= 4;
	snprintf(b, len, "results/%.*s", (int)n, base);
	return b;
}

/* progress_clear - erase the progress line, if one is shown */
static void progress_clear(struct run_ctx *ctx)
{
	if (ctx->progress) {
		fputs("\r\033[K", stderr);
		ctx->progress = false;
	}
}

/* on_progress - "[run] 12.345 ms simulated, 1234567 I/Os, 480.1k IOPS" on a terminal */
static void on_progress(void *arg, uint64_t now_ns, uint64_t ios)
{
	struct run_ctx *ctx = arg;

	if (!ctx->show_progress)
		return;
	fprintf(stderr, "\r\033[K[run] %.3f ms %s, %" PRIu64 " I/Os, %.1fk IOPS",
		now_ns / 1e6, ctx->real ? "elapsed" : "simulated", ios,
		now_ns ? ios * 1e6 / (double)now_ns : 0.0);
	ctx->progress = true;
}

/* on_interval - one timeseries.csv row */
static void on_interval(void *arg, const struct nvmesim_interval *iv)
{
	struct run_ctx *ctx = arg;

	if (ctx->timeseries && nvmesim_report_interval_csv(iv, ctx->timeseries))
		ctx->io_error = 1;
}

/* on_message - expectation failures and controller diagnostics, on stderr */
static void on_message(void *arg, const char *line)
{
	struct run_ctx *ctx = arg;

	progress_clear(ctx);
	fflush(stdout);
	fprintf(stderr, "nvmesim: %s\n", line);
}

/* run_report - print the summary and write the result folder; the exit status */
static int run_report(const struct run_args *a, const struct nvmesim_results *r,
		      const char *dir)
{
	struct nvmesim_diag diag;
	int err;

	if (a->json ? nvmesim_report_json(r, stdout) : nvmesim_report_text(r, stdout))
		return EXIT_FAILURE;
	err = nvmesim_report_write_dir(r, dir);
	if (err) {
		fprintf(stderr, "nvmesim: run: cannot write results to %s: %s\n", dir,
			strerror(-err));
		return EXIT_FAILURE;
	}
	if (a->plot) {
		memset(&diag, 0, sizeof(diag));
		err = nvmesim_plot(dir, NULL, &diag);
		/* Plots are optional: never a failed run (-ENOENT: no gnuplot or no scripts). */
		if (err)
			fprintf(stderr, "nvmesim: run: warning: no plots drawn: %s\n",
				diag.msg[0] ? diag.msg : strerror(-err));
	}
	fflush(stdout);
	fprintf(stderr, "nvmesim: results in %s/\n", dir);
	if (r->expect_failures) {
		fprintf(stderr, "nvmesim: run: %" PRIu64 " expectation%s failed\n",
			r->expect_failures, r->expect_failures == 1 ? "" : "s");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* run_stop - set by SIGINT/SIGTERM: the library stops the run at its next wait */
static volatile sig_atomic_t run_stop;

/* on_stop_signal - ask the run to stop; a second signal gets the default action (exit) */
static void on_stop_signal(int sig)
{
	struct sigaction sa;

	run_stop = sig;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
}

/* run_signals - catch SIGINT and SIGTERM (@on) or restore their defaults */
static void run_signals(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a wait in progress returns early and sees the flag */
	sa.sa_handler = on ? on_stop_signal : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* cmd_run - `nvmesim run`: the exit status */
int cmd_run(int argc, char **argv)
{
	struct nvmesim_run_opts o;
	struct nvmesim_results *r = NULL;
	struct nvmesim_diag diag;
	struct run_ctx ctx;
	struct run_args a;
	char dirbuf[4096], path[4200];
	const char *dir;
	int err, status;

	memset(&a, 0, sizeof(a));
	a.sets = calloc((size_t)argc, sizeof(*a.sets));
	if (!a.sets)
		return EXIT_FAILURE;
	status = run_parse(argc, argv, &a);
	if (status)
		goto free_args;

	dir = a.outdir ? a.outdir : default_outdir(a.trace, dirbuf, sizeof(dirbuf));
	err = cli_mkdir_p(dir);
	if (err) {
		fprintf(stderr, "nvmesim: run: cannot create %s: %s\n", dir, strerror(-err));
		status = EXIT_FAILURE;
		goto free_args;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.show_progress = !a.quiet && isatty(STDERR_FILENO);
	ctx.real = a.backend && strcmp(a.backend, "sim");
	snprintf(path, sizeof(path), "%s/timeseries.csv", dir);
	ctx.timeseries = fopen(path, "w");
	if (!ctx.timeseries) {
		fprintf(stderr, "nvmesim: run: cannot write %s: %s\n", path, strerror(errno));
		status = EXIT_FAILURE;
		goto free_args;
	}

	memset(&o, 0, sizeof(o));
	o.trace = a.trace;
	o.profile = a.profile;
	o.seed_set = a.seed_set;
	o.seed = a.seed;
	o.sets = a.sets;
	o.nr_sets = a.nr_sets;
	o.on_interval = on_interval;
	o.on_progress = on_progress;
	o.on_message = on_message;
	o.mmio_log = a.trace_mmio ? cli_mmio_line : NULL;
	o.arg = &ctx;
	o.backend = a.backend;
	o.allow_write = a.allow_write;
	o.stop = &run_stop;
	memset(&diag, 0, sizeof(diag));
	run_stop = 0;
	run_signals(true);
	err = nvmesim_run(&o, &r, &diag);
	run_signals(false);
	progress_clear(&ctx);
	if (fclose(ctx.timeseries) || ctx.io_error)
		fprintf(stderr, "nvmesim: run: warning: %s is incomplete\n", path);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "nvmesim: run: %s%s%s\n", diag.msg[0] ? diag.msg : strerror(-err),
			err == -EINTR ? " (" : "",
			err == -EINTR ? (run_stop == SIGTERM ? "SIGTERM)" : "SIGINT)") : "");
		status = err == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
		goto free_args;
	}
	status = run_report(&a, r, dir);
	nvmesim_results_free(r);
free_args:
	free(a.sets);
	return status < 0 ? EXIT_SUCCESS : status;
}
