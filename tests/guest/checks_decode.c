/* Memory decode without moving: the device must vanish while MSE is off and
 * come back at the same address, whatever else COMMAND does. */
#include "relocation.h"

/* Hazard: a BAR found somewhere other than where firmware put it, or also
 * answering in a test slot, makes every later check meaningless.
 * Expect: answers at the firmware address, nowhere in the test slots. */
static bool build_baseline(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t low, high;
    struct addrmap_constraint below = addrmap_below_4g(), above = addrmap_above_4g();
    bool got_low = slot_take(t->size, &below, &low), got_high = slot_take(t->size, &above, &high);
    if (!got_low && !got_high) {
        check_skip(r, "no free test slot for a %llu-byte BAR", (unsigned long long)t->size);
        return false;
    }
    if (got_low)
        engine_watch(e, low);
    if (got_high)
        engine_watch(e, high);
    engine_look(e, "look again");
    return true;
}

/* Hazard: Hyper-V's vPCI unmaps on MSE clear, cloud-hypervisor and
 * Firecracker never do (BUGS.md mse-clear-keeps-mapping, mse-set-no-remap,
 * cmd-write-lost). Linux writes COMMAND 16 bits at a time.
 * Expect: gone while MSE is off, back at the same address when on. */
static bool build_decode_toggle(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    (void)t;
    (void)r;
    engine_mse(e, 0, false, 2, "MSE off");
    engine_look(e, "still off");
    engine_mse(e, 0, true, 2, "MSE on");
    return true;
}

/* Hazard: some VMMs act on a COMMAND write only at one width (crosvm: 16-bit
 * only; BUGS.md cmd-width-sensitive). Expect: the same with 8- and 32-bit
 * writes (STATUS written as 0, which clears nothing). */
static bool build_decode_toggle_width(struct engine *e, const struct bar_target *t,
                                      struct check_result *r)
{
    (void)t;
    (void)r;
    engine_mse(e, 0, false, 1, "MSE off (8-bit write)");
    engine_mse(e, 0, true, 1, "MSE on (8-bit write)");
    engine_mse(e, 0, false, 4, "MSE off (32-bit write)");
    engine_mse(e, 0, true, 4, "MSE on (32-bit write)");
    return true;
}

#define PCI_COMMAND_INTX_DISABLE 0x400

/* Hazard: a COMMAND write that changes only IO, bus master or INTx-disable
 * remaps the BAR (BUGS.md cmd-other-bits-remap). Expect: mapping undisturbed. */
static bool build_cmd_other_bits(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    (void)r;
    uint16_t cmd = shadow_command(e->shadow, t->fn);
    static const uint16_t bits[] = {PCI_COMMAND_IO, PCI_COMMAND_MASTER, PCI_COMMAND_INTX_DISABLE};
    static const char *const names[] = {"toggle I/O decode", "toggle bus master",
                                        "toggle INTx disable"};
    for (unsigned k = 0; k < 3; k++) {
        engine_command(e, 0, (uint16_t)(cmd ^ bits[k]), 2, names[k]);
        engine_command(e, 0, cmd, 2, "COMMAND as found");
    }
    return true;
}

/* a known probe that does not behave at the firmware address means nothing
 * answers there (or something else does): that is baseline's failure, not a SKIP */
static unsigned baseline_count(void) { return relocation_count(TARGET_ANY); }
static void baseline_describe(unsigned i, char *buf, size_t size)
{
    relocation_describe(TARGET_ANY, i, "baseline", buf, size);
}
static void baseline_run(unsigned i, struct check_result *r)
{
    const struct bar_target *t = relocation_nth(TARGET_ANY, i);
    if (t && t->refused) {
        check_fail(r, "no answer at the firmware address 0x%016llx: %s", (unsigned long long)t->home,
                   t->refused);
        /* before any check wrote: as the engine's "as found" */
        check_diagnose(r, &(struct observation){.step = OBS_AS_FOUND, .what = OBS_NOWHERE, .decode = true,
                                                .probe = engine_probe_kind(&t->probe)});
        return;
    }
    relocation_run(TARGET_ANY, i, r, build_baseline);
}

CHECK(baseline) = {.id = "baseline", .level = CHECK_REQUIRED, .instances = baseline_count,
                   .describe = baseline_describe, .run = baseline_run};
BAR_CHECK(decode_toggle, "decode-toggle", CHECK_REQUIRED, TARGET_ANY, build_decode_toggle);
BAR_CHECK(decode_toggle_width, "decode-toggle-width", CHECK_STRICT, TARGET_ANY, build_decode_toggle_width);
BAR_CHECK(cmd_other_bits, "cmd-other-bits", CHECK_REQUIRED, TARGET_ANY, build_cmd_other_bits);
