/* SPDX-License-Identifier: MIT */
/*
 * plot.c - drawing a result folder with gnuplot.
 *
 * gnuplot is an optional run-time dependency: when it is not on PATH,
 * nvmesim_plot() returns -ENOENT quietly and the caller warns once.  The
 * scripts live in plots/ (source tree) or $(pkgdatadir)/plots (installed).
 *
 * No shell is involved and no user-chosen string reaches gnuplot's command
 * parser: the child changes into the result folder before it runs gnuplot,
 * so the scripts read and write plain relative names, and the only thing
 * passed with -e is the list of histogram files, whose names nvmesim wrote
 * itself and which are checked to hold only [A-Za-z0-9._-] (for a sweep
 * folder: the metric and the first varied key, checked the same way).  gnuplot's
 * standard error is captured so that a failing script yields one line in the
 * diagnostic instead of a screenful on the caller's terminal.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nvmesim/sweep.h>

#include "engine/nvmesim-internal.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The scripts, all in one folder; the first one also identifies the folder. */
#define PLOT_HIST "latency-hist.gp"
#define PLOT_CDF "latency-cdf.gp"
#define PLOT_TIME "timeseries.gp"
/* A sweep folder's: one metric against the first varied key; the points' CDFs. */
#define PLOT_SWEEP_LINES "sweep-lines.gp"
#define PLOT_SWEEP_CDF "sweep-cdf.gp"
/* A comparison folder's (`nvmesim compare -o`): both runs' CDFs and histograms. */
#define PLOT_COMPARE_CDF "compare-cdf.gp"
#define PLOT_COMPARE_HIST "compare-hist.gp"

/* How much of gnuplot's standard error is kept for the diagnostic. */
#define PLOT_ERR_MAX 1024

/* A list of file names found in the result folder, sorted. */
struct name_list {
	char **names;		/* the names */
	size_t nr;		/* entries used */
	size_t cap;		/* entries allocated */
};

/* is_file - whether @path is a regular file (with @exec: one we may execute) */
static bool is_file(const char *path, bool exec)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	return !exec || access(path, X_OK) == 0;
}

/* find_gnuplot - $NVMESIM_GNUPLOT if set, else the first executable "gnuplot" on $PATH,
 * into @out; 0 or -ENOENT */
static int find_gnuplot(char *out, size_t len)
{
	const char *path = getenv("PATH"), *chosen = getenv("NVMESIM_GNUPLOT");
	const char *p, *end;
	size_t n;
	int w;

	/* An explicit choice (another gnuplot build, or none to test without one). */
	if (chosen && *chosen) {
		w = snprintf(out, len, "%s", chosen);
		return w > 0 && (size_t)w < len && is_file(out, true) ? 0 : -ENOENT;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		/* an empty PATH entry means the current folder, as execvp() reads it */
		if (n)
			w = snprintf(out, len, "%.*s/gnuplot", (int)n, p);
		else
			w = snprintf(out, len, "./gnuplot");
		if (w > 0 && (size_t)w < len && is_file(out, true))
			return 0;
		if (!end)
			break;
	}
	return -ENOENT;
}

/* script_dir_ok - whether @dir holds the scripts; on success its absolute path is in @out */
static bool script_dir_ok(const char *dir, char *out)
{
	char path[PATH_MAX];
	int n;

	if (!dir || !*dir)
		return false;
	n = snprintf(path, sizeof(path), "%s/" PLOT_HIST, dir);
	if (n < 0 || (size_t)n >= sizeof(path) || !is_file(path, false))
		return false;
	/* absolute, because gnuplot runs in the result folder */
	return realpath(dir, out) != NULL;
}

/* find_scripts - the script folder: @plots_dir if given, else the built-in search order */
static int find_scripts(const char *plots_dir, char *out, struct nvmesim_diag *diag)
{
	if (plots_dir) {
		if (script_dir_ok(plots_dir, out))
			return 0;
		nvmesim_diag_set(diag, "%s: no gnuplot scripts (" PLOT_HIST ") there", plots_dir);
		return -ENOENT;
	}
	if (script_dir_ok(getenv("NVMESIM_PLOTS"), out) ||
	    script_dir_ok(NVMESIM_SRCDIR "/plots", out) ||
	    script_dir_ok(NVMESIM_DATADIR "/plots", out))
		return 0;
	nvmesim_diag_set(diag, "gnuplot scripts not found ($NVMESIM_PLOTS, " NVMESIM_SRCDIR
			 "/plots, " NVMESIM_DATADIR "/plots)");
	return -ENOENT;
}

