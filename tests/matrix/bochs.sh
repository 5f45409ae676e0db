# tests/matrix/bochs.sh: the Bochs half of tests/matrix/run (sourced by it).
#
# Bochs 2.7 (Debian 12) boots the unchanged ISO: it has no -kernel and no
# command line, so the configuration's options reach GRUB through the same
# barmove.cfg FAT image QEMU ISO boots use (DESIGN §1), attached as ata0-slave
# while the BIOS boots the cdrom. The runner writes a bochsrc per
# configuration from matrix.cfg (DESIGN §8 has the facts behind each line):
#   display_library: rfb, options="timeout=0"   Debian builds no "nogui"; the
#       rfb server serves nobody and does not wait for a client
#   -rc with "c" then "quit"                     the debugger stops at t=0
#   com1 mode=file                               the serial log (TAP)
#   panic: action=fatal                          ACPI soft-off is reported as a
#       "panic" and ends Bochs; a real panic ends it too, with its message in
#       NAME.bochs.log, which is kept beside the serial log
# Bochs sends COM1 at the emulated baud rate, so the kernel waits for THRE and
# TEMT (drivers/uart16550.c); its exit is ACPI soft-off (no isa-debug-exit).

BOCHS=${BOCHS:-bochs}
BOCHS_BIOS=/usr/share/bochs/BIOS-bochs-latest
BOCHS_VGABIOS=/usr/share/vgabios/vgabios.bin
BOCHS_MEGS=256
# Instructions per emulated second: the guest's TSC runs at this rate. 50 M is
# what Bochs 2.7 manages on these machines with clock sync off, so emulated
# time stays close to wall time and the kernel's bounded waits stay bounded.
BOCHS_IPS=50000000
# Bochs PCI devices the matrix may name (the bochsrc "pci: slotN=" values).
BOCHS_DEVICES=(pcivga e1000 usb_ohci usb_ehci usb_xhci usb_uhci)
BOCHS_SLOTS=5 # i440FX slots 1..5

# matrix.cfg keys for emulator = bochs: machine pc, firmware bochsbios, boot
# iso, accel none; devices = up to five of BOCHS_DEVICES, in slot order.
validate_bochs_section() {
    local name=$1 devices d
    check_value "$name" machine pc
    check_value "$name" firmware bochsbios
    check_value "$name" boot iso
    check_value "$name" accel none
    [ "$(get "$name" cfgdrive yes)" = yes ] ||
        key_error "$name" cfgdrive "Bochs needs the barmove.cfg drive: it has no other way to pass options"
    [ -z "${CFG[$name.truth]+set}" ] || key_error "$name" truth "truth = query-pci is QEMU's (QMP)"
    [ -z "${CFG[$name.kill]+set}" ] || key_error "$name" kill "kill = SEED is QEMU's (the runner finds QEMU by -name)"
    validate_entry_key "$name"
    read -r -a devices <<<"$(get "$name" devices)"
    [ ${#devices[@]} -le $BOCHS_SLOTS ] ||
        key_error "$name" devices "Bochs's i440FX has $BOCHS_SLOTS PCI slots, not ${#devices[@]}"
    for d in "${devices[@]}"; do
        is_one_of "$d" "${BOCHS_DEVICES[@]}" ||
            key_error "$name" devices "unknown Bochs PCI device '$d' (known: ${BOCHS_DEVICES[*]})"
    done
}

# The lines that switch a slot's device on (pcivga needs none).
bochs_device_lines() {
    local d
    for d in "$@"; do
        case $d in
        e1000) echo "e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=null" ;;
        usb_ohci | usb_ehci | usb_xhci | usb_uhci) echo "$d: enabled=1" ;;
        esac
    done
}

write_bochsrc() { # NAME
    local name=$1 devices slots="" i
    read -r -a devices <<<"$(get "$name" devices)"
    for i in "${!devices[@]}"; do slots+=", slot$((i + 1))=${devices[$i]}"; done
    "$MKCFGDISK" "$LOGS/$name.cfg.img" "$(get "$name" cmdline)" "$(get "$name" entry)" 0
    cat >"$LOGS/$name.bochsrc" <<EOF
# written by tests/matrix/run for [$name]
megs: $BOCHS_MEGS
romimage: file=$BOCHS_BIOS
vgaromimage: file=$BOCHS_VGABIOS
cpu: model=corei7_sandy_bridge_2600k, ips=$BOCHS_IPS
clock: sync=none
pci: enabled=1, chipset=i440fx$slots
$(bochs_device_lines "${devices[@]}")
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$ISO, status=inserted
ata0-slave: type=disk, path=$LOGS/$name.cfg.img, mode=flat, cylinders=4, heads=16, spt=63
boot: cdrom
com1: enabled=1, mode=file, dev=$LOGS/$name.serial
display_library: rfb, options="timeout=0"
log: $LOGS/$name.bochs.log
panic: action=fatal
error: action=report
info: action=report
debugger_log: -
EOF
    printf 'c\nquit\n' >"$LOGS/$name.bochs-rc"
}

bochs_version() {
    dpkg-query -W -f '${Version}' bochs 2>/dev/null || echo unknown
}

# Boot Bochs for NAME under its timeout; the serial file becomes NAME.log (\r
# stripped, after the header), shown once Bochs has ended.
boot_bochs() {
    local name=$1 seconds t0
    seconds=$(get "$name" timeout)
    write_bochsrc "$name"
    log_header "$name" "bochs=$(bochs_version)" >"$LOGS/$name.log"
    [ $QUIET = 1 ] || sed 's/^/    /' "$LOGS/$name.log"
    printf '# bochs command: %s -q -f %s -rc %s\n' "$BOCHS" "$LOGS/$name.bochsrc" \
        "$LOGS/$name.bochs-rc" >"$LOGS/$name.emulator.txt"
    : >"$LOGS/$name.serial"
    t0=$(now_us)
    set +e
    # From build/logs: Bochs's null network backend writes its packet dumps
    # (eth_null-tx*.txt) into the current directory.
    (cd "$LOGS" && exec timeout -k 5 "$seconds" "$BOCHS" -q -f "$LOGS/$name.bochsrc" \
        -rc "$LOGS/$name.bochs-rc" </dev/null >"$LOGS/$name.bochs.out" 2>&1)
    BOOT_STATUS=$?
    set -e
    BOOT_TENTHS=$((($(now_us) - t0 + 50000) / 100000))
    BOOT_TIMED_OUT=0
    if [ "$BOOT_STATUS" = 124 ] || [ "$BOOT_STATUS" = 137 ]; then BOOT_TIMED_OUT=1; fi
    sed 's/\r//g' "$LOGS/$name.serial" >>"$LOGS/$name.log"
    rm -f "$LOGS/$name.serial" "$LOGS/$name.cfg.img.lock"
    tail -n +2 "$LOGS/$name.log" | show_stream
    # A Bochs panic other than the soft-off ends the run too: say which (the
    # debugger's own chatter stays in NAME.bochs.out).
    grep -v 'ACPI control: soft power off' "$LOGS/$name.bochs.log" 2>/dev/null |
        grep '>>PANIC<<' | head -3 >>"$LOGS/$name.emulator.txt" || true
    [ -s "$LOGS/$name.bochs.log" ] || tail -3 "$LOGS/$name.bochs.out" >>"$LOGS/$name.emulator.txt"
}
