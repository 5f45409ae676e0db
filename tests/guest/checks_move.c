/* Moves with decode off, the way Linux's pci_std_update_resource() does it:
 * "We can't update a 64-bit BAR atomically, so when possible, disable
 * decoding so that a half-updated BAR won't conflict with another device."
 * After every single write the engine looks at old, new and both transient
 * addresses; every move ends with the restore steps, checked the same way. */
#include "relocation.h"

/* 64-bit BARs move above 4 GiB (the high dword is the point), others below */
static bool move_off(struct engine *e, const struct bar_target *t, struct check_result *r,
                     bool high_first)
{
    uint64_t to;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, to, t->is64, high_first);
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

/* Hazard: a move applied only on the high-dword write, or never while dark
 * (BUGS.md low-dword-ignored, map-while-dark, stale-alias-after-move,
 * move-refused). Expect: nowhere while off; only at new after MSE on. */
static bool build_lo_hi(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    return move_off(e, t, r, false);
}

static bool build_hi_lo(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    return move_off(e, t, r, true);
}

/* Hazard: a move queued while dark keeps the old range live, or maps the new
 * one at once (BUGS.md dark-move-keeps-old-live, map-while-dark).
 * Expect: answers at neither address until MSE is on. */
static bool build_dark(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, to, t->is64, false);
    engine_look(e, "dark at new");
    engine_bar_low(e, 0, (uint32_t)to, "write low again");
    engine_look(e, "still dark");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

/* Hazard: a low-dword write alone is never applied (BUGS.md
 * low-dword-ignored). Expect: a move inside the same 4 GiB with only the low
 * dword written answers at new. */
static bool build_low_only(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t block = t->home & ~0xffffffffull, to;
    struct addrmap_constraint c = addrmap_in_bridge_window(block, block | 0xffffffffull);
    struct addrmap_constraint inside;
    const char *why = "";
    if (!target_space(t, block != 0, &inside, &why)) {
        check_skip(r, "no slot in the BAR's own 4 GiB: %s", why);
        return false;
    }
    if (inside.lo > c.lo)
        c.lo = inside.lo;
    if (inside.hi < c.hi)
        c.hi = inside.hi;
    if (!slot_take(t->size, &c, &to)) {
        check_skip(r, "no free slot in the 4 GiB block of 0x%016llx", (unsigned long long)t->home);
        return false;
    }
    engine_mse(e, 0, false, 2, "MSE off");
    engine_bar_low(e, 0, (uint32_t)to, "write low only");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

BAR_CHECK(move_off_lo_hi, "move-off-lo-hi", CHECK_REQUIRED, TARGET_ANY, build_lo_hi);
BAR_CHECK(move_off_hi_lo, "move-off-hi-lo", CHECK_REQUIRED, TARGET_MEM64, build_hi_lo);
BAR_CHECK(move_dark, "move-dark", CHECK_REQUIRED, TARGET_ANY, build_dark);
BAR_CHECK(move_low_only, "move-low-only", CHECK_REQUIRED, TARGET_MEM64, build_low_only);
