/* SPDX-License-Identifier: MIT */
/*
 * settings.c - typed settings addressed by dotted paths: lookup, units,
 * `--set path=value`, and a YAML loader that fills them.
 *
 * A table entry says where a value lives (an offset into some struct), how
 * it is written (a count, a time, a size, a name from a list, ...) and which
 * values are allowed.  One parser per type serves YAML files and `--set`
 * alike, so the same value is accepted or refused with the same words
 * everywhere.  Units are exact: "1.5us" is 1500 ns, "0.5ns" is refused
 * rather than rounded, and anything beyond 2^64 - 1 is an error, never a
 * wrap-around.  A range with max 0 means "no upper bound but the type's".
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/settings.h"
#include "engine/yaml.h"

/* nvmesim_setting_find - linear lookup: tables have tens of entries, and lookups happen
 * once per key of a settings file, never per I/O */
const struct nvmesim_setting *nvmesim_setting_find(const struct nvmesim_settings_table *t,
						   const char *path)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (strcmp(t->s[i].path, path) == 0)
			return &t->s[i];
	return NULL;
}

/* nvmesim_settings_has_prefix - whether a path of @t continues @prefix with a dot */
bool nvmesim_settings_has_prefix(const struct nvmesim_settings_table *t, const char *prefix)
{
	size_t n = strlen(prefix);
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (strncmp(t->s[i].path, prefix, n) == 0 && t->s[i].path[n] == '.')
			return true;
	return false;
}

/* nvmesim_settings_suggest - offer @n each path below @prefix and its first component */
void nvmesim_settings_suggest(const struct nvmesim_settings_table *t, const char *prefix,
			      struct nvmesim_nearest *n)
{
	size_t plen = strlen(prefix);
	const char *rest, *dot;
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		if (strncmp(t->s[i].path, prefix, plen) != 0)
			continue;
		rest = t->s[i].path + plen;
		nvmesim_nearest_add(n, rest, strlen(rest));
		dot = strchr(rest, '.');
		if (dot)
			nvmesim_nearest_add(n, rest, (size_t)(dot - rest));
	}
}

/* nvmesim_parse_u64 - a whole string of decimal digits, or 0x and hex digits; 0 or -EINVAL
 * (also on overflow) */
int nvmesim_parse_u64(const char *text, uint64_t *v)
{
	const char *p = text;
	uint64_t x = 0;
	unsigned int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		if (!*p)
			return -EINVAL;
		for (; *p; p++) {
			if (*p >= '0' && *p <= '9')
				d = (unsigned int)(*p - '0');
			else if (*p >= 'a' && *p <= 'f')
				d = (unsigned int)(*p - 'a' + 10);
			else if (*p >= 'A' && *p <= 'F')
				d = (unsigned int)(*p - 'A' + 10);
			else
				return -EINVAL;
			if (x >> 60)
				return -EINVAL;
			x = x << 4 | d;
		}
		*v = x;
		return 0;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(*p - '0'), &x))
			return -EINVAL;
	}
	*v = x;
	return 0;
}

/* nvmesim_parse_coalescing - "THR,TIME_US" of host.coalescing: THR 1-256 completions,
 * TIME_US 0-25500 in steps of 100 (the 8-bit 0's based THR and 100 us TIME fields of
 * Interrupt Coalescing, NVMe 2.0 §5.27.1, Feature 08h); true and the two values if @text is
 * one (the trace reader checks the setting with it, the runner reads it) */
bool nvmesim_parse_coalescing(const char *text, unsigned int *thr, unsigned int *time_us)
{
	unsigned long v[2] = { 0, 0 };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (*text < '0' || *text > '9')
			return false;
		for (; *text >= '0' && *text <= '9'; text++) {
			v[i] = v[i] * 10 + (unsigned long)(*text - '0');
			if (v[i] > 25500)
				return false;
		}
		if (*text != (i ? '\0' : ','))
			return false;
		text++;
	}
	if (v[0] < 1 || v[0] > 256 || v[1] % 100)
		return false;
	*thr = (unsigned int)v[0];
	*time_us = (unsigned int)v[1];
	return true;
}

/* struct unit - a suffix and what it multiplies by */
struct unit {
	const char *name;
	uint64_t mult;
};

static const struct unit time_units[] = {
	{ "", 1 }, { "ns", 1 },
	{ "us", 1000 }, { "\xc2\xb5s", 1000 } /* U+00B5 micro sign */,
	{ "\xce\xbcs", 1000 } /* U+03BC Greek mu */,
	{ "ms", 1000000 }, { "s", 1000000000 },
};