/* safe_name - whether @s holds only [A-Za-z0-9._-], so it can sit in a quoted gnuplot string */
static bool safe_name(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* has_suffix - whether @s ends with @suffix */
static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* names_add - append a copy of @name; 0 or -ENOMEM */
static int names_add(struct name_list *l, const char *name)
{
	char **grown;

	if (l->nr == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		grown = realloc(l->names, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		l->names = grown;
		l->cap = cap;
	}
	l->names[l->nr] = strdup(name);
	if (!l->names[l->nr])
		return -ENOMEM;
	l->nr++;
	return 0;
}

/* names_free - free every name and the array */
static void names_free(struct name_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

/* name_cmp - qsort() order: byte order, so the legend does not depend on readdir() */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * has_rows - whether the CSV @dir/@name exists and has a data row: a line
 * that starts with a digit (comments start with '#', headers with a letter).
 * gnuplot's stats command fails on a file without data, so such files are
 * left out rather than failing the plot.
 */
static bool has_rows(const char *dir, const char *name)
{
	char path[PATH_MAX];
	bool line_start = true, rows = false;
	FILE *f;
	int c, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return false;
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!rows && (c = getc(f)) != EOF) {
		rows = line_start && c >= '0' && c <= '9';
		line_start = c == '\n';
	}
	fclose(f);
	return rows;
}

/*
 * scan_dir - the total-latency histograms of @dir (hist-*-lat.csv) into
 * @lat and the completion-latency ones (hist-*-clat.csv) into @clat, sorted,
 * leaving out files without rows; 0 or -errno.
 */
static int scan_dir(const char *dir, struct name_list *lat, struct name_list *clat)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (strncmp(n, "hist-", 5) || !safe_name(n) || !has_rows(dir, n))
			continue;
		if (has_suffix(n, "-lat.csv"))
			ret = names_add(lat, n);
		else if (has_suffix(n, "-clat.csv"))
			ret = names_add(clat, n);
		if (ret)
			break;
	}
	closedir(d);
	if (lat->nr)
		qsort(lat->names, lat->nr, sizeof(*lat->names), name_cmp);
	if (clat->nr)
		qsort(clat->names, clat->nr, sizeof(*clat->names), name_cmp);
	return ret;
}

/* files_expr - "files='a.csv b.csv'" for gnuplot -e, malloc'd; NULL on -ENOMEM */
static char *files_expr(const struct name_list *l)
{
	size_t len = sizeof("files=''"), i;
	char *s, *p;

	for (i = 0; i < l->nr; i++)
		len += strlen(l->names[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s + sprintf(s, "files='");
	for (i = 0; i < l->nr; i++)
		p += sprintf(p, "%s%s", i ? " " : "", l->names[i]);
	strcpy(p, "'");
	return s;
}

/* last_line - the last non-empty line of @buf (modified in place) */
static const char *last_line(char *buf)
{
	char *end = buf + strlen(buf), *start;

	while (end > buf && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	start = strrchr(buf, '\n');
	return start ? start + 1 : buf;
}

/*
 * run_script - run gnuplot @gp on @script in folder @dir, with @expr (may be
 * NULL) given by -e first; 0, -errno when it could not start, -EIO when the
 * script failed (with gnuplot's last error line in @diag).
 */
static int run_script(const char *gp, const char *dir, const char *script, const char *expr,
		      struct nvmesim_diag *diag)
{
	char err[PLOT_ERR_MAX + 1];
	char *argv[5];
	size_t used = 0;
	int fds[2], devnull, status, argc = 0, ret = 0;
	ssize_t n;
	pid_t pid;

	argv[argc++] = (char *)"gnuplot";
	if (expr) {
		argv[argc++] = (char *)"-e";
		argv[argc++] = (char *)expr;
	}
	argv[argc++] = (char *)script;
	argv[argc] = NULL;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		ret = -errno;
		goto close_pipe;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto close_null;
	}
	if (pid == 0) {
		/* the child: only async-signal-safe calls until exec */
		if (dup2(devnull, STDIN_FILENO) < 0 || dup2(devnull, STDOUT_FILENO) < 0 ||
		    dup2(fds[1], STDERR_FILENO) < 0)
			_exit(126);
		if (chdir(dir))
			_exit(125);
		execv(gp, argv);
		_exit(127);
	}
	close(fds[1]);
	fds[1] = -1;
	/* keep the last PLOT_ERR_MAX bytes: gnuplot's error is at the end */
	for (;;) {
		n = read(fds[0], err + used, PLOT_ERR_MAX - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == PLOT_ERR_MAX) {
			memmove(err, err + PLOT_ERR_MAX / 2, PLOT_ERR_MAX / 2);
			used = PLOT_ERR_MAX / 2;
		}
	}
	err[used] = '\0';
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			goto close_null;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 125) {
		nvmesim_diag_set(diag, "%s: cannot enter the folder", dir);
		ret = -ENOENT;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		nvmesim_diag_set(diag, "gnuplot %s failed: %s", script,
				 used ? last_line(err) : "no message");
		ret = -EIO;
	}
close_null:
	close(devnull);
close_pipe:
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return ret;
}

/*
 * plot_sweep - the plots of sweep folder @dir (sweep-spec, from `nvmesim
 * sweep` or `nvmesim merge`): IOPS, p99 latency and MMIO writes per I/O
 * against the first varied key, one line per combination of the others
 * (sweep-plot.dat), and every point's latency CDF (sweep-lat.dat).  Only
 * the first key's name is passed to gnuplot, and only when it holds
 * [A-Za-z0-9._-]; values reach gnuplot as data, never as commands.
 * Returns 0, or the first error of a script.
 */
static int plot_sweep(const char *gp, const char *scripts, const char *dir,
		      struct nvmesim_diag *diag)
{
	static const char *const metrics[] = { "iops", "p99", "mmio" };
	char script[PATH_MAX + 32], expr[256];
	struct nvmesim_sweep *s = NULL;
	const char *xkey = NULL;
	unsigned int i;
	int ret = 0, r;

	r = nvmesim_sweep_read_spec(&s, dir, diag);
	if (r)
		return r;
	if (nvmesim_sweep_nr_keys(s))
		xkey = nvmesim_sweep_key(s, 0);
	if (xkey && has_rows(dir, "sweep-plot.dat")) {
		snprintf(script, sizeof(script), "%s/" PLOT_SWEEP_LINES, scripts);
		for (i = 0; i < NVMESIM_ARRAY_SIZE(metrics); i++) {
			snprintf(expr, sizeof(expr), "metric='%s'; xkey='%s'", metrics[i],
				 safe_name(xkey) && strlen(xkey) < 128 ? xkey : "first varied key");
			r = run_script(gp, dir, script, expr, ret ? NULL : diag);
			if (!ret)
				ret = r;
		}
	}
	if (has_rows(dir, "sweep-lat.dat")) {
		snprintf(script, sizeof(script), "%s/" PLOT_SWEEP_CDF, scripts);
		r = run_script(gp, dir, script, NULL, ret ? NULL : diag);
		if (!ret)
			ret = r;
	}
	nvmesim_sweep_free(s);
	return ret;
}

/*
 * plot_compare - the plots of a comparison folder (`nvmesim compare -o`): the
 * two runs' latency CDFs (compare-lat.dat) and histograms (compare-hist.dat)
 * overlaid; run titles reach gnuplot as data only.  Returns 0, or the first
 * error of a script.
 */
static int plot_compare(const char *gp, const char *scripts, const char *dir,
			struct nvmesim_diag *diag)
{
	static const char *const pairs[][2] = {
		{ "compare-lat.dat", PLOT_COMPARE_CDF },
		{ "compare-hist.dat", PLOT_COMPARE_HIST },
	};
	char script[PATH_MAX + 32];
	unsigned int i;
	int ret = 0, r;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(pairs); i++) {
		if (!has_rows(dir, pairs[i][0]))
			continue;
		snprintf(script, sizeof(script), "%s/%s", scripts, pairs[i][1]);
		r = run_script(gp, dir, script, NULL, ret ? NULL : diag);
		if (!ret)
			ret = r;
	}
	return ret;
}

