/* SPDX-License-Identifier: MIT */
/*
 * trace-internal.h - what the parts of the trace reader share: the reader's
 * state and the functions one part calls in another.
 *
 *   trace.c           opening, the choice of the way through ops:, the API
 *   trace-settings.c  settings, generator jobs, namespaces, --set, their checks
 *   trace-ops.c       the operation builder, fed one "key: value" at a time
 *   trace-lines.c     the line scanner that splits ops: items without libyaml
 */
#ifndef NVMESIM_ENGINE_TRACE_INTERNAL_H
#define NVMESIM_ENGINE_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/settings.h"
#include "engine/trace.h"
#include "engine/yaml.h"

#define JOB_SETTINGS_NR 17
#define NS_SETTINGS_NR 3
#define TOP_SETTINGS_NR 17

NVMESIM_STATIC_ASSERT(sizeof(unsigned int) == sizeof(uint32_t),
		      "UINT settings store into uint32_t fields");

/* struct tpos - a 1-based position in the trace */
struct tpos {
	unsigned long line;
	unsigned int col;
};

/* struct trace_job - a job as read, before the fio name becomes op + pattern */
struct trace_job {
	struct nvmesim_job j;                  /* what the reader hands out */
	int rw;                                /* index into rw_names */
	struct tpos pos;                       /* the job's mapping, for messages */
	unsigned int seen[JOB_SETTINGS_NR];    /* line that set each key */
};

/* struct trace_ns - a namespace as read */
struct trace_ns {
	struct nvmesim_trace_ns ns;            /* what the reader hands out */
	int data;                              /* index into data_names */
	struct tpos pos;                       /* the namespace's mapping */
	unsigned int seen[NS_SETTINGS_NR];     /* line that set each key */
};

/* How the reader goes through `ops:` (engine/trace.h). */
enum ops_state {
	OPS_DONE,        /* no more operations (or none at all) */
	OPS_EVENTS,      /* libyaml's parser over the whole file, inside the ops sequence */
	OPS_LINES,       /* the line scanner, at the start of an item or the sequence's end */
	OPS_FAILED,      /* an error was reported; the reader stays stopped */
};

/* struct status_name - a status name made comparable ("invalid_field_in_command") */
struct status_name {
	uint16_t code;
	char name[64];
};

/* struct nvmesim_trace - the reader */
struct nvmesim_trace {
	char *path;                            /* file name, for messages */
	int fd;                                /* the open trace */
	unsigned int flags;                    /* NVMESIM_TRACE_* */
	struct nvmesim_trace_settings s;       /* what nvmesim_trace_settings() returns */
	int init;                              /* index into init_names */
	unsigned int top_seen[TOP_SETTINGS_NR];/* line that set each top-level setting */
	struct trace_job jobs[NVMESIM_TRACE_MAX_JOBS];
	struct trace_ns ns[NVMESIM_TRACE_MAX_NS];
	unsigned int jobs_line;                /* line of `jobs:` (0 = not seen) */
	unsigned int ns_line;                  /* line of `namespaces:` */
	unsigned int root_col;                 /* 0-based column of the top-level keys */

	enum ops_state state;
	struct nvmesim_yaml y;                 /* the whole-file parser (settings, OPS_EVENTS) */
	bool y_open;                           /* @y needs closing */
	struct nvmesim_yaml sub;               /* parser of one item (OPS_LINES) */

	char *buf;                             /* line scanner: file bytes */
	size_t cap;                            /* size of @buf */
	size_t len;                            /* bytes in @buf */
	size_t pos;                            /* start of the unread part */
	bool eof;                              /* read() returned 0 */
	unsigned long line;                    /* 1-based line of buf[pos] */
	unsigned int dash_col;                 /* 0-based column of the items' dashes */
	bool ahead;                            /* the line at pos was looked at already: */
	size_t ahead_len;                      /* ... its length, */
	size_t ahead_next;                     /* ... the offset of the line after it, */
	size_t ahead_ind;                      /* ... and its indent (it is not blank) */

