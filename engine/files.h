/* SPDX-License-Identifier: MIT */
/*
 * files.h - file-system helpers of the library's folder writers (files.c).
 */
#ifndef NVMESIM_ENGINE_FILES_H
#define NVMESIM_ENGINE_FILES_H

#include <limits.h>
#include <stdio.h>

#include "engine/nvmesim-internal.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* nvmesim_mkdir_p - create @path and its parents (as mkdir -p); 0 or -errno */
NVMESIM_PRIV int nvmesim_mkdir_p(const char *path);

/* nvmesim_write_atomic - write @dir/@name through @fn (0 or -errno) into a temporary file,
 * then rename it over @dir/@name; 0 or -errno */
NVMESIM_PRIV int nvmesim_write_atomic(const char *dir, const char *name,
				      int (*fn)(const void *arg, FILE *f), const void *arg);

#endif /* NVMESIM_ENGINE_FILES_H */
