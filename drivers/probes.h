/* Device probes (DESIGN §3 "Probes"): how barmove proves that a given BAR
 * answers at a given address, without trusting "nothing there" (an unbacked
 * address reads 0 on QEMU, all-ones on Bochs, stale bytes elsewhere).
 *
 * A probe owns one register (or RAM word) inside one BAR, at byte offset
 * `offset` from the BAR's base. Identity is proved with nonces: the engine
 * plants a fresh nonce while the BAR is known to answer at some base (the
 * value lives in the device, so it moves with the BAR), then looks for it
 * read-only at every address of interest. Only that BAR holds that nonce,
 * so an alias to another device is told apart. Looking never writes, so
 * transient addresses (which may overlap RAM or other devices) are safe.
 *
 * Strength:
 *   SCRATCH   a read/write register or RAM: nonce planted, full identity;
 *   SIGNATURE read-only values learned at start (NVMe VS and CAP; a busy
 *             e1000's MAC address, a running USB controller's capability
 *             registers): weaker, reported as such, no nonce;
 *   NONE      nothing to look at (pci-testdev's empty membar): the BAR can
 *             still be moved and timed; answer checks SKIP with a reason.
 *
 * Life of a probe (the engine calls the probe_* wrappers below, not the
 * type's callbacks, so that a refused SCRATCH falls back by itself):
 *   probe_find      once per memory BAR, from the enumeration record;
 *   probe_prepare   at the firmware address, decode on: saves the register,
 *                   checks that a scratch value round-trips; a refusal falls
 *                   back (NVMe with CC.EN=1, a running USB controller, an
 *                   e1000 with its receiver on -> SIGNATURE) or to NONE (a
 *                   NONE after prepare fails the baseline check: keep such
 *                   refusals for "does not behave at the firmware address");
 *   probe_usable_nonce + probe_plant   while the BAR answers somewhere;
 *   probe_look      read-only, at any address, any number of times;
 *   probe_restore   at the BAR's address, decode on: the original back, and
 *                   whatever prepare changed to make the register usable (the
 *                   std VGA's VBE mode) as it was found.
 *
 * Every access goes through the seam (drivers/hw.h), naturally aligned at
 * the register's width; a faulting access is a "not seen", never a crash.
 * Callbacks and wrappers are shared code: no state outside struct probe. */
#ifndef BARMOVE_PROBES_H
#define BARMOVE_PROBES_H
#include <stdbool.h>
#include <stdint.h>

#include "pci.h"

enum probe_strength { PROBE_NONE, PROBE_SIGNATURE, PROBE_SCRATCH };

struct probe;

struct probe_type {
    const char *name; /* "ivshmem-ram", "nvme-aqa", "virtio-dfselect", "edu-liveness", ... */
    enum probe_strength strength;
    /* the register returns the bitwise NOT of what was written (edu's liveness) */
    bool reads_inverted;
    /* the register is a word of RAM (ivshmem's shared memory, a framebuffer):
     * every word of the BAR keeps what is written, so the contents check
     * applies to it */
    bool ram;
    /* fields of the register a usable nonce must leave nonzero (NVMe AQA: both
     * queue sizes, so the admin queues works-after-move drives through the
     * planted value are never empty); 0 = none */
    uint64_t nonzero_fields[2];
    /* what prepare falls back to when it refuses (nvme-aqa -> nvme-signature), or NULL */
    const struct probe_type *fallback;
    /* does this probe fit BAR bar_num of f? sets p->offset, p->width, p->keep
     * (e.g. from a virtio vendor capability); may set p->reason when it says no */
    bool (*match)(const struct pci_function *f, unsigned bar_num, struct probe *p);
    /* BAR known to answer at base: save the original register, check it behaves
     * (a scratch value round-trips), learn signatures; 0 or a reason (static string) */
    const char *(*prepare)(struct probe *p, uint64_t base);
    /* BAR known to answer at base: write nonce masked to p->keep, set p->expect (SCRATCH only) */
    bool (*plant)(struct probe *p, uint64_t base, uint64_t nonce);
    /* read-only: does the BAR's register show at base? the value read goes to *seen
     * (0 when the access faulted: see probe_read_register for the fault) */
    bool (*look)(const struct probe *p, uint64_t base, uint64_t *seen);
    /* BAR known to answer at base: write the original register value back, verified */
    bool (*restore)(struct probe *p, uint64_t base);
};

