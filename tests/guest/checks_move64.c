/* The high dword of a 64-bit BAR: written alone, and across the 4 GiB line. */
#include "../../drivers/machine_map.h"
#include "../../kernel/platform.h"
#include "relocation.h"

#define FOUR_GIB 0x100000000ull
#define HIGH_TRIES 64

/* the same low dword in another 4 GiB block, free and inside t's space */
static bool find_block(const struct bar_target *t, uint64_t *to);

/* t's own range does not count against the slot: if the high dword were
 * dropped, the BAR would land on itself, which harms nothing */
static bool other_block_slot(const struct bar_target *t, uint64_t *to)
{
    struct addrmap *map = &platform_rw()->map;
    uint32_t own = machine_map_owner(t->fn, t->bar_num);
    addrmap_remove_owner(map, ADDRMAP_BAR, own);
    bool found = find_block(t, to);
    addrmap_add(map, t->home, t->home + t->size - 1, ADDRMAP_BAR, own);
    return found;
}

static bool find_block(const struct bar_target *t, uint64_t *to)
{
    struct platform *p = platform_rw();
    struct addrmap_constraint c;
    const char *why;
    uint64_t cands[HIGH_TRIES], low = t->home & 0xffffffffull, first, last;
    unsigned n = 0;
    if (!target_space(t, true, &c, &why))
        return false;
    /* candidates: the same low dword in each 4 GiB block of the free space */
    for (uint64_t from = c.lo; n < HIGH_TRIES && addrmap_next_free(&p->map, &c, from, &first, &last);) {
        for (uint64_t hi = first >> 32; hi <= last >> 32 && n < HIGH_TRIES; hi++) {
            uint64_t cand = hi << 32 | low;
            if (hi && cand != t->home && addrmap_slot_ok(&p->map, cand, t->size, &c))
                cands[n++] = cand;
        }
        if (last == UINT64_MAX)
            break;
        from = last + 1;
    }
    if (!n)
        return false;
    uint64_t cand = cands[prng_below(&p->prng, n)];
    struct addrmap_constraint exact = {cand, cand + t->size - 1, c.in_bridge_window};
    return slot_take(t->size, &exact, to) && *to == cand;
}

/* Hazard: a high-dword write alone is not acted on, or the address is cut to
 * 32 bits (BUGS.md high-write-not-acted-on, high-dword-ignored).
 * Expect: with only the high dword written, the BAR answers in the new block. */
static bool build_high_only(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to;
    if (!other_block_slot(t, &to)) {
        check_skip(r, "no free slot with low dword 0x%08llx above 4 GiB",
                   (unsigned long long)(t->home & 0xffffffffull));
        return false;
    }
    engine_mse(e, 0, false, 2, "MSE off");
    engine_bar_high(e, 0, (uint32_t)(to >> 32), "write high only");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

/* Hazard: the high dword is dropped, or a 64-bit BAR below 4 GiB is refused
 * (BUGS.md high-dword-ignored, move-refused). Expect: the BAR follows a move
 * from below 4 GiB to above it and back (or from above to below and back). */
static bool build_cross_4g(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    bool home_high = t->home >= FOUR_GIB;
    uint64_t far, near;
    if (!take_move_slot(t, home_high ? SLOT_LOW : SLOT_HIGH, r, &far))
        return false;
    if (!take_move_slot(t, home_high ? SLOT_HIGH : SLOT_LOW, r, &near))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, far, true, false);
    engine_mse(e, 0, true, 2, home_high ? "MSE on below 4 GiB" : "MSE on above 4 GiB");
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, near, true, true);
    engine_mse(e, 0, true, 2, home_high ? "MSE on above 4 GiB" : "MSE on below 4 GiB");
    engine_restore_steps(e, 0);
    return true;
}

BAR_CHECK(move_high_only, "move-high-only", CHECK_REQUIRED, TARGET_MEM64, build_high_only);
BAR_CHECK(cross_4g, "cross-4g", CHECK_REQUIRED, TARGET_MEM64, build_cross_4g);
