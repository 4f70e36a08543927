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
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/bar.h"
#include "engine/settings.h"
#include "engine/trace.h"
#include "engine/yaml.h"

/* Read buffer of the line scanner; it grows to hold one item, up to the cap. */
#define TRACE_BUF_INITIAL (256u << 10)
#define TRACE_BUF_MAX (16u << 20)

/* Largest data buffer of a raw command: beyond any controller's MDTS. */
#define TRACE_DATA_MAX (16u << 20)

/* Largest job block size (4096 PRP entries of 4 KiB). */
#define TRACE_BS_MAX (16u << 20)

/* rwmixread before a trace or --set gives it (a percentage never exceeds 100) */
#define RWMIX_UNSET 0xffffffffu

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

/* ---------------------------------------------------------------------------------------
 * Settings tables.  The fio names of a job's rw map to op + pattern + mix in job_finish().
 */

#define TOP(f) offsetof(struct nvmesim_trace, f)
#define JOB(f) offsetof(struct trace_job, f)
#define NSF(f) offsetof(struct trace_ns, f)
#define FSIZE(type, f) sizeof(((type *)0)->f)

static const char *const init_names[] = { "auto", "manual", NULL };

static const struct nvmesim_setting top_settings[] = {
	{ "seed", NVMESIM_SET_U64, TOP(s.seed), 0, 0, NULL,
	  "seed of the pseudo-random generators" },
	{ "profile", NVMESIM_SET_STR, TOP(s.profile), 1,
	  FSIZE(struct nvmesim_trace_settings, profile), NULL, "device profile name or file" },
	{ "init", NVMESIM_SET_ENUM, TOP(init), 0, 0, init_names,
	  "auto: the host brings the controller up; manual: the trace does" },
	{ "iodepth", NVMESIM_SET_UINT, TOP(s.ops_iodepth), 1, 65536, NULL,
	  "explicit operations in flight without at:" },
	{ "interval", NVMESIM_SET_TIME, TOP(s.interval_ns), 1000, 0, NULL,
	  "time-series interval" },
	{ "host.queues", NVMESIM_SET_UINT, TOP(s.host.queues), 1, 65535, NULL,
	  "I/O queue pairs" },
	{ "host.queue_entries", NVMESIM_SET_UINT, TOP(s.host.queue_entries), 2, 65536, NULL,
	  "entries per I/O queue (NVMe 2.0 §3.1.4.1 CAP.MQES bounds it)" },
	{ "host.cpus", NVMESIM_SET_UINT, TOP(s.host.cpus), 0, 4096, NULL,
	  "host CPUs (0 = the profile's)" },
	{ "host.completion", NVMESIM_SET_STR, TOP(s.host.completion), 1,
	  FSIZE(struct nvmesim_trace_host, completion), NULL, "interrupt, poll or hybrid:NS" },
	{ "host.sq_doorbell", NVMESIM_SET_STR, TOP(s.host.sq_doorbell), 1,
	  FSIZE(struct nvmesim_trace_host, sq_doorbell), NULL, "SQ doorbell policy" },
	{ "host.cq_doorbell", NVMESIM_SET_STR, TOP(s.host.cq_doorbell), 1,
	  FSIZE(struct nvmesim_trace_host, cq_doorbell), NULL, "CQ doorbell policy" },
	{ "host.shadow_doorbell", NVMESIM_SET_STR, TOP(s.host.shadow_doorbell), 1,
	  FSIZE(struct nvmesim_trace_host, shadow_doorbell), NULL, "shadow doorbells" },
	{ "host.coalescing", NVMESIM_SET_STR, TOP(s.host.coalescing), 1,
	  FSIZE(struct nvmesim_trace_host, coalescing), NULL, "interrupt coalescing" },
	{ "host.shadow_admin", NVMESIM_SET_STR, TOP(s.host.shadow_admin), 1,
	  FSIZE(struct nvmesim_trace_host, shadow_admin), NULL,
	  "admin queue shadow doorbells" },
	{ "host.arbitration", NVMESIM_SET_STR, TOP(s.host.arbitration), 1,
	  FSIZE(struct nvmesim_trace_host, arbitration), NULL, "rr or wrr" },
	{ "host.coalescing_off_queues", NVMESIM_SET_STR, TOP(s.host.coalescing_off_queues), 1,
	  FSIZE(struct nvmesim_trace_host, coalescing_off_queues), NULL,
	  "I/O queues not coalesced" },
	{ "verify", NVMESIM_SET_BOOL, TOP(s.verify), 0, 0, NULL,
	  "explicit reads and writes verify their data (self-describing blocks)" },
};
NVMESIM_STATIC_ASSERT(NVMESIM_ARRAY_SIZE(top_settings) == TOP_SETTINGS_NR, "top_seen size");

static const struct nvmesim_settings_table top_table = {
	top_settings, NVMESIM_ARRAY_SIZE(top_settings)
};

/* fio's rw names; the order matters to job_finish() */
enum job_rw {
	RW_READ, RW_WRITE, RW_RANDREAD, RW_RANDWRITE, RW_RW, RW_READWRITE, RW_RANDRW,
	RW_TRIM, RW_RANDTRIM,
};
/* jobs.N.priority: index = struct nvmesim_job priority (QPRIO + 1, NVMe 2.0 §5.5) */
static const char *const priority_names[] = {
	"default", "urgent", "high", "medium", "low", NULL
};

static const char *const rw_names[] = {
	"read", "write", "randread", "randwrite", "rw", "readwrite", "randrw", "trim",
	"randtrim", NULL
};

static const struct nvmesim_setting job_settings[] = {
	{ "name", NVMESIM_SET_STR, JOB(j.name), 1, FSIZE(struct nvmesim_job, name), NULL,
	  "job name in reports" },
	{ "rw", NVMESIM_SET_ENUM, JOB(rw), 0, 0, rw_names, "fio's rw: what and where" },
	{ "op", NVMESIM_SET_ENUM, JOB(rw), 0, 0, rw_names, "the same as rw" },
	{ "bs", NVMESIM_SET_SIZE32, JOB(j.bs), 512, TRACE_BS_MAX, NULL, "block size" },
	{ "block_size", NVMESIM_SET_SIZE32, JOB(j.bs), 512, TRACE_BS_MAX, NULL,
	  "the same as bs" },
	{ "iodepth", NVMESIM_SET_UINT, JOB(j.iodepth), 1, 65536, NULL, "I/Os in flight" },
	{ "count", NVMESIM_SET_U64, JOB(j.count), 1, 0, NULL, "I/Os to issue" },
	{ "number_ios", NVMESIM_SET_U64, JOB(j.count), 1, 0, NULL, "the same as count" },
	{ "runtime", NVMESIM_SET_TIME, JOB(j.runtime_ns), 1, 0, NULL, "time to issue for" },
	{ "offset", NVMESIM_SET_SIZE, JOB(j.offset), 0, 0, NULL, "start of the region" },
	{ "size", NVMESIM_SET_SIZE, JOB(j.size), 0, 0, NULL, "length of the region" },
	{ "rwmixread", NVMESIM_SET_UINT, JOB(j.rwmixread), 0, 100, NULL, "read percentage" },
	{ "rate_iops", NVMESIM_SET_U64, JOB(j.rate_iops), 0, 0, NULL, "I/Os per second cap" },
	{ "nsid", NVMESIM_SET_UINT, JOB(j.nsid), 1, NVMESIM_TRACE_MAX_NS, NULL, "namespace" },
	{ "queue", NVMESIM_SET_UINT, JOB(j.queue), 0, 65535, NULL, "I/O queue (0 = auto)" },
	{ "priority", NVMESIM_SET_ENUM, JOB(j.priority), 0, 0, priority_names,
	  "QPRIO of its SQ with host.arbitration wrr" },
	{ "verify", NVMESIM_SET_BOOL, JOB(j.verify), 0, 0, NULL,
	  "write self-describing blocks and read them back, or check the blocks read" },
};

static const struct nvmesim_settings_table job_table = {
	job_settings, NVMESIM_ARRAY_SIZE(job_settings)
};
NVMESIM_STATIC_ASSERT(NVMESIM_ARRAY_SIZE(job_settings) == JOB_SETTINGS_NR, "job seen size");

static const char *const data_names[] = { "store", "discard", NULL };

static const struct nvmesim_setting ns_settings[] = {
	{ "size", NVMESIM_SET_SIZE, NSF(ns.size), 1, 0, NULL, "namespace size" },
	{ "lba_size", NVMESIM_SET_SIZE32, NSF(ns.lba_bytes), 512, 4096, NULL,
	  "logical block size: 512 or 4096" },
	{ "data", NVMESIM_SET_ENUM, NSF(data), 0, 0, data_names,
	  "store the data written, or discard it (reads return zeros)" },
};
NVMESIM_STATIC_ASSERT(NVMESIM_ARRAY_SIZE(ns_settings) == NS_SETTINGS_NR, "ns seen size");

static const struct nvmesim_settings_table ns_table = {
	ns_settings, NVMESIM_ARRAY_SIZE(ns_settings)
};

/* Keys of the trace's top level that trace_key() handles itself. */
static const char *const top_extra[] = { "jobs", "namespaces", "ops", NULL };

/* ---------------------------------------------------------------------------------------
 * Messages.
 */

/* trace_err - "file:line:column: field: <fmt>" into @diag; returns -EINVAL */
static int trace_err(const char *file, struct nvmesim_diag *diag, struct tpos p,
		     const char *field, const char *fmt, ...) NVMESIM_PRINTF(5, 6);
