/* Config space of the model (see sim.h): 256-byte headers written byte by
 * byte through write masks, as PCI Local Bus 3.0 §6.2 describes: only the
 * bits a register implements change, STATUS error bits are write-1-to-clear,
 * absent functions read all-ones. Every write passes the policy's accept and
 * then its remap, which keeps the MMIO map in step. */
#include <stdio.h>
#include <string.h>

#include "../../drivers/pci.h"
#include "sim.h"
#include "sim_safety.h"

#define STATUS_W1C 0xf900u       /* parity, aborts, SERR (PCI 3.0 §6.2.3) */
#define COMMAND_WRITABLE 0x0547u /* IO, MEM, MASTER, PERR, SERR, INTx disable */
#define BAR_TYPE_64 0x4u
#define BAR_PREFETCHABLE 0x8u
#define WINDOW_WRITABLE 0xfff0fff0u /* address bits 31:20 of base and limit */
#define WINDOW_TYPE_64 0x0001u

struct sim_model sim;
struct sim_cf8_latch sim_cf8;

void sim_model_reset(void)
{
    memset(&sim, 0, sizeof sim);
    sim_cf8 = (struct sim_cf8_latch){0};
    sim_mmio_reset();
}

static bool same_bdf(struct pci_bdf a, struct pci_bdf b)
{
    return a.segment == b.segment && a.bus == b.bus && a.device == b.device &&
           a.function == b.function;
}

struct sim_fn *sim_function(struct pci_bdf bdf)
{
    for (unsigned i = 0; i < sim.fn_count; i++)
        if (same_bdf(sim.fns[i].bdf, bdf))
            return &sim.fns[i];
    return NULL;
}

unsigned sim_fn_index(const struct sim_fn *f)
{
    return (unsigned)(f - sim.fns);
}

uint32_t sim_cfg_get(const struct sim_fn *f, uint16_t offset, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width && offset + i < SIM_CFG_SIZE; i++)
        v |= (uint32_t)f->cfg[offset + i] << (8 * i);
    return v;
}

void sim_cfg_poke(struct sim_fn *f, uint16_t offset, unsigned width, uint32_t value)
{
    for (unsigned i = 0; i < width && offset + i < SIM_CFG_SIZE; i++)
        f->cfg[offset + i] = (uint8_t)(value >> (8 * i));
}

void sim_cfg_writable(struct sim_fn *f, uint16_t offset, unsigned width, uint32_t mask)
{
    for (unsigned i = 0; i < width && offset + i < SIM_CFG_SIZE; i++)
        f->wmask[offset + i] = (uint8_t)(mask >> (8 * i));
}

uint32_t sim_cfg_mask(const struct sim_fn *f, uint16_t offset, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width && offset + i < SIM_CFG_SIZE; i++)
        v |= (uint32_t)f->wmask[offset + i] << (8 * i);
    return v;
}

/* ---- accesses through the seam ---- */

/* the spec's: an access reaches the function it names, whatever the mechanism */
struct pci_bdf correct_cfg_route(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write)
{
    (void)m, (void)write;
    return bdf;
}

/* the function an access reaches; a CF8 access latches the address it names */
static struct pci_bdf cfg_target(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write)
{
    struct pci_bdf to = policy.cfg_route(m, bdf, write);
    if (m == HW_CFG_CF8)
        sim_cf8 = (struct sim_cf8_latch){true, bdf};
    return to;
}

static bool access_ok(enum hw_cfg_mechanism m, uint16_t offset, unsigned width)
{
    bool width_ok = width == 1 || width == 2 || width == 4;
    unsigned limit = m == HW_CFG_CF8 ? 256u : 4096u;
    return width_ok && offset % width == 0 && offset + width <= limit;
}

bool sim_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf bdf, uint16_t offset, unsigned width,
                  uint32_t *value)
{
    if (!access_ok(m, offset, width))
        return false;
    const struct sim_fn *f = sim_function(cfg_target(m, bdf, false));
    if (!f)
        *value = width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
    else
        *value = offset < SIM_CFG_SIZE ? sim_cfg_get(f, offset, width) : 0;
    return true;
}

