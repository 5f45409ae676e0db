/* The guest's record of config space (see shadow.h). Every modelled
 * register is kept as the dword hardware would hold, and the same two masks
 * describe it for writes and reads: which bits a write changes (the rest are
 * read-only: type bits, bits below a BAR's size, reserved nibbles) and which
 * bytes the shadow vouches for on a read. */
#include "shadow.h"

#include <string.h>

#define DWORD_COMMAND (PCI_COMMAND / 4u)
#define DWORD_BAR0 (PCI_BAR0 / 4u)
#define DWORD_MEM_WINDOW (PCI_MEMORY_BASE / 4u)     /* base in bits 15:0, limit in 31:16 */
#define DWORD_PREF_WINDOW (PCI_PREF_MEMORY_BASE / 4u)
#define DWORD_PREF_BASE_UPPER (PCI_PREF_BASE_UPPER32 / 4u)
#define DWORD_PREF_LIMIT_UPPER (PCI_PREF_LIMIT_UPPER32 / 4u)

#define BAR_MEM_FLAGS 0xfu /* space, type, prefetchable: read-only */
#define BAR_TYPE_64 0x4u
#define BAR_PREFETCHABLE 0x8u
#define COMMAND_BITS 0xffffu            /* STATUS, the upper half, is not modelled */
#define WINDOW_WRITABLE 0xfff0fff0u     /* address bits 31:20 of base and of limit */
#define WINDOW_TYPE_64 0x1u             /* prefetchable type nibble: 64-bit */
#define WINDOW_GRANULE 0xfffffu         /* 1 MiB: a limit covers its whole last MiB */
#define ALL_BITS 0xffffffffu

struct dword_masks {
    uint32_t writable; /* bits a write changes */
    uint32_t modelled; /* bits the shadow vouches for on a read */
};

static bool is_memory_kind(enum pci_bar_kind kind)
{
    return kind == PCI_BAR_MEM32 || kind == PCI_BAR_MEM64;
}

/* the BAR register at dword, or NULL when dword is not one of fn's BARs */
static const struct shadow_bar *bar_at(const struct shadow_function *f, unsigned dword)
{
    if (dword < DWORD_BAR0 || dword >= DWORD_BAR0 + f->bar_count)
        return NULL;
    return &f->bars[dword - DWORD_BAR0];
}

/* a memory BAR's low register: address bits at and above its size; the
 * upper register of a 64-bit BAR: address bits 63:32 at and above its size */
static struct dword_masks bar_masks(const struct shadow_bar *bar)
{
    uint64_t address_mask = ~(bar->size - 1);
    if (is_memory_kind(bar->kind))
        return (struct dword_masks){(uint32_t)address_mask & ~BAR_MEM_FLAGS, ALL_BITS};
    if (bar->kind == PCI_BAR_MEM64_UPPER)
        return (struct dword_masks){(uint32_t)(address_mask >> 32), ALL_BITS};
    return (struct dword_masks){0, 0};
}

/* PCI-PCI Bridge 1.2 §3.2.5.8-10: the upper dwords are read-only zero
 * unless the prefetchable window is 64-bit */
static struct dword_masks window_masks(const struct shadow_function *f, unsigned dword)
{
    if (dword == DWORD_MEM_WINDOW || dword == DWORD_PREF_WINDOW)
        return (struct dword_masks){WINDOW_WRITABLE, ALL_BITS};
    if (dword == DWORD_PREF_BASE_UPPER || dword == DWORD_PREF_LIMIT_UPPER)
        return (struct dword_masks){f->pref_window_64 ? ALL_BITS : 0, ALL_BITS};
    return (struct dword_masks){0, 0};
}

static struct dword_masks masks_of(const struct shadow_function *f, unsigned dword)
{
    if (dword == DWORD_COMMAND)
        return (struct dword_masks){COMMAND_BITS, COMMAND_BITS};
    const struct shadow_bar *bar = bar_at(f, dword);
    if (bar)
        return bar_masks(bar);
    if (f->is_bridge)
        return window_masks(f, dword);
    return (struct dword_masks){0, 0};
}

/* the bits of the dword that an access of width bytes at offset touches;
 * 0 when the access is malformed or crosses a dword */
static uint32_t lanes_of(uint16_t offset, unsigned width)
{
    unsigned shift = 8 * (offset & 3u);
    if ((width != 1 && width != 2 && width != 4) || (offset & 3u) + width > 4)
        return 0;
    return (width == 4 ? ALL_BITS : (1u << (8 * width)) - 1) << shift;
}

/* the function's record, or NULL when fn or the offset is out of the model */
static const struct shadow_function *function_at(const struct shadow *s, unsigned fn,
                                                 uint16_t offset)
{
    if (fn >= s->count || offset / 4 >= SHADOW_HEADER_DWORDS)
        return NULL;
    return &s->functions[fn];
}

