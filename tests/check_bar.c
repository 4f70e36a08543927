/* SPDX-License-Identifier: MIT */
/*
 * check_bar.c - the BAR0 register model: access rules for every register of
 * NVMe 2.0 Figure 33, both access widths, and the decoders.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/bar.h"
#include "tests/check-common.h"

/* A CAP with every optional register present (BPS, PMRS, CMBS, NSSS, NSSRS). */
#define CAP_ALL ((1ull << 45) | (1ull << 56) | (1ull << 57) | (1ull << 58) | (1ull << 36))

static struct nvmesim_bar bar;

static void setup(void)
{
	memset(&bar, 0, sizeof(bar));
	nvmesim_bar_set64(&bar, NVMESIM_REG_CAP, CAP_ALL | 0x3ff);
}

/* Each register, each dword of it: writing all ones stores exactly the RW bits,
 * RW1S bits become set, RW1C bits clear, and everything else keeps its value. */
START_TEST(test_write_masks)
{
	const struct nvmesim_reg_def *d = &nvmesim_reg_defs[_i];
	unsigned int half;

	for (half = 0; half < d->width / 4u; half++) {
		uint32_t off = d->off + 4 * half;
		uint32_t rw = (uint32_t)(d->rw >> (32 * half));
		uint32_t rw1c = (uint32_t)(d->rw1c >> (32 * half));
		uint32_t rw1s = (uint32_t)(d->rw1s >> (32 * half));
		uint32_t before = 0x5a5a5a5a, expect;
		struct nvmesim_bar_wr wr;

		if (off == NVMESIM_REG_CAP || off == NVMESIM_REG_CAP + 4)
			continue; /* CAP is the gate of the others: tested separately */
		nvmesim_bar_set32(&bar, off, before);
		nvmesim_bar_write32(&bar, off, 0xffffffffu, &wr);
		expect = (before & ~rw) | rw;
		expect &= ~rw1c;
		expect |= rw1s;
		ck_assert_ptr_eq(wr.def, d);
		ck_assert_uint_eq(wr.half, half);
		ck_assert_uint_eq(wr.old, before);
		ck_assert_uint_eq(wr.ignored, ~(rw | rw1c | rw1s));
		ck_assert_msg(nvmesim_bar_get32(&bar, off) == expect,
			      "%s dword %u: got 0x%08x expected 0x%08x", d->name, half,
			      nvmesim_bar_get32(&bar, off), expect);
		/* writing zero changes nothing but the RW bits */
		nvmesim_bar_write32(&bar, off, 0, &wr);
		ck_assert_uint_eq(nvmesim_bar_get32(&bar, off) & ~rw, expect & ~rw);
		ck_assert_uint_eq(nvmesim_bar_get32(&bar, off) & rw, 0);
	}
}
END_TEST

START_TEST(test_cap_is_read_only)
{
	struct nvmesim_bar_wr wr;

	nvmesim_bar_write32(&bar, NVMESIM_REG_CAP, 0, &wr);
	nvmesim_bar_write32(&bar, NVMESIM_REG_CAP + 4, 0, &wr);
	ck_assert_uint_eq(nvmesim_bar_get64(&bar, NVMESIM_REG_CAP), CAP_ALL | 0x3ff);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_CAP), 0x3ff);
}
END_TEST

/* 64-bit registers accept two 32-bit halves in either order (§3.1.4, Figure 33). */
START_TEST(test_64bit_halves_either_order)
{
	struct nvmesim_bar_wr wr;

	nvmesim_bar_write32(&bar, NVMESIM_REG_ASQ, 0x12345000, &wr);
	nvmesim_bar_write32(&bar, NVMESIM_REG_ASQ + 4, 0x9, &wr);
	ck_assert_uint_eq(nvmesim_bar_get64(&bar, NVMESIM_REG_ASQ), 0x912345000ull);
	nvmesim_bar_write32(&bar, NVMESIM_REG_ACQ + 4, 0x7, &wr);
	nvmesim_bar_write32(&bar, NVMESIM_REG_ACQ, 0xabcde123, &wr);
	ck_assert_uint_eq(wr.ignored, 0x123);
	ck_assert_uint_eq(nvmesim_bar_get64(&bar, NVMESIM_REG_ACQ), 0x7abcde000ull);
}
END_TEST

START_TEST(test_intms_intmc_share_mask)
{
	struct nvmesim_bar_wr wr;

	nvmesim_bar_write32(&bar, NVMESIM_REG_INTMS, 0x5, &wr);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_INTMS), 0x5);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_INTMC), 0x5);
	nvmesim_bar_write32(&bar, NVMESIM_REG_INTMS, 0x2, &wr);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_INTMC), 0x7);
	nvmesim_bar_write32(&bar, NVMESIM_REG_INTMC, 0x4, &wr);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_INTMS), 0x3);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_INTMC), 0x3);
}
END_TEST

START_TEST(test_csts_nssro_rw1c)
{
	struct nvmesim_bar_wr wr;

	nvmesim_bar_set32(&bar, NVMESIM_REG_CSTS, 0x11); /* RDY | NSSRO */
	nvmesim_bar_write32(&bar, NVMESIM_REG_CSTS, 0x1, &wr); /* RDY is RO */
	ck_assert_uint_eq(nvmesim_bar_get32(&bar, NVMESIM_REG_CSTS), 0x11);
	ck_assert_uint_eq(wr.ignored, 0x1);
	nvmesim_bar_write32(&bar, NVMESIM_REG_CSTS, 0x10, &wr);
	ck_assert_uint_eq(nvmesim_bar_get32(&bar, NVMESIM_REG_CSTS), 0x01);
}
END_TEST

