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
	%reldir%/check_engine \
	%reldir%/check_headers

%canon_reldir%_check_bar_SOURCES = %reldir%/check_bar.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_queue_SOURCES = %reldir%/check_queue.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_engine_SOURCES = %reldir%/check_engine.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_headers_SOURCES = %reldir%/check_headers.c $(NVMESIM_CHECK_COMMON) \
	%reldir%/headers/export.c %reldir%/headers/spec.c %reldir%/headers/diag.c \
	%reldir%/headers/end.c %reldir%/headers/sim.c %reldir%/headers/host.c \
	%reldir%/headers/nvmesim.c
# The public API from C++: links the installed library, only exported symbols.
check_PROGRAMS += %reldir%/check_headers_cxx
TESTS += %reldir%/check_headers_cxx
%canon_reldir%_check_headers_cxx_SOURCES = %reldir%/check_headers_cxx.cc
%canon_reldir%_check_headers_cxx_LDADD = libnvmesim.la

check_PROGRAMS += $(NVMESIM_CHECKS)
TESTS += $(NVMESIM_CHECKS)
