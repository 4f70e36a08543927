/* SPDX-License-Identifier: MIT */
/*
 * check-common.c - the one main() helper for every Check program, so fork
 * mode is handled in one place: under Valgrind, tests run without fork, as
 * the Check manual advises, so memcheck sees the test code itself.
 */
#include "config.h"

#include <stdlib.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include "tests/check-common.h"

/* nvmesim_test_run - run @s honouring CK_* environment variables; EXIT_SUCCESS if all passed */
int nvmesim_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nfailed;

	if (RUNNING_ON_VALGRIND)
		srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
