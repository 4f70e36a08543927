# bench/: benchmarks that print their figures (not part of `make check`).
# Run with `make bench` (BENCH_SCALE=0.1 for a quick look).
noinst_PROGRAMS = %reldir%/bench_replay
%canon_reldir%_bench_replay_SOURCES = %reldir%/bench_replay.c
%canon_reldir%_bench_replay_LDADD = libnvmesim.la
BENCH_SCALE = 1

bench: %reldir%/bench_replay
	./%reldir%/bench_replay $(BENCH_SCALE)
.PHONY: bench

# bench/vm-fio-compare: the vfio backend against the kernel's nvme driver with fio, both on
# QEMU's emulated controller in a guest (run by hand: it boots a VM, about three minutes).
EXTRA_DIST += %reldir%/vm-fio-compare %reldir%/vm-fio/init %reldir%/vm-fio/randread.yaml
