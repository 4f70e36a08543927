# engine/: what both ends share (registers, rings, host memory, clock, logs)
libnvmesim_private_la_SOURCES += \
	%reldir%/nvmesim-internal.h \
	%reldir%/bar.c %reldir%/bar.h \
	%reldir%/decode.c \
	%reldir%/ring.h \
	%reldir%/queue.c %reldir%/queue.h \
	%reldir%/iova.c %reldir%/iova.h \
	%reldir%/hostmem.c %reldir%/hostmem.h \
	%reldir%/event.c %reldir%/event.h \
	%reldir%/end.c \
	%reldir%/diag.c \
	%reldir%/settings.c %reldir%/settings.h \
	%reldir%/yaml.c %reldir%/yaml.h \
	%reldir%/trace.c %reldir%/trace.h %reldir%/trace-internal.h \
	%reldir%/trace-settings.c %reldir%/trace-ops.c %reldir%/trace-lines.c
# the reference of the language the trace reader reads
EXTRA_DIST += docs/trace-format.md

# Latency histograms, report writers and gnuplot driver (issue 3, reports)
libnvmesim_private_la_SOURCES += %reldir%/hist.c %reldir%/report.c %reldir%/plot.c \
	%reldir%/c-numeric.c %reldir%/c-numeric.h

# Parameter sweeps (sweep helper): results read back from their folders, sweep-spec,
# merging sweeps into sweep.csv / sweep.json and the plot data.
libnvmesim_private_la_SOURCES += %reldir%/readback.c %reldir%/sweep.c %reldir%/sweep.h \
	%reldir%/files.c %reldir%/files.h \
	%reldir%/sweep-tables.c %reldir%/sweep-merge.c
nvmesiminclude_HEADERS += include/nvmesim/sweep.h
EXTRA_DIST += docs/sweeps.md

# Two result folders side by side (`nvmesim compare`, strategies study helper).
libnvmesim_private_la_SOURCES += %reldir%/compare.c %reldir%/readback.h
nvmesiminclude_HEADERS += include/nvmesim/compare.h
