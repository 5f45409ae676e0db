/* BAR decoding, sizing (the Linux way, probe.c __pci_read_base, with decode
 * off once per function as Linux's batched sizing does) and live access. */
#include "../kernel/format.h"
#include "pci.h"

#define BAR_SPACE_IO 0x1u
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_32 0x0u
#define BAR_MEM_TYPE_1M 0x2u /* "below 1 MiB", reserved since PCI 3.0 */
#define BAR_MEM_TYPE_64 0x4u
#define BAR_MEM_PREFETCH 0x8u
#define BAR_MEM_FLAGS 0xfu
#define BAR_IO_FLAGS 0x3u
#define ALL_ONES 0xffffffffu

uint16_t pci_bar_offset(unsigned bar_num)
{
    return (uint16_t)(PCI_BAR0 + 4 * bar_num);
}

static uint64_t lowest_set_bit(uint64_t v)
{
    return v & (~v + 1);
}

/* the register values saved and read while sizing one BAR */
struct bar_sizing {
    uint32_t orig_lo, orig_hi;
    uint32_t mask_lo, mask_hi;
    uint32_t now_lo, now_hi; /* read back after the restore */
    bool sized, is64;
};

static bool restore_failed(const struct bar_sizing *s)
{
    return s->sized && (s->now_lo != s->orig_lo || s->now_hi != s->orig_hi);
}

static void decode_memory(uint32_t lo, uint32_t hi_or_zero, struct pci_bar *out)
{
    out->prefetchable = (lo & BAR_MEM_PREFETCH) != 0;
    out->addr = ((uint64_t)hi_or_zero << 32) | (lo & ~BAR_MEM_FLAGS);
}

/* a 64-bit BAR needs the register above it: in the last slot there is none */
static void decode_memory64(struct pci_bdf f, uint32_t lo, unsigned bar_num, unsigned bar_count,
                            struct pci_bar *out)
{
    if (bar_num + 1 >= bar_count) {
        out->kind = PCI_BAR_INVALID;
        out->problem = "64-bit BAR in the last slot";
        decode_memory(lo, 0, out);
        return;
    }
    out->kind = PCI_BAR_MEM64;
    decode_memory(lo, pci_cfg_read32(f, pci_bar_offset(bar_num + 1)), out);
}

