/* SPDX-License-Identifier: MIT */
/*
 * check_trace.c - the streaming trace reader (engine/trace*.c): every setting,
 * fio's rw names, `--set`, every form of explicit operation, the exact
 * position and wording of errors, and constant memory over a long trace.
 *
 * The reader has two ways through `ops:` (engine/trace.h); every file here is
 * read both ways and the results must be identical, so the fast line scanner
 * can never drift from what libyaml's parser says.  Test traces come from
 * $NVMESIM_SRCDIR/tests/traces; long ones are generated into $TMPDIR.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include "engine/nvmesim-internal.h"
#include "engine/trace.h"
#include "tests/check-common.h"

/* srcpath - tests/traces/@name under the source tree */
static const char *srcpath(const char *name)
{
	static char buf[1024];
	const char *dir = getenv("NVMESIM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/traces/%s", dir && *dir ? dir : NVMESIM_SRCDIR,
		 name);
	return buf;
}

/* write_tmp - a temporary trace holding @text; its name goes to @path */
static void write_tmp(char *path, size_t len, const char *text)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, len, "%s/nvmesim-trace-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* open_ok - open @path with @sets in @flags mode, which must succeed */
static struct nvmesim_trace *open_ok(const char *path, const char *const *sets,
				     unsigned int nr, unsigned int flags)
{
	struct nvmesim_trace *t = NULL;
	struct nvmesim_diag d;
	int r;

	memset(&d, 0, sizeof(d));
	r = nvmesim_trace_open_flags(&t, path, sets, nr, flags, &d);
	ck_assert_msg(r == 0, "%s: %d %s", path, r, d.msg);
	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(test_settings_every_key)
{
	struct nvmesim_trace *t = open_ok(srcpath("settings.yaml"), NULL, 0, 0);
	const struct nvmesim_trace_settings *s = nvmesim_trace_settings(t);
	const struct nvmesim_job *j;
	struct nvmesim_trace_op op;

	ck_assert_str_eq(nvmesim_trace_path(t), srcpath("settings.yaml"));
	ck_assert_uint_eq(s->seed, 42);
	ck_assert_str_eq(s->profile, "gen3-tlc");
	ck_assert(s->init_manual);
	ck_assert_uint_eq(s->ops_iodepth, 8);
	ck_assert_uint_eq(s->interval_ns, 10000000);
	ck_assert_uint_eq(s->host.queues, 4);
	ck_assert_uint_eq(s->host.queue_entries, 256);
	ck_assert_uint_eq(s->host.cpus, 2);
	ck_assert_str_eq(s->host.completion, "poll");
	ck_assert_str_eq(s->host.sq_doorbell, "per-command");
	ck_assert_str_eq(s->host.cq_doorbell, "per-reap");
	ck_assert_str_eq(s->host.shadow_doorbell, "off");
	ck_assert_str_eq(s->host.coalescing, "off");      /* written "false" */
	ck_assert(!s->has_ops);

	ck_assert_uint_eq(s->nr_ns, 2);
	ck_assert_uint_eq(s->ns[0].size, 1ull << 30);
	ck_assert_uint_eq(s->ns[0].lba_bytes, 4096);
	ck_assert_uint_eq(s->ns[1].size, 512ull << 20);
	ck_assert_uint_eq(s->ns[1].lba_bytes, 512);

	ck_assert_uint_eq(s->nr_jobs, 3);
	j = &s->jobs[0];
	ck_assert_str_eq(j->name, "randread-qd32");
	ck_assert_int_eq(j->op, NVMESIM_IO_READ);
	ck_assert_int_eq(j->pattern, NVMESIM_PATTERN_RANDOM);
	ck_assert_uint_eq(j->rwmixread, 100);
	ck_assert_uint_eq(j->bs, 4096);
	ck_assert_uint_eq(j->iodepth, 32);
	ck_assert_uint_eq(j->count, 1000);
	ck_assert_uint_eq(j->runtime_ns, 0);
	ck_assert_uint_eq(j->nsid, 1);
	ck_assert_uint_eq(j->queue, 2);
	j = &s->jobs[1];
	ck_assert_str_eq(j->name, "mixed");
	ck_assert_int_eq(j->op, NVMESIM_IO_WRITE);
	ck_assert_int_eq(j->pattern, NVMESIM_PATTERN_RANDOM);
	ck_assert_uint_eq(j->rwmixread, 70);
	ck_assert_uint_eq(j->bs, 8192);
	ck_assert_uint_eq(j->iodepth, 1);
	ck_assert_uint_eq(j->count, 10);
	ck_assert_uint_eq(j->offset, 1 << 20);
	ck_assert_uint_eq(j->size, 64 << 20);
	ck_assert_uint_eq(j->nsid, 2);
	ck_assert_uint_eq(j->queue, 0);
	j = &s->jobs[2];
	ck_assert_str_eq(j->name, "job2");
	ck_assert_int_eq(j->op, NVMESIM_IO_WRITE);
	ck_assert_int_eq(j->pattern, NVMESIM_PATTERN_SEQ);
	ck_assert_uint_eq(j->rwmixread, 100);
	ck_assert_uint_eq(j->bs, 4096);
	ck_assert_uint_eq(j->count, 0);
	ck_assert_uint_eq(j->runtime_ns, 1500000000);
	ck_assert_uint_eq(j->rate_iops, 1000);
	ck_assert_uint_eq(j->offset, 0);
	ck_assert_uint_eq(j->size, 0);

	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 0);
	nvmesim_trace_close(t);
}
END_TEST

START_TEST(test_settings_defaults)
{
	static const char *const texts[] = { "seed: 1\n", "ops:\n", "# only a comment\n{}\n" };
	const struct nvmesim_trace_settings *s;
	struct nvmesim_trace_op op;
	struct nvmesim_trace *t;
	char path[256];
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(texts); i++) {
		write_tmp(path, sizeof(path), texts[i]);
		t = open_ok(path, NULL, 0, 0);
		s = nvmesim_trace_settings(t);
		ck_assert_uint_eq(s->seed, 1);
		ck_assert_str_eq(s->profile, "gen4-tlc");
		ck_assert(!s->init_manual);
		ck_assert_uint_eq(s->host.queues, 1);
		ck_assert_uint_eq(s->host.queue_entries, 1024);
		ck_assert_uint_eq(s->host.cpus, 0);
		ck_assert_str_eq(s->host.completion, "interrupt");
		ck_assert_str_eq(s->host.sq_doorbell, "per-command");
		ck_assert_str_eq(s->host.cq_doorbell, "per-reap");
		ck_assert_str_eq(s->host.shadow_doorbell, "off");
		ck_assert_str_eq(s->host.coalescing, "off");
		ck_assert_uint_eq(s->nr_ns, 0);
		ck_assert_uint_eq(s->nr_jobs, 0);
		ck_assert_uint_eq(s->ops_iodepth, 1);
		ck_assert_uint_eq(s->interval_ns, 1000000);
		ck_assert(!s->has_ops);
		ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 0);
		ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 0);
		nvmesim_trace_close(t);
		unlink(path);
	}
}
END_TEST

