/* SPDX-License-Identifier: MIT */
/*
 * cmd-sweep.c - `nvmesim sweep TRACE --vary KEY=V1,V2,...`: replay a trace at
 * every point of the cross product of a few settings.
 *
 * Each point is an ordinary run (the trace with the point's values as --set
 * overrides, the same seed for all) in its own process, up to -j at a time;
 * each writes its result folder DIR/points/<index>-<slug>/ exactly as
 * `nvmesim run -o` would.  The tables (sweep.csv, sweep.json) are then made
 * by reading those folders back (nvmesim_sweep_merge() on DIR itself), so
 * they are the same whatever -j was, and the same as when the points ran
 * elsewhere: --emit-jobs writes one `nvmesim run` command line per point
 * instead of running them, for GNU parallel or a Slurm job array, and
 * `nvmesim merge` puts their folders together (docs/sweeps.md).
 *
 * Exit status: 0 every point ran and every `expect:` held; 1 a point failed
 * (the others still run) or the tables could not be written; 2 the command
 * line, a --vary, the trace or the profile is wrong.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nvmesim/sweep.h>

#include "tools/cli.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Exit status of a point's process when the run could not start (fork aside). */
#define POINT_FAILED 1

/* struct sweep_args - what `nvmesim sweep` was asked */
struct sweep_args {
	const char *trace;		/* TRACE as given */
	const char *profile;		/* --profile */
	const char *outdir;		/* -o; NULL = results/<trace name>-sweep */
	bool seed_set;			/* --seed given */
	uint64_t seed;			/* --seed */
	const char **sets;		/* --set k=v, in order */
	unsigned int nr_sets;		/* entries of @sets */
	const char **varies;		/* --vary KEY=V1,V2 in order */
	unsigned int nr_varies;		/* entries of @varies */
	unsigned long jobs;		/* -j; 0 = the online CPUs */
	bool plot;			/* --plot */
	bool quiet;			/* -q: no progress line */
	const char *emit;		/* --emit-jobs FILE ("-" = stdout) */
	const char *command;		/* --command CMD for the emitted lines */
};

/* struct sweep_run - what every point shares once the command line is understood */
struct sweep_run {
	const struct sweep_args *a;	/* the options */
	struct nvmesim_sweep *s;	/* keys and values */
	char trace[PATH_MAX];		/* absolute trace path */
	char profile[PATH_MAX];		/* absolute profile path, or the name as given */
	char dir[PATH_MAX];		/* absolute output folder */
	unsigned int nr_sets;		/* entries of @sets: --set ones, then the point's */
	const char **sets;		/* the point's overrides (strings in @setbuf) */
	char *setbuf;			/* "key=value" of the varied keys, NUL-separated */
	bool tty;			/* stderr is a terminal (progress, line clearing) */
};

/* usage_sweep - `nvmesim sweep --help` */
void usage_sweep(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim sweep TRACE.yaml --vary KEY=V1,V2,... [--vary ...] [OPTION]...\n"
		"Replay a trace at every point of the cross product of the --vary values\n"
		"(one process per point, up to -j at a time, the same seed everywhere),\n"
		"each point's results in DIR/points/<index>-<slug>/ as 'nvmesim run' writes\n"
		"them; then print a table and write DIR/sweep.csv and DIR/sweep.json with a\n"
		"row per point (IOPS, bandwidth, latency mean/p50/p99/p99.9, MMIO writes,\n"
		"doorbells and interrupts per I/O, CQEs per reap).\n"
		"\n"
		"Options:\n"
		"      --vary KEY=V1,V2,... vary a setting (any --set path: host.queues,\n"
		"                           jobs.0.iodepth, profile.nand.tR, ...); values\n"
		"                           that hold commas: separate them with ';' instead\n"
		"                           (repeatable; the first key varies slowest)\n"
		"  -j, --jobs N             points run at once (default: the online CPUs)\n"
		"  -o, --output DIR         sweep folder (default: results/<trace name>-sweep)\n"
		"      --set KEY=VALUE      override a setting at every point (repeatable)\n"
		"      --profile FILE|NAME  device profile (default: the trace's 'profile:')\n"
		"      --seed N             seed for every point (default: the trace's)\n"
		"      --plot               draw the sweep plots with gnuplot (a warning\n"
		"                           without gnuplot)\n"
		"      --emit-jobs FILE     do not run: write one self-contained command line\n"
		"                           per point to FILE ('-': stdout) and DIR/sweep-spec,\n"
		"                           for GNU parallel or a Slurm array; then\n"
		"                           'nvmesim merge DIR -o DIR' makes the tables\n"
		"      --command CMD        the nvmesim command in the emitted lines (default:\n"
		"                           this program's absolute path)\n"
		"  -q, --quiet              no progress line on stderr\n"
		"  -h, --help               show this help and exit\n"
		"\n"
		"Exit status: 0 success, 1 a point failed (the others complete), 2 bad\n"
		"command line, --vary, trace or profile.\n");
}

