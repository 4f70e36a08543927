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
 *
 * This file holds the keys, values and points and sweep-spec;
 * sweep-tables.c computes the rows and writes the tables, sweep-merge.c
 * combines sweep and run folders into a sweep.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmesim/sweep.h>

#include "engine/nvmesim-internal.h"
#include "engine/sweep.h"

/* The first line of sweep-spec: the format and its version. */
#define SPEC_MAGIC "# nvmesim sweep-spec 1"
/* Bytes of a value, of a key, of a line of sweep-spec. */
#define VALUE_MAX 256
#define KEY_MAX 128
#define SPEC_LINE_MAX 65536

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

/* nvmesim_sweep_find_value - index of @value among key @k's values, or -1 */
long nvmesim_sweep_find_value(const struct sweep_key *k, const char *value)
{
	unsigned int v;

	for (v = 0; v < k->nr; v++)
		if (!strcmp(k->values[v], value))
			return (long)v;
	return -1;
}

/* nvmesim_sweep_add_key - a new key without values; 0, -EINVAL (too many) or -ENOMEM */
int nvmesim_sweep_add_key(struct nvmesim_sweep *s, const char *name, size_t n)
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

/* nvmesim_sweep_add_value - append value @v (@n bytes) to key @k; 0, -EINVAL (too many) or
 * -ENOMEM */
int nvmesim_sweep_add_value(struct sweep_key *k, const char *v, size_t n)
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

/* nvmesim_sweep_count_points - the cross product's size, saturating above the limit */
uint64_t nvmesim_sweep_count_points(const struct nvmesim_sweep *s)
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
	ret = nvmesim_sweep_add_key(s, arg, (size_t)(eq - arg));
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
		ret = nvmesim_sweep_add_value(k, p, n);
		if (ret) {
			if (ret == -EINVAL)
				nvmesim_diag_set(diag, "--vary %s: at most %u values", k->name,
						 NVMESIM_SWEEP_MAX_VALUES);
			goto drop;
		}
		if (!end)
			break;
	}
	if (nvmesim_sweep_count_points(s) > NVMESIM_SWEEP_MAX_POINTS) {
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
	return nvmesim_sweep_count_points(s);
}

/* nvmesim_sweep_value_index - which value of key @k point @point has (the last key varies
 * fastest) */
unsigned int nvmesim_sweep_value_index(const struct nvmesim_sweep *s, uint64_t point,
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
	if (k >= s->nr_keys || point >= nvmesim_sweep_count_points(s))
		return NULL;
	return s->keys[k].values[nvmesim_sweep_value_index(s, point, k)];
}

/* nvmesim_sweep_short_key - the last part of a dotted key: "iodepth" of "jobs.0.iodepth" */
const char *nvmesim_sweep_short_key(const char *key)
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

	if (point >= nvmesim_sweep_count_points(s))
		return -ERANGE;
	if (!s->nr_keys)
		snprintf(slug, sizeof(slug), "run");
	for (k = 0; k < s->nr_keys; k++) {
		key = nvmesim_sweep_short_key(s->keys[k].name);
		v = s->keys[k].values[nvmesim_sweep_value_index(s, point, k)];
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
	return nvmesim_write_atomic(dir, "sweep-spec", spec_write, s);
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
		ret = nvmesim_sweep_add_key(s, field[1], strlen(field[1]));
		if (ret == -EINVAL)
			goto bad;
		if (ret)
			return ret;
		k = &s->keys[s->nr_keys - 1];
		for (i = 2; i < nf; i++) {
			if (!*field[i] || nvmesim_sweep_find_value(k, field[i]) >= 0)
				goto bad;
			ret = nvmesim_sweep_add_value(k, field[i], strlen(field[i]));
			if (ret)
				return ret;
		}
		if (nvmesim_sweep_count_points(s) > NVMESIM_SWEEP_MAX_POINTS)
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
