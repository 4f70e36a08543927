/* SPDX-License-Identifier: MIT */
/*
 * vfio-none.c - the `vfio` end in a build without <linux/vfio.h>.
 *
 * configure found no VFIO header (not Linux, or no kernel headers), so there
 * is no way to reach a real controller: opening the end says so.  Binding
 * (sysfs.c) needs no VFIO header and stays available.
 */
#include "config.h"

#include <errno.h>

#include "hw/vfio-internal.h"

/* nvmesim_vfio_supported - this build has no VFIO end; returns false */
bool nvmesim_vfio_supported(void)
{
	return false;
}

/* nvmesim_vfio_open - always -EOPNOTSUPP: the backend was not built */
int nvmesim_vfio_open(struct nvmesim_end **out, const char *bdf,
		      const struct nvmesim_vfio_opts *opts, struct nvmesim_diag *diag)
{
	(void)bdf;
	(void)opts;
	if (out)
		*out = NULL;
	nvmesim_diag_set(diag, "the vfio backend is not built: <linux/vfio.h> was not found "
			 "when nvmesim was configured (install the kernel headers, e.g. "
			 "linux-libc-dev, and configure again)");
	return -EOPNOTSUPP;
}

/* nvmesim_vfio_nr_vectors - no vfio ends exist in this build; returns 0 */
unsigned int nvmesim_vfio_nr_vectors(const struct nvmesim_end *end)
{
	(void)end;
	return 0;
}
