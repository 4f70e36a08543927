/* SPDX-License-Identifier: MIT */
/*
 * check_nvm.c - the NVM command set handlers (NVM Command Set 1.0 §3.2,
 * NVMe 2.0 §7.1): every status a command can earn, in the spec's order of
 * checks, data round trips through PRP lists in 512-byte and 4 KiB formats,
 * several namespaces, Compare, Write Zeroes with and without DEAC, Dataset
 * Management, MDTS, and the SMART counters.
 *
 * Host memory is a page-aligned heap buffer mapped at IOVA 0x100000000.
 * Namespaces: NSID 1 (512 B, 2^20 blocks), NSID 2 (4 KiB, 2^18 blocks),
 * NSID 3 inactive, NSID 4 (512 B, 1000 blocks); NN = 4; MDTS 256 KiB.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl/nvm.h"
#include "ctrl/prp.h"
#include "tests/check-common.h"

#define PG 4096u
#define HOST_IOVA 0x100000000ull
#define HOST_PAGES 1024u
#define PAGE(n) (HOST_IOVA + (uint64_t)(n) * PG)
#define OUTSIDE 0x200000000ull
#define MDTS (256u * 1024)
#define LIST_PG 1000u           /* PRP list page */
#define SRC_PG 100u             /* where write data is staged (scattered) */
#define DST_PG 500u             /* where read data lands (contiguous) */

static struct nvmesim_iova_map map;
static uint8_t *host;
static struct nvmesim_ns ns1, ns2, ns4;
static struct nvmesim_ns *ns_tab[4];
static struct nvmesim_io_stats stats;
static struct nvmesim_nvm_ctx ctx;
static struct nvmesim_cmd_res res;

static void setup(void)
{
	struct nvmesim_sim_ns_opts o1 = { .nsze = 1u << 20, .lba_shift = 9 };
	struct nvmesim_sim_ns_opts o2 = { .nsze = 1u << 18, .lba_shift = 12 };
	struct nvmesim_sim_ns_opts o4 = { .nsze = 1000, .lba_shift = 9 };

	host = aligned_alloc(PG, (size_t)HOST_PAGES * PG);
	ck_assert_ptr_nonnull(host);
	memset(host, 0, (size_t)HOST_PAGES * PG);
	nvmesim_iova_init(&map);
	ck_assert_int_eq(nvmesim_iova_add(&map, HOST_IOVA, (uint64_t)HOST_PAGES * PG, host), 0);
	ck_assert_int_eq(nvmesim_ns_init(&ns1, 1, &o1), 0);
	ck_assert_int_eq(nvmesim_ns_init(&ns2, 2, &o2), 0);
	ck_assert_int_eq(nvmesim_ns_init(&ns4, 4, &o4), 0);
	ns_tab[0] = &ns1;
	ns_tab[1] = &ns2;
	ns_tab[2] = NULL;
	ns_tab[3] = &ns4;
	memset(&stats, 0, sizeof(stats));
	memset(&res, 0, sizeof(res));
	ctx.map = &map;
	ctx.page_size = PG;
	ctx.mdts_bytes = MDTS;
	ctx.ns = ns_tab;
	ctx.nn = 4;
	ctx.vwc = true;
	ctx.stats = &stats;
}

static void teardown(void)
{
	nvmesim_ns_fini(&ns1);
	nvmesim_ns_fini(&ns2);
	nvmesim_ns_fini(&ns4);
	nvmesim_iova_fini(&map);
	free(host);
}

/* The host pages a transfer uses: contiguous from @first, or every other page
 * backwards (so nothing merges and list order matters). */
static uint64_t host_page(unsigned int first, int scattered, unsigned int i)
{
	return scattered ? first + 2 * (100 - i) : first + i;
}

/*
 * Describe @len bytes starting @off into the first page as PRP1/PRP2 (PRP
 * list at LIST_PG when more than two pages), and copy @src into those pages
 * (when non-NULL).
 */
