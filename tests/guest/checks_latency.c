/* latency (perf): how long the hypervisor takes for each kind of step, per
 * BAR: decode off, decode on, and each dword of a move, repeated rounds=
 * times (at least 5), reported as TAP comments with median/min/max in ns.
 * The figures carry no verdict (no bound option yet), but every repeat is
 * still checked by the oracle, so a BAR that stops following fails here. */
#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "../../kernel/runner.h"
#include "../../kernel/sort.h"
#include "relocation.h"

#define MIN_ROUNDS 5
#define MAX_ROUNDS 10 /* 8 steps a round: the engine holds 96 */

static const char *const kinds[] = {"MSE off", "MSE on", "write low", "write high"};

static bool build_latency(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    unsigned rounds = platform()->options.rounds;
    uint64_t to;
    rounds = rounds < MIN_ROUNDS ? MIN_ROUNDS : rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    for (unsigned k = 0; k < rounds; k++) {
        engine_mse(e, 0, false, 2, kinds[0]);
        steps_write_bar(e, to, t->is64, false);
        engine_mse(e, 0, true, 2, kinds[1]);
        engine_mse(e, 0, false, 2, kinds[0]);
        steps_write_bar(e, t->home, t->is64, false);
        engine_mse(e, 0, true, 2, kinds[1]);
    }
    return true;
}

static void report(const struct engine *e)
{
    const struct target *t = &e->targets[0];
    char line[160], size[16];
    pci_size_human(shadow_bar_size(e->shadow, t->fn, t->bar_num), size, sizeof size);
    for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        uint64_t v[ENGINE_MAX_STEPS];
        unsigned n = 0;
        for (unsigned s = 0; s < e->step_count; s++)
            if (e->steps[s].name == kinds[k])
                v[n++] = e->latency_ns[s];
        if (!n)
            continue;
        sort_u64(v, n);
        format(line, sizeof line, "latency %02x:%02x.%x BAR%u %s: %s median %llu ns min %llu max %llu (n=%u)",
               t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function, t->bar_num, size,
               kinds[k], (unsigned long long)v[n / 2], (unsigned long long)v[0],
               (unsigned long long)v[n - 1], n);
        runner_note(line);
    }
}

static unsigned latency_count(void) { return relocation_count(TARGET_ANY); }
static void latency_describe(unsigned i, char *buf, size_t size)
{
    relocation_describe(TARGET_ANY, i, "latency", buf, size);
}
static void latency_run(unsigned i, struct check_result *r)
{
    relocation_run_measured(TARGET_ANY, i, r, build_latency, report);
}

CHECK(latency) = {.id = "latency", .level = CHECK_PERF, .instances = latency_count,
                  .describe = latency_describe, .run = latency_run};
