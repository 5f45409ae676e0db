/* A fake PCI fabric behind the seam: tests/host/fake_hw.c implements every
 * hw_* function of drivers/hw.h for build/host/unit, and its config
 * accesses land in tests/host/fake_pci.c's fabric. Config space is 4 KiB
 * per function and writes are masked as hardware masks them: only the bits
 * a register implements change (BAR size masks, read-only type bits),
 * STATUS error bits are write-1-to-clear. Absent functions read all-ones.
 *
 * Every config access is counted; past FAKE_READ_LIMIT the fake refuses
 * (hw_cfg_read returns false, stats.limit_hit is set), so a runaway walk
 * fails its test instead of hanging it (Zephyr's capability walker tests).
 *
 * Everything set up here (add, bar, poke, command) defines the state "as
 * found"; fake_pci_as_found() says whether every BAR and COMMAND still
 * reads that way. */
#ifndef BARMOVE_FAKE_PCI_H
#define BARMOVE_FAKE_PCI_H
#include <stdbool.h>
#include <stdint.h>

#include "../../drivers/hw.h"

#define BDF(bus, dev, fn) ((struct pci_bdf){0, (bus), (dev), (fn)})

#define FAKE_PCI_MAX_FUNCTIONS 320 /* more than PCI_MAX_FUNCTIONS, to test the bound */
#define FAKE_READ_LIMIT 200000     /* a full walk of 320 functions takes ~60000 */

struct fake_pci_stats {
    unsigned long accesses;        /* config reads and writes */
    unsigned sized_with_decode_on; /* all-ones written to a BAR while IO or MEM decode was on */
    unsigned command_dword_writes; /* 4-byte writes at COMMAND: STATUS written back */
    unsigned bar_sizings;          /* all-ones writes to BAR registers */
    unsigned bad_accesses;         /* bad width, misaligned, past 4 KiB, CF8 past 256 */
    bool limit_hit;
};

/* forget every function, zero the statistics, the warnings and the DMA pool */
void fake_pci_reset(void);
/* the fabric's side of hw_cfg_read/hw_cfg_write */
bool fake_pci_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                       uint32_t *value);
bool fake_pci_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                        uint32_t value);

/* a type-0 function (header 0, no BARs, COMMAND 0); returns its handle */
int fake_pci_add(struct pci_bdf f, uint16_t vendor, uint16_t device, uint32_t class_code);
/* a type-1 PCI-PCI bridge (class 0x060400): primary = f.bus, windows writable and closed */
int fake_pci_add_bridge(struct pci_bdf f, uint8_t secondary, uint8_t subordinate);
void fake_pci_set_multifunction(int h);
/* a single-function device that answers at functions 1-7 too (function 0's space) */
void fake_pci_alias_functions(int h);

/* BARs: size a power of two; addr aligned to it; bar = register number */
void fake_pci_bar_mem32(int h, unsigned bar, uint32_t size, uint32_t addr, bool prefetchable);
void fake_pci_bar_mem64(int h, unsigned bar, uint64_t size, uint64_t addr, bool prefetchable);
/* decoder_bits 16: the upper half of the BAR is hardwired to zero */
void fake_pci_bar_io(int h, unsigned bar, uint32_t size, uint32_t addr, unsigned decoder_bits);

/* appends capability id at offset (>= 0x40) to the function's list, sets
 * STATUS.CAP_LIST; body bytes are poked by the test */
void fake_pci_add_cap(int h, uint8_t offset, uint8_t id);

/* raw setup access: ignores write masks, counts nothing, defines "as found" */
void fake_pci_poke(int h, uint16_t offset, unsigned width, uint32_t value);
/* which bits of a register config writes may change (setup helpers set the usual ones) */
void fake_pci_set_writable(int h, uint16_t offset, unsigned width, uint32_t mask);
/* the value a config read would return now, not counted */
uint32_t fake_pci_peek(int h, uint16_t offset, unsigned width);
void fake_pci_set_command(int h, uint16_t command);

/* faults: after BAR register bar was sized (all-ones written), it reads
 * all-ones whatever is written / later writes to it are dropped */
void fake_pci_bar_sticks_all_ones(int h, unsigned bar);
void fake_pci_bar_drops_restore(int h, unsigned bar);

const struct fake_pci_stats *fake_pci_stats(void);
/* all-ones was written to BAR register bar of h */
bool fake_pci_sized(int h, unsigned bar);
/* every function's BARs and COMMAND read as they were set up */
bool fake_pci_as_found(void);

/* fake_hw.c: forget the warnings, free the DMA pool (fake_pci_reset calls it) */
void fake_hw_reset(void);
/* a warn() for the code under test: keeps every line */
void fake_warn(const char *text);
unsigned fake_warn_count(void);
const char *fake_warn_text(unsigned i);
/* some warning contains needle */
bool fake_warned(const char *needle);

#endif
