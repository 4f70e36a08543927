/* SPDX-License-Identifier: MIT */
/* spec.c - <nvmesim/spec.h> compiles on its own (the include-bundle test). */
#include <nvmesim/spec.h>

int header_spec_alone(void);

/* header_spec_alone - referenced by check_headers so the unit is linked */
int header_spec_alone(void)
{
	return 1;
}
