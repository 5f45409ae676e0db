/* libFuzzer target: the address map and the test-slot allocator
 * (drivers/addrmap.c, addrmap_alloc.c, machine_map.c), unchanged, against
 * hostile memory maps: random ranges, overlaps, lengths that wrap 2^64.
 *
 * Input: byte 0: phys_bits (32 + byte % 33, the whole range init clamps to);
 * byte 1: bit 0 builds the map through machine_map_build (boot memory map,
 * ACPI windows/ECAM/LAPIC/IOAPIC/HPET, option windows) instead of directly;
 * then 17-byte records: u8 op, u64 a, u64 b (LE):
 *   op 0x00-0x3f  a range of kind op % ADDRMAP_KIND_COUNT, [a, b] (b < a: refused)
 *   op 0x40-0x7f  a boot memory-map entry: base a, length b, type op & 7
 *   op 0x80-0xff  a request: BAR size 2^(b & 63), or b itself when op bit 6
 *                 (odd sizes); constraint op & 3: anywhere, below 4 GiB,
 *                 above 4 GiB, inside bridge window [a & ~0xfffff, a | b-ish];
 *                 op bit 2: lowest slot, else seeded by a; a slot found is
 *                 committed as a BAR, as the engine does.
 * Every slot is checked against addrmap.h's promises with a second,
 * independent implementation: free, aligned, inside the constraint and the
 * windows, below 2^phys_bits, over no RAM or device, the low-dword alias of
 * a slot above 4 GiB unused; every free interval likewise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/machine_map.h"

#define RECORD 17
#define MAX_REQUESTS 8
#define FOUR_GIB (1ull << 32)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TARGET "fuzz_addrmap"
#include "fuzz_check.h"

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 <= b1 && b0 <= a1;
}

/* [a, b] inside the union of WINDOW ranges */
static bool in_windows(const struct addrmap *m, uint64_t a, uint64_t b)
{
    uint64_t p = a;
    for (;;) {
        const struct addrmap_range *best = NULL;
        for (unsigned i = 0; i < m->count; i++) {
            const struct addrmap_range *r = &m->ranges[i];
            if (r->kind == ADDRMAP_WINDOW && r->base <= p && p <= r->end &&
                (!best || r->end > best->end))
                best = r;
        }
        if (!best)
            return false;
        if (best->end >= b)
            return true;
        p = best->end + 1;
    }
}

/* a used range overlapping [a, b]; exempt: the bridge windows holding all of [c->lo, c->hi] */
static const struct addrmap_range *blocker(const struct addrmap *m, uint64_t a, uint64_t b,
                                           const struct addrmap_constraint *c)
{
    for (unsigned i = 0; i < m->count; i++) {
        const struct addrmap_range *r = &m->ranges[i];
        if (r->kind == ADDRMAP_WINDOW || !overlaps(a, b, r->base, r->end))
            continue;
        if (c && c->in_bridge_window && r->kind == ADDRMAP_BRIDGE_WINDOW && r->base <= c->lo &&
            c->hi <= r->end)
            continue;
        return r;
    }
    return NULL;
}

/* devices and memory the machine map must keep clear: the original extents
 * (a range whose end would wrap 2^64 is cut there) */
struct device { uint64_t base, last; const char *what; };
static struct device devices[64];
static unsigned device_count;

static void note_device(uint64_t base, uint64_t size, const char *what)
{
    if (device_count == sizeof devices / sizeof devices[0] || !size)
        return;
    uint64_t last = base + (size - 1) < base ? UINT64_MAX : base + (size - 1);
    devices[device_count++] = (struct device){base, last, what};
}

static void check_slot(const struct addrmap *m, uint64_t base, uint64_t size,
                       const struct addrmap_constraint *c)
{
    uint64_t span = addrmap_slot_span(size);
    check(span != 0, "a slot only for a power-of-two size");
    check(base != 0 && base % span == 0, "slot nonzero and aligned to its span");
    check(base <= UINT64_MAX - (span - 1), "slot does not wrap");
    uint64_t end = base + span - 1;
    check(end <= m->phys_last, "slot below 2^phys_bits");
    check(c->lo <= base && end <= c->hi, "slot inside the constraint");
    check(in_windows(m, base, end), "slot inside windows");
    check(!blocker(m, base, end, c), "slot over no used range");
    if (base >= FOUR_GIB) {
        check(span < FOUR_GIB, "no slot of 4 GiB or more above 4 GiB");
        uint64_t low = base & (FOUR_GIB - 1);
        check(!blocker(m, low, low + span - 1, NULL), "low-dword alias over no used range");
    }
    for (unsigned i = 0; i < device_count; i++)
        if (overlaps(base, end, devices[i].base, devices[i].last)) {
            fprintf(stderr, "fuzz_addrmap: slot 0x%llx-0x%llx over %s 0x%llx-0x%llx\n",
                    (unsigned long long)base, (unsigned long long)end, devices[i].what,
                    (unsigned long long)devices[i].base, (unsigned long long)devices[i].last);
            check(0, "slot over RAM or a device of the machine map");
        }
    check(addrmap_slot_ok(m, base, size, c), "addrmap_slot_ok agrees");
}