static void stage(unsigned int first, int scattered, uint32_t off, size_t len,
		  const uint8_t *src, uint64_t *prp1, uint64_t *prp2)
{
	unsigned int n = (unsigned int)((off + len + PG - 1) / PG), i;
	size_t done = 0, chunk;
	uint64_t e;

	ck_assert_uint_le(n, 100);
	*prp1 = PAGE(host_page(first, scattered, 0)) + off;
	*prp2 = n == 2 ? PAGE(host_page(first, scattered, 1)) : 0;
	if (n > 2) {
		for (i = 1; i < n; i++) {
			e = PAGE(host_page(first, scattered, i));
			memcpy(host + (size_t)LIST_PG * PG + 8 * (i - 1), &e, 8);
		}
		*prp2 = PAGE(LIST_PG);
	}
	for (i = 0; src && i < n; i++) {
		chunk = i == 0 ? NVMESIM_MIN(len, PG - off) : NVMESIM_MIN(len - done, PG);
		memcpy(host + host_page(first, scattered, i) * PG + (i == 0 ? off : 0),
		       src + done, chunk);
		done += chunk;
	}
}

/* Copy @len bytes out of the pages stage() described. */
static void unstage(unsigned int first, int scattered, uint32_t off, size_t len, uint8_t *dst)
{
	size_t done = 0, chunk;
	unsigned int i;

	for (i = 0; done < len; i++) {
		chunk = i == 0 ? NVMESIM_MIN(len, PG - off) : NVMESIM_MIN(len - done, PG);
		memcpy(dst + done, host + host_page(first, scattered, i) * PG + (i == 0 ? off : 0),
		       chunk);
		done += chunk;
	}
}

static struct nvmesim_sqe cmd_rw(uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t nlb,
				 uint64_t prp1, uint64_t prp2)
{
	struct nvmesim_sqe c;

	memset(&c, 0, sizeof(c));
	c.opcode = opc;
	c.nsid = nsid;
	c.cdw10 = (uint32_t)slba;
	c.cdw11 = (uint32_t)(slba >> 32);
	c.cdw12 = nlb - 1;              /* 0's based */
	c.prp1 = prp1;
	c.prp2 = prp2;
	return c;
}

static uint16_t exec(struct nvmesim_sqe c)
{
	return nvmesim_nvm_exec(&ctx, &c, &res);
}

/* Write @nlb blocks of @src to @nsid at @slba through scattered pages. */
static uint16_t do_write(uint32_t nsid, uint64_t slba, uint32_t nlb, unsigned int shift,
			 const uint8_t *src)
{
	uint64_t prp1, prp2;

	stage(SRC_PG, 1, 0x200, (size_t)nlb << shift, src, &prp1, &prp2);
	return exec(cmd_rw(NVMESIM_NVM_WRITE, nsid, slba, nlb, prp1, prp2));
}

/* Read @nlb blocks into @dst through contiguous pages. */
static uint16_t do_read(uint32_t nsid, uint64_t slba, uint32_t nlb, unsigned int shift,
			uint8_t *dst)
{
	uint64_t prp1, prp2;
	uint16_t st;

	memset(host + (size_t)DST_PG * PG, 0xee, 70 * PG);
	stage(DST_PG, 0, 0, (size_t)nlb << shift, NULL, &prp1, &prp2);
	st = exec(cmd_rw(NVMESIM_NVM_READ, nsid, slba, nlb, prp1, prp2));
	unstage(DST_PG, 0, 0, (size_t)nlb << shift, dst);
	return st;
}

static void pattern(uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 29 + i * 13 + (i >> 8));
}

static int all_zero(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i])
			return 0;
	return 1;
}

static uint64_t nuse(const struct nvmesim_ns *ns)
{
	static struct nvmesim_id_ns id;

	nvmesim_ns_identify(ns, &id);
	return id.nuse;
}

START_TEST(invalid_opcode)
{
	struct nvmesim_sqe c = cmd_rw(0x7f, 1, 0, 1, PAGE(0), 0);

	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_OPCODE | NVMESIM_DNR);
	ck_assert_uint_eq(res.param_loc, 0);
	ck_assert_ptr_nonnull(strstr(res.why, "0x7f"));
	/* Write Uncorrectable (04h) is not supported either */
	c.opcode = 0x04;
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_OPCODE | NVMESIM_DNR);
	/* the opcode is checked before the namespace */
	c.nsid = 0;
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_OPCODE | NVMESIM_DNR);
}
END_TEST

