/* SPDX-License-Identifier: MIT */
/* diag.c - <nvmesim/diag.h> compiles on its own (the include-bundle test). */
#include <nvmesim/diag.h>

int header_diag_alone(void);

/* header_diag_alone - referenced by check_headers so the unit is linked */
int header_diag_alone(void)
{
	return 1;
}
