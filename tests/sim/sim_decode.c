/* The hypervisor's MMIO map and the address decoder, with the correct policy
 * (sim.h): written from PCI Local Bus 3.0 §6.2.2 (COMMAND), §6.2.5 (BARs)
 * and PCI-PCI Bridge 1.2 §3.2.5 (windows), not from kernel/oracle.c.
 *
 * - A memory BAR decodes at its register value while its function's Memory
 *   Space Enable is set; every dword write acts at once (a 64-bit BAR passes
 *   through new_lo|old_hi or old_lo|new_hi), a sizing value included (the
 *   BAR decodes at the all-ones address until restored, as hardware does);
 *   a BAR at 0 is unmapped (QEMU's rule: checks never use 0).
 * - A type-1 bridge forwards a memory access downstream while its own MSE is
 *   set and the address lies in its memory or prefetchable window (limit
 *   inclusive, 1 MiB granules; the prefetchable one 64-bit when its type
 *   nibble says so). The host bridge forwards everything (QEMU does not
 *   enforce its _CRS windows).
 * - A function's MSI-X table is emulated where its BAR is mapped, and takes
 *   accesses there before the BAR's own registers. */
#include "../../drivers/pci.h"
#include "sim.h"

#define BAR_MEM_FLAGS 0xfull
#define WINDOW_ADDRESS 0xfff0u
#define WINDOW_TYPE_64 0x1u
#define WINDOW_GRANULE 0xfffffull

struct policy policy = {correct_accept, correct_remap, correct_forwards, correct_route,
                        correct_cfg_route};

void policy_install(const struct policy *o)
{
    policy = (struct policy){correct_accept, correct_remap, correct_forwards, correct_route,
                             correct_cfg_route};
    if (!o)
        return;
    if (o->accept)
        policy.accept = o->accept;
    if (o->remap)
        policy.remap = o->remap;
    if (o->forwards)
        policy.forwards = o->forwards;
    if (o->route)
        policy.route = o->route;
    if (o->cfg_route)
        policy.cfg_route = o->cfg_route;
}

/* ---- what a config write did ---- */

