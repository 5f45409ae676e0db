/* Sizing: all-ones written to the BAR, the mask read, the address restored. */
#include "relocation.h"

static void size_steps(struct engine *e, const struct bar_target *t, uint32_t low_pattern)
{
    engine_bar_low(e, 0, low_pattern, "size: write low pattern");
    if (t->is64)
        engine_bar_high(e, 0, 0xffffffffu, "size: write high all-ones");
    engine_bar_low(e, 0, (uint32_t)t->home, "size: restore low");
    if (t->is64)
        engine_bar_high(e, 0, (uint32_t)(t->home >> 32), "size: restore high");
}

/* Hazard: only exactly 0xffffffff is taken as sizing, other patterns move the
 * BAR (OpenBSD sizes with 0xfffffff0; BUGS.md sizing-pattern-exact).
 * Expect: the size reads back, the BAR answers at its address afterwards. */
static bool build_size_off(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    (void)r;
    engine_mse(e, 0, false, 2, "MSE off");
    size_steps(e, t, 0xffffffffu);
    size_steps(e, t, 0xfffffff0u);
    engine_mse(e, 0, true, 2, "MSE on");
    return true;
}

/* Hazard: sizing with decode on keeps the old range live, loses the mapping,
 * or corrupts the register (BUGS.md sizing-keeps-old, sizing-on-loses-mapping,
 * sizing-ignored-while-mapped, sizing-on-corrupts). Hardware decodes at the
 * sizing address for a moment: DESIGN §4 Safety allows it only where that
 * address is far from RAM and the APICs (64-bit BARs parked above 4 GiB
 * first, 32-bit BARs of at most 16 MiB). Expect: never at the old address
 * while sizing, at the original one after the restore. */
static bool build_size_on(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    if (!t->is64 && t->size > (16u << 20)) {
        check_skip(r, "a 32-bit BAR over 16 MiB would decode over the APICs while sized");
        return false;
    }
    if (t->is64 && t->home < 0x100000000ull) {
        uint64_t park;
        if (!take_move_slot(t, SLOT_HIGH, r, &park))
            return false;
        engine_mse(e, 0, false, 2, "park: MSE off");
        steps_write_bar(e, park, true, false);
        engine_mse(e, 0, true, 2, "park: MSE on");
        engine_bar_low(e, 0, 0xffffffffu, "size (on): write low all-ones");
        engine_bar_low(e, 0, (uint32_t)park, "size (on): restore low");
        engine_restore_steps(e, 0);
        return true;
    }
    engine_bar_low(e, 0, 0xffffffffu, "size (on): write low all-ones");
    engine_bar_low(e, 0, (uint32_t)t->home, "size (on): restore low");
    return true;
}

BAR_CHECK(size_off, "size-off", CHECK_REQUIRED, TARGET_ANY, build_size_off);
BAR_CHECK(size_on, "size-on", CHECK_STRICT, TARGET_ANY, build_size_on);
