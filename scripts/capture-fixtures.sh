#!/usr/bin/env bash
# Captures QEMU's real ACPI tables as host-test fixtures
# (tests/host/fixtures/acpi-*.txt): boots the kernel with
# `selftest=acpi-dump only=none` in each configuration below and keeps the
# "acpi-dump" lines (drivers/acpi_tables.h describes them).
# Run by hand after QEMU, SeaBIOS or OVMF change; make check only replays the
# files, through tests/host/test_acpi_*.c.
#
# The boots go through tests/matrix/run with a throwaway matrix, so they use
# the matrix's QEMU command line: 256 MiB, -no-reboot (a triple fault ends
# QEMU instead of looping until the timeout), isa-debug-exit at 0xf4, serial to
# the log, a timeout, and for OVMF the ISO with a copy of OVMF_VARS and the
# options on a barmove.cfg FAT drive (scripts/mkcfgdisk.sh) with -boot d.
#
#   scripts/capture-fixtures.sh [NAME...]   default: every configuration
set -euo pipefail
cd "$(dirname "$0")/.."

# The devices of the matrix's conformance configurations (tests/matrix/matrix.cfg).
SUITE_DEVICES="-object memory-backend-ram,id=shm0,size=64M,share=on -device ivshmem-plain,memdev=shm0 -device nvme,serial=barmove0 -device edu -device virtio-rng-pci"
# Two PCIe root ports with a device each, as issue 3's configurations have.
ROOT_PORTS="-device pcie-root-port,id=rp1,chassis=1,slot=1 -device pcie-root-port,id=rp2,chassis=2,slot=2 -device nvme,serial=barmove1,bus=rp1 -device virtio-net-pci,bus=rp2"

# NAME -> "machine firmware boot timeout|devices"; the fixture is tests/host/fixtures/NAME.txt.
# Timeouts: the dump prints a few hundred lines and exits; OVMF alone takes
# ~6.5 s under TCG (DESIGN §8), so 30 s and 90 s only turn a hang into an error.
declare -A CONFIGS=(
    [acpi-q35-seabios]="q35 none kernel 30|"
    [acpi-pc-seabios]="pc none kernel 30|"
    [acpi-q35-seabios-devices]="q35 none kernel 30|$SUITE_DEVICES $ROOT_PORTS"
    [acpi-q35-ovmf]="q35 ovmf iso 90|$SUITE_DEVICES $ROOT_PORTS"
)
# SeaBIOS first, OVMF last: it is the slow one.
ORDER=(acpi-q35-seabios acpi-pc-seabios acpi-q35-seabios-devices acpi-q35-ovmf)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

matrix_section() { # NAME: one [NAME] section of a throwaway matrix.cfg
    local name=$1 machine firmware boot timeout devices
    read -r machine firmware boot timeout <<<"${CONFIGS[$name]%%|*}"
    devices=${CONFIGS[$name]#*|}
    printf '[%s]\nemulator = qemu\nmachine = %s\nfirmware = %s\nboot = %s\naccel = tcg\n' \
        "$name" "$machine" "$firmware" "$boot"
    printf 'cmdline = selftest=acpi-dump only=none\nexpect = nothing\ntimeout = %s\n' "$timeout"
    if [ -n "$devices" ]; then printf 'devices = %s\n' "$devices"; fi
}

capture() { # NAME
    local name=$1 fixture=tests/host/fixtures/$1.txt
    [ -n "${CONFIGS[$name]:-}" ] || { echo "unknown configuration $name" >&2; exit 2; }
    matrix_section "$name" >"$tmp/matrix.cfg"
    BARMOVE_MATRIX=$tmp/matrix.cfg tests/matrix/run -q "$name" >/dev/null || true
    {
        echo "# captured $(date -u +%Y-%m-%d) by scripts/capture-fixtures.sh, $("${QEMU:-qemu-system-x86_64}" --version | head -1)"
        echo "# configuration: $(tr '\n' ' ' <"$tmp/matrix.cfg")"
        grep -E '^# (acpi-dump |warning: ACPI)' "build/logs/$name.log" | sed 's/^# //' | sed 's/^warning: /# warning at capture: /'
    } >"$fixture"
    grep -q '^acpi-dump end ok' "$fixture" || { echo "capture of $name failed: see build/logs/$name.log" >&2; exit 1; }
    echo "captured $fixture ($(grep -c '^acpi-dump mem' "$fixture") lines of memory)"
}

make -s kernel iso tools
if [ $# -gt 0 ]; then ORDER=("$@"); fi
for name in "${ORDER[@]}"; do capture "$name"; done
