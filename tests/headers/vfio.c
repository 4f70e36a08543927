/* SPDX-License-Identifier: MIT */
/* vfio.c - <nvmesim/vfio.h> compiles on its own (the include-bundle test). */
#include <nvmesim/vfio.h>

int header_vfio_alone(void);

/* header_vfio_alone - referenced by check_vfio so the unit is linked */
int header_vfio_alone(void)
{
	return 1;
}
