/* SPDX-License-Identifier: MIT */
/*
 * sweep.c - the points of a parameter sweep and the tables made from them.
 *
 * A sweep is a list of varied keys, each with its values; its points are
 * the cross product, numbered with the first key varying slowest (nested
 * loops in the order the user wrote them).  A point's results live in a
 * run folder named "<index>-<slug>" under points/, written by whoever ran
 * it; sweep-spec records the keys and values so that any process on any
 * machine finds the same names.
 *
 * The tables (sweep.csv, sweep.json) and the plot data are made only from
 * what the point folders hold, read back with nvmesim_results_read_dir():
 * a sweep run in one go and the same sweep run in pieces and merged give
 * the same bytes.  Every metric of a row follows from the point's
 * histograms and counters, so combined points (several runs of the same
 * settings) get exact metrics too: histograms add bucket by bucket.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
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

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The first line of sweep-spec: the format and its version. */
#define SPEC_MAGIC "# nvmesim sweep-spec 1"
/* Bytes of a value, of a key, of a line of sweep-spec. */
#define VALUE_MAX 256
#define KEY_MAX 128
#define SPEC_LINE_MAX 65536

/* struct sweep_key - one varied key and its values in the order given */
struct sweep_key {
	char *name;		/* the --set path */
	unsigned int nr;	/* values */
	unsigned int cap;	/* entries allocated in @values */
	char **values;		/* the values, as text */
};

/* struct nvmesim_sweep - see sweep.h */
struct nvmesim_sweep {
	unsigned int nr_keys;				/* keys used */
	struct sweep_key keys[NVMESIM_SWEEP_MAX_KEYS];	/* in the order given */
	bool has_base;					/* the fields below are known */
	char *trace;					/* trace file, NULL if none */
	char *profile;					/* --profile, NULL if none */
	bool seed_set;					/* --seed given */
	uint64_t seed;					/* --seed */
	unsigned int nr_sets;				/* --set overrides */
	char **sets;					/* "path=value" */
};

/*
 * ---------------------------------------------------------------------------
 * Keys, values, points
 * ---------------------------------------------------------------------------
 */

/* nvmesim_sweep_new - an empty sweep; returns 0 or -ENOMEM */
int nvmesim_sweep_new(struct nvmesim_sweep **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

/* sweep_free_base - forget the shared settings */
static void sweep_free_base(struct nvmesim_sweep *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_sets; i++)
		free(s->sets[i]);
	free(s->sets);
	free(s->trace);
	free(s->profile);
	s->sets = NULL;
	s->nr_sets = 0;
	s->trace = NULL;
	s->profile = NULL;
	s->seed_set = false;
	s->seed = 0;
	s->has_base = false;
}

/* nvmesim_sweep_free - free every key, value and the shared settings */
void nvmesim_sweep_free(struct nvmesim_sweep *s)
{
	unsigned int k, v;

	if (!s)
		return;
	for (k = 0; k < s->nr_keys; k++) {
		for (v = 0; v < s->keys[k].nr; v++)
			free(s->keys[k].values[v]);
		free(s->keys[k].values);
		free(s->keys[k].name);
	}
	sweep_free_base(s);
	free(s);
}

/* key_ok - whether @key looks like a settings path: [A-Za-z0-9_.], no empty part */
static bool key_ok(const char *key, size_t n)
{
	size_t i;

	if (!n || n >= KEY_MAX || key[0] == '.' || key[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = key[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || (c == '.' && key[i + 1] != '.')))
			return false;
	}
	return true;
}

/* sweep_find_key - index of key @name, or -1 */
static int sweep_find_key(const struct nvmesim_sweep *s, const char *name)
{
	unsigned int k;

	for (k = 0; k < s->nr_keys; k++)
		if (!strcmp(s->keys[k].name, name))
			return (int)k;
	return -1;
}

/* sweep_find_value - index of @value among key @k's values, or -1 */
static long sweep_find_value(const struct sweep_key *k, const char *value)
{
	unsigned int v;

	for (v = 0; v < k->nr; v++)
		if (!strcmp(k->values[v], value))
			return (long)v;
	return -1;
}

/* sweep_add_key - a new key without values; 0, -EINVAL (too many) or -ENOMEM */
static int sweep_add_key(struct nvmesim_sweep *s, const char *name, size_t n)
{
	struct sweep_key *k;

	if (s->nr_keys >= NVMESIM_SWEEP_MAX_KEYS)
		return -EINVAL;
	k = &s->keys[s->nr_keys];
	memset(k, 0, sizeof(*k));
	k->name = strndup(name, n);
	if (!k->name)
		return -ENOMEM;
	s->nr_keys++;
	return 0;
}

