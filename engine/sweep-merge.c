/* SPDX-License-Identifier: MIT */
/*
 * sweep-merge.c - nvmesim_sweep_merge(): sweep folders (whole or partial) or
 * run folders combined into one sweep folder, a point found in several
 * inputs added exactly, and its tables rebuilt from the point folders.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nvmesim/sweep.h>

#include "engine/c-numeric.h"
#include "engine/nvmesim-internal.h"
#include "engine/sweep.h"

/*
 * ---------------------------------------------------------------------------
 * Folders
 * ---------------------------------------------------------------------------
 */

/* clear_dir - remove the regular files in @dir (not the folder); 0 or -errno */
static int clear_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret = 0, n;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (unlink(path) && !ret)
			ret = -errno;
	}
	closedir(d);
	return ret;
}

/* copy_file - copy @src to @dst; 0 or -errno */
static int copy_file(const char *src, const char *dst)
{
	char buf[65536];
	FILE *in, *out;
	size_t n;
	int ret = 0;

	in = fopen(src, "rb");
	if (!in)
		return -errno;
	out = fopen(dst, "wb");
	if (!out) {
		ret = -errno;
		fclose(in);
		return ret;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (fwrite(buf, 1, n, out) != n) {
			ret = -EIO;
			break;
		}
	}
	if (!ret && ferror(in))
		ret = -EIO;
	fclose(in);
	if (fclose(out) && !ret)
		ret = -EIO;
	return ret;
}

/* copy_dir - the regular files of @src into @dst (created, emptied first); 0 or -errno */
static int copy_dir(const char *src, const char *dst)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret, n, m;

	ret = nvmesim_mkdir_p(dst);
	if (!ret)
		ret = clear_dir(dst);
	if (ret)
		return ret;
	d = opendir(src);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		n = snprintf(from, sizeof(from), "%s/%s", src, de->d_name);
		m = snprintf(to, sizeof(to), "%s/%s", dst, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(from) || m < 0 || (size_t)m >= sizeof(to))
			continue;
		if (stat(from, &st) || !S_ISREG(st.st_mode))
			continue;
		ret = copy_file(from, to);
	}
	closedir(d);
	return ret;
}

/* remove_dir - empty @dir of files and remove it, if it exists and is then empty */
static void remove_dir(const char *dir)
{
	if (!clear_dir(dir))
		rmdir(dir);
}

/*
 * ---------------------------------------------------------------------------
 * Merging
 * ---------------------------------------------------------------------------
 */

/* struct merge_input - one input folder */
struct merge_input {
	const char *dir;		/* as given */
	struct nvmesim_sweep *spec;	/* its sweep-spec, or an empty one for a run folder */
	bool run;			/* a plain run folder */
	long *map[NVMESIM_SWEEP_MAX_KEYS]; /* combined value index -> its own, -1 if absent */
};

/* same_str - whether two optional strings are equal */
static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* same_base - whether two specs record the same shared settings */
static bool same_base(const struct nvmesim_sweep *a, const struct nvmesim_sweep *b)
{
	unsigned int i;

	if (a->has_base != b->has_base || !same_str(a->trace, b->trace) ||
	    !same_str(a->profile, b->profile) || a->seed_set != b->seed_set ||
	    a->seed != b->seed || a->nr_sets != b->nr_sets)
		return false;
	for (i = 0; i < a->nr_sets; i++)
		if (strcmp(a->sets[i], b->sets[i]))
			return false;
	return true;
}

/* copy_base - @src's shared settings into @dst; 0 or -ENOMEM */
static int copy_base(struct nvmesim_sweep *dst, const struct nvmesim_sweep *src)
{
	struct nvmesim_run_opts o;

	if (!src->has_base)
		return 0;
	memset(&o, 0, sizeof(o));
	o.trace = src->trace;
	o.profile = src->profile;
	o.seed_set = src->seed_set;
	o.seed = src->seed;
	o.sets = (const char *const *)src->sets;
	o.nr_sets = src->nr_sets;
	return nvmesim_sweep_set_base(dst, &o);
}

/* keys_text - "a, b" (or "no keys") for a message */
static void keys_text(const struct nvmesim_sweep *s, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int k;

	snprintf(buf, len, "no keys");
	for (k = 0; k < s->nr_keys && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : "", s->keys[k].name);
}