static void note_sizing(struct shadow_function *f, unsigned dword, bool sizing)
{
    uint16_t bit = (uint16_t)(1u << dword);
    f->sizing = (uint16_t)(sizing ? f->sizing | bit : f->sizing & ~bit);
}

bool shadow_write(struct shadow *s, unsigned fn, uint16_t offset, unsigned width, uint32_t value)
{
    if (!function_at(s, fn, offset))
        return false;
    struct shadow_function *f = &s->functions[fn];
    unsigned dword = offset / 4;
    struct dword_masks m = masks_of(f, dword);
    uint32_t lanes = lanes_of(offset, width) & m.modelled;
    if (!lanes)
        return false;
    /* byte lanes merge: a 1- or 2-byte write leaves the dword's other bytes */
    uint32_t changed = lanes & m.writable;
    uint32_t shifted = value << (8 * (offset & 3u));
    uint32_t written = (f->reg[dword] & ~lanes) | (shifted & lanes); /* before the mask */
    f->reg[dword] = (f->reg[dword] & ~changed) | (shifted & changed);
    const struct shadow_bar *bar = bar_at(f, dword);
    if (bar) { /* a sizing write sets address bits that the mask then drops */
        uint32_t flags = is_memory_kind(bar->kind) ? BAR_MEM_FLAGS : 0;
        note_sizing(f, dword, (written | flags) == ALL_BITS);
    }
    return true;
}

bool shadow_expected_read(const struct shadow *s, unsigned fn, uint16_t offset, unsigned width,
                          uint32_t *value)
{
    const struct shadow_function *f = function_at(s, fn, offset);
    if (!f)
        return false;
    uint32_t lanes = lanes_of(offset, width);
    if (!lanes || (lanes & masks_of(f, offset / 4).modelled) != lanes)
        return false;
    *value = (f->reg[offset / 4] & lanes) >> (8 * (offset & 3u));
    return true;
}

/* ---- construction ---- */

static bool is_power_of_two(uint64_t size)
{
    return size != 0 && (size & (size - 1)) == 0;
}

/* a memory BAR the shadow can model: sized, and a 64-bit one has its upper
 * register inside the header (enumeration marks the others invalid anyway) */
static bool bar_modelled(const struct pci_function *fn, unsigned n)
{
    const struct pci_bar *bar = &fn->bars[n];
    if (!is_memory_kind(bar->kind) || !is_power_of_two(bar->size))
        return false;
    return bar->kind == PCI_BAR_MEM32 ||
           (n + 1 < fn->bar_count && fn->bars[n + 1].kind == PCI_BAR_MEM64_UPPER);
}

/* the BARs and their registers as found, latched through the same masks a
 * write goes through (so an unaligned address found would read aligned) */
static void init_bars(struct shadow_function *f, const struct pci_function *fn)
{
    for (unsigned n = 0; n < f->bar_count; n++) {
        if (!bar_modelled(fn, n))
            continue;
        const struct pci_bar *bar = &fn->bars[n];
        bool is64 = bar->kind == PCI_BAR_MEM64;
        f->bars[n] = (struct shadow_bar){bar->kind, bar->prefetchable, bar->size};
        uint32_t flags = (is64 ? BAR_TYPE_64 : 0) | (bar->prefetchable ? BAR_PREFETCHABLE : 0);
        f->reg[DWORD_BAR0 + n] = ((uint32_t)bar->addr & bar_masks(&f->bars[n]).writable) | flags;
        if (!is64)
            continue;
        f->bars[n + 1] = (struct shadow_bar){PCI_BAR_MEM64_UPPER, bar->prefetchable, bar->size};
        f->reg[DWORD_BAR0 + n + 1] =
            (uint32_t)(bar->addr >> 32) & bar_masks(&f->bars[n + 1]).writable;
        n++;
    }
}

/* base/limit registers: address bits 31:20 in bits 15:4 of each half */
static uint32_t window_dword(const struct pci_window *w, uint32_t type)
{
    uint32_t base = ((uint32_t)(w->base >> 16) & 0xfff0u) | type;
    uint32_t limit = ((uint32_t)(w->limit >> 16) & 0xfff0u) | type;
    return limit << 16 | base;
}

static void init_windows(struct shadow_function *f, const struct pci_bridge_info *b)
{
    f->pref_window_64 = b->pref.bits == 64;
    uint32_t pref_type = f->pref_window_64 ? WINDOW_TYPE_64 : 0;
    f->reg[DWORD_MEM_WINDOW] = window_dword(&b->mem, 0);
    f->reg[DWORD_PREF_WINDOW] = window_dword(&b->pref, pref_type);
    f->reg[DWORD_PREF_BASE_UPPER] = f->pref_window_64 ? (uint32_t)(b->pref.base >> 32) : 0;
    f->reg[DWORD_PREF_LIMIT_UPPER] = f->pref_window_64 ? (uint32_t)(b->pref.limit >> 32) : 0;
}