/* sweep_add_value - append value @v (@n bytes) to key @k; 0, -EINVAL (too many) or -ENOMEM */
static int sweep_add_value(struct sweep_key *k, const char *v, size_t n)
{
	char **grown;
	unsigned int cap;

	if (k->nr >= NVMESIM_SWEEP_MAX_VALUES)
		return -EINVAL;
	if (k->nr == k->cap) {
		cap = k->cap ? k->cap * 2 : 8;
		grown = realloc(k->values, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		k->values = grown;
		k->cap = cap;
	}
	k->values[k->nr] = strndup(v, n);
	if (!k->values[k->nr])
		return -ENOMEM;
	k->nr++;
	return 0;
}

/* sweep_points - the cross product's size, saturating above the limit */
static uint64_t sweep_points(const struct nvmesim_sweep *s)
{
	uint64_t n = 1;
	unsigned int k;

	for (k = 0; k < s->nr_keys; k++) {
		n *= s->keys[k].nr;
		if (n > NVMESIM_SWEEP_MAX_POINTS)
			return NVMESIM_SWEEP_MAX_POINTS + 1;
	}
	return n;
}

/*
 * nvmesim_sweep_vary - parse "KEY=V1,V2,..." (';'-separated when the list
 * holds a ';') into a new key; returns 0, -EINVAL with @diag, or -ENOMEM.
 */
int nvmesim_sweep_vary(struct nvmesim_sweep *s, const char *arg, struct nvmesim_diag *diag)
{
	const char *eq = strchr(arg, '='), *p, *end;
	struct sweep_key *k;
	char sep;
	size_t n, i;
	int ret;

	if (!eq || !key_ok(arg, (size_t)(eq - arg))) {
		nvmesim_diag_set(diag, "--vary %s: expected KEY=V1,V2,... with KEY a setting "
				 "path such as host.queues", arg);
		return -EINVAL;
	}
	for (p = eq + 1; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			nvmesim_diag_set(diag, "--vary %.*s: values must be printable ASCII",
					 (int)(eq - arg), arg);
			return -EINVAL;
		}
	}
	if (s->nr_keys >= NVMESIM_SWEEP_MAX_KEYS) {
		nvmesim_diag_set(diag, "--vary %.*s: at most %u keys can be varied",
				 (int)(eq - arg), arg, NVMESIM_SWEEP_MAX_KEYS);
		return -EINVAL;
	}
	for (i = 0; i < s->nr_keys; i++) {
		if (strlen(s->keys[i].name) == (size_t)(eq - arg) &&
		    !strncmp(s->keys[i].name, arg, (size_t)(eq - arg))) {
			nvmesim_diag_set(diag, "--vary %.*s: key given twice", (int)(eq - arg),
					 arg);
			return -EINVAL;
		}
	}
	ret = sweep_add_key(s, arg, (size_t)(eq - arg));
	if (ret)
		return ret;
	k = &s->keys[s->nr_keys - 1];
	sep = strchr(eq + 1, ';') ? ';' : ',';
	for (p = eq + 1;; p = end + 1) {
		end = strchr(p, sep);
		n = end ? (size_t)(end - p) : strlen(p);
		if (!n || n >= VALUE_MAX) {
			nvmesim_diag_set(diag, "--vary %s: %s value", k->name,
					 n ? "too long a" : "empty");
			ret = -EINVAL;
			goto drop;
		}
		for (i = 0; i < k->nr; i++) {
			if (strlen(k->values[i]) == n && !strncmp(k->values[i], p, n)) {
				nvmesim_diag_set(diag, "--vary %s: value '%.*s' given twice",
						 k->name, (int)n, p);
				ret = -EINVAL;
				goto drop;
			}
		}
		ret = sweep_add_value(k, p, n);
		if (ret) {
			if (ret == -EINVAL)
				nvmesim_diag_set(diag, "--vary %s: at most %u values", k->name,
						 NVMESIM_SWEEP_MAX_VALUES);
			goto drop;
		}
		if (!end)
			break;
	}
	if (sweep_points(s) > NVMESIM_SWEEP_MAX_POINTS) {
		nvmesim_diag_set(diag, "--vary %s: more than %u points in all", k->name,
				 NVMESIM_SWEEP_MAX_POINTS);
		ret = -EINVAL;
		goto drop;
	}
	return 0;
drop:
	for (i = 0; i < k->nr; i++)
		free(k->values[i]);
	free(k->values);
	free(k->name);
	s->nr_keys--;
	return ret;
}

/* dup_or_null - strdup(@s), NULL for NULL; *@err set to -ENOMEM on failure */
static char *dup_or_null(const char *s, int *err)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*err = -ENOMEM;
	return d;
}

/* nvmesim_sweep_set_base - copy @o's trace, profile, seed and overrides; 0 or -ENOMEM */
int nvmesim_sweep_set_base(struct nvmesim_sweep *s, const struct nvmesim_run_opts *o)
{
	unsigned int i;
	int err = 0;

	sweep_free_base(s);
	s->has_base = true;
	s->trace = dup_or_null(o->trace, &err);
	s->profile = dup_or_null(o->profile, &err);
	s->seed_set = o->seed_set;
	s->seed = o->seed;
	if (o->nr_sets) {
		s->sets = calloc(o->nr_sets, sizeof(*s->sets));
		if (!s->sets)
			err = -ENOMEM;
		for (i = 0; s->sets && i < o->nr_sets; i++) {
			s->sets[i] = dup_or_null(o->sets[i], &err);
			s->nr_sets++;
		}
	}
	if (err)
		sweep_free_base(s);
	return err;
}