/* same_dir - whether @a and @b are the same existing folder */
static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * merge_open_inputs - read every input's spec (or recognize a run folder),
 * check that they vary the same keys, and build the combined sweep into
 * *@out; 0, -EINVAL with @diag, -ENOMEM.
 */
static int merge_open_inputs(struct merge_input *in, unsigned int nr, struct nvmesim_sweep **out,
			     struct nvmesim_diag *diag)
{
	struct nvmesim_sweep *u = NULL;
	char a[256], b[256], path[PATH_MAX];
	struct stat st;
	unsigned int i, k, v;
	bool base = true;
	int ret;

	for (i = 0; i < nr; i++) {
		for (k = 0; k < i; k++) {
			if (same_dir(in[k].dir, in[i].dir)) {
				/* its points would count twice */
				nvmesim_diag_set(diag, "%s: given twice (as %s)", in[i].dir,
						 in[k].dir);
				return -EINVAL;
			}
		}
		ret = nvmesim_sweep_read_spec(&in[i].spec, in[i].dir, diag);
		if (ret == -ENOENT) {
			snprintf(path, sizeof(path), "%s/summary.json", in[i].dir);
			if (stat(path, &st)) {
				nvmesim_diag_set(diag, "%s: neither a sweep folder (sweep-spec) "
						 "nor a run folder (summary.json)", in[i].dir);
				return -EINVAL;
			}
			in[i].run = true;
			ret = nvmesim_sweep_new(&in[i].spec);
		}
		if (ret)
			return ret;
	}
	ret = nvmesim_sweep_new(&u);
	if (ret)
		return ret;
	*out = u;
	for (k = 0; k < in[0].spec->nr_keys; k++) {
		ret = nvmesim_sweep_add_key(u, in[0].spec->keys[k].name,
					    strlen(in[0].spec->keys[k].name));
		if (ret)
			return ret;
	}
	for (i = 0; i < nr; i++) {
		const struct nvmesim_sweep *s = in[i].spec;

		if (s->nr_keys != u->nr_keys)
			goto mismatch;
		for (k = 0; k < u->nr_keys; k++)
			if (strcmp(s->keys[k].name, u->keys[k].name))
				goto mismatch;
		for (k = 0; k < u->nr_keys; k++) {
			for (v = 0; v < s->keys[k].nr; v++) {
				if (nvmesim_sweep_find_value(&u->keys[k],
							     s->keys[k].values[v]) >= 0)
					continue;
				ret = nvmesim_sweep_add_value(&u->keys[k], s->keys[k].values[v],
							      strlen(s->keys[k].values[v]));
				if (ret == -EINVAL)
					nvmesim_diag_set(diag, "%s: more than %u values in all",
							 u->keys[k].name, NVMESIM_SWEEP_MAX_VALUES);
				if (ret)
					return ret;
			}
		}
		if (i && (in[i].run || !same_base(s, in[0].spec)))
			base = false;
	}
	if (nvmesim_sweep_count_points(u) > NVMESIM_SWEEP_MAX_POINTS) {
		nvmesim_diag_set(diag, "more than %u points in all", NVMESIM_SWEEP_MAX_POINTS);
		return -EINVAL;
	}
	/* the shared settings are reported only when every input had the same */
	if (base && !in[0].run) {
		ret = copy_base(u, in[0].spec);
		if (ret)
			return ret;
	}
	for (i = 0; i < nr; i++) {
		for (k = 0; k < u->nr_keys; k++) {
			in[i].map[k] = calloc(u->keys[k].nr, sizeof(long));
			if (!in[i].map[k])
				return -ENOMEM;
			for (v = 0; v < u->keys[k].nr; v++)
				in[i].map[k][v] = nvmesim_sweep_find_value(&in[i].spec->keys[k],
									   u->keys[k].values[v]);
		}
	}
	return 0;
mismatch:
	keys_text(in[0].spec, a, sizeof(a));
	keys_text(in[i].spec, b, sizeof(b));
	nvmesim_diag_set(diag, "%s varies %s but %s varies %s: only sweeps of the same keys (in "
			 "the same order) merge", in[0].dir, a, in[i].dir, b);
	return -EINVAL;
}