/*
 * nvmesim_plot - run the scripts on result folder @dir: latency histogram
 * and CDF from the total-latency CSVs (completion latency when there are
 * none), the time series when timeseries.csv has rows; a sweep folder (one
 * with sweep-spec) gets the sweep plots of plot_sweep() instead, and a
 * comparison folder (with compare-lat.dat) those of plot_compare().  Returns
 * 0, -ENOENT without gnuplot or scripts, else the first error of a script.
 */
int nvmesim_plot(const char *dir, const char *plots_dir, struct nvmesim_diag *diag)
{
	char gp[PATH_MAX], scripts[PATH_MAX], script[PATH_MAX + 32];
	struct name_list lat = { 0 }, clat = { 0 };
	const struct name_list *hist;
	char *expr = NULL;
	int ret, r;

	if (find_gnuplot(gp, sizeof(gp))) {
		nvmesim_diag_set(diag, "gnuplot not found on PATH: no plots");
		return -ENOENT;
	}
	ret = find_scripts(plots_dir, scripts, diag);
	if (ret)
		return ret;
	snprintf(script, sizeof(script), "%s/sweep-spec", dir);
	if (is_file(script, false))
		return plot_sweep(gp, scripts, dir, diag);
	snprintf(script, sizeof(script), "%s/compare-lat.dat", dir);
	if (is_file(script, false))
		return plot_compare(gp, scripts, dir, diag);
	ret = scan_dir(dir, &lat, &clat);
	if (ret) {
		nvmesim_diag_set(diag, "%s: %s", dir, strerror(-ret));
		goto out;
	}
	hist = lat.nr ? &lat : &clat;
	if (hist->nr) {
		expr = files_expr(hist);
		if (!expr) {
			ret = -ENOMEM;
			goto out;
		}
		snprintf(script, sizeof(script), "%s/" PLOT_HIST, scripts);
		ret = run_script(gp, dir, script, expr, diag);
		snprintf(script, sizeof(script), "%s/" PLOT_CDF, scripts);
		r = run_script(gp, dir, script, expr, ret ? NULL : diag);
		if (!ret)
			ret = r;
	}
	if (has_rows(dir, "timeseries.csv")) {
		snprintf(script, sizeof(script), "%s/" PLOT_TIME, scripts);
		r = run_script(gp, dir, script, NULL, ret ? NULL : diag);
		if (!ret)
			ret = r;
	}
out:
	free(expr);
	names_free(&lat);
	names_free(&clat);
	return ret;
}
