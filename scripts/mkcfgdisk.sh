#!/usr/bin/env bash
# mkcfgdisk.sh OUT.img "ARGS" [DEFAULT_ENTRY [MENU_TIMEOUT]]
#
# Writes a small FAT image holding /barmove.cfg, which the ISO's grub.cfg finds
# with `search --file /barmove.cfg` and sources (DESIGN §1):
#   set barmove_args="ARGS"
#   set default=DEFAULT_ENTRY     (if given: the GRUB menu entry index)
#   set timeout=MENU_TIMEOUT      (if given: seconds; the runner uses 0)
# Attach it as a second drive and keep booting the ISO (QEMU -boot d, Bochs
# boot: cdrom). Needs mtools only: no loop mount, no root.
set -euo pipefail

# Bochs needs a flat disk image with a 16-head, 63-sector geometry (DESIGN §1):
# 4 cylinders x 16 heads x 63 sectors x 512 bytes = 4 x 516096 bytes. QEMU takes
# the same image, so there is only one geometry.
readonly CYLINDERS=4 HEADS=16 SECTORS=63
readonly SIZE=$((CYLINDERS * HEADS * SECTORS * 512))

die() { echo "mkcfgdisk: $*" >&2; exit 1; }

# GRUB double quotes expand $ and treat \ and " specially: escape those three.
grub_quote() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//\$/\\\$}
    printf '"%s"' "$s"
}

# The file's text; a newline would start a second GRUB command, so refuse it.
cfg_text() {
    local args=$1 entry=$2 menu_timeout=$3
    [[ $args != *$'\n'* ]] || die "ARGS must be one line"
    echo "set barmove_args=$(grub_quote "$args")"
    if [ -n "$entry" ]; then echo "set default=$entry"; fi
    if [ -n "$menu_timeout" ]; then echo "set timeout=$menu_timeout"; fi
}

main() {
    if [ $# -lt 2 ] || [ $# -gt 4 ]; then
        die "usage: mkcfgdisk.sh OUT.img \"ARGS\" [DEFAULT_ENTRY [MENU_TIMEOUT]]"
    fi
    local out=$1 args=$2 entry=${3:-} menu_timeout=${4:-}
    [[ -z $entry || $entry =~ ^[0-9]+$ ]] || die "DEFAULT_ENTRY must be a menu index, got '$entry'"
    [[ -z $menu_timeout || $menu_timeout =~ ^[0-9]+$ ]] || die "MENU_TIMEOUT must be seconds, got '$menu_timeout'"

    TMPDIR_CFG=$(mktemp -d)
    trap 'rm -rf "$TMPDIR_CFG"' EXIT
    cfg_text "$args" "$entry" "$menu_timeout" >"$TMPDIR_CFG/barmove.cfg"

    # Build next to OUT and rename, so a reader never sees a half-written image.
    rm -f "$out.tmp"
    truncate -s "$SIZE" "$out.tmp"
    mformat -i "$out.tmp" -t "$CYLINDERS" -h "$HEADS" -s "$SECTORS" -v BARMOVECFG ::
    mcopy -i "$out.tmp" "$TMPDIR_CFG/barmove.cfg" ::/barmove.cfg
    mv -f "$out.tmp" "$out"
}

main "$@"