START_TEST(invalid_namespace)
{
	static const uint8_t opcs[] = {
		NVMESIM_NVM_READ, NVMESIM_NVM_WRITE, NVMESIM_NVM_COMPARE,
		NVMESIM_NVM_WRITE_ZEROES, NVMESIM_NVM_DSM, NVMESIM_NVM_FLUSH,
	};
	static const uint32_t bad[] = { 0, 3, 5, 0x12345678 };
	unsigned int i, j;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(opcs); i++) {
		for (j = 0; j < NVMESIM_ARRAY_SIZE(bad); j++) {
			ck_assert_uint_eq(exec(cmd_rw(opcs[i], bad[j], 0, 1, PAGE(0), 0)),
					  NVMESIM_SC_INVALID_NS | NVMESIM_DNR);
			ck_assert_uint_eq(res.param_loc, 4);
			ck_assert_ptr_nonnull(strstr(res.why, "not an active namespace"));
		}
		/* broadcast NSID only for Flush */
		if (opcs[i] != NVMESIM_NVM_FLUSH)
			ck_assert_uint_eq(exec(cmd_rw(opcs[i], UINT32_MAX, 0, 1, PAGE(0), 0)),
					  NVMESIM_SC_INVALID_NS | NVMESIM_DNR);
	}
	/* no namespaces at all */
	ctx.ns = NULL;
	ctx.nn = 0;
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 1, 0, 1, PAGE(0), 0)),
			  NVMESIM_SC_INVALID_NS | NVMESIM_DNR);
}
END_TEST

