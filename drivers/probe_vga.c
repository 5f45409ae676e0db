/* The std VGA (1234:1111, class 03:00:00) of QEMU (hw/display/vga-pci.c)
 * and Bochs 2.7 (iodev/display/vga.cc): BAR0 is the 16 MiB framebuffer.
 *
 * SCRATCH on RAM, like ivshmem: the last word of the framebuffer (the whole
 * BAR must move, not its first page; and it lies far past any visible
 * screen). QEMU backs the BAR with RAM always; Bochs only while a VBE mode
 * is on (vga.cc mem_read/mem_write: reads all-ones and drops writes
 * otherwise). So prepare turns on a small mode through the Bochs VBE
 * "DISPI" ports (index 0x1ce, data 0x1cf; both emulators, 16-bit): 320x200
 * at 8 bpp with the linear framebuffer, unless firmware left a mode on
 * (OVMF's GOP), which is used as found. Restore turns the mode off again
 * and puts xres, yres and bpp back (they change only while it is off).
 * QEMU leaves the legacy VGA registers as the mode set them (graphics):
 * the text screen stays blank until a mode set, which barmove, talking on
 * the serial port only, does not need.
 *
 * A std VGA of another class (QEMU's secondary-vga, bochs-display) has no
 * VBE ports: the ones at 0x1ce would be another card's; no probe. Where the
 * ports do not answer (no DISPI ID), the framebuffer is used as it is. */
#include "probes.h"

#define VGA_BAR 0
#define VGA_CLASS 0x030000u
#define WORD 8 /* the last word probe_place_last_word takes */
#define VBE_INDEX_PORT 0x1ce
#define VBE_DATA_PORT 0x1cf
#define VBE_ID 0
#define VBE_XRES 1
#define VBE_YRES 2
#define VBE_BPP 3
#define VBE_ENABLE 4
#define VBE_ID_FIRST 0xb0c0u /* VBE_DISPI_ID0 ... */
#define VBE_ID_LAST 0xb0cfu
#define VBE_ENABLED 0x01u
#define VBE_LFB_ENABLED 0x40u
#define MODE_XRES 320
#define MODE_YRES 200
#define MODE_BPP 8

/* p->saved, when prepare set the mode: bit 63, and the registers it found
 * (xres bits 15:0, yres 31:16, bpp 47:32, enable 55:48: it defines bits 7:0 only) */
#define SAVED_CHANGED (1ull << 63)
#define SAVED_FIELD(saved, n) ((uint16_t)((saved) >> (16 * (n))))

static uint16_t dispi_read(uint16_t index)
{
    hw_port_out(VBE_INDEX_PORT, 2, index);
    return (uint16_t)hw_port_in(VBE_DATA_PORT, 2);
}

static void dispi_write(uint16_t index, uint16_t value)
{
    hw_port_out(VBE_INDEX_PORT, 2, index);
    hw_port_out(VBE_DATA_PORT, 2, value);
}

static bool vga_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    if (bar_num != VGA_BAR || !probe_bar_is_memory(f, bar_num) || p->bar_size < WORD)
        return false;
    if (f->class_code != VGA_CLASS) {
        p->reason = "std VGA without the legacy VBE ports: its mode cannot be set";
        return false;
    }
    return probe_place_last_word(p, "framebuffer of 4 GiB or more: its last word is out of reach");
}

/* the mode prepare found, if it set one: off first, then the resolution */
static bool put_back(struct probe *p)
{
    uint64_t saved = p->saved;
    if (!(saved & SAVED_CHANGED))
        return true;
    p->saved = 0;
    dispi_write(VBE_ENABLE, SAVED_FIELD(saved, 3) & 0xff);
    dispi_write(VBE_XRES, SAVED_FIELD(saved, 0));
    dispi_write(VBE_YRES, SAVED_FIELD(saved, 1));
    dispi_write(VBE_BPP, SAVED_FIELD(saved, 2));
    return !(dispi_read(VBE_ENABLE) & VBE_ENABLED);
}

static const char *vga_prepare(struct probe *p, uint64_t base)
{
    put_back(p); /* a second prepare starts from the state first found */
    uint16_t id = dispi_read(VBE_ID);
    if (id < VBE_ID_FIRST || id > VBE_ID_LAST) /* no VBE: RAM as it is, or nothing */
        return probe_scratch_prepare(p, base)
                   ? "std VGA: the framebuffer keeps nothing and no VBE ports turn a mode on"
                   : NULL;
    uint16_t enable = dispi_read(VBE_ENABLE);
    if (!(enable & VBE_ENABLED)) {
        p->saved = SAVED_CHANGED | (uint64_t)(enable & 0xff) << 48 |
                   (uint64_t)dispi_read(VBE_BPP) << 32 | (uint64_t)dispi_read(VBE_YRES) << 16 |
                   dispi_read(VBE_XRES);
        dispi_write(VBE_XRES, MODE_XRES);
        dispi_write(VBE_YRES, MODE_YRES);
        dispi_write(VBE_BPP, MODE_BPP);
        dispi_write(VBE_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
        if (!(dispi_read(VBE_ENABLE) & VBE_ENABLED)) {
            put_back(p);
            return "std VGA: the VBE mode did not turn on";
        }
    }
    const char *why = probe_scratch_prepare(p, base);
    if (why)
        put_back(p);
    return why;
}

static bool vga_restore(struct probe *p, uint64_t base)
{
    bool restored = probe_scratch_restore(p, base);
    return put_back(p) && restored;
}

const struct probe_type probe_vga_framebuffer = {
    .name = "vga-framebuffer",
    .strength = PROBE_SCRATCH,
    .ram = true,
    .match = vga_match,
    .prepare = vga_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = vga_restore,
};
