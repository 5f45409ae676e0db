/* PCI on top of the seam (drivers/hw.h): typed config access, enumeration,
 * BAR decoding and sizing, capabilities, bridge windows, the listing.
 * Models: kvm-unit-tests lib/pci.h (names, index conventions), Linux
 * drivers/pci/probe.c (sizing), Zephyr drivers/pcie (bounded walks).
 *
 * Conventions:
 * - config offsets are byte offsets, as in hw.h; every access here goes
 *   through HW_CFG_DEFAULT;
 * - a BAR number (bar_num, struct pci_bar.index) counts 32-bit registers
 *   from offset 0x10: BAR n lives at 0x10 + 4 * n; a 64-bit BAR n takes
 *   registers n (low dword) and n + 1 (high dword), and register n + 1 is
 *   then PCI_BAR_MEM64_UPPER, not a BAR of its own;
 * - addresses and sizes are bytes, 64-bit; a size is a power of two up to 2^63;
 * - storage is bounded and owned by the caller (struct pci_topology): no
 *   allocation, and a fabric larger than the bounds is warned about, never
 *   overflowed. */
#ifndef BARMOVE_PCI_H
#define BARMOVE_PCI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw.h"

#define PCI_MAX_FUNCTIONS 256
#define PCI_MAX_BARS 6         /* type-0 header; a type-1 bridge has 2 */
#define PCI_BRIDGE_BARS 2
#define PCI_MAX_VENDOR_CAPS 8  /* virtio-pci uses five */
#define PCI_MAX_BUSES 256      /* buses walked per enumeration, all segments */
#define PCI_MAX_BRIDGE_DEPTH 32
#define PCI_MAX_CAPS 48        /* (256 - 0x40) / 4 dword slots: no list is longer */
#define PCI_NO_UPSTREAM (-1)

/* config header registers used here (PCI Local Bus 3.0 §6.1, PCI-PCI Bridge 1.2 §3.2) */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08 /* revision in the low byte, class code above */
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_IO_BASE 0x1c
#define PCI_IO_LIMIT 0x1d
#define PCI_MEMORY_BASE 0x20
#define PCI_MEMORY_LIMIT 0x22
#define PCI_PREF_MEMORY_BASE 0x24
#define PCI_PREF_MEMORY_LIMIT 0x26
#define PCI_PREF_BASE_UPPER32 0x28
#define PCI_PREF_LIMIT_UPPER32 0x2c
#define PCI_IO_BASE_UPPER16 0x30
#define PCI_IO_LIMIT_UPPER16 0x32

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2 /* MSE: memory space enable */
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS_CAP_LIST 0x10

#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_NORMAL 0
#define PCI_HEADER_BRIDGE 1
#define PCI_HEADER_CARDBUS 2

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VENDOR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

/* PCIe capability, Device/Port Type (PCIe 6.0 §7.5.3.2) */
#define PCI_EXP_TYPE_ENDPOINT 0x0
#define PCI_EXP_TYPE_LEGACY_ENDPOINT 0x1
#define PCI_EXP_TYPE_ROOT_PORT 0x4
#define PCI_EXP_TYPE_UPSTREAM 0x5
#define PCI_EXP_TYPE_DOWNSTREAM 0x6
#define PCI_EXP_TYPE_PCIE_TO_PCI 0x7
#define PCI_EXP_TYPE_ROOT_INTEGRATED 0x9

/* ---- typed config access (drivers/pci_cfg.c) ----
 * Reads return all-ones when the mechanism cannot reach the address, as an
 * absent function would; writes return false then. */
uint8_t pci_cfg_read8(struct pci_bdf f, uint16_t offset);
uint16_t pci_cfg_read16(struct pci_bdf f, uint16_t offset);
uint32_t pci_cfg_read32(struct pci_bdf f, uint16_t offset);
bool pci_cfg_write8(struct pci_bdf f, uint16_t offset, uint8_t value);
bool pci_cfg_write16(struct pci_bdf f, uint16_t offset, uint16_t value);
bool pci_cfg_write32(struct pci_bdf f, uint16_t offset, uint32_t value);

