/* Hazard: a RAM-backed BAR (ivshmem, a framebuffer) stays at its first
 * address, or loses its contents when remapped, or takes writes while dark
 * (BUGS.md ram-bar-not-relocated, contents-lost, map-while-dark).
 * Expect: the pattern written at home reads back intact at every new
 * address, in both write orders, and writes made while the BAR is dark (at
 * its old and at its new address) land nowhere. */
#include "../../kernel/platform.h"
#include "relocation.h"

static bool build_contents(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t first, second;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &first) || !take_move_slot(t, SLOT_LOW, r, &second))
        return false;
    engine_fill(e, 0, (uint32_t)prng_next(&platform_rw()->prng));
    engine_mse(e, 0, false, 2, "MSE off");
    engine_scribble(e, 0, true, "write while dark at home");
    steps_write_bar(e, first, t->is64, false);
    engine_scribble(e, 0, false, "write while dark at new");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_verify(e, 0, "pattern at first slot");
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, second, t->is64, true);
    engine_mse(e, 0, true, 2, "MSE on");
    engine_verify(e, 0, "pattern at second slot");
    engine_restore_steps(e, 0);
    engine_verify(e, 0, "pattern back home");
    return true;
}

BAR_CHECK(contents, "contents", CHECK_REQUIRED, TARGET_RAM, build_contents);
