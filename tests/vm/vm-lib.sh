# SPDX-License-Identifier: MIT
# tests/vm/vm-lib.sh - the steps shared by the scripts that boot a guest to drive QEMU's
# emulated NVMe controller through the vfio backend: tests/vm/run (the VM test) and
# bench/vm-fio-compare (fio on the kernel driver against nvmesim's vfio backend).
#
# Sourced, not run.  The guest is a Debian cloud kernel (nvme built in, VFIO as modules)
# booted under QEMU TCG on a q35 machine with an emulated Intel IOMMU (intremap=on, which
# vfio_iommu_type1 needs) and an initramfs of busybox, the VFIO modules, nvmesim built from
# this tree and the caller's /init.  The caller sets, before sourcing:
#   vm_top    the source tree
#   vm_label  what its SKIP/FAIL lines start with ("VM TEST", "VM BENCH")
# and then calls, in order:
#   vm_host_packages [CMD=PKG...]  QEMU, busybox-static and the caller's extra commands
#                                  (installed with apt-get when missing; exit 77 when not)
#   vm_kernel                      the guest kernel: $vm_kver, $vm_kernel_image, $vm_kmod
#   vm_build                       nvmesim for the guest: $vm_tool
#   vm_root INIT                   work folder $vm_w, initramfs root $vm_r (busybox, modules,
#                                  nvmesim with its libraries, INIT as /init)
#   vm_add_exe SRC DEST            another executable with its shared libraries
#   vm_pack                        $vm_w/initramfs.gz
#   vm_boot DISK [APPEND]          boot, wait; the console without CRs in $vm_w/vm.txt,
#                                  $vm_qrc (QEMU's exit), $vm_secs (the guest's wall time)
# The cache ($NVMESIM_VM_CACHE, default build/vm-cache in the tree) keeps the kernel and the
# nvmesim build across runs.  VM_TIMEOUT (s) bounds the guest (default $vm_timeout, 240),
# KEEP=1 keeps the work folder, $vm_mem is the guest's memory (default 512M).

vm_cache=${NVMESIM_VM_CACHE:-$vm_top/build/vm-cache}
vm_flavour=cloud-amd64
vm_start=$(date +%s.%N)
vm_mem=${vm_mem:-512M}
vm_timeout=${vm_timeout:-240}
vm_sudo=
[ "$(id -u)" -eq 0 ] || vm_sudo=sudo

say() { echo "vm: $*"; }
elapsed() { awk -v a="$vm_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# vm_host_packages [CMD=PKG...] - install QEMU, a static busybox (the guest has no libc of its
# own) and the package PKG of each CMD missing from PATH; exits 77 when that cannot be done
vm_host_packages() {
	local missing= p
	command -v qemu-system-x86_64 > /dev/null || missing="$missing qemu-system-x86"
	dpkg-query -W -f='${Status}' busybox-static 2> /dev/null | grep -q 'install ok installed' ||
		missing="$missing busybox-static"
	for p in "$@"; do
		command -v "${p%%=*}" > /dev/null || missing="$missing ${p#*=}"
	done
	if [ -n "$missing" ]; then
		say "installing:$missing"
		if ! { $vm_sudo apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive $vm_sudo apt-get install -y -qq \
				--no-install-recommends $missing > /dev/null; }; then
			echo "$vm_label: SKIP (cannot install$missing)"
			exit 77
		fi
	fi
	command -v qemu-system-x86_64 > /dev/null ||
		{ echo "$vm_label: SKIP (no qemu-system-x86_64)"; exit 77; }
	for p in "$@"; do
		command -v "${p%%=*}" > /dev/null || { echo "$vm_label: SKIP (no ${p%%=*})"; exit 77; }
	done
	mkdir -p "$vm_cache"
	vm_cache=$(cd "$vm_cache" && pwd)
}

# vm_kernel - the guest kernel: Debian's cloud kernel (27 MB; nvme built in, VFIO as
# modules), unpacked, never installed; resolved and downloaded once, then reused
vm_kernel() {
	local pkg
	if [ ! -f "$vm_cache/kern.ok" ]; then
		pkg=$(apt-cache depends "linux-image-$vm_flavour" 2> /dev/null |
			awk '/Depends: linux-image-/ { print $2; exit }')
		if [ -z "$pkg" ]; then
			$vm_sudo apt-get update -qq
			pkg=$(apt-cache depends "linux-image-$vm_flavour" |
				awk '/Depends: linux-image-/ { print $2; exit }')
		fi
		say "downloading $pkg"
		rm -rf "$vm_cache/kern" "$vm_cache"/linux-image-*.deb
		if [ -z "$pkg" ] || ! (cd "$vm_cache" && apt-get download -qq "$pkg" 2> /dev/null); then
			echo "$vm_label: FAIL (cannot download the guest kernel linux-image-$vm_flavour)"
			exit 1
		fi
		dpkg -x "$vm_cache/${pkg}"_*.deb "$vm_cache/kern"
		rm -f "$vm_cache"/linux-image-*.deb
		touch "$vm_cache/kern.ok"
	fi
	vm_kver=$(ls "$vm_cache/kern/lib/modules" | head -n1)
	vm_kmod=$vm_cache/kern/lib/modules/$vm_kver/kernel
	vm_kernel_image=$vm_cache/kern/boot/vmlinuz-$vm_kver
}

# vm_build - nvmesim for the guest: its own build (the library linked in), incremental
vm_build() {
	local b=$vm_cache/build
	mkdir -p "$b"
	if [ ! -x "$vm_top/configure" ]; then
		(cd "$vm_top" && ./autogen.sh > /dev/null)
	fi
	if [ ! -f "$b/Makefile" ] || [ "$vm_top/configure" -nt "$b/config.status" ]; then
		say "configuring $b"
		(cd "$b" && "$vm_top/configure" --disable-shared --enable-werror -q CFLAGS="-O2 -g0")
	fi
	make -C "$b" -s -j"$(nproc 2> /dev/null || echo 2)" tools/nvmesim
	vm_tool=$b/tools/nvmesim
	say "nvmesim built ($(elapsed) s)"
}

# vm_add_exe SRC DEST - copy the executable SRC to DEST in the initramfs root with the
# shared libraries and the loader it needs (ldd), at their paths
vm_add_exe() {
	cp "$1" "$vm_r/$2"
	ldd "$1" | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }' |
		while read -r lib; do
			cp -L --parents "$lib" "$vm_r/"
		done
}

