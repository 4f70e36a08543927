/* SPDX-License-Identifier: MIT */
/*
 * yaml.c - libyaml's event parser with positions, messages and a settings walker.
 *
 * Only the event API (yaml_parser_parse) is used, never the document loader:
 * the caller sees one event at a time and nothing accumulates, which is what
 * lets a ten-million-operation trace be read in constant memory.  libyaml
 * counts lines and columns from 0; every message here counts them from 1, as
 * editors and compilers do.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/yaml.h"

/* yaml_read_fd - libyaml's read handler: read() from the descriptor, retrying on EINTR */
static int yaml_read_fd(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
	struct nvmesim_yaml *y = data;
	ssize_t n;

	do {
		n = read(y->fd, buf, size);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		y->read_errno = errno;
		return 0;
	}
	*size_read = (size_t)n;
	return 1;
}

/* yaml_init - common part of the two openers */
static int yaml_init(struct nvmesim_yaml *y, const char *file, unsigned long line_base,
		     struct nvmesim_diag *diag)
{
	memset(y, 0, sizeof(*y));
	y->file = file;
	y->line_base = line_base;
	y->fd = -1;
	y->diag = diag;
	if (!yaml_parser_initialize(&y->parser)) {
		nvmesim_diag_set(diag, "%s: out of memory", file);
		return -ENOMEM;
	}
	return 0;
}

/* nvmesim_yaml_open_fd - parse @fd (not closed here); returns 0 or -ENOMEM */
int nvmesim_yaml_open_fd(struct nvmesim_yaml *y, int fd, const char *file,
			 struct nvmesim_diag *diag)
{
	int r = yaml_init(y, file, 0, diag);

	if (r)
		return r;
	y->fd = fd;
	y->fd_start = lseek(fd, 0, SEEK_CUR);
	yaml_parser_set_input(&y->parser, yaml_read_fd, y);
	return 0;
}

/* nvmesim_yaml_open_string - parse @len bytes at @s, which starts on line @first_line
 * (1-based) of @file; returns 0 or -ENOMEM */
int nvmesim_yaml_open_string(struct nvmesim_yaml *y, const char *s, size_t len, const char *file,
			     unsigned long first_line, struct nvmesim_diag *diag)
{
	int r = yaml_init(y, file, first_line ? first_line - 1 : 0, diag);

	if (r)
		return r;
	y->str = s;
	y->str_len = len;
	yaml_parser_set_input_string(&y->parser, (const unsigned char *)s, len);
	return 0;
}

/* nvmesim_yaml_close - free the current event and the parser; safe to call twice */
void nvmesim_yaml_close(struct nvmesim_yaml *y)
{
	if (y->have)
		yaml_event_delete(&y->ev);
	y->have = false;
	yaml_parser_delete(&y->parser);
	memset(&y->parser, 0, sizeof(y->parser));
}

/* nvmesim_yaml_line - 1-based file line of mark @m */
unsigned long nvmesim_yaml_line(const struct nvmesim_yaml *y, const yaml_mark_t *m)
{
	return (unsigned long)m->line + 1 + y->line_base;
}

/* nvmesim_yaml_column - 1-based column of mark @m */
unsigned int nvmesim_yaml_column(const yaml_mark_t *m)
{
	return (unsigned int)m->column + 1;
}

/* yaml_verror - format "file:line:column: field: msg" into the diag */
static int yaml_verror(struct nvmesim_yaml *y, unsigned long line, unsigned int col,
		       const char *field, const char *fmt, va_list ap)
{
	char msg[sizeof(y->diag->msg)];

	if (!y->diag)
		return -EINVAL;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	nvmesim_diag_set(y->diag, "%s:%lu:%u: %s: %s", y->file, line, col, field, msg);
	y->diag->file = y->file;
	y->diag->line = (unsigned int)line;
	y->diag->column = col;
	return -EINVAL;
}

/* nvmesim_yaml_error - report a problem at mark @m; returns -EINVAL */
int nvmesim_yaml_error(struct nvmesim_yaml *y, const yaml_mark_t *m, const char *field,
		       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = yaml_verror(y, nvmesim_yaml_line(y, m), nvmesim_yaml_column(m), field, fmt, ap);
	va_end(ap);
	return r;
}

/* yaml_count_to - advance the 0-based @m over the bytes @b[0..@n) of UTF-8 input: lines end at
 * LF, CRLF or a lone CR (as libyaml breaks them), columns count characters */
static void yaml_count_to(yaml_mark_t *m, const unsigned char *b, size_t n, bool *cr)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] == '\n' && *cr) {
			*cr = false;          /* the LF of a CRLF: the line already ended */
			continue;
		}
		*cr = b[i] == '\r';
		if (b[i] == '\n' || b[i] == '\r') {
			m->line++;
			m->column = 0;
		} else if ((b[i] & 0xc0) != 0x80) {
			m->column++;      /* not a continuation byte: a new character */
		}
	}
}

