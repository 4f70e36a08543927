/* SPDX-License-Identifier: MIT */
/* nvmesim.c - <nvmesim/nvmesim.h> compiles on its own (the include-bundle test). */
#include <nvmesim/nvmesim.h>

int header_nvmesim_alone(void);

/* header_nvmesim_alone - referenced by check_headers so the unit is linked */
int header_nvmesim_alone(void)
{
	return 1;
}
