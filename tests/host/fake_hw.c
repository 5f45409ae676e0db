/* The host's implementation of the seam (drivers/hw.h), the only one linked
 * into build/host/unit: config accesses reach the fake fabric
 * (tests/host/fake_pci.c), MMIO reaches the simple model below (memory BARs
 * decode where config space puts them; see fake_pci.h), port I/O reaches
 * tests/host/fake_ports.c, DMA comes from a static buffer, and the clock
 * ticks 1 us per call.
 * Also the warning collector tests hand to the code under test. */
#include <stdio.h>
#include <string.h>

#include "../../drivers/pci.h"
#include "fake_pci.h"

#define MAX_WARNINGS 64

static char warnings[MAX_WARNINGS][200];
static unsigned warning_count;
static _Alignas(4096) uint8_t dma_pool[1 << 16];
static size_t dma_used;

bool hw_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                 uint32_t *value)
{
    return fake_pci_cfg_read(m, f, offset, width, value);
}

bool hw_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                  uint32_t value)
{
    return fake_pci_cfg_write(m, f, offset, width, value);
}


/* ---- MMIO: memory BARs decode where config space puts them ---- */

#define MAX_MMIO_BARS 16
#define MAX_MMIO_REGISTERS 160 /* declared registers, and RAM words once written */
#define MAX_MMIO_FAULTS 4
#define PAGE_FAULT 14

/* a BAR something was declared in: only those can answer anything but 0 */
struct mmio_bar {
    int h;
    unsigned bar;
    bool ram; /* a write anywhere creates the 8-byte word it lands in */
    const bool *live; /* when set and false: reads all-ones, writes vanish (Bochs's VGA) */
};

struct mmio_register {
    int h;
    unsigned bar, width;
    uint64_t offset;
    uint64_t value;    /* what a read returns */
    uint64_t writable; /* the bits a write changes */
    bool inverted;     /* a write stores the NOT of what is written */
};

static struct mmio_bar mmio_bars[MAX_MMIO_BARS];
static unsigned mmio_bar_count;
static struct mmio_register registers[MAX_MMIO_REGISTERS];
static unsigned register_count;
static uint64_t faults[MAX_MMIO_FAULTS];
static unsigned fault_count;
static struct fake_mmio_stats mmio_stats;

static void fake_mmio_reset(void)
{
    mmio_bar_count = register_count = fault_count = 0;
    memset(&mmio_stats, 0, sizeof mmio_stats);
}

