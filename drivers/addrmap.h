/* The machine's physical address map and the test-slot allocator
 * (hardware-free: shared by the kernel and host tests). DESIGN §4 "Safety":
 * test slots come from the host bridge's windows minus everything that
 * decodes or holds memory, limited to the CPU's physical address width.
 *
 * Conventions:
 * - a range is [base, end], both inclusive, 64-bit: a range may end at 2^64-1;
 * - WINDOW ranges are free MMIO space (host bridge _CRS, the window= option);
 *   every other kind is "used" and blocks: RAM, RESERVED (memory-map
 *   reserved/ACPI/NVS/bad), FIRMWARE, ECAM, LAPIC, IOAPIC, HPET, BAR and
 *   BRIDGE_WINDOW; a BRIDGE_WINDOW stops blocking only for a caller that asks
 *   for space inside it (addrmap_in_bridge_window). Ranges may overlap (a BAR
 *   lies in a window and in its bridge's window); nothing is merged;
 * - nothing at or above 2^phys_bits is free, and no slot starts at 0 (QEMU
 *   treats BAR value 0 as unmapped);
 * - slots are page-granular: a slot for a BAR of size S is aligned to and
 *   must find free max(S, 4 KiB) bytes (addrmap_slot_span), so a probe never
 *   shares a page with another device, even for 16- or 256-byte BARs. The
 *   caller commits only the S bytes the BAR decodes; the rest of the page then
 *   still blocks other slots (a slot needs its whole page free). A check that
 *   packs small BARs tightly takes one slot and places them inside it;
 * - a slot at or above 4 GiB (high dword H != 0) also needs its low-dword
 *   alias unused: [L, L + span - 1] with L = base mod 2^32 overlaps no used
 *   range (not even a bridge window; it need not lie in a window), so a
 *   hypervisor that drops the high dword never lands the BAR on RAM or a
 *   device. A slot of 4 GiB or more has L = 0 and needs all of [0, 4 GiB)
 *   unused, which no real machine offers: such BARs get no slot above 4 GiB;
 * - owners are opaque tags the caller gives (e.g. function index << 8 | BAR);
 * - storage is bounded (ADDRMAP_MAX_RANGES, about 6 KiB: keep the map static,
 *   not on a kernel stack) and owned by the caller; the
 *   allocator never writes the map: the caller commits a slot with
 *   addrmap_add(map, base, base + size - 1, ADDRMAP_BAR, owner). */
#ifndef BARMOVE_ADDRMAP_H
#define BARMOVE_ADDRMAP_H
#include <stdbool.h>
#include <stdint.h>

#include "../kernel/bootinfo.h"
#include "../kernel/prng.h"

#define ADDRMAP_MAX_RANGES 256
#define ADDRMAP_PAGE 0x1000ull
#define ADDRMAP_MIN_PHYS_BITS 32 /* init clamps phys_bits into [32, 64] */
#define ADDRMAP_MAX_PHYS_BITS 64

enum addrmap_kind {
    ADDRMAP_RAM,
    ADDRMAP_RESERVED,
    ADDRMAP_FIRMWARE,
    ADDRMAP_ECAM,
    ADDRMAP_LAPIC,
    ADDRMAP_IOAPIC,
    ADDRMAP_HPET,
    ADDRMAP_BAR,
    ADDRMAP_BRIDGE_WINDOW,
    ADDRMAP_WINDOW,
    ADDRMAP_KIND_COUNT
};

struct addrmap_range {
    uint64_t base, end; /* inclusive */
    uint32_t owner;     /* caller's tag (BAR, BRIDGE_WINDOW); 0 for the rest */
    enum addrmap_kind kind;
};

struct addrmap {
    struct addrmap_range ranges[ADDRMAP_MAX_RANGES]; /* in the order added */
    unsigned count;
    unsigned phys_bits;
    uint64_t phys_last; /* 2^phys_bits - 1: the highest address that can be free */
};

/* Where a slot may lie: its whole span inside [lo, hi]. in_bridge_window:
 * [lo, hi] is (part of) a bridge window, and every BRIDGE_WINDOW range that
 * contains all of [lo, hi] (that bridge and the bridges above it) stops
 * blocking; other bridge windows (e.g. a child bridge's) still block. The
 * slot must still lie inside a WINDOW, as firmware's bridge windows do. */