/* the memory BAR whose register holds config byte offset, and whether it is its upper dword */
static struct region *region_at(const struct sim_fn *f, uint16_t offset, bool *high)
{
    unsigned reg = (unsigned)(offset - PCI_BAR0) / 4;
    if (offset < PCI_BAR0 || reg >= (f->bridge ? PCI_BRIDGE_BARS : PCI_MAX_BARS))
        return NULL;
    for (unsigned i = 0; i < sim.region_count; i++) {
        struct region *r = &sim.regions[i];
        if (&sim.fns[r->fn] != f)
            continue;
        *high = r->is64 && reg == r->bar + 1;
        if (reg == r->bar || *high)
            return r;
    }
    return NULL;
}

static void merge_byte(struct sim_fn *f, uint16_t at, uint8_t byte)
{
    uint8_t w1c = 0;
    if (at == PCI_STATUS || at == PCI_STATUS + 1)
        w1c = (uint8_t)(STATUS_W1C >> (8 * (at - PCI_STATUS)));
    f->cfg[at] = (uint8_t)((f->cfg[at] & ~f->wmask[at]) | (byte & f->wmask[at]));
    f->cfg[at] &= (uint8_t)~(byte & w1c);
}

bool sim_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf bdf, uint16_t offset, unsigned width,
                   uint32_t value)
{
    if (!access_ok(m, offset, width))
        return false;
    struct sim_fn *f = sim_function(cfg_target(m, bdf, true));
    if (!f || offset >= SIM_CFG_SIZE)
        return true; /* nothing there: the write goes nowhere */
    struct cfg_write w = {f, offset, width, value, (uint16_t)sim_cfg_get(f, PCI_COMMAND, 2), NULL,
                          false};
    w.region = region_at(f, (uint16_t)(offset & ~3u), &w.high);
    if (!policy.accept(&w))
        return true;
    for (unsigned i = 0; i < w.width; i++)
        merge_byte(f, (uint16_t)(w.offset + i), (uint8_t)(w.value >> (8 * i)));
    policy.remap(&w);
    sim_safety_after_write(f, w.offset, w.width, w.value);
    return true;
}

/* ---- building the fabric ---- */

struct sim_fn *sim_add_function(struct pci_bdf bdf, uint16_t vendor, uint16_t device,
                                uint32_t class_code, int upstream)
{
    if (sim.fn_count == SIM_MAX_FUNCTIONS) {
        fprintf(stderr, "barmove-sim: more than %d functions\n", SIM_MAX_FUNCTIONS);
        return NULL;
    }
    struct sim_fn *f = &sim.fns[sim.fn_count++];
    f->bdf = bdf;
    f->upstream = upstream;
    sim_cfg_poke(f, PCI_VENDOR_ID, 2, vendor);
    sim_cfg_poke(f, PCI_DEVICE_ID, 2, device);
    sim_cfg_poke(f, PCI_CLASS_REVISION, 4, class_code << 8 | 0x01);
    sim_cfg_writable(f, PCI_COMMAND, 2, COMMAND_WRITABLE);
    return f;
}

struct sim_fn *sim_add_bridge(struct pci_bdf bdf, int upstream, uint8_t secondary,
                              uint32_t mem_base, uint32_t mem_limit)
{
    struct sim_fn *f = sim_add_function(bdf, 0x1b36, 0x000c, 0x060400, upstream);
    f->bridge = true;
    sim_cfg_poke(f, PCI_HEADER_TYPE, 1, PCI_HEADER_BRIDGE);
    sim_cfg_poke(f, PCI_PRIMARY_BUS, 1, bdf.bus);
    sim_cfg_poke(f, PCI_SECONDARY_BUS, 1, secondary);
    sim_cfg_poke(f, PCI_SUBORDINATE_BUS, 1, secondary);
    sim_cfg_writable(f, PCI_PRIMARY_BUS, 3, 0xffffff);
    sim_cfg_writable(f, PCI_MEMORY_BASE, 4, WINDOW_WRITABLE);
    sim_cfg_writable(f, PCI_PREF_MEMORY_BASE, 4, WINDOW_WRITABLE);
    sim_cfg_writable(f, PCI_PREF_BASE_UPPER32, 4, 0xffffffffu);
    sim_cfg_writable(f, PCI_PREF_LIMIT_UPPER32, 4, 0xffffffffu);
    sim_cfg_poke(f, PCI_MEMORY_BASE, 2, (mem_base >> 16) & 0xfff0);
    sim_cfg_poke(f, PCI_MEMORY_LIMIT, 2, (mem_limit >> 16) & 0xfff0);
    /* closed (base above limit), 64-bit capable, as firmware leaves an unused window */
    sim_cfg_poke(f, PCI_PREF_MEMORY_BASE, 2, 0xfff0 | WINDOW_TYPE_64);
    sim_cfg_poke(f, PCI_PREF_MEMORY_LIMIT, 2, WINDOW_TYPE_64);
    return f;
}

