/* The shadow: the guest's own record of PCI config space, built from the
 * state found at boot and updated by every config write the guest makes,
 * latched as spec hardware latches it (DESIGN §3 "Writes must stick, and
 * readback is not the oracle"). It never reads config space: a hypervisor
 * may drop a write and read back the old value, or read back the new value
 * while the device stays where it was, so what was read back cannot say
 * where a device must answer. kernel/oracle.h decides from this record.
 *
 * Conventions (as drivers/pci.h):
 * - fn is an index into the struct pci_topology the shadow was built from;
 * - bar_num counts 32-bit registers from 0x10; a 64-bit BAR is named by its
 *   low register; only memory BARs are modelled (I/O, unused and invalid
 *   BARs are not: their registers are "not modelled");
 * - offsets are config byte offsets, widths 1, 2 or 4 bytes, and an access
 *   must not cross a dword (as the seam requires).
 *
 * Registers modelled, each as a whole dword with the bits a write changes:
 * - COMMAND (0x04, 16 bits, every bit as written); STATUS (0x06) is not
 *   modelled, so a dword write at 0x04 records only its low half;
 * - memory BARs: address bits above the size writable, type bits read-only;
 *   the upper register of a 64-bit BAR writable above the size;
 * - bridges: memory base/limit (0x20), prefetchable base/limit (0x24) with
 *   read-only type nibbles, prefetchable upper dwords (0x28, 0x2c) writable
 *   only when the window is 64-bit.
 * Writes anywhere else are ignored. */
#ifndef BARMOVE_SHADOW_H
#define BARMOVE_SHADOW_H
#include <stdbool.h>
#include <stdint.h>

#include "../drivers/pci.h"

#define SHADOW_HEADER_DWORDS 16 /* 0x00-0x3f: every modelled register lives there */

/* what the shadow knows of one BAR register (fixed at construction) */
struct shadow_bar {
    enum pci_bar_kind kind; /* MEM32, MEM64, MEM64_UPPER; anything else is not modelled */
    bool prefetchable;
    uint64_t size; /* bytes, a power of two; on MEM64_UPPER the size of the BAR below */
};

struct shadow_function {
    struct pci_bdf bdf;      /* for diagnostics */
    int upstream;            /* index of the bridge above, PCI_NO_UPSTREAM on a root bus */
    bool is_bridge;          /* type 1: windows at 0x20-0x2f are modelled */
    bool pref_window_64;     /* the prefetchable window's type nibble says 64-bit */
    uint8_t bar_count;
    struct shadow_bar bars[PCI_MAX_BARS];
    uint32_t reg[SHADOW_HEADER_DWORDS]; /* latched values, by dword index (offset / 4) */
    /* bit d: the guest's last write to BAR dword d set every address bit of
     * it, bits below the size included (all-ones or 0xfffffff0): a sizing
     * value. Not the latched value: a 1 GiB BAR at 0x2_c000_0000 latches the
     * low dword 0xc0000000, every writable bit set, and is an address. */
    uint16_t sizing;
};

struct shadow {
    struct shadow_function functions[PCI_MAX_FUNCTIONS];
    unsigned count;
};

/* records the state found at boot: COMMAND, memory BARs, bridge windows */
void shadow_init(struct shadow *s, const struct pci_topology *t);

/* records one config write as hardware latches it: bytes merge into their
 * dword, only writable bits change. Returns true when some byte of it fell
 * on a modelled register (even if nothing there is writable), false when it
 * was ignored: unknown function, bad width, a dword-crossing access, or
 * only registers the shadow does not model. */
bool shadow_write(struct shadow *s, unsigned fn, uint16_t offset, unsigned width, uint32_t value);

/* what a conformant device must read back at [offset, offset + width):
 * false when any byte of it is not modelled (e.g. STATUS, IDs) */
bool shadow_expected_read(const struct shadow *s, unsigned fn, uint16_t offset, unsigned width,
                          uint32_t *value);

/* ---- accessors (from the record only) ---- */
bool shadow_bar_is_memory(const struct shadow *s, unsigned fn, unsigned bar_num);
bool shadow_bar_is64(const struct shadow *s, unsigned fn, unsigned bar_num);
/* the BAR's current address: low | high << 32, type bits masked; 0 when not modelled */
uint64_t shadow_bar_addr(const struct shadow *s, unsigned fn, unsigned bar_num);
/* bytes; 0 when not modelled */
uint64_t shadow_bar_size(const struct shadow *s, unsigned fn, unsigned bar_num);
/* one of the BAR's dwords holds a sizing value: the guest last wrote it with
 * every address bit set (all-ones, or 0xfffffff0-style), and it implements
 * some (the low dword of a BAR of 4 GiB or more implements none) */
bool shadow_bar_sizing(const struct shadow *s, unsigned fn, unsigned bar_num);
/* COMMAND as the guest last wrote it (or as found) */
uint16_t shadow_command(const struct shadow *s, unsigned fn);
/* Memory Space Enable as recorded */
bool shadow_decode_on(const struct shadow *s, unsigned fn);
/* a bridge's memory (prefetchable false) or prefetchable window as
 * recorded, decoded as the bridge forwards (drivers/pci_bridge.c's rules);
 * false when fn is not a bridge */
bool shadow_window(const struct shadow *s, unsigned fn, bool prefetchable, struct pci_window *out);

#endif
