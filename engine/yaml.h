/* SPDX-License-Identifier: MIT */
/*
 * yaml.h - a thin layer over libyaml's event parser shared by the settings
 * loader (profiles) and the trace reader.
 *
 * It keeps one event at a time (streaming: memory does not grow with the
 * file), turns libyaml's 0-based marks into the 1-based "file:line:column"
 * every message starts with, and walks nested mappings into dotted paths of a
 * settings table ("nand: {tR: 45us}" sets "nand.tR").  It also finds the known
 * name nearest to a misspelt one, for "did you mean ...?" hints.
 */
#ifndef NVMESIM_ENGINE_YAML_H
#define NVMESIM_ENGINE_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <yaml.h>

#include "engine/nvmesim-internal.h"
#include "engine/settings.h"

/* Longest dotted path a walk builds ("jobs.0.rwmixread" is far below it). */
#define NVMESIM_YAML_PATH_MAX 128

/* struct nvmesim_yaml - an event parser over a file descriptor or a string */
struct nvmesim_yaml {
	yaml_parser_t parser;        /* libyaml's event parser */
	yaml_event_t ev;             /* the current event, valid while @have */
	bool have;                   /* @ev holds an event that must be deleted */
	const char *file;            /* file name for messages */
	unsigned long line_base;     /* added to libyaml's 0-based line (items parsed alone) */
	int fd;                      /* input file, or -1 when reading a string */
	off_t fd_start;              /* @fd's offset when parsing began (-1: not seekable) */
	const char *str;             /* ... else the string */
	size_t str_len;
	int read_errno;              /* errno of a failed read(), reported as -errno */
	struct nvmesim_diag *diag;   /* receives the messages (may be NULL) */
};

/* nvmesim_yaml_open_fd - start parsing @fd (not owned) for @file; 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_yaml_open_fd(struct nvmesim_yaml *y, int fd, const char *file,
				      struct nvmesim_diag *diag);

/* nvmesim_yaml_open_string - start parsing @len bytes at @s, whose first line is line
 * @first_line of @file; 0 or -ENOMEM */
NVMESIM_PRIV int nvmesim_yaml_open_string(struct nvmesim_yaml *y, const char *s, size_t len,
					  const char *file, unsigned long first_line,
					  struct nvmesim_diag *diag);

/* nvmesim_yaml_close - free the parser and the current event */
NVMESIM_PRIV void nvmesim_yaml_close(struct nvmesim_yaml *y);

/* nvmesim_yaml_next - drop the current event and parse the next one into y->ev; 0, -EINVAL
 * for a syntax error (libyaml's problem text and position in the diag), or -errno of a
 * failed read */
NVMESIM_PRIV int nvmesim_yaml_next(struct nvmesim_yaml *y);

/* nvmesim_yaml_line / nvmesim_yaml_column - the 1-based position of @m in the file */
NVMESIM_PRIV unsigned long nvmesim_yaml_line(const struct nvmesim_yaml *y, const yaml_mark_t *m);
NVMESIM_PRIV unsigned int nvmesim_yaml_column(const yaml_mark_t *m);

/* nvmesim_yaml_error - "file:line:column: field: <fmt>" at @m into the diag; returns -EINVAL */
NVMESIM_PRIV int nvmesim_yaml_error(struct nvmesim_yaml *y, const yaml_mark_t *m,
				    const char *field, const char *fmt, ...) NVMESIM_PRINTF(4, 5);

/* nvmesim_yaml_got - "field: expected @expected, got <the current event>" at the event;
 * returns -EINVAL */
NVMESIM_PRIV int nvmesim_yaml_got(struct nvmesim_yaml *y, const char *field,
				  const char *expected);

/* nvmesim_yaml_event_what - how a message names event @ev when it is not a scalar
 * ("a mapping", "a sequence", "an alias", "the end of the mapping", ...) */
NVMESIM_PRIV const char *nvmesim_yaml_event_what(const yaml_event_t *ev);