static int trace_err(const char *file, struct nvmesim_diag *diag, struct tpos p,
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

/* mark_pos - the 1-based position of a libyaml mark of parser @y */
static struct tpos mark_pos(const struct nvmesim_yaml *y, const yaml_mark_t *m)
{
	struct tpos p = { nvmesim_yaml_line(y, m), nvmesim_yaml_column(m) };

	return p;
}

/* ---------------------------------------------------------------------------------------
 * Settings: value checks the table types cannot express, the top-level keys with
 * sequences, --set, and the final consistency checks.
 */

/* policy - a host policy setting and the values implemented so far: names, and names taking
 * a number ("every:K", 1..max) */
static const struct {
	const char *path;
	const char *values[5];
	const char *with_arg[2];
	uint64_t max;
	const char *expected;
} policies[] = {
	{ "host.sq_doorbell", { "per-command", "batch", "deferred" }, { "every" }, 65535,
	  "per-command, batch, deferred or every:K" },
	{ "host.cq_doorbell", { "per-reap", "per-cqe", "capped" }, { "lazy" }, 65535,
	  "per-reap, per-cqe, capped or lazy:K" },
	{ "host.shadow_doorbell", { "off", "linux", "spdk" }, { NULL }, 0, "off, linux or spdk" },
	{ "host.shadow_admin", { "off", "on" }, { NULL }, 0, "off or on" },
	{ "host.arbitration", { "rr", "wrr" }, { NULL }, 0, "rr or wrr" },
	{ "host.coalescing", { "off" }, { NULL }, 0,
	  "off or THR,TIME_US (THR 1-256, TIME_US 0-25500 in steps of 100)" },
};

/* policy_num - whether @text is "@name:N" with N a decimal number 1..@max */
static bool policy_num(const char *text, const char *name, uint64_t max)
{
	size_t len = strlen(name);
	uint64_t v = 0;

	if (strncmp(text, name, len) || text[len] != ':' || !text[len + 1])
		return false;
	for (text += len + 1; *text; text++) {
		if (*text < '0' || *text > '9')
			return false;
		v = v * 10 + (uint64_t)(*text - '0');
		if (v > max)
			return false;
	}
	return v != 0;
}

/* coalescing_parse - "THR,TIME_US" of host.coalescing: THR 1-256 completions, TIME_US 0-25500
 * in steps of 100 (the 8-bit 0's based THR and 100 us TIME fields of Interrupt Coalescing,
 * NVMe 2.0 §5.27.1, Feature 08h); true and the two values if @text is one */
static bool coalescing_parse(const char *text, unsigned int *thr, unsigned int *time_us)
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

/* policy_ok - whether @field is one of policy @i's values */
static bool policy_ok(unsigned int i, const char *field)
{
	unsigned int j, thr, us;

	for (j = 0; j < NVMESIM_ARRAY_SIZE(policies[i].values) && policies[i].values[j]; j++)
		if (!strcmp(field, policies[i].values[j]))
			return true;
	if (!strcmp(policies[i].path, "host.coalescing"))
		return coalescing_parse(field, &thr, &us);
	for (j = 0; j < NVMESIM_ARRAY_SIZE(policies[i].with_arg) && policies[i].with_arg[j]; j++)
		if (policy_num(field, policies[i].with_arg[j], policies[i].max))
			return true;
	return false;
}

/* queue_list_ok - whether @text is "none" or I/O queue IDs 1-65535 separated by commas
 * (host.coalescing_off_queues) */
static bool queue_list_ok(const char *text)
{
	unsigned long v;

	if (!strcmp(text, "none"))
		return true;
	for (;;) {
		if (*text < '0' || *text > '9')
			return false;
		for (v = 0; *text >= '0' && *text <= '9'; text++) {
			v = v * 10 + (unsigned long)(*text - '0');
			if (v > 65535)
				return false;
		}
		if (!v)
			return false;
		if (!*text)
			return true;
		if (*text++ != ',')
			return false;
	}
}

/* lower_str - ASCII lower-case @s in place */
static void lower_str(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* top_check - host policies: names reserved for the strategies issue are refused clearly */
static int top_check(void *ctx, const struct nvmesim_setting *s, void *base, const char *text,
		     char *err, size_t errlen)
{
	char *field = (char *)base + s->offset;
	unsigned int i;
	char q[72];
	bool b;

	(void)ctx;
	nvmesim_quote(text, q, sizeof(q));
	if (strcmp(s->path, "host.completion") == 0) {
		lower_str(field);
		if (strcmp(field, "interrupt") && strcmp(field, "poll") &&
		    !policy_num(field, "hybrid", 1000000000ull)) {
			snprintf(err, errlen, "expected interrupt, poll or hybrid:NS, got '%s'", q);
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(s->path, "host.coalescing_off_queues") == 0) {
		lower_str(field);
		if (!queue_list_ok(field)) {
			snprintf(err, errlen, "expected none or I/O queue IDs 1-65535 separated by "
				 "commas (\"2\", \"1,3\"), got '%s'", q);
			return -EINVAL;
		}
		return 0;
	}
	for (i = 0; i < NVMESIM_ARRAY_SIZE(policies); i++) {
		if (strcmp(s->path, policies[i].path))
			continue;
		lower_str(field);
		/* "off" may be written as YAML's other spellings of false */
		if (!strcmp(policies[i].values[0], "off") && !nvmesim_parse_bool(field, &b))
			strcpy(field, b ? "on" : "off");
		if (!policy_ok(i, field)) {
			snprintf(err, errlen, "'%s' is not implemented yet; expected %s", q,
				 policies[i].expected);
			return -EINVAL;
		}
	}
	return 0;
}

/* job_check - a block size must be whole 512-byte sectors */
static int job_check(void *ctx, const struct nvmesim_setting *s, void *base, const char *text,
		     char *err, size_t errlen)
{
	const struct trace_job *j = base;
	char q[72];

	(void)ctx;
	if (s->offset == JOB(j.bs) && j->j.bs % 512) {
		snprintf(err, errlen, "expected a multiple of 512 bytes, got '%s'",
			 nvmesim_quote(text, q, sizeof(q)));
		return -EINVAL;
	}
	return 0;
}

/* ns_check - NVMe formats used here: 512 B and 4 KiB logical blocks */
static int ns_check(void *ctx, const struct nvmesim_setting *s, void *base, const char *text,
		    char *err, size_t errlen)
{
	const struct trace_ns *n = base;
	char q[72];

	(void)ctx;
	if (s->offset == NSF(ns.lba_bytes) && n->ns.lba_bytes != 512 && n->ns.lba_bytes != 4096) {
		snprintf(err, errlen, "expected 512 or 4096, got '%s'",
			 nvmesim_quote(text, q, sizeof(q)));
		return -EINVAL;
	}
	return 0;
}

/* job_defaults - a job before its keys: fio's defaults (rw read, bs 4k, iodepth 1) */
static void job_defaults(struct trace_job *j, unsigned int idx)
{
	memset(j, 0, sizeof(*j));
	snprintf(j->j.name, sizeof(j->j.name), "job%u", idx);
	j->rw = RW_READ;
	j->j.bs = 4096;
	j->j.iodepth = 1;
	j->j.rwmixread = RWMIX_UNSET;
	j->j.nsid = 1;
}

/* read_list - the jobs: or namespaces: sequence, each item a mapping walked with @table */
static int read_list(struct nvmesim_trace *t, struct nvmesim_yaml *y, bool jobs)
{
	char root[32], prefix[32];
	struct nvmesim_yaml_walk w = { 0 };
	const char *what = jobs ? "jobs" : "namespaces";
	unsigned int *nr = jobs ? &t->s.nr_jobs : &t->s.nr_ns;
	unsigned int *line = jobs ? &t->jobs_line : &t->ns_line;
	unsigned int max = jobs ? NVMESIM_TRACE_MAX_JOBS : NVMESIM_TRACE_MAX_NS;
	int r;

	if (*line)
		return nvmesim_yaml_error(y, &y->ev.start_mark, what,
					  "expected one value, got a second one (the first is on "
					  "line %u)", *line);
	*line = (unsigned int)nvmesim_yaml_line(y, &y->ev.start_mark);
	r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (y->ev.type != YAML_SEQUENCE_START_EVENT)
		return nvmesim_yaml_got(y, what, jobs ? "a sequence of jobs" :
					"a sequence of namespaces");
	for (;;) {
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		snprintf(root, sizeof(root), "%s.%u", what, *nr);
		snprintf(prefix, sizeof(prefix), "%s.%u.", what, *nr);
		if (*nr == max)
			return nvmesim_yaml_error(y, &y->ev.start_mark, what,
						  "expected at most %u %s, got more", max, what);
		if (y->ev.type != YAML_MAPPING_START_EVENT)
			return nvmesim_yaml_got(y, root, "a mapping");
		w.root = root;
		w.prefix = prefix;
		if (jobs) {
			job_defaults(&t->jobs[*nr], *nr);
			t->jobs[*nr].pos = mark_pos(y, &y->ev.start_mark);
			w.table = &job_table;
			w.base = &t->jobs[*nr];
			w.seen = t->jobs[*nr].seen;
			w.check = job_check;
		} else {
			memset(&t->ns[*nr], 0, sizeof(t->ns[*nr]));
			t->ns[*nr].ns.lba_bytes = 512;
			t->ns[*nr].pos = mark_pos(y, &y->ev.start_mark);
			w.table = &ns_table;
			w.base = &t->ns[*nr];
			w.seen = t->ns[*nr].seen;
			w.check = ns_check;
		}
		(*nr)++;
		r = nvmesim_yaml_walk(y, &w);
		if (r)
			return r;
	}
}

/* trace_key - the top-level keys the settings table does not hold: jobs, namespaces, ops */
static int trace_key(void *ctx, struct nvmesim_yaml *y, const char *key)
{
	struct nvmesim_trace *t = ctx;
	const char *v;
	int r;

	if (strcmp(key, "jobs") == 0 || strcmp(key, "namespaces") == 0) {
		r = read_list(t, y, key[0] == 'j');
		return r ? r : 1;
	}
	if (strcmp(key, "ops"))
		return 0;
	r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (y->ev.type == YAML_SEQUENCE_START_EVENT) {
		t->s.has_ops = true;
		return NVMESIM_YAML_STOP;
	}
	/* "ops:" with nothing (or ~, null) after it: no operations */
	v = (const char *)y->ev.data.scalar.value;
	if (y->ev.type == YAML_SCALAR_EVENT && y->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (!*v || !strcmp(v, "~") || !strcasecmp(v, "null")))
		return 1;
	return nvmesim_yaml_got(y, "ops", "a sequence of operations");
}

/* set_one - apply "@rest=@value" of --set @arg through @table to @base, naming the setting
 * @disp + @rest in messages; 0 or -EINVAL */
static int set_one(const struct nvmesim_settings_table *table, void *base, const char *disp,
		   const char *rest, const char *value, const char *arg,
		   int (*check)(void *, const struct nvmesim_setting *, void *, const char *,
				char *, size_t), struct nvmesim_diag *diag)
{
	const struct nvmesim_setting *s;
	struct nvmesim_nearest n;
	const char *best;
	char err[320];

	s = nvmesim_setting_find(table, rest);
	if (!s) {
		nvmesim_nearest_init(&n, rest);
		nvmesim_settings_suggest(table, "", &n);
		best = nvmesim_nearest_get(&n);
		if (best)
			nvmesim_diag_set(diag, "--set %s: unknown setting '%s%s'; did you mean "
					 "'%s%s'?", arg, disp, rest, disp, best);
		else
			nvmesim_diag_set(diag, "--set %s: unknown setting '%s%s'", arg, disp, rest);
		return -EINVAL;
	}
	if (nvmesim_setting_parse(s, base, value, err, sizeof(err)) ||
	    (check && check(NULL, s, base, value, err, sizeof(err)))) {
		nvmesim_diag_set(diag, "--set %s: %s%s: %s", arg, disp, rest, err);
		return -EINVAL;
	}
	return 0;
}

/* apply_set - one --set "path=value"; profile.* is the profile loader's; 0 or -EINVAL */
static int apply_set(struct nvmesim_trace *t, const char *arg, struct nvmesim_diag *diag)
{
	char path[NVMESIM_YAML_PATH_MAX], disp[32];
	const char *eq = strchr(arg, '='), *rest;
	unsigned long idx;
	char *end;
	bool jobs;

	if (diag) {
		diag->file = NULL;
		diag->line = 0;
		diag->column = 0;
	}
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(path)) {
		nvmesim_diag_set(diag, "--set %s: expected path=value, got '%s'", arg, arg);
		return -EINVAL;
	}
	memcpy(path, arg, (size_t)(eq - arg));
	path[eq - arg] = '\0';
	if (strncmp(path, "profile.", 8) == 0)
		return 0;
	jobs = strncmp(path, "jobs.", 5) == 0;
	if (!jobs && strncmp(path, "namespaces.", 11))
		return set_one(&top_table, t, "", path, eq + 1, arg, top_check, diag);
	rest = path + (jobs ? 5 : 11);
	if (*rest < '0' || *rest > '9') {
		nvmesim_diag_set(diag, "--set %s: expected %s.N.key with N a %s index, got '%s'",
				 arg, jobs ? "jobs" : "namespaces", jobs ? "job" : "namespace",
				 path);
		return -EINVAL;
	}
	idx = strtoul(rest, &end, 10);
	if (*end != '.') {
		nvmesim_diag_set(diag, "--set %s: expected %s.N.key, got '%s'", arg,
				 jobs ? "jobs" : "namespaces", path);
		return -EINVAL;
	}
	if (idx >= (jobs ? t->s.nr_jobs : t->s.nr_ns)) {
		nvmesim_diag_set(diag, "--set %s: %s index %lu out of range (the trace has %u)",
				 arg, jobs ? "job" : "namespace", idx,
				 jobs ? t->s.nr_jobs : t->s.nr_ns);
		return -EINVAL;
	}
	snprintf(disp, sizeof(disp), "%s.%lu.", jobs ? "jobs" : "namespaces", idx);
	if (jobs)
		return set_one(&job_table, &t->jobs[idx], disp, end + 1, eq + 1, arg, job_check,
			       diag);
	return set_one(&ns_table, &t->ns[idx], disp, end + 1, eq + 1, arg, ns_check, diag);
}

/* job_finish - turn fio's rw into op, pattern and read share, and check the job against the
 * rest of the trace; 0 or -EINVAL at the job's position */
static int job_finish(struct nvmesim_trace *t, const char *file, unsigned int i,
		      struct nvmesim_diag *diag)
{
	struct trace_job *tj = &t->jobs[i];
	struct nvmesim_job *j = &tj->j;
	const struct nvmesim_trace_ns *ns;
	bool mixed = false;
	char field[32];

	snprintf(field, sizeof(field), "jobs.%u", i);
	j->pattern = NVMESIM_PATTERN_SEQ;
	switch (tj->rw) {
	case RW_RANDREAD:
		j->pattern = NVMESIM_PATTERN_RANDOM;
		/* fall through */
	case RW_READ:
		j->op = NVMESIM_IO_READ;
		break;
	case RW_RANDWRITE:
		j->pattern = NVMESIM_PATTERN_RANDOM;
		/* fall through */
	case RW_WRITE:
		j->op = NVMESIM_IO_WRITE;
		break;
	case RW_RANDRW:
		j->pattern = NVMESIM_PATTERN_RANDOM;
		/* fall through */
	case RW_RW:
	case RW_READWRITE:
		j->op = NVMESIM_IO_WRITE;
		mixed = true;
		break;
	case RW_RANDTRIM:
		j->pattern = NVMESIM_PATTERN_RANDOM;
		/* fall through */
	default:
		j->op = NVMESIM_IO_TRIM;
		break;
	}
	if (mixed) {
		if (j->rwmixread == RWMIX_UNSET)
			j->rwmixread = 50;
		/* rwmixread 100 on a write means "all writes" (trace.h), so a mix that is
		 * all reads is a read job */
		if (j->rwmixread == 100)
			j->op = NVMESIM_IO_READ;
	} else {
		if (j->rwmixread != RWMIX_UNSET)
			return trace_err(file, diag, tj->pos, field,
					 "expected rw: rw, readwrite or randrw with rwmixread, "
					 "got '%s'", rw_names[tj->rw]);
		j->rwmixread = 100;
	}
	if (!j->count && !j->runtime_ns)
		return trace_err(file, diag, tj->pos, field,
				 "expected count (or number_ios) or runtime, got neither");
	if (j->queue > t->s.host.queues)
		return trace_err(file, diag, tj->pos, field,
				 "expected queue from 0 to host.queues (%u), got '%u'",
				 t->s.host.queues, j->queue);
	if (!t->s.nr_ns && j->nsid != 1)
		return trace_err(file, diag, tj->pos, field,
				 "expected nsid 1 (the profile's namespace; add namespaces: for "
				 "more), got '%u'", j->nsid);
	if (j->verify && (mixed || j->op == NVMESIM_IO_TRIM))
		return trace_err(file, diag, tj->pos, field,
				 "expected verify with rw read, randread, write or randwrite, got "
				 "'%s' (a mix or a trim reads blocks it did not write with verify)",
				 rw_names[tj->rw]);
	if (!t->s.nr_ns)
		return 0;
	if (j->nsid > t->s.nr_ns)
		return trace_err(file, diag, tj->pos, field,
				 "expected nsid from 1 to %u (the namespaces given), got '%u'",
				 t->s.nr_ns, j->nsid);
	ns = &t->s.ns[j->nsid - 1];
	if (j->bs % ns->lba_bytes || j->offset % ns->lba_bytes || j->size % ns->lba_bytes)
		return trace_err(file, diag, tj->pos, field,
				 "expected bs, offset and size in whole %u-byte blocks of "
				 "namespace %u, got bs %u, offset %llu, size %llu", ns->lba_bytes,
				 j->nsid, j->bs, (unsigned long long)j->offset,
				 (unsigned long long)j->size);
	if (j->offset >= ns->size || j->size > ns->size - j->offset)
		return trace_err(file, diag, tj->pos, field,
				 "expected offset and size inside namespace %u (%llu bytes), "
				 "got offset %llu, size %llu", j->nsid,
				 (unsigned long long)ns->size, (unsigned long long)j->offset,
				 (unsigned long long)j->size);
	if (j->verify && ns->discard_data)
		return trace_err(file, diag, tj->pos, field,
				 "expected a namespace that keeps its data for verify, got "
				 "namespace %u with data: discard (it drops what is written)",
				 j->nsid);
	return 0;
}

/* verify_pos - where the top-level verify: is (line only), else @other (a --set gives it) */
static struct tpos verify_pos(const struct nvmesim_trace *t, struct tpos other)
{
	struct tpos p = { 0, 1 };
	unsigned int i;

	for (i = 0; i < TOP_SETTINGS_NR; i++)
		if (!strcmp(top_settings[i].path, "verify"))
			p.line = t->top_seen[i];
	return p.line ? p : other;
}

/* settings_finish - defaults that depend on other settings, and consistency; 0 or -EINVAL */
static int settings_finish(struct nvmesim_trace *t, const char *file, struct nvmesim_diag *diag)
{
	char field[32];
	unsigned int i;
	int r;

	t->s.init_manual = t->init == 1;
	for (i = 0; i < t->s.nr_ns; i++) {
		snprintf(field, sizeof(field), "namespaces.%u", i);
		if (!t->ns[i].ns.size)
			return trace_err(file, diag, t->ns[i].pos, field,
					 "expected a size, got none");
		if (t->ns[i].ns.size % t->ns[i].ns.lba_bytes)
			return trace_err(file, diag, t->ns[i].pos, field,
					 "expected a size in whole %u-byte blocks, got %llu bytes",
					 t->ns[i].ns.lba_bytes,
					 (unsigned long long)t->ns[i].ns.size);
		t->ns[i].ns.discard_data = t->ns[i].data == 1;
		t->s.ns[i] = t->ns[i].ns;
		if (t->s.verify && t->s.ns[i].discard_data)
			return trace_err(file, diag, verify_pos(t, t->ns[i].pos), "verify",
					 "expected namespaces that keep their data, got "
					 "namespace %u with data: discard (it drops what is "
					 "written)", i + 1);
	}
	for (i = 0; i < t->s.nr_jobs; i++) {
		r = job_finish(t, file, i, diag);
		if (r)
			return r;
		t->s.jobs[i] = t->jobs[i].j;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------
 * The operation builder, fed key by key by libyaml's events or by the line scanner.
 */

enum op_key {
	K_OP, K_LBA, K_BLOCKS, K_NSID, K_AT, K_QUEUE, K_ADMIN, K_CMD,
	K_CDW10, K_CDW11, K_CDW12, K_CDW13, K_CDW14, K_CDW15,
	K_DATA, K_EXPECT, K_MMIO, K_REG, K_WIDTH, K_VALUE, K_MASK, K_WAIT,
	K_PRP_OFFSET, K_VERIFY, K_DOORBELL, K_QID, K_EVENT, K_WITHIN, K_NR
};

static const char *const op_keys[K_NR] = {
	"op", "lba", "blocks", "nsid", "at", "queue", "admin", "cmd",
	"cdw10", "cdw11", "cdw12", "cdw13", "cdw14", "cdw15",
	"data", "expect", "mmio", "reg", "width", "value", "mask", "wait",
	"prp_offset", "verify", "doorbell", "qid", "event", "within",
};
NVMESIM_STATIC_ASSERT(K_NR <= 32, "op keys are bits of a uint32_t");

/* Backend names of the map form of expect: (enum nvmesim_trace_backend order). */
static const char *const backend_names[NVMESIM_TRACE_BACKENDS] = { "sim", "vfio" };

/* How long an event operation waits for its event without within: */
#define TRACE_EVENT_WITHIN_NS 10000000ull

#define KB(k) (1u << (k))
#define KINDS (KB(K_OP) | KB(K_ADMIN) | KB(K_CMD) | KB(K_MMIO) | KB(K_WAIT) | KB(K_DOORBELL) | \
	       KB(K_EVENT))
#define CDWS (KB(K_CDW10) | KB(K_CDW11) | KB(K_CDW12) | KB(K_CDW13) | KB(K_CDW14) | \
	      KB(K_CDW15))

/* Keys each kind of operation takes. */
#define ALLOW_IO (KB(K_OP) | KB(K_LBA) | KB(K_BLOCKS) | KB(K_NSID) | KB(K_AT) | KB(K_QUEUE) | \
		  KB(K_EXPECT) | KB(K_VERIFY))
#define ALLOW_ADMIN (KB(K_ADMIN) | KB(K_NSID) | CDWS | KB(K_DATA) | KB(K_EXPECT) | KB(K_AT) | \
		     KB(K_PRP_OFFSET))