START_TEST(round_trip_512)
{
	static uint8_t out[128 * 512], in[128 * 512];

	pattern(out, sizeof(out), 1);
	ck_assert_uint_eq(do_write(1, 1000, 128, 9, out), 0);
	ck_assert_str_eq(res.why, "");
	ck_assert_uint_eq(do_read(1, 1000, 128, 9, in), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
	/* a sub-range, unaligned to pages and chunks */
	ck_assert_uint_eq(do_read(1, 1003, 9, 9, in), 0);
	ck_assert_int_eq(memcmp(in, out + 3 * 512, 9 * 512), 0);
	/* unwritten blocks read zeros (DLFEAT 001b) and the read overwrote the 0xee fill */
	ck_assert_uint_eq(do_read(1, 1128, 2, 9, in), 0);
	ck_assert(all_zero(in, 1024));
	ck_assert_uint_eq(nuse(&ns1), 128);
	/* the last block of the namespace */
	ck_assert_uint_eq(do_write(1, (1u << 20) - 1, 1, 9, out), 0);
	ck_assert_uint_eq(do_read(1, (1u << 20) - 1, 1, 9, in), 0);
	ck_assert_int_eq(memcmp(in, out, 512), 0);
}
END_TEST

START_TEST(round_trip_4k)
{
	static uint8_t out[32 * 4096], in[32 * 4096];

	pattern(out, sizeof(out), 2);
	ck_assert_uint_eq(do_write(2, 77, 32, 12, out), 0);
	ck_assert_uint_eq(do_read(2, 77, 32, 12, in), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
	ck_assert_uint_eq(do_read(2, 90, 1, 12, in), 0);
	ck_assert_int_eq(memcmp(in, out + 13 * 4096, 4096), 0);
	ck_assert_uint_eq(nuse(&ns2), 32);
	/* the other namespaces were not touched */
	ck_assert_uint_eq(nuse(&ns1), 0);
	ck_assert_uint_eq(nuse(&ns4), 0);
}
END_TEST

/* A Read into a sink (end.h dma_sink: memory the host will not read) completes as any other,
 * leaves the sink's bytes as they were, and still fails as any other read would. */
START_TEST(read_into_sink)
{
	static uint8_t out[24 * 512], in[24 * 512];
	uint8_t fill[8 * 512];

	pattern(out, sizeof(out), 3);
	ck_assert_uint_eq(do_write(1, 36, 24, 9, out), 0);
	ck_assert_int_eq(nvmesim_iova_sink_add(&map, PAGE(DST_PG), 2 * PG), 0);
	memset(fill, 0xee, sizeof(fill));
	/* one page (the single-segment path), then two pages (the PRP walk) */
	ck_assert_uint_eq(do_read(1, 40, 8, 9, in), 0);
	ck_assert_int_eq(memcmp(in, fill, sizeof(fill)), 0);
	ck_assert_uint_eq(do_read(1, 36, 16, 9, in), 0);
	ck_assert_int_eq(memcmp(in, fill, sizeof(fill)), 0);
	ck_assert_int_eq(memcmp(in + sizeof(fill), fill, sizeof(fill)), 0);
	ck_assert_uint_eq(stats.read_cmds, 2);
	ck_assert_uint_eq(do_read(1, 1u << 20, 1, 9, in), NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	/* a transfer reaching past the sink is written in full */
	ck_assert_uint_eq(do_read(1, 36, 24, 9, in), 0);
	ck_assert_int_eq(memcmp(in, out, sizeof(out)), 0);
	ck_assert_int_eq(nvmesim_iova_sink_remove(&map, PAGE(DST_PG), 2 * PG), 0);
	ck_assert_uint_eq(do_read(1, 40, 8, 9, in), 0);
	ck_assert_int_eq(memcmp(in, out + 4 * 512, sizeof(fill)), 0);
}
END_TEST

START_TEST(namespaces_separate)
{
	uint8_t a[512], b[512], in[4096];

	pattern(a, sizeof(a), 3);
	pattern(b, sizeof(b), 4);
	ck_assert_uint_eq(do_write(1, 7, 1, 9, a), 0);
	ck_assert_uint_eq(do_write(4, 7, 1, 9, b), 0);
	ck_assert_uint_eq(do_read(1, 7, 1, 9, in), 0);
	ck_assert_int_eq(memcmp(in, a, 512), 0);
	ck_assert_uint_eq(do_read(4, 7, 1, 9, in), 0);
	ck_assert_int_eq(memcmp(in, b, 512), 0);
	ck_assert_uint_eq(do_read(2, 0, 1, 12, in), 0);
	ck_assert(all_zero(in, sizeof(in)));
}
END_TEST

START_TEST(compare)
{
	static uint8_t out[16 * 512];
	uint64_t prp1, prp2;

	pattern(out, sizeof(out), 5);
	ck_assert_uint_eq(do_write(1, 500, 16, 9, out), 0);
	stage(SRC_PG, 1, 0x200, sizeof(out), out, &prp1, &prp2);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 1, 500, 16, prp1, prp2)), 0);
	/* one byte differs in the last block */
	out[15 * 512 + 100] ^= 0x40;
	stage(SRC_PG, 1, 0x200, sizeof(out), out, &prp1, &prp2);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 1, 500, 16, prp1, prp2)),
			  NVMESIM_SC_COMPARE_FAILURE | NVMESIM_DNR);
	ck_assert_uint_eq(NVMESIM_FIELD_GET(NVMESIM_SC_COMPARE_FAILURE, STATUS_SCT),
			  NVMESIM_SCT_MEDIA);
	ck_assert_uint_eq(res.lba, 500);
	ck_assert_ptr_nonnull(strstr(res.why, "§3.2.1"));
	/* unwritten blocks compare equal to zeros */
	memset(out, 0, sizeof(out));
	stage(SRC_PG, 1, 0x200, sizeof(out), out, &prp1, &prp2);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 1, 5000, 16, prp1, prp2)), 0);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 1, 500, 16, prp1, prp2)),
			  NVMESIM_SC_COMPARE_FAILURE | NVMESIM_DNR);
}
END_TEST

START_TEST(write_zeroes)
{
	static uint8_t out[16 * 512], in[16 * 512];
	struct nvmesim_sqe c;

	pattern(out, sizeof(out), 6);
	ck_assert_uint_eq(do_write(1, 100, 16, 9, out), 0);
	ck_assert_uint_eq(nuse(&ns1), 16);
	/* without DEAC: blocks 104..107 read zeros; PRPs are ignored */
	c = cmd_rw(NVMESIM_NVM_WRITE_ZEROES, 1, 104, 4, OUTSIDE + 1, OUTSIDE + 3);
	ck_assert_uint_eq(exec(c), 0);
	ck_assert_uint_eq(do_read(1, 100, 16, 9, in), 0);
	ck_assert_int_eq(memcmp(in, out, 4 * 512), 0);
	ck_assert(all_zero(in + 4 * 512, 4 * 512));
	ck_assert_int_eq(memcmp(in + 8 * 512, out + 8 * 512, 8 * 512), 0);
	ck_assert_uint_eq(nuse(&ns1), 12);
	/* with DEAC (bit 25): deallocated, reads zeros */
	c = cmd_rw(NVMESIM_NVM_WRITE_ZEROES, 1, 110, 6, 0, 0);
	c.cdw12 |= 1u << 25;
	ck_assert_uint_eq(exec(c), 0);
	ck_assert_uint_eq(do_read(1, 100, 16, 9, in), 0);
	ck_assert(all_zero(in + 10 * 512, 6 * 512));
	ck_assert_int_eq(memcmp(in + 8 * 512, out + 8 * 512, 2 * 512), 0);
	ck_assert_uint_eq(nuse(&ns1), 6);
	/* MDTS does not apply: 65536 blocks = 32 MiB */
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE_ZEROES, 1, 0, 65536, 0, 0)), 0);
	ck_assert_uint_eq(nuse(&ns1), 0);
	/* but the LBA range does */
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE_ZEROES, 4, 990, 11, 0, 0)),
			  NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(res.lba, 990);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE_ZEROES, 4, 990, 10, 0, 0)), 0);
	/* not counted as host writes (SMART, NVMe 2.0 §5.16.1.3) */
	ck_assert_uint_eq(stats.write_cmds, 1);
}
END_TEST

