/* The fake PCI fabric behind tests/host/fake_hw.c's config accesses: config
 * spaces with write masks, the faults tests inject, and what tests observe
 * (see fake_pci.h). */
#include <stdio.h>
#include <string.h>

#include "../../drivers/pci.h"
#include "fake_pci.h"

#define CFG_SIZE 4096
#define HEADER_SIZE 64
#define STATUS_W1C 0xf900u /* parity, aborts, SERR: write-1-to-clear (PCI 3.0 §6.2.3) */
#define COMMAND_WRITABLE 0x0547u /* IO, MEM, MASTER, PERR, SERR, INTx disable */

struct fake_fn {
    struct pci_bdf bdf;
    uint8_t cfg[CFG_SIZE];
    uint8_t wmask[CFG_SIZE];      /* bits a config write may change */
    uint8_t initial[HEADER_SIZE]; /* the header as set up */
    uint8_t last_cap;             /* list tail for fake_pci_add_cap */
    uint8_t sized, sticks_all_ones, drops_restore; /* bit per BAR register */
    bool aliases_functions;
    uint8_t latched;            /* low-dword-ignored: bit per BAR with mapped[] valid */
    uint64_t mapped[6], stale[6]; /* by a BAR's low register (see fake_faults) */
};

struct fake_faults fake_faults;

static struct fake_fn fns[FAKE_PCI_MAX_FUNCTIONS];
static unsigned fn_count;
static struct fake_pci_stats stats;

static bool same_bdf(struct pci_bdf a, struct pci_bdf b)
{
    return a.segment == b.segment && a.bus == b.bus && a.device == b.device &&
           a.function == b.function;
}

static struct fake_fn *find(struct pci_bdf f)
{
    for (unsigned i = 0; i < fn_count; i++)
        if (same_bdf(fns[i].bdf, f))
            return &fns[i];
    struct pci_bdf f0 = f;
    f0.function = 0;
    for (unsigned i = 0; f.function && i < fn_count; i++)
        if (same_bdf(fns[i].bdf, f0) && fns[i].aliases_functions)
            return &fns[i];
    return NULL;
}

static uint32_t get(const uint8_t *bytes, uint16_t offset, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)bytes[offset + i] << (8 * i);
    return v;
}

static void put(uint8_t *bytes, uint16_t offset, unsigned width, uint32_t v)
{
    for (unsigned i = 0; i < width; i++)
        bytes[offset + i] = (uint8_t)(v >> (8 * i));
}

/* BAR register number at offset, or -1 */
static int bar_register(const struct fake_fn *fn, uint16_t offset)
{
    unsigned count = (fn->cfg[PCI_HEADER_TYPE] & 0x7f) == PCI_HEADER_BRIDGE ? 2 : 6;
    if (offset < PCI_BAR0 || offset >= PCI_BAR0 + 4 * count)
        return -1;
    return (offset - PCI_BAR0) / 4;
}

static bool is_mem64(const struct fake_fn *fn, int reg)
{
    return reg < 5 && (fn->cfg[PCI_BAR0 + 4 * reg] & 0x7) == 0x4;
}

/* the low register of the BAR that register reg belongs to */
static int bar_owner(const struct fake_fn *fn, int reg)
{
    for (int r = 0; r < reg; r += is_mem64(fn, r) ? 2 : 1)
        if (is_mem64(fn, r) && r + 1 == reg)
            return r;
    return reg;
}

static uint64_t bar_addr(const struct fake_fn *fn, int low)
{
    uint64_t hi = is_mem64(fn, low) ? get(fn->cfg, (uint16_t)(PCI_BAR0 + 4 * low + 4), 4) : 0;
    return hi << 32 | (get(fn->cfg, (uint16_t)(PCI_BAR0 + 4 * low), 4) & ~0xfu);
}

/* what the faults remember of a BAR write that moved low's BAR from before */
static void note_move(struct fake_fn *fn, int low, int reg, uint64_t before)
{
    if (fake_faults.stale_alias && before && before != bar_addr(fn, low) && !fn->stale[low])
        fn->stale[low] = before;
    if (!fake_faults.low_dword_ignored || !is_mem64(fn, low))
        return;
    if (!(fn->latched & (1u << low)))
        fn->mapped[low] = before;
    if (reg != low) /* the high dword: mapped with the low register as it stands */
        fn->mapped[low] = bar_addr(fn, low);
    fn->latched |= (uint8_t)(1u << low);
}

static uint32_t read_fn(const struct fake_fn *fn, uint16_t offset, unsigned width)
{
    uint32_t v = get(fn->cfg, offset, width);
    int bar = bar_register(fn, (uint16_t)(offset & ~3u));
    if (bar >= 0 && (fn->sized & fn->sticks_all_ones & (1u << bar)))
        v = 0xffffffffu >> (32 - 8 * width);
    return v;
}

