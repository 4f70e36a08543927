/* SPDX-License-Identifier: MIT */
/* compare.c - <nvmesim/compare.h> compiles on its own (the include-bundle test). */
#include <nvmesim/compare.h>

int header_compare_alone(void);

/* header_compare_alone - a definition, so the unit is not empty */
int header_compare_alone(void)
{
	return 1;
}