/* Put DSM ranges in host page LIST_PG + 1 and return a DSM command for them. */
static struct nvmesim_sqe dsm_cmd(uint32_t nsid, const struct nvmesim_dsm_range *r,
				  unsigned int nr, int ad)
{
	struct nvmesim_sqe c;

	memcpy(host + (size_t)(LIST_PG + 1) * PG, r, nr * sizeof(*r));
	memset(&c, 0, sizeof(c));
	c.opcode = NVMESIM_NVM_DSM;
	c.nsid = nsid;
	c.cdw10 = nr - 1;
	c.cdw11 = ad ? 1u << 2 : 1u << 0;      /* AD, or just the IDR hint */
	c.prp1 = PAGE(LIST_PG + 1);
	return c;
}

START_TEST(dataset_management)
{
	static uint8_t out[64 * 512], in[64 * 512];
	struct nvmesim_dsm_range r[3] = {
		{ .cattr = 0, .nlb = 4, .slba = 2002 },
		{ .cattr = 0, .nlb = 10, .slba = 2050 },
		{ .cattr = 0, .nlb = 0, .slba = 3 },            /* empty range */
	};
	struct nvmesim_sqe c;

	pattern(out, sizeof(out), 7);
	ck_assert_uint_eq(do_write(1, 2000, 64, 9, out), 0);
	/* hints only: nothing changes */
	ck_assert_uint_eq(exec(dsm_cmd(1, r, 3, 0)), 0);
	ck_assert_uint_eq(nuse(&ns1), 64);
	/* deallocate two ranges */
	ck_assert_uint_eq(exec(dsm_cmd(1, r, 3, 1)), 0);
	ck_assert_uint_eq(nuse(&ns1), 50);
	ck_assert_uint_eq(do_read(1, 2000, 64, 9, in), 0);
	ck_assert_int_eq(memcmp(in, out, 2 * 512), 0);
	ck_assert(all_zero(in + 2 * 512, 4 * 512));
	ck_assert_int_eq(memcmp(in + 6 * 512, out + 6 * 512, 44 * 512), 0);
	ck_assert(all_zero(in + 50 * 512, 10 * 512));
	ck_assert_int_eq(memcmp(in + 60 * 512, out + 60 * 512, 4 * 512), 0);

	/* a range past the end fails the whole command before anything happens */
	r[0].slba = 2010;
	r[1].slba = 995;
	r[1].nlb = 6;
	ck_assert_uint_eq(exec(dsm_cmd(4, r, 2, 1)), NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(res.lba, 2010);
	ck_assert_ptr_nonnull(strstr(res.why, "range 0"));
	r[0].slba = 0;
	r[0].nlb = 1;
	ck_assert_uint_eq(exec(dsm_cmd(4, r, 2, 1)), NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(res.lba, 995);
	ck_assert_ptr_nonnull(strstr(res.why, "range 1"));
	r[1].nlb = 5;
	ck_assert_uint_eq(exec(dsm_cmd(4, r, 2, 1)), 0);

	/* the range list is read through PRPs */
	c = dsm_cmd(1, r, 2, 1);
	c.prp1 = OUTSIDE;
	ck_assert_uint_eq(exec(c), NVMESIM_SC_DATA_XFER_ERROR);
	c.prp1 = PAGE(LIST_PG + 1) + 2;
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR);
	ck_assert_ptr_nonnull(strstr(res.why, "Dataset Management: PRP1"));
	/* 256 ranges = 4 KiB, from mid-page: needs PRP2 */
	c = dsm_cmd(1, r, 1, 1);
	c.cdw10 = 255;
	c.prp1 = PAGE(LIST_PG + 1) + 0x800;
	c.prp2 = OUTSIDE;
	ck_assert_uint_eq(exec(c), NVMESIM_SC_DATA_XFER_ERROR);
}
END_TEST

START_TEST(mdts)
{
	uint64_t prp1, prp2;

	/* 256 KiB = 512 blocks is the limit; 513 is one too many */
	stage(DST_PG, 0, 0, MDTS + 512, NULL, &prp1, &prp2);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 1, 0, 512, prp1, prp2)), 0);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 1, 0, 513, prp1, prp2)),
			  NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert_uint_eq(res.param_loc, 48);
	ck_assert_ptr_nonnull(strstr(res.why, "MDTS"));
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE, 2, 0, 65, prp1, prp2)),
			  NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 2, 0, 65, prp1, prp2)),
			  NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	/* no limit */
	ctx.mdts_bytes = 0;
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 1, 0, 513, prp1, prp2)), 0);
}
END_TEST

