/* The allocator: counts the slots a request may take and picks the k-th, in
 * address order, without listing them (a 32 GiB window holds 8 M pages).
 *
 * Slots are the span-aligned bases inside the free intervals. Below 4 GiB
 * every one counts. At or above 4 GiB a base counts only when its low dword
 * L is in the set A of alias-clean low dwords (addrmap_slot_ok); A is the
 * same in every 4 GiB block, so whole blocks inside a free interval count
 * |A| each and are skipped by multiplication, not walked. Only the first and
 * last block of an interval are walked alias interval by alias interval. */
#include "addrmap.h"

#define FOUR_GIB (1ull << 32)
#define LOW_4G_LAST (FOUR_GIB - 1)
#define COUNT_ONLY UINT64_MAX /* a pick index no walk ever reaches */

struct walk {
    const struct addrmap *map;
    uint64_t span;
    uint64_t skip;  /* candidates still to pass before the wanted one */
    uint64_t total; /* candidates passed */
    bool found;
    uint64_t base;  /* the wanted one, once found */
    bool aliases_counted;
    uint64_t aliases_per_block; /* |A| */
};

/* span-aligned b with lo <= b and b + span - 1 <= hi: how many, the first in *first */
static uint64_t aligned_in(uint64_t lo, uint64_t hi, uint64_t span, uint64_t *first)
{
    uint64_t mask = span - 1;
    if (lo > UINT64_MAX - mask)
        return 0;
    uint64_t b = (lo + mask) & ~mask;
    if (b > hi || hi - b < mask)
        return 0;
    *first = b;
    return (hi - b - mask) / span + 1;
}

/* n candidates first, first + span, ...: passes them or stops at the wanted one */
static void offer(struct walk *w, uint64_t first, uint64_t n)
{
    if (w->found || n == 0)
        return;
    if (w->skip < n) {
        w->found = true;
        w->base = first + w->skip * w->span;
        return;
    }
    w->skip -= n;
    w->total += n;
}

/* bases block:L with L in A and low_first <= L <= low_last */
static void offer_aliased(struct walk *w, uint64_t block, uint64_t low_first, uint64_t low_last)
{
    uint64_t hi = low_last + (w->span - 1), from = low_first, first, last, low;
    while (!w->found && addrmap_next_unused(w->map, low_first, hi, from, &first, &last)) {
        uint64_t n = aligned_in(first, last, w->span, &low);
        if (n)
            offer(w, block << 32 | low, n);
        if (last >= hi)
            break;
        from = last + 1;
    }
}

static uint64_t aliases_per_block(struct walk *w)
{
    if (!w->aliases_counted) {
        struct walk count = {.map = w->map, .span = w->span, .skip = COUNT_ONLY};
        offer_aliased(&count, 0, 0, FOUR_GIB - w->span);
        w->aliases_per_block = count.total;
        w->aliases_counted = true;
    }
    return w->aliases_per_block;
}

/* every L in A, in each of the blocks first_block .. first_block + blocks - 1 */
static void offer_whole_blocks(struct walk *w, uint64_t first_block, uint64_t blocks)
{
    uint64_t per_block = aliases_per_block(w);
    uint64_t n = blocks * per_block; /* < 2^32 * 2^20: no overflow */
    if (w->found || n == 0)
        return;
    if (w->skip < n) {
        uint64_t block = first_block + w->skip / per_block;
        w->skip %= per_block;
        offer_aliased(w, block, 0, FOUR_GIB - w->span);
        return;
    }
    w->skip -= n;
    w->total += n;
}

/* n free, aligned bases from first; the low-dword rule filters those >= 4 GiB */
static void offer_run(struct walk *w, uint64_t first, uint64_t n)
{
    uint64_t last = first + (n - 1) * w->span;
    if (last <= LOW_4G_LAST || w->span >= FOUR_GIB) {
        offer(w, first, n); /* a span >= 4 GiB was checked once in walk_all */
        return;
    }
    if (first <= LOW_4G_LAST) {
        offer(w, first, (FOUR_GIB - first) / w->span);
        first = FOUR_GIB;
    }
    uint64_t first_block = first >> 32, last_block = last >> 32, top = FOUR_GIB - w->span;
    if (first_block == last_block) {
        offer_aliased(w, first_block, first & LOW_4G_LAST, last & LOW_4G_LAST);
        return;
    }
    offer_aliased(w, first_block, first & LOW_4G_LAST, top);
    offer_whole_blocks(w, first_block + 1, last_block - first_block - 1);
    offer_aliased(w, last_block, 0, last & LOW_4G_LAST);
}

static void walk_all(struct walk *w, const struct addrmap_constraint *c)
{
    uint64_t from = 0, first, last, base;
    /* a span of 4 GiB or more has low dword 0 and an alias of all of [0, 4 GiB) */
    if (w->span >= FOUR_GIB && !(addrmap_next_unused(w->map, 0, LOW_4G_LAST, 0, &first, &last) &&
                                 first == 0 && last == LOW_4G_LAST))
        return;
    while (!w->found && addrmap_next_free(w->map, c, from, &first, &last)) {
        uint64_t n = aligned_in(first ? first : 1, last, w->span, &base); /* never base 0 */
        if (n)
            offer_run(w, base, n);
        if (last == UINT64_MAX)
            break;
        from = last + 1;
    }
}

uint64_t addrmap_count_slots(const struct addrmap *map, uint64_t size,
                             const struct addrmap_constraint *c)
{
    struct walk w = {.map = map, .span = addrmap_slot_span(size), .skip = COUNT_ONLY};
    if (w.span == 0)
        return 0;
    walk_all(&w, c);
    return w.total;
}

bool addrmap_alloc(const struct addrmap *map, uint64_t size, const struct addrmap_constraint *c,
                   struct prng *rng, uint64_t *base)
{
    uint64_t slots = addrmap_count_slots(map, size, c);
    if (slots == 0)
        return false;
    struct walk w = {.map = map, .span = addrmap_slot_span(size)};
    w.skip = rng ? prng_below(rng, slots) : 0;
    walk_all(&w, c);
    if (w.found)
        *base = w.base;
    return w.found;
}
