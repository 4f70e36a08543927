/* SPDX-License-Identifier: MIT */
/*
 * trace-ops.c - the operation builder: an explicit operation of `ops:` from
 * its keys, fed one "key: value" at a time by libyaml's events or by the line
 * scanner (trace-lines.c), so both ways accept and refuse the same things with
 * the same "file:line:column: field: expected ..., got '...'" messages.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/bar.h"
#include "engine/trace-internal.h"

/* Largest data buffer of a raw command: beyond any controller's MDTS. */
#define TRACE_DATA_MAX (16u << 20)

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

/* nvmesim_trace_op_name - "ops.N" for messages about a whole operation */
const char *nvmesim_trace_op_name(const struct nvmesim_trace *t, char *buf, size_t len)
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
		return nvmesim_trace_err(t->path, diag, p, k, max > 65536 ?
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
		return nvmesim_trace_err(t->path, diag, p, k,
					 "expected %s, got '%s'; did you mean '%s'?", list, q,
					 best);
	return nvmesim_trace_err(t->path, diag, p, k, "expected %s, got '%s'", list, q);
}

/* op_bad_value - "expected @what, got '@v'" about key @k's value at @p; returns -EINVAL */
static int op_bad_value(struct nvmesim_trace *t, struct nvmesim_diag *diag, struct tpos p,
			const char *k, const char *v, const char *what)
{
	char q[72];

	return nvmesim_trace_err(t->path, diag, p, k, "expected %s, got '%s'", what,
				 nvmesim_quote(v, q, sizeof(q)));
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
	nvmesim_trace_op_name(t, field, sizeof(field));
	nvmesim_quote(k, q, sizeof(q));
	if (best)
		return nvmesim_trace_err(t->path, diag, p, field,
					 "expected a known key, got '%s'; did you mean '%s'?", q,
					 best);
	return nvmesim_trace_err(t->path, diag, p, field,
				 "expected a known key (op, admin, cmd, mmio, "
				 "wait, doorbell, event and their fields), got '%s'",
				 q);
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
		return nvmesim_trace_err(t->path, diag, p, "reg",
					 "expected a register name (CAP, VS, CC, CSTS, AQA, ASQ, "
					 "ACQ, ...) or a BAR0 offset, got '%s'; did you mean '%s'?",
					 q, best);
	return nvmesim_trace_err(t->path, diag, p, "reg",
				 "expected a register name (CAP, VS, CC, CSTS, "
				 "AQA, ASQ, ACQ, ...) or a BAR0 offset, got '%s'",
				 q);
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
		return nvmesim_trace_err(t->path, diag, kp, k,
					 "expected one value, got a second one "
					 "(the first is on line %lu)",
					 b->key[id].line);
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
			return op_bad_value(t, diag, vp, k, v, "a time (ns, us, ms, s)");
		if (t->last_at >= 0 && b->at < (uint64_t)t->last_at)
			return nvmesim_trace_err(t->path, diag, vp, k,
						 "expected a time at or after %lluns "
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
			return op_bad_value(t, diag, vp, k, v, "a size up to 16MiB");
		op->data_bytes = (uint32_t)x;
		break;
	case K_EXPECT:
		if (strlen(v) >= sizeof(b->expect))
			return op_bad_value(t, diag, vp, k, v, "a status or a value");
		strcpy(b->expect, v);
		break;
	case K_MMIO:
		if (strcasecmp(v, "read") == 0)
			op->write = false;
		else if (strcasecmp(v, "write") == 0)
			op->write = true;
		else
			return op_bad_value(t, diag, vp, k, v, "read or write");
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
			return op_bad_value(t, diag, vp, k, v, "32 or 64");
		break;
	case K_VALUE:
		r = op_num(t, diag, vp, k, v, 0, UINT64_MAX, &op->value);
		break;
	case K_MASK:
		r = op_num(t, diag, vp, k, v, 0, UINT64_MAX, &op->expect_mask);
		break;
	case K_WAIT:
		if (nvmesim_parse_time(v, &op->value))
			return op_bad_value(t, diag, vp, k, v, "a time (ns, us, ms, s)");
		break;
	case K_PRP_OFFSET:
		/* any byte offset into the first memory page, aligned or not */
		r = op_num(t, diag, vp, k, v, 0, 4095, &x);
		op->prp_offset = (uint32_t)x;
		break;
	case K_VERIFY:
		if (nvmesim_parse_bool(v, &b->verify))
			return op_bad_value(t, diag, vp, k, v, "on or off");
		break;
	case K_DOORBELL:
		if (strcasecmp(v, "sq") == 0)
			op->doorbell_cq = false;
		else if (strcasecmp(v, "cq") == 0)
			op->doorbell_cq = true;
		else
			return op_bad_value(t, diag, vp, k, v,
					    "sq (tail doorbell) or cq (head doorbell)");
		break;
	case K_QID:
		r = op_num(t, diag, vp, k, v, 0, 65535, &x);
		op->queue = (unsigned int)x;
		break;
	case K_EVENT:
		if (strcasecmp(v, "next"))
			return op_bad_value(t, diag, vp, k, v, "next (the oldest asynchronous "
					    "event the host received)");
		break;
	case K_WITHIN:
		if (nvmesim_parse_time(v, &b->within) || b->within > INT64_MAX)
			return op_bad_value(t, diag, vp, k, v, "a time (ns, us, ms, s)");
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
	struct tpos mp = nvmesim_trace_mark_pos(y, &y->ev.start_mark), p;
	struct nvmesim_nearest n;
	const char *v, *best;
	char q[72];
	unsigned int i;
	int r;

	if (b->have & KB(K_EXPECT))
		return nvmesim_trace_err(t->path, diag, kp, "expect",
					 "expected one value, got a second "
					 "one (the first is on line %lu)",
					 b->key[K_EXPECT].line);
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
		p = nvmesim_trace_mark_pos(y, &y->ev.start_mark);
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
				return nvmesim_trace_err(t->path, diag, p, "expect",
							 "expected a backend name (sim or vfio), "
							 "got '%s'; did you mean '%s'?", q, best);
			return nvmesim_trace_err(t->path, diag, p, "expect",
						 "expected a backend name "
						 "(sim or vfio), got '%s'",
						 q);
		}
		if (b->alt_have & (1u << i))
			return nvmesim_trace_err(t->path, diag, p, "expect",
						 "expected one value for %s, "
						 "got a second one (the first is on line %lu)",
						 backend_names[i], b->alt_pos[i].line);
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return nvmesim_yaml_got(y, "expect", "a status or a value");
		v = (const char *)y->ev.data.scalar.value;
		b->alt_pos[i] = nvmesim_trace_mark_pos(y, &y->ev.start_mark);
		if (strlen(v) >= sizeof(b->alt[i]))
			return nvmesim_trace_err(t->path, diag, b->alt_pos[i], "expect",
						 "expected a status or a value, got '%s'",
						 nvmesim_quote(v, q, sizeof(q)));
		strcpy(b->alt[i], v);
		b->alt_have |= 1u << i;
	}
	if (!(b->alt_have & 1u))
		return nvmesim_trace_err(t->path, diag, mp, "expect",
					 "expected a sim value in the map (the spec's answer, "
					 "used by every backend the map does not name), got none");
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
			return nvmesim_trace_err(t->path, diag, pos, "expect",
						 "expected a status (SCT << 8 | SC) up to 0x7ff, "
						 "got '%s'", text);
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
		return nvmesim_trace_err(t->path, diag, pos, "expect",
					 "expected a status name (success, "
					 "invalid_field_in_command, ...) or number (0x101 = SCT "
					 "1, SC 1), got '%s'; did you mean '%s'?", q, best);
	return nvmesim_trace_err(t->path, diag, pos, "expect",
				 "expected a status name (success, invalid_field_in_command, ...) "
				 "or number (0x101 = SCT 1, SC 1), got '%s'", q);
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
	return nvmesim_trace_err(t->path, diag, b->key[first], op_keys[first],
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
		return nvmesim_trace_err(t->path, diag, pos, "expect",
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
			return nvmesim_trace_err(t->path, diag, b->key[K_VERIFY], "verify",
						 "expected verify on a read or a write, got a %s",
						 io_names[op->io]);
		op->verify = b->verify;
	} else if (rw) {
		op->verify = t->s.verify;
	}
	if (op->verify && op->nsid >= 1 && op->nsid <= t->s.nr_ns &&
	    t->s.ns[op->nsid - 1].discard_data)
		return nvmesim_trace_err(t->path, diag,
					 b->have & KB(K_VERIFY) ? b->key[K_VERIFY] : b->pos,
					 "verify", "expected a namespace that keeps its data, got "
					 "namespace %u with data: discard (it drops what is "
					 "written)", op->nsid);
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
		return nvmesim_trace_err(t->path, diag, b->pos,
					 nvmesim_trace_op_name(t, field, sizeof(field)),
					 "expected one of op, admin, cmd, mmio, wait, doorbell "
					 "or event, got none");
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
		return nvmesim_trace_err(t->path, diag, b->key[second], op_keys[second],
					 "expected one of op, admin, cmd, mmio, wait, doorbell or "
					 "event, got both '%s' and '%s'", op_keys[first],
					 op_keys[second]);
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
				return nvmesim_trace_err(t->path, diag, b->pos,
							 nvmesim_trace_op_name(t, field,
									       sizeof(field)),
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
			return nvmesim_trace_err(t->path, diag, b->key[K_PRP_OFFSET], "prp_offset",
						 "expected data: with prp_offset (it offsets the "
						 "data pointer), got no data");
	} else if (kinds & KB(K_MMIO)) {
		op->kind = NVMESIM_OP_MMIO;
		r = op_allowed(t, b, op->write ? ALLOW_MMIO & ~(KB(K_EXPECT) | KB(K_MASK)) :
			       ALLOW_MMIO & ~KB(K_VALUE), op->write ? "a register write" :
			       "a register read", diag);
		if (r)
			return r;
		if (!(b->have & KB(K_REG)))
			return nvmesim_trace_err(t->path, diag, b->pos,
						 nvmesim_trace_op_name(t, field, sizeof(field)),
						 "expected reg for a register access, got none");
		if (!(b->have & KB(K_WIDTH)))
			op->width = b->reg_width ? b->reg_width : 4;
		if (b->reg_width && op->width > b->reg_width)
			return nvmesim_trace_err(t->path, diag, b->val[K_WIDTH], "width",
						 "expected 32 (%s is a 32-bit register), got '64'",
						 b->reg);
		if (op->reg % op->width)
			return nvmesim_trace_err(t->path, diag, b->val[K_REG], "reg",
						 "expected an offset aligned to the %u-bit width, "
						 "got '%s'", op->width * 8, b->reg);
		wmask = op->width == 8 ? UINT64_MAX : UINT32_MAX;
		if (op->write && !(b->have & KB(K_VALUE)))
			return nvmesim_trace_err(t->path, diag, b->pos,
						 nvmesim_trace_op_name(t, field, sizeof(field)),
						 "expected value for a register write, got none");
		if (op->value > wmask)
			return nvmesim_trace_err(t->path, diag, b->val[K_VALUE], "value",
						 "expected a %u-bit value, got 0x%llx",
						 op->width * 8, (unsigned long long)op->value);
		if (!(b->have & KB(K_MASK)))
			op->expect_mask = wmask;
		if (op->expect_mask > wmask)
			return nvmesim_trace_err(t->path, diag, b->val[K_MASK], "mask",
						 "expected a %u-bit mask, got 0x%llx",
						 op->width * 8,
						 (unsigned long long)op->expect_mask);
		return op_values(t, b, op, diag);
	} else if (kinds & KB(K_DOORBELL)) {
		op->kind = NVMESIM_OP_DOORBELL;
		r = op_allowed(t, b, ALLOW_DOORBELL, "a doorbell write", diag);
		if (r)
			return r;
		if (!(b->have & KB(K_QID)) || !(b->have & KB(K_VALUE)))
			return nvmesim_trace_err(t->path, diag, b->pos,
						 nvmesim_trace_op_name(t, field, sizeof(field)),
						 "expected qid and value for a doorbell write, "
						 "got %s",
						 b->have & KB(K_QID) ? "no value" : "no qid");
		if (op->value > UINT32_MAX)
			return nvmesim_trace_err(t->path, diag, b->val[K_VALUE], "value",
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
			return nvmesim_trace_err(t->path, diag, b->val[K_MASK], "mask",
						 "expected a 32-bit mask (event dword 0), got "
						 "0x%llx", (unsigned long long)op->expect_mask);
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

/* nvmesim_trace_op_from_events - build the operation whose mapping starts at @y's current event */
int nvmesim_trace_op_from_events(struct nvmesim_trace *t, struct nvmesim_yaml *y,
				 struct nvmesim_trace_op *op, struct nvmesim_diag *diag)
{
	char key[32], field[32];
	struct op_build b;
	struct tpos kp;
	int r;

	nvmesim_trace_op_name(t, field, sizeof(field));
	if (y->ev.type != YAML_MAPPING_START_EVENT)
		return nvmesim_yaml_got(y, field, "a mapping (an operation)");
	op_begin(&b, op, nvmesim_trace_mark_pos(y, &y->ev.start_mark));
	for (;;) {
		r = nvmesim_yaml_next(y);
		if (r)
			return r;
		if (y->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return nvmesim_yaml_got(y, field, "a key");
		kp = nvmesim_trace_mark_pos(y, &y->ev.start_mark);
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
			     nvmesim_trace_mark_pos(y, &y->ev.start_mark), diag);
		if (r)
			return r;
	}
	return op_finish(t, &b, op, diag);
}

/* nvmesim_trace_op_from_pairs - build an operation from scanned pairs (the fast path) */
int nvmesim_trace_op_from_pairs(struct nvmesim_trace *t, const struct trace_kv *kv, int nkv,
				struct tpos p, struct nvmesim_trace_op *op,
				struct nvmesim_diag *diag)
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

/* nvmesim_io_op_name - the trace's name of @op */
const char *nvmesim_io_op_name(enum nvmesim_io_op op)
{
	if ((unsigned int)op < NVMESIM_ARRAY_SIZE(io_names))
		return io_names[op];
	return "unknown";
}
