/* SPDX-License-Identifier: MIT */
/*
 * writes.c - the --allow-write guard: does a trace change data on a drive?
 *
 * On the simulated controller nothing is lost; on a real one a write job
 * overwrites whatever the drive held, and a raw Format NVM or Sanitize
 * erases all of it.  So before a real device is opened the whole trace is
 * read once - settings, jobs and every explicit operation, streamed as the
 * replay streams it, in constant memory - and a trace that would change
 * data is refused unless the caller allows writes.  The same pass finds any
 * syntax error in the operations, before the hardware is touched.
 *
 * Counted as changing data: jobs that write or trim; operations write, trim
 * and write_zeroes; raw I/O commands Write (01h), Write Uncorrectable (04h),
 * Write Zeroes (08h), Dataset Management (09h), Copy (19h), Zone Management
 * Send (79h), Zone Append (7Dh) and vendor specific ones (80h-FFh, NVM
 * Command Set 1.0 §3 Figure 16); raw admin commands Namespace Management
 * (0Dh), Firmware Commit (10h), Firmware Image Download (11h), Namespace
 * Attachment (15h), Format NVM (80h), Security Send (81h), Sanitize (84h)
 * and vendor specific ones (C0h-FFh, NVMe 2.0 §5 Figure 138).  Register
 * writes and doorbells are not: on their own they move no user data.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "hw/vfio-internal.h"

/* struct wr_opcode - a command that changes data, and its name */
struct wr_opcode {
	uint8_t opc;        /* opcode */
	const char *name;   /* the spec's name */
};

static const struct wr_opcode wr_admin[] = {
	{ 0x0d, "Namespace Management" },
	{ 0x10, "Firmware Commit" },
	{ 0x11, "Firmware Image Download" },
	{ 0x15, "Namespace Attachment" },
	{ 0x80, "Format NVM" },
	{ 0x81, "Security Send" },
	{ 0x84, "Sanitize" },
};

static const struct wr_opcode wr_io[] = {
	{ 0x01, "Write" },
	{ 0x04, "Write Uncorrectable" },
	{ 0x08, "Write Zeroes" },
	{ 0x09, "Dataset Management" },
	{ 0x19, "Copy" },
	{ 0x79, "Zone Management Send" },
	{ 0x7d, "Zone Append" },
};

/* wr_lookup - the name of @opc if it changes data (@admin: admin command set), else NULL */
static const char *wr_lookup(uint8_t opc, bool admin)
{
	const struct wr_opcode *t = admin ? wr_admin : wr_io;
	unsigned int i, n = admin ? NVMESIM_ARRAY_SIZE(wr_admin) : NVMESIM_ARRAY_SIZE(wr_io);

	for (i = 0; i < n; i++)
		if (t[i].opc == opc)
			return t[i].name;
	if (admin ? opc >= 0xc0 : opc >= 0x80)
		return "vendor specific command";
	return NULL;
}

/* wr_op - what operation @op changes, as "op write" / "admin 0x80 (Format NVM)" in @buf;
 * true when it changes data */
static bool wr_op(const struct nvmesim_trace_op *op, char *buf, size_t len)
{
	const char *name;

	switch (op->kind) {
	case NVMESIM_OP_IO:
		if (op->io != NVMESIM_IO_WRITE && op->io != NVMESIM_IO_TRIM &&
		    op->io != NVMESIM_IO_WRITE_ZEROES)
			return false;
		snprintf(buf, len, "op %s", nvmesim_io_op_name(op->io));
		return true;
	case NVMESIM_OP_ADMIN:
	case NVMESIM_OP_CMD:
		name = wr_lookup(op->cmd.opcode, op->kind == NVMESIM_OP_ADMIN);
		if (!name)
			return false;
		snprintf(buf, len, "%s 0x%02x (%s)", op->kind == NVMESIM_OP_ADMIN ? "admin" : "cmd",
			 (unsigned int)op->cmd.opcode, name);
		return true;
	default:
		return false;
	}
}

/* nvmesim_vfio_write_check - whether trace @path (with overrides @sets) changes data; 0 when
 * it does not, -EINVAL naming the first job or file:line that does (or the trace's error),
 * -errno when it cannot be read */
int nvmesim_vfio_write_check(const char *path, const char *const *sets, unsigned int nr_sets,
			     struct nvmesim_diag *diag)
{
	const struct nvmesim_trace_settings *set;
	struct nvmesim_trace_op op;
	struct nvmesim_trace *t;
	unsigned int i;
	char what[96];
	int r;

	r = nvmesim_trace_open(&t, path, sets, nr_sets, diag);
	if (r)
		return r;
	set = nvmesim_trace_settings(t);
	for (i = 0; i < set->nr_jobs; i++) {
		if (set->jobs[i].op != NVMESIM_IO_WRITE && set->jobs[i].op != NVMESIM_IO_TRIM &&
		    set->jobs[i].op != NVMESIM_IO_WRITE_ZEROES)
			continue;
		nvmesim_diag_set(diag, "%s: jobs.%u (%s) %s: this changes data on the drive; add "
				 "--allow-write to run the trace on a real device (the blocks it "
				 "touches are lost)", path, i, set->jobs[i].name,
				 set->jobs[i].op == NVMESIM_IO_TRIM ? "trims" : "writes");
		r = -EINVAL;
		goto out;
	}
	for (;;) {
		r = nvmesim_trace_next_op(t, &op, diag);
		if (r <= 0)
			break;
		if (!wr_op(&op, what, sizeof(what)))
			continue;
		nvmesim_diag_set(diag, "%s:%u: %s changes data on the drive; add --allow-write "
				 "to run the trace on a real device (what it touches is lost)",
				 path, op.line, what);
		r = -EINVAL;
		break;
	}
out:
	nvmesim_trace_close(t);
	return r;
}
