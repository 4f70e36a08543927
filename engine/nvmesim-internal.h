/* SPDX-License-Identifier: MIT */
/*
 * nvmesim-internal.h - project-wide private definitions.
 *
 * Included by every library source file.  NVMESIM_PRIV marks functions shared
 * between library files but never exported (libsigrok SR_PRIV); with
 * -fvisibility=hidden that is the default, so the macro documents intent.
 */
#ifndef NVMESIM_ENGINE_NVMESIM_INTERNAL_H
#define NVMESIM_ENGINE_NVMESIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <nvmesim/nvmesim.h>

#define NVMESIM_PRIV __attribute__((visibility("hidden")))

#define NVMESIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NVMESIM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NVMESIM_MAX(a, b) ((a) > (b) ? (a) : (b))
#define NVMESIM_ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define NVMESIM_IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

#endif /* NVMESIM_ENGINE_NVMESIM_INTERNAL_H */