START_TEST(lba_out_of_range)
{
	uint64_t prp1 = PAGE(DST_PG), prp2 = PAGE(DST_PG + 1);

	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 4, 999, 1, prp1, prp2)), 0);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 4, 999, 2, prp1, prp2)),
			  NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(res.lba, 999);
	ck_assert_uint_eq(res.param_loc, 40);
	ck_assert_ptr_nonnull(strstr(res.why, "exceeds NSZE 1000"));
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE, 4, 1000, 1, prp1, prp2)),
			  NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	/* SLBA + NLB overflowing 64 bits */
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE, 1, UINT64_MAX, 2, prp1, prp2)),
			  NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 2, 1u << 18, 1, prp1, prp2)),
			  NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(nuse(&ns4), 0);
}
END_TEST

START_TEST(flush)
{
	struct nvmesim_sqe c = cmd_rw(NVMESIM_NVM_FLUSH, UINT32_MAX, 0, 1, 0, 0);

	ck_assert_uint_eq(exec(c), 0);
	ctx.vwc = false;
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_NS | NVMESIM_DNR);
	ck_assert_ptr_nonnull(strstr(res.why, "FFFFFFFFh"));
	c.nsid = 1;
	ck_assert_uint_eq(exec(c), 0);
	c.nsid = 4;
	ck_assert_uint_eq(exec(c), 0);
	c.nsid = 3;
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_NS | NVMESIM_DNR);
}
END_TEST

START_TEST(prp_errors)
{
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 1, 0, 1, PAGE(DST_PG) + 2, 0)),
			  NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR);
	ck_assert_ptr_nonnull(strstr(res.why, "Read: PRP1 0x1001f4002 not dword aligned"));
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE, 1, 0, 1, OUTSIDE, 0)),
			  NVMESIM_SC_DATA_XFER_ERROR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 2, 0, 2, PAGE(DST_PG), PAGE(DST_PG) + 8)),
			  NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 2, 0, 3, PAGE(DST_PG), OUTSIDE)),
			  NVMESIM_SC_DATA_XFER_ERROR);
	ck_assert_uint_eq(stats.read_cmds + stats.write_cmds, 0);
}
END_TEST

START_TEST(check_order)
{
	uint64_t bad = PAGE(DST_PG) + 1;

	/* namespace before LBA range before MDTS before PRPs */
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 3, UINT64_MAX, 65536, bad, 0)),
			  NVMESIM_SC_INVALID_NS | NVMESIM_DNR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 4, 990, 4096, bad, 0)),
			  NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 1, 0, 4096, bad, 0)),
			  NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 1, 0, 8, bad, 0)),
			  NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR);
}
END_TEST