/* COMMAND read-modify-write with 16-bit accesses only: a dword write would
 * write STATUS's write-1-to-clear bits back and clear them. Both return the
 * COMMAND value found before the write; nothing is written when the bits are
 * already as asked (each remapping write costs the hypervisor, DESIGN §8). */
uint16_t pci_command_set(struct pci_bdf f, uint16_t bits);
uint16_t pci_command_clear(struct pci_bdf f, uint16_t bits);

/* ---- data model ---- */
struct pci_root {
    uint16_t segment;
    uint8_t bus;
};

enum pci_bar_kind {
    PCI_BAR_UNUSED,      /* sizing read 0: not implemented */
    PCI_BAR_IO,
    PCI_BAR_MEM32,
    PCI_BAR_MEM64,
    PCI_BAR_MEM64_UPPER, /* high dword of the 64-bit BAR one register below */
    PCI_BAR_INVALID,     /* implemented but unusable: see problem */
};

struct pci_bar {
    enum pci_bar_kind kind;
    bool prefetchable;
    uint8_t index;       /* register number: offset 0x10 + 4 * index */
    uint64_t addr;       /* address as found (flag bits masked off) */
    uint64_t size;       /* bytes; 0 when unused or invalid */
    const char *problem; /* NULL, or why the BAR cannot be trusted (a string literal) */
};

/* a bridge forwarding window; bits: 16 or 32 (I/O), 32 (memory), 32 or 64 (prefetchable) */
struct pci_window {
    uint64_t base, limit; /* inclusive */
    uint8_t bits;
    bool closed;          /* limit < base: forwards nothing */
};

struct pci_bridge_info {
    uint8_t primary, secondary, subordinate;
    struct pci_window io, mem, pref;
};

struct pci_msix_info {
    uint8_t table_bir, pba_bir; /* BAR numbers */
    uint32_t table_offset, pba_offset;
    uint16_t table_size;        /* entries: the encoded N-1, plus one */
};

/* capability offsets in config space; 0 = not present (0 is never a capability) */
struct pci_caps {
    uint8_t msi, msix, pcie;
    uint8_t pcie_type; /* PCI_EXP_TYPE_*, valid when pcie != 0 */
    struct pci_msix_info msix_info;
    uint8_t vendor[PCI_MAX_VENDOR_CAPS];
    uint8_t vendor_count;
    const char *problem; /* e.g. a cyclic list */
};

struct pci_function {
    struct pci_bdf bdf;
    uint16_t vendor, device;
    uint32_t class_code; /* 24 bits: base class, subclass, programming interface */
    uint8_t revision;
    uint8_t header_type; /* without the multifunction bit */
    bool multifunction;
    uint16_t command, status; /* as found, before sizing */
    uint8_t bar_count;        /* 6 (type 0), 2 (type 1), 0 (CardBus and unknown headers) */
    struct pci_bar bars[PCI_MAX_BARS];
    bool is_bridge;           /* type 1: bridge is valid */
    struct pci_bridge_info bridge;
    struct pci_caps caps;
    int upstream;  /* the bridge above: an index into pci_topology.functions,
                    * PCI_NO_UPSTREAM on a root bus */
    uint8_t depth; /* bridges above this function */
};

/* functions in depth-first order: a bridge's subtree follows it directly */
struct pci_topology {
    struct pci_function functions[PCI_MAX_FUNCTIONS];
    unsigned count;
    bool truncated; /* more functions than PCI_MAX_FUNCTIONS, or buses than PCI_MAX_BUSES */
};

/* ---- enumeration (drivers/pci_enum.c) ----
 * Walks every root bus and, through type-1 bridges, every secondary bus as
 * firmware numbered it (nothing is renumbered). Sizes BARs with decode off.
 * warn (may be NULL) gets one line per anomaly, never while a function's
 * decode is off. Returns the number of functions recorded. */
