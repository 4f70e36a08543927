/* SPDX-License-Identifier: MIT */
/*
 * diag.h - diagnostics: what went wrong, where, and the strings of the spec.
 *
 * Functions that can fail for a reason a user must read (bring-up, trace
 * parsing) take an optional struct nvmesim_diag, as libyaml's parser carries
 * problem and problem_mark.  Status and register decoders live here too, so
 * the host, the controller, the MMIO log and the CLI print the same names.
 */
#ifndef NVMESIM_DIAG_H
#define NVMESIM_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include <nvmesim/export.h>

NVMESIM_BEGIN_DECLS

/**
 * struct nvmesim_diag - a diagnostic message with an optional source position
 * @msg: the message, NUL-terminated
 * @file: file the problem is in, or NULL
 * @line: 1-based line, 0 when unknown
 * @column: 1-based column, 0 when unknown
 */
struct nvmesim_diag {
	char msg[512];
	const char *file;
	unsigned int line;
	unsigned int column;
};

/**
 * nvmesim_diag_set - format a message into @diag (NULL @diag is allowed)
 * @diag: the diagnostic
 * @fmt: printf format
 */
NVMESIM_API void nvmesim_diag_set(struct nvmesim_diag *diag, const char *fmt, ...)
	NVMESIM_PRINTF(2, 3);

/**
 * nvmesim_status_str - the spec name of a 15-bit status field
 * @status: SC 7:0, SCT 10:8 (CRD, M, DNR ignored)
 *
 * Return: e.g. "Invalid Queue Identifier", or "Unknown Status" with no match.
 */
NVMESIM_API const char *nvmesim_status_str(uint16_t status);

/**
 * nvmesim_reg_name - the name of the BAR0 register at @off
 * @off: BAR0 offset of the register's first byte
 *
 * Return: "CAP", "CC", ... or NULL for doorbells and undefined offsets.
 */
NVMESIM_API const char *nvmesim_reg_name(uint32_t off);

/**
 * nvmesim_reg_offset - the BAR0 offset of register @name
 * @name: register name, case-insensitive ("CC", "asq")
 *
 * Return: the offset, or -1 if there is no such register.
 */
NVMESIM_API long nvmesim_reg_offset(const char *name);

/**
 * nvmesim_reg_decode - describe the fields of register @off holding @val
 * @off: BAR0 offset of a register (not a doorbell)
 * @val: its value
 * @buf: receives e.g. "EN=1 CSS=NVM MPS=4KiB IOSQES=64B IOCQES=16B"
 * @len: size of @buf
 *
 * Return: the length written, as snprintf().
 */
NVMESIM_API int nvmesim_reg_decode(uint32_t off, uint64_t val, char *buf, size_t len);

NVMESIM_END_DECLS

#endif /* NVMESIM_DIAG_H */