static void note_bar_write(const struct fake_fn *fn, unsigned width, uint32_t value)
{
    if (width != 4 || value != 0xffffffffu)
        return;
    stats.bar_sizings++;
    if (get(fn->cfg, PCI_COMMAND, 2) & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
        stats.sized_with_decode_on++;
}

static void merge_byte(struct fake_fn *fn, uint16_t at, uint8_t byte)
{
    uint8_t w1c = 0;
    if (at == PCI_STATUS || at == PCI_STATUS + 1)
        w1c = (uint8_t)(STATUS_W1C >> (8 * (at - PCI_STATUS)));
    fn->cfg[at] = (uint8_t)((fn->cfg[at] & ~fn->wmask[at]) | (byte & fn->wmask[at]));
    fn->cfg[at] &= (uint8_t)~(byte & w1c);
}

/* byte by byte, as hardware merges a write into what the register implements */
static void write_fn(struct fake_fn *fn, uint16_t offset, unsigned width, uint32_t value)
{
    int bar = bar_register(fn, (uint16_t)(offset & ~3u));
    if (offset == PCI_COMMAND && width == 4)
        stats.command_dword_writes++;
    if (bar >= 0) {
        note_bar_write(fn, width, value);
        bool sizing = width == 4 && value == 0xffffffffu;
        if (!sizing && (fn->sized & fn->drops_restore & (1u << bar)))
            return;
        if (sizing)
            fn->sized |= (uint8_t)(1u << bar);
        if (fake_faults.drop_while_decoding && (fn->cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY))
            return;
        if (fake_faults.upper_dword_zero && bar_owner(fn, bar) != bar)
            return;
    }
    uint64_t before = bar >= 0 ? bar_addr(fn, bar_owner(fn, bar)) : 0;
    for (unsigned i = 0; i < width; i++)
        merge_byte(fn, (uint16_t)(offset + i), (uint8_t)(value >> (8 * i)));
    if (bar >= 0)
        note_move(fn, bar_owner(fn, bar), bar, before);
}

static bool access_ok(enum hw_cfg_mechanism m, uint16_t offset, unsigned width)
{
    bool ok = (width == 1 || width == 2 || width == 4) && offset % width == 0 &&
              offset + width <= (m == HW_CFG_CF8 ? 256u : CFG_SIZE);
    if (!ok)
        stats.bad_accesses++;
    if (++stats.accesses > FAKE_READ_LIMIT) {
        stats.limit_hit = true;
        return false;
    }
    return ok;
}

bool fake_pci_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                       uint32_t *value)
{
    if (!access_ok(m, offset, width))
        return false;
    struct fake_fn *fn = find(f);
    *value = fn ? read_fn(fn, offset, width) : 0xffffffffu >> (32 - 8 * width);
    return true;
}

bool fake_pci_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                        uint32_t value)
{
    if (!access_ok(m, offset, width))
        return false;
    struct fake_fn *fn = find(f);
    if (fn)
        write_fn(fn, offset, width, value);
    return true;
}

void fake_pci_reset(void)
{
    memset(fns, 0, sizeof fns[0] * fn_count);
    fn_count = 0;
    memset(&stats, 0, sizeof stats);
    memset(&fake_faults, 0, sizeof fake_faults);
    fake_hw_reset();
}

/* setup writes go to the live space and to the "as found" copy alike */
void fake_pci_poke(int h, uint16_t offset, unsigned width, uint32_t value)
{
    put(fns[h].cfg, offset, width, value);
    if (offset + width <= HEADER_SIZE)
        put(fns[h].initial, offset, width, value);
}

uint32_t fake_pci_peek(int h, uint16_t offset, unsigned width)
{
    return read_fn(&fns[h], offset, width);
}

void fake_pci_set_writable(int h, uint16_t offset, unsigned width, uint32_t mask)
{
    put(fns[h].wmask, offset, width, mask);
}

uint32_t fake_pci_writable(int h, uint16_t offset, unsigned width)
{
    return get(fns[h].wmask, offset, width);
}

int fake_pci_add(struct pci_bdf f, uint16_t vendor, uint16_t device, uint32_t class_code)
{
    if (fn_count == FAKE_PCI_MAX_FUNCTIONS) {
        fprintf(stderr, "fake_pci: more than %d functions\n", FAKE_PCI_MAX_FUNCTIONS);
        return 0;
    }
    int h = (int)fn_count++;
    fns[h].bdf = f;
    fake_pci_poke(h, PCI_VENDOR_ID, 2, vendor);
    fake_pci_poke(h, PCI_DEVICE_ID, 2, device);
    fake_pci_poke(h, PCI_CLASS_REVISION, 4, class_code << 8 | 0x01);
    fake_pci_set_writable(h, PCI_COMMAND, 2, COMMAND_WRITABLE);
    return h;
}