/*
 * yaml_offset_mark - the line and column of byte @offset of the input, into
 * @m; false if the input cannot be read again (a pipe).  libyaml reports
 * reader errors (bad UTF-8, control characters) with a byte offset only, and
 * its current mark then still points at the last token, often line 1.
 */
static bool yaml_offset_mark(const struct nvmesim_yaml *y, size_t offset, yaml_mark_t *m)
{
	unsigned char buf[4096];
	size_t done = 0, want;
	bool cr = false;
	ssize_t n;

	memset(m, 0, sizeof(*m));
	if (y->fd < 0) {
		if (offset > y->str_len)
			return false;
		yaml_count_to(m, (const unsigned char *)y->str, offset, &cr);
		return true;
	}
	if (y->fd_start < 0)
		return false;
	while (done < offset) {
		want = NVMESIM_MIN(sizeof(buf), offset - done);
		n = pread(y->fd, buf, want, y->fd_start + (off_t)done);
		if (n <= 0)
			return false;
		yaml_count_to(m, buf, (size_t)n, &cr);
		done += (size_t)n;
	}
	return true;
}

/* nvmesim_yaml_next - parse the next event; 0, -EINVAL (syntax), -ENOMEM or -errno (read) */
int nvmesim_yaml_next(struct nvmesim_yaml *y)
{
	const yaml_parser_t *p = &y->parser;

	if (y->have)
		yaml_event_delete(&y->ev);
	y->have = false;
	if (yaml_parser_parse(&y->parser, &y->ev)) {
		y->have = true;
		return 0;
	}
	if (y->read_errno) {
		nvmesim_diag_set(y->diag, "%s: cannot read: %s", y->file, strerror(y->read_errno));
		if (y->diag) {
			y->diag->file = y->file;
			y->diag->line = 0;
			y->diag->column = 0;
		}
		return -y->read_errno;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		nvmesim_diag_set(y->diag, "%s: out of memory", y->file);
		return -ENOMEM;
	}
	/* Reader errors (bad UTF-8, control characters) carry a byte offset rather
	 * than a mark: find its line and column (UTF-8 input), else fall back on the
	 * parser's current mark, the nearest position known. */
	if (p->error == YAML_READER_ERROR) {
		yaml_mark_t at;

		if (p->encoding == YAML_UTF8_ENCODING &&
		    yaml_offset_mark(y, p->problem_offset, &at))
			return nvmesim_yaml_error(y, &at, "syntax error", "%s",
						  p->problem ? p->problem : "unreadable input");
		return nvmesim_yaml_error(y, &p->mark, "syntax error", "%s (byte %zu of the input)",
					  p->problem ? p->problem : "unreadable input",
					  p->problem_offset);
	}
	if (p->context)
		return nvmesim_yaml_error(y, &p->problem_mark, "syntax error", "%s (%s at %lu:%u)",
					  p->problem ? p->problem : "invalid YAML", p->context,
					  nvmesim_yaml_line(y, &p->context_mark),
					  nvmesim_yaml_column(&p->context_mark));
	return nvmesim_yaml_error(y, &p->problem_mark, "syntax error", "%s",
				  p->problem ? p->problem : "invalid YAML");
}

/* nvmesim_yaml_event_what - how messages name a non-scalar event */
const char *nvmesim_yaml_event_what(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a sequence";
	case YAML_ALIAS_EVENT:
		return "an alias (anchors and aliases are not supported)";
	case YAML_MAPPING_END_EVENT:
		return "the end of the mapping";
	case YAML_SEQUENCE_END_EVENT:
		return "the end of the sequence";
	case YAML_DOCUMENT_START_EVENT:
		return "a second document";
	case YAML_DOCUMENT_END_EVENT:
	case YAML_STREAM_END_EVENT:
		return "the end of the file";
	case YAML_SCALAR_EVENT:
		return "a scalar";
	default:
		return "nothing";
	}
}

/* nvmesim_quote - @text cut to fit @len (with "..." when cut); returns @buf */
const char *nvmesim_quote(const char *text, char *buf, size_t len)
{
	size_t n = strlen(text);

	if (n < len) {
		memcpy(buf, text, n + 1);
		return buf;
	}
	if (len < 4) {
		buf[0] = '\0';
		return buf;
	}
	memcpy(buf, text, len - 4);
	memcpy(buf + len - 4, "...", 4);
	return buf;
}

