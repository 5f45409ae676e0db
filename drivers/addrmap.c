/* The address map: storage, the free-space scan, and the single-slot queries.
 * The allocator's walk over all slots is in addrmap_alloc.c. */
#include <string.h>

#include "addrmap.h"

#define LOW_4G_LAST 0xffffffffull
#define FIRST_MIB_LAST 0xfffffull

static const char *const kind_names[ADDRMAP_KIND_COUNT] = {
    [ADDRMAP_RAM] = "ram",       [ADDRMAP_RESERVED] = "reserved",
    [ADDRMAP_FIRMWARE] = "firmware", [ADDRMAP_ECAM] = "ecam",
    [ADDRMAP_LAPIC] = "lapic",   [ADDRMAP_IOAPIC] = "ioapic",
    [ADDRMAP_HPET] = "hpet",     [ADDRMAP_BAR] = "bar",
    [ADDRMAP_BRIDGE_WINDOW] = "bridge-window", [ADDRMAP_WINDOW] = "window",
};

const char *addrmap_kind_name(enum addrmap_kind kind)
{
    return (unsigned)kind < ADDRMAP_KIND_COUNT ? kind_names[kind] : "unknown";
}

void addrmap_init(struct addrmap *map, unsigned phys_bits)
{
    memset(map, 0, sizeof *map);
    if (phys_bits < ADDRMAP_MIN_PHYS_BITS)
        phys_bits = ADDRMAP_MIN_PHYS_BITS;
    if (phys_bits > ADDRMAP_MAX_PHYS_BITS)
        phys_bits = ADDRMAP_MAX_PHYS_BITS;
    map->phys_bits = phys_bits;
    map->phys_last = phys_bits == 64 ? UINT64_MAX : (1ull << phys_bits) - 1;
}

bool addrmap_add(struct addrmap *map, uint64_t base, uint64_t end, enum addrmap_kind kind,
                 uint32_t owner)
{
    if (base > end || (unsigned)kind >= ADDRMAP_KIND_COUNT || map->count >= ADDRMAP_MAX_RANGES)
        return false;
    map->ranges[map->count++] = (struct addrmap_range){base, end, owner, kind};
    return true;
}

unsigned addrmap_remove_owner(struct addrmap *map, enum addrmap_kind kind, uint32_t owner)
{
    unsigned kept = 0, removed;
    for (unsigned i = 0; i < map->count; i++) {
        const struct addrmap_range *r = &map->ranges[i];
        if (r->kind != kind || r->owner != owner)
            map->ranges[kept++] = *r;
    }
    removed = map->count - kept;
    map->count = kept;
    return removed;
}

/* What a scan looks for: points in [lo, hi] (hi already clipped to the
 * physical width), in a window if need_window, in no blocking range. */
struct scan {
    uint64_t lo, hi;
    bool need_window;
    bool bridge_exempt;       /* bridge windows holding all of [ex_lo, ex_hi] don't block */
    uint64_t ex_lo, ex_hi;
    enum addrmap_kind cover;  /* the kind covered_until() follows */
};

typedef bool (*range_match)(const struct scan *s, const struct addrmap_range *r);

static bool blocks(const struct scan *s, const struct addrmap_range *r)
{
    if (r->kind == ADDRMAP_WINDOW)
        return false;
    return !(s->bridge_exempt && r->kind == ADDRMAP_BRIDGE_WINDOW && r->base <= s->ex_lo &&
             s->ex_hi <= r->end);
}

static bool is_cover_kind(const struct scan *s, const struct addrmap_range *r)
{
    return r->kind == s->cover;
}

/* The furthest *last with [p, *last] inside the union of matching ranges
 * (overlapping or adjacent ones chain); false when p is in none. */