START_TEST(invalid_fields)
{
	struct nvmesim_sqe c = cmd_rw(NVMESIM_NVM_READ, 1, 0, 1, PAGE(DST_PG), 0);

	c.flags = 0x01;                 /* FUSE: first command of a fused pair */
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert_uint_eq(res.param_loc, 1);
	c.flags = 0x40;                 /* PSDT 01b: SGL */
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert_uint_eq(res.param_loc, 1 | 6 << 8);
	ck_assert_ptr_nonnull(strstr(res.why, "PSDT 1"));
	c.flags = 0;
	c.opcode = NVMESIM_NVM_WRITE;
	c.cdw12 |= 1u << 20;            /* DTYPE 1: streams */
	ck_assert_uint_eq(exec(c), NVMESIM_SC_INVALID_FIELD | NVMESIM_DNR);
	ck_assert_uint_eq(res.param_loc, 50 | 4 << 8);
	c.cdw12 &= ~(0xfu << 20);
	ck_assert_uint_eq(exec(c), 0);
	/* a Read ignores the DTYPE bits: they are reserved there */
	c.opcode = NVMESIM_NVM_READ;
	c.cdw12 |= 1u << 20;
	ck_assert_uint_eq(exec(c), 0);
}
END_TEST

START_TEST(failed_write_changes_nothing)
{
	static uint8_t a[16 * 512], b[16 * 512], in[16 * 512];
	uint64_t prp1, prp2, e = PAGE(7) + 0x10;

	pattern(a, sizeof(a), 8);
	pattern(b, sizeof(b), 9);
	ck_assert_uint_eq(do_write(1, 40, 16, 9, a), 0);
	/* 8 KiB from offset 0x200 spans three pages: the last list entry is bad */
	stage(SRC_PG, 1, 0x200, sizeof(b), b, &prp1, &prp2);
	memcpy(host + (size_t)LIST_PG * PG + 8, &e, 8);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_WRITE, 1, 40, 16, prp1, prp2)),
			  NVMESIM_SC_INVALID_PRP_OFFSET | NVMESIM_DNR);
	ck_assert_ptr_nonnull(strstr(res.why, "Write: PRP list entry 1"));
	ck_assert_uint_eq(res.lba, 40);
	ck_assert_uint_eq(do_read(1, 40, 16, 9, in), 0);
	ck_assert_int_eq(memcmp(in, a, sizeof(a)), 0);
}
END_TEST

START_TEST(smart_counters)
{
	static uint8_t buf[64 * 512];
	uint64_t prp1, prp2;

	pattern(buf, sizeof(buf), 10);
	ck_assert_uint_eq(do_write(1, 0, 64, 9, buf), 0);
	ck_assert_uint_eq(do_write(2, 0, 2, 12, buf), 0);
	ck_assert_uint_eq(do_read(1, 0, 8, 9, buf), 0);
	stage(SRC_PG, 1, 0x200, 8 * 512, buf, &prp1, &prp2);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 1, 0, 8, prp1, prp2)), 0);
	/* failures are not counted */
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_COMPARE, 1, 1, 8, prp1, prp2)),
			  NVMESIM_SC_COMPARE_FAILURE | NVMESIM_DNR);
	ck_assert_uint_eq(exec(cmd_rw(NVMESIM_NVM_READ, 4, 1000, 1, prp1, prp2)),
			  NVMESIM_SC_LBA_RANGE | NVMESIM_DNR);
	ck_assert_uint_eq(stats.write_cmds, 2);
	ck_assert_uint_eq(stats.bytes_written, 64 * 512 + 2 * 4096);
	ck_assert_uint_eq(stats.read_cmds, 2);     /* Compare counts as a read */
	ck_assert_uint_eq(stats.bytes_read, 16 * 512);
	ck_assert_uint_eq(stats.media_errors, 0);
	/* no stats block is fine */
	ctx.stats = NULL;
	ck_assert_uint_eq(do_read(1, 0, 8, 9, buf), 0);
}
END_TEST

