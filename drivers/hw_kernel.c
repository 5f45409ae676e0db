/* The kernel's implementation of the seam: ECAM through uncached identity
 * mappings, legacy mechanism #1 through ports 0xCF8/0xCFC, MMIO through
 * recoverable probes, DMA from a static pool, time from the TSC. */
#include "hw_kernel.h"

#include <string.h>

#include "hw_counts.h"

#include "../kernel/cpu.h"
#include "../kernel/paging.h"
#include "../kernel/probe.h"
#include "../kernel/timer.h"

#define CF8_ADDRESS 0xCF8
#define CF8_DATA 0xCFC
#define CF8_ENABLE 0x80000000u
#define DMA_POOL_SIZE (1u << 20)

static struct acpi_mcfg_entry ecam[ACPI_MAX_MCFG];
static unsigned ecam_count;
static enum hw_cfg_mechanism forced_mechanism;
static uint8_t dma_pool[DMA_POOL_SIZE] __attribute__((aligned(4096)));
static size_t dma_used;

void hw_kernel_config(const struct acpi_mcfg_entry *entries, unsigned count,
                      enum hw_cfg_mechanism forced)
{
    ecam_count = count < ACPI_MAX_MCFG ? count : ACPI_MAX_MCFG;
    memcpy(ecam, entries, ecam_count * sizeof *ecam);
    forced_mechanism = forced;
}

static const struct acpi_mcfg_entry *ecam_entry(struct pci_bdf f)
{
    for (unsigned i = 0; i < ecam_count; i++)
        if (ecam[i].segment == f.segment && f.bus >= ecam[i].bus_start && f.bus <= ecam[i].bus_end)
            return &ecam[i];
    return NULL;
}

enum hw_cfg_mechanism hw_kernel_default_for(struct pci_bdf f)
{
    if (forced_mechanism != HW_CFG_DEFAULT)
        return forced_mechanism;
    return ecam_entry(f) ? HW_CFG_ECAM : HW_CFG_CF8;
}

static bool valid_access(struct pci_bdf f, uint16_t offset, unsigned width)
{
    return (width == 1 || width == 2 || width == 4) && offset % width == 0 && offset < 4096 &&
           f.device < 32 && f.function < 8;
}

/* physical address of a config register through ECAM, 0 if no entry covers it */
static uint64_t ecam_address(struct pci_bdf f, uint16_t offset)
{
    const struct acpi_mcfg_entry *e = ecam_entry(f);
    if (!e)
        return 0;
    uint64_t a = e->base + ((uint64_t)(f.bus - e->bus_start) << 20) + ((uint64_t)f.device << 15) +
                 ((uint64_t)f.function << 12) + offset;
    return paging_map_mmio(a, 4) ? a : 0;
}

static uint32_t cf8_select(struct pci_bdf f, uint16_t offset)
{
    return CF8_ENABLE | (uint32_t)f.bus << 16 | (uint32_t)f.device << 11 |
           (uint32_t)f.function << 8 | (offset & 0xFC);
}

static bool resolve(enum hw_cfg_mechanism *m, struct pci_bdf f, uint16_t offset, unsigned width)
{
    if (!valid_access(f, offset, width))
        return false;
    if (*m == HW_CFG_DEFAULT)
        *m = hw_kernel_default_for(f);
    if (*m == HW_CFG_CF8)
        return f.segment == 0 && offset < 256;
    return true;
}

static int mmio_read(uint64_t phys, unsigned width, uint64_t *value);
static int mmio_write(uint64_t phys, unsigned width, uint64_t value);

/* the access itself, uncounted (hw_counts.h counts at the seam's entry) */
static bool cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                     uint32_t *value)
{
    if (!resolve(&m, f, offset, width))
        return false;
    if (m == HW_CFG_CF8) {
        outl(CF8_ADDRESS, cf8_select(f, offset));
        *value = hw_port_in((uint16_t)(CF8_DATA + (offset & 3)), width);
        return true;
    }
    uint64_t a = ecam_address(f, offset), v = 0;
    if (!a || mmio_read(a, width, &v) != 0)
        return false;
    *value = (uint32_t)v;
    return true;
}

static uint32_t raw_read(struct pci_bdf f, uint16_t offset, unsigned width)
{
    uint32_t v = 0xffffffffu;
    cfg_read(HW_CFG_DEFAULT, f, offset, width, &v);
    return v;
}

bool hw_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                 uint32_t *value)
{
    if (!cfg_read(m, f, offset, width, value))
        return false;
    hw_counts_cfg_read(f, offset, width, *value);
    return true;
}

bool hw_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                  uint32_t value)
{
    if (!resolve(&m, f, offset, width))
        return false;
    if (m == HW_CFG_CF8) {
        hw_counts_cfg_write(f, offset, width, value, raw_read);
        outl(CF8_ADDRESS, cf8_select(f, offset));
        hw_port_out((uint16_t)(CF8_DATA + (offset & 3)), width, value);
        return true;
    }
    uint64_t a = ecam_address(f, offset);
    if (!a)
        return false;
    hw_counts_cfg_write(f, offset, width, value, raw_read);
    return mmio_write(a, width, value) == 0;
}

int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *value)
{
    hw_counts_mmio(0);
    return mmio_read(phys, width, value);
}

int hw_mmio_write(uint64_t phys, unsigned width, uint64_t value)
{
    hw_counts_mmio(1);
    return mmio_write(phys, width, value);
}

static int mmio_read(uint64_t phys, unsigned width, uint64_t *value)
{
    if (!paging_map_mmio(phys, width))
        return PROBE_FAULTED | 14; /* beyond the physical address width: as if it faulted */
    int r;
    switch (width) {
    case 1: { uint8_t v = 0; r = probe_read8(phys, &v); *value = v; break; }
    case 2: { uint16_t v = 0; r = probe_read16(phys, &v); *value = v; break; }
    case 4: { uint32_t v = 0; r = probe_read32(phys, &v); *value = v; break; }
    default: r = probe_read64(phys, value); break;
    }
    return r;
}

void hw_mmio_refresh(uint64_t phys)
{
    invlpg(phys);
}

static int mmio_write(uint64_t phys, unsigned width, uint64_t value)
{
    if (!paging_map_mmio(phys, width))
        return PROBE_FAULTED | 14;
    switch (width) {
    case 1: return probe_write8(phys, (uint8_t)value);
    case 2: return probe_write16(phys, (uint16_t)value);
    case 4: return probe_write32(phys, (uint32_t)value);
    default: return probe_write64(phys, value);
    }
}

uint32_t hw_port_in(uint16_t port, unsigned width)
{
    return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
}

void hw_port_out(uint16_t port, unsigned width, uint32_t value)
{
    if (width == 1)
        outb(port, (uint8_t)value);
    else if (width == 2)
        outw(port, (uint16_t)value);
    else
        outl(port, value);
}

void *hw_dma_alloc(size_t size, size_t align, uint64_t *phys)
{
    if (align == 0 || (align & (align - 1)))
        return NULL;
    size_t start = (dma_used + align - 1) & ~(align - 1);
    if (start > DMA_POOL_SIZE || size > DMA_POOL_SIZE - start)
        return NULL;
    dma_used = start + size;
    uint8_t *p = dma_pool + start;
    memset(p, 0, size);
    *phys = (uint64_t)(uintptr_t)p; /* identity-mapped */
    return p;
}

uint64_t hw_time_ns(void)
{
    return timer_ns();
}
