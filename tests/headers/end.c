/* SPDX-License-Identifier: MIT */
/* end.c - <nvmesim/end.h> compiles on its own (the include-bundle test). */
#include <nvmesim/end.h>

int header_end_alone(void);

/* header_end_alone - referenced by check_headers so the unit is linked */
int header_end_alone(void)
{
	return 1;
}
