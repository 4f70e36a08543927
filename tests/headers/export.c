/* SPDX-License-Identifier: MIT */
/* export.c - <nvmesim/export.h> compiles on its own (the include-bundle test). */
#include <nvmesim/export.h>

int header_export_alone(void);

/* header_export_alone - referenced by check_headers so the unit is linked */
int header_export_alone(void)
{
	return 1;
}
