# ctrl/: the simulated controller (register semantics, queues, admin and NVM
# command sets, namespaces and their data store, the timing model and device profiles)
libnvmesim_private_la_SOURCES += \
	%reldir%/ctrl.h \
	%reldir%/sim.c \
	%reldir%/regs.c \
	%reldir%/doorbell.c \
	%reldir%/exec.c \
	%reldir%/aer.c \
	%reldir%/admin.c \
	%reldir%/prp.c %reldir%/prp.h \
	%reldir%/ns.c %reldir%/ns.h \
	%reldir%/store.c %reldir%/store.h \
	%reldir%/nvm.c %reldir%/nvm.h \
	%reldir%/timing.c %reldir%/timing.h \
	%reldir%/profile.c %reldir%/profile.h

# How fast replay is, how that was measured, and the shortcuts that keep results exact.
EXTRA_DIST += docs/performance.md