/* nvmesim_sweep_nr_keys - the number of varied keys */
unsigned int nvmesim_sweep_nr_keys(const struct nvmesim_sweep *s)
{
	return s->nr_keys;
}

/* nvmesim_sweep_key - key @k's name, NULL out of range */
const char *nvmesim_sweep_key(const struct nvmesim_sweep *s, unsigned int k)
{
	return k < s->nr_keys ? s->keys[k].name : NULL;
}

/* nvmesim_sweep_nr_points - the product of the value counts (1 without keys) */
uint64_t nvmesim_sweep_nr_points(const struct nvmesim_sweep *s)
{
	return sweep_points(s);
}

/* sweep_value_index - which value of key @k point @point has (the last key varies fastest) */
static unsigned int sweep_value_index(const struct nvmesim_sweep *s, uint64_t point,
				      unsigned int k)
{
	uint64_t stride = 1;
	unsigned int i;

	for (i = k + 1; i < s->nr_keys; i++)
		stride *= s->keys[i].nr;
	return (unsigned int)((point / stride) % s->keys[k].nr);
}

/* nvmesim_sweep_value - key @k's value at point @point; NULL out of range */
const char *nvmesim_sweep_value(const struct nvmesim_sweep *s, uint64_t point, unsigned int k)
{
	if (k >= s->nr_keys || point >= sweep_points(s))
		return NULL;
	return s->keys[k].values[sweep_value_index(s, point, k)];
}

/* short_key - the last part of a dotted key: "iodepth" of "jobs.0.iodepth" */
static const char *short_key(const char *key)
{
	const char *dot = strrchr(key, '.');

	return dot ? dot + 1 : key;
}

/*
 * nvmesim_sweep_point_name - "<index>-<slug>" with the index zero-padded to
 * four digits; returns 0, -ERANGE or -ENAMETOOLONG.
 */
int nvmesim_sweep_point_name(const struct nvmesim_sweep *s, uint64_t point, char *buf,
			     size_t len)
{
	char slug[96];
	const char *key, *v;
	size_t n = 0;
	unsigned int k;
	int w;

	if (point >= sweep_points(s))
		return -ERANGE;
	if (!s->nr_keys)
		snprintf(slug, sizeof(slug), "run");
	for (k = 0; k < s->nr_keys; k++) {
		key = short_key(s->keys[k].name);
		v = s->keys[k].values[sweep_value_index(s, point, k)];
		if (k && n + 1 < sizeof(slug))
			slug[n++] = '_';
		for (; *key && n + 1 < sizeof(slug); key++)
			slug[n++] = *key;
		if (n + 1 < sizeof(slug))
			slug[n++] = '-';
		/* keep folder names plain: anything else (':', ',', '/', ...) becomes '-' */
		for (; *v && n + 1 < sizeof(slug); v++)
			slug[n++] = ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
				     (*v >= '0' && *v <= '9') || *v == '.') ? *v : '-';
		slug[n] = '\0';
	}
	w = snprintf(buf, len, "%04" PRIu64 "-%s", point, slug);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

/*
 * ---------------------------------------------------------------------------
 * sweep-spec
 * ---------------------------------------------------------------------------
 */

/* spec_put - @s escaped for sweep-spec: backslash, tab and newline as \\, \t, \n */
static void spec_put(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* spec_unescape - undo spec_put() in place; 0 or -1 for a bad escape */
static int spec_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		s++;
		if (*s == '\\')
			*w++ = '\\';
		else if (*s == 't')
			*w++ = '\t';
		else if (*s == 'n')
			*w++ = '\n';
		else
			return -1;
	}
	*w = '\0';
	return 0;
}

/* write_atomic - write @dir/@name through @fn into a temporary file, then rename; 0 or -errno */
static int write_atomic(const char *dir, const char *name, int (*fn)(const void *arg, FILE *f),
			const void *arg)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int ret, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	ret = fn(arg, f);
	if (fflush(f) || ferror(f))
		ret = ret ? ret : -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/* spec_write - the body of sweep-spec; 0 */
static int spec_write(const void *arg, FILE *f)
{
	const struct nvmesim_sweep *s = arg;
	unsigned int k, v;

	fputs(SPEC_MAGIC "\n", f);
	fputs("# what `nvmesim merge` needs: the varied keys and values (docs/sweeps.md)\n", f);
	if (s->has_base) {
		if (s->trace) {
			fputs("trace\t", f);
			spec_put(f, s->trace);
			fputc('\n', f);
		}
		if (s->profile) {
			fputs("profile\t", f);
			spec_put(f, s->profile);
			fputc('\n', f);
		}
		if (s->seed_set)
			fprintf(f, "seed\t%" PRIu64 "\n", s->seed);
		for (k = 0; k < s->nr_sets; k++) {
			fputs("set\t", f);
			spec_put(f, s->sets[k]);
			fputc('\n', f);
		}
	}
	for (k = 0; k < s->nr_keys; k++) {
		fputs("vary\t", f);
		spec_put(f, s->keys[k].name);
		for (v = 0; v < s->keys[k].nr; v++) {
			fputc('\t', f);
			spec_put(f, s->keys[k].values[v]);
		}
		fputc('\n', f);
	}
	return 0;
}

