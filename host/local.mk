# host/: the host driver module (bring-up, queues, PRPs, admin and I/O commands)
libnvmesim_private_la_SOURCES += \
	%reldir%/host-internal.h \
	%reldir%/driver.c \
	%reldir%/queues.c \
	%reldir%/prp.c \
	%reldir%/cmd.c \
	%reldir%/aer.c