struct probe {
    const struct probe_type *type;
    struct pci_bdf bdf;
    unsigned bar_num;
    uint64_t bar_size;
    uint32_t offset;       /* of the register inside the BAR */
    unsigned width;        /* of the register: 1, 2, 4 or 8 bytes */
    uint64_t keep;         /* SCRATCH: the bits of the register that keep what is written */
    uint64_t original;     /* register value saved by prepare (as read) */
    uint64_t nonce;        /* last planted (SCRATCH), already masked to keep */
    uint64_t expect;       /* what look must read: the nonce as the register returns it
                              (edu returns ~value), or the learned signature */
    uint64_t signature[2]; /* SIGNATURE: values learned by prepare */
    uint64_t saved;        /* device state prepare changed outside the register, for
                              restore to put back (std VGA: the VBE mode it found) */
    bool planted;          /* SCRATCH: a nonce is in the register (look is false before) */
    const char *reason;    /* why the probe is NONE (the SKIP reason), or why a SCRATCH
                              fell back to SIGNATURE; NULL otherwise (static string) */
};

/* ---- the registry (drivers/probes.c) ---- */

/* the probe type for BAR bar_num of f, chosen by vendor:device and class;
 * fills *p (type, bdf, bar, size, offset, width, keep) and returns true; a
 * BAR with no known probe gets a NONE type, p->reason, and false */
bool probe_find(const struct pci_function *f, unsigned bar_num, struct probe *p);
/* the MSI-X table probe ("msix-table") for BAR bar_num of f, whatever
 * device probe the BAR also has: probe_find gives it only to a BAR that holds
 * its function's MSI-X table and has no device-specific probe (e1000e BAR3,
 * virtio-pci BAR1, a root port's BAR0), and a check about the table itself
 * (msix-follows) asks for it here, e.g. for NVMe BAR0 (AQA at 0x24, table at
 * 0x2000). False with p->reason when the BAR holds no table, the table does
 * not fit in it, or MSI-X is enabled (its entries are then live). */
bool probe_find_msix(const struct pci_function *f, unsigned bar_num, struct probe *p);

/* NULL when the probe is usable (SCRATCH, or SIGNATURE after a refused
 * SCRATCH: p->type changed and p->reason says why); else the reason, and
 * p->type is then a NONE type */
const char *probe_prepare(struct probe *p, uint64_t base);
/* SCRATCH: writes nonce & p->keep (use probe_usable_nonce first); SIGNATURE:
 * nothing to write, true; NONE: false */
bool probe_plant(struct probe *p, uint64_t base, uint64_t nonce);
bool probe_look(const struct probe *p, uint64_t base, uint64_t *seen);
bool probe_restore(struct probe *p, uint64_t base);

/* maps any random value to a nonce this register keeps whose readback is
 * neither the original value, 0, nor all-ones in the register's width
 * (none of which proves anything); call after prepare */
uint64_t probe_usable_nonce(const struct probe *p, uint64_t random);
/* other, a SCRATCH probe planted in the same register (offset and width),
 * reads back what nonce would read back in p: a look could not tell the two
 * BARs apart. With many BARs of one kind this is a real risk: 100 NVMe
 * controllers, 24 bits of AQA, millions of looks in one rebalance. */
bool probe_nonce_clashes(const struct probe *p, uint64_t nonce, const struct probe *other);
/* a usable nonce from random that clashes with none of the probes taken()
 * says it meets (taken may be NULL); each redraw moves random by an odd
 * constant, so even a constant source ends on a free value */
