/* SPDX-License-Identifier: MIT */
/* run.c - <nvmesim/run.h> compiles on its own (the include-bundle test). */
#include <nvmesim/run.h>

int header_run_alone(void);

/* header_run_alone - referenced by check_headers so the unit is linked */
int header_run_alone(void)
{
	return 1;
}
