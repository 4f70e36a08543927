/* SPDX-License-Identifier: MIT */
/* profile.c - <nvmesim/profile.h> compiles on its own (the include-bundle test). */
#include <nvmesim/profile.h>

int header_profile_alone(void);

/* header_profile_alone - referenced by check_headers so the unit is linked */
int header_profile_alone(void)
{
	return 1;
}
