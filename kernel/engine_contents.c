/* The contents steps of the engine: a RAM-backed BAR (ivshmem) must carry
 * its contents wherever it moves, and writes made while it is dark must land
 * nowhere (BUGS.md ram-bar-not-relocated, contents-lost). */
#include "../drivers/hw.h"
#include "engine.h"
#include "classes.h"
#include "engine_internal.h"
#include "format.h"

/* word k of the pattern: spread over the BAR, clear of its last 8 bytes (the probe word) */
static uint64_t pattern_offset(uint64_t size, unsigned k)
{
    uint64_t stride = (size - 8) / ENGINE_PATTERN_WORDS;
    return (k * stride) & ~7ull;
}

static uint64_t pattern_value(uint32_t seed, unsigned k)
{
    uint64_t v = (uint64_t)seed * 0x9E3779B97F4A7C15ull + k * 0xD1B54A32D192ED03ull;
    return v ^ (v >> 29) ^ 0x5a5a0000a5a50000ull;
}

bool engine_contents_step(struct engine *e, const struct step *s, struct check_result *r,
                          unsigned step_number)
{
    struct target *t = &e->targets[s->target];
    uint64_t size = shadow_bar_size(e->shadow, t->fn, t->bar_num), at = 0;
    if (s->kind == STEP_SCRIBBLE) {
        uint64_t where = s->value ? t->home : shadow_bar_addr(e->shadow, t->fn, t->bar_num);
        for (unsigned k = 0; k < ENGINE_PATTERN_WORDS; k++)
            hw_mmio_write(where + pattern_offset(size, k), 8, ~pattern_value(t->pattern_seed, k));
        return true;
    }
    if (oracle_answer(e->shadow, t->fn, t->bar_num, &at) != ORACLE_AT) {
        check_fail(r, "harness: step %u \"%s\" needs the BAR to answer somewhere", step_number, s->name);
        return false;
    }
    if (s->kind == STEP_FILL)
        t->pattern_seed = s->value;
    for (unsigned k = 0; k < ENGINE_PATTERN_WORDS; k++) {
        uint64_t a = at + pattern_offset(size, k), want = pattern_value(t->pattern_seed, k), got = 0;
        if (s->kind == STEP_FILL) {
            hw_mmio_write(a, 8, want);
            continue;
        }
        int fault = hw_mmio_read(a, 8, &got);
        if (!fault && got == want)
            continue;
        check_fail(r, "contents lost: at 0x%016llx (BAR offset 0x%llx) read 0x%016llx, the guest wrote 0x%016llx",
                   (unsigned long long)a, (unsigned long long)(a - at), (unsigned long long)got,
                   (unsigned long long)want);
        check_diag(r, "step", "%u/%u \"%s\"", step_number, e->step_count, s->name);
        check_diag(r, "answers_at", "0x%016llx", (unsigned long long)at);
        if (fault)
            check_diag(r, "fault", "0x%x", fault);
        check_diagnose(r, &(struct observation){.step = OBS_CONTENTS, .what = OBS_CONTENTS_LOST,
                                                 .decode = true});
        return false;
    }
    return true;
}