static uint64_t lanes(unsigned width)
{
    return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

/* [base, base + size) of BAR bar of h while it decodes: MEM on, a memory
 * BAR, not at 0 (QEMU leaves a BAR at 0 unmapped); the size from the BAR's
 * write mask, both dwords of a 64-bit BAR; *stale: a second base (or 0) */
static bool bar_decodes(int h, unsigned bar, uint64_t *base, uint64_t *size, uint64_t *stale)
{
    uint16_t at = (uint16_t)(PCI_BAR0 + 4 * bar);
    uint32_t lo = fake_pci_peek(h, at, 4);
    bool mem = fake_pci_peek(h, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
    if (!(mem || fake_faults.mse_ignored) || (lo & 1))
        return false;
    uint64_t mask = 0xffffffff00000000ull | fake_pci_writable(h, at, 4), mapped;
    *base = lo & ~0xfull;
    if ((lo & 0x6) == 0x4 && bar < 5) {
        mask = (uint64_t)fake_pci_writable(h, (uint16_t)(at + 4), 4) << 32 | (uint32_t)mask;
        *base |= (uint64_t)fake_pci_peek(h, (uint16_t)(at + 4), 4) << 32;
    }
    *size = ~(mask & ~0xfull) + 1; /* the flag bits are never writable */
    if (fake_pci_fault_mapping(h, bar, &mapped, stale))
        *base = mapped;
    if (fake_faults.high_dword_ignored)
        *base &= 0xffffffffull;
    return *base != 0;
}

static bool inside(uint64_t phys, unsigned width, uint64_t base, uint64_t size)
{
    return base && phys >= base && phys - base <= size - width;
}

/* the first declared BAR that decodes [phys, phys + width), and the offset in it */
static const struct mmio_bar *decode(uint64_t phys, unsigned width, uint64_t *offset)
{
    for (unsigned i = 0; i < mmio_bar_count; i++) {
        uint64_t base, size, stale;
        if (!bar_decodes(mmio_bars[i].h, mmio_bars[i].bar, &base, &size, &stale))
            continue;
        if (!inside(phys, width, base, size) && stale != base && inside(phys, width, stale, size))
            base = stale;
        if (inside(phys, width, base, size)) {
            *offset = phys - base;
            return &mmio_bars[i];
        }
    }
    return NULL;
}

static struct mmio_bar *declared_bar(int h, unsigned bar)
{
    for (unsigned i = 0; i < mmio_bar_count; i++)
        if (mmio_bars[i].h == h && mmio_bars[i].bar == bar)
            return &mmio_bars[i];
    if (mmio_bar_count == MAX_MMIO_BARS) {
        fprintf(stderr, "fake_hw: more than %d MMIO BARs\n", MAX_MMIO_BARS);
        return NULL;
    }
    mmio_bars[mmio_bar_count] = (struct mmio_bar){h, bar, false, NULL};
    return &mmio_bars[mmio_bar_count++];
}

static struct mmio_register *add_register(int h, unsigned bar, uint64_t offset, unsigned width,
                                          uint64_t value, uint64_t writable, bool inverted)
{
    if (!declared_bar(h, bar) || register_count == MAX_MMIO_REGISTERS) {
        fprintf(stderr, "fake_hw: more than %d MMIO registers\n", MAX_MMIO_REGISTERS);
        return NULL;
    }
    registers[register_count] = (struct mmio_register){
        h, bar, width, offset, value & lanes(width), writable & lanes(width), inverted};
    return &registers[register_count++];
}

/* the register holding [offset, offset + width); in RAM, the word, created when create */
static struct mmio_register *register_at(const struct mmio_bar *b, uint64_t offset, unsigned width,
                                         bool create)
{
    for (unsigned i = 0; i < register_count; i++) {
        struct mmio_register *r = &registers[i];
        if (r->h == b->h && r->bar == b->bar && offset >= r->offset &&
            offset + width <= r->offset + r->width)
            return r;
    }
    return create && b->ram ? add_register(b->h, b->bar, offset & ~7ull, 8, 0, ~0ull, false) : NULL;
}

static uint64_t load(const struct mmio_bar *b, uint64_t offset, unsigned width)
{
    const struct mmio_register *r = register_at(b, offset, width, false);
    return r ? (r->value >> (8 * (offset - r->offset))) & lanes(width) : 0;
}

/* raw: a setup poke sets every bit as given; a device write only the writable ones */
static void store(const struct mmio_bar *b, uint64_t offset, unsigned width, uint64_t v, bool raw)
{
    struct mmio_register *r = register_at(b, offset, width, true);
    if (!r)
        return;
    unsigned shift = 8 * (unsigned)(offset - r->offset);
    uint64_t data = r->inverted && !raw ? ~v : v;
    uint64_t touched = (lanes(width) << shift) & (raw ? ~0ull : r->writable);
    r->value = (r->value & ~touched) | ((data << shift) & touched);
}

/* the seam's rules: a naturally aligned 1/2/4/8-byte access; -1 when broken */
static int access_fault(uint64_t phys, unsigned width)
{
    if (!(width == 1 || width == 2 || width == 4 || width == 8) || phys % width) {
        mmio_stats.bad_accesses++;
        return -1;
    }
    for (unsigned i = 0; i < fault_count; i++)
        if (faults[i] >= phys && faults[i] - phys < width)
            return PROBE_FAULTED | PAGE_FAULT;
    return 0;
}

int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *value)
{
    int fault = access_fault(phys, width);
    uint64_t offset = 0;
    mmio_stats.reads++;
    *value = 0;
    if (fault)
        return fault < 0 ? 0 : fault;
    const struct mmio_bar *b = decode(phys, width, &offset);
    if (b)
        *value = b->live && !*b->live ? lanes(width) : load(b, offset, width);
    return 0;
}

int hw_mmio_write(uint64_t phys, unsigned width, uint64_t value)
{
    int fault = access_fault(phys, width);
    uint64_t offset = 0;
    mmio_stats.writes++;
    if (fault)
        return fault < 0 ? 0 : fault;
    const struct mmio_bar *b = decode(phys, width, &offset);
    if (b && !(b->live && !*b->live))
        store(b, offset, width, value & lanes(width), false);
    return 0;
}

void fake_mmio_register(int h, unsigned bar, uint32_t offset, unsigned width, uint64_t value,
                        uint64_t writable)
{
    add_register(h, bar, offset, width, value, writable, false);
}

void fake_mmio_register_inverted(int h, unsigned bar, uint32_t offset, unsigned width,
                                 uint64_t value)
{
    add_register(h, bar, offset, width, value, ~0ull, true);
}

void fake_mmio_ram(int h, unsigned bar)
{
    struct mmio_bar *b = declared_bar(h, bar);
    if (b)
        b->ram = true;
}

void fake_mmio_gate(int h, unsigned bar, const bool *live)
{
    struct mmio_bar *b = declared_bar(h, bar);
    if (b)
        b->live = live;
}

void fake_mmio_poke(int h, unsigned bar, uint32_t offset, unsigned width, uint64_t value)
{
    const struct mmio_bar *b = declared_bar(h, bar);
    if (b)
        store(b, offset, width, value & lanes(width), true);
}

uint64_t fake_mmio_peek(int h, unsigned bar, uint32_t offset, unsigned width)
{
    const struct mmio_bar *b = declared_bar(h, bar);
    return b ? load(b, offset, width) : 0;
}

void fake_mmio_fault_at(uint64_t phys)
{
    if (fault_count < MAX_MMIO_FAULTS)
        faults[fault_count++] = phys;
}

const struct fake_mmio_stats *fake_mmio_stats(void)
{
    return &mmio_stats;
}

void *hw_dma_alloc(size_t size, size_t align, uint64_t *phys)
{
    size_t start = align ? (dma_used + align - 1) / align * align : dma_used;
    if (start > sizeof dma_pool || size > sizeof dma_pool - start)
        return NULL;
    dma_used = start + size;
    *phys = (uint64_t)(uintptr_t)(dma_pool + start);
    return dma_pool + start;
}

void hw_mmio_refresh(uint64_t phys)
{
    (void)phys; /* the model caches no translation */
}

uint64_t hw_time_ns(void)
{
    static uint64_t now;
    return now += 1000;
}

void fake_hw_reset(void)
{
    fake_mmio_reset();
    fake_ports_reset();
    warning_count = 0;
    memset(dma_pool, 0, dma_used);
    dma_used = 0;
}

void fake_warn(const char *text)
{
    if (warning_count < MAX_WARNINGS)
        snprintf(warnings[warning_count++], sizeof warnings[0], "%s", text);
}

unsigned fake_warn_count(void)
{
    return warning_count;
}

const char *fake_warn_text(unsigned i)
{
    return i < warning_count ? warnings[i] : "";
}

bool fake_warned(const char *needle)
{
    for (unsigned i = 0; i < warning_count; i++)
        if (strstr(warnings[i], needle))
            return true;
    return false;
}