/* input_point - the folder of combined point @p in input @in into @buf; false if it lacks it */
static bool input_point(const struct merge_input *in, const struct nvmesim_sweep *u, uint64_t p,
			char *buf, size_t len)
{
	char name[160];
	uint64_t idx = 0, stride = 1;
	unsigned int k;
	long v;
	int n;

	if (in->run) {
		n = snprintf(buf, len, "%s", in->dir);
		return n > 0 && (size_t)n < len;
	}
	/* the same values, numbered in the input's own cross product */
	for (k = u->nr_keys; k-- > 0;) {
		v = in->map[k][nvmesim_sweep_value_index(u, p, k)];
		if (v < 0)
			return false;
		idx += (uint64_t)v * stride;
		stride *= in->spec->keys[k].nr;
	}
	if (nvmesim_sweep_point_name(in->spec, idx, name, sizeof(name)))
		return false;
	n = snprintf(buf, len, "%s/points/%s", in->dir, name);
	return n > 0 && (size_t)n < len;
}

/*
 * merge_point - read point @p from every input that has it, combine, put
 * the result in @out's points/ (unless @inplace) and compute its row and
 * CDF block; 0, or -errno with @diag.
 */
static int merge_point(struct merge_input *in, unsigned int nr, const struct nvmesim_sweep *u,
		       uint64_t p, const char *out, bool inplace, struct nvmesim_sweep_row *row,
		       struct nvmesim_hist *lat, FILE *latf, bool first_block,
		       struct nvmesim_diag *diag)
{
	char src[PATH_MAX], first[PATH_MAX], dst[PATH_MAX], name[160];
	struct nvmesim_results *acc = NULL, *r;
	unsigned int i, runs = 0;
	int ret = 0, n;

	nvmesim_sweep_point_folder(u, p, name, sizeof(name));
	n = snprintf(dst, sizeof(dst), "%s/points/%s", out, name);
	if (n < 0 || (size_t)n >= sizeof(dst))
		return -ENAMETOOLONG;
	for (i = 0; i < nr; i++) {
		if (!input_point(&in[i], u, p, src, sizeof(src)))
			continue;
		ret = nvmesim_results_read_dir(src, &r, diag);
		if (ret == -ENOENT) {
			ret = 0;
			continue;
		}
		if (ret)
			goto out;
		if (!acc) {
			acc = r;
			snprintf(first, sizeof(first), "%s", src);
		} else {
			ret = nvmesim_results_merge(acc, r);
			nvmesim_results_free(r);
			if (ret)
				goto out;
		}
		runs++;
	}
	memset(row, 0, sizeof(*row));
	if (!runs) {
		if (!inplace)
			remove_dir(dst);
		return 0;
	}
	if (!inplace && runs == 1) {
		ret = copy_dir(first, dst);
	} else if (!inplace) {
		/* combined: the folder of the sum, as a run of that length would write it */
		ret = nvmesim_mkdir_p(dst);
		if (!ret)
			ret = clear_dir(dst);
		if (!ret)
			ret = nvmesim_report_write_dir(acc, dst);
	}
	if (ret) {
		nvmesim_diag_set(diag, "%s: %s", dst, strerror(-ret));
		goto out;
	}
	nvmesim_sweep_row_compute(row, acc, lat);
	row->runs = runs;
	nvmesim_sweep_lat_block(latf, u, p, lat, first_block);
out:
	nvmesim_results_free(acc);
	return ret;
}

/* write_diag - @ret for writing @name in @dir, with @diag saying so */
static int write_diag(int ret, const char *dir, const char *name, struct nvmesim_diag *diag)
{
	if (ret)
		nvmesim_diag_set(diag, "%s/%s: %s", dir, name, strerror(-ret));
	return ret;
}

/*
 * nvmesim_sweep_merge - combine @inputs into @out: spec, point folders,
 * sweep.csv, sweep.json, plot data; returns 0, -EINVAL for inputs that do
 * not fit together or malformed results, else -errno.
 */
