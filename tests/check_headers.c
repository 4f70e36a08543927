/* SPDX-License-Identifier: MIT */
/*
 * check_headers.c - every public header is self-contained (each one is
 * compiled alone in tests/headers/), the umbrella header works from C and
 * C++ (check_headers_cxx), and the layout structs have the spec's offsets.
 */
#include "config.h"

#include <stddef.h>

#include <nvmesim/nvmesim.h>

#include "tests/check-common.h"

int header_export_alone(void);
int header_spec_alone(void);
int header_diag_alone(void);
int header_end_alone(void);
int header_sim_alone(void);
int header_host_alone(void);
int header_nvmesim_alone(void);
int header_hist_alone(void);
int header_profile_alone(void);
int header_trace_alone(void);
int header_run_alone(void);

START_TEST(test_each_header_alone)
{
	ck_assert_int_eq(header_export_alone() + header_spec_alone() + header_diag_alone() +
				 header_end_alone() + header_sim_alone() + header_host_alone() +
				 header_nvmesim_alone() + header_hist_alone() + header_profile_alone() +
				 header_trace_alone() + header_run_alone(),
			 11);
}
END_TEST

/* Byte offsets from NVMe 2.0 Figures 88, 89, 275 and NVM CS Figure 97. */
START_TEST(test_layout_offsets)
{
	ck_assert_uint_eq(offsetof(struct nvmesim_sqe, prp1), 24);
	ck_assert_uint_eq(offsetof(struct nvmesim_sqe, cdw10), 40);
	ck_assert_uint_eq(offsetof(struct nvmesim_cqe, sqhd), 8);
	ck_assert_uint_eq(offsetof(struct nvmesim_cqe, status), 14);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, mdts), 77);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, ver), 80);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, oacs), 256);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, elpe), 262);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, tnvmcap), 280);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, sqes), 512);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, nn), 516);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, oncs), 520);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, vwc), 525);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, sgls), 536);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, subnqn), 768);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ctrl, psd), 2048);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ns, nlbaf), 25);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ns, dlfeat), 33);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ns, nvmcap), 48);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ns, anagrpid), 92);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ns, nguid), 104);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ns, eui64), 120);
	ck_assert_uint_eq(offsetof(struct nvmesim_id_ns, lbaf), 128);
	ck_assert_uint_eq(offsetof(struct nvmesim_smart_log, data_units_read), 32);
	ck_assert_uint_eq(offsetof(struct nvmesim_smart_log, num_err_log_entries), 176);
	ck_assert_uint_eq(offsetof(struct nvmesim_smart_log, temp_sensor), 200);
	ck_assert_uint_eq(offsetof(struct nvmesim_error_log_entry, lba), 16);
	ck_assert_uint_eq(offsetof(struct nvmesim_error_log_entry, cs), 32);
}
END_TEST

static Suite *headers_suite(void)
{
	Suite *s = suite_create("headers");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_each_header_alone);
	tcase_add_test(tc, test_layout_offsets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(headers_suite());
}