uint64_t probe_distinct_nonce(const struct probe *p, uint64_t random,
                              bool (*taken)(const struct probe *p, uint64_t nonce, const void *ctx),
                              const void *ctx);

/* A look phase (the sweep before and after a check: every probed BAR looked
 * for at every address of the check): nothing is written in it, so a register
 * read once at an address reads the same until the phase ends, and the many
 * BARs of one kind (25 NVMe: one register offset) share one read per address
 * instead of one each. Reads in the phase go through a small cache; a write
 * (none is expected) empties it. Phases do not nest. */
void probe_read_cache_begin(void);
void probe_read_cache_end(void);
/* forget what was read (the phase stays on or off): before a read that must
 * reach the device again, e.g. after hw_mmio_refresh */
void probe_read_cache_invalidate(void);

/* the raw register at base (for diagnostics): 0 or PROBE_FAULTED | vector */
int probe_read_register(const struct probe *p, uint64_t base, uint64_t *value);

/* "none", "signature", "scratch" (the listing's probe= field) */
const char *probe_strength_name(enum probe_strength s);

/* ---- for the probe implementations (drivers/probe_*.c) ---- */

extern const struct probe_type probe_none, probe_empty_region;
extern const struct probe_type probe_ivshmem_ram, probe_nvme_aqa, probe_nvme_signature;
extern const struct probe_type probe_virtio_dfselect, probe_edu_liveness, probe_msix_table;
extern const struct probe_type probe_e1000_rdbal, probe_e1000_signature, probe_vga_framebuffer;
extern const struct probe_type probe_ohci_hcca, probe_ehci_periodic, probe_xhci_dcbaap;
extern const struct probe_type probe_ohci_signature, probe_ehci_signature, probe_xhci_signature;

/* all-ones in width bytes */
uint64_t probe_width_mask(unsigned width);
/* BAR bar_num of f is a usable memory BAR (sized, no problem recorded) */
bool probe_bar_is_memory(const struct pci_function *f, unsigned bar_num);
/* for a register probe's match: BAR bar_num is the device's memory BAR
 * `want`; then the probe is the dword at offset, keeping the bits keep */
bool probe_place_register(const struct pci_function *f, unsigned bar_num, unsigned want, struct probe *p,
                          uint32_t offset, uint64_t keep);
/* for a RAM BAR's match (p->bar_size known): the probe is its last 64-bit
 * word; false with p->reason = too_big when that lies past 4 GiB */
bool probe_place_last_word(struct probe *p, const char *too_big);
/* a register at base + offset (width bytes, natural alignment checked) */
int probe_mmio_read(uint64_t base, uint32_t offset, unsigned width, uint64_t *value);
int probe_mmio_write(uint64_t base, uint32_t offset, unsigned width, uint64_t value);

/* the SCRATCH callbacks every scratch type shares: prepare saves the register
 * and checks a round trip; plant masks and writes; look compares with
 * p->expect; restore writes what reads back as the original and verifies */
const char *probe_scratch_prepare(struct probe *p, uint64_t base);
bool probe_scratch_plant(struct probe *p, uint64_t base, uint64_t nonce);
bool probe_scratch_look(const struct probe *p, uint64_t base, uint64_t *seen);
bool probe_scratch_restore(struct probe *p, uint64_t base);

/* the SIGNATURE callbacks for two dwords at p->offset and p->offset + 4 that
 * nothing writes (drivers/probe_signature.c): prepare (after the type's own
 * sets p->offset) learns them, look compares both, plant and restore write
 * nothing */
const char *probe_pair_prepare(struct probe *p, uint64_t base);
bool probe_pair_plant(struct probe *p, uint64_t base, uint64_t nonce);
bool probe_pair_look(const struct probe *p, uint64_t base, uint64_t *seen);
bool probe_pair_restore(struct probe *p, uint64_t base);

#endif
