/* SPDX-License-Identifier: MIT */
/* sweep.c - <nvmesim/sweep.h> compiles on its own (the include-bundle test). */
#include <nvmesim/sweep.h>

int header_sweep_alone(void);

/* header_sweep_alone - a definition, so the unit is not empty */
int header_sweep_alone(void)
{
	return 1;
}
