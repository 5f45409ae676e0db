#!/usr/bin/env bash
# tests/bench/linux_route.sh: the Linux route of issue 9, i.e. what an engineer does
# today instead of barmove: boot a stock Debian kernel with a busybox initramfs,
# move one BAR with setpci and probe it with devmem.
#
#   linux_route.sh build              fetch the Debian packages (apt-get download,
#                                     cached in build/bench/linux/debs), write
#                                     build/bench/linux/vmlinuz and initrd.gz
#   linux_route.sh boot [QEMU-ARGS]   boot them once under QEMU q35 with one ivshmem
#                                     and one NVMe device; the last line of stdout is
#                                     the wall time from QEMU start to exit in seconds.
#                                     Exit 0 when the guest printed `linux-route: ok`,
#                                     1 when the move failed or the boot timed out,
#                                     2 for a usage error or a missing build.
#
# The guest's /init (written below) finds the ivshmem-plain device (1af4:1110), writes
# a marker into its 64 MiB RAM-backed BAR2 with devmem, clears memory decode with
# setpci, moves BAR2 (both dwords) to a free 64 MiB-aligned slot of a host bridge
# window read from /proc/iomem, sets decode again, and checks with devmem that the
# marker is at the new address and not at the old one. Then it powers the VM off.
#
# Environment: QEMU (default qemu-system-x86_64), LINUX_ROUTE_TIMEOUT (seconds,
# default 60), LINUX_ROUTE_LOG (serial log, default build/bench/linux/boot.log),
# LINUX_ROUTE_APPEND (more kernel parameters, e.g. loglevel=7 for a boot timeline).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$TOP/build/bench/linux
DEBS=$OUT/debs
ROOT=$OUT/root
STAGE=$OUT/initramfs
QEMU=${QEMU:-qemu-system-x86_64}
TIMEOUT=${LINUX_ROUTE_TIMEOUT:-60}
LOG=${LINUX_ROUTE_LOG:-$OUT/boot.log}
MULTIARCH=x86_64-linux-gnu

die() { echo "linux_route: $*" >&2; exit 2; }

# --- build ---------------------------------------------------------------------

# The version apt would download now, or nothing when the package lists do not know
# the package. One apt-cache call for all of them (each call reads the lists: ~0.6 s).
declare -A CANDIDATE=()
load_candidates() {
	local name='' line
	CANDIDATE=()
	while IFS= read -r line; do
		case $line in
		[!\ ]*:) name=${line%:} ;;
		"  Candidate: "*) line=${line#  Candidate: }
			[ "$line" = "(none)" ] || CANDIDATE[$name]=$line ;;
		esac
	done < <(apt-cache policy "$@" 2>/dev/null)
}
candidate() { echo "${CANDIDATE[$1]:-}"; }

# Depends of a package (first alternative of each, virtual packages dropped).
depends_of() {
	{ apt-cache depends "$1" 2>/dev/null || true; } |
		sed -n 's/^ *|\{0,1\}Depends: \([^<][^ ]*\)$/\1/p'
}