static void decode_memory32(uint32_t lo, struct pci_bar *out)
{
    decode_memory(lo, 0, out);
    if ((lo & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_32)
        return;
    out->kind = PCI_BAR_INVALID;
    bool below_1m = (lo & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_1M;
    out->problem = below_1m ? "reserved memory type (below 1 MiB)" : "reserved memory type";
}

void pci_bar_decode(struct pci_bdf f, unsigned bar_num, unsigned bar_count, struct pci_bar *out)
{
    uint32_t lo = pci_cfg_read32(f, pci_bar_offset(bar_num));
    *out = (struct pci_bar){.kind = PCI_BAR_MEM32, .index = (uint8_t)bar_num};
    if (lo == ALL_ONES) {
        /* no BAR can hold this (I/O bit 1 is reserved): the function is gone or lies */
        out->kind = PCI_BAR_INVALID;
        out->problem = "BAR reads all-ones";
    } else if (lo & BAR_SPACE_IO) {
        out->kind = PCI_BAR_IO;
        out->addr = lo & ~BAR_IO_FLAGS;
    } else if ((lo & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64) {
        decode_memory64(f, lo, bar_num, bar_count, out);
    } else {
        decode_memory32(lo, out);
    }
}

/* address bits of the sizing reads as a 64-bit mask; what a narrower
 * decoder hardwires to zero above its width counts as ones, so every kind
 * sizes alike: a 32-bit BAR's upper dword, a 16-bit I/O decoder's upper half */
static uint64_t sizing_mask(const struct pci_bar *bar, const struct bar_sizing *s)
{
    if (bar->kind == PCI_BAR_MEM64)
        return ((uint64_t)s->mask_hi << 32) | (s->mask_lo & ~BAR_MEM_FLAGS);
    if (bar->kind != PCI_BAR_IO)
        return 0xffffffff00000000u | (s->mask_lo & ~BAR_MEM_FLAGS);
    uint64_t mask = 0xffffffff00000000u | (s->mask_lo & ~BAR_IO_FLAGS);
    if ((s->mask_lo & 0xffff0000u) == 0)
        mask |= 0xffff0000u;
    return mask;
}

/* size = the lowest writable address bit; the bits above it must be
 * contiguous (a 64-bit mask may stop short at the top: Bochs's xHCI reads
 * its upper dword as 0 whatever is written) */
static void size_from_sizing(struct pci_bar *bar, const struct bar_sizing *s)
{
    if (s->mask_lo == 0 && s->mask_hi == 0) {
        *bar = (struct pci_bar){.kind = PCI_BAR_UNUSED, .index = bar->index};
        return;
    }
    uint32_t flags = bar->kind == PCI_BAR_IO ? BAR_IO_FLAGS : BAR_MEM_FLAGS;
    if ((s->mask_lo & ~flags) == 0 && s->mask_hi == 0) {
        bar->kind = PCI_BAR_INVALID;
        bar->problem = "sizing read has no address bits";
        return;
    }
    uint64_t mask = sizing_mask(bar, s);
    bar->size = lowest_set_bit(mask);
    uint64_t above = mask / bar->size;
    if ((above & (above + 1)) != 0)
        bar->problem = "size mask has holes";
}

static bool bar_needs_sizing(const struct pci_bar *bar)
{
    return bar->kind == PCI_BAR_IO || bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64;
}

/* all-ones into both dwords, read the masks, write the originals back;
 * only ever called with decode off */
static void size_one(struct pci_bdf f, const struct pci_bar *bar, struct bar_sizing *s)
{
    uint16_t lo = pci_bar_offset(bar->index), hi = (uint16_t)(lo + 4);
    bool is64 = s->is64 = bar->kind == PCI_BAR_MEM64;
    s->orig_lo = pci_cfg_read32(f, lo);
    s->orig_hi = is64 ? pci_cfg_read32(f, hi) : 0;
    pci_cfg_write32(f, lo, ALL_ONES);
    if (is64)
        pci_cfg_write32(f, hi, ALL_ONES);
    s->mask_lo = pci_cfg_read32(f, lo);
    s->mask_hi = is64 ? pci_cfg_read32(f, hi) : 0;
    pci_cfg_write32(f, lo, s->orig_lo);
    if (is64)
        pci_cfg_write32(f, hi, s->orig_hi);
    s->sized = true;
}

/* the restore must stick: a hypervisor that keeps the sizing value (or a
 * function that vanished) would leave the BAR somewhere else */
static void verify_restore(struct pci_bdf f, struct pci_bar *bar, struct bar_sizing *s)
{
    uint16_t lo = pci_bar_offset(bar->index);
    s->now_lo = pci_cfg_read32(f, lo);
    s->now_hi = s->is64 ? pci_cfg_read32(f, (uint16_t)(lo + 4)) : 0;
    if (!restore_failed(s))
        return;
    bar->kind = PCI_BAR_INVALID;
    bar->problem = s->now_lo == ALL_ONES ? "BAR reads back all-ones after restore"
                                         : "BAR restore did not stick";
}

static void warn_bar(struct pci_bdf f, const struct pci_bar *bar, const struct bar_sizing *s,
                     void (*warn)(const char *))
{
    char name[16], text[200];
    pci_bdf_format(f, name, sizeof name);
    int n = format(text, sizeof text, "%s BAR%u: %s", name, bar->index, bar->problem);
    if (restore_failed(s) && n > 0 && (size_t)n < sizeof text)
        format(text + n, sizeof text - (size_t)n, ": wrote 0x%08x%08x, reads 0x%08x%08x",
               s->orig_hi, s->orig_lo, s->now_hi, s->now_lo);
    warn(text);
}

/* decode each register once: a 64-bit BAR claims the register above it */
static void decode_all(struct pci_bdf f, struct pci_bar *bars, unsigned bar_count)
{
    for (unsigned n = 0; n < bar_count; n++) {
        pci_bar_decode(f, n, bar_count, &bars[n]);
        if (bars[n].kind == PCI_BAR_MEM64 && n + 1 < bar_count) {
            bars[n + 1] = (struct pci_bar){.kind = PCI_BAR_MEM64_UPPER, .index = (uint8_t)(n + 1)};
            n++;
        }
    }
}

/* COMMAND around sizing: as found, while sizing, after the restore */
struct command_trace {
    uint16_t found, during, after;
};

/* decode off (a 16-bit COMMAND write, only when on), size every BAR, decode
 * back on. "No printks while decoding is disabled!" (Linux probe.c): nothing
 * here may warn, a console behind this very function would be gone. */
static void size_with_decode_off(struct pci_bdf f, const struct pci_bar *bars, unsigned bar_count,
                                 struct bar_sizing *sizing, struct command_trace *cmd)
{
    uint16_t decode = cmd->found & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    cmd->during = cmd->found;
    if (decode) {
        pci_cfg_write16(f, PCI_COMMAND, (uint16_t)(cmd->found & ~decode));
        cmd->during = pci_cfg_read16(f, PCI_COMMAND);
    }
    for (unsigned n = 0; n < bar_count; n++)
        if (bar_needs_sizing(&bars[n]))
            size_one(f, &bars[n], &sizing[n]);
    if (decode)
        pci_cfg_write16(f, PCI_COMMAND, cmd->found);
    cmd->after = pci_cfg_read16(f, PCI_COMMAND);
}

static void warn_command(struct pci_bdf f, const struct command_trace *cmd,
                         void (*warn)(const char *))
{
    char name[16], text[160];
    pci_bdf_format(f, name, sizeof name);
    if (cmd->during & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO)) {
        /* Bochs's std VGA has a read-only COMMAND: its BARs were sized decoding */
        format(text, sizeof text, "%s: decode stayed on while sizing: COMMAND reads 0x%04x", name,
               cmd->during);
        warn(text);
    }
    if (cmd->after != cmd->found) {
        format(text, sizeof text, "%s: COMMAND restore did not stick: wrote 0x%04x, reads 0x%04x",
               name, cmd->found, cmd->after);
        warn(text);
    }
}

void pci_bars_size(struct pci_bdf f, struct pci_bar *bars, unsigned bar_count,
                   void (*warn)(const char *))
{
    struct bar_sizing sizing[PCI_MAX_BARS] = {0};
    struct command_trace cmd = {.found = pci_cfg_read16(f, PCI_COMMAND)};
    if (bar_count > PCI_MAX_BARS)
        bar_count = PCI_MAX_BARS;
    decode_all(f, bars, bar_count);
    size_with_decode_off(f, bars, bar_count, sizing, &cmd);
    if (warn)
        warn_command(f, &cmd, warn);
    for (unsigned n = 0; n < bar_count; n++) {
        if (sizing[n].sized) {
            size_from_sizing(&bars[n], &sizing[n]);
            verify_restore(f, &bars[n], &sizing[n]); /* last: its problem wins */
        }
        if (bars[n].problem && warn)
            warn_bar(f, &bars[n], &sizing[n], warn);
    }
}

/* BAR registers of f's header type: a bridge's register 2 would be its bus numbers */
static unsigned bar_count_of(struct pci_bdf f)
{
    uint8_t type = pci_cfg_read8(f, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
    if (type == PCI_HEADER_NORMAL)
        return PCI_MAX_BARS;
    return type == PCI_HEADER_BRIDGE ? PCI_BRIDGE_BARS : 0;
}

uint64_t pci_bar_get_addr(struct pci_bdf f, unsigned bar_num)
{
    uint32_t lo = pci_cfg_read32(f, pci_bar_offset(bar_num));
    if (lo & BAR_SPACE_IO)
        return lo & ~BAR_IO_FLAGS;
    uint64_t hi = pci_bar_is64(f, bar_num) ? pci_cfg_read32(f, pci_bar_offset(bar_num + 1)) : 0;
    return (hi << 32) | (lo & ~BAR_MEM_FLAGS);
}

bool pci_bar_is_memory(struct pci_bdf f, unsigned bar_num)
{
    return (pci_cfg_read32(f, pci_bar_offset(bar_num)) & BAR_SPACE_IO) == 0;
}

bool pci_bar_is64(struct pci_bdf f, unsigned bar_num)
{
    uint32_t lo = pci_cfg_read32(f, pci_bar_offset(bar_num));
    return (lo & BAR_SPACE_IO) == 0 && (lo & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64 &&
           bar_num + 1 < bar_count_of(f);
}

uint64_t pci_bar_size(const struct pci_function *fn, unsigned bar_num)
{
    return bar_num < fn->bar_count ? fn->bars[bar_num].size : 0;
}

/* Linux pci_std_update_resource(): "We can't update a 64-bit BAR atomically,
 * so when possible, disable decoding so that a half-updated BAR won't
 * conflict with another device." */
bool pci_bar_set_addr(struct pci_bdf f, unsigned bar_num, uint64_t addr)
{
    bool is64 = pci_bar_is64(f, bar_num);
    uint16_t cmd = pci_command_clear(f, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    pci_cfg_write32(f, pci_bar_offset(bar_num), (uint32_t)addr);
    if (is64)
        pci_cfg_write32(f, pci_bar_offset(bar_num + 1), (uint32_t)(addr >> 32));
    if (cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO))
        pci_cfg_write16(f, PCI_COMMAND, cmd);
    return pci_bar_get_addr(f, bar_num) == addr;
}
