/* SPDX-License-Identifier: MIT */
/*
 * c-numeric.c - "C" number formatting for the report writers (see c-numeric.h).
 */
#include "config.h"

#include "engine/c-numeric.h"

/* nvmesim_c_numeric_begin - use the "C" LC_NUMERIC in this thread; returns the old locale */
locale_t nvmesim_c_numeric_begin(locale_t *c)
{
	*c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return *c ? uselocale(*c) : (locale_t)0;
}

/* nvmesim_c_numeric_end - restore the thread's locale after nvmesim_c_numeric_begin() */
void nvmesim_c_numeric_end(locale_t c, locale_t old)
{
	if (!c)
		return;
	uselocale(old);
	freelocale(c);
}