/* nvmesim_sweep_write_spec - write @dir/sweep-spec atomically; 0 or -errno */
int nvmesim_sweep_write_spec(const struct nvmesim_sweep *s, const char *dir)
{
	return write_atomic(dir, "sweep-spec", spec_write, s);
}

/* spec_append_set - add "path=value" @v to the shared overrides; 0 or -ENOMEM */
static int spec_append_set(struct nvmesim_sweep *s, const char *v)
{
	char **grown = realloc(s->sets, (s->nr_sets + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	s->sets = grown;
	s->sets[s->nr_sets] = strdup(v);
	if (!s->sets[s->nr_sets])
		return -ENOMEM;
	s->nr_sets++;
	return 0;
}

/* spec_line - one "kind<TAB>field..." line of sweep-spec into @s; 0, -EINVAL or -ENOMEM */
static int spec_line(struct nvmesim_sweep *s, char *line, struct nvmesim_diag *diag,
		     const char *path, unsigned int lineno)
{
	char *field[NVMESIM_SWEEP_MAX_VALUES + 2], *p, *end;
	unsigned int nf = 0, i;
	struct sweep_key *k;
	int ret;

	for (p = line; nf < NVMESIM_ARRAY_SIZE(field); p = end + 1) {
		field[nf++] = p;
		end = strchr(p, '\t');
		if (!end)
			break;
		*end = '\0';
	}
	for (i = 0; i < nf; i++) {
		if (spec_unescape(field[i])) {
			nvmesim_diag_set(diag, "%s:%u: bad escape", path, lineno);
			return -EINVAL;
		}
	}
	if (!strcmp(field[0], "vary")) {
		if (nf < 3 || !key_ok(field[1], strlen(field[1])) ||
		    sweep_find_key(s, field[1]) >= 0)
			goto bad;
		ret = sweep_add_key(s, field[1], strlen(field[1]));
		if (ret == -EINVAL)
			goto bad;
		if (ret)
			return ret;
		k = &s->keys[s->nr_keys - 1];
		for (i = 2; i < nf; i++) {
			if (!*field[i] || sweep_find_value(k, field[i]) >= 0)
				goto bad;
			ret = sweep_add_value(k, field[i], strlen(field[i]));
			if (ret)
				return ret;
		}
		if (sweep_points(s) > NVMESIM_SWEEP_MAX_POINTS)
			goto bad;
		return 0;
	}
	if (nf != 2)
		goto bad;
	s->has_base = true;
	if (!strcmp(field[0], "trace") && !s->trace) {
		s->trace = strdup(field[1]);
		return s->trace ? 0 : -ENOMEM;
	}
	if (!strcmp(field[0], "profile") && !s->profile) {
		s->profile = strdup(field[1]);
		return s->profile ? 0 : -ENOMEM;
	}
	if (!strcmp(field[0], "seed") && !s->seed_set) {
		errno = 0;
		s->seed = strtoull(field[1], &end, 10);
		if (errno || end == field[1] || *end)
			goto bad;
		s->seed_set = true;
		return 0;
	}
	if (!strcmp(field[0], "set"))
		return spec_append_set(s, field[1]);
bad:
	nvmesim_diag_set(diag, "%s:%u: expected 'vary KEY V1 V2...', 'trace', 'profile', 'seed' "
			 "or 'set' (tab-separated, keys and values once)", path, lineno);
	return -EINVAL;
}

/* nvmesim_sweep_read_spec - parse @dir/sweep-spec; 0, -ENOENT, -EINVAL or -ENOMEM */
int nvmesim_sweep_read_spec(struct nvmesim_sweep **out, const char *dir,
			    struct nvmesim_diag *diag)
{
	struct nvmesim_sweep *s = NULL;
	char path[PATH_MAX], *line;
	unsigned int lineno = 0;
	size_t n;
	FILE *f;
	int ret;

	*out = NULL;
	n = (size_t)snprintf(path, sizeof(path), "%s/sweep-spec", dir);
	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	line = malloc(SPEC_LINE_MAX);
	ret = line ? nvmesim_sweep_new(&s) : -ENOMEM;
	while (!ret && fgets(line, SPEC_LINE_MAX, f)) {
		lineno++;
		n = strlen(line);
		if (n && line[n - 1] == '\n') {
			line[--n] = '\0';
		} else if (!feof(f)) {
			nvmesim_diag_set(diag, "%s:%u: line too long", path, lineno);
			ret = -EINVAL;
			break;
		}
		if (lineno == 1 && strcmp(line, SPEC_MAGIC)) {
			nvmesim_diag_set(diag, "%s:1: expected '" SPEC_MAGIC "'", path);
			ret = -EINVAL;
			break;
		}
		if (!n || line[0] == '#')
			continue;
		ret = spec_line(s, line, diag, path, lineno);
	}
	if (!ret && ferror(f))
		ret = -EIO;
	if (!ret && !lineno) {
		nvmesim_diag_set(diag, "%s: empty", path);
		ret = -EINVAL;
	}
	fclose(f);
	free(line);
	if (ret) {
		nvmesim_sweep_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * Rows: the metrics of one point
 * ---------------------------------------------------------------------------
 */

/* ratio - @a / @b, 0 when @b is 0 */
static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/*
 * nvmesim_sweep_row_compute - the metrics of point @r into @row, with @lat
 * (scratch, overwritten) receiving the total latency of every job and
 * direction: IOPS and bandwidth over the simulated time, latency mean and
 * percentiles from the merged histogram, the conversation per I/O.
 */
void nvmesim_sweep_row_compute(struct nvmesim_sweep_row *row, const struct nvmesim_results *r,
			       struct nvmesim_hist *lat)
{
	const struct nvmesim_counters *c = &r->counters;
	unsigned int j, d;
	double ios;

	memset(row, 0, sizeof(*row));
	nvmesim_hist_init(lat);
	for (j = 0; j < r->nr_jobs; j++) {
		for (d = 0; d < NVMESIM_DIRS; d++) {
			row->ios += r->jobs[j].dir[d].ios;
			row->bytes += r->jobs[j].dir[d].bytes;
			row->errors += r->jobs[j].dir[d].errors;
			nvmesim_hist_merge(lat, &r->jobs[j].dir[d].lat);
		}
	}
	ios = (double)row->ios;
	row->sim_time_ns = r->sim_time_ns;
	row->iops = ratio(ios * 1e9, (double)r->sim_time_ns);
	row->bw_bytes = ratio((double)row->bytes * 1e9, (double)r->sim_time_ns);
	row->lat_mean_ns = lat->count ? lat->mean : 0;
	row->lat_p50_ns = nvmesim_hist_percentile(lat, 50);
	row->lat_p99_ns = nvmesim_hist_percentile(lat, 99);
	row->lat_p999_ns = nvmesim_hist_percentile(lat, 99.9);
	row->lat_max_ns = lat->max;
	row->mmio_writes_per_io = ratio((double)c->mmio_writes, ios);
	row->sq_doorbells_per_io = ratio((double)c->sq_doorbells, ios);
	row->cq_doorbells_per_io = ratio((double)c->cq_doorbells, ios);
	row->sq_shadow_per_io = ratio((double)c->sq_shadow, ios);
	row->cq_shadow_per_io = ratio((double)c->cq_shadow, ios);
	row->interrupts_per_io = ratio((double)c->interrupts, ios);
	row->cqes_per_reap = ratio((double)c->cqes, (double)c->reaps);
	/* results without a timing model (or read from an older summary.json) have no CPU
	 * time: the column stays empty */
	row->cpu_ns_per_io = c->cpu_ns ? ratio((double)c->cpu_ns, ios) : NAN;
	row->mean_inflight = ratio(c->inflight_ns, (double)r->sim_time_ns);
}

/*
 * ---------------------------------------------------------------------------
 * Folders
 * ---------------------------------------------------------------------------
 */

/* mkdir_p - create @path and its parents; 0 or -errno */
static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
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

	ret = mkdir_p(dst);
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
 * Tables
 * ---------------------------------------------------------------------------
 */

/* struct merge_ctx - what the table writers need */
struct merge_ctx {
	const struct nvmesim_sweep *s;		/* the combined keys and values */
	struct nvmesim_sweep_row *rows;		/* per point; present ones have runs > 0 */
	uint64_t nr_points;			/* entries of @rows */
	uint64_t present;			/* rows with runs > 0 */
	const char *lat_tmp;			/* sweep-lat.dat, written as points come */
};

/* csv_value - @v as a CSV field: quoted ("" for ") when it holds , " or spaces at its ends */
static void csv_value(FILE *f, const char *v)
{
	size_t n = strlen(v);

	if (!strpbrk(v, ",\"") && n && v[0] != ' ' && v[n - 1] != ' ') {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

/* point_name - nvmesim_sweep_point_name() that cannot fail for a valid index */
static void point_name(const struct nvmesim_sweep *s, uint64_t p, char *buf, size_t len)
{
	if (nvmesim_sweep_point_name(s, p, buf, len))
		snprintf(buf, len, "%04" PRIu64, p);
}

/* csv_write - sweep.csv: a header, then one row per point with results; 0 */
static int csv_write(const void *arg, FILE *f)
{
	const struct merge_ctx *m = arg;
	const struct nvmesim_sweep_row *r;
	char name[160];
	unsigned int k;
	uint64_t p;

	fputs("index", f);
	for (k = 0; k < m->s->nr_keys; k++)
		fprintf(f, ",%s", m->s->keys[k].name);
	fputs(",runs,ios,bytes,errors,sim_time_ns,iops,bw_bytes,lat_mean_ns,lat_p50_ns,"
	      "lat_p99_ns,lat_p999_ns,lat_max_ns,mmio_writes_per_io,sq_doorbells_per_io,"
	      "cq_doorbells_per_io,sq_shadow_per_io,cq_shadow_per_io,interrupts_per_io,"
	      "cqes_per_reap,cpu_ns_per_io,mean_inflight,folder\n", f);
	for (p = 0; p < m->nr_points; p++) {
		r = &m->rows[p];
		if (!r->runs)
			continue;
		fprintf(f, "%" PRIu64, p);
		for (k = 0; k < m->s->nr_keys; k++) {
			fputc(',', f);
			csv_value(f, nvmesim_sweep_value(m->s, p, k));
		}
		fprintf(f, ",%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.3f,%.3f,%.3f,"
			"%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%.6f,%.6f,%.6f,%.6f,"
			"%.6f,%.6f,", r->runs, r->ios, r->bytes, r->errors, r->sim_time_ns, r->iops,
			r->bw_bytes, r->lat_mean_ns, r->lat_p50_ns, r->lat_p99_ns, r->lat_p999_ns,
			r->lat_max_ns, r->mmio_writes_per_io, r->sq_doorbells_per_io,
			r->cq_doorbells_per_io, r->sq_shadow_per_io, r->cq_shadow_per_io,
			r->interrupts_per_io, r->cqes_per_reap);
		if (isfinite(r->cpu_ns_per_io))
			fprintf(f, "%.3f", r->cpu_ns_per_io);
		point_name(m->s, p, name, sizeof(name));
		fprintf(f, ",%.3f,points/%s\n", r->mean_inflight, name);
	}
	return 0;
}

/* json_str - @s as a JSON string (values and keys are ASCII; paths may be anything) */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c < 0x7f ? c : 0xfffd);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* json_base - the shared settings, when every input agreed on them */
static void json_base(FILE *f, const struct nvmesim_sweep *s)
{
	unsigned int i;

	if (!s->has_base)
		return;
	fputs("  \"trace\": ", f);
	if (s->trace)
		json_str(f, s->trace);
	else
		fputs("null", f);
	fputs(",\n  \"profile\": ", f);
	if (s->profile)
		json_str(f, s->profile);
	else
		fputs("null", f);
	if (s->seed_set)
		fprintf(f, ",\n  \"seed\": %" PRIu64, s->seed);
	else
		fputs(",\n  \"seed\": null", f);
	fputs(",\n  \"sets\": [", f);
	for (i = 0; i < s->nr_sets; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, s->sets[i]);
	}
	fputs("],\n", f);
}

/* json_write - sweep.json: the keys, their values and one object per point with results; 0 */
static int json_write(const void *arg, FILE *f)
{
	const struct merge_ctx *m = arg;
	const struct nvmesim_sweep *s = m->s;
	const struct nvmesim_sweep_row *r;
	char name[160];
	unsigned int k, v;
	uint64_t p;
	bool first = true;

	fprintf(f, "{\n  \"nvmesim_sweep\": 1,\n  \"version\": \"%s\",\n",
		NVMESIM_VERSION_STRING);
	json_base(f, s);
	fputs("  \"keys\": [", f);
	for (k = 0; k < s->nr_keys; k++) {
		fputs(k ? ", " : "", f);
		json_str(f, s->keys[k].name);
	}
	fputs("],\n  \"values\": {", f);
	for (k = 0; k < s->nr_keys; k++) {
		fputs(k ? ",\n    " : "\n    ", f);
		json_str(f, s->keys[k].name);
		fputs(": [", f);
		for (v = 0; v < s->keys[k].nr; v++) {
			fputs(v ? ", " : "", f);
			json_str(f, s->keys[k].values[v]);
		}
		fputc(']', f);
	}
	fprintf(f, "%s},\n  \"points_total\": %" PRIu64 ",\n  \"points_present\": %" PRIu64
		",\n  \"histogram_layout\": { \"sub_buckets\": %u, \"max_exp\": %u, \"unit\": "
		"\"ns\" },\n  \"points\": [", s->nr_keys ? "\n  " : "", m->nr_points, m->present,
		NVMESIM_HIST_SUB, NVMESIM_HIST_MAX_EXP);
	for (p = 0; p < m->nr_points; p++) {
		r = &m->rows[p];
		if (!r->runs)
			continue;
		point_name(s, p, name, sizeof(name));
		fprintf(f, "%s\n    {\n      \"index\": %" PRIu64 ",\n      \"folder\": "
			"\"points/%s\",\n      \"values\": {", first ? "" : ",", p, name);
		first = false;
		for (k = 0; k < s->nr_keys; k++) {
			fputs(k ? ", " : " ", f);
			json_str(f, s->keys[k].name);
			fputs(": ", f);
			json_str(f, nvmesim_sweep_value(s, p, k));
		}
		fprintf(f, "%s},\n", s->nr_keys ? " " : "");
		fprintf(f, "      \"runs\": %u,\n      \"ios\": %" PRIu64 ",\n      \"bytes\": %"
			PRIu64 ",\n      \"errors\": %" PRIu64 ",\n      \"sim_time_ns\": %" PRIu64
			",\n      \"iops\": %.6f,\n      \"bw_bytes\": %.6f,\n      \"lat_ns\": { "
			"\"mean\": %.6f, \"p50\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"p99.9\": %"
			PRIu64 ", \"max\": %" PRIu64 " },\n", r->runs, r->ios, r->bytes, r->errors,
			r->sim_time_ns, r->iops, r->bw_bytes, r->lat_mean_ns, r->lat_p50_ns,
			r->lat_p99_ns, r->lat_p999_ns, r->lat_max_ns);
		fprintf(f, "      \"mmio_writes_per_io\": %.6f,\n      \"sq_doorbells_per_io\": "
			"%.6f,\n      \"cq_doorbells_per_io\": %.6f,\n      \"sq_shadow_per_io\": "
			"%.6f,\n      \"cq_shadow_per_io\": %.6f,\n      \"interrupts_per_io\": "
			"%.6f,\n      \"cqes_per_reap\": %.6f,\n      \"cpu_ns_per_io\": ",
			r->mmio_writes_per_io, r->sq_doorbells_per_io, r->cq_doorbells_per_io,
			r->sq_shadow_per_io, r->cq_shadow_per_io, r->interrupts_per_io,
			r->cqes_per_reap);
		if (isfinite(r->cpu_ns_per_io))
			fprintf(f, "%.6f", r->cpu_ns_per_io);
		else
			fputs("null", f);
		fprintf(f, ",\n      \"mean_inflight\": %.6f\n    }", r->mean_inflight);
	}
	fprintf(f, "%s]\n}\n", first ? "" : "\n  ");
	return 0;
}

/* plot_label - @v for a gnuplot title: tabs cannot occur; '"' would end a string there */
static void plot_label(FILE *f, const char *v)
{
	for (; *v; v++)
		fputc(*v == '"' ? '\'' : *v, f);
}

/* series_label - "key=value, key=value" of every key but the first at point @p */
static void series_label(FILE *f, const struct nvmesim_sweep *s, uint64_t p)
{
	unsigned int k;

	if (s->nr_keys < 2) {
		fputs("all points", f);
		return;
	}
	for (k = 1; k < s->nr_keys; k++) {
		fprintf(f, "%s%s=", k > 1 ? ", " : "", s->keys[k].name);
		plot_label(f, nvmesim_sweep_value(s, p, k));
	}
}

/* numeric - whether @v is a plain number, and its value */
static bool numeric(const char *v, double *x)
{
	char *end;

	*x = strtod(v, &end);
	return end != v && !*end && isfinite(*x);
}

/* struct plot_pt - one point of a series, for sorting by x */
struct plot_pt {
	double x;		/* the first key's value, or its position */
	uint64_t p;		/* point index */
};

/* plot_pt_cmp - qsort() order by x, then by point (ties cannot happen, values are distinct) */
static int plot_pt_cmp(const void *a, const void *b)
{
	const struct plot_pt *x = a, *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return x->p < y->p ? -1 : x->p > y->p;
}

/*
 * plot_write - sweep-plot.dat: one block per series (a combination of the
 * keys after the first), each opening with a header row whose third column
 * names the series (gnuplot's columnheader), then its points sorted by the
 * first key; tab-separated.  Returns 0 or -ENOMEM.
 */
static int plot_write(const void *arg, FILE *f)
{
	const struct merge_ctx *m = arg;
	const struct nvmesim_sweep *s = m->s;
	const struct nvmesim_sweep_row *r;
	unsigned int nx = s->nr_keys ? s->keys[0].nr : 1, xi, n;
	uint64_t nser = m->nr_points / nx, ser, p;
	struct plot_pt *pts;
	bool xnum = s->nr_keys > 0;
	unsigned int blocks = 0;
	double x;

	for (xi = 0; xnum && xi < nx; xi++)
		xnum = numeric(s->keys[0].values[xi], &x);
	pts = calloc(nx, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	fprintf(f, "# nvmesim sweep plot data (docs/sweeps.md): one block per series, x = %s\n",
		s->nr_keys ? s->keys[0].name : "(none)");
	for (ser = 0; ser < nser; ser++) {
		/* the first key varies slowest: a series is every nser-th point */
		for (n = 0, xi = 0; xi < nx; xi++) {
			p = (uint64_t)xi * nser + ser;
			if (!m->rows[p].runs)
				continue;
			pts[n].p = p;
			if (!xnum || !numeric(s->keys[0].values[xi], &pts[n].x))
				pts[n].x = xi + 1;
			n++;
		}
		if (!n)
			continue;
		qsort(pts, n, sizeof(*pts), plot_pt_cmp);
		/* blocks are separated by two blank lines; none after the last (gnuplot would
		 * count an empty block) */
		if (blocks++)
			fputs("\n\n", f);
		fputs("x\tx_label\t", f);
		series_label(f, s, pts[0].p);
		fputs("\tiops\tp99_us\tmmio_writes_per_io\tmean_us\tinterrupts_per_io\tx_numeric\n",
		      f);
		for (xi = 0; xi < n; xi++) {
			r = &m->rows[pts[xi].p];
			fprintf(f, "%.17g\t", pts[xi].x);
			if (s->nr_keys)
				plot_label(f, nvmesim_sweep_value(s, pts[xi].p, 0));
			else
				fputs("run", f);
			fputc('\t', f);
			series_label(f, s, pts[xi].p);
			fprintf(f, "\t%.3f\t%.3f\t%.6f\t%.3f\t%.6f\t%d\n", r->iops,
				(double)r->lat_p99_ns / 1000.0, r->mmio_writes_per_io,
				r->lat_mean_ns / 1000.0, r->interrupts_per_io, xnum ? 1 : 0);
		}
	}
	free(pts);
	return 0;
}

/* lat_label - the CDF curve's title for point @p: "iodepth=4 queues=2" (short keys) */
static void lat_label(FILE *f, const struct nvmesim_sweep *s, uint64_t p)
{
	unsigned int k;

	if (!s->nr_keys)
		fputs("run", f);
	for (k = 0; k < s->nr_keys; k++) {
		fprintf(f, "%s%s=", k ? " " : "", short_key(s->keys[k].name));
		plot_label(f, nvmesim_sweep_value(s, p, k));
	}
}

/*
 * lat_block - point @p's total-latency CDF as a block of sweep-lat.dat: a
 * header row naming the point, a row at the first bucket's lower bound with
 * 0, then the cumulative share at every non-empty bucket's upper bound
 * (clamped to the largest value, as percentiles are).
 */
static void lat_block(FILE *f, const struct nvmesim_sweep *s, uint64_t p,
		      const struct nvmesim_hist *h, bool first_block)
{
	uint64_t lo, hi, cum = 0;
	bool first = true;
	unsigned int i;

	if (!h->count)
		return;
	if (!first_block)
		fputs("\n\n", f);
	fputs("latency_us\tshare\t", f);
	lat_label(f, s, p);
	fprintf(f, "\t%" PRIu64 "\n", p);
	for (i = 0; i < NVMESIM_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		nvmesim_hist_bounds(i, &lo, &hi);
		if (first)
			fprintf(f, "%.3f\t0\t-\t%" PRIu64 "\n", (double)lo / 1000.0, p);
		first = false;
		cum += h->buckets[i];
		fprintf(f, "%.3f\t%.6f\t-\t%" PRIu64 "\n",
			(double)(hi < h->max ? hi : h->max) / 1000.0,
			(double)cum / (double)h->count, p);
	}
}

/* text_table - the rows for a terminal: keys, IOPS, bandwidth, latency, conversation */
static void text_table(FILE *f, const struct merge_ctx *m)
{
	const struct nvmesim_sweep *s = m->s;
	const struct nvmesim_sweep_row *r;
	unsigned int k, v;
	size_t w[NVMESIM_SWEEP_MAX_KEYS];
	uint64_t p;

	for (k = 0; k < s->nr_keys; k++) {
		w[k] = strlen(s->keys[k].name);
		for (v = 0; v < s->keys[k].nr; v++)
			w[k] = NVMESIM_MAX(w[k], strlen(s->keys[k].values[v]));
	}
	for (k = 0; k < s->nr_keys; k++)
		fprintf(f, "%*s  ", (int)w[k], s->keys[k].name);
	fprintf(f, "%12s %10s %10s %10s %10s %8s %8s %8s %8s\n", "IOPS", "MiB/s", "mean_us",
		"p99_us", "p99.9_us", "mmio/IO", "sqdb/IO", "irq/IO", "cqe/reap");
	for (p = 0; p < m->nr_points; p++) {
		r = &m->rows[p];
		if (!r->runs)
			continue;
		for (k = 0; k < s->nr_keys; k++)
			fprintf(f, "%*s  ", (int)w[k], nvmesim_sweep_value(s, p, k));
		fprintf(f, "%12.0f %10.1f %10.2f %10.2f %10.2f %8.3f %8.3f %8.3f %8.3f\n", r->iops,
			r->bw_bytes / 1048576.0, r->lat_mean_ns / 1000.0,
			(double)r->lat_p99_ns / 1000.0, (double)r->lat_p999_ns / 1000.0,
			r->mmio_writes_per_io, r->sq_doorbells_per_io, r->interrupts_per_io,
			r->cqes_per_reap);
	}
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
		ret = sweep_add_key(u, in[0].spec->keys[k].name, strlen(in[0].spec->keys[k].name));
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
				if (sweep_find_value(&u->keys[k], s->keys[k].values[v]) >= 0)
					continue;
				ret = sweep_add_value(&u->keys[k], s->keys[k].values[v],
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
	if (sweep_points(u) > NVMESIM_SWEEP_MAX_POINTS) {
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
				in[i].map[k][v] = sweep_find_value(&in[i].spec->keys[k],
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
		v = in->map[k][sweep_value_index(u, p, k)];
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

	point_name(u, p, name, sizeof(name));
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
		ret = mkdir_p(dst);
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
	lat_block(latf, u, p, lat, first_block);
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
	ret = n < 0 || (size_t)n >= sizeof(path) ? -ENAMETOOLONG : mkdir_p(path);
	if (ret) {
		nvmesim_diag_set(diag, "%s: %s", path, strerror(-ret));
		goto free;
	}
	m.s = u;
	m.nr_points = sweep_points(u);
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
		ret = write_diag(write_atomic(out, "sweep.csv", csv_write, &m), out, "sweep.csv",
				 diag);
	if (!ret)
		ret = write_diag(write_atomic(out, "sweep.json", json_write, &m), out,
				 "sweep.json", diag);
	if (!ret)
		ret = write_diag(write_atomic(out, "sweep-plot.dat", plot_write, &m), out,
				 "sweep-plot.dat", diag);
	if (!ret && text) {
		text_table(text, &m);
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
