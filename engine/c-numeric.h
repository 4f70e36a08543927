/* SPDX-License-Identifier: MIT */
/*
 * c-numeric.h - print numbers the "C" way in this thread.
 *
 * Reports and CSVs must not depend on the locale a host application chose
 * with setlocale(): a "," decimal point would break JSON and CSV.  The writers
 * switch only the calling thread's LC_NUMERIC (uselocale) and switch it back.
 */
#ifndef NVMESIM_ENGINE_C_NUMERIC_H
#define NVMESIM_ENGINE_C_NUMERIC_H

#include <locale.h>

#include "engine/nvmesim-internal.h"

/* nvmesim_c_numeric_begin - switch this thread to "C" number formatting; returns the
 * locale to give back to nvmesim_c_numeric_end() (*@c is the one created, or 0) */
NVMESIM_PRIV locale_t nvmesim_c_numeric_begin(locale_t *c);

/* nvmesim_c_numeric_end - restore the thread's locale and free @c */
NVMESIM_PRIV void nvmesim_c_numeric_end(locale_t c, locale_t old);

#endif /* NVMESIM_ENGINE_C_NUMERIC_H */
