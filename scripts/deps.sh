#!/usr/bin/env bash
# scripts/deps.sh (make deps): check that every tool the build and the tests use
# is installed. As root on Debian, install what is missing; otherwise print the
# apt-get line and fail. Silent when everything is there.
# scripts/deps.sh bench (make bench-deps): the same, plus what only `make bench`
# needs (gnuplot-nox for its plot), so `make deps` for check never pulls it in.
set -euo pipefail

MODE=${1:-check}
case $MODE in
check | bench) ;;
*)
    echo "usage: scripts/deps.sh [check|bench]" >&2
    exit 2
    ;;
esac

# Kernel toolchain: native on x86-64, the cross one elsewhere (as in the Makefile).
if [ "$(uname -m)" = x86_64 ]; then
    CROSS=${CROSS_COMPILE:-}
else
    CROSS=${CROSS_COMPILE:-x86_64-linux-gnu-}
fi

MISSING_WHAT=()  # what is missing, for the message
MISSING_PKGS=()  # the Debian packages that provide it

need() { # need PACKAGE DESCRIPTION TEST...: record PACKAGE unless TEST succeeds
    local pkg=$1 what=$2
    shift 2
    if ! "$@" >/dev/null 2>&1; then
        MISSING_WHAT+=("$what")
        [[ " ${MISSING_PKGS[*]} " == *" $pkg "* ]] || MISSING_PKGS+=("$pkg")
    fi
}

have() { command -v "$1"; }
have_all() {
    local c
    for c in "$@"; do have "$c" || return 1; done
}

# OVMF: Debian 12 ships the 4 MiB pair; older releases the 2 MiB one.
have_ovmf() {
    { [ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] && [ -r /usr/share/OVMF/OVMF_VARS_4M.fd ]; } ||
        { [ -r /usr/share/OVMF/OVMF_CODE.fd ] && [ -r /usr/share/OVMF/OVMF_VARS.fd ]; }
}

# libFuzzer's runtime sits in clang's resource directory (libclang-rt-14-dev).
have_libfuzzer() {
    local dir
    dir=$(clang -print-resource-dir 2>/dev/null) && [ -r "$dir/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ]
}

# Debian's node-tap-parser: the module folder or the command.
have_tap_parser() { [ -d /usr/share/nodejs/tap-parser ] || have tap-parser; }

check_all() {
    need gcc "cc (host compiler)" have cc
    if [ -z "$CROSS" ]; then
        need gcc gcc have gcc
        need binutils "ld, objcopy" have_all ld objcopy
    else
        need gcc-x86-64-linux-gnu "${CROSS}gcc" have "${CROSS}gcc"
        need binutils-x86-64-linux-gnu "${CROSS}ld, ${CROSS}objcopy" have_all "${CROSS}ld" "${CROSS}objcopy"
    fi
    need make make have make
    need qemu-system-x86 qemu-system-x86_64 have qemu-system-x86_64
    need grub-common grub-mkrescue have grub-mkrescue
    need grub-pc-bin "/usr/lib/grub/i386-pc (BIOS GRUB)" test -d /usr/lib/grub/i386-pc
    need grub-efi-amd64-bin "/usr/lib/grub/x86_64-efi (UEFI GRUB)" test -d /usr/lib/grub/x86_64-efi
    need xorriso xorriso have xorriso
    need mtools "mformat, mcopy" have_all mformat mcopy
    need ovmf "OVMF firmware (/usr/share/OVMF)" have_ovmf
    need libxml2-utils xmllint have xmllint
    need node-tap-parser "tap-parser (node-tap-parser)" have_tap_parser
    need python3 "python3 (the QMP ground-truth comparison)" have python3
    # Bochs 2.7, the second emulator (tests/matrix/bochs.sh). bochs depends on
    # one GUI plugin package; the runner uses the rfb display built into bochs
    # itself, so take the smallest (bochs-term) rather than apt's first choice
    # (bochs-wx, which pulls GTK).
    need bochs bochs have bochs
    if ! have bochs >/dev/null 2>&1; then need bochs-term "a Bochs GUI plugin (any)" false; fi
    need bochsbios "Bochs BIOS (/usr/share/bochs/BIOS-bochs-latest)" test -r /usr/share/bochs/BIOS-bochs-latest
    need vgabios "VGA BIOS (/usr/share/vgabios/vgabios.bin)" test -r /usr/share/vgabios/vgabios.bin
    # libFuzzer (mk/fuzz.mk, tests/fuzz): Debian 12's clang 14 and its runtime
    need clang "clang (the libFuzzer targets)" have clang
    need libclang-rt-14-dev "libFuzzer runtime (libclang_rt.fuzzer, libclang-rt-14-dev)" have_libfuzzer
    # LAVA 2023.01 (tests/lava, ci/lava): lava-schema.py validates the jobs,
    # lava-run runs them; Debian's own python3 (not a pyenv one) imports them
    need lava-common "lava-schema.py (lava-common)" test -r /usr/share/lava-common/lava-schema.py
    need lava-dispatcher "lava-run (lava-dispatcher)" have lava-run
    # the results page in a real browser (tests/page, make page)
    need chromium "chromium (headless, the results page)" have chromium
    if [ "$MODE" = bench ]; then
        need gnuplot-nox "gnuplot (make bench's build/bench/scaling.svg)" have gnuplot
    fi
}

is_root_debian() { [ "$(id -u)" = 0 ] && have apt-get >/dev/null; }

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# Install without touching the network's package lists when they already know
# every package; otherwise (no lists yet, or stale ones) apt-get update once.
install_missing() {
    echo "deps: installing ${MISSING_PKGS[*]}"
    local pkg known=1
    for pkg in "${MISSING_PKGS[@]}"; do
        apt-cache show "$pkg" >/dev/null 2>&1 || known=0
    done
    if [ "$known" = 1 ] && apt_install "${MISSING_PKGS[@]}"; then
        return 0
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_install "${MISSING_PKGS[@]}"
}

main() {
    check_all
    [ ${#MISSING_PKGS[@]} -gt 0 ] || exit 0
    if ! is_root_debian; then
        local list
        printf -v list '%s; ' "${MISSING_WHAT[@]}"
        echo "deps: missing: ${list%; }" >&2
        echo "deps: install them with: sudo apt-get install ${MISSING_PKGS[*]}" >&2
        exit 1
    fi
    install_missing
    MISSING_WHAT=() MISSING_PKGS=()
    check_all
    if [ ${#MISSING_PKGS[@]} -gt 0 ]; then
        echo "deps: still missing after apt-get: ${MISSING_WHAT[*]}" >&2
        exit 1
    fi
}

main "$@"
