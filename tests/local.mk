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
	%reldir%/headers/nvmesim.c %reldir%/headers/hist.c %reldir%/headers/profile.c \
	%reldir%/headers/trace.c %reldir%/headers/run.c
# The public API from C++: links the installed library, only exported symbols.
check_PROGRAMS += %reldir%/check_headers_cxx
TESTS += %reldir%/check_headers_cxx
%canon_reldir%_check_headers_cxx_SOURCES = %reldir%/check_headers_cxx.cc
%canon_reldir%_check_headers_cxx_LDADD = libnvmesim.la

check_PROGRAMS += $(NVMESIM_CHECKS)
TESTS += $(NVMESIM_CHECKS)

# Host driver, end-to-end data test, and the CLI (host helper).
NVMESIM_CHECKS += %reldir%/check_host %reldir%/check_e2e
%canon_reldir%_check_host_SOURCES = %reldir%/check_host.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_e2e_SOURCES = %reldir%/check_e2e.c $(NVMESIM_CHECK_COMMON)
TESTS += %reldir%/run-cli.sh %reldir%/run-trace.sh
EXTRA_DIST += %reldir%/run-cli.sh %reldir%/run-trace.sh %reldir%/cli-lib.sh

# Controller core (ctrl helper): registers, doorbells, events, admin commands and a
# misbehaving host, all driven through the end by a raw test host.
NVMESIM_RAWHOST = %reldir%/rawhost.c %reldir%/rawhost.h
NVMESIM_CHECKS += %reldir%/check_ctrl %reldir%/check_admin %reldir%/check_misbehave
%canon_reldir%_check_ctrl_SOURCES = %reldir%/check_ctrl.c $(NVMESIM_RAWHOST) $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_admin_SOURCES = %reldir%/check_admin.c $(NVMESIM_RAWHOST) \
	$(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_misbehave_SOURCES = %reldir%/check_misbehave.c $(NVMESIM_RAWHOST) \
	$(NVMESIM_CHECK_COMMON)

# Controller data path (data helper): PRP walker, sparse store, NVM command set.
NVMESIM_CHECKS += %reldir%/check_prp %reldir%/check_store %reldir%/check_nvm
%canon_reldir%_check_prp_SOURCES = %reldir%/check_prp.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_store_SOURCES = %reldir%/check_store.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_nvm_SOURCES = %reldir%/check_nvm.c $(NVMESIM_CHECK_COMMON)

# Fast paths of replay: scheduler, timelines, zero fill, discarded data (performance).
NVMESIM_CHECKS += %reldir%/check_fastpath
%canon_reldir%_check_fastpath_SOURCES = %reldir%/check_fastpath.c $(NVMESIM_CHECK_COMMON)

# Latency histograms and the report writers and plots (reports helper).
NVMESIM_CHECKS += %reldir%/check_hist %reldir%/check_report
%canon_reldir%_check_hist_SOURCES = %reldir%/check_hist.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_report_SOURCES = %reldir%/check_report.c $(NVMESIM_CHECK_COMMON)

# The workload runner, end to end (runner helper): nvmesim_run() on the test traces.
NVMESIM_CHECKS += %reldir%/check_run
%canon_reldir%_check_run_SOURCES = %reldir%/check_run.c $(NVMESIM_CHECK_COMMON)
NVMESIM_CHECKS += %reldir%/check_policy
%canon_reldir%_check_policy_SOURCES = %reldir%/check_policy.c $(NVMESIM_CHECK_COMMON)
EXTRA_DIST += %reldir%/traces/run-counts.yaml %reldir%/traces/run-runtime.yaml \
	%reldir%/traces/run-ops.yaml %reldir%/traces/run-manual.yaml \
	%reldir%/traces/run-manual-cmd.yaml %reldir%/traces/run-auto-mmio.yaml

# Settings tables, units and the streaming trace reader (trace helper).
NVMESIM_CHECKS += %reldir%/check_settings %reldir%/check_trace
%canon_reldir%_check_settings_SOURCES = %reldir%/check_settings.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_trace_SOURCES = %reldir%/check_trace.c $(NVMESIM_CHECK_COMMON)
EXTRA_DIST += %reldir%/traces/settings.yaml %reldir%/traces/fio-names.yaml \
	%reldir%/traces/ops.yaml %reldir%/traces/ops-flow.yaml \
	%reldir%/traces/bad-unknown-key.yaml %reldir%/traces/bad-unknown-host-key.yaml \
	%reldir%/traces/bad-unknown-op-key.yaml %reldir%/traces/bad-value.yaml \
	%reldir%/traces/bad-type.yaml %reldir%/traces/bad-ops-not-last.yaml \
	%reldir%/traces/bad-at-order.yaml %reldir%/traces/bad-syntax.yaml \
	%reldir%/traces/bad-syntax-op.yaml %reldir%/traces/bad-no-count.yaml \
	%reldir%/traces/bad-policy.yaml %reldir%/traces/bad-expect.yaml \
	%reldir%/traces/policy.yaml

# Timing model and device profiles (timing helper): QD1 sums, bottlenecks, Little's law.
NVMESIM_CHECKS += %reldir%/check_timing
%canon_reldir%_check_timing_SOURCES = %reldir%/check_timing.c $(NVMESIM_CHECK_COMMON)

# Parameter sweeps (sweep helper): --vary, sweep-spec, results read back, merging; the
# sweep and merge commands end to end (-j, --emit-jobs, split and merged).
NVMESIM_CHECKS += %reldir%/check_sweep
%canon_reldir%_check_sweep_SOURCES = %reldir%/check_sweep.c $(NVMESIM_CHECK_COMMON)
%canon_reldir%_check_headers_SOURCES += %reldir%/headers/sweep.c
%canon_reldir%_check_headers_SOURCES += %reldir%/headers/vfio.c
TESTS += %reldir%/run-sweep.sh
EXTRA_DIST += %reldir%/run-sweep.sh %reldir%/traces/sweep.yaml

# Controller side of the doorbell / interrupt strategies (issue 4 §2).
NVMESIM_CHECKS += %reldir%/check_strategies
%canon_reldir%_check_strategies_SOURCES = %reldir%/check_strategies.c $(NVMESIM_RAWHOST) \
	$(NVMESIM_CHECK_COMMON)

# Host side of shadow doorbells (issue 4 §1: host.shadow_doorbell, host.shadow_admin).
NVMESIM_CHECKS += %reldir%/check_shadow
%canon_reldir%_check_shadow_SOURCES = %reldir%/check_shadow.c $(NVMESIM_CHECK_COMMON)

# Run-level WRR priority and per-vector coalescing opt-out (strategies study helper).
NVMESIM_CHECKS += %reldir%/check_wrr
%canon_reldir%_check_wrr_SOURCES = %reldir%/check_wrr.c $(NVMESIM_CHECK_COMMON)
EXTRA_DIST += %reldir%/traces/wrr.yaml
# `nvmesim compare` (strategies study helper): its header alone, and the command end to end.
%canon_reldir%_check_headers_SOURCES += %reldir%/headers/compare.c
TESTS += %reldir%/run-compare.sh
EXTRA_DIST += %reldir%/run-compare.sh

# The vfio backend (vfio helper): every set-up message against a fake sysfs tree, binding,
# the --allow-write pre-pass and the end's own checks; tests/vm/run drives a real (QEMU)
# controller.
NVMESIM_CHECKS += %reldir%/check_vfio
%canon_reldir%_check_vfio_SOURCES = %reldir%/check_vfio.c $(NVMESIM_CHECK_COMMON)
EXTRA_DIST += %reldir%/vm/run %reldir%/vm/vm-lib.sh %reldir%/vm/init \
	%reldir%/vm/write-verify.yaml %reldir%/vm/randread.yaml %reldir%/vm/long.yaml

# Conformance traces (issue 5): every tests/conformance/*.yaml holds on the simulated
# controller; a wrong expectation fails with file:line.
TESTS += %reldir%/run-conformance.sh
EXTRA_DIST += %reldir%/run-conformance.sh %reldir%/conformance/admin.yaml \
	%reldir%/conformance/io.yaml %reldir%/conformance/queues.yaml \
	%reldir%/conformance/prp.yaml %reldir%/conformance/doorbell.yaml \
	%reldir%/conformance/enable.yaml docs/conformance.md