int pci_enumerate(const struct pci_root *roots, unsigned root_count, struct pci_topology *out,
                  void (*warn)(const char *text));

/* fills one function's record from config space (IDs, BARs, caps, bridge) */
void pci_function_read(struct pci_bdf f, struct pci_function *out, void (*warn)(const char *text));

/* ---- BARs (drivers/pci_bar.c) ---- */
/* decodes the raw register(s) of BAR bar_num: kind, prefetchable, address */
void pci_bar_decode(struct pci_bdf f, unsigned bar_num, unsigned bar_count, struct pci_bar *out);
/* sizes every BAR of f the Linux way: decode off (16-bit COMMAND write),
 * all-ones, read the mask, restore, decode back, then verify the restore;
 * problems are recorded in bars[] and warned about once decode is back on */
void pci_bars_size(struct pci_bdf f, struct pci_bar *bars, unsigned bar_count,
                   void (*warn)(const char *text));

/* live register access (kvm-unit-tests names): bar_num is a register number
 * of f's header (0-5, 0-1 on a bridge); a 64-bit BAR is named by its low register */
uint64_t pci_bar_get_addr(struct pci_bdf f, unsigned bar_num);
/* writes the low dword, then the high one of a 64-bit BAR, with MEM and IO
 * decode off when they were on, as Linux does; restores COMMAND (16-bit
 * writes); returns whether the BAR reads back addr (an address the BAR cannot
 * hold, unaligned or above 4 GiB for a 32-bit BAR, does not) */
bool pci_bar_set_addr(struct pci_bdf f, unsigned bar_num, uint64_t addr);
bool pci_bar_is64(struct pci_bdf f, unsigned bar_num);
bool pci_bar_is_memory(struct pci_bdf f, unsigned bar_num);
/* from the record: the size found at enumeration, 0 when unused or invalid */
uint64_t pci_bar_size(const struct pci_function *fn, unsigned bar_num);
uint16_t pci_bar_offset(unsigned bar_num); /* config offset of register bar_num */

/* ---- capabilities (drivers/pci_caps.c) ----
 * Walks the standard list only when STATUS says one exists; at most
 * PCI_MAX_CAPS entries, pointers masked to dwords, a pointer below 0x40 ends
 * the list, a revisited one too (recorded as a problem). The first MSI, MSI-X
 * and PCIe capability count; vendor-specific ones are kept in list order. */
void pci_caps_read(struct pci_bdf f, uint8_t header_type, uint16_t status, struct pci_caps *out);

/* ---- bridges (drivers/pci_bridge.c) ---- */
/* bus numbers and the three windows of a type-1 header, decoded as the bridge forwards */
void pci_bridge_read(struct pci_bdf f, struct pci_bridge_info *out);
/* true when window w covers [base, base + size) */
bool pci_window_covers(const struct pci_window *w, uint64_t base, uint64_t size);

/* a and b are functions of one device: same segment, bus and slot */
static inline bool pci_same_device(struct pci_bdf a, struct pci_bdf b)
{
    return a.segment == b.segment && a.bus == b.bus && a.device == b.device;
}

/* ---- listing (drivers/pci_print.c) ---- */
/* "00:04.0", or "0001:00:04.0" on a nonzero segment */
void pci_bdf_format(struct pci_bdf f, char *buf, size_t size);
/* "00:04.0 BAR2": how checks name a test point */
void pci_bar_describe(const struct pci_function *fn, unsigned bar_num, char *buf, size_t size);
/* "mem64", "io", ... */
const char *pci_bar_kind_name(enum pci_bar_kind kind);
/* "64M", "4K", "32B": the largest unit that divides size exactly */
void pci_size_human(uint64_t size, char *buf, size_t size_of_buf);
/* the tree, like lspci -tv plus BARs and windows, one call of line() per line */
void pci_print_topology(const struct pci_topology *t, void (*line)(const char *text));

#endif