static bool covered_until(const struct addrmap *map, range_match match, const struct scan *s,
                          uint64_t p, uint64_t *last)
{
    bool covered = false;
    for (;;) {
        const struct addrmap_range *best = NULL;
        for (unsigned i = 0; i < map->count; i++) {
            const struct addrmap_range *r = &map->ranges[i];
            if (match(s, r) && r->base <= p && p <= r->end && (!best || r->end > best->end))
                best = r;
        }
        if (!best)
            return covered;
        covered = true;
        *last = best->end;
        if (best->end == UINT64_MAX)
            return true;
        p = best->end + 1;
    }
}

/* the lowest base above p of a matching range; false when none */
static bool next_base_above(const struct addrmap *map, range_match match, const struct scan *s,
                            uint64_t p, uint64_t *next)
{
    bool found = false;
    for (unsigned i = 0; i < map->count; i++) {
        const struct addrmap_range *r = &map->ranges[i];
        if (match(s, r) && r->base > p && (!found || r->base < *next)) {
            *next = r->base;
            found = true;
        }
    }
    return found;
}

/* First maximal interval of wanted points at or after from. Every round
 * moves p strictly up, so it ends after at most 2 * count + 1 rounds. */
static bool scan_next(const struct addrmap *map, const struct scan *s, uint64_t from,
                      uint64_t *first, uint64_t *last)
{
    uint64_t p = from > s->lo ? from : s->lo, edge;
    while (p <= s->hi) {
        if (covered_until(map, blocks, s, p, &edge)) {
            if (edge >= s->hi)
                return false;
            p = edge + 1;
            continue;
        }
        uint64_t stop = s->hi;
        if (s->need_window) {
            if (!covered_until(map, is_cover_kind, s, p, &edge)) {
                if (!next_base_above(map, is_cover_kind, s, p, &edge))
                    return false;
                p = edge;
                continue;
            }
            stop = edge < stop ? edge : stop;
        }
        if (next_base_above(map, blocks, s, p, &edge) && edge - 1 < stop)
            stop = edge - 1;
        *first = p;
        *last = stop;
        return true;
    }
    return false;
}

static struct scan make_scan(const struct addrmap *map, uint64_t lo, uint64_t hi,
                             bool need_window, const struct addrmap_constraint *c)
{
    struct scan s = {lo, hi < map->phys_last ? hi : map->phys_last, need_window, false, 0, 0,
                     ADDRMAP_WINDOW};
    if (c && c->in_bridge_window) {
        s.bridge_exempt = true;
        s.ex_lo = c->lo;
        s.ex_hi = c->hi;
    }
    return s;
}

bool addrmap_next_free(const struct addrmap *map, const struct addrmap_constraint *c,
                       uint64_t from, uint64_t *first, uint64_t *last)
{
    struct addrmap_constraint any = addrmap_anywhere();
    if (!c)
        c = &any;
    struct scan s = make_scan(map, c->lo, c->hi, true, c);
    return scan_next(map, &s, from, first, last);
}

bool addrmap_next_unused(const struct addrmap *map, uint64_t lo, uint64_t hi, uint64_t from,
                         uint64_t *first, uint64_t *last)
{
    struct scan s = make_scan(map, lo, hi, false, NULL);
    return scan_next(map, &s, from, first, last);
}

unsigned addrmap_for_each_free(const struct addrmap *map, const struct addrmap_constraint *c,
                               void (*fn)(void *ctx, uint64_t first, uint64_t last), void *ctx)
{
    unsigned n = 0;
    uint64_t from = 0, first, last;
    while (addrmap_next_free(map, c, from, &first, &last)) {
        fn(ctx, first, last);
        n++;
        if (last == UINT64_MAX)
            break;
        from = last + 1;
    }
    return n;
}

/* all of [base, end] wanted by a scan of that very range */
static bool range_clear(const struct addrmap *map, uint64_t base, uint64_t end, bool need_window,
                        const struct addrmap_constraint *c)
{
    uint64_t first, last;
    if (base > end || end > map->phys_last)
        return false;
    struct scan s = make_scan(map, base, end, need_window, c);
    return scan_next(map, &s, base, &first, &last) && first == base && last == end;
}