struct addrmap_constraint {
    uint64_t lo, hi;
    bool in_bridge_window;
};

static inline struct addrmap_constraint addrmap_anywhere(void)
{
    return (struct addrmap_constraint){0, UINT64_MAX, false};
}
static inline struct addrmap_constraint addrmap_below_4g(void)
{
    return (struct addrmap_constraint){0, 0xffffffffull, false};
}
static inline struct addrmap_constraint addrmap_above_4g(void)
{
    return (struct addrmap_constraint){1ull << 32, UINT64_MAX, false};
}
static inline struct addrmap_constraint addrmap_in_bridge_window(uint64_t lo, uint64_t hi)
{
    return (struct addrmap_constraint){lo, hi, true};
}

void addrmap_init(struct addrmap *map, unsigned phys_bits);
/* false when the map is full, base > end or the kind is unknown */
bool addrmap_add(struct addrmap *map, uint64_t base, uint64_t end, enum addrmap_kind kind,
                 uint32_t owner);
/* removes every range of this kind and owner (a BAR that moved); returns how many */
unsigned addrmap_remove_owner(struct addrmap *map, enum addrmap_kind kind, uint32_t owner);
/* the boot memory map: type RAM as RAM, every other type as RESERVED, empty
 * entries skipped, lengths that wrap clipped at 2^64-1; then every part of the
 * first MiB that is no RAM as FIRMWARE. false when the map filled up. */
bool addrmap_add_memory_map(struct addrmap *map, const struct mem_range *ranges, unsigned n);
const char *addrmap_kind_name(enum addrmap_kind kind);

/* [base, end] inside windows, below 2^phys_bits, overlapping no used range
 * (bridge windows included) */
bool addrmap_is_free(const struct addrmap *map, uint64_t base, uint64_t end);

/* Free space in address order: the first maximal free interval [*first, *last]
 * at or after `from` that is inside windows and the constraint (NULL:
 * anywhere). false when there is none. */
bool addrmap_next_free(const struct addrmap *map, const struct addrmap_constraint *c,
                       uint64_t from, uint64_t *first, uint64_t *last);
/* The same for space no used range overlaps, windows ignored, within [lo, hi]
 * and below 2^phys_bits (where a low-dword alias or a transient may go). */
bool addrmap_next_unused(const struct addrmap *map, uint64_t lo, uint64_t hi, uint64_t from,
                         uint64_t *first, uint64_t *last);
/* calls fn for each free interval in address order; returns how many */
unsigned addrmap_for_each_free(const struct addrmap *map, const struct addrmap_constraint *c,
                               void (*fn)(void *ctx, uint64_t first, uint64_t last), void *ctx);

/* bytes a slot for a BAR of this size takes: max(size, 4 KiB); 0 when size is
 * not a power of two */
uint64_t addrmap_slot_span(uint64_t size);
/* whether base is a slot the allocator could return for this size and constraint */
bool addrmap_slot_ok(const struct addrmap *map, uint64_t base, uint64_t size,
                     const struct addrmap_constraint *c);
/* how many slots the allocator can choose from (0: none) */
uint64_t addrmap_count_slots(const struct addrmap *map, uint64_t size,
                             const struct addrmap_constraint *c);
/* Picks one of the addrmap_count_slots() slots: uniformly with rng (the same
 * seed gives the same slots), the lowest with rng NULL. false when there is
 * none. Does not mark the slot used: addrmap_add it as a BAR to commit. */
bool addrmap_alloc(const struct addrmap *map, uint64_t size, const struct addrmap_constraint *c,
                   struct prng *rng, uint64_t *base);

/* For a 64-bit move old -> new of a BAR of this size: both transient mixes
 * new_lo|old_hi and old_lo|new_hi, spans as for slots, are nonzero, below
 * 2^phys_bits and overlap no used range (c: NULL, or the bridge window both
 * lie in, which then does not block). A mix equal to old or new is no
 * transient and is not checked (the moving BAR's own range may still be in
 * the map). Windows are not required: transients are probed read-only. */
bool addrmap_transients_free(const struct addrmap *map, uint64_t old_base, uint64_t new_base,
                             uint64_t size, const struct addrmap_constraint *c);

#endif
