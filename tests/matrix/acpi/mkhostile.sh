#!/usr/bin/env bash
# mkhostile.sh OUTDIR: writes semantically hostile ACPI tables, one file each,
# for QEMU's `-acpitable file=OUTDIR/NAME.aml` (README beside this file says
# which check each one feeds and what the kernel must log).
#
# Every table has a correct length and checksum (QEMU would fix them anyway,
# with a warning): what is wrong is what the tables say, which is what
# barmove's parsers must catch. Bad checksums and lengths are tested on the
# host, on mutated copies of real tables (tests/host/test_acpi_*.c).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: mkhostile.sh OUTDIR" >&2; exit 2; }
OUT=$1
mkdir -p "$OUT"

# le VALUE BYTES: VALUE little-endian as printf escapes (bash arithmetic is
# 64-bit, so any u64 fits; the mask keeps negative ones right)
le() {
    local v=$1 n=$2 i s=
    for ((i = 0; i < n; i++)); do s+=$(printf '\\x%02x' $(((v >> (8 * i)) & 0xff))); done
    printf '%s' "$s"
}

nbytes() { printf '%b' "$1" | wc -c; } # length of an escaped byte string

# pkglen CONTENT_LENGTH: AML PkgLength for a package whose contents (after the
# PkgLength itself) are CONTENT_LENGTH bytes; 1 or 2 bytes, as needed
pkglen() {
    local n=$1
    if ((n + 1 <= 0x3f)); then
        le $((n + 1)) 1
    else
        local t=$((n + 2))
        le $((0x40 | (t & 0x0f))) 1
        le $((t >> 4)) 1
    fi
}

# table FILE SIGNATURE REVISION BODY: header + body, checksum fixed
table() {
    local file=$1 sig=$2 rev=$3 body=$4 len sum
    len=$((36 + $(nbytes "$body")))
    {
        printf '%s' "$sig"
        printf '%b' "$(le "$len" 4)$(le "$rev" 1)\\x00BARMOVHOSTILE $(le 1 4)BMOV$(le 1 4)"
        printf '%b' "$body"
    } >"$file"
    sum=$(od -An -tu1 -v "$file" | tr -s ' ' '\n' | awk '{s += $1} END {print s % 256}')
    printf '%b' "$(le $(((256 - sum) % 256)) 1)" | dd of="$file" bs=1 seek=9 conv=notrunc status=none
}

# mcfg_entry BASE SEGMENT BUS_START BUS_END
mcfg_entry() { printf '%s' "$(le "$1" 8)$(le "$2" 2)$(le "$3" 1)$(le "$4" 1)$(le 0 4)"; }
mcfg() { table "$OUT/$1.aml" MCFG 1 "$(le 0 8)$2"; } # NAME ENTRIES

# ECAM over RAM: config writes would land on the kernel (loaded at 1 MiB).
mcfg mcfg-over-ram "$(mcfg_entry 0x00100000 0 0 255)"
# An inverted bus range (start 0x20, end 0x1f): no bus can use it.
mcfg mcfg-inverted "$(mcfg_entry 0xc0000000 0 0x20 0x1f)"
# Segment 1 decoding at q35's own ECAM (0xb0000000): an alias of segment 0.
mcfg mcfg-overlap "$(mcfg_entry 0xb0000000 1 0 255)"
# No entries at all.
mcfg mcfg-empty ""
# Base 0, segment 2: config space over the real-mode IVT and the BIOS data area.
mcfg mcfg-base-zero "$(mcfg_entry 0 2 0 255)"

# MADT whose second entry has length 0: a parser that trusts it never advances.
madt_body="$(le 0xfee00000 4)$(le 1 4)"
madt_body+="$(le 0 1)$(le 8 1)$(le 0 1)$(le 0 1)$(le 1 4)" # type 0: CPU 0, enabled
madt_body+="$(le 1 1)$(le 0 1)$(le 0 10)"                  # type 1 IOAPIC, length 0
table "$OUT/madt-zero-length.aml" APIC 3 "$madt_body"

# Resource descriptors of a host bridge _CRS
word_bus() { printf '%s' "\\x88$(le 13 2)\\x02\\x0c\\x00$(le 0 2)$(le "$1" 2)$(le "$2" 2)$(le 0 2)$(le $(($2 - $1 + 1)) 2)"; }
dword_mem() { printf '%s' "\\x87$(le 23 2)\\x00\\x0c\\x01$(le 0 4)$(le "$1" 4)$(le "$2" 4)$(le 0 4)$(le $(($2 - $1 + 1)) 4)"; }
qword_mem() { printf '%s' "\\x8a$(le "${3:-43}" 2)\\x00\\x0c\\x01$(le 0 8)$(le "$1" 8)$(le "$2" 8)$(le 0 8)$(le $(($2 - $1 + 1)) 8)"; }

# ssdt_crs NAME TEMPLATE: SSDT with Device (\_SB.PCI9) { Name (_CRS, Buffer) },
# a second host bridge as an expander bridge (pxb) would add
ssdt_crs() {
    local template=$2 tlen buffer name dev
    tlen=$(nbytes "$template")
    buffer="\\x11$(pkglen $((2 + tlen)))\\x0a$(le "$tlen" 1)$template"
    name="\\x08_CRS$buffer"
    dev="\\x5c\\x2e_SB_PCI9$name" # \_SB.PCI9 as a rooted DualNamePath
    table "$OUT/$1.aml" SSDT 2 "\\x5b\\x82$(pkglen "$(nbytes "$dev")")$dev"
}

# A host bridge window over RAM (1 MiB-256 MiB): a valid _CRS the address map
# must still clip to what is not RAM.
ssdt_crs ssdt-crs-over-ram "$(word_bus 0x80 0x80)$(dword_mem 0x00100000 0x0fffffff)\\x79\\x00"
# A host bridge window over the IOAPIC, HPET and LAPIC (0xfec00000-0xfeefffff):
# valid, but the address map must keep those ranges from every slot.
ssdt_crs ssdt-crs-over-apic "$(word_bus 0x82 0x82)$(dword_mem 0xfec00000 0xfeefffff)\x79\x00"
# A QWordMemory whose length field (0x40) runs past the buffer's end.
ssdt_crs ssdt-crs-past-end "$(word_bus 0x81 0x81)$(qword_mem 0x2000000000 0x20ffffffff 0x40)\\x79\\x00"

ls "$OUT"/*.aml
