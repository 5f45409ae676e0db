/* The guest's own count of its hardware accesses (issue 9's benchmark): the
 * kernel's seam (drivers/hw_kernel.c) calls these on every config access and
 * every MMIO probe, and the run prints one TAP comment before its summary:
 *   # writes: mse-toggles=N bar-dark=N bar-live=N bridge-win=N other-cfg=N
 *             cfg-reads=N mmio-reads=N mmio-writes=N   (one line)
 * mse-toggles  COMMAND writes that change memory decode (PCI_COMMAND_MEMORY)
 * bar-dark     BAR writes (any width) while the function's decode is off
 * bar-live     BAR writes while decode is on
 * bridge-win   other writes to a bridge's COMMAND or memory/prefetch windows
 * other-cfg    every other config write
 * Classifying a write needs the function's COMMAND and header type: both
 * come from the reads enumeration already makes (cached here, keyed by
 * function); only an uncached function costs one extra, uncounted read
 * (reported as classify-reads=N when there were any). Kernel only. */
#ifndef BARMOVE_HW_COUNTS_H
#define BARMOVE_HW_COUNTS_H
#include <stddef.h>
#include <stdint.h>

#include "hw.h"

struct hw_counts {
    uint64_t mse_toggles, bar_dark, bar_live, bridge_win, other_cfg;
    uint64_t cfg_reads, mmio_reads, mmio_writes, classify_reads;
};

/* reads one config register without counting it (the seam's raw access) */
typedef uint32_t (*hw_counts_raw_read)(struct pci_bdf f, uint16_t offset, unsigned width);

void hw_counts_cfg_read(struct pci_bdf f, uint16_t offset, unsigned width, uint32_t value);
/* before the write reaches the device: classifies it against the cached state */
void hw_counts_cfg_write(struct pci_bdf f, uint16_t offset, unsigned width, uint32_t value,
                         hw_counts_raw_read raw);
void hw_counts_mmio(int write);
const struct hw_counts *hw_counts(void);
/* "writes: mse-toggles=N ..." (no "# ") */
void hw_counts_format(char *buf, size_t size);
/* "writes by device: BB:DD.F=MSE,DARK,LIVE ..." for the endpoints the suite
 * wrote (segment 0; what the floor kernel replays device by device), from
 * the one at *next on, as many as fit in size (at least 64); *next becomes
 * where the following line starts, 0 after the last. False: nothing left.
 * One line each: a TAP comment is short (100 NVMe would not fit in one, and
 * a cut line made the floor replay a fifth of the suite's writes). */
bool hw_counts_format_by_device(char *buf, size_t size, unsigned *next);

#endif
