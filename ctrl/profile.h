/* SPDX-License-Identifier: MIT */
/*
 * profile.h - the settings table of device profiles, for the readers that
 * set profile values by dotted path (the trace reader's `profile:` block,
 * `--set profile.nand.tR=45us`) and for generated documentation.  The public
 * side of profiles is include/nvmesim/profile.h.
 */
#ifndef NVMESIM_CTRL_PROFILE_H
#define NVMESIM_CTRL_PROFILE_H

#include "engine/nvmesim-internal.h"
#include "engine/settings.h"

/* nvmesim_profile_settings - the table of every profile parameter, paths without the
 * "profile." prefix, over struct nvmesim_profile; returns a static table */
NVMESIM_PRIV const struct nvmesim_settings_table *nvmesim_profile_settings(void);

#endif /* NVMESIM_CTRL_PROFILE_H */