/* sweep_parse - the command line into @a; 0, EXIT_USAGE, or -1 after --help */
static int sweep_parse(int argc, char **argv, struct sweep_args *a)
{
	enum { OPT_PROFILE = 256, OPT_SEED, OPT_SET, OPT_VARY, OPT_PLOT, OPT_EMIT, OPT_COMMAND };
	static const struct option opts[] = {
		{ "vary", required_argument, NULL, OPT_VARY },
		{ "jobs", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "set", required_argument, NULL, OPT_SET },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "plot", no_argument, NULL, OPT_PLOT },
		{ "emit-jobs", required_argument, NULL, OPT_EMIT },
		{ "command", required_argument, NULL, OPT_COMMAND },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:o:q", opts, NULL)) != -1) {
		switch (c) {
		case OPT_VARY:
			a->varies[a->nr_varies++] = optarg;
			break;
		case 'j':
			if (cli_parse_ulong(optarg, 1, 4096, &a->jobs))
				return cli_usage_error("sweep", "--jobs: expected a number "
						       "1..4096, got '%s'", optarg);
			break;
		case 'o':
			if (!*optarg)
				return cli_usage_error("sweep", "--output: expected a folder name");
			a->outdir = optarg;
			break;
		case OPT_SET:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return cli_usage_error("sweep", "--set: expected KEY=VALUE, "
						       "got '%s'", optarg);
			a->sets[a->nr_sets++] = optarg;
			break;
		case OPT_PROFILE:
			a->profile = optarg;
			break;
		case OPT_SEED:
			errno = 0;
			a->seed = strtoull(optarg, &end, 0);
			if (errno || *optarg < '0' || *optarg > '9' || *end)
				return cli_usage_error("sweep", "--seed: expected a number, "
						       "got '%s'", optarg);
			a->seed_set = true;
			break;
		case OPT_PLOT:
			a->plot = true;
			break;
		case OPT_EMIT:
			if (!*optarg)
				return cli_usage_error("sweep", "--emit-jobs: expected a file "
						       "name");
			a->emit = optarg;
			break;
		case OPT_COMMAND:
			if (!*optarg)
				return cli_usage_error("sweep", "--command: expected a command");
			a->command = optarg;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			usage_sweep(stdout);
			return -1;
		default:
			return cli_getopt_error("sweep", c, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_usage_error("sweep", "missing TRACE (try 'nvmesim sweep --help')");
	a->trace = argv[optind++];
	if (optind < argc)
		return cli_usage_error("sweep", "unexpected argument '%s'", argv[optind]);
	if (!a->nr_varies)
		return cli_usage_error("sweep", "missing --vary KEY=V1,V2,... (try 'nvmesim "
				       "sweep --help')");
	return 0;
}

/* clear_dir - remove the regular files of a point folder left by an earlier sweep */
static void clear_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int n;

	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (!lstat(path, &st) && S_ISREG(st.st_mode))
			unlink(path);
	}
	closedir(d);
}

