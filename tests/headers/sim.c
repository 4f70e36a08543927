/* SPDX-License-Identifier: MIT */
/* sim.c - <nvmesim/sim.h> compiles on its own (the include-bundle test). */
#include <nvmesim/sim.h>

int header_sim_alone(void);

/* header_sim_alone - referenced by check_headers so the unit is linked */
int header_sim_alone(void)
{
	return 1;
}