START_TEST(test_fio_names)
{
	static const struct {
		enum nvmesim_io_op op;
		enum nvmesim_pattern pattern;
		unsigned int rwmixread;
	} want[] = {
		{ NVMESIM_IO_READ, NVMESIM_PATTERN_SEQ, 100 },      /* read */
		{ NVMESIM_IO_WRITE, NVMESIM_PATTERN_SEQ, 100 },     /* write */
		{ NVMESIM_IO_READ, NVMESIM_PATTERN_RANDOM, 100 },   /* randread */
		{ NVMESIM_IO_WRITE, NVMESIM_PATTERN_RANDOM, 100 },  /* randwrite */
		{ NVMESIM_IO_WRITE, NVMESIM_PATTERN_SEQ, 50 },      /* rw: fio's default mix */
		{ NVMESIM_IO_WRITE, NVMESIM_PATTERN_SEQ, 30 },      /* readwrite, rwmixread 30 */
		{ NVMESIM_IO_WRITE, NVMESIM_PATTERN_RANDOM, 0 },    /* randrw, all writes */
		{ NVMESIM_IO_TRIM, NVMESIM_PATTERN_SEQ, 100 },      /* trim */
		{ NVMESIM_IO_TRIM, NVMESIM_PATTERN_RANDOM, 100 },   /* randtrim */
		{ NVMESIM_IO_READ, NVMESIM_PATTERN_RANDOM, 100 },   /* RandRW, all reads */
	};
	struct nvmesim_trace *t = open_ok(srcpath("fio-names.yaml"), NULL, 0, 0);
	const struct nvmesim_trace_settings *s = nvmesim_trace_settings(t);
	unsigned int i;

	ck_assert_uint_eq(s->nr_jobs, NVMESIM_ARRAY_SIZE(want));
	for (i = 0; i < s->nr_jobs; i++) {
		ck_assert_msg(s->jobs[i].op == want[i].op, "job %u op %d", i, s->jobs[i].op);
		ck_assert_msg(s->jobs[i].pattern == want[i].pattern, "job %u pattern", i);
		ck_assert_msg(s->jobs[i].rwmixread == want[i].rwmixread, "job %u rwmixread %u", i,
			      s->jobs[i].rwmixread);
	}
	nvmesim_trace_close(t);
}
END_TEST

/* struct want_op - what one operation of ops.yaml must read as */
struct want_op {
	unsigned int line, col;
	enum nvmesim_op_kind kind;
	int64_t at;
	enum nvmesim_io_op io;
	uint32_t nsid;
	uint64_t lba;
	uint32_t blocks;
	unsigned int queue;
	uint8_t opcode;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	uint32_t data;
	uint32_t reg;
	unsigned int width;
	bool write;
	uint64_t value;
	enum nvmesim_expect expect;
	uint16_t status;
	uint64_t ev, em;
};

#define IO NVMESIM_OP_IO
#define ADM NVMESIM_OP_ADMIN
#define CMD NVMESIM_OP_CMD
#define MMIO NVMESIM_OP_MMIO
#define WAIT NVMESIM_OP_WAIT
#define NONE NVMESIM_EXPECT_NONE
#define ST NVMESIM_EXPECT_STATUS
#define VAL NVMESIM_EXPECT_VALUE
#define M32 0xffffffffull
#define M64 0xffffffffffffffffull

static const struct want_op ops_want[] = {
	{ 8, 5, MMIO, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 8, false, 0, NONE, 0, 0,
	  M64 },
	{ 9, 5, MMIO, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x14, 4, true, 0x460001, NONE, 0,
	  0, M32 },
	{ 10, 5, MMIO, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1c, 4, false, 0, VAL, 0, 1, 1 },
	{ 11, 5, MMIO, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 4, false, 0, NONE, 0, 0,
	  M32 },
	{ 12, 5, MMIO, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1000, 4, true, 3, NONE, 0, 0,
	  M32 },
	{ 13, 5, WAIT, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 1000000, NONE, 0, 0,
	  0 },
	{ 15, 5, ADM, -1, 0, 0, 0, 0, 0, 0x06, 1, 0, 0, 0, 0, 0, 4096, 0, 0, false, 0, ST, 0x000,
	  0, 0 },
	{ 16, 5, ADM, -1, 0, 0xffffffff, 0, 0, 0, 0x06, 0x55, 0, 0, 0, 0, 0, 4096, 0, 0, false, 0,
	  ST, 0x002, 0, 0 },
	{ 17, 5, ADM, -1, 0, 0, 0, 0, 0, 0x04, 9, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, ST, 0x101, 0,
	  0 },
	{ 20, 5, CMD, -1, 0, 1, 0, 0, 2, 0x02, 8, 0, 7, 0, 0, 0, 4096, 0, 0, false, 0, ST, 0x000,
	  0, 0 },
	{ 21, 5, CMD, -1, 0, 1, 0, 0, 0, 0x01, 0, 0xffffffff, 0, 1, 2, 3, 0, 0, 0, false, 0, ST,
	  0x080, 0, 0 },
	{ 23, 5, IO, -1, NVMESIM_IO_READ, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, NONE,
	  0, 0, 0 },
	{ 24, 5, IO, -1, NVMESIM_IO_WRITE, 1, 8, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
	  NONE, 0, 0, 0 },
	{ 25, 5, IO, -1, NVMESIM_IO_TRIM, 1, 100, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
	  NONE, 0, 0, 0 },
	{ 28, 5, IO, -1, NVMESIM_IO_FLUSH, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
	  NONE, 0, 0, 0 },
	{ 29, 5, IO, 10000, NVMESIM_IO_WRITE_ZEROES, 1, 64, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  false, 0, NONE, 0, 0, 0 },
	{ 31, 5, IO, 10000, NVMESIM_IO_READ, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
	  ST, 0x101, 0, 0 },
	{ 32, 7, IO, 1500000, NVMESIM_IO_READ, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
	  NONE, 0, 0, 0 },
	{ 35, 5, IO, 2000000, NVMESIM_IO_WRITE, 1, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false,
	  0, NONE, 0, 0, 0 },
	{ 37, 5, IO, 3000000, NVMESIM_IO_READ, 1, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
	  NONE, 0, 0, 0 },
	{ 40, 5, IO, -1, NVMESIM_IO_READ, 1, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, NONE,
	  0, 0, 0 },
	{ 43, 5, IO, -1, NVMESIM_IO_READ, 1, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, ST,
	  0x00c, 0, 0 },
	{ 44, 5, IO, 4000000, NVMESIM_IO_READ, 1, 7, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
	  NONE, 0, 0, 0 },
	{ 45, 5, WAIT, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 5000, NONE, 0, 0,
	  0 },
};

/* check_op - @op must be @w */
static void check_op(const struct nvmesim_trace_op *op, const struct want_op *w)
{
	ck_assert_msg(op->line == w->line && op->column == w->col, "op at %u:%u, want %u:%u",
		      op->line, op->column, w->line, w->col);
	ck_assert_int_eq(op->kind, w->kind);
	ck_assert_int_eq(op->at_ns, w->at);
	ck_assert_int_eq(op->expect, w->expect);
	switch (w->kind) {
	case NVMESIM_OP_IO:
		ck_assert_int_eq(op->io, w->io);
		ck_assert_uint_eq(op->nsid, w->nsid);
		ck_assert_uint_eq(op->lba, w->lba);
		ck_assert_uint_eq(op->blocks, w->blocks);
		ck_assert_uint_eq(op->queue, w->queue);
		ck_assert_uint_eq(op->expect_status, w->status);
		break;
	case NVMESIM_OP_ADMIN:
	case NVMESIM_OP_CMD:
		ck_assert_uint_eq(op->cmd.opcode, w->opcode);
		ck_assert_uint_eq(op->cmd.nsid, w->nsid);
		ck_assert_uint_eq(op->nsid, w->nsid);
		ck_assert_uint_eq(op->cmd.cdw10, w->cdw10);
		ck_assert_uint_eq(op->cmd.cdw11, w->cdw11);
		ck_assert_uint_eq(op->cmd.cdw12, w->cdw12);
		ck_assert_uint_eq(op->cmd.cdw13, w->cdw13);
		ck_assert_uint_eq(op->cmd.cdw14, w->cdw14);
		ck_assert_uint_eq(op->cmd.cdw15, w->cdw15);
		ck_assert_uint_eq(op->data_bytes, w->data);
		ck_assert_uint_eq(op->queue, w->queue);
		ck_assert_uint_eq(op->expect_status, w->status);
		break;
	case NVMESIM_OP_MMIO:
		ck_assert_uint_eq(op->reg, w->reg);
		ck_assert_uint_eq(op->width, w->width);
		ck_assert(op->write == w->write);
		ck_assert_uint_eq(op->value, w->value);
		ck_assert_uint_eq(op->expect_value, w->ev);
		ck_assert_uint_eq(op->expect_mask, w->em);
		break;
	case NVMESIM_OP_WAIT:
	case NVMESIM_OP_DOORBELL:
	case NVMESIM_OP_EVENT:
		ck_assert_uint_eq(op->value, w->value);
		break;
	}
}

