/* SPDX-License-Identifier: MIT */
/* hist.c - <nvmesim/hist.h> compiles on its own (the include-bundle test). */
#include <nvmesim/hist.h>

int header_hist_alone(void);

/* header_hist_alone - referenced by check_headers so the unit is linked */
int header_hist_alone(void)
{
	return 1;
}
