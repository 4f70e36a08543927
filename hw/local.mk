# hw/: the VFIO backend (a real controller through /dev/vfio) - see issue "VFIO backend".
# sysfs.c (checks, bind/unbind) needs no VFIO header and is always built; the end itself
# only where configure found <linux/vfio.h>, otherwise a stub that says "not built".
libnvmesim_private_la_SOURCES += %reldir%/vfio-internal.h %reldir%/sysfs.c %reldir%/writes.c
if HAVE_VFIO
libnvmesim_private_la_SOURCES += %reldir%/vfio.c
else
libnvmesim_private_la_SOURCES += %reldir%/vfio-none.c
endif
nvmesiminclude_HEADERS += include/nvmesim/vfio.h
EXTRA_DIST += docs/real-ssd.md