/*
 * struct nvmesim_yaml_walk - how nvmesim_yaml_walk() applies a mapping
 * @table: the settings the mapping's (nested) keys name
 * @base: the struct @table's offsets point into
 * @seen: per table entry, the line that set it (0 = not yet), to refuse a key
 *        given twice; NULL skips the check
 * @root: the field name of the outermost mapping in messages ("trace", "jobs.0")
 * @prefix: put before a key's path in messages ("jobs.0."), or NULL
 * @extra: NULL-terminated keys of the outermost mapping that @key handles, for
 *         "did you mean" hints (may be NULL)
 * @key: called for each key of the outermost mapping before the walker looks at
 *       it, with the key's event current; returns 1 when it consumed the value,
 *       0 to let the walker handle it, NVMESIM_YAML_STOP to end the walk there
 *       (the trace's `ops:`), or a negative errno (may be NULL)
 * @check: called after a value (text @text) was stored, to refuse values the
 *         table's types cannot express; returns 0 or -EINVAL with "expected ..."
 *         in @err (may be NULL)
 * @ctx: passed to @key and @check
 */
struct nvmesim_yaml_walk {
	const struct nvmesim_settings_table *table;
	void *base;
	unsigned int *seen;
	const char *root;
	const char *prefix;
	const char *const *extra;
	int (*key)(void *ctx, struct nvmesim_yaml *y, const char *key);
	int (*check)(void *ctx, const struct nvmesim_setting *s, void *base, const char *text,
		     char *err, size_t errlen);
	void *ctx;
};

/* Returned by a walk's @key hook, and then by the walk, to stop before the mapping's end. */
#define NVMESIM_YAML_STOP 2

/* nvmesim_yaml_walk - apply the mapping whose MAPPING-START event is current, key by key,
 * nested mappings becoming dotted paths; returns 0 at its MAPPING-END, NVMESIM_YAML_STOP
 * when the @key hook stopped it, or -EINVAL / -errno with the message in the diag */
NVMESIM_PRIV int nvmesim_yaml_walk(struct nvmesim_yaml *y, const struct nvmesim_yaml_walk *w);

/* struct nvmesim_nearest - the candidate nearest to a word, by edit distance */
struct nvmesim_nearest {
	const char *word;            /* the misspelt word */
	char best[NVMESIM_YAML_PATH_MAX]; /* nearest candidate so far */
	unsigned int dist;           /* its distance (case-insensitive, transpositions count 1) */
};

/* nvmesim_nearest_init - start looking for the candidate nearest to @word */
NVMESIM_PRIV void nvmesim_nearest_init(struct nvmesim_nearest *n, const char *word);

/* nvmesim_nearest_add - consider the @len bytes at @cand */
NVMESIM_PRIV void nvmesim_nearest_add(struct nvmesim_nearest *n, const char *cand, size_t len);

/* nvmesim_nearest_get - the nearest candidate if it is close enough to be a likely typo,
 * else NULL */
NVMESIM_PRIV const char *nvmesim_nearest_get(const struct nvmesim_nearest *n);

/* nvmesim_settings_suggest - consider the keys of @t below @prefix ("host." or "") for @n:
 * each remaining path and its first component */
NVMESIM_PRIV void nvmesim_settings_suggest(const struct nvmesim_settings_table *t,
					   const char *prefix, struct nvmesim_nearest *n);

/* nvmesim_settings_has_prefix - whether some path of @t starts with @prefix followed by a dot */
NVMESIM_PRIV bool nvmesim_settings_has_prefix(const struct nvmesim_settings_table *t,
					      const char *prefix);

/* nvmesim_setting_describe - "a time", "a size from 512B to 1GiB", ... for messages; returns
 * @buf */
NVMESIM_PRIV const char *nvmesim_setting_describe(const struct nvmesim_setting *s, char *buf,
						  size_t len);

/* nvmesim_parse_bool - true/false/yes/no/on/off/1/0 (any case); 0 or -EINVAL */
NVMESIM_PRIV int nvmesim_parse_bool(const char *text, bool *v);

/* nvmesim_quote - @text shortened for "got '...'" (at most @len - 1 bytes); returns @buf */
NVMESIM_PRIV const char *nvmesim_quote(const char *text, char *buf, size_t len);

#endif /* NVMESIM_ENGINE_YAML_H */