static struct region *add_region(struct sim_fn *f, unsigned bar, uint64_t size, uint64_t addr,
                                 bool is64)
{
    if (sim.region_count == SIM_MAX_REGIONS) {
        fprintf(stderr, "barmove-sim: more than %d memory BARs\n", SIM_MAX_REGIONS);
        return NULL;
    }
    struct region *r = &sim.regions[sim.region_count++];
    *r = (struct region){.fn = sim_fn_index(f), .bar = bar, .is64 = is64, .size = size,
                         .home = addr, .addr = addr, .prev_addr = addr};
    return r;
}

struct region *sim_bar_mem32(struct sim_fn *f, unsigned bar, uint32_t size, uint32_t addr,
                             bool prefetchable)
{
    uint16_t at = (uint16_t)(PCI_BAR0 + 4 * bar);
    sim_cfg_poke(f, at, 4, addr | (prefetchable ? BAR_PREFETCHABLE : 0));
    sim_cfg_writable(f, at, 4, ~(size - 1) & ~0xfu);
    return add_region(f, bar, size, addr, false);
}

struct region *sim_bar_mem64(struct sim_fn *f, unsigned bar, uint64_t size, uint64_t addr,
                             bool prefetchable)
{
    uint16_t at = (uint16_t)(PCI_BAR0 + 4 * bar);
    uint64_t mask = ~(size - 1);
    sim_cfg_poke(f, at, 4, (uint32_t)addr | BAR_TYPE_64 | (prefetchable ? BAR_PREFETCHABLE : 0));
    sim_cfg_writable(f, at, 4, (uint32_t)mask & ~0xfu);
    sim_cfg_poke(f, (uint16_t)(at + 4), 4, (uint32_t)(addr >> 32));
    sim_cfg_writable(f, (uint16_t)(at + 4), 4, (uint32_t)(mask >> 32));
    return add_region(f, bar, size, addr, true);
}

void sim_bar_io(struct sim_fn *f, unsigned bar, uint32_t size, uint32_t addr)
{
    uint16_t at = (uint16_t)(PCI_BAR0 + 4 * bar);
    sim_cfg_poke(f, at, 4, addr | 0x1u);
    sim_cfg_writable(f, at, 4, ~(size - 1) & 0xfffcu); /* a 16-bit decoder */
}

void sim_add_cap(struct sim_fn *f, uint8_t at, uint8_t id)
{
    uint8_t pointer_at = f->last_cap ? (uint8_t)(f->last_cap + 1) : PCI_CAPABILITY_LIST;
    sim_cfg_poke(f, pointer_at, 1, at);
    sim_cfg_poke(f, at, 2, id); /* next = 0: the end */
    sim_cfg_poke(f, PCI_STATUS, 2, sim_cfg_get(f, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
    f->last_cap = at;
}

#define MSIX_CONTROL_WRITABLE 0xc000u /* MSI-X Enable, Function Mask */
#define MSIX_VECTOR_MASKED 1u

void sim_add_msix(struct sim_fn *f, uint8_t at, unsigned bar, uint32_t table_offset,
                  uint32_t pba_offset, unsigned entries)
{
    sim_add_cap(f, at, PCI_CAP_ID_MSIX);
    sim_cfg_poke(f, (uint16_t)(at + 2), 2, entries - 1);
    sim_cfg_writable(f, (uint16_t)(at + 2), 2, MSIX_CONTROL_WRITABLE);
    sim_cfg_poke(f, (uint16_t)(at + 4), 4, table_offset | bar);
    sim_cfg_poke(f, (uint16_t)(at + 8), 4, pba_offset | bar);
    f->msix = (struct sim_msix){.present = true, .bar = bar, .table_offset = table_offset,
                                .entries = entries};
    for (unsigned i = 0; i < entries; i++)
        f->msix.entry[i][3] = MSIX_VECTOR_MASKED; /* QEMU resets every vector masked */
}

struct region *sim_region(const struct sim_fn *f, unsigned bar)
{
    for (unsigned i = 0; i < sim.region_count; i++)
        if (&sim.fns[sim.regions[i].fn] == f && sim.regions[i].bar == bar)
            return &sim.regions[i];
    return NULL;
}
