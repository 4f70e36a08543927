/* SPDX-License-Identifier: MIT */
/* ctrl.h - placeholder, written by the controller core */
#ifndef NVMESIM_CTRL_CTRL_H
#define NVMESIM_CTRL_CTRL_H
#endif