bool sim_decoding(const struct sim_fn *f)
{
    return sim_cfg_get(f, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
}

bool write_touches_command(const struct cfg_write *w)
{
    return w->offset < PCI_COMMAND + 2 && w->offset + w->width > PCI_COMMAND;
}

bool write_sets_mse(const struct cfg_write *w)
{
    return write_touches_command(w) && !(w->command_before & PCI_COMMAND_MEMORY) &&
           sim_decoding(w->fn);
}

bool write_clears_mse(const struct cfg_write *w)
{
    return write_touches_command(w) && (w->command_before & PCI_COMMAND_MEMORY) &&
           !sim_decoding(w->fn);
}

/* ---- BARs ---- */

struct sim_fn *region_fn(const struct region *r)
{
    return &sim.fns[r->fn];
}

static uint16_t low_offset(const struct region *r)
{
    return (uint16_t)(PCI_BAR0 + 4 * r->bar);
}

uint64_t region_register(const struct region *r)
{
    const struct sim_fn *f = region_fn(r);
    uint64_t low = sim_cfg_get(f, low_offset(r), 4) & ~BAR_MEM_FLAGS;
    uint64_t high = r->is64 ? sim_cfg_get(f, (uint16_t)(low_offset(r) + 4), 4) : 0;
    return high << 32 | low;
}

/* every bit the dword at offset implements is set: what a sizing write leaves */
static bool dword_sizing(const struct sim_fn *f, uint16_t offset)
{
    uint32_t mask = sim_cfg_mask(f, offset, 4);
    return mask && (sim_cfg_get(f, offset, 4) & mask) == mask;
}

bool region_sizing(const struct region *r)
{
    const struct sim_fn *f = region_fn(r);
    return dword_sizing(f, low_offset(r)) ||
           (r->is64 && dword_sizing(f, (uint16_t)(low_offset(r) + 4)));
}

void region_note_write(struct region *r)
{
    r->prev_addr = r->addr;
    r->addr = region_register(r);
}

void region_map(struct region *r, uint64_t base)
{
    r->live = true;
    r->base = r->last_base = base;
}

void region_unmap(struct region *r)
{
    r->live = false;
}

void msix_follow(struct sim_fn *f)
{
    const struct region *r = f->msix.present ? sim_region(f, f->msix.bar) : NULL;
    if (!r)
        return;
    f->msix.live = r->live;
    f->msix.base = r->base + f->msix.table_offset;
}

void sync_function(struct sim_fn *f)
{
    for (unsigned i = 0; i < sim.region_count; i++) {
        struct region *r = &sim.regions[i];
        if (region_fn(r) != f)
            continue;
        if (sim_decoding(f) && r->addr)
            region_map(r, r->addr);
        else
            region_unmap(r);
    }
    msix_follow(f);
}

/* ---- the correct policy ---- */

bool correct_accept(struct cfg_write *w)
{
    (void)w;
    return true; /* every write reaches the registers, masked as they implement it */
}

void correct_remap(const struct cfg_write *w)
{
    if (w->region)
        region_note_write(w->region);
    if (w->region || write_touches_command(w))
        sync_function(w->fn);
}

static bool in_window(uint64_t phys, uint64_t base, uint64_t limit)
{
    return base <= limit && phys >= base && phys <= limit;
}

static bool in_memory_window(const struct sim_fn *b, uint64_t phys)
{
    uint64_t base = (uint64_t)(sim_cfg_get(b, PCI_MEMORY_BASE, 2) & WINDOW_ADDRESS) << 16;
    uint64_t limit = (uint64_t)(sim_cfg_get(b, PCI_MEMORY_LIMIT, 2) & WINDOW_ADDRESS) << 16;
    return in_window(phys, base, limit | WINDOW_GRANULE);
}

static bool in_prefetchable_window(const struct sim_fn *b, uint64_t phys)
{
    uint32_t base_reg = sim_cfg_get(b, PCI_PREF_MEMORY_BASE, 2);
    uint32_t limit_reg = sim_cfg_get(b, PCI_PREF_MEMORY_LIMIT, 2);
    bool wide = (base_reg & 0xf) == WINDOW_TYPE_64;
    uint64_t base = (uint64_t)(base_reg & WINDOW_ADDRESS) << 16;
    uint64_t limit = (uint64_t)(limit_reg & WINDOW_ADDRESS) << 16 | WINDOW_GRANULE;
    if (wide) {
        base |= (uint64_t)sim_cfg_get(b, PCI_PREF_BASE_UPPER32, 4) << 32;
        limit |= (uint64_t)sim_cfg_get(b, PCI_PREF_LIMIT_UPPER32, 4) << 32;
    }
    return in_window(phys, base, limit);
}

bool correct_forwards(const struct sim_fn *bridge, uint64_t phys)
{
    return sim_decoding(bridge) &&
           (in_memory_window(bridge, phys) || in_prefetchable_window(bridge, phys));
}

bool sim_forwarded(const struct sim_fn *f, uint64_t phys)
{
    int up = f->upstream;
    for (unsigned depth = 0; up != SIM_NO_UPSTREAM && depth < SIM_MAX_FUNCTIONS; depth++) {
        if (!policy.forwards(&sim.fns[up], phys))
            return false;
        up = sim.fns[up].upstream;
    }
    return true;
}

bool region_inside(uint64_t base, uint64_t size, uint64_t phys, unsigned width)
{
    return phys >= base && phys - base < size && size - (phys - base) >= width;
}

static bool route_msix(uint64_t phys, unsigned width, struct hit *h)
{
    for (unsigned i = 0; i < sim.fn_count; i++) {
        const struct sim_msix *m = &sim.fns[i].msix;
        uint64_t size = (uint64_t)m->entries * SIM_MSIX_ENTRY_SIZE;
        if (m->live && region_inside(m->base, size, phys, width) &&
            sim_forwarded(&sim.fns[i], phys)) {
            *h = (struct hit){sim_region(&sim.fns[i], m->bar), phys - m->base, true};
            return true;
        }
    }
    return false;
}

bool correct_route(uint64_t phys, unsigned width, struct hit *h)
{
    if (route_msix(phys, width, h))
        return true;
    for (unsigned i = 0; i < sim.region_count; i++) {
        struct region *r = &sim.regions[i];
        if (r->live && region_inside(r->base, r->size, phys, width) &&
            sim_forwarded(region_fn(r), phys)) {
            *h = (struct hit){r, phys - r->base, false};
            return true;
        }
    }
    return false;
}