bool addrmap_is_free(const struct addrmap *map, uint64_t base, uint64_t end)
{
    return range_clear(map, base, end, true, NULL);
}

uint64_t addrmap_slot_span(uint64_t size)
{
    if (size == 0 || (size & (size - 1)) != 0)
        return 0;
    return size < ADDRMAP_PAGE ? ADDRMAP_PAGE : size;
}

/* DESIGN §4: where the BAR lands if a hypervisor drops the high dword */
static bool low_dword_alias_unused(const struct addrmap *map, uint64_t base, uint64_t span)
{
    uint64_t low = base & LOW_4G_LAST;
    uint64_t end = span > LOW_4G_LAST ? LOW_4G_LAST : low + span - 1;
    return range_clear(map, low, end, false, NULL);
}

bool addrmap_slot_ok(const struct addrmap *map, uint64_t base, uint64_t size,
                     const struct addrmap_constraint *c)
{
    struct addrmap_constraint any = addrmap_anywhere();
    uint64_t span = addrmap_slot_span(size);
    if (!c)
        c = &any;
    if (span == 0 || base == 0 || (base & (span - 1)) != 0 || base > UINT64_MAX - (span - 1))
        return false;
    uint64_t end = base + span - 1;
    if (base < c->lo || end > c->hi || !range_clear(map, base, end, true, c))
        return false;
    return base <= LOW_4G_LAST || low_dword_alias_unused(map, base, span);
}

static bool transient_ok(const struct addrmap *map, uint64_t mix, uint64_t old_base,
                         uint64_t new_base, uint64_t span, const struct addrmap_constraint *c)
{
    if (mix == old_base || mix == new_base)
        return true;
    if (mix == 0 || mix > UINT64_MAX - (span - 1))
        return false;
    return range_clear(map, mix, mix + span - 1, false, c);
}

bool addrmap_transients_free(const struct addrmap *map, uint64_t old_base, uint64_t new_base,
                             uint64_t size, const struct addrmap_constraint *c)
{
    uint64_t span = addrmap_slot_span(size);
    uint64_t new_lo_old_hi = (new_base & LOW_4G_LAST) | (old_base & ~LOW_4G_LAST);
    uint64_t old_lo_new_hi = (old_base & LOW_4G_LAST) | (new_base & ~LOW_4G_LAST);
    return span != 0 && transient_ok(map, new_lo_old_hi, old_base, new_base, span, c) &&
           transient_ok(map, old_lo_new_hi, old_base, new_base, span, c);
}

/* every part of the first MiB no RAM range covers becomes FIRMWARE */
static bool add_first_mib_firmware(struct addrmap *map)
{
    struct scan ram = {0, FIRST_MIB_LAST, false, false, 0, 0, ADDRMAP_RAM};
    uint64_t p = 0, edge;
    while (p <= FIRST_MIB_LAST) {
        if (covered_until(map, is_cover_kind, &ram, p, &edge)) {
            if (edge >= FIRST_MIB_LAST)
                return true;
            p = edge + 1;
            continue;
        }
        uint64_t gap_last = FIRST_MIB_LAST;
        if (next_base_above(map, is_cover_kind, &ram, p, &edge) && edge - 1 < gap_last)
            gap_last = edge - 1;
        if (!addrmap_add(map, p, gap_last, ADDRMAP_FIRMWARE, 0))
            return false;
        p = gap_last + 1;
    }
    return true;
}

bool addrmap_add_memory_map(struct addrmap *map, const struct mem_range *ranges, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        const struct mem_range *r = &ranges[i];
        if (r->length == 0)
            continue;
        uint64_t end = r->length - 1 > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->length - 1;
        enum addrmap_kind kind = r->type == MEM_RAM ? ADDRMAP_RAM : ADDRMAP_RESERVED;
        if (!addrmap_add(map, r->base, end, kind, 0))
            return false;
    }
    return add_first_mib_firmware(map);
}