START_TEST(identify_ns)
{
	static struct nvmesim_id_ns id1, id2;
	uint8_t buf[512];

	pattern(buf, sizeof(buf), 11);
	ck_assert_uint_eq(do_write(1, 9, 1, 9, buf), 0);
	nvmesim_ns_identify(&ns1, &id1);
	nvmesim_ns_identify(&ns2, &id2);
	ck_assert_uint_eq(id1.nsze, 1u << 20);
	ck_assert_uint_eq(id1.ncap, 1u << 20);
	ck_assert_uint_eq(id1.nuse, 1);
	ck_assert_uint_eq(id1.nsfeat & 1, 1);
	ck_assert_uint_eq(id1.nlbaf, 1);
	ck_assert_uint_eq(id1.flbas, 0);
	ck_assert_uint_eq(id1.dlfeat, 0x09);
	ck_assert_uint_eq(id1.noiob, 0);
	ck_assert_uint_eq(id1.lbaf[0].ds, 9);
	ck_assert_uint_eq(id1.lbaf[1].ds, 12);
	ck_assert_uint_eq(id1.lbaf[0].ms, 0);
	ck_assert_uint_eq(id1.nvmcap[0], 0);
	ck_assert_uint_eq(id1.nvmcap[3], 0x20);         /* 512 MiB = 0x20000000 */
	ck_assert_uint_eq(id2.nsze, 1u << 18);
	ck_assert_uint_eq(id2.nuse, 0);
	ck_assert_uint_eq(id2.flbas, 1);
	ck_assert_uint_eq(id2.nvmcap[3], 0x40);         /* 1 GiB */
	/* identifiers are non-zero, differ per namespace and are stable */
	ck_assert_int_ne(memcmp(id1.nguid, id2.nguid, 16), 0);
	ck_assert_int_ne(memcmp(id1.eui64, id2.eui64, 8), 0);
	ck_assert_uint_eq(id1.nguid[15], 1);
	ck_assert_uint_eq(id2.eui64[7], 2);
	nvmesim_ns_identify(&ns1, &id2);
	ck_assert_int_eq(memcmp(&id1, &id2, sizeof(id1)), 0);
}
END_TEST

START_TEST(ns_init_checks)
{
	struct nvmesim_sim_ns_opts o = { .nsze = 0, .lba_shift = 9 };
	struct nvmesim_ns ns;

	ck_assert_int_eq(nvmesim_ns_init(&ns, 5, &o), -EINVAL);
	ck_assert_ptr_null(ns.store);
	o.nsze = 10;
	o.lba_shift = 10;
	ck_assert_int_eq(nvmesim_ns_init(&ns, 5, &o), -EINVAL);
	o.lba_shift = 12;
	ck_assert_int_eq(nvmesim_ns_init(&ns, 0, &o), -EINVAL);
	ck_assert_int_eq(nvmesim_ns_init(&ns, UINT32_MAX, &o), -EINVAL);
	ck_assert_int_eq(nvmesim_ns_init(&ns, 5, NULL), -EINVAL);
	o.nsze = UINT64_MAX;
	ck_assert_int_eq(nvmesim_ns_init(&ns, 5, &o), -EINVAL);
	/* 2^40 blocks of 4 KiB: 4 PiB, fine in memory */
	o.nsze = 1ull << 40;
	ck_assert_int_eq(nvmesim_ns_init(&ns, 5, &o), 0);
	ck_assert_uint_eq(ns.nsid, 5);
	ck_assert_uint_eq(ns.nsze, 1ull << 40);
	ck_assert_uint_eq(ns.lba_shift, 12);
	ck_assert_uint_eq(nvmesim_ns_blocks_used(&ns), 0);
	nvmesim_ns_fini(&ns);
	nvmesim_ns_fini(&ns);           /* idempotent */
}
END_TEST

static Suite *nvm_suite(void)
{
	Suite *s = suite_create("nvm");
	TCase *tc = tcase_create("core");
	TCase *te = tcase_create("errors");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip_512);
	tcase_add_test(tc, round_trip_4k);
	tcase_add_test(tc, read_into_sink);
	tcase_add_test(tc, namespaces_separate);
	tcase_add_test(tc, compare);
	tcase_add_test(tc, write_zeroes);
	tcase_add_test(tc, dataset_management);
	tcase_add_test(tc, flush);
	tcase_add_test(tc, smart_counters);
	tcase_add_test(tc, identify_ns);
	tcase_add_test(tc, ns_init_checks);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(te, setup, teardown);
	tcase_add_test(te, invalid_opcode);
	tcase_add_test(te, invalid_namespace);
	tcase_add_test(te, mdts);
	tcase_add_test(te, lba_out_of_range);
	tcase_add_test(te, prp_errors);
	tcase_add_test(te, check_order);
	tcase_add_test(te, invalid_fields);
	tcase_add_test(te, failed_write_changes_nothing);
	suite_add_tcase(s, te);
	return s;
}

int main(void)
{
	return nvmesim_test_run(nvm_suite());
}