START_TEST(test_ops_every_form)
{
	static const unsigned int flags[] = { 0, NVMESIM_TRACE_NO_FASTPATH };
	struct nvmesim_trace_op op, ops[2][NVMESIM_ARRAY_SIZE(ops_want)];
	struct nvmesim_trace *t;
	struct nvmesim_diag d;
	unsigned int f, n;
	int r;

	for (f = 0; f < 2; f++) {
		t = open_ok(srcpath("ops.yaml"), NULL, 0, flags[f]);
		ck_assert(nvmesim_trace_settings(t)->has_ops);
		ck_assert(nvmesim_trace_settings(t)->init_manual);
		for (n = 0; (r = nvmesim_trace_next_op(t, &op, &d)) == 1; n++) {
			ck_assert_uint_lt(n, NVMESIM_ARRAY_SIZE(ops_want));
			check_op(&op, &ops_want[n]);
			ops[f][n] = op;
		}
		ck_assert_msg(r == 0, "%d %s", r, d.msg);
		ck_assert_uint_eq(n, NVMESIM_ARRAY_SIZE(ops_want));
		ck_assert_int_eq(nvmesim_trace_next_op(t, &op, &d), 0);
		if (f == 0) {
			/* both ways through ops: are used by this file */
			ck_assert_uint_gt(nvmesim_trace_fast_ops(t), 15);
			ck_assert_uint_ge(nvmesim_trace_yaml_ops(t), 4);
		} else {
			ck_assert_uint_eq(nvmesim_trace_fast_ops(t), 0);
		}
		nvmesim_trace_close(t);
	}
	/* the same bytes either way (op_begin() clears padding too) */
	ck_assert_int_eq(memcmp(ops[0], ops[1], sizeof(ops[0])), 0);
}
END_TEST

/* The conformance additions, read both ways: map form, doorbell, event, prp_offset, verify. */
static const char conf_trace[] =
	"verify: on\n"
	"ops:\n"
	"  - {admin: 0x04, cdw10: 9, expect: {sim: invalid_queue_identifier, vfio: 0x100}}\n"
	"  - admin: 0x04\n"
	"    cdw10: 9\n"
	"    expect:\n"
	"      vfio: Completion Queue Invalid\n"
	"      SIM: 0x101\n"
	"  - {admin: 6, expect: {sim: success, vfio: success}}\n"
	"  - {cmd: 2, data: 512, prp_offset: 2, expect: {sim: prp_offset_invalid, vfio: success}}\n"
	"  - {doorbell: cq, qid: 5, value: 3}\n"
	"  - {event: next, expect: {sim: 0x10000, vfio: 0x10100}, mask: 0xffff07, within: 1ms}\n"
	"  - {event: next}\n"
	"  - {mmio: read, reg: CSTS, mask: 3, expect: {sim: 1, vfio: 3}}\n"
	"  - {op: read, lba: 0}\n"
	"  - {op: write, lba: 0, verify: off}\n"
	"  - {op: trim, lba: 0}\n";

START_TEST(test_ops_conformance)
{
	static const unsigned int flags[] = { 0, NVMESIM_TRACE_NO_FASTPATH };
	enum { V = NVMESIM_TRACE_BACKEND_VFIO };
	struct nvmesim_trace_op op[12];
	struct nvmesim_trace *t;
	struct nvmesim_diag d;
	char path[1024];
	unsigned int f, n;
	int r;

	write_tmp(path, sizeof(path), conf_trace);
	for (f = 0; f < 2; f++) {
		t = open_ok(path, NULL, 0, flags[f]);
		ck_assert(nvmesim_trace_settings(t)->verify);
		for (n = 0; (r = nvmesim_trace_next_op(t, &op[n], &d)) == 1; n++)
			ck_assert_uint_lt(n, 11);
		ck_assert_msg(r == 0, "%d %s", r, d.msg);
		ck_assert_uint_eq(n, 11);
		nvmesim_trace_close(t);
		/* the map form: sim's value is the spec's, vfio's a recorded departure */
		ck_assert_int_eq(op[0].expect, NVMESIM_EXPECT_STATUS);
		ck_assert_uint_eq(op[0].expect_status, NVMESIM_SC_INVALID_QID);
		ck_assert_uint_eq(op[0].expect_alt, 1u << V);
		ck_assert_uint_eq(op[0].alt_status[V], NVMESIM_SC_CQ_INVALID);
		ck_assert_uint_eq(op[1].line, 4);
		ck_assert_uint_eq(op[1].expect_status, NVMESIM_SC_INVALID_QID);
		ck_assert_uint_eq(op[1].expect_alt, 1u << V);
		ck_assert_uint_eq(op[1].alt_status[V], NVMESIM_SC_CQ_INVALID);
		/* a backend value equal to the spec's is no departure */
		ck_assert_uint_eq(op[2].expect_alt, 0);
		ck_assert_uint_eq(op[3].prp_offset, 2);
		ck_assert_uint_eq(op[3].alt_status[V], NVMESIM_SC_SUCCESS);
		ck_assert_uint_eq(op[3].expect_alt, 1u << V);
		ck_assert_int_eq(op[4].kind, NVMESIM_OP_DOORBELL);
		ck_assert(op[4].doorbell_cq);
		ck_assert_uint_eq(op[4].queue, 5);
		ck_assert_uint_eq(op[4].value, 3);
		ck_assert_int_eq(op[5].kind, NVMESIM_OP_EVENT);
		ck_assert_int_eq(op[5].expect, NVMESIM_EXPECT_VALUE);
		ck_assert_uint_eq(op[5].expect_value, 0x10000);
		ck_assert_uint_eq(op[5].alt_value[V], 0x10100);
		ck_assert_uint_eq(op[5].expect_mask, 0xffff07);
		ck_assert_uint_eq(op[5].value, 1000000);
		ck_assert_int_eq(op[6].expect, NVMESIM_EXPECT_NONE);
		ck_assert_uint_eq(op[6].value, 10000000);       /* within: 10 ms by default */
		ck_assert_uint_eq(op[6].expect_mask, 0xffffffff);
		ck_assert_uint_eq(op[7].expect_value, 1);
		ck_assert_uint_eq(op[7].alt_value[V], 3);
		/* verify: the trace's unless the operation says otherwise; reads, writes only */
		ck_assert_int_eq(op[8].verify, 1);
		ck_assert_int_eq(op[9].verify, 0);
		ck_assert_int_eq(op[10].verify, 0);
	}
	unlink(path);
}
END_TEST

START_TEST(test_ops_flow)
{
	struct nvmesim_trace *t = open_ok(srcpath("ops-flow.yaml"), NULL, 0, 0);
	struct nvmesim_trace_op op;

	ck_assert_uint_eq(nvmesim_trace_settings(t)->seed, 3);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_uint_eq(op.line, 3);
	ck_assert_uint_eq(op.column, 7);
	ck_assert_int_eq(op.io, NVMESIM_IO_READ);
	ck_assert_uint_eq(op.lba, 1);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_uint_eq(op.column, 27);
	ck_assert_int_eq(op.io, NVMESIM_IO_WRITE);
	ck_assert_uint_eq(op.blocks, 8);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_int_eq(op.kind, NVMESIM_OP_MMIO);
	ck_assert_uint_eq(op.reg, 0x8);
	ck_assert_uint_eq(op.width, 4);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_int_eq(op.kind, NVMESIM_OP_WAIT);
	ck_assert_uint_eq(op.value, 2000);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 0);
	ck_assert_uint_eq(nvmesim_trace_fast_ops(t), 0);
	ck_assert_uint_eq(nvmesim_trace_yaml_ops(t), 4);
	nvmesim_trace_close(t);
}
END_TEST

