# hw/: the VFIO backend (a real controller through /dev/vfio) - see issue "VFIO backend"
