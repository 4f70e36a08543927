/* SPDX-License-Identifier: MIT */
/* store.h - placeholder */
#ifndef NVMESIM_CTRL_STORE_H
#define NVMESIM_CTRL_STORE_H
#endif
