/* SPDX-License-Identifier: MIT */
/* trace.c - <nvmesim/trace.h> compiles on its own (the include-bundle test). */
#include <nvmesim/trace.h>

int header_trace_alone(void);

/* header_trace_alone - referenced by check_headers so the unit is linked */
int header_trace_alone(void)
{
	return 1;
}
