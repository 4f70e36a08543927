/* SPDX-License-Identifier: MIT */
/*
 * cmd-info.c - `nvmesim info`: create a simulated controller, bring it up with
 * the host driver, print the registers and the Identify data the host read,
 * and shut it down; --trace-mmio prints every BAR access of the whole
 * conversation.  With --backend vfio:BDF the controller is the real one at
 * that PCI address (bound to vfio-pci): the same bring-up, read-only.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cli.h"

/* field_len - length of a space-padded ASCII Identify field without trailing blanks/NULs */
static int field_len(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\0'))
		n--;
	return (int)n;
}

/* print_reg - "  NAME  0x...  fields" for register @off; returns the value read */
static uint64_t print_reg(struct nvmesim_end *end, uint32_t off, bool wide)
{
	char fields[256];
	uint64_t v;

	v = wide ? nvmesim_end_read64(end, off) : nvmesim_end_read32(end, off);
	fields[0] = '\0';
	nvmesim_reg_decode(off, v, fields, sizeof(fields));
	if (wide)
		printf("  %-5s 0x%016" PRIx64 "  %s\n", nvmesim_reg_name(off), v, fields);
	else
		printf("  %-5s 0x%08" PRIx64 "          %s\n", nvmesim_reg_name(off), v, fields);
	return v;
}

/* print_oncs - ONCS with the names of the optional NVM commands (§5.17.2.1) */
static void print_oncs(uint16_t oncs)
{
	static const char *const names[] = {
		"Compare", "Write Uncorrectable", "Dataset Management", "Write Zeroes",
		"Save/Select in Features", "Reservations", "Timestamp", "Verify", "Copy",
	};
	unsigned int i;
	bool first = true;

	printf("  ONCS    0x%04x (", (unsigned int)oncs);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (oncs & (1u << i)) {
			printf("%s%s", first ? "" : ", ", names[i]);
			first = false;
		}
	}
	printf("%s)\n", first ? "none" : "");
}

/* print_id_ctrl - the Identify Controller summary */
static void print_id_ctrl(const struct nvmesim_id_ctrl *id, uint64_t cap)
{
	uint64_t minpage = 1ull << (12 + NVMESIM_FIELD_GET(cap, CAP_MPSMIN));
	char h[32];

	printf("Identify Controller (CNS 01h):\n");
	printf("  VID     0x%04x\n", (unsigned int)id->vid);
	printf("  SN      %.*s\n", field_len(id->sn, sizeof(id->sn)), id->sn);
	printf("  MN      %.*s\n", field_len(id->mn, sizeof(id->mn)), id->mn);
	printf("  FR      %.*s\n", field_len(id->fr, sizeof(id->fr)), id->fr);
	if (id->mdts)
		printf("  MDTS    %u (%s per command)\n", (unsigned int)id->mdts,
		       cli_human(minpage << id->mdts, h, sizeof(h)));
	else
		printf("  MDTS    0 (no limit)\n");
	printf("  NN      %" PRIu32 "\n", id->nn);
	print_oncs(id->oncs);
	printf("  VWC     0x%02x (volatile write cache %s)\n", (unsigned int)id->vwc,
	       id->vwc & 1u ? "present" : "not present");
	printf("  AERL    %u (%u outstanding AERs)\n", (unsigned int)id->aerl,
	       (unsigned int)id->aerl + 1u);
	printf("  ELPE    %u (%u error log entries)\n", (unsigned int)id->elpe,
	       (unsigned int)id->elpe + 1u);
	printf("  SQES    0x%02x (required %u B, max %u B)\n", (unsigned int)id->sqes,
	       1u << (id->sqes & 0xfu), 1u << (id->sqes >> 4));
	printf("  CQES    0x%02x (required %u B, max %u B)\n", (unsigned int)id->cqes,
	       1u << (id->cqes & 0xfu), 1u << (id->cqes >> 4));
	printf("  SUBNQN  %.*s\n", field_len(id->subnqn, strnlen(id->subnqn, sizeof(id->subnqn))),
	       id->subnqn);
}