int nvmesim_sweep_merge(const char *const *inputs, unsigned int nr_inputs, const char *out,
			FILE *text, struct nvmesim_sweep_stats *stats, struct nvmesim_diag *diag)
{
	struct merge_input *in = NULL;
	struct nvmesim_sweep *u = NULL;
	struct nvmesim_hist *lat = NULL;
	struct merge_ctx m;
	char path[PATH_MAX], latpath[PATH_MAX + 8];
	locale_t c = (locale_t)0, old = (locale_t)0;
	FILE *latf = NULL;
	bool inplace = false, c_numeric = false;
	unsigned int i, k;
	uint64_t p;
	int ret, n;

	memset(&m, 0, sizeof(m));
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (!nr_inputs) {
		nvmesim_diag_set(diag, "no input folders");
		return -EINVAL;
	}
	in = calloc(nr_inputs, sizeof(*in));
	lat = malloc(sizeof(*lat));
	if (!in || !lat) {
		ret = -ENOMEM;
		goto free;
	}
	for (i = 0; i < nr_inputs; i++)
		in[i].dir = inputs[i];
	ret = merge_open_inputs(in, nr_inputs, &u, diag);
	if (ret)
		goto free;
	for (i = 0; i < nr_inputs; i++) {
		if (!same_dir(out, in[i].dir))
			continue;
		if (nr_inputs > 1 || in[i].run) {
			nvmesim_diag_set(diag, "%s: the output folder can be an input only when it "
					 "is the only one and a sweep folder", out);
			ret = -EINVAL;
			goto free;
		}
		inplace = true;
	}
	n = snprintf(path, sizeof(path), "%s/points", out);
	ret = n < 0 || (size_t)n >= sizeof(path) ? -ENAMETOOLONG : nvmesim_mkdir_p(path);
	if (ret) {
		nvmesim_diag_set(diag, "%s: %s", path, strerror(-ret));
		goto free;
	}
	m.s = u;
	m.nr_points = nvmesim_sweep_count_points(u);
	m.rows = calloc(m.nr_points, sizeof(*m.rows));
	if (!m.rows) {
		ret = -ENOMEM;
		goto free;
	}
	snprintf(latpath, sizeof(latpath), "%s/sweep-lat.dat.tmp", out);
	latf = fopen(latpath, "w");
	if (!latf) {
		ret = -errno;
		nvmesim_diag_set(diag, "%s: %s", latpath, strerror(-ret));
		goto free;
	}
	old = nvmesim_c_numeric_begin(&c);
	c_numeric = true;
	fputs("# nvmesim sweep latency CDFs (docs/sweeps.md): one block per point, total "
	      "latency of every job and direction\n", latf);
	for (p = 0; p < m.nr_points; p++) {
		ret = merge_point(in, nr_inputs, u, p, out, inplace, &m.rows[p], lat, latf,
				  !m.present, diag);
		if (ret)
			goto free;
		if (m.rows[p].runs) {
			m.present++;
			if (stats) {
				stats->runs += m.rows[p].runs;
				stats->combined += m.rows[p].runs > 1;
			}
		}
	}
	ret = fclose(latf) ? -EIO : 0;
	latf = NULL;
	snprintf(path, sizeof(path), "%s/sweep-lat.dat", out);
	if (!ret && rename(latpath, path))
		ret = -errno;
	ret = write_diag(ret, out, "sweep-lat.dat", diag);
	if (!ret)
		ret = write_diag(nvmesim_sweep_write_spec(u, out), out, "sweep-spec", diag);
	if (!ret)
		ret = write_diag(nvmesim_write_atomic(out, "sweep.csv",
							    nvmesim_sweep_csv_write, &m),
				 out, "sweep.csv", diag);
	if (!ret)
		ret = write_diag(nvmesim_write_atomic(out, "sweep.json",
							    nvmesim_sweep_json_write, &m),
				 out, "sweep.json", diag);
	if (!ret)
		ret = write_diag(nvmesim_write_atomic(out, "sweep-plot.dat",
							    nvmesim_sweep_plot_write, &m),
				 out, "sweep-plot.dat", diag);
	if (!ret && text) {
		nvmesim_sweep_text_table(text, &m);
		fflush(text);
	}
	if (stats) {
		stats->points = m.nr_points;
		stats->present = m.present;
	}
free:
	if (c_numeric)
		nvmesim_c_numeric_end(c, old);
	if (latf) {
		fclose(latf);
		unlink(latpath);
	}
	if (in) {
		for (i = 0; i < nr_inputs; i++) {
			for (k = 0; k < NVMESIM_SWEEP_MAX_KEYS; k++)
				free(in[i].map[k]);
			nvmesim_sweep_free(in[i].spec);
		}
	}
	free(m.rows);
	free(in);
	free(lat);
	nvmesim_sweep_free(u);
	return ret;
}