#define ALLOW_CMD (KB(K_CMD) | KB(K_NSID) | CDWS | KB(K_DATA) | KB(K_EXPECT) | KB(K_AT) | \
		   KB(K_QUEUE) | KB(K_PRP_OFFSET))
#define ALLOW_DOORBELL (KB(K_DOORBELL) | KB(K_QID) | KB(K_VALUE) | KB(K_AT))
#define ALLOW_EVENT (KB(K_EVENT) | KB(K_EXPECT) | KB(K_MASK) | KB(K_WITHIN) | KB(K_AT))
#define ALLOW_MMIO (KB(K_MMIO) | KB(K_REG) | KB(K_WIDTH) | KB(K_VALUE) | KB(K_EXPECT) | \
		    KB(K_MASK) | KB(K_AT))
#define ALLOW_WAIT (KB(K_WAIT))

static const char *const io_names[] = { "read", "write", "trim", "flush", "write_zeroes" };

/* struct op_build - an operation being assembled from its keys */
struct op_build {
	uint32_t have;                 /* KB() of each key given */
	struct tpos pos;               /* the operation's mapping */
	struct tpos key[K_NR];         /* where each given key is */
	struct tpos val[K_NR];         /* where each given value is */
	char expect[64];               /* expect: as written, read once the kind is known */
	uint64_t at;                   /* at: */
	uint64_t cdw[6];               /* cdw10..cdw15 */
	unsigned int reg_width;        /* width of the named register, bytes (0 = by offset) */
	char reg[16];                  /* reg: as written */
	bool verify;                   /* verify: */
	uint64_t within;               /* within: */
	uint32_t alt_have;             /* expect: map, bit b: backend b's value given */
	char alt[NVMESIM_TRACE_BACKENDS][64];       /* ... each as written */
	struct tpos alt_pos[NVMESIM_TRACE_BACKENDS]; /* ... and where */
};