int fake_pci_add_bridge(struct pci_bdf f, uint8_t secondary, uint8_t subordinate)
{
    int h = fake_pci_add(f, 0x1b36, 0x0001, 0x060400);
    fake_pci_poke(h, PCI_HEADER_TYPE, 1, PCI_HEADER_BRIDGE);
    fake_pci_poke(h, PCI_PRIMARY_BUS, 1, f.bus);
    fake_pci_poke(h, PCI_SECONDARY_BUS, 1, secondary);
    fake_pci_poke(h, PCI_SUBORDINATE_BUS, 1, subordinate);
    fake_pci_set_writable(h, PCI_PRIMARY_BUS, 4, 0x00ffffff);
    fake_pci_set_writable(h, PCI_IO_BASE, 2, 0xf0f0);
    fake_pci_set_writable(h, PCI_MEMORY_BASE, 4, 0xfff0fff0);
    fake_pci_set_writable(h, PCI_PREF_MEMORY_BASE, 4, 0xfff0fff0);
    /* closed: base above limit, as firmware leaves an unused window */
    fake_pci_poke(h, PCI_IO_BASE, 2, 0x00f0);
    fake_pci_poke(h, PCI_MEMORY_BASE, 4, 0x0000fff0);
    fake_pci_poke(h, PCI_PREF_MEMORY_BASE, 4, 0x0000fff0);
    return h;
}

void fake_pci_set_multifunction(int h)
{
    fake_pci_poke(h, PCI_HEADER_TYPE, 1, fns[h].cfg[PCI_HEADER_TYPE] | PCI_HEADER_MULTIFUNCTION);
}

void fake_pci_alias_functions(int h)
{
    fns[h].aliases_functions = true;
}

void fake_pci_set_command(int h, uint16_t command)
{
    fake_pci_poke(h, PCI_COMMAND, 2, command);
}

void fake_pci_bar_mem32(int h, unsigned bar, uint32_t size, uint32_t addr, bool prefetchable)
{
    uint16_t at = (uint16_t)(PCI_BAR0 + 4 * bar);
    fake_pci_poke(h, at, 4, addr | (prefetchable ? 0x8u : 0));
    fake_pci_set_writable(h, at, 4, ~(size - 1) & ~0xfu);
}

void fake_pci_bar_mem64(int h, unsigned bar, uint64_t size, uint64_t addr, bool prefetchable)
{
    uint16_t at = (uint16_t)(PCI_BAR0 + 4 * bar);
    uint64_t mask = ~(size - 1);
    fake_pci_poke(h, at, 4, (uint32_t)addr | 0x4u | (prefetchable ? 0x8u : 0));
    fake_pci_set_writable(h, at, 4, (uint32_t)mask & ~0xfu);
    if (bar + 1 < 6) { /* a 64-bit BAR in the last slot has no upper register */
        fake_pci_poke(h, (uint16_t)(at + 4), 4, (uint32_t)(addr >> 32));
        fake_pci_set_writable(h, (uint16_t)(at + 4), 4, (uint32_t)(mask >> 32));
    }
}

void fake_pci_bar_io(int h, unsigned bar, uint32_t size, uint32_t addr, unsigned decoder_bits)
{
    uint16_t at = (uint16_t)(PCI_BAR0 + 4 * bar);
    uint32_t mask = ~(size - 1) & ~0x3u;
    fake_pci_poke(h, at, 4, addr | 0x1u);
    fake_pci_set_writable(h, at, 4, decoder_bits == 16 ? mask & 0xffffu : mask);
}

void fake_pci_add_cap(int h, uint8_t offset, uint8_t id)
{
    struct fake_fn *fn = &fns[h];
    uint8_t pointer_at = fn->last_cap ? (uint8_t)(fn->last_cap + 1) : PCI_CAPABILITY_LIST;
    fake_pci_poke(h, pointer_at, 1, offset);
    fake_pci_poke(h, offset, 2, id); /* next = 0: the end */
    fake_pci_poke(h, PCI_STATUS, 2, get(fn->cfg, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
    fn->last_cap = offset;
}

void fake_pci_bar_sticks_all_ones(int h, unsigned bar)
{
    fns[h].sticks_all_ones |= (uint8_t)(1u << bar);
}

void fake_pci_bar_drops_restore(int h, unsigned bar)
{
    fns[h].drops_restore |= (uint8_t)(1u << bar);
}

bool fake_pci_fault_mapping(int h, unsigned bar, uint64_t *mapped, uint64_t *stale)
{
    *mapped = fns[h].mapped[bar];
    *stale = fns[h].stale[bar];
    return (fns[h].latched >> bar) & 1;
}

const struct fake_pci_stats *fake_pci_stats(void)
{
    return &stats;
}

bool fake_pci_sized(int h, unsigned bar)
{
    return (fns[h].sized >> bar) & 1;
}

bool fake_pci_as_found(void)
{
    for (unsigned i = 0; i < fn_count; i++) {
        const struct fake_fn *fn = &fns[i];
        for (uint16_t at = PCI_BAR0; bar_register(fn, at) >= 0; at += 4)
            if (read_fn(fn, at, 4) != get(fn->initial, at, 4))
                return false;
        if (read_fn(fn, PCI_COMMAND, 2) != get(fn->initial, PCI_COMMAND, 2))
            return false;
    }
    return true;
}