void shadow_init(struct shadow *s, const struct pci_topology *t)
{
    memset(s, 0, sizeof *s);
    s->count = t->count < PCI_MAX_FUNCTIONS ? t->count : PCI_MAX_FUNCTIONS;
    for (unsigned i = 0; i < s->count; i++) {
        const struct pci_function *fn = &t->functions[i];
        struct shadow_function *f = &s->functions[i];
        f->bdf = fn->bdf;
        f->upstream = fn->upstream;
        f->is_bridge = fn->is_bridge;
        f->bar_count = fn->bar_count < PCI_MAX_BARS ? fn->bar_count : PCI_MAX_BARS;
        f->reg[DWORD_COMMAND] = fn->command;
        init_bars(f, fn);
        if (f->is_bridge)
            init_windows(f, &fn->bridge);
    }
}

/* ---- accessors ---- */

/* the memory BAR named by its low register, or NULL */
static const struct shadow_bar *memory_bar(const struct shadow *s, unsigned fn, unsigned bar_num)
{
    if (fn >= s->count || bar_num >= s->functions[fn].bar_count)
        return NULL;
    const struct shadow_bar *bar = &s->functions[fn].bars[bar_num];
    return is_memory_kind(bar->kind) ? bar : NULL;
}

bool shadow_bar_is_memory(const struct shadow *s, unsigned fn, unsigned bar_num)
{
    return memory_bar(s, fn, bar_num) != NULL;
}

bool shadow_bar_is64(const struct shadow *s, unsigned fn, unsigned bar_num)
{
    const struct shadow_bar *bar = memory_bar(s, fn, bar_num);
    return bar && bar->kind == PCI_BAR_MEM64;
}

uint64_t shadow_bar_addr(const struct shadow *s, unsigned fn, unsigned bar_num)
{
    if (!memory_bar(s, fn, bar_num))
        return 0;
    const uint32_t *reg = &s->functions[fn].reg[DWORD_BAR0 + bar_num];
    uint64_t high = shadow_bar_is64(s, fn, bar_num) ? reg[1] : 0;
    return high << 32 | (reg[0] & ~BAR_MEM_FLAGS);
}

uint64_t shadow_bar_size(const struct shadow *s, unsigned fn, unsigned bar_num)
{
    const struct shadow_bar *bar = memory_bar(s, fn, bar_num);
    return bar ? bar->size : 0;
}

/* last written with every address bit set; a dword that implements none
 * (the low dword of a BAR of 4 GiB or more) holds no address, so it cannot
 * hold a sizing value */
static bool dword_sizing(const struct shadow_function *f, unsigned dword)
{
    return masks_of(f, dword).writable != 0 && (f->sizing >> dword & 1u);
}

bool shadow_bar_sizing(const struct shadow *s, unsigned fn, unsigned bar_num)
{
    if (!memory_bar(s, fn, bar_num))
        return false;
    const struct shadow_function *f = &s->functions[fn];
    return dword_sizing(f, DWORD_BAR0 + bar_num) ||
           (shadow_bar_is64(s, fn, bar_num) && dword_sizing(f, DWORD_BAR0 + bar_num + 1));
}

uint16_t shadow_command(const struct shadow *s, unsigned fn)
{
    return fn < s->count ? (uint16_t)s->functions[fn].reg[DWORD_COMMAND] : 0;
}

bool shadow_decode_on(const struct shadow *s, unsigned fn)
{
    return (shadow_command(s, fn) & PCI_COMMAND_MEMORY) != 0;
}

/* as drivers/pci_bridge.c decodes the live registers, from the record */
bool shadow_window(const struct shadow *s, unsigned fn, bool prefetchable, struct pci_window *out)
{
    if (fn >= s->count || !s->functions[fn].is_bridge)
        return false;
    const struct shadow_function *f = &s->functions[fn];
    uint32_t regs = f->reg[prefetchable ? DWORD_PREF_WINDOW : DWORD_MEM_WINDOW];
    bool wide = prefetchable && f->pref_window_64;
    uint64_t base_high = wide ? f->reg[DWORD_PREF_BASE_UPPER] : 0;
    uint64_t limit_high = wide ? f->reg[DWORD_PREF_LIMIT_UPPER] : 0;
    out->bits = wide ? 64 : 32;
    out->base = base_high << 32 | (uint64_t)(regs & 0xfff0u) << 16;
    out->limit = limit_high << 32 | (uint64_t)(regs >> 16 & 0xfff0u) << 16 | WINDOW_GRANULE;
    out->closed = out->limit < out->base;
    return true;
}