/* op_field_name - "ops.N" for messages about a whole operation */
static const char *op_field_name(const struct nvmesim_trace *t, char *buf, size_t len)
{
	snprintf(buf, len, "ops.%llu", (unsigned long long)t->nr_ops);
	return buf;
}

/* op_key_find - the index of key @k, or -1 */
static int op_key_find(const char *k)
{
	unsigned int i;

	/* Most keys differ in the first two letters: a cheap filter before comparing the
	 * rest (every key has two letters or more, so k[1] is not the end here). */
	for (i = 0; i < K_NR; i++) {
		const char *a = op_keys[i];
		unsigned int j = 2;

		if (a[0] != k[0] || a[1] != k[1])
			continue;
		while (a[j] && a[j] == k[j])
			j++;
		if (a[j] == k[j])
			return (int)i;
	}
	return -1;
}

/* op_num - parse a number for key @k within [0, @max]; 0 or -EINVAL */
static int op_num(struct nvmesim_trace *t, struct nvmesim_diag *diag, struct tpos p,
		  const char *k, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char q[72];

	if (nvmesim_parse_u64(v, out) || *out < min || *out > max)
		return trace_err(t->path, diag, p, k, max > 65536 ?
				 "expected a number from %llu to 0x%llx, got '%s'" :
				 "expected a number from %llu to %llu, got '%s'",
				 (unsigned long long)min, (unsigned long long)max,
				 nvmesim_quote(v, q, sizeof(q)));
	return 0;
}

/* op_name - match @v against @names (case-insensitive); index, or -EINVAL with a hint */
static int op_name(struct nvmesim_trace *t, struct nvmesim_diag *diag, struct tpos p,
		   const char *k, const char *v, const char *const *names, unsigned int nr)
{
	char list[160], q[72];
	struct nvmesim_nearest n;
	const char *best;
	unsigned int i;
	size_t len = 0;

	for (i = 0; i < nr; i++)
		if (strcasecmp(v, names[i]) == 0)
			return (int)i;
	nvmesim_nearest_init(&n, v);
	list[0] = '\0';
	for (i = 0; i < nr; i++) {
		nvmesim_nearest_add(&n, names[i], strlen(names[i]));
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i == 0 ? "" :
					i + 1 < nr ? ", " : " or ", names[i]);
	}
	best = nvmesim_nearest_get(&n);
	nvmesim_quote(v, q, sizeof(q));
	if (best)
		return trace_err(t->path, diag, p, k, "expected %s, got '%s'; did you mean '%s'?",
				 list, q, best);
	return trace_err(t->path, diag, p, k, "expected %s, got '%s'", list, q);
}

/* op_unknown_key - an operation key nobody knows, with the nearest one */
static int op_unknown_key(struct nvmesim_trace *t, struct nvmesim_diag *diag, struct tpos p,
			  const char *k)
{
	char field[32], q[72];
	struct nvmesim_nearest n;
	const char *best;
	unsigned int i;

	nvmesim_nearest_init(&n, k);
	for (i = 0; i < K_NR; i++)
		nvmesim_nearest_add(&n, op_keys[i], strlen(op_keys[i]));
	best = nvmesim_nearest_get(&n);
	op_field_name(t, field, sizeof(field));
	nvmesim_quote(k, q, sizeof(q));
	if (best)
		return trace_err(t->path, diag, p, field,
				 "expected a known key, got '%s'; did you mean '%s'?", q, best);
	return trace_err(t->path, diag, p, field, "expected a known key (op, admin, cmd, mmio, "
			 "wait, doorbell, event and their fields), got '%s'", q);
}

/* op_reg_unknown - a register name that is not one, with the nearest name */
static int op_reg_unknown(struct nvmesim_trace *t, struct nvmesim_diag *diag, struct tpos p,
			  const char *v)
{
	struct nvmesim_nearest n;
	const char *best;
	unsigned int i;
	char q[72];

	nvmesim_nearest_init(&n, v);
	for (i = 0; i < nvmesim_reg_defs_nr; i++)
		nvmesim_nearest_add(&n, nvmesim_reg_defs[i].name, strlen(nvmesim_reg_defs[i].name));
	best = nvmesim_nearest_get(&n);
	nvmesim_quote(v, q, sizeof(q));
	if (best)
		return trace_err(t->path, diag, p, "reg", "expected a register name (CAP, VS, CC, "
				 "CSTS, AQA, ASQ, ACQ, ...) or a BAR0 offset, got '%s'; did you "
				 "mean '%s'?", q, best);
	return trace_err(t->path, diag, p, "reg", "expected a register name (CAP, VS, CC, CSTS, "
			 "AQA, ASQ, ACQ, ...) or a BAR0 offset, got '%s'", q);
}

/* op_field - take one "key: value" of an operation; 0 or -EINVAL */
static int op_field(struct nvmesim_trace *t, struct op_build *b, struct nvmesim_trace_op *op,
		    const char *k, struct tpos kp, const char *v, struct tpos vp,
		    struct nvmesim_diag *diag)
{
	uint64_t x;
	long off;
	int id = op_key_find(k), r = 0;
	char q[72];

	if (id < 0)
		return op_unknown_key(t, diag, kp, k);
	if (b->have & KB(id))
		return trace_err(t->path, diag, kp, k, "expected one value, got a second one "
				 "(the first is on line %lu)", b->key[id].line);
	b->have |= KB(id);
	b->key[id] = kp;
	b->val[id] = vp;
	switch (id) {
	case K_OP:
		r = op_name(t, diag, vp, k, v, io_names, NVMESIM_ARRAY_SIZE(io_names));
		if (r < 0 && strcasecmp(v, "write-zeroes") == 0)
			r = NVMESIM_IO_WRITE_ZEROES;
		if (r >= 0) {
			op->io = (enum nvmesim_io_op)r;
			r = 0;
		}
		break;
	case K_LBA:
		r = op_num(t, diag, vp, k, v, 0, UINT64_MAX, &op->lba);
		break;
	case K_BLOCKS:
		/* NLB is a 0's based 16-bit field (NVM Command Set 1.0 §3.2.4) */
		r = op_num(t, diag, vp, k, v, 1, 65536, &x);
		op->blocks = (uint32_t)x;
		break;
	case K_NSID:
		r = op_num(t, diag, vp, k, v, 0, UINT32_MAX, &x);
		op->nsid = (uint32_t)x;
		break;
	case K_AT:
		if (nvmesim_parse_time(v, &b->at) || b->at > INT64_MAX)
			return trace_err(t->path, diag, vp, k, "expected a time (ns, us, ms, s), "
					 "got '%s'", nvmesim_quote(v, q, sizeof(q)));
		if (t->last_at >= 0 && b->at < (uint64_t)t->last_at)
			return trace_err(t->path, diag, vp, k, "expected a time at or after %lluns "
					 "(the previous at:), got '%s'",
					 (unsigned long long)t->last_at,
					 nvmesim_quote(v, q, sizeof(q)));
		t->last_at = (int64_t)b->at;
		break;
	case K_QUEUE:
		r = op_num(t, diag, vp, k, v, 0, t->s.host.queues, &x);
		op->queue = (unsigned int)x;
		break;
	case K_ADMIN:
	case K_CMD:
		r = op_num(t, diag, vp, k, v, 0, 0xff, &x);
		op->cmd.opcode = (uint8_t)x;
		break;
	case K_CDW10:
	case K_CDW11:
	case K_CDW12:
	case K_CDW13:
	case K_CDW14:
	case K_CDW15:
		r = op_num(t, diag, vp, k, v, 0, UINT32_MAX, &b->cdw[id - K_CDW10]);
		break;
	case K_DATA:
		if (nvmesim_parse_size(v, &x) || x > TRACE_DATA_MAX)
			return trace_err(t->path, diag, vp, k, "expected a size up to 16MiB, got "
					 "'%s'", nvmesim_quote(v, q, sizeof(q)));
		op->data_bytes = (uint32_t)x;
		break;
	case K_EXPECT:
		if (strlen(v) >= sizeof(b->expect))
			return trace_err(t->path, diag, vp, k, "expected a status or a value, got "
					 "'%s'", nvmesim_quote(v, q, sizeof(q)));
		strcpy(b->expect, v);
		break;
	case K_MMIO:
		if (strcasecmp(v, "read") == 0)
			op->write = false;
		else if (strcasecmp(v, "write") == 0)
			op->write = true;
		else
			return trace_err(t->path, diag, vp, k, "expected read or write, got '%s'",
					 nvmesim_quote(v, q, sizeof(q)));
		break;
	case K_REG:
		off = nvmesim_reg_offset(v);
		if (off >= 0) {
			op->reg = (uint32_t)off;
			b->reg_width = nvmesim_reg_find(op->reg)->width;
			snprintf(b->reg, sizeof(b->reg), "%s", nvmesim_reg_name(op->reg));
			break;
		}
		if (!nvmesim_parse_u64(v, &x) && x <= UINT32_MAX) {
			op->reg = (uint32_t)x;
			b->reg_width = 0;
			snprintf(b->reg, sizeof(b->reg), "0x%x", op->reg);
			break;
		}
		return op_reg_unknown(t, diag, vp, v);
	case K_WIDTH:
		if (strcmp(v, "32") == 0)
			op->width = 4;
		else if (strcmp(v, "64") == 0)
			op->width = 8;
		else
			return trace_err(t->path, diag, vp, k, "expected 32 or 64, got '%s'",
					 nvmesim_quote(v, q, sizeof(q)));
		break;
	case K_VALUE:
		r = op_num(t, diag, vp, k, v, 0, UINT64_MAX, &op->value);
		break;
	case K_MASK:
		r = op_num(t, diag, vp, k, v, 0, UINT64_MAX, &op->expect_mask);
		break;
	case K_WAIT:
		if (nvmesim_parse_time(v, &op->value))
			return trace_err(t->path, diag, vp, k, "expected a time (ns, us, ms, s), "
					 "got '%s'", nvmesim_quote(v, q, sizeof(q)));
		break;
	case K_PRP_OFFSET:
		/* any byte offset into the first memory page, aligned or not */
		r = op_num(t, diag, vp, k, v, 0, 4095, &x);
		op->prp_offset = (uint32_t)x;
		break;
	case K_VERIFY:
		if (nvmesim_parse_bool(v, &b->verify))
			return trace_err(t->path, diag, vp, k, "expected on or off, got '%s'",
					 nvmesim_quote(v, q, sizeof(q)));
		break;
	case K_DOORBELL:
		if (strcasecmp(v, "sq") == 0)
			op->doorbell_cq = false;
		else if (strcasecmp(v, "cq") == 0)
			op->doorbell_cq = true;
		else
			return trace_err(t->path, diag, vp, k, "expected sq (tail doorbell) or cq "
					 "(head doorbell), got '%s'",
					 nvmesim_quote(v, q, sizeof(q)));
		break;
	case K_QID:
		r = op_num(t, diag, vp, k, v, 0, 65535, &x);
		op->queue = (unsigned int)x;
		break;
	case K_EVENT:
		if (strcasecmp(v, "next"))
			return trace_err(t->path, diag, vp, k, "expected next (the oldest "
					 "asynchronous event the host received), got '%s'",
					 nvmesim_quote(v, q, sizeof(q)));
		break;
	case K_WITHIN:
		if (nvmesim_parse_time(v, &b->within) || b->within > INT64_MAX)
			return trace_err(t->path, diag, vp, k, "expected a time (ns, us, ms, s), "
					 "got '%s'", nvmesim_quote(v, q, sizeof(q)));
		break;
	}
	return r < 0 ? r : 0;
}