static const struct unit size_units[] = {
	{ "", 1 }, { "B", 1 },
	{ "k", 1ull << 10 }, { "K", 1ull << 10 }, { "KiB", 1ull << 10 },
	{ "m", 1ull << 20 }, { "M", 1ull << 20 }, { "MiB", 1ull << 20 },
	{ "g", 1ull << 30 }, { "G", 1ull << 30 }, { "GiB", 1ull << 30 },
	{ "t", 1ull << 40 }, { "T", 1ull << 40 }, { "TiB", 1ull << 40 },
	{ "KB", 1000 }, { "kB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
	{ "TB", 1000000000000ull },
};

/* parse_scaled - "<digits>[.<digits>][ ]<unit>" with a unit from @units, exactly (a fraction
 * must give a whole number of base units); 0 or -EINVAL */
static int parse_scaled(const char *text, const struct unit *units, unsigned int nr,
			uint64_t *out)
{
	uint64_t ip = 0, frac = 0, den = 1, mult = 0, v, f;
	const char *p = text;
	bool digits = false;
	unsigned int i;

	for (; *p >= '0' && *p <= '9'; p++, digits = true)
		if (__builtin_mul_overflow(ip, 10, &ip) ||
		    __builtin_add_overflow(ip, (uint64_t)(*p - '0'), &ip))
			return -EINVAL;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (den >= 1000000000000000000ull)
				return -EINVAL;   /* more than 18 decimals: not a real value */
			frac = frac * 10 + (uint64_t)(*p - '0');
			den *= 10;
		}
	}
	if (!digits)
		return -EINVAL;
	while (*p == ' ')
		p++;
	for (i = 0; i < nr && !mult; i++)
		if (strcmp(p, units[i].name) == 0)
			mult = units[i].mult;
	if (!mult)
		return -EINVAL;
	if (__builtin_mul_overflow(ip, mult, &v) || __builtin_mul_overflow(frac, mult, &f))
		return -EINVAL;
	if (f % den)
		return -EINVAL;
	if (__builtin_add_overflow(v, f / den, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

/* nvmesim_parse_time - "45us" -> 45000 (ns, us, µs, ms, s; bare numbers are ns); 0 or
 * -EINVAL */
int nvmesim_parse_time(const char *text, uint64_t *ns)
{
	return parse_scaled(text, time_units, NVMESIM_ARRAY_SIZE(time_units), ns);
}

/* nvmesim_parse_size - "4KiB" -> 4096 (binary k/K/KiB..., decimal KB/MB/GB/TB, bare numbers
 * and 0x hex are bytes); 0 or -EINVAL */
int nvmesim_parse_size(const char *text, uint64_t *bytes)
{
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return nvmesim_parse_u64(text, bytes);
	return parse_scaled(text, size_units, NVMESIM_ARRAY_SIZE(size_units), bytes);
}

/* nvmesim_parse_bool - YAML 1.1's spellings of true and false, any case; 0 or -EINVAL */
int nvmesim_parse_bool(const char *text, bool *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*v = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*v = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* type_max - the largest value a type can hold, and the bound when the table says 0 */
static uint64_t type_max(const struct nvmesim_setting *s)
{
	uint64_t natural;

	switch (s->type) {
	case NVMESIM_SET_UINT:
		natural = UINT_MAX;
		break;
	case NVMESIM_SET_SIZE32:
		natural = UINT32_MAX;
		break;
	default:
		natural = UINT64_MAX;
		break;
	}
	return s->max && s->max < natural ? s->max : natural;
}

/* fmt_scaled - @v with the largest unit of @units that divides it exactly */
static void fmt_scaled(char *buf, size_t len, uint64_t v, const char *const *names,
		       const uint64_t *mults, unsigned int nr)
{
	unsigned int i;

	if (v == UINT64_MAX) {
		snprintf(buf, len, "2^64-1");
		return;
	}
	for (i = nr; i-- > 1;)
		if (v && v % mults[i] == 0)
			break;
	snprintf(buf, len, "%llu%s", (unsigned long long)(v / mults[i]), names[i]);
}

/* fmt_time - 1500000 -> "1500us", 2000000 -> "2ms" */
static void fmt_time(char *buf, size_t len, uint64_t ns)
{
	static const char *const names[] = { "ns", "us", "ms", "s" };
	static const uint64_t mults[] = { 1, 1000, 1000000, 1000000000 };

	fmt_scaled(buf, len, ns, names, mults, 4);
}

/* fmt_size - 4096 -> "4KiB" */
static void fmt_size(char *buf, size_t len, uint64_t b)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const uint64_t mults[] = { 1, 1ull << 10, 1ull << 20, 1ull << 30, 1ull << 40 };

	fmt_scaled(buf, len, b, names, mults, 5);
}

/* nvmesim_setting_describe - what a value of @s looks like, with its range; returns @buf */
const char *nvmesim_setting_describe(const struct nvmesim_setting *s, char *buf, size_t len)
{
	char lo[32], hi[32];
	uint64_t max = type_max(s);
	bool bounded = s->min || s->max;
	size_t n = 0;
	unsigned int i;

	switch (s->type) {
	case NVMESIM_SET_U64:
	case NVMESIM_SET_UINT:
	case NVMESIM_SET_HEX:
		if (bounded)
			snprintf(buf, len, "a number from %llu to %llu",
				 (unsigned long long)s->min, (unsigned long long)max);
		else
			snprintf(buf, len, "a number");
		break;
	case NVMESIM_SET_TIME:
		fmt_time(lo, sizeof(lo), s->min);
		fmt_time(hi, sizeof(hi), max);
		if (bounded)
			snprintf(buf, len, "a time (ns, us, ms, s) from %s to %s", lo, hi);
		else
			snprintf(buf, len, "a time (ns, us, ms, s)");
		break;
	case NVMESIM_SET_SIZE:
	case NVMESIM_SET_SIZE32:
		fmt_size(lo, sizeof(lo), s->min);
		fmt_size(hi, sizeof(hi), max);
		if (bounded)
			snprintf(buf, len, "a size (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB) "
				 "from %s to %s", lo, hi);
		else
			snprintf(buf, len, "a size (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
		break;
	case NVMESIM_SET_BOOL:
		snprintf(buf, len, "true or false");
		break;
	case NVMESIM_SET_ENUM:
		buf[0] = '\0';
		for (i = 0; s->names && s->names[i] && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i == 0 ? "" :
					      s->names[i + 1] ? ", " : " or ", s->names[i]);
		break;
	case NVMESIM_SET_STR:
		snprintf(buf, len, "%s of %llu to %llu characters", s->min ? "a name" : "a text",
			 (unsigned long long)s->min,
			 (unsigned long long)(s->max ? s->max - 1 : 0));
		break;
	default:
		snprintf(buf, len, "a value");
		break;
	}
	return buf;
}

/* nvmesim_setting_parse - parse @text as @s says and store it in @base; 0, or -EINVAL with
 * "expected ..., got '...'" in @err */
int nvmesim_setting_parse(const struct nvmesim_setting *s, void *base, const char *text,
			  char *err, size_t errlen)
{
	char buf[256], desc[160], q[72];
	char *field = (char *)base + s->offset;
	const char *p = text;
	uint64_t v = 0;
	size_t n;
	bool b;
	unsigned int i;
	int r = -EINVAL;

	/* Surrounding blanks come from `--set "k= 4"`; YAML has trimmed them already. */
	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= sizeof(buf))
		goto bad;
	memcpy(buf, p, n);
	buf[n] = '\0';

	switch (s->type) {
	case NVMESIM_SET_U64:
	case NVMESIM_SET_UINT:
	case NVMESIM_SET_HEX:
		r = nvmesim_parse_u64(buf, &v);
		break;
	case NVMESIM_SET_TIME:
		r = nvmesim_parse_time(buf, &v);
		break;
	case NVMESIM_SET_SIZE:
	case NVMESIM_SET_SIZE32:
		r = nvmesim_parse_size(buf, &v);
		break;
	case NVMESIM_SET_BOOL:
		r = nvmesim_parse_bool(buf, &b);
		if (!r)
			*(bool *)field = b;
		goto done;
	case NVMESIM_SET_ENUM:
		for (i = 0; s->names && s->names[i]; i++) {
			if (strcasecmp(buf, s->names[i]) == 0) {
				*(int *)field = (int)i;
				r = 0;
				break;
			}
		}
		goto done;
	case NVMESIM_SET_STR:
		if (n < s->min || (s->max && n >= s->max))
			goto bad;
		memcpy(field, buf, n + 1);
		r = 0;
		goto done;
	}
	if (r || v < s->min || v > type_max(s))
		goto bad;
	switch (s->type) {
	case NVMESIM_SET_UINT:
		*(unsigned int *)field = (unsigned int)v;
		break;
	case NVMESIM_SET_SIZE32:
		*(uint32_t *)field = (uint32_t)v;
		break;
	default:
		*(uint64_t *)field = v;
		break;
	}
	return 0;
done:
	if (!r)
		return 0;
bad:
	nvmesim_setting_describe(s, desc, sizeof(desc));
	snprintf(err, errlen, "expected %s, got '%s'", desc, nvmesim_quote(text, q, sizeof(q)));
	return -EINVAL;
}

/* nvmesim_settings_set - apply one "path=value" (or @path and @value) to @base; 0, or -EINVAL
 * with "unknown setting '...'; did you mean '...'?" or "path: expected ..., got '...'" */
int nvmesim_settings_set(const struct nvmesim_settings_table *t, void *base, const char *path,
			 const char *value, struct nvmesim_diag *diag)
{
	char p[NVMESIM_YAML_PATH_MAX], err[320], q[72];
	const struct nvmesim_setting *s;
	struct nvmesim_nearest n;
	const char *eq, *best;
	size_t len;

	if (diag) {
		diag->file = NULL;
		diag->line = 0;
		diag->column = 0;
	}
	if (!value) {
		eq = strchr(path, '=');
		if (!eq || eq == path) {
			nvmesim_diag_set(diag, "expected path=value, got '%s'",
					 nvmesim_quote(path, q, sizeof(q)));
			return -EINVAL;
		}
		len = (size_t)(eq - path);
		value = eq + 1;
	} else {
		len = strlen(path);
	}
	if (len >= sizeof(p))
		len = sizeof(p) - 1;
	memcpy(p, path, len);
	p[len] = '\0';
	s = nvmesim_setting_find(t, p);
	if (!s) {
		nvmesim_nearest_init(&n, p);
		nvmesim_settings_suggest(t, "", &n);
		best = nvmesim_nearest_get(&n);
		if (best)
			nvmesim_diag_set(diag, "unknown setting '%s'; did you mean '%s'?",
					 nvmesim_quote(p, q, sizeof(q)), best);
		else
			nvmesim_diag_set(diag, "unknown setting '%s'",
					 nvmesim_quote(p, q, sizeof(q)));
		return -EINVAL;
	}
	if (nvmesim_setting_parse(s, base, value, err, sizeof(err))) {
		nvmesim_diag_set(diag, "%s: %s", s->path, err);
		return -EINVAL;
	}
	return 0;
}

/* nvmesim_yaml_load_settings - apply a whole YAML file of nested mappings to @base through @t;
 * 0, -errno when the file cannot be read, or -EINVAL with "file:line:column: ..." */
int nvmesim_yaml_load_settings(const char *path, const struct nvmesim_settings_table *t,
			       void *base, struct nvmesim_diag *diag)
{
	struct nvmesim_yaml_walk w = {
		.table = t, .base = base, .root = "settings",
	};
	struct nvmesim_yaml y;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		nvmesim_diag_set(diag, "%s: cannot open: %s", path, strerror(-r));
		if (diag) {
			diag->file = path;
			diag->line = 0;
			diag->column = 0;
		}
		return r;
	}
	w.seen = calloc(t->nr ? t->nr : 1, sizeof(*w.seen));
	if (!w.seen) {
		r = -ENOMEM;
		goto close_fd;
	}
	r = nvmesim_yaml_open_fd(&y, fd, path, diag);
	if (r)
		goto free_seen;
	r = nvmesim_yaml_next(&y);                     /* stream start */
	if (!r)
		r = nvmesim_yaml_next(&y);             /* document start, or an empty file */
	if (!r && y.ev.type != YAML_DOCUMENT_START_EVENT)
		r = nvmesim_yaml_error(&y, &y.ev.start_mark, w.root,
				       "expected a mapping of settings, got an empty file");
	if (!r)
		r = nvmesim_yaml_next(&y);
	if (!r)
		r = nvmesim_yaml_walk(&y, &w);
	if (!r)
		r = nvmesim_yaml_next(&y);             /* document end */
	if (!r)
		r = nvmesim_yaml_next(&y);
	if (!r && y.ev.type != YAML_STREAM_END_EVENT)
		r = nvmesim_yaml_got(&y, w.root, "a single YAML document");
	nvmesim_yaml_close(&y);
free_seen:
	free(w.seen);
close_fd:
	close(fd);
	return r;
}
