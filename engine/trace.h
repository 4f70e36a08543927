/* SPDX-License-Identifier: MIT */
/*
 * trace.h (private) - knobs of the trace reader for tests and benchmarks.
 *
 * The reader has two ways through `ops:`.  A block sequence is read line by
 * line: an item that fits on one line, or a block mapping of plain
 * "key: value" lines, is split by a small scanner; any other item (quotes,
 * multi-line values, comments inside it, anything unusual) is handed to
 * libyaml's event parser on its own.  A flow sequence, a file with unusual
 * line breaks, or NVMESIM_TRACE_NO_FASTPATH keeps libyaml's parser on the
 * whole file.  Both ways feed the same operation builder, so they accept and
 * refuse the same things with the same messages; tests compare them.
 */
#ifndef NVMESIM_ENGINE_TRACE_H
#define NVMESIM_ENGINE_TRACE_H

#include <stdint.h>

#include "engine/nvmesim-internal.h"

/* Read every operation with libyaml's parser over the whole file. */
#define NVMESIM_TRACE_NO_FASTPATH 0x1u

/* nvmesim_trace_open_flags - nvmesim_trace_open() with NVMESIM_TRACE_* @flags; same returns */
NVMESIM_PRIV int nvmesim_trace_open_flags(struct nvmesim_trace **out, const char *path,
					  const char *const *sets, unsigned int nr_sets,
					  unsigned int flags, struct nvmesim_diag *diag);

/* nvmesim_trace_fast_ops - operations the line scanner read without libyaml (for tests) */
NVMESIM_PRIV uint64_t nvmesim_trace_fast_ops(const struct nvmesim_trace *t);

/* nvmesim_trace_yaml_ops - operations libyaml's parser read (for tests) */
NVMESIM_PRIV uint64_t nvmesim_trace_yaml_ops(const struct nvmesim_trace *t);

#endif /* NVMESIM_ENGINE_TRACE_H */