/* op_expect_map - `expect: {sim: ..., vfio: ...}` whose MAPPING-START is @y's event: sim's
 * value is the spec's answer, the others are recorded departures of those backends; 0 or
 * -EINVAL */
static int op_expect_map(struct nvmesim_trace *t, struct nvmesim_yaml *y, struct op_build *b,
			 struct tpos kp, struct nvmesim_diag *diag)
{
	struct tpos mp = mark_pos(y, &y->ev.start_mark), p;
	struct nvmesim_nearest n;
	const char *v, *best;
	char q[72];
	unsigned int i;
	int r;

	if (b->have & KB(K_EXPECT))
		return trace_err(t->path, diag, kp, "expect", "expected one value, got a second "
				 "one (the first is on line %lu)", b->key[K_EXPECT].line);
	b->have |= KB(K_EXPECT);
	b->key[K_EXPECT] = kp;
	b->val[K_EXPECT] = mp;
	for (;;) {
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return nvmesim_yaml_got(y, "expect", "a backend name (sim or vfio)");
		p = mark_pos(y, &y->ev.start_mark);
		v = (const char *)y->ev.data.scalar.value;
		for (i = 0; i < NVMESIM_TRACE_BACKENDS; i++)
			if (strcasecmp(v, backend_names[i]) == 0)
				break;
		if (i == NVMESIM_TRACE_BACKENDS) {
			nvmesim_nearest_init(&n, v);
			for (i = 0; i < NVMESIM_TRACE_BACKENDS; i++)
				nvmesim_nearest_add(&n, backend_names[i], strlen(backend_names[i]));
			best = nvmesim_nearest_get(&n);
			nvmesim_quote(v, q, sizeof(q));
			if (best)
				return trace_err(t->path, diag, p, "expect", "expected a backend "
						 "name (sim or vfio), got '%s'; did you mean '%s'?",
						 q, best);
			return trace_err(t->path, diag, p, "expect", "expected a backend name "
					 "(sim or vfio), got '%s'", q);
		}
		if (b->alt_have & (1u << i))
			return trace_err(t->path, diag, p, "expect", "expected one value for %s, "
					 "got a second one (the first is on line %lu)",
					 backend_names[i], b->alt_pos[i].line);
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return nvmesim_yaml_got(y, "expect", "a status or a value");
		v = (const char *)y->ev.data.scalar.value;
		b->alt_pos[i] = mark_pos(y, &y->ev.start_mark);
		if (strlen(v) >= sizeof(b->alt[i]))
			return trace_err(t->path, diag, b->alt_pos[i], "expect", "expected a "
					 "status or a value, got '%s'",
					 nvmesim_quote(v, q, sizeof(q)));
		strcpy(b->alt[i], v);
		b->alt_have |= 1u << i;
	}
	if (!(b->alt_have & 1u))
		return trace_err(t->path, diag, mp, "expect", "expected a sim value in the map "
				 "(the spec's answer, used by every backend the map does not "
				 "name), got none");
	strcpy(b->expect, b->alt[NVMESIM_TRACE_BACKEND_SIM]);
	b->val[K_EXPECT] = b->alt_pos[NVMESIM_TRACE_BACKEND_SIM];
	return 0;
}

/* status_names_build - every status name of nvmesim_status_str(), lower case with
 * underscores, so "Invalid Queue Identifier" matches invalid_queue_identifier */
static int status_names_build(struct nvmesim_trace *t)
{
	unsigned int code, n = 0, cap = 128;
	const char *s;
	char *d;

	t->status = calloc(cap, sizeof(*t->status));
	if (!t->status)
		return -ENOMEM;
	for (code = 0; code <= 0x7ff && n < cap; code++) {
		s = nvmesim_status_str((uint16_t)code);
		if (strcmp(s, "Unknown Status") == 0)
			continue;
		t->status[n].code = (uint16_t)code;
		snprintf(t->status[n].name, sizeof(t->status[n].name), "%s", s);
		for (d = t->status[n].name; *d; d++)
			*d = *d == ' ' || *d == '-' ? '_' : *d >= 'A' && *d <= 'Z' ?
			     (char)(*d - 'A' + 'a') : *d;
		n++;
	}
	t->nr_status = n;
	return 0;
}

/* op_status - expect: of a command: a status name in any of its spellings or a number */
static int op_status(struct nvmesim_trace *t, const char *text, struct tpos pos, uint16_t *out,
		     struct nvmesim_diag *diag)
{
	char norm[64], q[72];
	struct nvmesim_nearest n;
	const char *best;
	unsigned int i;
	uint64_t x;
	int r;

	if (!nvmesim_parse_u64(text, &x)) {
		if (x > 0x7ff)
			return trace_err(t->path, diag, pos, "expect",
					 "expected a status (SCT << 8 | SC) up to 0x7ff, got '%s'",
					 text);
		*out = (uint16_t)x;
		return 0;
	}
	if (!t->status) {
		r = status_names_build(t);
		if (r)
			return r;
	}
	for (i = 0; text[i] && i < sizeof(norm) - 1; i++)
		norm[i] = text[i] == ' ' || text[i] == '-' ? '_' :
			  text[i] >= 'A' && text[i] <= 'Z' ?
			  (char)(text[i] - 'A' + 'a') : text[i];
	norm[i] = '\0';
	if (strcmp(norm, "success") == 0) {
		*out = NVMESIM_SC_SUCCESS;
		return 0;
	}
	nvmesim_nearest_init(&n, norm);
	nvmesim_nearest_add(&n, "success", 7);
	for (i = 0; i < t->nr_status; i++) {
		if (strcmp(norm, t->status[i].name) == 0) {
			*out = t->status[i].code;
			return 0;
		}
		nvmesim_nearest_add(&n, t->status[i].name, strlen(t->status[i].name));
	}
	best = nvmesim_nearest_get(&n);
	nvmesim_quote(text, q, sizeof(q));
	if (best)
		return trace_err(t->path, diag, pos, "expect",
				 "expected a status name (success, invalid_field_in_command, ...) "
				 "or number (0x101 = SCT 1, SC 1), got '%s'; did you mean '%s'?", q,
				 best);
	return trace_err(t->path, diag, pos, "expect",
			 "expected a status name (success, invalid_field_in_command, ...) or "
			 "number (0x101 = SCT 1, SC 1), got '%s'", q);
}

/* op_allowed - the first key not allowed for this kind, as an error */
static int op_allowed(struct nvmesim_trace *t, const struct op_build *b, uint32_t allow,
		      const char *kind, struct nvmesim_diag *diag)
{
	uint32_t extra = b->have & ~allow;
	char list[200];
	unsigned int i, first = K_NR;
	size_t len = 0;

	if (!extra)
		return 0;
	for (i = 0; i < K_NR; i++) {
		if ((extra & KB(i)) && (first == K_NR ||
					b->key[i].line < b->key[first].line ||
					(b->key[i].line == b->key[first].line &&
					 b->key[i].col < b->key[first].col)))
			first = i;
		if (allow & KB(i))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
						len ? ", " : "", op_keys[i]);
	}
	return trace_err(t->path, diag, b->key[first], op_keys[first],
			 "expected a key of %s (%s), got '%s'", kind, list, op_keys[first]);
}

/* op_cdw - CDW(10 + @i) of a raw command: its value if the key was given, else 0 */
static uint32_t op_cdw(const struct op_build *b, unsigned int i)
{
	return b->have & KB(K_CDW10 + i) ? (uint32_t)b->cdw[i] : 0;
}

/* op_value - one expected value @text of a register read or event under @mask; 0 or -EINVAL */
static int op_value(struct nvmesim_trace *t, const char *text, struct tpos pos, uint64_t mask,
		    uint64_t *out, struct nvmesim_diag *diag)
{
	if (nvmesim_parse_u64(text, out) || (*out & ~mask))
		return trace_err(t->path, diag, pos, "expect",
				 "expected a value within mask 0x%llx, got '%s'",
				 (unsigned long long)mask, text);
	return 0;
}

/* op_values - expect: of a register read or an event: the spec's value and the departures
 * of other backends (map form); 0 or -EINVAL */
static int op_values(struct nvmesim_trace *t, const struct op_build *b,
		     struct nvmesim_trace_op *op, struct nvmesim_diag *diag)
{
	unsigned int i;
	int r;