/* print_id_ns - the Identify Namespace summary of @nsid */
static void print_id_ns(uint32_t nsid, const struct nvmesim_id_ns *ns)
{
	static const char *const rp[] = { "best", "better", "good", "degraded" };
	static const char *const readval[] = { "not reported", "zeroes", "ones" };
	unsigned int i, cur = ns->flbas & 0xfu, ds = ns->lbaf[cur].ds, rv = ns->dlfeat & 7u;
	char h[32];

	printf("Identify Namespace %" PRIu32 " (CNS 00h):\n", nsid);
	printf("  NSZE    %" PRIu64 " blocks (%s)\n", ns->nsze,
	       cli_human(ds < 64 ? ns->nsze << ds : 0, h, sizeof(h)));
	printf("  NCAP    %" PRIu64 " blocks (%s)\n", ns->ncap,
	       cli_human(ds < 64 ? ns->ncap << ds : 0, h, sizeof(h)));
	printf("  NUSE    %" PRIu64 " blocks (%s)\n", ns->nuse,
	       cli_human(ds < 64 ? ns->nuse << ds : 0, h, sizeof(h)));
	printf("  LBA formats (NLBAF %u, FLBAS 0x%02x):\n", (unsigned int)ns->nlbaf,
	       (unsigned int)ns->flbas);
	for (i = 0; i <= ns->nlbaf && i < 64; i++) {
		printf("    %s LBAF %-2u %5u B data, %u B metadata, %s performance%s\n",
		       i == cur ? "*" : " ", i, ns->lbaf[i].ds < 32 ? 1u << ns->lbaf[i].ds : 0u,
		       (unsigned int)ns->lbaf[i].ms, rp[ns->lbaf[i].rp & 3u],
		       i == cur ? " (in use)" : "");
	}
	printf("  DLFEAT  0x%02x (deallocated blocks read as %s%s)\n", (unsigned int)ns->dlfeat,
	       rv < 3 ? readval[rv] : "reserved",
	       ns->dlfeat & 8u ? "; Write Zeroes can deallocate" : "");
}

/* struct info_args - what `nvmesim info` was asked */
struct info_args {
	bool trace;               /* --trace-mmio */
	unsigned long nsid;       /* --namespace; 0 = all active */
	unsigned long io_queues;  /* --io-queues */
	unsigned long lba_size;   /* --lba-size */
	unsigned long nr_ns;      /* --namespaces */
	const char *bdf;          /* --backend vfio:BDF; NULL: simulated */
	unsigned long long iova;  /* --iova: where host memory is mapped for DMA; 0: default */
};

/* usage_info - `nvmesim info --help` */
void usage_info(FILE *f)
{
	fprintf(f,
		"Usage: nvmesim info [OPTION]...\n"
		"Create a simulated NVMe controller, bring it up with the host driver\n"
		"(CAP/VS, disable, admin queues, CC, CC.EN, CSTS.RDY, Identify, Number of\n"
		"Queues, I/O queues), describe it, and shut it down.\n"
		"\n"
		"Options:\n"
		"      --trace-mmio       print every BAR access (lines start with 'mmio: ')\n"
		"      --namespace N|all  namespace to describe (1..%d; default 1)\n"
		"      --namespaces N     namespaces the controller has (1..%d; default 1)\n"
		"      --io-queues N      I/O queue pairs to ask for (1..65534; default 1)\n"
		"      --lba-size B       logical block size, 512 or 4096 (default 512)\n"
		"      --backend sim|vfio:BDF  describe the simulated controller (default) or\n"
		"                         the real one at PCI address BDF, bound to vfio-pci\n"
		"                         (nvmesim bind BDF); --namespaces and --lba-size\n"
		"                         are for the simulated one\n"
		"      --iova ADDR        device address of the host memory (default 4 GiB;\n"
		"                         a real IOMMU refuses addresses outside its ranges)\n"
		"  -h, --help             show this help and exit\n"
		"\n"
		"Controller diagnostics are printed on stderr as 'nvmesim: controller: ...'.\n",
		NVMESIM_SIM_MAX_NS, NVMESIM_SIM_MAX_NS);
}

/* info_parse - parse `nvmesim info` options into @a; 0, or the usage exit status (or -1
 * after --help) */
