/* SPDX-License-Identifier: MIT */
/*
 * trace-settings.c - a trace's settings: the top-level keys, generator jobs
 * and namespaces (read through the settings tables of engine/settings.h),
 * `--set` overrides by dotted path, and the checks once all are known.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/trace-internal.h"

/* Largest job block size (4096 PRP entries of 4 KiB). */
#define TRACE_BS_MAX (16u << 20)

/* rwmixread before a trace or --set gives it (a percentage never exceeds 100) */
#define RWMIX_UNSET 0xffffffffu

/* ---------------------------------------------------------------------------------------
 * The tables.  The fio names of a job's rw map to op + pattern + mix in job_finish().
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
 * Value checks the table types cannot express, the top-level keys with sequences, --set,
 * and the final consistency checks.
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

/* policy_ok - whether @field is one of policy @i's values */
static bool policy_ok(unsigned int i, const char *field)
{
	unsigned int j, thr, us;

	for (j = 0; j < NVMESIM_ARRAY_SIZE(policies[i].values) && policies[i].values[j]; j++)
		if (!strcmp(field, policies[i].values[j]))
			return true;
	if (!strcmp(policies[i].path, "host.coalescing"))
		return nvmesim_parse_coalescing(field, &thr, &us);
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
			t->jobs[*nr].pos = nvmesim_trace_mark_pos(y, &y->ev.start_mark);
			w.table = &job_table;
			w.base = &t->jobs[*nr];
			w.seen = t->jobs[*nr].seen;
			w.check = job_check;
		} else {
			memset(&t->ns[*nr], 0, sizeof(t->ns[*nr]));
			t->ns[*nr].ns.lba_bytes = 512;
			t->ns[*nr].pos = nvmesim_trace_mark_pos(y, &y->ev.start_mark);
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

/* nvmesim_trace_apply_set - one --set "path=value"; profile.* is the profile loader's; 0 or
 * -EINVAL */
int nvmesim_trace_apply_set(struct nvmesim_trace *t, const char *arg, struct nvmesim_diag *diag)
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
			return nvmesim_trace_err(file, diag, tj->pos, field,
						 "expected rw: rw, readwrite or randrw with "
						 "rwmixread, got '%s'", rw_names[tj->rw]);
		j->rwmixread = 100;
	}
	if (!j->count && !j->runtime_ns)
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected count (or number_ios) or runtime, got neither");
	if (j->queue > t->s.host.queues)
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected queue from 0 to host.queues (%u), got '%u'",
					 t->s.host.queues, j->queue);
	if (!t->s.nr_ns && j->nsid != 1)
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected nsid 1 (the profile's namespace; add "
					 "namespaces: for more), got '%u'", j->nsid);
	if (j->verify && (mixed || j->op == NVMESIM_IO_TRIM))
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected verify with rw read, randread, write or "
					 "randwrite, got '%s' (a mix or a trim reads blocks it "
					 "did not write with verify)", rw_names[tj->rw]);
	if (!t->s.nr_ns)
		return 0;
	if (j->nsid > t->s.nr_ns)
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected nsid from 1 to %u (the namespaces given), got "
					 "'%u'", t->s.nr_ns, j->nsid);
	ns = &t->s.ns[j->nsid - 1];
	if (j->bs % ns->lba_bytes || j->offset % ns->lba_bytes || j->size % ns->lba_bytes)
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected bs, offset and size in whole %u-byte blocks of "
					 "namespace %u, got bs %u, offset %llu, size %llu",
					 ns->lba_bytes, j->nsid, j->bs,
					 (unsigned long long)j->offset,
					 (unsigned long long)j->size);
	if (j->offset >= ns->size || j->size > ns->size - j->offset)
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected offset and size inside namespace %u (%llu "
					 "bytes), got offset %llu, size %llu", j->nsid,
					 (unsigned long long)ns->size,
					 (unsigned long long)j->offset,
					 (unsigned long long)j->size);
	if (j->verify && ns->discard_data)
		return nvmesim_trace_err(file, diag, tj->pos, field,
					 "expected a namespace that keeps its data for verify, "
					 "got namespace %u with data: discard (it drops what is "
					 "written)", j->nsid);
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

/* nvmesim_trace_settings_finish - defaults that depend on other settings, and consistency; 0
 * or -EINVAL */
int nvmesim_trace_settings_finish(struct nvmesim_trace *t, const char *file,
				  struct nvmesim_diag *diag)
{
	char field[32];
	unsigned int i;
	int r;

	t->s.init_manual = t->init == 1;
	for (i = 0; i < t->s.nr_ns; i++) {
		snprintf(field, sizeof(field), "namespaces.%u", i);
		if (!t->ns[i].ns.size)
			return nvmesim_trace_err(file, diag, t->ns[i].pos, field,
						 "expected a size, got none");
		if (t->ns[i].ns.size % t->ns[i].ns.lba_bytes)
			return nvmesim_trace_err(file, diag, t->ns[i].pos, field,
						 "expected a size in whole %u-byte blocks, got "
						 "%llu bytes", t->ns[i].ns.lba_bytes,
						 (unsigned long long)t->ns[i].ns.size);
		t->ns[i].ns.discard_data = t->ns[i].data == 1;
		t->s.ns[i] = t->ns[i].ns;
		if (t->s.verify && t->s.ns[i].discard_data)
			return nvmesim_trace_err(file, diag, verify_pos(t, t->ns[i].pos), "verify",
						 "expected namespaces that keep their data, got "
						 "namespace %u with data: discard (it drops what "
						 "is written)", i + 1);
	}
	for (i = 0; i < t->s.nr_jobs; i++) {
		r = job_finish(t, file, i, diag);
		if (r)
			return r;
		t->s.jobs[i] = t->jobs[i].j;
	}
	return 0;
}

/* nvmesim_trace_walk_settings - the top-level settings from @y's mapping start up to ops:
 * (NVMESIM_YAML_STOP) or the mapping's end (0); or -errno */
int nvmesim_trace_walk_settings(struct nvmesim_trace *t, struct nvmesim_yaml *y)
{
	struct nvmesim_yaml_walk w = {
		.table = &top_table, .base = t, .seen = t->top_seen, .root = "trace",
		.extra = top_extra, .key = trace_key, .check = top_check, .ctx = t,
	};

	return nvmesim_yaml_walk(y, &w);
}
