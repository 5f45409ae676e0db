/* Type-1 bridge bus numbers and forwarding windows (PCI-PCI Bridge 1.2 §3.2.5). */
#include "pci.h"

#define WINDOW_TYPE_MASK 0xfu /* low nibble of I/O and prefetchable base/limit */
#define WINDOW_TYPE_WIDE 0x1u /* 32-bit I/O, 64-bit prefetchable */
#define IO_GRANULE 0xfffu     /* 4 KiB */
#define MEM_GRANULE 0xfffffu  /* 1 MiB */

static void close_if_inverted(struct pci_window *w)
{
    w->closed = w->limit < w->base;
}

/* I/O: address bits 15:12 in the top nibble of base and limit; bits 31:16
 * in the upper registers when the type nibble says 32-bit */
static void read_io_window(struct pci_bdf f, struct pci_window *w)
{
    uint8_t base = pci_cfg_read8(f, PCI_IO_BASE), limit = pci_cfg_read8(f, PCI_IO_LIMIT);
    bool wide = (base & WINDOW_TYPE_MASK) == WINDOW_TYPE_WIDE;
    uint64_t base_hi = wide ? pci_cfg_read16(f, PCI_IO_BASE_UPPER16) : 0;
    uint64_t limit_hi = wide ? pci_cfg_read16(f, PCI_IO_LIMIT_UPPER16) : 0;
    w->bits = wide ? 32 : 16;
    w->base = base_hi << 16 | (uint64_t)(base & 0xf0) << 8;
    w->limit = limit_hi << 16 | (uint64_t)(limit & 0xf0) << 8 | IO_GRANULE;
    close_if_inverted(w);
}

/* memory: address bits 31:20 in the top 12 bits of base and limit */
static void read_mem_window(struct pci_bdf f, struct pci_window *w)
{
    uint16_t base = pci_cfg_read16(f, PCI_MEMORY_BASE), limit = pci_cfg_read16(f, PCI_MEMORY_LIMIT);
    w->bits = 32;
    w->base = (uint64_t)(base & 0xfff0) << 16;
    w->limit = (uint64_t)(limit & 0xfff0) << 16 | MEM_GRANULE;
    close_if_inverted(w);
}

/* prefetchable: as memory, plus bits 63:32 at 0x28/0x2c when 64-bit */
static void read_pref_window(struct pci_bdf f, struct pci_window *w)
{
    uint16_t base = pci_cfg_read16(f, PCI_PREF_MEMORY_BASE);
    uint16_t limit = pci_cfg_read16(f, PCI_PREF_MEMORY_LIMIT);
    bool wide = (base & WINDOW_TYPE_MASK) == WINDOW_TYPE_WIDE;
    uint64_t base_hi = wide ? pci_cfg_read32(f, PCI_PREF_BASE_UPPER32) : 0;
    uint64_t limit_hi = wide ? pci_cfg_read32(f, PCI_PREF_LIMIT_UPPER32) : 0;
    w->bits = wide ? 64 : 32;
    w->base = base_hi << 32 | (uint64_t)(base & 0xfff0) << 16;
    w->limit = limit_hi << 32 | (uint64_t)(limit & 0xfff0) << 16 | MEM_GRANULE;
    close_if_inverted(w);
}

void pci_bridge_read(struct pci_bdf f, struct pci_bridge_info *out)
{
    *out = (struct pci_bridge_info){
        .primary = pci_cfg_read8(f, PCI_PRIMARY_BUS),
        .secondary = pci_cfg_read8(f, PCI_SECONDARY_BUS),
        .subordinate = pci_cfg_read8(f, PCI_SUBORDINATE_BUS),
    };
    read_io_window(f, &out->io);
    read_mem_window(f, &out->mem);
    read_pref_window(f, &out->pref);
}

bool pci_window_covers(const struct pci_window *w, uint64_t base, uint64_t size)
{
    if (w->closed || size == 0 || base + size - 1 < base)
        return false;
    return base >= w->base && base + size - 1 <= w->limit;
}
