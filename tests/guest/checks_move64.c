/* The high dword of a 64-bit BAR: written alone, and across the 4 GiB line. */
#include "../../kernel/platform.h"
#include "relocation.h"

#define FOUR_GIB 0x100000000ull
#define HIGH_TRIES 64

/* the same low dword in another 4 GiB block, free and inside t's space */
static bool other_block_slot(const struct bar_target *t, uint64_t *to)
{
    struct platform *p = platform_rw();
    struct addrmap_constraint c;
    const char *why;
    if (!target_space(t, true, &c, &why))
        return false;
    uint64_t first = c.lo >> 32 ? c.lo >> 32 : 1, last = c.hi >> 32;
    if (last < first)
        return false;
    uint64_t span = last - first + 1, start = prng_below(&p->prng, span);
    for (uint64_t k = 0; k < span && k < HIGH_TRIES; k++) {
        uint64_t hi = first + (start + k) % span, cand = hi << 32 | (t->home & 0xffffffffull);
        if (cand != t->home && addrmap_slot_ok(&p->map, cand, t->size, &c))
            return slot_take(t->size, &(struct addrmap_constraint){cand, cand + t->size - 1, c.in_bridge_window}, to) && *to == cand;
    }
    return false;
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