START_TEST(test_ops_odd_line_breaks)
{
	/* CR-only line breaks: libyaml counts lines the scanner would not, so it reads all */
	struct nvmesim_trace_op op;
	struct nvmesim_trace *t;
	char path[256];

	write_tmp(path, sizeof(path), "seed: 2\rops:\r  - {op: read, lba: 1}\r"
		  "  - {op: write, lba: 2}\r");
	t = open_ok(path, NULL, 0, 0);
	ck_assert_uint_eq(nvmesim_trace_settings(t)->seed, 2);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_uint_eq(op.line, 3);
	ck_assert_uint_eq(op.lba, 1);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_uint_eq(op.line, 4);
	ck_assert_int_eq(op.io, NVMESIM_IO_WRITE);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 0);
	ck_assert_uint_eq(nvmesim_trace_fast_ops(t), 0);
	ck_assert_uint_eq(nvmesim_trace_yaml_ops(t), 2);
	nvmesim_trace_close(t);
	unlink(path);

	/* CRLF is the scanner's */
	write_tmp(path, sizeof(path), "seed: 2\r\nops:\r\n  - {op: read, lba: 1}\r\n"
		  "  - op: write\r\n    lba: 2\r\n");
	t = open_ok(path, NULL, 0, 0);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_uint_eq(op.line, 3);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 1);
	ck_assert_uint_eq(op.line, 4);
	ck_assert_uint_eq(op.lba, 2);
	ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), 0);
	ck_assert_uint_eq(nvmesim_trace_fast_ops(t), 2);
	nvmesim_trace_close(t);
	unlink(path);
}
END_TEST

START_TEST(test_set_overrides)
{
	static const char *const sets[] = {
		"host.queues=8", "seed=7", "jobs.0.iodepth=64", "jobs.1.bs=16k",
		"namespaces.0.size=1TiB", "profile.nand.tR=45us", "profile=gen5-slc",
		"init=auto", "host.completion=Interrupt", "jobs.2.rw=randtrim",
		"jobs.1.rwmixread=10", "iodepth=3", "interval=5ms", "jobs.0.name=renamed",
		"jobs.2.count=5", "namespaces.1.lba_size=4096",
	};
	struct nvmesim_trace *t = open_ok(srcpath("settings.yaml"), sets,
					  NVMESIM_ARRAY_SIZE(sets), 0);
	const struct nvmesim_trace_settings *s = nvmesim_trace_settings(t);

	ck_assert_uint_eq(s->host.queues, 8);
	ck_assert_uint_eq(s->host.queue_entries, 256);   /* untouched: the file's */
	ck_assert_uint_eq(s->seed, 7);
	ck_assert_str_eq(s->profile, "gen5-slc");
	ck_assert(!s->init_manual);
	ck_assert_str_eq(s->host.completion, "interrupt");
	ck_assert_uint_eq(s->ops_iodepth, 3);
	ck_assert_uint_eq(s->interval_ns, 5000000);
	ck_assert_uint_eq(s->ns[0].size, 1ull << 40);
	ck_assert_uint_eq(s->ns[1].lba_bytes, 4096);
	ck_assert_str_eq(s->jobs[0].name, "renamed");
	ck_assert_uint_eq(s->jobs[0].iodepth, 64);
	ck_assert_uint_eq(s->jobs[0].count, 1000);
	ck_assert_uint_eq(s->jobs[1].bs, 16384);
	ck_assert_uint_eq(s->jobs[1].rwmixread, 10);
	ck_assert_int_eq(s->jobs[2].op, NVMESIM_IO_TRIM);
	ck_assert_int_eq(s->jobs[2].pattern, NVMESIM_PATTERN_RANDOM);
	ck_assert_uint_eq(s->jobs[2].count, 5);
	ck_assert_uint_eq(s->jobs[2].runtime_ns, 1500000000);
	nvmesim_trace_close(t);
}
END_TEST

/* struct set_bad - an override and its exact message */
struct set_bad {
	const char *set;
	const char *msg;
};

static const struct set_bad set_bad[] = {
	{ "host.queus=4", "--set host.queus=4: unknown setting 'host.queus'; did you mean "
	  "'host.queues'?" },
	{ "seeds=4", "--set seeds=4: unknown setting 'seeds'; did you mean 'seed'?" },
	{ "nothing=1", "--set nothing=1: unknown setting 'nothing'" },
	{ "host.queues=0", "--set host.queues=0: host.queues: expected a number from 1 to 65535, "
	  "got '0'" },
	{ "host.queues", "--set host.queues: expected path=value, got 'host.queues'" },
	{ "jobs.3.bs=8k", "--set jobs.3.bs=8k: job index 3 out of range (the trace has 3)" },
	{ "jobs.0.iodeph=8", "--set jobs.0.iodeph=8: unknown setting 'jobs.0.iodeph'; did you "
	  "mean 'jobs.0.iodepth'?" },
	{ "jobs.1.bs=1000", "--set jobs.1.bs=1000: jobs.1.bs: expected a multiple of 512 bytes, "
	  "got '1000'" },
	{ "jobs.x.bs=8k", "--set jobs.x.bs=8k: expected jobs.N.key with N a job index, got "
	  "'jobs.x.bs'" },
	{ "jobs.0=1", "--set jobs.0=1: expected jobs.N.key, got 'jobs.0'" },
	{ "namespaces.2.size=1G", "--set namespaces.2.size=1G: namespace index 2 out of range "
	  "(the trace has 2)" },
	{ "namespaces.0.lba_size=1024", "--set namespaces.0.lba_size=1024: "
	  "namespaces.0.lba_size: expected 512 or 4096, got '1024'" },
	{ "host.sq_doorbell=every:0", "--set host.sq_doorbell=every:0: host.sq_doorbell: "
	  "'every:0' is not implemented yet; expected per-command, batch, deferred or every:K" },
	{ "host.completion=busy", "--set host.completion=busy: host.completion: expected "
	  "interrupt, poll or hybrid:NS, got 'busy'" },
	{ "init=half", "--set init=half: init: expected auto or manual, got 'half'" },
	{ "jobs.0.rw=randrd", "--set jobs.0.rw=randrd: jobs.0.rw: expected read, write, randread, "
	  "randwrite, rw, readwrite, randrw, trim or randtrim, got 'randrd'" },
};

START_TEST(test_set_errors)
{
	const char *sets[2] = { "seed=9", set_bad[_i].set };
	struct nvmesim_trace *t = (struct nvmesim_trace *)&t;
	struct nvmesim_diag d;

	memset(&d, 0, sizeof(d));
	d.line = 5;
	ck_assert_int_eq(nvmesim_trace_open(&t, srcpath("settings.yaml"), sets, 2, &d), -EINVAL);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(d.msg, set_bad[_i].msg);
	ck_assert_ptr_null(d.file);
	ck_assert_uint_eq(d.line, 0);
	ck_assert_uint_eq(d.column, 0);
}
END_TEST

/* struct bad_trace - a bad trace, where its error is and what it says */
struct bad_trace {
	const char *name;      /* file under tests/traces, or NULL for @text */
	const char *text;      /* trace written to a temporary file */
	bool at_open;          /* nvmesim_trace_open() refuses it (else an operation does) */
	unsigned int line, col;
	const char *msg;       /* the whole message after "FILE:LINE:COLUMN: " */
};