# The cached .deb of PACKAGE at its candidate version, downloaded if missing.
# Offline and without package lists, the newest cached .deb of PACKAGE is used.
fetch_deb() {
	local pkg=$1 ver file
	ver=$(candidate "$pkg")
	if [ -z "$ver" ]; then
		file=$(ls -1 "$DEBS/${pkg}_"*.deb 2>/dev/null | sort -V | tail -n1 || true)
		[ -n "$file" ] || die "apt does not know $pkg (and nothing is cached)"
		echo "$file"
		return
	fi
	file=$(ls -1 "$DEBS/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$file" ]; then
		(cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download "$pkg=$ver" >&2) ||
			die "apt-get download $pkg=$ver failed"
		file=$(ls -1 "$DEBS/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
		[ -n "$file" ] || die "apt-get download $pkg=$ver left no .deb in $DEBS"
	fi
	echo "$file"
}

# Path of shared library SONAME inside the unpacked root.
find_lib() {
	local d
	for d in lib/$MULTIARCH usr/lib/$MULTIARCH lib64 lib usr/lib; do
		if [ -e "$ROOT/$d/$1" ]; then echo "$ROOT/$d/$1"; return 0; fi
	done
	return 1
}

# Copy ELF file $1 (inside ROOT) to the staging tree, then every library it needs,
# transitively, and its program interpreter.
declare -A STAGED=()
stage_elf() {
	local src=$1 dst=$2 interp lib path
	[ -n "${STAGED[$dst]:-}" ] && return 0
	STAGED[$dst]=1
	mkdir -p "$(dirname "$STAGE/$dst")"
	cp -L "$src" "$STAGE/$dst"
	interp=$(readelf -l "$src" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	if [ -n "$interp" ]; then
		path=$(find_lib "$(basename "$interp")") || die "no program interpreter $interp in $ROOT"
		stage_elf "$path" "lib/$MULTIARCH/$(basename "$interp")"
		if [ "$interp" != "/lib/$MULTIARCH/$(basename "$interp")" ]; then
			mkdir -p "$(dirname "$STAGE$interp")"
			ln -sf "/lib/$MULTIARCH/$(basename "$interp")" "$STAGE$interp"
		fi
	fi
	for lib in $(readelf -d "$src" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		path=$(find_lib "$lib") ||
			die "setpci needs $lib, which no downloaded package holds: add its package to LIBPKGS"
		stage_elf "$path" "lib/$MULTIARCH/$lib"
	done
}

write_init() {
	cat >"$STAGE/init" <<'INIT'
#!/bin/sh
# /init of the Linux route (tests/bench/linux_route.sh): one MSE-off move of the
# ivshmem BAR2 with setpci, checked with devmem.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
echo 1 >/proc/sys/kernel/printk # no kernel messages inside our lines

finish() {
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 10
}
fail() { echo "linux-route: FAIL $*" >&2; finish; } # stderr: the console, even inside $(...)
hex() { printf '0x%x' "$1"; }
rd32() { v=$(devmem "$(hex "$1")" 32) || fail "devmem read at $(hex "$1")"; echo $((v)); }

# 1. the ivshmem-plain function
bdf=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ]; then
		bdf=${d##*/}
		break
	fi
done
[ -n "$bdf" ] || fail "no ivshmem-plain device (1af4:1110)"

# 2. its BAR2: 64-bit memory, size from sysfs (line 3 of resource is BAR2)
lo=$((0x$(setpci -s "$bdf" BASE_ADDRESS_2)))
hi=$((0x$(setpci -s "$bdf" BASE_ADDRESS_3)))
[ $((lo & 7)) -eq 4 ] || fail "$bdf BAR2 is not a 64-bit memory BAR (low dword $(hex $lo))"
old=$(((hi << 32) | (lo & ~0xf)))
set -- $(sed -n 3p "/sys/bus/pci/devices/$bdf/resource")
rstart=$(($1)) rend=$(($2))
size=$((rend - rstart + 1))
[ "$old" -ne 0 ] && [ "$rstart" -eq "$old" ] ||
	fail "$bdf BAR2 reads $(hex $old), sysfs says $(hex $rstart)"
[ "$size" -ge 4096 ] || fail "$bdf BAR2 size $(hex $size)"

# 3. a free slot: size-aligned, inside a window of the host bridge (PCI Bus 0000:00),
#    overlapping no other /proc/iomem entry (the old BAR is one of them). Windows
#    above 4 GiB first, so that both dwords of the BAR change.
entries=$(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : \(.*\)$/\1 \2 \3/p' /proc/iomem)
windows=$(echo "$entries" | sed -n 's/^\([0-9a-f]*\) \([0-9a-f]*\) PCI Bus 0000:00$/\1 \2/p')
[ -n "$windows" ] || fail "no host bridge window in /proc/iomem"
busy=$(echo "$entries" | grep -v ' PCI Bus 0000:00$' | cut -d' ' -f1,2)
new=
for pass in high low; do
	for w in $(echo "$windows" | tr ' ' -); do
		ws=$((0x${w%-*})) we=$((0x${w#*-}))
		if [ $pass = high ]; then [ $ws -ge $((1 << 32)) ] || continue
		else [ $ws -lt $((1 << 32)) ] || continue; fi
		s=$(((ws + size - 1) & ~(size - 1)))
		while [ $((s + size - 1)) -le $we ] && [ -z "$new" ]; do
			e=$((s + size - 1)) clash=
			for b in $(echo "$busy" | tr ' ' -); do
				bs=$((0x${b%-*})) be=$((0x${b#*-}))
				if [ $bs -le $e ] && [ $be -ge $s ]; then clash=1; break; fi
			done
			[ -z "$clash" ] && new=$s && win="$(hex $ws)-$(hex $we)"
			s=$((s + size))
		done
	done
	[ -n "$new" ] && break
done
[ -n "$new" ] || fail "no free $(hex $size) slot in the host bridge windows"

# 4. marker at the old address (decode on)
setpci -s "$bdf" COMMAND=2:2 || fail "setpci COMMAND"
marker=$((0x4c520000 | (RANDOM & 0xffff)))
devmem "$(hex $old)" 32 "$(hex $marker)" || fail "devmem write at $(hex $old)"
[ "$(rd32 $old)" -eq $marker ] || fail "marker not readable at the old address $(hex $old)"

# 5. the move: decode off, BAR2 low then high dword, decode on
setpci -s "$bdf" COMMAND=0:2 || fail "setpci COMMAND (decode off)"
setpci -s "$bdf" BASE_ADDRESS_2="$(printf %08x $(((new & 0xfffffff0) | (lo & 0xf))))" ||
	fail "setpci BASE_ADDRESS_2"
setpci -s "$bdf" BASE_ADDRESS_3="$(printf %08x $((new >> 32)))" || fail "setpci BASE_ADDRESS_3"
setpci -s "$bdf" COMMAND=2:2 || fail "setpci COMMAND (decode on)"

# 6. the probe
nlo=$((0x$(setpci -s "$bdf" BASE_ADDRESS_2)))
nhi=$((0x$(setpci -s "$bdf" BASE_ADDRESS_3)))
got=$(((nhi << 32) | (nlo & ~0xf)))
[ $got -eq $new ] || fail "BAR2 reads $(hex $got) after writing $(hex $new)"
at_new=$(rd32 $new)
at_old=$(rd32 $old)
[ $at_new -eq $marker ] ||
	fail "marker $(hex $marker) not at the new address $(hex $new) (read $(hex $at_new))"
[ $at_old -ne $marker ] || fail "marker still at the old address $(hex $old)"
echo "linux-route: $bdf BAR2 $(hex $old) -> $(hex $new) size $(hex $size) (window $win), marker $(hex $marker), old reads $(hex $at_old)"
echo "linux-route: ok"
finish
INIT
	chmod 755 "$STAGE/init"
}

build() {
	command -v apt-get >/dev/null || die "needs apt-get (Debian)"
	command -v dpkg-deb >/dev/null || die "needs dpkg-deb"
	command -v readelf >/dev/null || die "needs readelf (binutils)"
	mkdir -p "$DEBS"

	# Package lists that do not know the packages: update once (needs root).
	load_candidates linux-image-amd64 busybox-static pciutils libpci3
	if [ ${#CANDIDATE[@]} -lt 4 ] && [ "$(id -u)" = 0 ]; then
		apt-get -q update >&2 || true
	fi

	# The real kernel package behind the metapackage.
	local kpkg kver
	kpkg=$(depends_of linux-image-amd64 | grep -m1 -E '^linux-image-.*-amd64$' || true)
	if [ -z "$kpkg" ]; then
		kpkg=$(ls -1 "$DEBS"/linux-image-*-amd64_*.deb 2>/dev/null | sort -V | tail -n1 || true)
		kpkg=$(basename "${kpkg%%_*}" 2>/dev/null || true)
	fi
	[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 to a kernel package"
	kver=${kpkg#linux-image-}

	# setpci comes from pciutils and links libpci3, whose Depends bring the rest
	# (libudev1, zlib1g); libc6 gives libc and the dynamic loader. stage_elf checks
	# that every NEEDED library is actually there.
	local LIBPKGS=(libpci3 libc6) p deps
	deps=$(depends_of libpci3)
	[ -n "$deps" ] || deps="libudev1 zlib1g" # no package lists: bookworm's Depends
	for p in $deps; do
		case $p in pci.ids | libc6) ;; *) LIBPKGS+=("$p") ;; esac
	done

	local kdeb debs=() deb
	load_candidates "$kpkg" busybox-static pciutils "${LIBPKGS[@]}"
	kdeb=$(fetch_deb "$kpkg")
	for p in busybox-static pciutils "${LIBPKGS[@]}"; do
		deb=$(fetch_deb "$p")
		debs+=("$deb")
	done

	# Unpack. The kernel package is ~70 MB of modules; only ./boot is taken (the guest
	# needs no module: setpci and devmem work without a driver).
	rm -rf "$ROOT" "$STAGE"
	mkdir -p "$ROOT"
	for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$ROOT"; done
	if [ ! -s "$OUT/vmlinuz" ] || [ "$kdeb" -nt "$OUT/vmlinuz" ] ||
		[ "$(cat "$OUT/vmlinuz.from" 2>/dev/null)" != "$(basename "$kdeb")" ]; then
		dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$ROOT" "./boot/vmlinuz-$kver" "./boot/config-$kver"
		cp "$ROOT/boot/vmlinuz-$kver" "$OUT/vmlinuz.tmp"
		cp "$ROOT/boot/config-$kver" "$OUT/config"
		mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
		basename "$kdeb" >"$OUT/vmlinuz.from"
	fi
	grep -q '^CONFIG_DEVMEM=y' "$OUT/config" || die "$kpkg has no /dev/mem (CONFIG_DEVMEM)"
	grep -q '^CONFIG_RD_GZIP=y' "$OUT/config" || die "$kpkg cannot unpack a gzip initramfs"

	# The initramfs: busybox with a link per applet, setpci with its libraries, /init.
	local bb=$ROOT/bin/busybox a
	[ -x "$bb" ] || die "busybox-static did not give /bin/busybox"
	mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp}
	cp "$bb" "$STAGE/bin/busybox"
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$STAGE/bin/$a"
	done
	stage_elf "$ROOT/usr/bin/setpci" usr/bin/setpci
	write_init
	find "$STAGE" -exec touch -h -d @0 {} + # the same inputs give the same initrd.gz
	(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
		"$bb" cpio -o -H newc -R 0:0 --ignore-devno --renumber-inodes 2>/dev/null) |
		gzip -9n >"$OUT/initrd.gz.tmp"
	mv "$OUT/initrd.gz.tmp" "$OUT/initrd.gz"

	{
		echo "kernel:   $(basename "$kdeb")"
		for deb in "${debs[@]}"; do echo "package:  $(basename "$deb")"; done
		echo "staged:   $(cd "$STAGE" && find . ! -type d ! -path './bin/*' ! -name init | sort | tr '\n' ' ')"
	} >"$OUT/packages.txt"
	cat "$OUT/packages.txt"
	echo "linux_route: $OUT/vmlinuz ($(stat -c %s "$OUT/vmlinuz") bytes)," \
		"$OUT/initrd.gz ($(stat -c %s "$OUT/initrd.gz") bytes)"
}

# --- boot ----------------------------------------------------------------------

boot() {
	if [ ! -s "$OUT/vmlinuz" ] || [ ! -s "$OUT/initrd.gz" ]; then
		die "no $OUT/vmlinuz or initrd.gz: run '$0 build' first"
	fi
	command -v "$QEMU" >/dev/null || die "no $QEMU"
	mkdir -p "$(dirname "$LOG")"
	# QEMU takes several -accel as a fallback list, first one first: an -accel among
	# the extra arguments replaces the default instead of following it.
	local accel=(-accel tcg) a
	for a in "$@"; do
		case $a in -accel | --accel | -enable-kvm | --enable-kvm) accel=() ;; esac
	done
	local t0 t1 rc=0 secs
	t0=$EPOCHREALTIME
	timeout --kill-after=5 "$TIMEOUT" "$QEMU" -M q35 "${accel[@]}" -m 512 -display none \
		-serial stdio -no-reboot \
		-kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.gz" \
		-append "console=ttyS0 quiet iomem=relaxed panic=-1${LINUX_ROUTE_APPEND:+ $LINUX_ROUTE_APPEND}" \
		-object memory-backend-ram,id=shm0,size=64M,share=on \
		-device ivshmem-plain,memdev=shm0 -device nvme,serial=x \
		"$@" </dev/null >"$LOG" 2>&1 || rc=$?
	t1=$EPOCHREALTIME
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "linux_route: timed out after ${TIMEOUT} s (log: $LOG)" >&2
		tail -n 5 "$LOG" >&2 || true
		exit 1
	fi
	if ! tr -d '\r' <"$LOG" | grep -q '^linux-route: ok$'; then
		echo "linux_route: the move failed (QEMU exit $rc, ${secs} s, log: $LOG)" >&2
		tr -d '\r' <"$LOG" | grep -m1 'linux-route: FAIL' >&2 || tail -n 5 "$LOG" >&2 || true
		exit 1
	fi
	tr -d '\r' <"$LOG" | grep '^linux-route: ' | grep -v ': ok$' || true
	echo "$secs"
}

case ${1:-} in
build) shift; [ $# -eq 0 ] || die "build takes no arguments"; build ;;
boot) shift; boot "$@" ;;
*) die "usage: $0 build | boot [QEMU-ARGS...]" ;;
esac