static int info_parse(int argc, char **argv, struct info_args *a)
{
	enum { OPT_TRACE = 256, OPT_NS, OPT_NR_NS, OPT_IOQ, OPT_LBA, OPT_BACKEND, OPT_IOVA };
	static const struct option opts[] = {
		{ "trace-mmio", no_argument, NULL, OPT_TRACE },
		{ "namespace", required_argument, NULL, OPT_NS },
		{ "namespaces", required_argument, NULL, OPT_NR_NS },
		{ "io-queues", required_argument, NULL, OPT_IOQ },
		{ "lba-size", required_argument, NULL, OPT_LBA },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "iova", required_argument, NULL, OPT_IOVA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool ns_given = false;
	char *end;
	int c;

	a->trace = false;
	a->nsid = 1;
	a->io_queues = 1;
	a->lba_size = 512;
	a->nr_ns = 1;
	a->bdf = NULL;
	a->iova = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TRACE:
			a->trace = true;
			break;
		case OPT_NS:
			ns_given = true;
			if (!strcmp(optarg, "all"))
				a->nsid = 0;
			else if (cli_parse_ulong(optarg, 1, NVMESIM_SIM_MAX_NS, &a->nsid))
				return cli_usage_error("info", "--namespace: expected a namespace id "
						   "1..%d or 'all', got '%s'",
						   NVMESIM_SIM_MAX_NS, optarg);
			break;
		case OPT_NR_NS:
			if (cli_parse_ulong(optarg, 1, NVMESIM_SIM_MAX_NS, &a->nr_ns))
				return cli_usage_error("info", "--namespaces: expected a count 1..%d, "
						   "got '%s'", NVMESIM_SIM_MAX_NS, optarg);
			break;
		case OPT_IOQ:
			if (cli_parse_ulong(optarg, 1, 65534, &a->io_queues))
				return cli_usage_error("info", "--io-queues: expected a count "
						   "1..65534, got '%s'", optarg);
			break;
		case OPT_LBA:
			if (cli_parse_ulong(optarg, 512, 4096, &a->lba_size) ||
			    (a->lba_size != 512 && a->lba_size != 4096))
				return cli_usage_error("info", "--lba-size: expected 512 or 4096, "
						   "got '%s'", optarg);
			break;
		case OPT_BACKEND:
			if (!strcmp(optarg, "sim"))
				a->bdf = NULL;
			else if (!strncmp(optarg, "vfio:", 5))
				a->bdf = optarg + 5;
			else
				return cli_usage_error("info", "--backend: expected sim or "
						   "vfio:BDF, got '%s'", optarg);
			break;
		case OPT_IOVA:
			errno = 0;
			a->iova = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || !a->iova || a->iova % 4096)
				return cli_usage_error("info", "--iova: expected a non-zero address "
						   "aligned to 4096, got '%s'", optarg);
			break;
		case 'h':
			usage_info(stdout);
			return -1;
		default:
			return cli_getopt_error("info", c, argv, opts);
		}
	}
	if (optind < argc)
		return cli_usage_error("info", "unexpected argument '%s'", argv[optind]);
	if (ns_given && !a->bdf && a->nsid > a->nr_ns)
		return cli_usage_error("info", "--namespace: namespace %lu does not exist "
				   "(the controller has %lu; see --namespaces)", a->nsid,
				   a->nr_ns);
	return 0;
}

/* info_sim_opts - the simulated controller `nvmesim info` asks for */
static void info_sim_opts(const struct info_args *a, struct nvmesim_sim_opts *so)
{
	unsigned int shift = a->lba_size == 4096 ? 12 : 9, i;
	struct nvmesim_sim_ns_opts ns0;
	uint64_t bytes;

	*so = nvmesim_sim_opts_default;
	ns0 = so->ns[0];
	/* Keep the default namespace's capacity in bytes whatever the block size. */
	bytes = ns0.nsze << ns0.lba_shift;
	ns0.nsze = bytes >> shift;
	ns0.lba_shift = shift;
	for (i = 0; i < a->nr_ns; i++)
		so->ns[i] = ns0;
	so->nr_ns = (unsigned int)a->nr_ns;
}

/* info_open - the end `nvmesim info` describes: simulated, or the real one at a->bdf with
 * room for @ho's queues and memory; 0, or the exit status after a message */
static int info_open(const struct info_args *a, const struct nvmesim_host_opts *ho,
		     struct nvmesim_end **end)
{
	struct nvmesim_vfio_opts vo = nvmesim_vfio_opts_default;
	struct nvmesim_sim_opts so;
	struct nvmesim_diag diag;
	int r;

	if (!a->bdf) {
		info_sim_opts(a, &so);
		r = nvmesim_sim_open(end, &so);
		if (r) {
			fprintf(stderr, "nvmesim: info: cannot create the simulated controller: "
				"%s\n", strerror(-r));
			return EXIT_FAILURE;
		}
		return 0;
	}
	vo.nr_vectors = ho->nr_io_queues + 1u;
	/* rounded up to a 2 MiB hugepage, as host memory may be */
	vo.dma_bytes = (ho->hostmem_bytes + (2u << 20) - 1u) & ~(size_t)((2u << 20) - 1u);
	memset(&diag, 0, sizeof(diag));
	r = nvmesim_vfio_open(end, a->bdf, &vo, &diag);
	if (r) {
		fprintf(stderr, "nvmesim: info: %s\n", diag.msg[0] ? diag.msg : strerror(-r));
		/* a device that is not set up for VFIO is the user's to fix */
		return r == -EIO ? EXIT_FAILURE : EXIT_USAGE;
	}
	return 0;
}