/* Sixteen jobs and sixteen namespaces: the most a trace may have. */
#define JOB1 "  - {count: 1}\n"
#define JOB4 JOB1 JOB1 JOB1 JOB1
#define NS1 "  - {size: 1M}\n"
#define NS4 NS1 NS1 NS1 NS1

static const struct bad_trace bad_files[] = {
	{ "bad-unknown-key.yaml", NULL, true, 4, 1,
	  "trace: expected a known key, got 'iodeph'; did you mean 'iodepth'?" },
	{ "bad-unknown-host-key.yaml", NULL, true, 2, 3,
	  "host: expected a known key, got 'queus'; did you mean 'queues'?" },
	{ "bad-unknown-op-key.yaml", NULL, false, 3, 16,
	  "ops.1: expected a known key, got 'lab'; did you mean 'lba'?" },
	{ "bad-value.yaml", NULL, true, 3, 18,
	  "host.queue_entries: expected a number from 2 to 65536, got '1k'" },
	{ "bad-type.yaml", NULL, true, 3, 3, "jobs: expected a sequence of jobs, got a mapping" },
	{ "bad-ops-not-last.yaml", NULL, false, 4, 1,
	  "ops: expected ops to be the last key of the trace, got 'seed' after it" },
	{ "bad-at-order.yaml", NULL, false, 4, 28,
	  "at: expected a time at or after 10000ns (the previous at:), got '9us'" },
	{ "bad-syntax.yaml", NULL, true, 4, 2,
	  "syntax error: did not find expected key (while parsing a block mapping at 1:1)" },
	{ "bad-syntax-op.yaml", NULL, false, 5, 1,
	  "syntax error: found unexpected end of stream (while scanning a quoted scalar at 4:10)" },
	{ "bad-no-count.yaml", NULL, true, 3, 5,
	  "jobs.1: expected count (or number_ios) or runtime, got neither" },
	{ "bad-policy.yaml", NULL, true, 3, 16,
	  "host.sq_doorbell: 'every:0' is not implemented yet; expected per-command, batch, "
	  "deferred or every:K" },
	{ "bad-expect.yaml", NULL, false, 2, 49,
	  "expect: expected a status name (success, invalid_field_in_command, ...) or number "
	  "(0x101 = SCT 1, SC 1), got 'invalid_feild_in_command'; did you mean "
	  "'invalid_field_in_command'?" },

	/* settings */
	{ NULL, "", true, 1, 1, "trace: expected a mapping of settings, got an empty file" },
	{ NULL, "- 1\n", true, 1, 1, "trace: expected a mapping of settings, got a sequence" },
	{ NULL, "hots:\n  queues: 1\n", true, 1, 1,
	  "trace: expected a known key, got 'hots'; did you mean 'host'?" },
	{ NULL, "job:\n  - {count: 1}\n", true, 1, 1,
	  "trace: expected a known key, got 'job'; did you mean 'jobs'?" },
	{ NULL, "host: 4\n", true, 1, 7, "host: expected a mapping, got '4'" },
	{ NULL, "host:\n  queues: [1]\n", true, 2, 11,
	  "host.queues: expected a number from 1 to 65535, got a sequence" },
	{ NULL, "seed: 1\nseed: 2\n", true, 2, 1,
	  "seed: expected one value, got a second one (the first, 'seed', is on line 1)" },
	{ NULL, "init: half\n", true, 1, 7, "init: expected auto or manual, got 'half'" },
	{ NULL, "interval: 1ns\n", true, 1, 11,
	  "interval: expected a time (ns, us, ms, s) from 1us to 2^64-1, got '1ns'" },
	{ NULL, "host:\n  completion: pol\n", true, 2, 15,
	  "host.completion: expected interrupt, poll or hybrid:NS, got 'pol'" },
	{ NULL, "host:\n  cq_doorbell: batch\n", true, 2, 16,
	  "host.cq_doorbell: 'batch' is not implemented yet; expected per-reap, per-cqe, capped "
	  "or lazy:K" },
	{ NULL, "host:\n  shadow_doorbell: on\n", true, 2, 20,
	  "host.shadow_doorbell: 'on' is not implemented yet; expected off, linux or spdk" },
	{ NULL, "host:\n  coalescing: 8\n", true, 2, 15,
	  "host.coalescing: '8' is not implemented yet; expected off or THR,TIME_US (THR 1-256, "
	  "TIME_US 0-25500 in steps of 100)" },
	{ NULL, "profile: ''\n", true, 1, 10,
	  "profile: expected a name of 1 to 255 characters, got ''" },
	{ NULL, "namespaces:\n  - {lba_size: 512}\n", true, 2, 5,
	  "namespaces.0: expected a size, got none" },
	{ NULL, "namespaces:\n  - {size: 1000, lba_size: 512}\n", true, 2, 5,
	  "namespaces.0: expected a size in whole 512-byte blocks, got 1000 bytes" },
	{ NULL, "namespaces:\n  - {size: 1G, lba_size: 520}\n", true, 2, 26,
	  "namespaces.0.lba_size: expected 512 or 4096, got '520'" },
	{ NULL, "jobs:\n" JOB4 JOB4 JOB4 JOB4 JOB1, true, 18, 5,
	  "jobs: expected at most 16 jobs, got more" },
	{ NULL, "namespaces:\n" NS4 NS4 NS4 NS4 NS1, true, 18, 5,
	  "namespaces: expected at most 16 namespaces, got more" },
	{ NULL, "namespaces: 3\n", true, 1, 13,
	  "namespaces: expected a sequence of namespaces, got '3'" },
	{ NULL, "jobs:\n  - {count: 1}\njobs:\n  - {count: 2}\n", true, 3, 1,
	  "jobs: expected one value, got a second one (the first is on line 1)" },
	{ NULL, "jobs:\n  - {count: 1, iodeph: 3}\n", true, 2, 16,
	  "jobs.0: expected a known key, got 'iodeph'; did you mean 'iodepth'?" },
	{ NULL, "jobs:\n  - {count: 1, rw: randrd}\n", true, 2, 20,
	  "jobs.0.rw: expected read, write, randread, randwrite, rw, readwrite, randrw, trim or "
	  "randtrim, got 'randrd'" },
	{ NULL, "jobs:\n  - {count: 1, rw: read, op: write}\n", true, 2, 26,
	  "jobs.0.op: expected one value, got a second one (the first, 'rw', is on line 2)" },
	{ NULL, "jobs:\n  - {count: 1, bs: 1000}\n", true, 2, 20,
	  "jobs.0.bs: expected a multiple of 512 bytes, got '1000'" },
	{ NULL, "jobs:\n  - {count: 1, bs: 0}\n", true, 2, 20,
	  "jobs.0.bs: expected a size (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB) from 512B to "
	  "16MiB, got '0'" },
	{ NULL, "jobs:\n  - {rw: randread, count: 10, rwmixread: 30}\n", true, 2, 5,
	  "jobs.0: expected rw: rw, readwrite or randrw with rwmixread, got 'randread'" },
	{ NULL, "jobs:\n  - {count: 1, queue: 2}\n", true, 2, 5,
	  "jobs.0: expected queue from 0 to host.queues (1), got '2'" },
	{ NULL, "jobs:\n  - {count: 1, nsid: 2}\n", true, 2, 5,
	  "jobs.0: expected nsid 1 (the profile's namespace; add namespaces: for more), got '2'" },
	{ NULL, "namespaces:\n  - {size: 1M, lba_size: 4096}\njobs:\n  - {count: 1, bs: 512}\n",
	  true, 4, 5, "jobs.0: expected bs, offset and size in whole 4096-byte blocks of "
	  "namespace 1, got bs 512, offset 0, size 0" },
	{ NULL, "namespaces:\n  - {size: 1M}\njobs:\n  - {count: 1, offset: 1M}\n", true, 4, 5,
	  "jobs.0: expected offset and size inside namespace 1 (1048576 bytes), got offset "
	  "1048576, size 0" },
	{ NULL, "jobs:\n  - rw: read\n    count: [1]\n", true, 3, 12,
	  "jobs.0.count: expected a number from 1 to 18446744073709551615, got a sequence" },
	{ NULL, "jobs:\n  - 5\n", true, 2, 5, "jobs.0: expected a mapping, got '5'" },
	{ NULL, "ops: 5\n", true, 1, 6, "ops: expected a sequence of operations, got '5'" },
	{ NULL, "seed: \"1\n", true, 2, 1,
	  "syntax error: found unexpected end of stream (while scanning a quoted scalar at "
	  "1:7)" },
	{ NULL, "seed: [1\n", true, 1, 7, "seed: expected a number, got a sequence" },
	{ NULL, "seed: &a 1\nhost: *a\n", true, 2, 7,
	  "host: expected a mapping, got an alias (anchors and aliases are not supported)" },
	{ NULL, "seed: 1\n---\nseed: 2\n", true, 2, 1,
	  "trace: expected a single YAML document, got '---'" },
	/* reader errors: libyaml gives a byte offset, the message its line and column */
	{ NULL, "seed: 1\nhost:\n  queues: \x01\n", true, 3, 11,
	  "syntax error: control characters are not allowed" },
	{ NULL, "seed: 1\r\nhost:\r\n  queues: 4\r\n  queue_entries: 6\xc3\x28\r\n", true, 4, 20,
	  "syntax error: invalid trailing UTF-8 octet" },
	{ NULL, "seed: 1\n\t\n", true, 2, 1,
	  "syntax error: found a tab character that violates indentation (while scanning a plain "
	  "scalar at 1:7)" },

	/* operations */
	{ NULL, "ops:\n  - {op: read, lba: 1}\n  - {op: read, lba: 2\xe2\x82}\n", true, 3, 23,
	  "syntax error: invalid trailing UTF-8 octet" },
	{ NULL, "ops:\n  - {op: read, lba: 1}\n  - {}\n", false, 3, 5,
	  "ops.1: expected one of op, admin, cmd, mmio, wait, doorbell or event, got none" },
	{ NULL, "ops:\n  - read\n", false, 2, 5, "ops.0: expected a mapping (an operation), got "
	  "'read'" },
	{ NULL, "ops:\n  - [1, 2]\n", false, 2, 5,
	  "ops.0: expected a mapping (an operation), got a sequence" },
	{ NULL, "ops:\n  - {op: read, lba: {a: 1}}\n", false, 2, 21,
	  "lba: expected a scalar, got a mapping" },
	{ NULL, "ops:\n  - {op: read, op: write}\n", false, 2, 16,
	  "op: expected one value, got a second one (the first is on line 2)" },
	{ NULL, "ops:\n  - {op: raed, lba: 1}\n", false, 2, 10,
	  "op: expected read, write, trim, flush or write_zeroes, got 'raed'; did you mean "
	  "'read'?" },
	{ NULL, "ops:\n  - {op: read}\n", false, 2, 5, "ops.0: expected lba for read, got none" },
	{ NULL, "ops:\n  - {op: read, lba: -1}\n", false, 2, 21,
	  "lba: expected a number from 0 to 0xffffffffffffffff, got '-1'" },
	{ NULL, "ops:\n  - {op: read, lba: 1, blocks: 0}\n", false, 2, 32,
	  "blocks: expected a number from 1 to 65536, got '0'" },
	{ NULL, "ops:\n  - {op: read, lba: 1, queue: 2}\n", false, 2, 31,
	  "queue: expected a number from 0 to 1, got '2'" },
	{ NULL, "ops:\n  - {op: read, admin: 6}\n", false, 2, 16,
	  "admin: expected one of op, admin, cmd, mmio, wait, doorbell or event, got both 'op' "
	  "and 'admin'" },
	{ NULL, "ops:\n  - {op: flush, lba: 6}\n", false, 2, 17,
	  "lba: expected a key of a flush (op, nsid, at, queue, expect, verify), got 'lba'" },
	{ NULL, "ops:\n  - {admin: 6, queue: 1}\n", false, 2, 16,
	  "queue: expected a key of an admin command (nsid, at, admin, cdw10, cdw11, cdw12, "
	  "cdw13, cdw14, cdw15, data, expect, prp_offset), got 'queue'" },
	{ NULL, "ops:\n  - {cmd: 0x100}\n", false, 2, 11,
	  "cmd: expected a number from 0 to 255, got '0x100'" },
	{ NULL, "ops:\n  - {cmd: 2, cdw10: 0x100000000}\n", false, 2, 21,
	  "cdw10: expected a number from 0 to 0xffffffff, got '0x100000000'" },
	{ NULL, "ops:\n  - {cmd: 2, data: 17M}\n", false, 2, 20,
	  "data: expected a size up to 16MiB, got '17M'" },
	{ NULL, "ops:\n  - {cmd: 2, expect: 0x800}\n", false, 2, 22,
	  "expect: expected a status (SCT << 8 | SC) up to 0x7ff, got '0x800'" },
	{ NULL, "ops:\n  - {cmd: 2, expect: no such thing at all}\n", false, 2, 22,
	  "expect: expected a status name (success, invalid_field_in_command, ...) or number "
	  "(0x101 = SCT 1, SC 1), got 'no such thing at all'" },
	{ NULL, "ops:\n  - {mmio: read, reg: CCC}\n", false, 2, 23,
	  "reg: expected a register name (CAP, VS, CC, CSTS, AQA, ASQ, ACQ, ...) or a BAR0 "
	  "offset, got 'CCC'; did you mean 'CC'?" },
	{ NULL, "ops:\n  - {mmio: peek, reg: CC}\n", false, 2, 12,
	  "mmio: expected read or write, got 'peek'" },
	{ NULL, "ops:\n  - {mmio: write, reg: CC}\n", false, 2, 5,
	  "ops.0: expected value for a register write, got none" },
	{ NULL, "ops:\n  - {mmio: read}\n", false, 2, 5,
	  "ops.0: expected reg for a register access, got none" },
	{ NULL, "ops:\n  - {mmio: read, reg: CC, width: 64}\n", false, 2, 34,
	  "width: expected 32 (CC is a 32-bit register), got '64'" },
	{ NULL, "ops:\n  - {mmio: read, reg: CC, width: 16}\n", false, 2, 34,
	  "width: expected 32 or 64, got '16'" },
	{ NULL, "ops:\n  - {mmio: read, reg: CC, value: 1}\n", false, 2, 27,
	  "value: expected a key of a register read (at, expect, mmio, reg, width, mask), got "
	  "'value'" },
	{ NULL, "ops:\n  - {mmio: write, reg: CC, value: 1, expect: 1}\n", false, 2, 38,
	  "expect: expected a key of a register write (at, mmio, reg, width, value), got "
	  "'expect'" },
	{ NULL, "ops:\n  - {mmio: write, reg: CC, value: 0x100000000}\n", false, 2, 35,
	  "value: expected a 32-bit value, got 0x100000000" },
	{ NULL, "ops:\n  - {mmio: read, reg: 0x1002}\n", false, 2, 23,
	  "reg: expected an offset aligned to the 32-bit width, got '0x1002'" },
	{ NULL, "ops:\n  - {mmio: read, reg: CSTS, expect: 3, mask: 1}\n", false, 2, 37,
	  "expect: expected a value within mask 0x1, got '3'" },
	{ NULL, "ops:\n  - {wait: 1ms, at: 1us}\n", false, 2, 17,
	  "at: expected a key of a wait (wait), got 'at'" },
	{ NULL, "ops:\n  - {wait: soon}\n", false, 2, 12,
	  "wait: expected a time (ns, us, ms, s), got 'soon'" },
	{ NULL, "ops:\n  - {zzzzzz: 1}\n", false, 2, 6,
	  "ops.0: expected a known key (op, admin, cmd, mmio, wait, doorbell, event and their "
	  "fields), got "
	  "'zzzzzz'" },
	{ NULL, "ops:\n  - op: read\n    lab: 1\n", false, 3, 5,
	  "ops.0: expected a known key, got 'lab'; did you mean 'lba'?" },
	{ NULL, "ops:\n  - op: read\n    lba: 1\n    at: 2us\n  - op: read\n    lba: 1\n"
	  "    at: 1us\n", false, 7, 9,
	  "at: expected a time at or after 2000ns (the previous at:), got '1us'" },
	{ NULL, "ops:\n  - {op: read, lba: 1, lba: 2}\n", false, 2, 24,
	  "lba: expected one value, got a second one (the first is on line 2)" },
	{ NULL, "ops:\n- {op: read, lba: 1}\nseed: 4\n", false, 3, 1,
	  "ops: expected ops to be the last key of the trace, got 'seed' after it" },
	{ NULL, "ops: [{op: read, lba: 1}]\nseed: 4\n", false, 2, 1,
	  "ops: expected ops to be the last key of the trace, got 'seed' after it" },
	{ NULL, "ops:\n  - {op: read, lba: 1}\n---\nseed: 1\n", false, 3, 1,
	  "trace: expected a single YAML document, got '---'" },
	{ NULL, "ops:\n  - {op: read, lba: \"1}\n", false, 3, 1,
	  "syntax error: found unexpected end of stream (while scanning a quoted scalar at "
	  "2:21)" },
	{ NULL, "ops:\n  - {op: write, lba: 2, expect: [success]}\n", false, 2, 33,
	  "expect: expected a scalar, got a sequence" },

	/* conformance: the map form of expect:, doorbells, events, prp_offset, verify */
	{ NULL, "ops:\n  - {admin: 6, expect: {sim: success, vfo: success}}\n", false, 2, 39,
	  "expect: expected a backend name (sim or vfio), got 'vfo'; did you mean 'vfio'?" },
	{ NULL, "ops:\n  - {admin: 6, expect: {vfio: success}}\n", false, 2, 24,
	  "expect: expected a sim value in the map (the spec's answer, used by every backend the "
	  "map does not name), got none" },
	{ NULL, "ops:\n  - admin: 6\n    expect:\n      sim: success\n      sim: success\n", false,
	  5, 7, "expect: expected one value for sim, got a second one (the first is on line 4)" },
	{ NULL, "ops:\n  - {admin: 6, expect: {sim: success, vfio: sucess}}\n", false, 2, 45,
	  "expect: expected a status name (success, invalid_field_in_command, ...) or number "
	  "(0x101 = SCT 1, SC 1), got 'sucess'; did you mean 'success'?" },
	{ NULL, "ops:\n  - {admin: 6, expect: success, expect: {sim: success}}\n", false, 2, 33,
	  "expect: expected one value, got a second one (the first is on line 2)" },
	{ NULL, "ops:\n  - {admin: 6, expect: {sim: [1]}}\n", false, 2, 30,
	  "expect: expected a status or a value, got a sequence" },
	{ NULL, "ops:\n  - {mmio: read, reg: CSTS, mask: 1, expect: {sim: 1, vfio: 2}}\n", false, 2,
	  61, "expect: expected a value within mask 0x1, got '2'" },
	{ NULL, "ops:\n  - {admin: 6, prp_offset: 4096, data: 8k}\n", false, 2, 28,
	  "prp_offset: expected a number from 0 to 4095, got '4096'" },
	{ NULL, "ops:\n  - {admin: 6, prp_offset: 2}\n", false, 2, 16,
	  "prp_offset: expected data: with prp_offset (it offsets the data pointer), got no data" },
	{ NULL, "ops:\n  - {doorbell: xq, qid: 1, value: 1}\n", false, 2, 16,
	  "doorbell: expected sq (tail doorbell) or cq (head doorbell), got 'xq'" },
	{ NULL, "ops:\n  - {doorbell: sq, value: 1}\n", false, 2, 5,
	  "ops.0: expected qid and value for a doorbell write, got no qid" },
	{ NULL, "ops:\n  - {doorbell: cq, qid: 65536, value: 1}\n", false, 2, 25,
	  "qid: expected a number from 0 to 65535, got '65536'" },
	{ NULL, "ops:\n  - {doorbell: cq, qid: 1, value: 0x100000000}\n", false, 2, 35,
	  "value: expected a 32-bit value, got 0x100000000" },
	{ NULL, "ops:\n  - {event: first}\n", false, 2, 13,
	  "event: expected next (the oldest asynchronous event the host received), got 'first'" },
	{ NULL, "ops:\n  - {event: next, lba: 1}\n", false, 2, 19,
	  "lba: expected a key of an event (at, expect, mask, event, within), got 'lba'" },
	{ NULL, "ops:\n  - {event: next, mask: 0x100000000}\n", false, 2, 25,
	  "mask: expected a 32-bit mask (event dword 0), got 0x100000000" },
	{ NULL, "ops:\n  - {op: trim, lba: 0, verify: on}\n", false, 2, 24,
	  "verify: expected verify on a read or a write, got a trim" },
	{ NULL, "ops:\n  - {op: read, lba: 0, verify: maybe}\n", false, 2, 32,
	  "verify: expected on or off, got 'maybe'" },
	{ NULL, "namespaces:\n  - {size: 1M}\n  - {size: 1M, data: discard}\nops:\n"
	  "  - {op: write, lba: 0, nsid: 2, verify: on}\n", false, 5, 34,
	  "verify: expected a namespace that keeps its data, got namespace 2 with data: discard "
	  "(it drops what is written)" },
	{ NULL, "seed: 1\nverify: on\nnamespaces:\n  - {size: 1M, data: discard}\n", true, 2, 1,
	  "verify: expected namespaces that keep their data, got namespace 1 with data: discard "
	  "(it drops what is written)" },
	{ NULL, "namespaces:\n  - {size: 1M, data: discard}\njobs:\n"
	  "  - {rw: randwrite, count: 1, verify: on}\n", true, 4, 5,
	  "jobs.0: expected a namespace that keeps its data for verify, got namespace 1 with "
	  "data: discard (it drops what is written)" },
	{ NULL, "jobs:\n  - {rw: randrw, count: 1, verify: on}\n", true, 2, 5,
	  "jobs.0: expected verify with rw read, randread, write or randwrite, got 'randrw' (a "
	  "mix or a trim reads blocks it did not write with verify)" },
};

