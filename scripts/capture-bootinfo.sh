#!/usr/bin/env bash
# Captures real multiboot information blocks as host-test fixtures
# (tests/host/fixtures/bootinfo-*.txt): boots the kernel with
# selftest=bootinfo-dump on every boot path and keeps the dump lines.
# Run by hand after a boot path changes; make check only replays the files.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s kernel iso tools
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=iso-q35-seabios
# One throwaway matrix per capture: same runner, same QEMU command lines.
capture() { # NAME FIXTURE: a [NAME] section of matrix.cfg, booted with the dump option
    local name=$1 fixture=$2
    awk -v want="[$name]" '$0 == want {on = 1; print; next} /^\[/ {on = 0} on' \
        tests/matrix/matrix.cfg |
        sed -e 's/^cmdline *=.*//' -e 's/^expect *=.*/expect = nothing/' \
            -e "/^\[/a cmdline = selftest=bootinfo-dump only=none" >"$tmp/matrix.cfg"
    BARMOVE_MATRIX=$tmp/matrix.cfg tests/matrix/run -q "$name" >/dev/null || true
    {
        echo "# captured $(date -u +%Y-%m-%d) by scripts/capture-bootinfo.sh from matrix configuration $name"
        grep -E '^# bootinfo-dump ' "build/logs/$name.log" | sed 's/^# //'
    } >"tests/host/fixtures/$fixture"
    grep -q 'bootinfo-dump end' "tests/host/fixtures/$fixture" || { echo "capture of $name failed" >&2; exit 1; }
    echo "captured tests/host/fixtures/$fixture"
}
capture kernel-q35 bootinfo-qemu-kernel-mb1.txt
capture "$base" bootinfo-grub-seabios-mb2.txt
capture iso-q35-seabios-mb1 bootinfo-grub-seabios-mb1.txt
capture iso-q35-ovmf bootinfo-grub-ovmf-mb2.txt