	uint64_t nr_ops;                       /* operations returned so far */
	uint64_t fast_ops;                     /* of which the scanner split */
	uint64_t yaml_ops;                     /* of which libyaml parsed */
	int64_t last_at;                       /* latest at: so far, -1 before any */
	struct status_name *status;            /* status names, built on first use */
	unsigned int nr_status;
};

/* struct trace_kv - a key and value the scanner found */
struct trace_kv {
	const char *k, *v;   /* in the buffer, not terminated */
	unsigned int kl, vl;
	unsigned long line;  /* 1-based */
	unsigned int kc, vc; /* 0-based columns */
};

#define FAST_MAX_KV 24

/* trace.c: messages */

/* nvmesim_trace_err - "file:line:column: field: <fmt>" into @diag; returns -EINVAL */
NVMESIM_PRIV int nvmesim_trace_err(const char *file, struct nvmesim_diag *diag, struct tpos p,
				   const char *field, const char *fmt, ...) NVMESIM_PRINTF(5, 6);

/* nvmesim_trace_mark_pos - the 1-based position of a libyaml mark of parser @y */
NVMESIM_PRIV struct tpos nvmesim_trace_mark_pos(const struct nvmesim_yaml *y,
						const yaml_mark_t *m);

/* trace-settings.c */

/* nvmesim_trace_walk_settings - the top-level settings of @y's mapping up to ops:
 * (NVMESIM_YAML_STOP) or its end (0); or -errno */
NVMESIM_PRIV int nvmesim_trace_walk_settings(struct nvmesim_trace *t, struct nvmesim_yaml *y);

/* nvmesim_trace_apply_set - one --set "key=value"; 0 or -EINVAL */
NVMESIM_PRIV int nvmesim_trace_apply_set(struct nvmesim_trace *t, const char *arg,
					 struct nvmesim_diag *diag);

/* nvmesim_trace_settings_finish - defaults and consistency checks once settings and --set are
 * read; 0 or -EINVAL */
NVMESIM_PRIV int nvmesim_trace_settings_finish(struct nvmesim_trace *t, const char *file,
					       struct nvmesim_diag *diag);

/* trace-ops.c */

/* nvmesim_trace_op_name - "ops.N" for messages about a whole operation, in @buf */
NVMESIM_PRIV const char *nvmesim_trace_op_name(const struct nvmesim_trace *t, char *buf,
					       size_t len);

/* nvmesim_trace_op_from_events - the operation whose mapping starts at @y's event; 0 or
 * -errno */
NVMESIM_PRIV int nvmesim_trace_op_from_events(struct nvmesim_trace *t, struct nvmesim_yaml *y,
					      struct nvmesim_trace_op *op,
					      struct nvmesim_diag *diag);

/* nvmesim_trace_op_from_pairs - the operation of @nkv scanned pairs at @p; 0 or -EINVAL */
NVMESIM_PRIV int nvmesim_trace_op_from_pairs(struct nvmesim_trace *t, const struct trace_kv *kv,
					     int nkv, struct tpos p, struct nvmesim_trace_op *op,
					     struct nvmesim_diag *diag);

/* trace-lines.c */

/* nvmesim_trace_lines_start - hand ops: to the line scanner from its first item at @line,
 * 0-based column @col; 0, or nonzero with the file position untouched */
NVMESIM_PRIV int nvmesim_trace_lines_start(struct nvmesim_trace *t, unsigned long line,
					   unsigned int col);

/* nvmesim_trace_next_op_lines - the next operation by the line scanner; 1, 0 at the end,
 * or -errno */
NVMESIM_PRIV int nvmesim_trace_next_op_lines(struct nvmesim_trace *t, struct nvmesim_trace_op *op,
					     struct nvmesim_diag *diag);

#endif /* NVMESIM_ENGINE_TRACE_INTERNAL_H */