/* run_bad - read @c in @flags mode until it fails; the message, position and file must be
 * exactly @c's */
static void run_bad(const struct bad_trace *c, const char *path, unsigned int flags)
{
	struct nvmesim_trace *t = NULL;
	struct nvmesim_trace_op op;
	struct nvmesim_diag d;
	char want[1024];
	unsigned int n = 0;
	int r;

	memset(&d, 0, sizeof(d));
	r = nvmesim_trace_open_flags(&t, path, NULL, 0, flags, &d);
	if (c->at_open) {
		ck_assert_msg(r == -EINVAL, "%s: open gave %d", c->name ? c->name : c->text, r);
		ck_assert_ptr_null(t);
	} else {
		ck_assert_msg(r == 0, "%s: open: %s", c->name ? c->name : c->text, d.msg);
		while ((r = nvmesim_trace_next_op(t, &op, &d)) == 1)
			n++;
		ck_assert_msg(r == -EINVAL, "%s: no error after %u ops",
			      c->name ? c->name : c->text, n);
		/* the reader stays stopped */
		ck_assert_int_eq(nvmesim_trace_next_op(t, &op, NULL), -EINVAL);
	}
	snprintf(want, sizeof(want), "%s:%u:%u: %s", path, c->line, c->col, c->msg);
	ck_assert_str_eq(d.msg, want);
	ck_assert_ptr_nonnull(d.file);
	ck_assert_str_eq(d.file, path);
	ck_assert_uint_eq(d.line, c->line);
	ck_assert_uint_eq(d.column, c->col);
	nvmesim_trace_close(t);
}