	if (!(b->have & KB(K_EXPECT)))
		return 0;
	r = op_value(t, b->expect, b->val[K_EXPECT], op->expect_mask, &op->expect_value, diag);
	if (r)
		return r;
	for (i = 1; i < NVMESIM_TRACE_BACKENDS; i++) {
		if (!(b->alt_have & (1u << i)))
			continue;
		r = op_value(t, b->alt[i], b->alt_pos[i], op->expect_mask, &op->alt_value[i],
			     diag);
		if (r)
			return r;
		if (op->alt_value[i] != op->expect_value)
			op->expect_alt |= 1u << i;
	}
	op->expect = NVMESIM_EXPECT_VALUE;
	return 0;
}

/* op_verify - verify: of an I/O operation (its own, else the trace's): reads and writes only,
 * on a namespace that keeps its data; 0 or -EINVAL */
static int op_verify(struct nvmesim_trace *t, const struct op_build *b,
		     struct nvmesim_trace_op *op, struct nvmesim_diag *diag)
{
	bool rw = op->io == NVMESIM_IO_READ || op->io == NVMESIM_IO_WRITE;

	op->verify = 0;
	if (b->have & KB(K_VERIFY)) {
		if (b->verify && !rw)
			return trace_err(t->path, diag, b->key[K_VERIFY], "verify",
					 "expected verify on a read or a write, got a %s",
					 io_names[op->io]);
		op->verify = b->verify;
	} else if (rw) {
		op->verify = t->s.verify;
	}
	if (op->verify && op->nsid >= 1 && op->nsid <= t->s.nr_ns &&
	    t->s.ns[op->nsid - 1].discard_data)
		return trace_err(t->path, diag, b->have & KB(K_VERIFY) ? b->key[K_VERIFY] : b->pos,
				 "verify", "expected a namespace that keeps its data, got "
				 "namespace %u with data: discard (it drops what is written)",
				 op->nsid);
	return 0;
}

/* op_finish - check the operation as a whole and fill in defaults; 0 or -EINVAL */
static int op_finish(struct nvmesim_trace *t, struct op_build *b, struct nvmesim_trace_op *op,
		     struct nvmesim_diag *diag)
{
	uint32_t kinds = b->have & KINDS;
	uint64_t wmask;
	unsigned int i, first, second;
	char field[32];
	int r;

	op->line = (unsigned int)b->pos.line;
	op->column = b->pos.col;
	op->at_ns = b->have & KB(K_AT) ? (int64_t)b->at : -1;
	if (!kinds)
		return trace_err(t->path, diag, b->pos, op_field_name(t, field, sizeof(field)),
				 "expected one of op, admin, cmd, mmio, wait, doorbell or event, "
				 "got none");
	if (kinds & (kinds - 1)) {
		first = second = K_NR;
		for (i = 0; i < K_NR; i++) {
			if (!(kinds & KB(i)))
				continue;
			if (first == K_NR)
				first = i;
			else if (second == K_NR)
				second = i;
		}
		return trace_err(t->path, diag, b->key[second], op_keys[second],
				 "expected one of op, admin, cmd, mmio, wait, doorbell or event, "
				 "got both '%s' and '%s'", op_keys[first], op_keys[second]);
	}
	if (kinds & KB(K_OP)) {
		op->kind = NVMESIM_OP_IO;
		if (op->io == NVMESIM_IO_FLUSH)
			r = op_allowed(t, b, ALLOW_IO & ~(KB(K_LBA) | KB(K_BLOCKS)), "a flush",
				       diag);
		else
			r = op_allowed(t, b, ALLOW_IO, "an I/O operation", diag);
		if (r)
			return r;
		if (!(b->have & KB(K_NSID)))
			op->nsid = 1;
		if (op->io != NVMESIM_IO_FLUSH) {
			if (!(b->have & KB(K_LBA)))
				return trace_err(t->path, diag, b->pos,
						 op_field_name(t, field, sizeof(field)),
						 "expected lba for %s, got none",
						 io_names[op->io]);
			if (!(b->have & KB(K_BLOCKS)))
				op->blocks = 1;
		}
		r = op_verify(t, b, op, diag);
		if (r)
			return r;
	} else if (kinds & (KB(K_ADMIN) | KB(K_CMD))) {
		bool admin = kinds & KB(K_ADMIN);

		op->kind = admin ? NVMESIM_OP_ADMIN : NVMESIM_OP_CMD;
		r = op_allowed(t, b, admin ? ALLOW_ADMIN : ALLOW_CMD,
			       admin ? "an admin command" : "an I/O command", diag);
		if (r)
			return r;
		if (!admin && !(b->have & KB(K_NSID)))
			op->nsid = 1;
		op->cmd.nsid = op->nsid;
		op->cmd.cdw10 = op_cdw(b, 0);
		op->cmd.cdw11 = op_cdw(b, 1);
		op->cmd.cdw12 = op_cdw(b, 2);
		op->cmd.cdw13 = op_cdw(b, 3);
		op->cmd.cdw14 = op_cdw(b, 4);
		op->cmd.cdw15 = op_cdw(b, 5);
		if ((b->have & KB(K_PRP_OFFSET)) && !op->data_bytes)
			return trace_err(t->path, diag, b->key[K_PRP_OFFSET], "prp_offset",
					 "expected data: with prp_offset (it offsets the data "
					 "pointer), got no data");
	} else if (kinds & KB(K_MMIO)) {
		op->kind = NVMESIM_OP_MMIO;
		r = op_allowed(t, b, op->write ? ALLOW_MMIO & ~(KB(K_EXPECT) | KB(K_MASK)) :
			       ALLOW_MMIO & ~KB(K_VALUE), op->write ? "a register write" :
			       "a register read", diag);
		if (r)
			return r;
		if (!(b->have & KB(K_REG)))
			return trace_err(t->path, diag, b->pos,
					 op_field_name(t, field, sizeof(field)),
					 "expected reg for a register access, got none");
		if (!(b->have & KB(K_WIDTH)))
			op->width = b->reg_width ? b->reg_width : 4;
		if (b->reg_width && op->width > b->reg_width)
			return trace_err(t->path, diag, b->val[K_WIDTH], "width",
					 "expected 32 (%s is a 32-bit register), got '64'", b->reg);
		if (op->reg % op->width)
			return trace_err(t->path, diag, b->val[K_REG], "reg",
					 "expected an offset aligned to the %u-bit width, got '%s'",
					 op->width * 8, b->reg);
		wmask = op->width == 8 ? UINT64_MAX : UINT32_MAX;
		if (op->write && !(b->have & KB(K_VALUE)))
			return trace_err(t->path, diag, b->pos,
					 op_field_name(t, field, sizeof(field)),
					 "expected value for a register write, got none");
		if (op->value > wmask)
			return trace_err(t->path, diag, b->val[K_VALUE], "value",
					 "expected a %u-bit value, got 0x%llx", op->width * 8,
					 (unsigned long long)op->value);
		if (!(b->have & KB(K_MASK)))
			op->expect_mask = wmask;
		if (op->expect_mask > wmask)
			return trace_err(t->path, diag, b->val[K_MASK], "mask",
					 "expected a %u-bit mask, got 0x%llx", op->width * 8,
					 (unsigned long long)op->expect_mask);
		return op_values(t, b, op, diag);
	} else if (kinds & KB(K_DOORBELL)) {
		op->kind = NVMESIM_OP_DOORBELL;
		r = op_allowed(t, b, ALLOW_DOORBELL, "a doorbell write", diag);
		if (r)
			return r;
		if (!(b->have & KB(K_QID)) || !(b->have & KB(K_VALUE)))
			return trace_err(t->path, diag, b->pos,
					 op_field_name(t, field, sizeof(field)),
					 "expected qid and value for a doorbell write, got %s",
					 b->have & KB(K_QID) ? "no value" : "no qid");
		if (op->value > UINT32_MAX)
			return trace_err(t->path, diag, b->val[K_VALUE], "value",
					 "expected a 32-bit value, got 0x%llx",
					 (unsigned long long)op->value);
		return 0;
	} else if (kinds & KB(K_EVENT)) {
		op->kind = NVMESIM_OP_EVENT;
		r = op_allowed(t, b, ALLOW_EVENT, "an event", diag);
		if (r)
			return r;
		op->value = b->have & KB(K_WITHIN) ? b->within : TRACE_EVENT_WITHIN_NS;
		if (!(b->have & KB(K_MASK)))
			op->expect_mask = UINT32_MAX;
		if (op->expect_mask > UINT32_MAX)
			return trace_err(t->path, diag, b->val[K_MASK], "mask",
					 "expected a 32-bit mask (event dword 0), got 0x%llx",
					 (unsigned long long)op->expect_mask);
		return op_values(t, b, op, diag);
	} else {
		op->kind = NVMESIM_OP_WAIT;
		r = op_allowed(t, b, ALLOW_WAIT, "a wait", diag);
		if (r)
			return r;
		return 0;
	}
	if (b->have & KB(K_EXPECT)) {
		r = op_status(t, b->expect, b->val[K_EXPECT], &op->expect_status, diag);
		if (r)
			return r;
		for (i = 1; i < NVMESIM_TRACE_BACKENDS; i++) {
			if (!(b->alt_have & (1u << i)))
				continue;
			r = op_status(t, b->alt[i], b->alt_pos[i], &op->alt_status[i], diag);
			if (r)
				return r;
			/* a value equal to the spec's is no departure */
			if (op->alt_status[i] != op->expect_status)
				op->expect_alt |= 1u << i;
		}
		op->expect = NVMESIM_EXPECT_STATUS;
	}
	return 0;
}

/* op_begin - a fresh operation at @p */
static void op_begin(struct op_build *b, struct nvmesim_trace_op *op, struct tpos p)
{
	b->have = 0;
	b->pos = p;
	b->reg_width = 0;
	b->alt_have = 0;
	memset(op, 0, sizeof(*op));   /* (b->cdw is read only where its key was given) */
}

/* op_from_events - build the operation whose mapping starts at @y's current event */
static int op_from_events(struct nvmesim_trace *t, struct nvmesim_yaml *y,
			  struct nvmesim_trace_op *op, struct nvmesim_diag *diag)
{
	char key[32], field[32];
	struct op_build b;
	struct tpos kp;
	int r;

	op_field_name(t, field, sizeof(field));
	if (y->ev.type != YAML_MAPPING_START_EVENT)
		return nvmesim_yaml_got(y, field, "a mapping (an operation)");
	op_begin(&b, op, mark_pos(y, &y->ev.start_mark));
	for (;;) {
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return nvmesim_yaml_got(y, field, "a key");
		kp = mark_pos(y, &y->ev.start_mark);
		if (y->ev.data.scalar.length >= sizeof(key))
			return op_unknown_key(t, diag, kp, (const char *)y->ev.data.scalar.value);
		memcpy(key, y->ev.data.scalar.value, y->ev.data.scalar.length + 1);
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type == YAML_MAPPING_START_EVENT && strcmp(key, "expect") == 0) {
			r = op_expect_map(t, y, &b, kp, diag);
			if (r)
				return r;
			continue;
		}
		if (y->ev.type != YAML_SCALAR_EVENT)
			return nvmesim_yaml_got(y, key, "a scalar");
		r = op_field(t, &b, op, key, kp, (const char *)y->ev.data.scalar.value,
			     mark_pos(y, &y->ev.start_mark), diag);
		if (r)
			return r;
	}
	return op_finish(t, &b, op, diag);
}