/* Optional registers are reserved (read 0, writes ignored) when their CAP bit is 0. */
START_TEST(test_optional_registers_absent)
{
	struct nvmesim_bar_wr wr;

	nvmesim_bar_set64(&bar, NVMESIM_REG_CAP, 0x3ff);
	nvmesim_bar_write32(&bar, NVMESIM_REG_CMBMSC, 0xfffff003, &wr);
	ck_assert_int_eq(wr.absent, 1);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_CMBMSC), 0);
	nvmesim_bar_write32(&bar, NVMESIM_REG_NSSR, NVMESIM_NSSR_RESET, &wr);
	ck_assert_int_eq(wr.absent, 1);
	nvmesim_bar_write32(&bar, NVMESIM_REG_PMRCTL, 1, &wr);
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, NVMESIM_REG_PMRCTL), 0);
}
END_TEST

START_TEST(test_undefined_offsets)
{
	struct nvmesim_bar_wr wr;
	uint32_t off;

	for (off = 0x6c; off < 0xe00; off += 4) {
		nvmesim_bar_write32(&bar, off, 0xffffffffu, &wr);
		ck_assert_ptr_null(wr.def);
		ck_assert_uint_eq(nvmesim_bar_read32(&bar, off), 0);
	}
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, 0x18), 0);  /* reserved gap after CC */
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, 0x15), 0);  /* misaligned */
	ck_assert_uint_eq(nvmesim_bar_read32(&bar, 0x2000), 0); /* beyond the block */
}
END_TEST

START_TEST(test_names_and_offsets)
{
	unsigned int i;

	for (i = 0; i < nvmesim_reg_defs_nr; i++) {
		ck_assert_str_eq(nvmesim_reg_name(nvmesim_reg_defs[i].off), nvmesim_reg_defs[i].name);
		ck_assert_int_eq(nvmesim_reg_offset(nvmesim_reg_defs[i].name),
				 nvmesim_reg_defs[i].off);
		if (i > 0)
			ck_assert_uint_gt(nvmesim_reg_defs[i].off, nvmesim_reg_defs[i - 1].off);
	}
	ck_assert_int_eq(nvmesim_reg_offset("cc"), NVMESIM_REG_CC);
	ck_assert_int_eq(nvmesim_reg_offset("nosuch"), -1);
	ck_assert_ptr_null(nvmesim_reg_name(NVMESIM_REG_ASQ + 4));
}
END_TEST

START_TEST(test_decode)
{
	char b[256];

	nvmesim_reg_decode(NVMESIM_REG_CC, 0x00460001, b, sizeof(b));
	ck_assert_str_eq(b, "EN=1 CSS=NVM MPS=4KiB IOSQES=64B IOCQES=16B");
	nvmesim_reg_decode(NVMESIM_REG_CC, 0x00464001, b, sizeof(b));
	ck_assert_str_eq(b, "EN=1 CSS=NVM MPS=4KiB IOSQES=64B IOCQES=16B SHN=normal");
	nvmesim_reg_decode(NVMESIM_REG_CSTS, 0x9, b, sizeof(b));
	ck_assert_str_eq(b, "RDY=1 CFS=0 SHST=complete NSSRO=0 PP=0");
	nvmesim_reg_decode(NVMESIM_REG_VS, 0x00020000, b, sizeof(b));
	ck_assert_str_eq(b, "2.0.0");
	nvmesim_reg_decode(NVMESIM_REG_AQA, 0x001f001f, b, sizeof(b));
	ck_assert_str_eq(b, "ASQS=32 ACQS=32");
	nvmesim_reg_decode(NVMESIM_REG_CAP, 0x00400010140103ffull | (1ull << 37), b, sizeof(b));
	ck_assert_ptr_nonnull(strstr(b, "MQES=1024 CQR=1 AMS=RR TO=10000ms DSTRD=4B"));
	ck_assert_ptr_nonnull(strstr(b, "CSS=NVM"));
	ck_assert_ptr_nonnull(strstr(b, "MPSMIN=4KiB MPSMAX=64KiB"));
	/* truncation reports the full length, as snprintf does */
	ck_assert_int_eq(nvmesim_reg_decode(NVMESIM_REG_VS, 0x00010400, b, 3), 5);
	ck_assert_str_eq(b, "1.");
}
END_TEST

START_TEST(test_status_names)
{
	ck_assert_str_eq(nvmesim_status_str(0), "Successful Completion");
	ck_assert_str_eq(nvmesim_status_str(NVMESIM_SC_INVALID_QID | NVMESIM_DNR),
			 "Invalid Queue Identifier");
	ck_assert_str_eq(nvmesim_status_str(NVMESIM_SC_LBA_RANGE), "LBA Out of Range");
	ck_assert_str_eq(nvmesim_status_str(NVMESIM_SC_COMPARE_FAILURE), "Compare Failure");
	ck_assert_str_eq(nvmesim_status_str(0x7ff), "Unknown Status");
}
END_TEST

static Suite *bar_suite(void)
{
	Suite *s = suite_create("bar");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_write_masks, 0, (int)nvmesim_reg_defs_nr);
	tcase_add_test(tc, test_cap_is_read_only);
	tcase_add_test(tc, test_64bit_halves_either_order);
	tcase_add_test(tc, test_intms_intmc_share_mask);
	tcase_add_test(tc, test_csts_nssro_rw1c);
	tcase_add_test(tc, test_optional_registers_absent);
	tcase_add_test(tc, test_undefined_offsets);
	suite_add_tcase(s, tc);
	tc = tcase_create("decode");
	tcase_add_test(tc, test_names_and_offsets);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_status_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(bar_suite());
}