START_TEST(test_bad_traces)
{
	const struct bad_trace *c = &bad_files[_i];
	char path[1024];

	if (c->name)
		snprintf(path, sizeof(path), "%s", srcpath(c->name));
	else
		write_tmp(path, sizeof(path), c->text);
	run_bad(c, path, 0);
	run_bad(c, path, NVMESIM_TRACE_NO_FASTPATH);
	if (!c->name)
		unlink(path);
}
END_TEST

/* A reader error far into ops: (beyond what libyaml reads ahead at open) is found by the item
 * parser of the line scanner, or by the whole-file parser, at the same line and column. */
START_TEST(test_reader_error_in_ops)
{
	static const char item[] = "  - {op: read, lba: 1}\n";
	const struct bad_trace c = {
		NULL, "(2000 reads, then a control character)", false, 2002, 22,
		"syntax error: control characters are not allowed"
	};
	size_t n = 2000, len = 5 + n * (sizeof(item) - 1) + 32, at = 0, i;
	char *text = malloc(len), path[1024];

	ck_assert_ptr_nonnull(text);
	at += (size_t)snprintf(text, len, "ops:\n");
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, len - at, "%s", item);
	snprintf(text + at, len - at, "  - {op: read, lba: 2\x01}\n");
	write_tmp(path, sizeof(path), text);
	free(text);
	run_bad(&c, path, 0);
	run_bad(&c, path, NVMESIM_TRACE_NO_FASTPATH);
	unlink(path);
}
END_TEST

