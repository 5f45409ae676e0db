/* Moves while decoding (strict: the spec allows it, Linux avoids it). Each
 * dword write remaps at once on hardware, so the BAR passes through a
 * transient address; slots are chosen so the transients are free space. */
#include "relocation.h"

/* Hazard: BAR writes while decoding are dropped or deferred to the next MSE
 * edge (Hyper-V, Xen vPCI, Firecracker; BUGS.md write-dropped-while-decoding,
 * write-deferred-to-mse-edge). Expect: at new_lo|old_hi after the first
 * write (hi_lo: new_hi|old_lo), at new after the second. */
static bool move_on(struct engine *e, const struct bar_target *t, struct check_result *r,
                    bool high_first)
{
    uint64_t to;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    steps_write_bar(e, to, t->is64, high_first);
    engine_look(e, "settled at new");
    engine_restore_steps(e, 0);
    return true;
}

static bool build_on_lo_hi(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    return move_on(e, t, r, false);
}

static bool build_on_hi_lo(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    return move_on(e, t, r, true);
}

BAR_CHECK(move_on_lo_hi, "move-on-lo-hi", CHECK_STRICT, TARGET_ANY, build_on_lo_hi);
BAR_CHECK(move_on_hi_lo, "move-on-hi-lo", CHECK_STRICT, TARGET_MEM64, build_on_hi_lo);
