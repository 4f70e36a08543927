# tests/: Check unit tests (one program per area) and end-to-end CLI tests.
#
# To add a Check program: append its name to NVMESIM_CHECKS and give it a
# _SOURCES line; LDADD comes from the shared line below.
AM_TESTS_ENVIRONMENT = NVMESIM_SRCDIR='$(abs_top_srcdir)'; export NVMESIM_SRCDIR; \
	NVMESIM_BUILDDIR='$(abs_top_builddir)'; export NVMESIM_BUILDDIR;
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)

# Programs without their own _LDADD (all the tests) link the private library,
# which holds the hidden internals too.
LDADD = libnvmesim-private.la $(CHECK_LIBS)
NVMESIM_CHECK_COMMON = %reldir%/check-common.c %reldir%/check-common.h

NVMESIM_CHECKS = \
	%reldir%/check_bar \
	%reldir%/check_queue \
	%reldir%/check_engine

%canon_reldir%_check_bar_SOURCES = %reldir%/check_bar.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_queue_SOURCES = %reldir%/check_queue.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_engine_SOURCES = %reldir%/check_engine.c $(NVMESIM_CHECK_COMMON)

check_PROGRAMS += $(NVMESIM_CHECKS)
TESTS += $(NVMESIM_CHECKS)
