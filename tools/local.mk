# tools/: the nvmesim command-line tool (links only the public API)
bin_PROGRAMS += %reldir%/nvmesim
%canon_reldir%_nvmesim_SOURCES = %reldir%/nvmesim.c %reldir%/cli.c %reldir%/cli.h \
	%reldir%/cmd-info.c %reldir%/cmd-run.c %reldir%/cmd-plot.c \
	%reldir%/cmd-sweep.c %reldir%/cmd-merge.c %reldir%/cmd-bind.c
%canon_reldir%_nvmesim_SOURCES += %reldir%/cmd-compare.c
%canon_reldir%_nvmesim_LDADD = libnvmesim.la
