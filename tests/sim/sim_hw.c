/* The seam (drivers/hw.h) over the model, the only implementation linked
 * into build/barmove-sim: config accesses reach sim_config.c through every
 * mechanism; MMIO goes through the policy's decoder to the device behind the
 * BAR it reaches (an access that reaches nothing reads 0, as on QEMU, and
 * never faults; an injected fault, sim_fault.c, makes one fault or reach
 * nothing); port I/O floats; DMA comes from a static pool; the clock ticks
 * 1 us per reading. */
#include <string.h>

#include "sim.h"
#include "sim_fault.h"

static _Alignas(4096) uint8_t dma_pool[1 << 16];
static size_t dma_used;

bool hw_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                 uint32_t *value)
{
    return sim_cfg_read(m, f, offset, width, value);
}

bool hw_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                  uint32_t value)
{
    return sim_cfg_write(m, f, offset, width, value);
}

static bool access_ok(uint64_t phys, unsigned width)
{
    return (width == 1 || width == 2 || width == 4 || width == 8) && phys % width == 0;
}

/* what an MMIO access at phys reaches (*h) and the fault injected there:
 * 0 to go ahead, SIM_FAULT_SILENT (also when nothing decodes it) or
 * SIM_FAULT_ACCESS */
static int reach(uint64_t phys, unsigned width, struct hit *h)
{
    if (!access_ok(phys, width) || !policy.route(phys, width, h))
        return SIM_FAULT_SILENT;
    return sim_fault_mmio(h);
}

int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *value)
{
    struct hit h;
    *value = 0;
    int fault = reach(phys, width, &h);
    if (!fault)
        *value = sim_device_read(&h, width);
    return fault == SIM_FAULT_ACCESS ? fault : 0;
}

int hw_mmio_write(uint64_t phys, unsigned width, uint64_t value)
{
    struct hit h;
    int fault = reach(phys, width, &h);
    if (!fault)
        sim_device_write(&h, width, value);
    return fault == SIM_FAULT_ACCESS ? fault : 0;
}

uint32_t hw_port_in(uint16_t port, unsigned width)
{
    (void)port;
    return width >= 4 ? 0xffffffffu : (1u << (8 * width)) - 1; /* a floating bus */
}

void hw_port_out(uint16_t port, unsigned width, uint32_t value)
{
    (void)port, (void)width, (void)value;
}

void *hw_dma_alloc(size_t size, size_t align, uint64_t *phys)
{
    size_t start = align ? (dma_used + align - 1) / align * align : dma_used;
    if (start > sizeof dma_pool || size > sizeof dma_pool - start)
        return NULL;
    dma_used = start + size;
    memset(dma_pool + start, 0, size);
    *phys = (uint64_t)(uintptr_t)(dma_pool + start);
    return dma_pool + start;
}

void *sim_dma(uint64_t phys, size_t len)
{
    uint64_t pool = (uint64_t)(uintptr_t)dma_pool;
    if (phys < pool || phys - pool > sizeof dma_pool || len > sizeof dma_pool - (phys - pool))
        return NULL;
    return dma_pool + (phys - pool);
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
