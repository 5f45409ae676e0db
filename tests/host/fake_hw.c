/* The host's implementation of the seam (drivers/hw.h), the only one linked
 * into build/host/unit: config accesses reach the fake fabric
 * (tests/host/fake_pci.c), MMIO reads 0, port I/O does nothing, DMA comes
 * from a static buffer, and the clock ticks 1 us per call. Also the warning
 * collector tests hand to the code under test. */
#include <stdio.h>
#include <string.h>

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

int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *value)
{
    (void)phys, (void)width;
    *value = 0;
    return 0;
}

int hw_mmio_write(uint64_t phys, unsigned width, uint64_t value)
{
    (void)phys, (void)width, (void)value;
    return 0;
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
    *phys = (uint64_t)(uintptr_t)(dma_pool + start);
    return dma_pool + start;
}

uint64_t hw_time_ns(void)
{
    static uint64_t now;
    return now += 1000;
}

void fake_hw_reset(void)
{
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
