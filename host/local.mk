# host/: the host driver module (bring-up, queues, PRPs, admin and I/O commands)
libnvmesim_private_la_SOURCES += \
	%reldir%/host-internal.h \
	%reldir%/driver.c \
	%reldir%/queues.c \
	%reldir%/prp.c \
	%reldir%/cmd.c \
	%reldir%/aer.c

# The workload runner: nvmesim_run(), generator jobs, explicit operations (issue 3)
libnvmesim_private_la_SOURCES += \
	%reldir%/rng.h \
	%reldir%/runner.h %reldir%/runner-internal.h \
	%reldir%/run.c \
	%reldir%/runner.c %reldir%/policies.c \
	%reldir%/gen.c \
	%reldir%/ops.c
EXTRA_DIST += docs/runner.md
