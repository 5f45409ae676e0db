/* The hostile machine of a random run (sim_random.h), and the seed's build. */
#include <string.h>

#include "sim.h"
#include "sim_devices.h"
#include "sim_random.h"

#define GIB (1ull << 30)
#define FOUR_GIB (4 * GIB)
#define PAGE 0x1000ull

uint64_t sim_random_seed;

uint64_t sim_random_next(struct sim_random *g)
{
    uint64_t z = (g->state += 0x9e3779b97f4a7c15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t sim_random_in(struct sim_random *g, uint64_t lo, uint64_t hi)
{
    return hi - lo == UINT64_MAX ? sim_random_next(g) : lo + sim_random_next(g) % (hi - lo + 1);
}

void sim_random_use(struct sim_random *g, uint64_t first, uint64_t last)
{
    if (g->used_count < SIM_RANDOM_MAX_USED) {
        g->used[g->used_count].first = first;
        g->used[g->used_count++].last = last;
    }
}

bool sim_random_free(const struct sim_random *g, uint64_t first, uint64_t last)
{
    for (unsigned i = 0; i < g->used_count; i++)
        if (first <= g->used[i].last && g->used[i].first <= last)
            return false;
    return true;
}

bool sim_random_place(struct sim_random *g, uint64_t size, uint64_t lo, uint64_t hi, uint64_t *at)
{
    uint64_t first = (lo + size - 1) & ~(size - 1);
    if (!size || first < lo || first > hi || hi - first < size - 1)
        return false;
    uint64_t slots = (hi - first - (size - 1)) / size + 1;
    for (unsigned tries = 0; tries < 64; tries++) { /* at random, as a firmware with gaps */
        uint64_t a = first + sim_random_in(g, 0, slots - 1) * size;
        if (sim_random_free(g, a, a + size - 1)) {
            sim_random_use(g, a, a + size - 1);
            *at = a;
            return true;
        }
    }
    for (uint64_t k = 0; k < slots && k < (1u << 16); k++) /* then packed, from the bottom */
        if (sim_random_free(g, first + k * size, first + k * size + size - 1)) {
            *at = first + k * size;
            sim_random_use(g, *at, *at + size - 1);
            return true;
        }
    return false;
}

/* a RAM range cut into pieces: some gaps left out of the map, some reserved */
static void ram_with_holes(struct sim_random *g, struct sim_machine *m, uint64_t base, uint64_t end)
{
    unsigned pieces = (unsigned)sim_random_in(g, 1, 4);
    for (unsigned i = 0; i < pieces && base < end; i++) {
        uint64_t cut = i + 1 == pieces ? end : base + sim_random_in(g, 1, (end - base) / 2);
        uint64_t gap = i + 1 == pieces ? 0 : sim_random_in(g, 0, 64) * PAGE + sim_random_in(g, 0, 3) * 0x10;
        sim_machine_add_memory(m, base, cut - base, MEM_RAM);
        if (gap && sim_random_in(g, 0, 1))
            sim_machine_add_memory(m, cut, gap, MEM_RESERVED);
        base = cut + gap;
    }
}

/* odd RAM (and RAM overlapped by a reserved range) inside the PCI hole */
static void ram_in_hole(struct sim_random *g, struct sim_machine *m)
{
    for (unsigned n = (unsigned)sim_random_in(g, 0, 3); n; n--) {
        uint64_t len = sim_random_in(g, 1, 64) * PAGE - sim_random_in(g, 0, 1) * 0x123;
        uint64_t base = sim_random_in(g, g->hole_lo, g->hole_hi - len) & ~0xfull;
        if (!sim_random_free(g, base, base + len - 1))
            continue;
        sim_machine_add_memory(m, base, len, MEM_RAM);
        sim_random_use(g, base, base + len - 1);
        if (sim_random_in(g, 0, 1))
            sim_machine_add_memory(m, base + len / 2, len, MEM_RESERVED);
    }
}

static void add_window(struct sim_machine *m, uint64_t base, uint64_t end)
{
    if (base < end && m->window_count < SIM_MACHINE_MAX_WINDOWS)
        m->windows[m->window_count++] = (struct acpi_window){base, end};
}

/* _CRS below 4 GiB: split around the ECAM (SeaBIOS), one window over it,
 * or one that reaches into RAM and over the APICs and the flash */
static void windows_low(struct sim_random *g, struct sim_machine *m, uint64_t ecam_last)
{
    uint64_t ecam = m->ecam.base;
    switch (sim_random_in(g, 0, 2)) {
    case 0:
        add_window(m, g->hole_lo, ecam - 1);
        add_window(m, ecam_last + 1, 0xfebfffff);
        break;
    case 1: add_window(m, g->hole_lo, 0xfebfffff); break;
    default: add_window(m, g->hole_lo - 256 * 1024 * 1024, 0xffffffff); break;
    }
}

void sim_random_machine(struct sim_random *g, struct sim_machine *m)
{
    static const unsigned bits[] = {36, 39, 40, 40, 42, 46};
    static const uint64_t tops[] = {GIB, 2 * GIB, 0xb0000000, 3 * GIB};
    memset(m, 0, sizeof *m);
    m->phys_bits = bits[sim_random_in(g, 0, 5)];
    uint64_t top = tops[sim_random_in(g, 0, 3)];
    g->hole_lo = top;
    g->hole_hi = 0xfebfffff;
    sim_machine_add_memory(m, 0, 0x9fc00, MEM_RAM);
    sim_machine_add_memory(m, 0x9fc00, 0x400, MEM_RESERVED);
    sim_machine_add_memory(m, 0xf0000, 0x10000, MEM_RESERVED);
    ram_with_holes(g, m, 0x100000, top - 0x20000);
    sim_machine_add_memory(m, top - 0x20000, 0x20000, MEM_RESERVED);
    sim_random_use(g, 0, top - 1);
    /* the ECAM: 256 MiB-aligned in the hole, all 256 buses or the first 64 */
    uint64_t ecam = sim_random_in(g, top >> 28, 0xe) << 28;
    unsigned buses = sim_random_in(g, 0, 1) ? 255 : 63;
    m->ecam = (struct acpi_mcfg_entry){ecam, 0, 0, (uint8_t)buses};
    uint64_t ecam_last = ecam + ((uint64_t)(buses + 1) << 20) - 1;
    sim_random_use(g, ecam, ecam_last);
    if (sim_random_in(g, 0, 1))
        sim_machine_add_memory(m, ecam, ecam_last - ecam + 1, MEM_RESERVED);
    m->lapic = 0xfee00000;
    m->ioapic[m->ioapic_count++] = 0xfec00000;
    sim_random_use(g, 0xfec00000, 0xffffffff); /* IOAPIC, HPET, LAPIC, flash */
    m->hpet = 0xfed00000;
    if (sim_random_in(g, 0, 2) == 0) { /* a second IOAPIC inside the window */
        uint64_t at;
        if (sim_random_place(g, PAGE, g->hole_lo, g->hole_hi, &at))
            m->ioapic[m->ioapic_count++] = at;
    }
    if (sim_random_in(g, 0, 2) == 0) { /* the HPET inside the window */
        uint64_t at;
        if (sim_random_place(g, PAGE, g->hole_lo, g->hole_hi, &at))
            m->hpet = at + sim_random_in(g, 0, 3) * SIM_HPET_SIZE;
    }
    ram_in_hole(g, m);
    windows_low(g, m, ecam_last);
    /* RAM above 4 GiB, then the 64-bit window (sometimes starting inside that RAM) */
    uint64_t high = sim_random_in(g, 0, 32) * 256 * 1024 * 1024;
    uint64_t high_end = FOUR_GIB + high;
    if (high)
        ram_with_holes(g, m, FOUR_GIB, high_end - sim_random_in(g, 0, 1) * 0x1010);
    sim_random_use(g, FOUR_GIB, high_end ? high_end - 1 : FOUR_GIB);
    uint64_t phys_end = 1ull << m->phys_bits;
    uint64_t w64 = (high_end + GIB - 1) & ~(GIB - 1);
    if (w64 + 2 * GIB <= phys_end && sim_random_in(g, 0, 4)) {
        uint64_t last = w64 + sim_random_in(g, 2, 64) * GIB - 1;
        last = last < phys_end ? last : phys_end - 1;
        add_window(m, high && sim_random_in(g, 0, 2) == 0 ? w64 - GIB : w64, last);
        g->high_lo = w64;
        g->high_hi = last;
    }
}

void sim_random_reserve_over_bars(struct sim_random *g, struct sim_machine *m)
{
    if (sim_random_in(g, 0, 5) == 0) { /* firmware that marks the whole hole reserved */
        sim_machine_add_memory(m, g->hole_lo, 0x100000000ull - g->hole_lo, MEM_RESERVED);
        return;
    }
    for (unsigned n = (unsigned)sim_random_in(g, 0, 3); n && sim.region_count; n--) {
        const struct region *r = &sim.regions[sim_random_in(g, 0, sim.region_count - 1)];
        uint64_t before = sim_random_in(g, 0, 16) * PAGE, after = sim_random_in(g, 0, 16) * PAGE;
        uint64_t base = r->home > before ? r->home - before : r->home;
        sim_machine_add_memory(m, base, r->home - base + r->size + after, MEM_RESERVED);
    }
}

void sim_random_build(uint64_t seed)
{
    static struct sim_random g;
    memset(&g, 0, sizeof g);
    g.state = seed * 0x2545f4914f6cdd1dull;
    sim_random_machine(&g, &sim_machine);
    sim_random_fabric(&g);
    sim_random_reserve_over_bars(&g, &sim_machine);
}