/* nvmesim_yaml_got - "field: expected X, got <current event>"; returns -EINVAL */
int nvmesim_yaml_got(struct nvmesim_yaml *y, const char *field, const char *expected)
{
	char q[72];

	if (y->ev.type == YAML_SCALAR_EVENT) {
		nvmesim_quote((const char *)y->ev.data.scalar.value, q, sizeof(q));
		return nvmesim_yaml_error(y, &y->ev.start_mark, field, "expected %s, got '%s'",
					  expected, q);
	}
	return nvmesim_yaml_error(y, &y->ev.start_mark, field, "expected %s, got %s", expected,
				  nvmesim_yaml_event_what(&y->ev));
}

/* nvmesim_nearest_init - begin a search for the candidate nearest to @word */
void nvmesim_nearest_init(struct nvmesim_nearest *n, const char *word)
{
	n->word = word;
	n->best[0] = '\0';
	n->dist = ~0u;
}

/* lower - ASCII lower case, so "TR" and "tR" are one edit apart at most */
static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* nvmesim_nearest_add - consider a candidate; keeps the first of equally near ones */
void nvmesim_nearest_add(struct nvmesim_nearest *n, const char *cand, size_t len)
{
	/* Optimal string alignment distance (Levenshtein plus adjacent
	 * transpositions, "lab" -> "lba" is one edit), case-insensitive. */
	unsigned int d[3][NVMESIM_YAML_PATH_MAX + 1];
	size_t wl = strlen(n->word);
	unsigned int *prev2 = d[0], *prev = d[1], *cur = d[2], *tmp;
	size_t i, j;

	if (len >= NVMESIM_YAML_PATH_MAX || wl >= NVMESIM_YAML_PATH_MAX)
		return;
	for (j = 0; j <= len; j++)
		prev[j] = (unsigned int)j;
	for (i = 1; i <= wl; i++) {
		cur[0] = (unsigned int)i;
		for (j = 1; j <= len; j++) {
			unsigned int cost = lower(n->word[i - 1]) != lower(cand[j - 1]);
			unsigned int v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && lower(n->word[i - 1]) == lower(cand[j - 2]) &&
			    lower(n->word[i - 2]) == lower(cand[j - 1]) && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	if (prev[len] < n->dist) {
		n->dist = prev[len];
		memcpy(n->best, cand, len);
		n->best[len] = '\0';
	}
}

/* nvmesim_nearest_get - the nearest candidate when it is a plausible typo, else NULL */
const char *nvmesim_nearest_get(const struct nvmesim_nearest *n)
{
	size_t l = NVMESIM_MAX(strlen(n->word), strlen(n->best));
	unsigned int allowed = l <= 3 ? 1 : l <= 6 ? 2 : 3;

	if (!n->best[0] || !n->word[0] || n->dist > allowed)
		return NULL;
	return n->best;
}

/* walk_unknown - the message for a key no setting has */
static int walk_unknown(struct nvmesim_yaml *y, const struct nvmesim_yaml_walk *w,
			const yaml_mark_t *m, const char *path, size_t plen)
{
	char field[NVMESIM_YAML_PATH_MAX + 64];
	char prefix[NVMESIM_YAML_PATH_MAX];
	struct nvmesim_nearest n;
	const char *const *e;
	const char *best;
	char q[72];

	memcpy(prefix, path, plen);
	prefix[plen] = '\0';
	nvmesim_nearest_init(&n, path + plen);
	nvmesim_settings_suggest(w->table, prefix, &n);
	if (!plen && w->extra)
		for (e = w->extra; *e; e++)
			nvmesim_nearest_add(&n, *e, strlen(*e));
	if (plen)
		snprintf(field, sizeof(field), "%s%.*s", w->prefix ? w->prefix : "",
			 (int)(plen - 1), path);
	else
		snprintf(field, sizeof(field), "%s", w->root);
	best = nvmesim_nearest_get(&n);
	nvmesim_quote(path + plen, q, sizeof(q));
	if (best)
		return nvmesim_yaml_error(y, m, field,
					  "expected a known key, got '%s'; did you mean '%s'?", q,
					  best);
	return nvmesim_yaml_error(y, m, field, "expected a known key, got '%s'", q);
}

/* walk_seen - refuse a second value for @s (or an alias of it: an entry at the same offset),
 * else record the line that set it; 0 or -EINVAL */
static int walk_seen(struct nvmesim_yaml *y, const struct nvmesim_yaml_walk *w,
		     const struct nvmesim_setting *s, const yaml_mark_t *m, const char *field)
{
	unsigned int i, idx = (unsigned int)(s - w->table->s);

	if (!w->seen)
		return 0;
	for (i = 0; i < w->table->nr; i++) {
		if (w->table->s[i].offset != s->offset || !w->seen[i])
			continue;
		return nvmesim_yaml_error(y, m, field,
					  "expected one value, got a second one (the first, "
					  "'%s', is on line %u)", w->table->s[i].path, w->seen[i]);
	}
	w->seen[idx] = (unsigned int)nvmesim_yaml_line(y, m);
	return 0;
}

/* walk_field - the display name of @path in messages ("jobs.0.bs") */
static const char *walk_field(const struct nvmesim_yaml_walk *w, const char *path, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%s%s", w->prefix ? w->prefix : "", path);
	return buf;
}

/* walk_scalar - store the scalar value (current event) of setting @s, whose key is at @km */
static int walk_scalar(struct nvmesim_yaml *y, const struct nvmesim_yaml_walk *w,
		       const struct nvmesim_setting *s, const char *path, const yaml_mark_t *km)
{
	char err[256], field[NVMESIM_YAML_PATH_MAX + 64];
	yaml_mark_t m = y->ev.start_mark;
	int r;

	walk_field(w, path, field, sizeof(field));
	r = walk_seen(y, w, s, km, field);
	if (r)
		return r;
	r = nvmesim_setting_parse(s, w->base, (const char *)y->ev.data.scalar.value, err,
				  sizeof(err));
	if (!r && w->check)
		r = w->check(w->ctx, s, w->base, (const char *)y->ev.data.scalar.value, err,
			     sizeof(err));
	if (r)
		return nvmesim_yaml_error(y, &m, field, "%s", err);
	return 0;
}

/* walk_map - apply the mapping whose start is current; @path holds @plen bytes of prefix */
static int walk_map(struct nvmesim_yaml *y, const struct nvmesim_yaml_walk *w, char *path,
		    size_t plen, unsigned int depth)
{
	char field[NVMESIM_YAML_PATH_MAX + 64], desc[128];
	const struct nvmesim_setting *s;
	yaml_mark_t keymark;
	size_t klen;
	int r;

	for (;;) {
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (plen)
			snprintf(field, sizeof(field), "%s%.*s", w->prefix ? w->prefix : "",
				 (int)(plen - 1), path);
		else
			snprintf(field, sizeof(field), "%s", w->root);
		if (y->ev.type != YAML_SCALAR_EVENT)
			return nvmesim_yaml_got(y, field, "a key");
		klen = y->ev.data.scalar.length;
		if (plen + klen + 2 > NVMESIM_YAML_PATH_MAX ||
		    memchr(y->ev.data.scalar.value, 0, klen))
			return nvmesim_yaml_got(y, field, "a known key");
		memcpy(path + plen, y->ev.data.scalar.value, klen + 1);
		keymark = y->ev.start_mark;
		if (!depth && w->key) {
			r = w->key(w->ctx, y, path);
			if (r < 0 || r == NVMESIM_YAML_STOP)
				return r;
			if (r > 0)
				continue;
		}
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		s = nvmesim_setting_find(w->table, path);
		walk_field(w, path, field, sizeof(field));
		switch (y->ev.type) {
		case YAML_SCALAR_EVENT:
			if (s)
				r = walk_scalar(y, w, s, path, &keymark);
			else if (nvmesim_settings_has_prefix(w->table, path))
				r = nvmesim_yaml_got(y, field, "a mapping");
			else
				r = walk_unknown(y, w, &keymark, path, plen);
			break;
		case YAML_MAPPING_START_EVENT:
			if (s) {
				r = nvmesim_yaml_got(y, field, nvmesim_setting_describe(
							     s, desc, sizeof(desc)));
			} else if (nvmesim_settings_has_prefix(w->table, path)) {
				path[plen + klen] = '.';
				path[plen + klen + 1] = '\0';
				r = walk_map(y, w, path, plen + klen + 1, depth + 1);
			} else {
				r = walk_unknown(y, w, &keymark, path, plen);
			}
			break;
		default:
			if (s)
				r = nvmesim_yaml_got(y, field, nvmesim_setting_describe(
							     s, desc, sizeof(desc)));
			else if (nvmesim_settings_has_prefix(w->table, path))
				r = nvmesim_yaml_got(y, field, "a mapping");
			else
				r = walk_unknown(y, w, &keymark, path, plen);
			break;
		}
		if (r)
			return r;
	}
}

/* nvmesim_yaml_walk - apply the mapping that starts at the current event; 0, NVMESIM_YAML_STOP
 * or -errno */
int nvmesim_yaml_walk(struct nvmesim_yaml *y, const struct nvmesim_yaml_walk *w)
{
	char path[NVMESIM_YAML_PATH_MAX];

	path[0] = '\0';
	if (y->ev.type != YAML_MAPPING_START_EVENT)
		return nvmesim_yaml_got(y, w->root, "a mapping");
	return walk_map(y, w, path, 0, 0);
}