/* ---------------------------------------------------------------------------------------
 * The line scanner.
 */

/* struct tline - one line of the buffer */
struct tline {
	const char *text;    /* its first byte */
	size_t len;          /* length without the line break */
	size_t next;         /* offset of the next line, from t->pos */
};

/* lines_fill - move the unread bytes to the front and read more; 0 or -errno */
static int lines_fill(struct nvmesim_trace *t)
{
	ssize_t n;
	char *nb;

	if (t->pos) {
		memmove(t->buf, t->buf + t->pos, t->len - t->pos);
		t->len -= t->pos;
		t->pos = 0;
	}
	if (t->len == t->cap) {
		if (t->cap >= TRACE_BUF_MAX)
			return -E2BIG;
		nb = realloc(t->buf, t->cap * 2);
		if (!nb)
			return -ENOMEM;
		t->buf = nb;
		t->cap *= 2;
	}
	do {
		n = read(t->fd, t->buf + t->len, t->cap - t->len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n)
		t->eof = true;
	t->len += (size_t)n;
	return 0;
}

/* line_at - the line @rel bytes after the read position; 0, 1 at the end of the file, or
 * -errno; pointers from earlier calls may move */
static int line_at(struct nvmesim_trace *t, size_t rel, struct tline *l)
{
	size_t searched = 0, start;
	const char *nl;
	int r;

	for (;;) {
		start = t->pos + rel;
		nl = memchr(t->buf + start + searched, '\n', t->len - start - searched);
		if (nl) {
			l->len = (size_t)(nl - (t->buf + start));
			l->next = rel + l->len + 1;
			break;
		}
		if (t->eof) {
			if (start == t->len)
				return 1;
			l->len = t->len - start;
			l->next = rel + l->len;
			break;
		}
		searched = t->len - start;
		r = lines_fill(t);
		if (r)
			return r;
	}
	l->text = t->buf + t->pos + rel;
	if (l->len && l->text[l->len - 1] == '\r')
		l->len--;
	return 0;
}

/* line_indent - leading spaces; *blank says whether the line holds only blanks or a comment */
static size_t line_indent(const struct tline *l, bool *blank)
{
	size_t i = 0, j;

	while (i < l->len && l->text[i] == ' ')
		i++;
	*blank = true;
	for (j = i; j < l->len; j++) {
		if (l->text[j] == '#')
			break;
		if (l->text[j] != ' ' && l->text[j] != '\t') {
			*blank = false;
			break;
		}
	}
	return i;
}

/* line_io_err - the scanner could not read the file */
static int line_io_err(struct nvmesim_trace *t, int r, struct nvmesim_diag *diag)
{
	struct tpos p = { t->line, 1 };

	if (r == -E2BIG)
		return trace_err(t->path, diag, p, "ops", "expected an operation shorter than "
				 "16MiB, got a longer one");
	nvmesim_diag_set(diag, "%s: cannot read: %s", t->path, strerror(-r));
	if (diag) {
		diag->file = t->path;
		diag->line = 0;
		diag->column = 0;
	}
	return r;
}

/* What the scanner accepts unquoted (anything else goes to libyaml), one table lookup per
 * byte: keys are letters, digits and '_'; values also '.', '+' and '-'; a value may hold
 * inner spaces. */
enum { SC_KEY = 1, SC_VAL = 2, SC_SPACE = 4 };
static const uint8_t scan_class[256] = {
	['a' ... 'z'] = SC_KEY | SC_VAL, ['A' ... 'Z'] = SC_KEY | SC_VAL,
	['0' ... '9'] = SC_KEY | SC_VAL, ['_'] = SC_KEY | SC_VAL,
	['.'] = SC_VAL, ['+'] = SC_VAL, ['-'] = SC_VAL, [' '] = SC_SPACE,
};

static inline bool is_key_char(char c)
{
	return scan_class[(unsigned char)c] & SC_KEY;
}

static inline bool is_val_char(char c)
{
	return scan_class[(unsigned char)c] & SC_VAL;
}

/* struct fkv - a key and value the scanner found */
struct fkv {
	const char *k, *v;   /* in the buffer, not terminated */
	unsigned int kl, vl;
	unsigned long line;  /* 1-based */
	unsigned int kc, vc; /* 0-based columns */
};

#define FAST_MAX_KV 24

/* scan_key - a plain key followed by ':' and a blank; index of the value after it, or 0 to
 * decline */
static size_t scan_key(const char *s, size_t i, size_t n, struct fkv *kv)
{
	size_t start = i;

	if (i >= n || !is_key_char(s[i]) || (s[i] >= '0' && s[i] <= '9'))
		return 0;
	while (i < n && is_key_char(s[i]))
		i++;
	if (i >= n || s[i] != ':' || i - start >= 32)
		return 0;
	kv->k = s + start;
	kv->kl = (unsigned int)(i - start);
	kv->kc = (unsigned int)start;
	i++;
	if (i >= n || s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* scan_value - a plain value of the accepted characters and inner spaces; index after it
 * (trailing blanks included), or 0 to decline */
static size_t scan_value(const char *s, size_t i, size_t n, struct fkv *kv, bool flow)
{
	size_t start = i, end;

	/* "-" alone or before a blank would be a sequence entry, not a scalar */
	if (i >= n || !is_val_char(s[i]) || (s[i] == '-' && (i + 1 >= n || !is_val_char(s[i + 1]))))
		return 0;
	while (i < n && (scan_class[(unsigned char)s[i]] & (SC_VAL | SC_SPACE)))
		i++;
	end = i;
	while (end > start && s[end - 1] == ' ')
		end--;
	if (end - start >= 64)
		return 0;
	/* a flow value ends at ',' or '}' on this line; a block value at the end of the line
	 * or at a comment (" #") */
	if (flow && (i >= n || (s[i] != ',' && s[i] != '}')))
		return 0;
	if (!flow && i < n && (s[i] != '#' || s[i - 1] != ' '))
		return 0;
	kv->v = s + start;
	kv->vl = (unsigned int)(end - start);
	kv->vc = (unsigned int)start;
	return i;
}

/* scan_flow - "{k: v, k: v}" from @i; number of pairs, or -1 to decline */
static int scan_flow(const char *s, size_t i, size_t n, unsigned long line, struct fkv *kv)
{
	int nkv = 0;

	i++;   /* '{' */
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] != '}') {
		for (;;) {
			if (nkv == FAST_MAX_KV)
				return -1;
			kv[nkv].line = line;
			i = scan_key(s, i, n, &kv[nkv]);
			if (!i)
				return -1;
			i = scan_value(s, i, n, &kv[nkv], true);
			if (!i)
				return -1;
			nkv++;
			if (s[i] == '}')
				break;
			i++;   /* ',' */
			while (i < n && s[i] == ' ')
				i++;
			if (i < n && s[i] == '}')
				break;
		}
	}
	if (i >= n)
		return -1;
	i++;   /* '}' */
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (s[i] != '#' || s[i - 1] != ' '))
		return -1;
	return nkv;
}

/* scan_block_line - "key: value [# comment]" from @i; 0 or -1 to decline */
static int scan_block_line(const char *s, size_t i, size_t n, unsigned long line, struct fkv *kv)
{
	kv->line = line;
	i = scan_key(s, i, n, kv);
	if (!i)
		return -1;
	i = scan_value(s, i, n, kv, false);
	return i ? 0 : -1;
}

/* op_from_kv - build an operation from scanned pairs (the fast path) */
static int op_from_kv(struct nvmesim_trace *t, const struct fkv *kv, int nkv, struct tpos p,
		      struct nvmesim_trace_op *op, struct nvmesim_diag *diag)
{
	char key[32], val[64];
	struct op_build b;
	struct tpos kp, vp;
	int i, r;

	op_begin(&b, op, p);
	for (i = 0; i < nkv; i++) {
		memcpy(key, kv[i].k, kv[i].kl);
		key[kv[i].kl] = '\0';
		memcpy(val, kv[i].v, kv[i].vl);
		val[kv[i].vl] = '\0';
		kp.line = kv[i].line;
		kp.col = kv[i].kc + 1;
		vp.line = kv[i].line;
		vp.col = kv[i].vc + 1;
		r = op_field(t, &b, op, key, kp, val, vp, diag);
		if (r)
			return r;
	}
	return op_finish(t, &b, op, diag);
}

/* op_from_item - an item the scanner declined: libyaml parses its lines on their own */
static int op_from_item(struct nvmesim_trace *t, size_t len, struct nvmesim_trace_op *op,
			struct nvmesim_diag *diag)
{
	struct nvmesim_yaml *y = &t->sub;
	char field[32];
	int r, i;

	r = nvmesim_yaml_open_string(y, t->buf + t->pos, len, t->path, t->line, diag);
	if (r)
		return r;
	/* stream start, document start, the sequence of one item, then the item */
	for (i = 0; i < 4 && !r; i++)
		r = nvmesim_yaml_next(y);
	if (!r)
		r = op_from_events(t, y, op, diag);
	if (!r)
		r = nvmesim_yaml_next(y);
	if (!r && y->ev.type != YAML_SEQUENCE_END_EVENT)
		r = nvmesim_yaml_got(y, op_field_name(t, field, sizeof(field)),
				     "one operation per '- ' item");
	nvmesim_yaml_close(y);
	return r;
}

/* after_ops_lines - a line that ends the sequence: only the end of the document may follow */
static int after_ops_lines(struct nvmesim_trace *t, const struct tline *l0, size_t ind,
			   struct nvmesim_diag *diag)
{
	struct tline l = *l0;
	struct tpos p = { t->line, (unsigned int)ind + 1 };
	char got[72];
	size_t k;
	bool blank, ended = false;
	int r;