/* cmd_info - `nvmesim info`: bring-up, describe, shut down; the exit status */
int cmd_info(int argc, char **argv)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_host *host = NULL;
	struct nvmesim_end *end = NULL;
	struct nvmesim_diag diag;
	struct info_args a;
	const struct nvmesim_id_ctrl *idc;
	const struct nvmesim_id_ns *ns;
	unsigned int entries, nr;
	char h[32];
	uint32_t nsid;
	uint64_t cap;
	int r, shown = 0;

	r = info_parse(argc, argv, &a);
	if (r)
		return r < 0 ? EXIT_SUCCESS : r;
	ho.nr_io_queues = (unsigned int)a.io_queues;
	ho.hugepages = a.bdf != NULL;
	if (a.iova)
		ho.iova_base = a.iova;
	r = info_open(&a, &ho, &end);
	if (r)
		return r;
	memset(&diag, 0, sizeof(diag));
	nvmesim_end_set_ctrl_log(end, cli_ctrl_line, NULL);
	if (a.trace)
		nvmesim_end_set_mmio_log(end, cli_mmio_line, NULL);
	/* one MSI-X vector per I/O queue besides the admin queue's */
	if (a.bdf && ho.nr_io_queues >= nvmesim_vfio_nr_vectors(end))
		ho.nr_io_queues = nvmesim_vfio_nr_vectors(end) > 1 ?
				  nvmesim_vfio_nr_vectors(end) - 1u : 1u;

	r = nvmesim_host_open(&host, end, &ho, &diag);
	if (r) {
		fflush(stdout);
		fprintf(stderr, "nvmesim: info: bring-up failed: %s\n",
			diag.msg[0] ? diag.msg : strerror(-r));
		nvmesim_end_close(end);
		return EXIT_FAILURE;
	}

	if (a.bdf)
		printf("Controller: vfio:%s (end '%s', %u MSI-X vectors enabled)\n", a.bdf,
		       end->ops->name, nvmesim_vfio_nr_vectors(end));
	else
		printf("Controller: simulated (end '%s')\n", end->ops->name);
	printf("Registers (BAR0):\n");
	cap = print_reg(end, NVMESIM_REG_CAP, true);
	print_reg(end, NVMESIM_REG_VS, false);
	print_reg(end, NVMESIM_REG_CC, false);
	print_reg(end, NVMESIM_REG_CSTS, false);
	idc = nvmesim_host_id_ctrl(host);
	print_id_ctrl(idc, cap);
	for (nsid = 1; nsid <= idc->nn && nsid <= NVMESIM_SIM_MAX_NS; nsid++) {
		if (a.nsid && nsid != a.nsid)
			continue;
		ns = nvmesim_host_id_ns(host, nsid);
		if (!ns)
			continue;
		print_id_ns(nsid, ns);
		shown++;
	}
	if (!shown)
		printf("Identify Namespace: namespace %lu is not active\n", a.nsid);
	nr = nvmesim_host_nr_io_queues(host);
	entries = (unsigned int)NVMESIM_FIELD_GET(cap, CAP_MQES) + 1u;
	if (entries > ho.io_queue_entries)
		entries = ho.io_queue_entries;
	printf("I/O queues: %u pair%s created (%lu requested), %u entries each, %s\n", nr,
	       nr == 1 ? "" : "s", a.io_queues, entries,
	       ho.interrupts ? "interrupts (MSI-X vector = qid)" : "polled");
	if (a.bdf)
		printf("Host memory: %s for DMA in %s pages\n",
		       cli_human(ho.hostmem_bytes, h, sizeof(h)),
		       nvmesim_host_hugepages(host) ? "2 MiB huge" : "4 KiB");

	r = nvmesim_host_close(host, &diag);
	if (r) {
		fflush(stdout);
		fprintf(stderr, "nvmesim: info: shutdown failed: %s\n",
			diag.msg[0] ? diag.msg : strerror(-r));
		nvmesim_end_close(end);
		return EXIT_FAILURE;
	}
	printf("Shutdown: complete (CSTS.SHST=10b)\n");
	nvmesim_end_close(end);
	return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

