/* SPDX-License-Identifier: MIT */
/* host.c - <nvmesim/host.h> compiles on its own (the include-bundle test). */
#include <nvmesim/host.h>

int header_host_alone(void);

/* header_host_alone - referenced by check_headers so the unit is linked */
int header_host_alone(void)
{
	return 1;
}