struct intervals {
    const struct addrmap *m;
    const struct addrmap_constraint *c;
    uint64_t prev_last;
    unsigned n;
};

static void check_interval(void *ctx, uint64_t first, uint64_t last)
{
    struct intervals *iv = ctx;
    check(first <= last, "free interval in order");
    check(iv->n == 0 || first > iv->prev_last + 1, "free intervals ascending, maximal");
    check(last <= iv->m->phys_last, "free interval below 2^phys_bits");
    check(iv->c->lo <= first && last <= iv->c->hi, "free interval inside the constraint");
    check(in_windows(iv->m, first, last), "free interval inside windows");
    check(!blocker(iv->m, first, last, iv->c), "free interval over no used range");
    iv->prev_last = last;
    iv->n++;
}

static void warn(const char *text)
{
    check(text != NULL, "warning");
}

static struct addrmap_constraint constraint(unsigned op, uint64_t a, uint64_t b)
{
    switch (op & 3) {
    case 0:
        return addrmap_anywhere();
    case 1:
        return addrmap_below_4g();
    case 2:
        return addrmap_above_4g();
    default: {
        uint64_t lo = a & ~0xfffffull, hi = lo + ((b >> 8) | 0xfffff);
        return addrmap_in_bridge_window(lo, hi < lo ? UINT64_MAX : hi);
    }
    }
}

