/* SPDX-License-Identifier: MIT */
/*
 * settings.h - typed settings addressed by dotted paths, and a streaming YAML
 * reader that fills them.
 *
 * A settings table lists every value a file may set ("nand.tR", "host.queues")
 * with its type, place in a struct and range.  The same table serves three
 * readers: YAML files (profiles, the settings part of a trace), `--set
 * key=value` overrides, and documentation.  Values accept units: times
 * (ns, us, ms, s; a bare number is ns), sizes (B, KiB/k/K, MiB/m/M, GiB/g/G,
 * TiB/t/T, KB, MB, GB, TB; a bare number is bytes), plain counts, booleans
 * (true/false/yes/no/on/off/1/0), names from an enum list, and strings.
 * Errors say file:line:column, the key, what was expected and what was found.
 */
#ifndef NVMESIM_ENGINE_SETTINGS_H
#define NVMESIM_ENGINE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/nvmesim-internal.h"

struct yaml_parser_s;

/* enum nvmesim_setting_type - how a value is written and stored */
enum nvmesim_setting_type {
	NVMESIM_SET_U64,   /* uint64_t count */
	NVMESIM_SET_UINT,  /* unsigned int count */
	NVMESIM_SET_TIME,  /* uint64_t nanoseconds, unit suffix optional */
	NVMESIM_SET_SIZE,  /* uint64_t bytes, unit suffix optional */
	NVMESIM_SET_SIZE32,/* uint32_t bytes */
	NVMESIM_SET_BOOL,  /* bool */
	NVMESIM_SET_ENUM,  /* int index into @names */
	NVMESIM_SET_STR,   /* char[@max] */
	NVMESIM_SET_HEX,   /* uint64_t, decimal or 0x-prefixed hex */
};

/* struct nvmesim_setting - one settable value */
struct nvmesim_setting {
	const char *path;               /* dotted path, "nand.tR" */
	enum nvmesim_setting_type type;
	size_t offset;                  /* offsetof() in the settings struct */
	uint64_t min;                   /* smallest allowed (numbers) */
	uint64_t max;                   /* largest allowed (numbers), or buffer size (STR) */
	const char *const *names;       /* ENUM: NULL-terminated value names */
	const char *help;               /* one line for docs and errors */
};

/* struct nvmesim_settings_table - a table and how many entries it has */
struct nvmesim_settings_table {
	const struct nvmesim_setting *s;
	unsigned int nr;
};

/* nvmesim_setting_find - the entry for @path, or NULL */
NVMESIM_PRIV const struct nvmesim_setting *
nvmesim_setting_find(const struct nvmesim_settings_table *t, const char *path);

/* nvmesim_setting_parse - parse @text into the field @s names inside @base; 0, or -EINVAL
 * with "expected ..., got '...'" in @err */
NVMESIM_PRIV int nvmesim_setting_parse(const struct nvmesim_setting *s, void *base,
				       const char *text, char *err, size_t errlen);

/* nvmesim_settings_set - apply "path=value" (or path and value) to @base; 0 or -EINVAL
 * with the reason in @diag (unknown paths list the nearest known one) */
NVMESIM_PRIV int nvmesim_settings_set(const struct nvmesim_settings_table *t, void *base,
				      const char *path, const char *value,
				      struct nvmesim_diag *diag);

/* nvmesim_parse_time - "45us" -> 45000; 0 or -EINVAL */
NVMESIM_PRIV int nvmesim_parse_time(const char *text, uint64_t *ns);

/* nvmesim_parse_size - "4KiB" -> 4096; 0 or -EINVAL */
NVMESIM_PRIV int nvmesim_parse_size(const char *text, uint64_t *bytes);

/* nvmesim_parse_u64 - decimal or 0x hex, whole string; 0 or -EINVAL */
NVMESIM_PRIV int nvmesim_parse_u64(const char *text, uint64_t *v);

/* nvmesim_parse_coalescing - "THR,TIME_US" of host.coalescing (Interrupt Coalescing,
 * Feature 08h) into @thr and @time_us; false if @text is not one */
NVMESIM_PRIV bool nvmesim_parse_coalescing(const char *text, unsigned int *thr,
					   unsigned int *time_us);

/* nvmesim_yaml_load_settings - read a whole YAML file whose nested mappings are
 * paths into @t (scalars only; sequences are an error); 0, -errno, or -EINVAL
 * with "file:line:column: ..." in @diag */
NVMESIM_PRIV int nvmesim_yaml_load_settings(const char *path,
					    const struct nvmesim_settings_table *t, void *base,
					    struct nvmesim_diag *diag);

#endif /* NVMESIM_ENGINE_SETTINGS_H */