	for (;;) {
		if (!ended && ind == 0 && l.len >= 3 && !memcmp(l.text, "...", 3) &&
		    (l.len == 3 || l.text[3] == ' ' || l.text[3] == '\t')) {
			ended = true;
		} else if (ind == 0 && l.len >= 3 && !memcmp(l.text, "---", 3) &&
			   (l.len == 3 || l.text[3] == ' ' || l.text[3] == '\t')) {
			return trace_err(t->path, diag, p, "trace",
					 "expected a single YAML document, got '---'");
		} else if (!ended && ind <= t->root_col) {
			k = ind;
			while (k < l.len && l.text[k] != ':' && k - ind < sizeof(got) - 1)
				k++;
			snprintf(got, sizeof(got), "%.*s", (int)(k - ind), l.text + ind);
			return trace_err(t->path, diag, p, "ops",
					 "expected ops to be the last key of the trace, got '%s' "
					 "after it", got);
		} else {
			snprintf(got, sizeof(got), "%.*s", (int)NVMESIM_MIN(l.len - ind, 40),
				 l.text + ind);
			return trace_err(t->path, diag, p, "ops", ended ?
					 "expected the end of the file after '...', got '%s'" :
					 "expected '- ' items of the ops sequence, got '%s'", got);
		}
		/* skip blank and comment lines up to the next content line */
		do {
			t->pos += l.next;
			t->line++;
			r = line_at(t, 0, &l);
			if (r < 0)
				return line_io_err(t, r, diag);
			if (r)
				return 0;
			ind = line_indent(&l, &blank);
		} while (blank);
		p.line = t->line;
		p.col = (unsigned int)ind + 1;
	}
}

/* next_op_lines - the next operation by the line scanner; 1, 0 at the end, or -errno */
static int next_op_lines(struct nvmesim_trace *t, struct nvmesim_trace_op *op,
			 struct nvmesim_diag *diag)
{
	struct fkv kv[FAST_MAX_KV];
	struct tline l;
	struct tpos p;
	size_t ind, rel, end, i, kc = 0, first_len, first_next, ahead_rel = 0;
	unsigned long lines, content_lines = 1;
	bool blank, multi = false, gap = false, ahead = false;
	int nkv = -1, r;

	/* find the item's first line (the previous call may have looked at it already:
	 * finding the end of an item reads the line after it) */
	if (t->ahead) {
		l.text = t->buf + t->pos;
		l.len = t->ahead_len;
		l.next = t->ahead_next;
		ind = t->ahead_ind;
		t->ahead = false;
	} else {
		for (;;) {
			r = line_at(t, 0, &l);
			if (r < 0)
				return line_io_err(t, r, diag);
			if (r)
				return 0;
			ind = line_indent(&l, &blank);
			if (!blank)
				break;
			t->pos += l.next;
			t->line++;
		}
	}
	first_len = l.len;
	first_next = l.next;
	if (ind != t->dash_col || l.text[ind] != '-' ||
	    (ind + 1 < l.len && l.text[ind + 1] != ' ' && l.text[ind + 1] != '\t')) {
		r = after_ops_lines(t, &l, ind, diag);
		return r ? r : 0;
	}
	/* its extent: following lines indented deeper, and blank lines between them */
	end = l.next;
	rel = l.next;
	lines = 1;
	for (;;) {
		r = line_at(t, rel, &l);
		if (r < 0)
			return line_io_err(t, r, diag);
		if (r)
			break;
		ind = line_indent(&l, &blank);
		lines++;
		if (!blank && ind <= t->dash_col) {
			/* the next item (or whatever ends the sequence): remember it */
			ahead = true;
			ahead_rel = rel;
			t->ahead_len = l.len;
			t->ahead_next = l.next - rel;
			t->ahead_ind = ind;
			break;
		}
		rel = l.next;
		if (blank) {
			continue;
		}
		if (lines > content_lines + 1)
			gap = true;
		multi = true;
		end = rel;
		content_lines = lines;
	}

	/* the scanner's two forms: "- {k: v, ...}" and lines of "k: v" (the buffer may
	 * have moved since the first line was found) */
	l.text = t->buf + t->pos;
	l.len = first_len;
	l.next = first_next;
	i = t->dash_col + 1;
	while (i < l.len && l.text[i] == ' ')
		i++;
	p.line = t->line;
	p.col = (unsigned int)i + 1;
	if (i < l.len && i > t->dash_col + 1 && !(t->flags & NVMESIM_TRACE_NO_FASTPATH)) {
		if (l.text[i] == '{' && !multi) {
			nkv = scan_flow(l.text, i, l.len, t->line, kv);
		} else if (l.text[i] != '{' && !gap) {
			kc = i;
			nkv = scan_block_line(l.text, i, l.len, t->line, &kv[0]) ? -1 : 1;
			for (rel = l.next; nkv > 0 && rel < end; ) {
				r = line_at(t, rel, &l);
				if (r)
					return line_io_err(t, r < 0 ? r : -EIO, diag);
				ind = line_indent(&l, &blank);
				if (ind != kc || nkv == FAST_MAX_KV ||
				    scan_block_line(l.text, ind, l.len, t->line + nkv, &kv[nkv]))
					nkv = -1;
				else
					nkv++;
				rel = l.next;
			}
		}
	}
	if (nkv >= 0) {
		r = op_from_kv(t, kv, nkv, p, op, diag);
		t->fast_ops++;
	} else {
		r = op_from_item(t, end, op, diag);
		t->yaml_ops++;
	}
	if (r)
		return r;
	t->pos += end;
	t->line += content_lines;
	/* the line after the item is the next call's first, unless blank lines lie between */
	t->ahead = ahead && ahead_rel == end;
	return 1;
}

/* next_op_events - the next operation from the whole-file parser; 1, 0 at the end, or -errno */
static int next_op_events(struct nvmesim_trace *t, struct nvmesim_trace_op *op,
			  struct nvmesim_diag *diag)
{
	struct nvmesim_yaml *y = &t->y;
	int r;

	y->diag = diag;
	r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (y->ev.type != YAML_SEQUENCE_END_EVENT) {
		r = op_from_events(t, y, op, diag);
		t->yaml_ops++;
		return r ? r : 1;
	}
	r = nvmesim_yaml_next(y);
	if (r)
		return r;
	if (y->ev.type == YAML_SCALAR_EVENT)
		return nvmesim_yaml_error(y, &y->ev.start_mark, "ops",
					  "expected ops to be the last key of the trace, got '%s' "
					  "after it", (const char *)y->ev.data.scalar.value);
	if (y->ev.type != YAML_MAPPING_END_EVENT)
		return nvmesim_yaml_got(y, "ops", "the end of the trace");
	r = nvmesim_yaml_next(y);                /* document end */
	if (!r)
		r = nvmesim_yaml_next(y);
	if (!r && y->ev.type != YAML_STREAM_END_EVENT)
		r = nvmesim_yaml_error(y, &y->ev.start_mark, "trace",
				       "expected a single YAML document, got '---'");
	return r;
}

/* nvmesim_trace_next_op - the next explicit operation; 1, 0 at the end, or -EINVAL (-errno
 * for read errors), after which the reader stays stopped */
int nvmesim_trace_next_op(struct nvmesim_trace *t, struct nvmesim_trace_op *op,
			  struct nvmesim_diag *diag)
{
	int r;

	switch (t->state) {
	case OPS_LINES:
		r = next_op_lines(t, op, diag);
		break;
	case OPS_EVENTS:
		r = next_op_events(t, op, diag);
		break;
	case OPS_FAILED:
		nvmesim_diag_set(diag, "%s: the trace reader stopped at an earlier error", t->path);
		return -EINVAL;
	default:
		return 0;
	}
	if (r == 1) {
		t->nr_ops++;
		return 1;
	}
	if (r < 0) {
		t->state = OPS_FAILED;
		return r;
	}
	t->state = OPS_DONE;
	if (t->y_open) {
		nvmesim_yaml_close(&t->y);
		t->y_open = false;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------
 * Opening: settings up to ops:, the choice of the way through ops:, and --set.
 */

/* lines_start - switch to the line scanner when the first item is on line @line at column
 * @col as the scanner sees it (only LF and CRLF line breaks before it, spaces and a dash on
 * the item's line); 0 if it did, else the file position is untouched and libyaml's parser
 * carries on */
static int lines_start(struct nvmesim_trace *t, unsigned long line, unsigned int col)
{
	unsigned long at = 1;
	off_t off = 0, line_off = 0;
	ssize_t n, i;
	unsigned int c;
	const unsigned char *b;

	t->cap = TRACE_BUF_INITIAL;
	t->buf = malloc(t->cap);
	if (!t->buf)
		return -ENOMEM;
	/* pread() leaves libyaml's file position alone until we commit */
	while (at < line) {
		n = pread(t->fd, t->buf, t->cap, off);
		if (n <= 0)
			return -EIO;
		b = (const unsigned char *)t->buf;
		for (i = 0; i < n && at < line; i++) {
			if (b[i] == '\n') {
				at++;
				line_off = off + i + 1;
			} else if (b[i] == '\r' && (i + 1 >= n || b[i + 1] != '\n')) {
				return -EINVAL;    /* lone CR, or a CR at a chunk's end */
			} else if ((b[i] == 0xc2 && i + 1 < n && b[i + 1] == 0x85) ||
				   (b[i] == 0xe2 && i + 2 < n && b[i + 1] == 0x80 &&
				    (b[i + 2] == 0xa8 || b[i + 2] == 0xa9))) {
				return -EINVAL;    /* NEL, LS, PS: libyaml breaks lines there */
			} else if (b[i] >= 0xc2 && i + 2 >= n) {
				return -EINVAL;    /* a character split by the chunk: stay safe */
			}
		}
		off += n;
	}
	n = pread(t->fd, t->buf, (size_t)col + 1, line_off);
	if (n != (ssize_t)col + 1)
		return -EINVAL;
	for (c = 0; c < col; c++)
		if (t->buf[c] != ' ')
			return -EINVAL;
	if (t->buf[col] != '-')
		return -EINVAL;
	/* commit: the scanner owns the file from the item's line on */
	if (lseek(t->fd, line_off, SEEK_SET) != line_off)
		return -EIO;
	t->len = 0;
	t->pos = 0;
	t->eof = false;
	t->ahead = false;
	t->line = line;
	t->dash_col = col;
	return 0;
}

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
	struct nvmesim_yaml_walk w = {
		.table = &top_table, .base = t, .seen = t->top_seen, .root = "trace",
		.extra = top_extra, .key = trace_key, .check = top_check, .ctx = t,
	};
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
	r = nvmesim_yaml_walk(y, &w);
	if (r < 0)
		return r;
	if (r == NVMESIM_YAML_STOP) {
		/* the ops sequence has started: pick the way through it */
		t->state = OPS_EVENTS;
		if (!(t->flags & NVMESIM_TRACE_NO_FASTPATH) &&
		    ev->data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE &&
		    !ev->data.sequence_start.anchor && !ev->data.sequence_start.tag &&
		    y->parser.encoding == YAML_UTF8_ENCODING &&
		    lines_start(t, nvmesim_yaml_line(y, &ev->start_mark),
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
		r = apply_set(t, sets[i], diag);
		if (r)
			goto fail;
	}
	/* messages name the caller's string: ours is gone if this fails */
	r = settings_finish(t, path, diag);
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

/* nvmesim_io_op_name - the trace's name of @op */
const char *nvmesim_io_op_name(enum nvmesim_io_op op)
{
	if ((unsigned int)op < NVMESIM_ARRAY_SIZE(io_names))
		return io_names[op];
	return "unknown";
}