# vm_root INIT - a work folder ($vm_w, removed on exit unless KEEP=1) and the initramfs root
# $vm_r in it: busybox, the VFIO modules, nvmesim, INIT as /init
vm_root() {
	local m
	vm_w=$(mktemp -d /tmp/nvmesim-vm.XXXXXX)
	[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$vm_w"' EXIT
	vm_r=$vm_w/root
	mkdir -p "$vm_r/bin" "$vm_r/lib/modules"
	cp /bin/busybox "$vm_r/bin/busybox"
	for m in drivers/vfio/vfio drivers/vfio/vfio_iommu_type1 drivers/vfio/vfio_virqfd \
		virt/lib/irqbypass drivers/vfio/pci/vfio-pci-core drivers/vfio/pci/vfio-pci; do
		if [ -f "$vm_kmod/$m.ko" ]; then
			cp "$vm_kmod/$m.ko" "$vm_r/lib/modules/"
		elif [ -f "$vm_kmod/$m.ko.xz" ]; then
			xz -dc "$vm_kmod/$m.ko.xz" > "$vm_r/lib/modules/${m##*/}.ko"
		fi
	done
	vm_add_exe "$vm_tool" bin/nvmesim
	cp "$1" "$vm_r/init"
	chmod +x "$vm_r/init"
}

# vm_pack - the initramfs root as a gzip'ed newc cpio archive, $vm_w/initramfs.gz
vm_pack() {
	(cd "$vm_r" && find . | /bin/busybox cpio -o -H newc 2> /dev/null) |
		gzip -1 > "$vm_w/initramfs.gz"
}

# vm_boot DISK [APPEND] - boot the kernel and the initramfs with DISK behind QEMU's NVMe
# controller, APPEND added to the kernel command line; waits for the guest to power off
vm_boot() {
	local boot
	# accel=tcg explicitly: KVM here is not usable for a stock kernel, and "kvm:tcg"
	# would not fall back (docs/real-ssd.md).
	say "booting $vm_kver under QEMU TCG ($(elapsed) s)"
	boot=$(date +%s.%N)
	set +e
	timeout "${VM_TIMEOUT:-$vm_timeout}" qemu-system-x86_64 -machine q35,accel=tcg -cpu max \
		-m "$vm_mem" -smp 1 \
		-device intel-iommu,intremap=on \
		-kernel "$vm_kernel_image" -initrd "$vm_w/initramfs.gz" \
		-drive file="$1",if=none,id=nvm,format=raw \
		-device nvme,serial=deadbeef,drive=nvm \
		-nodefaults -display none -serial stdio -no-reboot \
		-append "console=ttyS0 intel_iommu=on panic=-1 quiet${2:+ $2}" > "$vm_w/vm.log" 2>&1
	vm_qrc=$?
	set -e
	tr -d '\r' < "$vm_w/vm.log" > "$vm_w/vm.txt"
	vm_secs=$(awk -v a="$boot" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}
