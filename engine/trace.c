/* SPDX-License-Identifier: MIT */
/*
 * trace.c - the streaming trace reader: settings, generator jobs, `--set`
 * overrides and explicit operations, one at a time.
 *
 * A trace is one YAML mapping.  nvmesim_trace_open() reads its settings with
 * libyaml's event parser and stops at `ops:`, which must be the last key so
 * that the operations can be streamed: nvmesim_trace_next_op() returns one
 * per call and nothing accumulates, so a trace of ten million operations is
 * read in the same memory as one of ten.
 *
 * libyaml parses about 0.6 million small operations a second here, a third of
 * what a replay needs, so a block sequence of operations is read line by line
 * (engine/trace.h): items written the common ways ("- {op: read, lba: 8}" or a
 * block mapping of plain "key: value" lines) are split by a small scanner, and
 * every other item is given to libyaml's parser on its own, with its line
 * number.  Both feed one operation builder, so both accept the same
 * operations and word errors the same way: "file:line:column: field: expected
 * ..., got '...'".
 *
 * This file opens the reader and hands out operations; the parts are
 * trace-settings.c (settings, jobs, namespaces, --set), trace-ops.c (the
 * operation builder) and trace-lines.c (the line scanner), sharing
 * trace-internal.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/trace-internal.h"

/* ---------------------------------------------------------------------------------------
 * Messages.
 */

/* nvmesim_trace_err - "file:line:column: field: <fmt>" into @diag; returns -EINVAL */
int nvmesim_trace_err(const char *file, struct nvmesim_diag *diag, struct tpos p,
		      const char *field, const char *fmt, ...)
{
	char msg[sizeof(diag->msg)];
	va_list ap;

	if (!diag)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nvmesim_diag_set(diag, "%s:%lu:%u: %s: %s", file, p.line, p.col, field, msg);
	diag->file = file;
	diag->line = (unsigned int)p.line;
	diag->column = p.col;
	return -EINVAL;
}

/* nvmesim_trace_mark_pos - the 1-based position of a libyaml mark of parser @y */
struct tpos nvmesim_trace_mark_pos(const struct nvmesim_yaml *y, const yaml_mark_t *m)
{
	struct tpos p = { nvmesim_yaml_line(y, m), nvmesim_yaml_column(m) };

	return p;
}

/* ---------------------------------------------------------------------------------------
 * Opening: settings up to ops:, --set, and the choice of the way through ops:.
 */

/* trace_defaults - the settings of a trace that says nothing */
static void trace_defaults(struct nvmesim_trace *t)
{
	t->s.seed = 1;
	snprintf(t->s.profile, sizeof(t->s.profile), "gen4-tlc");
	t->s.host.queues = 1;
	t->s.host.queue_entries = 1024;
	snprintf(t->s.host.completion, sizeof(t->s.host.completion), "interrupt");
	snprintf(t->s.host.sq_doorbell, sizeof(t->s.host.sq_doorbell), "per-command");
	snprintf(t->s.host.cq_doorbell, sizeof(t->s.host.cq_doorbell), "per-reap");
	snprintf(t->s.host.shadow_doorbell, sizeof(t->s.host.shadow_doorbell), "off");
	snprintf(t->s.host.shadow_admin, sizeof(t->s.host.shadow_admin), "off");
	snprintf(t->s.host.arbitration, sizeof(t->s.host.arbitration), "rr");
	snprintf(t->s.host.coalescing, sizeof(t->s.host.coalescing), "off");
	snprintf(t->s.host.coalescing_off_queues, sizeof(t->s.host.coalescing_off_queues),
		 "none");
	t->s.ops_iodepth = 1;
	t->s.interval_ns = 1000000;
	t->last_at = -1;
}

