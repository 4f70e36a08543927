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
	%reldir%/diag.c
