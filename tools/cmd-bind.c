/* SPDX-License-Identifier: MIT */
/*
 * cmd-bind.c - `nvmesim bind BDF` and `nvmesim unbind BDF`: hand an NVMe
 * controller to vfio-pci for `--backend vfio:BDF`, and give it back to its
 * default driver (nvme) afterwards.
 *
 * Binding takes the drive away from the kernel: its namespaces, partitions
 * and whatever is stacked on them disappear.  So bind refuses a controller
 * that backs a mounted filesystem unless --force is given (the library
 * compares its block devices with the mount table).  Both need root (they
 * write sysfs).  Exit status: 0 done, 1 the kernel refused, 2 usage or a
 * device that cannot be bound as asked (not found, no IOMMU, mounted).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cli.h"

/* usage_bind - `nvmesim bind --help` */
void usage_bind(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim bind BDF [--force]\n"
		"Hand the NVMe controller at PCI address BDF (e.g. 0000:01:00.0; lspci -D\n"
		"-d ::0108 lists them) to vfio-pci, so 'nvmesim run --backend vfio:BDF' and\n"
		"'nvmesim info --backend vfio:BDF' can drive it.  Its namespaces disappear\n"
		"from the system until 'nvmesim unbind BDF'.  Needs root and an IOMMU.\n"
		"\n"
		"Options:\n"
		"      --force   bind even if one of its namespaces (or a partition, or a\n"
		"                dm/md device on top) holds a mounted filesystem\n"
		"  -h, --help    show this help and exit\n"
		"\n"
		"Exit status: 0 bound, 1 the kernel did not bind it, 2 usage error or a\n"
		"device that cannot be bound (not found, no IOMMU group, mounted).\n");
}

/* usage_unbind - `nvmesim unbind --help` */
void usage_unbind(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim unbind BDF\n"
		"Give the controller at PCI address BDF back to its default driver (nvme):\n"
		"unbind vfio-pci, clear driver_override and let the kernel probe it again.\n"
		"\n"
		"Options:\n"
		"  -h, --help    show this help and exit\n");
}

/* bind_parse - BDF and --force from the command line of @cmd; 0, EXIT_USAGE, or -1 after
 * --help */
static int bind_parse(const char *cmd, int argc, char **argv, const char **bdf, bool *force)
{
	enum { OPT_FORCE = 256 };
	static const struct option bind_opts[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option unbind_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct option *opts = force ? bind_opts : unbind_opts;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORCE:
			*force = true;
			break;
		case 'h':
			if (force)
				usage_bind(stdout);
			else
				usage_unbind(stdout);
			return -1;
		default:
			return cli_getopt_error(cmd, c, argv, opts);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "missing BDF, the controller's PCI address (try "
				       "'nvmesim %s --help')", cmd);
	*bdf = argv[optind++];
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* bind_status - print the library's message for @cmd and turn @err into the exit status */
static int bind_status(const char *cmd, int err, const struct nvmesim_diag *diag)
{
	if (!err) {
		if (diag->msg[0])
			printf("nvmesim: %s: %s\n", cmd, diag->msg);
		return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	fprintf(stderr, "nvmesim: %s: %s\n", cmd, diag->msg[0] ? diag->msg : strerror(-err));
	/* the device is not in a state to be bound as asked: the user's to fix */
	if (err == -EINVAL || err == -ENODEV || err == -EBUSY)
		return EXIT_USAGE;
	return EXIT_FAILURE;
}

/* cmd_bind - `nvmesim bind BDF [--force]`: the exit status */
int cmd_bind(int argc, char **argv)
{
	struct nvmesim_diag diag;
	const char *bdf = NULL;
	bool force = false;
	int r;

	r = bind_parse("bind", argc, argv, &bdf, &force);
	if (r)
		return r < 0 ? EXIT_SUCCESS : r;
	memset(&diag, 0, sizeof(diag));
	r = nvmesim_vfio_bind(bdf, force, NULL, &diag);
	return bind_status("bind", r, &diag);
}

/* cmd_unbind - `nvmesim unbind BDF`: the exit status */
int cmd_unbind(int argc, char **argv)
{
	struct nvmesim_diag diag;
	const char *bdf = NULL;
	int r;

	r = bind_parse("unbind", argc, argv, &bdf, NULL);
	if (r)
		return r < 0 ? EXIT_SUCCESS : r;
	memset(&diag, 0, sizeof(diag));
	r = nvmesim_vfio_unbind(bdf, NULL, &diag);
	return bind_status("unbind", r, &diag);
}
