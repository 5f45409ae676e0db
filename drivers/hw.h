/* The seam: every hardware access the PCI code and the checks make goes
 * through these functions, so the same C files build for the kernel
 * (drivers/hw_kernel.c: ECAM/CF8, real loads and stores, port instructions,
 * identity-mapped RAM, RDTSC) and for the host (tests/host/fake_hw.c, later
 * tests/sim: a software model of a PCI fabric). Modelled on Zephyr's pcie.h.
 *
 * Conventions:
 * - config offsets are BYTE offsets 0..4095 (0..255 through CF8), naturally
 *   aligned for their width; widths are 1, 2 or 4 bytes;
 * - a function is named by segment:bus:device.function (struct pci_bdf);
 * - a config read of an absent function returns all-ones (the PCI rule);
 *   hw_cfg_read/write return false only when the mechanism cannot reach the
 *   address at all (no ECAM for that segment/bus, CF8 offset >= 256, bad width);
 * - MMIO addresses are 64-bit physical; MMIO accesses are recoverable probes:
 *   they return 0, or PROBE_FAULTED | vector when the access faulted (an
 *   address the hypervisor does not back may fault on some hypervisors);
 *   what an unbacked but non-faulting address reads is the hypervisor's
 *   business (0 on QEMU, all-ones on Bochs): never proof of absence;
 * - time is in nanoseconds since an arbitrary start, monotonic. */
#ifndef BARMOVE_HW_H
#define BARMOVE_HW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_FAULTED 0x100

struct pci_bdf {
    uint16_t segment;
    uint8_t bus, device, function;
};

enum hw_cfg_mechanism {
    HW_CFG_DEFAULT, /* ECAM where the MCFG covers the bus, else CF8 (or as forced by cfg=) */
    HW_CFG_ECAM,
    HW_CFG_CF8,
};

bool hw_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                 uint32_t *value);
bool hw_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                  uint32_t value);

int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *value);
int hw_mmio_write(uint64_t phys, unsigned width, uint64_t value);
/* forget any translation of phys the CPU (or an emulator's software TLB) may
 * have cached: INVLPG in the kernel, nothing in the software models. The
 * page tables never change, so no guest needs this; barmove uses it once, to
 * tell an emulator serving a stale unmapped page from one that does not decode
 * (BUGS.md has no class for it: kernel/classes.c stale-unmapped-cache) */
void hw_mmio_refresh(uint64_t phys);

uint32_t hw_port_in(uint16_t port, unsigned width);
void hw_port_out(uint16_t port, unsigned width, uint32_t value);

/* zeroed memory a device may DMA to; NULL when none is left */
void *hw_dma_alloc(size_t size, size_t align, uint64_t *phys);

uint64_t hw_time_ns(void);

#endif
