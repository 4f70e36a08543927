/* SPDX-License-Identifier: MIT */
/*
 * check-common.h - helpers shared by the Check test programs.
 */
#ifndef NVMESIM_TESTS_CHECK_COMMON_H
#define NVMESIM_TESTS_CHECK_COMMON_H

#include <check.h>

/* nvmesim_test_run - run suite @s (no fork under Valgrind); EXIT_SUCCESS if all passed */
int nvmesim_test_run(Suite *s);

#endif /* NVMESIM_TESTS_CHECK_COMMON_H */