/* default_outdir - "results/<trace file name without .yaml/.yml>-sweep" into @b */
static void default_outdir(const char *trace, char *b, size_t len)
{
	const char *base = strrchr(trace, '/');
	size_t n;

	base = base ? base + 1 : trace;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(base + n - 4, ".yml"))
		n -= 4;
	snprintf(b, len, "results/%.*s-sweep", (int)n, base);
}

/*
 * point_sets - the overrides of point @p into @r->sets: every --set, then
 * "key=value" of each varied key (later ones win, so the point's values do).
 */
static void point_sets(struct sweep_run *r, uint64_t p)
{
	unsigned int k, nk = nvmesim_sweep_nr_keys(r->s);
	char *w = r->setbuf;

	for (k = 0; k < r->a->nr_sets; k++)
		r->sets[k] = r->a->sets[k];
	for (k = 0; k < nk; k++) {
		r->sets[r->a->nr_sets + k] = w;
		w += sprintf(w, "%s=%s", nvmesim_sweep_key(r->s, k),
			     nvmesim_sweep_value(r->s, p, k)) + 1;
	}
	r->nr_sets = r->a->nr_sets + nk;
}

/* varied_msg - whether @msg is the trace reader's "--set K=V: ..." about a varied key */
static bool varied_msg(const struct sweep_run *r, const char *msg)
{
	unsigned int i;
	size_t n;

	if (strncmp(msg, "--set ", 6))
		return false;
	for (i = r->a->nr_sets; i < r->nr_sets; i++) {
		n = strlen(r->sets[i]);
		if (!strncmp(msg + 6, r->sets[i], n) && msg[6 + n] == ':')
			return true;
	}
	return false;
}

/*
 * check_point - open the trace with point @p's overrides and try its
 * profile.* ones on the built-in profile, so that a bad --vary value is a
 * usage error before anything runs; 0 or EXIT_USAGE after a message.
 */