/* read_settings - the settings up to ops: (or the whole file without ops:); 0 or -errno */
static int read_settings(struct nvmesim_trace *t, const char *path, struct nvmesim_diag *diag)
{
	struct nvmesim_yaml *y = &t->y;
	yaml_event_t *ev = &y->ev;
	int r;

	r = nvmesim_yaml_open_fd(y, t->fd, path, diag);
	if (r)
		return r;
	t->y_open = true;
	r = nvmesim_yaml_next(y);               /* stream start */
	if (!r)
		r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (ev->type != YAML_DOCUMENT_START_EVENT)
		return nvmesim_yaml_error(y, &ev->start_mark, "trace",
					  "expected a mapping of settings, got an empty file");
	r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (ev->type != YAML_MAPPING_START_EVENT)
		return nvmesim_yaml_got(y, "trace", "a mapping of settings");
	t->root_col = (unsigned int)ev->start_mark.column;
	r = nvmesim_trace_walk_settings(t, y);
	if (r < 0)
		return r;
	if (r == NVMESIM_YAML_STOP) {
		/* the ops sequence has started: pick the way through it */
		t->state = OPS_EVENTS;
		if (!(t->flags & NVMESIM_TRACE_NO_FASTPATH) &&
		    ev->data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE &&
		    !ev->data.sequence_start.anchor && !ev->data.sequence_start.tag &&
		    y->parser.encoding == YAML_UTF8_ENCODING &&
		    nvmesim_trace_lines_start(t, nvmesim_yaml_line(y, &ev->start_mark),
					      (unsigned int)ev->start_mark.column) == 0) {
			t->state = OPS_LINES;
			nvmesim_yaml_close(y);
			t->y_open = false;
		}
		return 0;
	}
	r = nvmesim_yaml_next(y);               /* document end */
	if (!r)
		r = nvmesim_yaml_next(y);
	if (!r && ev->type != YAML_STREAM_END_EVENT)
		r = nvmesim_yaml_error(y, &ev->start_mark, "trace",
				       "expected a single YAML document, got '---'");
	t->state = OPS_DONE;
	return r;
}

/* nvmesim_trace_open_flags - nvmesim_trace_open() with NVMESIM_TRACE_* flags */
int nvmesim_trace_open_flags(struct nvmesim_trace **out, const char *path,
			     const char *const *sets, unsigned int nr_sets, unsigned int flags,
			     struct nvmesim_diag *diag)
{
	struct nvmesim_trace *t;
	unsigned int i;
	int r;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->flags = flags;
	t->fd = -1;
	trace_defaults(t);
	t->path = strdup(path);
	if (!t->path) {
		r = -ENOMEM;
		goto fail;
	}
	t->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		r = -errno;
		nvmesim_diag_set(diag, "%s: cannot open: %s", path, strerror(-r));
		if (diag) {
			diag->file = path;
			diag->line = 0;
			diag->column = 0;
		}
		goto fail;
	}
	r = read_settings(t, path, diag);
	if (r)
		goto fail;
	t->y.file = t->path;
	for (i = 0; i < nr_sets; i++) {
		r = nvmesim_trace_apply_set(t, sets[i], diag);
		if (r)
			goto fail;
	}
	/* messages name the caller's string: ours is gone if this fails */
	r = nvmesim_trace_settings_finish(t, path, diag);
	if (r)
		goto fail;
	*out = t;
	return 0;
fail:
	nvmesim_trace_close(t);
	return r;
}

/* nvmesim_trace_open - open a trace and read its settings; 0, -errno or -EINVAL */
int nvmesim_trace_open(struct nvmesim_trace **out, const char *path, const char *const *sets,
		       unsigned int nr_sets, struct nvmesim_diag *diag)
{
	return nvmesim_trace_open_flags(out, path, sets, nr_sets, 0, diag);
}

/* nvmesim_trace_settings - the settings read at open; valid until close */
const struct nvmesim_trace_settings *nvmesim_trace_settings(const struct nvmesim_trace *t)
{
	return &t->s;
}

/* nvmesim_trace_path - the trace's file name */
const char *nvmesim_trace_path(const struct nvmesim_trace *t)
{
	return t->path;
}

/* nvmesim_trace_fast_ops - operations the line scanner split itself */
uint64_t nvmesim_trace_fast_ops(const struct nvmesim_trace *t)
{
	return t->fast_ops;
}

/* nvmesim_trace_yaml_ops - operations libyaml's parser read */
uint64_t nvmesim_trace_yaml_ops(const struct nvmesim_trace *t)
{
	return t->yaml_ops;
}

/* nvmesim_trace_close - free the reader; NULL is allowed */
void nvmesim_trace_close(struct nvmesim_trace *t)
{
	if (!t)
		return;
	if (t->y_open)
		nvmesim_yaml_close(&t->y);
	if (t->fd >= 0)
		close(t->fd);
	free(t->status);
	free(t->buf);
	free(t->path);
	free(t);
}