START_TEST(test_open_errors)
{
	struct nvmesim_trace *t = (struct nvmesim_trace *)&t;
	struct nvmesim_diag d;

	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_trace_open(&t, "/nonexistent/t.yaml", NULL, 0, &d), -ENOENT);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(d.msg, "/nonexistent/t.yaml: cannot open: No such file or directory");
	ck_assert_int_eq(nvmesim_trace_open(&t, "/", NULL, 0, &d), -EISDIR);
	ck_assert_str_eq(d.msg, "/: cannot read: Is a directory");
	ck_assert_int_eq(nvmesim_trace_open(&t, "/", NULL, 0, NULL), -EISDIR);
	nvmesim_trace_close(NULL);
}
END_TEST

START_TEST(test_io_op_name)
{
	ck_assert_str_eq(nvmesim_io_op_name(NVMESIM_IO_READ), "read");
	ck_assert_str_eq(nvmesim_io_op_name(NVMESIM_IO_WRITE), "write");
	ck_assert_str_eq(nvmesim_io_op_name(NVMESIM_IO_TRIM), "trim");
	ck_assert_str_eq(nvmesim_io_op_name(NVMESIM_IO_FLUSH), "flush");
	ck_assert_str_eq(nvmesim_io_op_name(NVMESIM_IO_WRITE_ZEROES), "write_zeroes");
	ck_assert_str_eq(nvmesim_io_op_name((enum nvmesim_io_op)99), "unknown");
}
END_TEST

/* heap_in_use - bytes malloc has handed out (0 where glibc cannot tell, e.g. Valgrind) */
static size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	return mallinfo2().uordblks;
#else
	return 0;
#endif
}

/* stream - write @n operations in a mix of styles and read them back in @flags mode */
static void stream(uint64_t n, unsigned int flags)
{
	const char *dir = getenv("TMPDIR");
	struct nvmesim_trace_op op;
	struct nvmesim_trace *t;
	struct nvmesim_diag d;
	size_t mid = 0, end;
	char path[256];
	uint64_t i;
	FILE *f;
	int fd, r;

	snprintf(path, sizeof(path), "%s/nvmesim-stream-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "# %llu operations\nseed: 5\niodepth: 32\nops:\n", (unsigned long long)n);
	for (i = 0; i < n; i++) {
		if (i % 1000 == 999)           /* quoted: libyaml's parser reads it */
			fprintf(f, "  - {op: \"write\", lba: %llu, at: %lluus}\n",
				(unsigned long long)i * 8, (unsigned long long)i);
		else if (i % 100 == 50)        /* block style */
			fprintf(f, "  - op: write\n    lba: %llu\n    blocks: 8\n    at: %lluus\n",
				(unsigned long long)i * 8, (unsigned long long)i);
		else
			fprintf(f, "  - {op: read, lba: %llu, blocks: 8, at: %lluus}\n",
				(unsigned long long)i * 8, (unsigned long long)i);
	}
	ck_assert_int_eq(fclose(f), 0);

	t = open_ok(path, NULL, 0, flags);
	ck_assert_uint_eq(nvmesim_trace_settings(t)->ops_iodepth, 32);
	for (i = 0; (r = nvmesim_trace_next_op(t, &op, &d)) == 1; i++) {
		if (op.lba != i * 8 || op.at_ns != (int64_t)(i * 1000) ||
		    op.io != (i % 100 == 50 || i % 1000 == 999 ? NVMESIM_IO_WRITE :
			      NVMESIM_IO_READ))
			ck_abort_msg("op %llu: lba %llu at %lld io %d", (unsigned long long)i,
				     (unsigned long long)op.lba, (long long)op.at_ns, op.io);
		if (i == 1000)
			mid = heap_in_use();
	}
	ck_assert_msg(r == 0, "%s", d.msg);
	ck_assert_uint_eq(i, n);
	end = heap_in_use();
	/* constant memory: nothing grows with the number of operations read */
	ck_assert_msg(end <= mid + 64 * 1024, "heap grew from %zu to %zu bytes", mid, end);
	if (!(flags & NVMESIM_TRACE_NO_FASTPATH)) {
		ck_assert_uint_eq(nvmesim_trace_yaml_ops(t), n / 1000);
		ck_assert_uint_eq(nvmesim_trace_fast_ops(t), n - n / 1000);
	}
	nvmesim_trace_close(t);
	unlink(path);
}

/* Under Valgrind the same code runs on a tenth of the operations: memcheck is there to
 * see every path, not to count to 200,000 fifty times slower. */
START_TEST(test_stream_200k)
{
	stream(RUNNING_ON_VALGRIND ? 20000 : 200000, 0);
}
END_TEST

START_TEST(test_stream_libyaml)
{
	stream(RUNNING_ON_VALGRIND ? 3000 : 20000, NVMESIM_TRACE_NO_FASTPATH);
}
END_TEST

/* trace_suite - the Check suite of this file */
static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("settings");

	tcase_add_test(tc, test_settings_every_key);
	tcase_add_test(tc, test_settings_defaults);
	tcase_add_test(tc, test_fio_names);
	tcase_add_test(tc, test_set_overrides);
	tcase_add_loop_test(tc, test_set_errors, 0, NVMESIM_ARRAY_SIZE(set_bad));
	suite_add_tcase(s, tc);
	tc = tcase_create("ops");
	tcase_add_test(tc, test_ops_every_form);
	tcase_add_test(tc, test_ops_flow);
	tcase_add_test(tc, test_ops_conformance);
	tcase_add_test(tc, test_ops_odd_line_breaks);
	tcase_add_test(tc, test_io_op_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_bad_traces, 0, NVMESIM_ARRAY_SIZE(bad_files));
	tcase_add_test(tc, test_reader_error_in_ops);
	tcase_add_test(tc, test_open_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("stream");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stream_200k);
	tcase_add_test(tc, test_stream_libyaml);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(trace_suite());
}