static int check_point(struct sweep_run *r, uint64_t p)
{
	struct nvmesim_profile prof = nvmesim_profile_default;
	struct nvmesim_trace *t;
	struct nvmesim_diag diag;
	char key[256];
	const char *eq;
	unsigned int i;
	bool varied;
	int err;

	point_sets(r, p);
	memset(&diag, 0, sizeof(diag));
	err = nvmesim_trace_open(&t, r->trace, r->sets, r->nr_sets, &diag);
	if (err) {
		/* the reader says "--set K=V: ..."; for a varied key the user wrote --vary */
		varied = varied_msg(r, diag.msg);
		fprintf(stderr, "nvmesim: sweep: %s%s\n", varied ? "--vary " : "",
			diag.msg[0] ? diag.msg + (varied ? 6 : 0) : strerror(-err));
		return err == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	nvmesim_trace_close(t);
	for (i = 0; i < r->nr_sets; i++) {
		if (strncmp(r->sets[i], "profile.", 8))
			continue;
		eq = strchr(r->sets[i], '=');
		if (!eq || (size_t)(eq - r->sets[i] - 8) >= sizeof(key))
			continue;
		memcpy(key, r->sets[i] + 8, (size_t)(eq - r->sets[i] - 8));
		key[eq - r->sets[i] - 8] = '\0';
		memset(&diag, 0, sizeof(diag));
		if (nvmesim_profile_set(&prof, key, eq + 1, &diag)) {
			fprintf(stderr, "nvmesim: sweep: --%s %s: %s\n",
				i >= r->a->nr_sets ? "vary" : "set", r->sets[i], diag.msg);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * Running one point (in a child process)
 * ---------------------------------------------------------------------------
 */

/* struct point_ctx - a point's callbacks' state */
struct point_ctx {
	const char *name;	/* the point's folder name, for messages */
	FILE *timeseries;	/* timeseries.csv, streamed */
	bool tty;		/* stderr is a terminal: clear the progress line first */
	int io_error;		/* writing timeseries.csv failed */
};

/* point_interval - one timeseries.csv row */
static void point_interval(void *arg, const struct nvmesim_interval *iv)
{
	struct point_ctx *ctx = arg;

	if (nvmesim_report_interval_csv(iv, ctx->timeseries))
		ctx->io_error = 1;
}

/* point_message - expectation failures and controller diagnostics, named by point */
static void point_message(void *arg, const char *line)
{
	struct point_ctx *ctx = arg;

	fprintf(stderr, "%snvmesim: sweep: %s: %s\n", ctx->tty ? "\r\033[K" : "", ctx->name,
		line);
}

/*
 * run_point - run point @p into @dir as `nvmesim run -o @dir` would write
 * it (summary.json, histogram CSVs, timeseries.csv); the exit status of
 * the point: 0, 1 (run failed, an expect failed) or 2 (bad input).
 */
static int run_point(struct sweep_run *r, uint64_t p, const char *dir, const char *name)
{
	struct nvmesim_results *res = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	struct point_ctx ctx;
	char path[PATH_MAX + 256];
	int err, status = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.name = name;
	ctx.tty = r->tty;
	err = cli_mkdir_p(dir);
	if (err) {
		fprintf(stderr, "nvmesim: sweep: cannot create %s: %s\n", dir, strerror(-err));
		return POINT_FAILED;
	}
	clear_dir(dir);
	if ((size_t)snprintf(path, sizeof(path), "%s/timeseries.csv", dir) >= sizeof(path)) {
		fprintf(stderr, "nvmesim: sweep: %s: name too long\n", dir);
		return POINT_FAILED;
	}
	ctx.timeseries = fopen(path, "w");
	if (!ctx.timeseries) {
		fprintf(stderr, "nvmesim: sweep: cannot write %s: %s\n", path, strerror(errno));
		return POINT_FAILED;
	}
	point_sets(r, p);
	memset(&o, 0, sizeof(o));
	o.trace = r->trace;
	o.profile = r->a->profile ? r->profile : NULL;
	o.seed_set = r->a->seed_set;
	o.seed = r->a->seed;
	o.sets = r->sets;
	o.nr_sets = r->nr_sets;
	o.on_interval = point_interval;
	o.on_message = point_message;
	o.arg = &ctx;
	memset(&diag, 0, sizeof(diag));
	err = nvmesim_run(&o, &res, &diag);
	if (fclose(ctx.timeseries) || ctx.io_error)
		fprintf(stderr, "nvmesim: sweep: %s: warning: %s is incomplete\n", name, path);
	if (err) {
		fprintf(stderr, "%snvmesim: sweep: %s: %s\n", r->tty ? "\r\033[K" : "", name,
			diag.msg[0] ? diag.msg : strerror(-err));
		return err == -EINVAL ? EXIT_USAGE : POINT_FAILED;
	}
	err = nvmesim_report_write_dir(res, dir);
	if (err) {
		fprintf(stderr, "nvmesim: sweep: cannot write results to %s: %s\n", dir,
			strerror(-err));
		status = POINT_FAILED;
	} else if (res->expect_failures) {
		fprintf(stderr, "%snvmesim: sweep: %s: %" PRIu64 " expectation%s failed\n",
			r->tty ? "\r\033[K" : "", name, res->expect_failures,
			res->expect_failures == 1 ? "" : "s");
		status = POINT_FAILED;
	}
	nvmesim_results_free(res);
	return status;
}

/* progress - "[sweep] 3/8 points done" on a terminal */
static void progress(const struct sweep_run *r, uint64_t done, uint64_t total)
{
	if (!r->tty || r->a->quiet)
		return;
	fprintf(stderr, "\r\033[K[sweep] %" PRIu64 "/%" PRIu64 " points done", done, total);
}

/* struct worker - a point's process */
struct worker {
	pid_t pid;		/* 0: free slot */
	uint64_t point;		/* its point */
};

/* worse - the sweep's exit status after a point ended with @code: 2 wins over 1 over 0 */
static int worse(int worst, int code)
{
	if (code == EXIT_USAGE || worst == EXIT_USAGE)
		return EXIT_USAGE;
	return code || worst ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* start_point - fork the process of point @p into slot @w; 0, or -1 if fork failed */
static int start_point(struct sweep_run *r, struct worker *w, uint64_t p)
{
	char name[160], dir[PATH_MAX + 200];
	pid_t pid;

	if (nvmesim_sweep_point_name(r->s, p, name, sizeof(name)))
		snprintf(name, sizeof(name), "%04" PRIu64, p);
	snprintf(dir, sizeof(dir), "%s/points/%s", r->dir, name);
	/* nothing buffered may be written twice, by parent and child */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%snvmesim: sweep: %s: fork: %s\n", r->tty ? "\r\033[K" : "", name,
			strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int code = run_point(r, p, dir, name);

		fflush(stdout);
		fflush(stderr);
		_exit(code);
	}
	w->pid = pid;
	w->point = p;
	return 0;
}

/*
 * run_points - every point in up to @r->a->jobs child processes; the worst
 * exit status: 2 if a point had bad input, else 1 if one failed, else 0.
 */
static int run_points(struct sweep_run *r)
{
	uint64_t total = nvmesim_sweep_nr_points(r->s), next = 0, done = 0;
	unsigned long nw = r->a->jobs, running = 0, i;
	char name[160];
	struct worker *w;
	int status, worst = 0, code;
	long cpus;
	pid_t pid;

	if (!nw) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		nw = cpus > 0 ? (unsigned long)cpus : 1;
	}
	if (nw > total)
		nw = (unsigned long)total;
	w = calloc(nw, sizeof(*w));
	if (!w)
		return EXIT_FAILURE;
	progress(r, 0, total);
	while (done < total) {
		for (i = 0; i < nw && next < total; i++) {
			if (w[i].pid)
				continue;
			if (start_point(r, &w[i], next++)) {
				/* a point that cannot start has failed; the others go on */
				worst = worse(worst, EXIT_FAILURE);
				done++;
				continue;
			}
			running++;
		}
		if (!running)
			continue;
		pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nvmesim: sweep: wait: %s\n", strerror(errno));
			worst = worse(worst, EXIT_FAILURE);
			break;
		}
		for (i = 0; i < nw && w[i].pid != pid; i++)
			;
		if (i == nw)
			continue;
		w[i].pid = 0;
		running--;
		done++;
		code = WIFEXITED(status) ? WEXITSTATUS(status) : POINT_FAILED;
		if (WIFSIGNALED(status)) {
			if (nvmesim_sweep_point_name(r->s, w[i].point, name, sizeof(name)))
				name[0] = '\0';
			fprintf(stderr, "%snvmesim: sweep: %s: killed by signal %d\n",
				r->tty ? "\r\033[K" : "", name, WTERMSIG(status));
		}
		worst = worse(worst, code);
		progress(r, done, total);
	}
	if (r->tty && !r->a->quiet)
		fputs("\r\033[K", stderr);
	free(w);
	return worst;
}

/*
 * ---------------------------------------------------------------------------
 * --emit-jobs
 * ---------------------------------------------------------------------------
 */

/* sh_word - @s as one shell word: bare when plain, else in single quotes */
static void sh_word(FILE *f, const char *s)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789_-./=:,+@%";

	if (*s && strspn(s, plain) == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/*
 * self_command - this program's absolute path into @buf: /proc/self/exe,
 * except that inside a build tree libtool runs .libs/[lt-]nvmesim, which
 * needs its wrapper script one folder up to find the library; 0 or -1.
 */
static int self_command(char *buf, size_t len)
{
	char wrapper[PATH_MAX + 16], *slash, *base;
	ssize_t n;

	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || slash - buf < 6 || strncmp(slash - 6, "/.libs", 6))
		return 0;
	base = slash + 1;
	if (!strncmp(base, "lt-", 3))
		base += 3;
	snprintf(wrapper, sizeof(wrapper), "%.*s/%s", (int)(slash - 6 - buf), buf, base);
	if (access(wrapper, X_OK) == 0 && strlen(wrapper) < len)
		strcpy(buf, wrapper);
	return 0;
}

/* emit_jobs - one `nvmesim run` line per point into @a->emit; the exit status */
static int emit_jobs(struct sweep_run *r)
{
	uint64_t total = nvmesim_sweep_nr_points(r->s), p;
	char cmd[PATH_MAX], name[160], dir[PATH_MAX + 200], seed[32];
	unsigned int i;
	FILE *f;
	bool out = !strcmp(r->a->emit, "-");

	if (r->a->command) {
		snprintf(cmd, sizeof(cmd), "%s", r->a->command);
	} else if (self_command(cmd, sizeof(cmd))) {
		fprintf(stderr, "nvmesim: sweep: cannot tell this program's path; give "
			"--command\n");
		return EXIT_FAILURE;
	}
	f = out ? stdout : fopen(r->a->emit, "w");
	if (!f) {
		fprintf(stderr, "nvmesim: sweep: cannot write %s: %s\n", r->a->emit,
			strerror(errno));
		return EXIT_FAILURE;
	}
	for (p = 0; p < total; p++) {
		point_sets(r, p);
		if (nvmesim_sweep_point_name(r->s, p, name, sizeof(name)))
			snprintf(name, sizeof(name), "%04" PRIu64, p);
		snprintf(dir, sizeof(dir), "%s/points/%s", r->dir, name);
		/* --command is the user's shell text (e.g. "srun nvmesim"): not quoted */
		if (r->a->command)
			fputs(cmd, f);
		else
			sh_word(f, cmd);
		fputs(" run ", f);
		sh_word(f, r->trace);
		if (r->a->profile) {
			fputs(" --profile ", f);
			sh_word(f, r->profile);
		}
		if (r->a->seed_set) {
			snprintf(seed, sizeof(seed), "%" PRIu64, r->a->seed);
			fprintf(f, " --seed %s", seed);
		}
		for (i = 0; i < r->nr_sets; i++) {
			fputs(" --set ", f);
			sh_word(f, r->sets[i]);
		}
		fputs(" --quiet --output ", f);
		sh_word(f, dir);
		fputc('\n', f);
	}
	if (out ? fflush(f) != 0 : fclose(f) != 0) {
		fprintf(stderr, "nvmesim: sweep: cannot write %s\n", r->a->emit);
		return EXIT_FAILURE;
	}
	fprintf(stderr, "nvmesim: sweep: %" PRIu64 " command line%s in %s; after running them: "
		"nvmesim merge %s -o %s\n", total, total == 1 ? "" : "s",
		out ? "stdout" : r->a->emit, r->dir, r->dir);
	return EXIT_SUCCESS;
}

/*
 * ---------------------------------------------------------------------------
 * The command
 * ---------------------------------------------------------------------------
 */

/* sweep_setup - resolve paths, build the sweep and check every point; the exit status */
static int sweep_setup(struct sweep_run *r, const struct sweep_args *a)
{
	struct nvmesim_run_opts o;
	struct nvmesim_diag diag;
	char dirbuf[PATH_MAX], points[PATH_MAX + 16];
	const char *dir;
	uint64_t p, total;
	unsigned int i;
	size_t setlen = 0;
	int err;

	r->a = a;
	r->tty = isatty(STDERR_FILENO);
	if (!realpath(a->trace, r->trace))
		return cli_usage_error("sweep", "%s: %s", a->trace, strerror(errno));
	/* a profile file is found again from anywhere; a name is looked up the same way */
	if (a->profile && (strchr(a->profile, '/') || strstr(a->profile, ".yaml"))) {
		if (!realpath(a->profile, r->profile))
			return cli_usage_error("sweep", "--profile %s: %s", a->profile,
					       strerror(errno));
	} else if (a->profile) {
		snprintf(r->profile, sizeof(r->profile), "%s", a->profile);
	}
	if (nvmesim_sweep_new(&r->s))
		return EXIT_FAILURE;
	for (i = 0; i < a->nr_varies; i++) {
		memset(&diag, 0, sizeof(diag));
		err = nvmesim_sweep_vary(r->s, a->varies[i], &diag);
		if (err == -EINVAL)
			return cli_usage_error("sweep", "%s", diag.msg);
		if (err)
			return EXIT_FAILURE;
		setlen += strlen(a->varies[i]) + 1;
	}
	memset(&o, 0, sizeof(o));
	o.trace = r->trace;
	o.profile = a->profile ? r->profile : NULL;
	o.seed_set = a->seed_set;
	o.seed = a->seed;
	o.sets = a->sets;
	o.nr_sets = a->nr_sets;
	if (nvmesim_sweep_set_base(r->s, &o))
		return EXIT_FAILURE;
	r->sets = calloc(a->nr_sets + a->nr_varies, sizeof(*r->sets));
	r->setbuf = malloc(setlen + 1);
	if (!r->sets || !r->setbuf)
		return EXIT_FAILURE;
	total = nvmesim_sweep_nr_points(r->s);
	for (p = 0; p < total; p++) {
		err = check_point(r, p);
		if (err)
			return err;
	}
	dir = a->outdir;
	if (!dir) {
		default_outdir(a->trace, dirbuf, sizeof(dirbuf));
		dir = dirbuf;
	}
	snprintf(points, sizeof(points), "%s/points", dir);
	err = cli_mkdir_p(points);
	if (err || !realpath(dir, r->dir)) {
		fprintf(stderr, "nvmesim: sweep: cannot create %s: %s\n", dir,
			strerror(err ? -err : errno));
		return EXIT_FAILURE;
	}
	err = nvmesim_sweep_write_spec(r->s, r->dir);
	if (err) {
		fprintf(stderr, "nvmesim: sweep: cannot write %s/sweep-spec: %s\n", r->dir,
			strerror(-err));
		return EXIT_FAILURE;
	}
	return 0;
}

/* sweep_tables - make the tables from the point folders, and the plots; the exit status */
static int sweep_tables(struct sweep_run *r)
{
	const char *in[1] = { r->dir };
	struct nvmesim_sweep_stats st;
	struct nvmesim_diag diag;
	int err;

	memset(&diag, 0, sizeof(diag));
	err = nvmesim_sweep_merge(in, 1, r->dir, stdout, &st, &diag);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "nvmesim: sweep: %s\n", diag.msg[0] ? diag.msg : strerror(-err));
		return EXIT_FAILURE;
	}
	if (r->a->plot) {
		memset(&diag, 0, sizeof(diag));
		err = nvmesim_plot(r->dir, NULL, &diag);
		if (err)
			fprintf(stderr, "nvmesim: sweep: warning: no plots drawn: %s\n",
				diag.msg[0] ? diag.msg : strerror(-err));
	}
	fflush(stdout);
	fprintf(stderr, "nvmesim: sweep: %" PRIu64 " of %" PRIu64 " points; results in %s/\n",
		st.present, st.points, r->dir);
	return EXIT_SUCCESS;
}

/* cmd_sweep - `nvmesim sweep`: the exit status */
int cmd_sweep(int argc, char **argv)
{
	struct sweep_args a;
	struct sweep_run r;
	int status, tables;

	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	a.sets = calloc((size_t)argc, sizeof(*a.sets));
	a.varies = calloc((size_t)argc, sizeof(*a.varies));
	if (!a.sets || !a.varies) {
		status = EXIT_FAILURE;
		goto free;
	}
	status = sweep_parse(argc, argv, &a);
	if (status)
		goto free;
	status = sweep_setup(&r, &a);
	if (status)
		goto free;
	if (a.emit) {
		status = emit_jobs(&r);
		goto free;
	}
	status = run_points(&r);
	tables = sweep_tables(&r);
	if (!status)
		status = tables;
free:
	nvmesim_sweep_free(r.s);
	free(r.sets);
	free(r.setbuf);
	free(a.sets);
	free(a.varies);
	return status < 0 ? EXIT_SUCCESS : status;
}
