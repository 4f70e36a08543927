/* SPDX-License-Identifier: MIT */
/*
 * nvmesim.h - the umbrella header: everything a library user needs.
 */
#ifndef NVMESIM_H
#define NVMESIM_H

#include <nvmesim/export.h>
#include <nvmesim/version.h>
#include <nvmesim/spec.h>
#include <nvmesim/diag.h>
#include <nvmesim/end.h>
#include <nvmesim/sim.h>
#include <nvmesim/host.h>
#include <nvmesim/hist.h>
#include <nvmesim/profile.h>
#include <nvmesim/trace.h>
#include <nvmesim/run.h>
#include <nvmesim/sweep.h>
#include <nvmesim/compare.h>
#include <nvmesim/vfio.h>

#endif /* NVMESIM_H */