static void request(struct addrmap *m, unsigned op, uint64_t a, uint64_t b, uint32_t owner)
{
    uint64_t size = (op & 0x40) ? b : 1ull << (b & 63), base = 0, low = 0;
    struct addrmap_constraint c = constraint(op, a, b);
    struct prng rng;
    prng_seed(&rng, a);
    uint64_t slots = addrmap_count_slots(m, size, &c);
    bool lowest = addrmap_alloc(m, size, &c, NULL, &low);
    check(lowest == (slots != 0), "a slot exactly when count_slots says so");
    if (!lowest) {
        check(!addrmap_alloc(m, size, &c, &rng, &base), "no slot with a seed either");
        return;
    }
    check_slot(m, low, size, &c);
    check(addrmap_alloc(m, size, &c, &rng, &base), "a seeded slot when there is one");
    check_slot(m, base, size, &c);
    if (slots == 1)
        check(base == low, "one slot: the seeded pick is the lowest");
    if (low != base && addrmap_transients_free(m, low, base, size, &c)) {
        uint64_t span = addrmap_slot_span(size);
        uint64_t mix[2] = {(base & (FOUR_GIB - 1)) | (low & ~(FOUR_GIB - 1)),
                           (low & (FOUR_GIB - 1)) | (base & ~(FOUR_GIB - 1))};
        for (unsigned k = 0; k < 2; k++) {
            if (mix[k] == low || mix[k] == base)
                continue;
            check(mix[k] != 0 && mix[k] <= UINT64_MAX - (span - 1), "transient nonzero, no wrap");
            check(mix[k] + span - 1 <= m->phys_last, "transient below 2^phys_bits");
            check(!blocker(m, mix[k], mix[k] + span - 1, &c), "transient over no used range");
        }
    }
    if (!(op & 4))
        low = base;
    /* commit the BAR bytes, as the engine does; the rest of the page still blocks */
    addrmap_add(m, low, low + (size - 1), ADDRMAP_BAR, owner);
    if (op & 8)
        addrmap_remove_owner(m, ADDRMAP_BAR, owner - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct addrmap map;
    static struct bootinfo boot;
    static struct acpi_info acpi;
    static struct pci_topology pci;
    static struct options opt;
    if (size < 2)
        return 0;
    unsigned phys_bits = 32 + data[0] % 33;
    bool machine = data[1] & 1;
    size_t n = (size - 2) / RECORD;
    const uint8_t *rec = data + 2;

    device_count = 0;
    memset(&boot, 0, sizeof boot);
    memset(&acpi, 0, sizeof acpi);
    options_init(&opt);
    pci.count = 0;
    addrmap_init(&map, phys_bits);
    if (!machine) {
        struct mem_range ranges[BOOTINFO_MAX_RANGES];
        unsigned count = 0;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *r = rec + i * RECORD;
            if ((r[0] & 0xc0) == 0x40 && count < BOOTINFO_MAX_RANGES)
                ranges[count++] = (struct mem_range){le64(r + 1), le64(r + 9), r[0] & 7u};
        }
        bool ok = addrmap_add_memory_map(&map, ranges, count);
        for (size_t i = 0; i < n && ok; i++) {
            const uint8_t *r = rec + i * RECORD;
            if (r[0] < 0x40)
                addrmap_add(&map, le64(r + 1), le64(r + 9),
                            (enum addrmap_kind)(r[0] % ADDRMAP_KIND_COUNT), 0);
        }
        for (unsigned i = 0; ok && i < count; i++)
            if (ranges[i].type == MEM_RAM)
                note_device(ranges[i].base, ranges[i].length, "RAM");
    } else {
        /* the kernel's path: records become the boot map, ACPI and options */
        for (size_t i = 0; i < n; i++) {
            const uint8_t *r = rec + i * RECORD;
            uint64_t a = le64(r + 1), b = le64(r + 9);
            if ((r[0] & 0xc0) == 0x40 && boot.range_count < BOOTINFO_MAX_RANGES)
                boot.ranges[boot.range_count++] = (struct mem_range){a, b, r[0] & 7u};
            else if (r[0] < 0x40 && (r[0] & 7) == 0 && acpi.window_count < ACPI_MAX_WINDOWS)
                acpi.windows[acpi.window_count++] = (struct acpi_window){a, b};
            else if (r[0] < 0x40 && (r[0] & 7) == 1 && opt.window_count < OPT_MAX_WINDOWS)
                opt.windows[opt.window_count++] = (struct addr_window){a, b};
            else if (r[0] < 0x40 && (r[0] & 7) == 2)
                acpi.lapic_base = a;
            else if (r[0] < 0x40 && (r[0] & 7) == 3 && acpi.ioapic_count < ACPI_MAX_IOAPICS)
                acpi.ioapic_base[acpi.ioapic_count++] = a;
            else if (r[0] < 0x40 && (r[0] & 7) == 4)
                acpi.hpet_base = a;
            else if (r[0] < 0x40 && (r[0] & 7) == 5 && acpi.mcfg_count < ACPI_MAX_MCFG)
                acpi.mcfg_entries[acpi.mcfg_count++] =
                    (struct acpi_mcfg_entry){a & ~0xfffffull, 0, (uint8_t)b, (uint8_t)(b >> 8)};
        }
        bool ok = machine_map_build(&map, phys_bits, &boot, &acpi, true, &pci, &opt, warn);
        if (ok) {
            for (unsigned i = 0; i < boot.range_count; i++)
                if (boot.ranges[i].type == MEM_RAM)
                    note_device(boot.ranges[i].base, boot.ranges[i].length, "RAM");
            if (acpi.lapic_base)
                note_device(acpi.lapic_base, LAPIC_SIZE, "LAPIC");
            for (unsigned i = 0; i < acpi.ioapic_count; i++)
                note_device(acpi.ioapic_base[i], IOAPIC_SIZE, "IOAPIC");
            if (acpi.hpet_base)
                note_device(acpi.hpet_base, HPET_SIZE, "HPET");
            for (unsigned i = 0; i < acpi.mcfg_count; i++)
                if (acpi.mcfg_entries[i].bus_start <= acpi.mcfg_entries[i].bus_end)
                    note_device(acpi_mcfg_first(&acpi.mcfg_entries[i]),
                                acpi_mcfg_last(&acpi.mcfg_entries[i]) -
                                    acpi_mcfg_first(&acpi.mcfg_entries[i]) + 1,
                                "ECAM");
        }
    }
    check(map.count <= ADDRMAP_MAX_RANGES, "range count bounded");

    struct addrmap_constraint any = addrmap_anywhere();
    struct intervals iv = {&map, &any, 0, 0};
    addrmap_for_each_free(&map, &any, check_interval, &iv);

    unsigned requests = 0;
    for (size_t i = 0; i < n && requests < MAX_REQUESTS; i++) {
        const uint8_t *r = rec + i * RECORD;
        if (r[0] & 0x80) {
            request(&map, r[0], le64(r + 1), le64(r + 9), 0x100 + requests);
            requests++;
        }
    }
    return 0;
}
