/* SPDX-License-Identifier: MIT */
/*
 * readback.h - what readback.c shares with the other readers of result
 * folders (compare.c): the folder read back, and which counters its
 * summary.json actually held, so that a comparison leaves out a counter one
 * of the runs never recorded (an older summary.json, another backend)
 * rather than showing it as 0.
 */
#ifndef NVMESIM_ENGINE_READBACK_H
#define NVMESIM_ENGINE_READBACK_H

#include <stdint.h>

#include <nvmesim/sweep.h>

#include "engine/nvmesim-internal.h"

/* enum nvmesim_rb_key - members of summary.json's "nvmesim" object; bit i of the
 * presence mask is key i (the order of readback.c's table of numbers) */
enum nvmesim_rb_key {
	NVMESIM_RB_SEED,
	NVMESIM_RB_SIM_TIME_NS,
	NVMESIM_RB_EXPECT_FAILURES,
	NVMESIM_RB_MMIO_READS,
	NVMESIM_RB_MMIO_WRITES,
	NVMESIM_RB_SQ_DOORBELLS,
	NVMESIM_RB_CQ_DOORBELLS,
	NVMESIM_RB_SQ_SHADOW,
	NVMESIM_RB_CQ_SHADOW,
	NVMESIM_RB_INTERRUPTS,
	NVMESIM_RB_REAPS,
	NVMESIM_RB_CQES,
	NVMESIM_RB_COMMANDS,
	NVMESIM_RB_POLLS,
	NVMESIM_RB_IDLE_POLLS,
	NVMESIM_RB_CPU_NS,
	NVMESIM_RB_MEAN_INFLIGHT,
	NVMESIM_RB_KEYS,
};

/* nvmesim_readback_dir - nvmesim_results_read_dir() that also sets bit k of *@present
 * (optional) for every enum nvmesim_rb_key k summary.json held; returns 0 or -errno */
NVMESIM_PRIV int nvmesim_readback_dir(const char *dir, struct nvmesim_results **out,
				      uint32_t *present, struct nvmesim_diag *diag);

#endif /* NVMESIM_ENGINE_READBACK_H */
