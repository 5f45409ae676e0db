/* engine_run: apply, record, verify the write stuck, look everywhere, compare
 * with the oracle; the first difference fails the check with diagnostics. */
#include <string.h>

#include "../drivers/hw.h"
#include "classes.h"
#include "engine.h"
#include "engine_internal.h"
#include "engine_run.h"
#include "format.h"


/* the oracle's address for target k joins the watch list as one of k's:
 * old, new and transients alike */
static void watch_current(struct run *x, unsigned k)
{
    const struct target *t = &x->e->targets[k];
    uint64_t a = shadow_bar_addr(x->e->shadow, t->fn, t->bar_num);
    if (a && !shadow_bar_sizing(x->e->shadow, t->fn, t->bar_num))
        engine_watch_for(x->e, k, a);
}

/* Whose addresses every target is looked for at after the step just made:
 * everyone's before the first step, after the last, and after any step that
 * is not a config write of one target (a bridge, a look, I/O); else the
 * written target's. Each target is also looked for at its own addresses
 * after every step, and at every free slot. So a step is seen wherever it
 * could act (the written BAR's old, new and transient addresses, every BAR's
 * own), without every target at every address after every step: that was
 * targets x addresses looks a step, O(n^2) for a group check over n BARs
 * (measured: 110,000 of 181,000 reads at 25 NVMe went to rebalance). */
static uint64_t looked_owners(const struct run *x)
{
    if (x->step == 0 || x->step == x->e->step_count)
        return ENGINE_EVERYONE;
    const struct step *s = &x->e->steps[x->step - 1];
    bool one_target = s->fn < 0 && (s->kind == STEP_MSE || s->kind == STEP_COMMAND || s->kind == STEP_CONFIG);
    return one_target ? 1ull << s->target : ENGINE_EVERYONE;
}

/* every target at every watched address its owners ask for, after a step: a
 * look phase (no writes), so the targets of one kind share one read per address */
static bool compare_all_looks(struct run *x);

static bool compare_all(struct run *x)
{
    probe_read_cache_begin();
    bool ok = compare_all_looks(x);
    probe_read_cache_end();
    return ok;
}

static bool compare_all_looks(struct run *x)
{
    uint64_t step_owners = looked_owners(x);
    for (unsigned k = 0; k < x->e->target_count; k++) {
        const struct target *t = &x->e->targets[k];
        if (t->probe.type->strength == PROBE_NONE)
            continue;
        if (x->e->alive)
            x->e->alive();
        watch_current(x, k);
        uint64_t at, owners = step_owners | 1ull << k;
        enum oracle_answer answer = oracle_answer(x->e->shadow, t->fn, t->bar_num, &at);
        for (unsigned i = 0; i < x->e->address_count; i++) {
            uint64_t seen = 0, a = x->e->addresses[i];
            if (!(x->e->address_owners[i] & owners))
                continue;
            bool found = probe_look(&t->probe, a, &seen);
            if (!oracle_answer_accepts(answer, at, a, found)) {
                engine_report_mismatch(x, t, a, found);
                return false;
            }
        }
    }
    for (unsigned k = 0; k < x->e->target_count; k++) {
        uint64_t at;
        if (oracle_answer(x->e->shadow, x->e->targets[k].fn, x->e->targets[k].bar_num, &at) == ORACLE_AT)
            x->last[k] = at;
    }
    return true;
}

/* nonce would make p look like another target, or like a BAR outside the run */
static bool nonce_taken(const struct probe *p, uint64_t nonce, const void *ctx)
{
    const struct engine *e = ctx;
    for (unsigned k = 0; k < e->target_count; k++)
        if (probe_nonce_clashes(p, nonce, &e->targets[k].probe))
            return true;
    return e->nonce_taken_outside && e->nonce_taken_outside(p, nonce, NULL);
}

/* a fresh nonce per step in every target that (as just verified) answers,
 * each unlike every other's: identity rests on it */
static void replant(struct run *x)
{
    for (unsigned k = 0; k < x->e->target_count; k++) {
        struct target *t = &x->e->targets[k];
        uint64_t at;
        if (t->probe.type->strength == PROBE_SCRATCH &&
            oracle_answer(x->e->shadow, t->fn, t->bar_num, &at) == ORACLE_AT)
            probe_plant(&t->probe, at,
                        probe_distinct_nonce(&t->probe, x->e->random(x->e->random_ctx), nonce_taken, x->e));
    }
}

/* the function a step writes: the target's, or a bridge named by the step */
unsigned engine_step_fn(const struct run *x, const struct step *s)
{
    return s->fn >= 0 ? (unsigned)s->fn : x->e->targets[s->target].fn;
}

struct pci_bdf engine_step_bdf(const struct run *x, const struct step *s)
{
    return x->e->shadow->functions[engine_step_fn(x, s)].bdf;
}

static uint32_t command_value(const struct run *x, const struct step *s)
{
    unsigned fn = engine_step_fn(x, s);
    uint16_t cmd = shadow_command(x->e->shadow, fn);
    return s->value ? (cmd | PCI_COMMAND_MEMORY) : (cmd & ~PCI_COMMAND_MEMORY);
}

/* a dword COMMAND write also writes STATUS: zero, so no write-1-to-clear bit is hit */
static void write_config(struct run *x, const struct step *s, uint32_t value)
{
    uint64_t t0 = hw_time_ns();
    hw_cfg_write(HW_CFG_DEFAULT, engine_step_bdf(x, s), s->offset, s->width, value);
    x->e->latency_ns[x->step - 1] = hw_time_ns() - t0;
    shadow_write(x->e->shadow, engine_step_fn(x, s), s->offset, s->width, value);
}

/* writes must stick: the register reads back what the guest's record says */
static bool verify_readback(struct run *x, const struct step *s)
{
    uint32_t want, got = 0;
    if (!shadow_expected_read(x->e->shadow, engine_step_fn(x, s), s->offset, s->width, &want))
        return true;
    hw_cfg_read(HW_CFG_DEFAULT, engine_step_bdf(x, s), s->offset, s->width, &got);
    if (got == want)
        return true;
    engine_report_readback(x, s, got, want);
    return false;
}

static bool apply(struct run *x, const struct step *s)
{
    if (s->kind == STEP_LOOK)
        return true;
    if (s->kind == STEP_FILL || s->kind == STEP_VERIFY || s->kind == STEP_SCRIBBLE)
        return engine_contents_step(x->e, s, x->r, x->step);
    if (s->kind >= STEP_VIRTIO_REQUEST)
        return engine_virtio_step(x->e, s, x->r, x->step);
    if (s->kind >= STEP_NVME_IDENTIFY)
        return engine_nvme_step(x->e, s, x->r, x->step);
    x->cmd_before = shadow_command(x->e->shadow, x->e->targets[s->target].fn);
    x->before_known = shadow_expected_read(x->e->shadow, engine_step_fn(x, s), s->offset, s->width, &x->before);
    const struct target *st = &x->e->targets[s->target];
    x->sizing_before = shadow_bar_sizing(x->e->shadow, st->fn, st->bar_num);
    uint32_t value = s->kind == STEP_MSE ? command_value(x, s) : s->value;
    uint64_t size = shadow_bar_size(x->e->shadow, st->fn, st->bar_num);
    if (s->kind == STEP_CONFIG && s->fn < 0 && s->offset == pci_bar_offset(st->bar_num) && s->width == 4 &&
        size > 16 && size <= 0x80000000ull && (value & (uint32_t)(size - 1) & ~0xfu) &&
        (value | (uint32_t)(size - 1) | 0xfu) != 0xffffffffu)
        x->unaligned[s->target] = true;
    if (s->kind == STEP_MSE && s->width == 4)
        value &= 0xffff;
    if (s->kind == STEP_MSE && s->width == 1)
        value &= 0xff;
    write_config(x, s, value);
    return verify_readback(x, s);
}

static void log_step(const struct run *x)
{
    char text[160];
    if (!x->e->log)
        return;
    const struct step *s = &x->e->steps[x->step - 1];
    const struct target *t = &x->e->targets[s->target];
    format(text, sizeof text, "step %u %s: %02x:%02x.%x +0x%02x/%u -> BAR at 0x%016llx cmd 0x%04x",
           x->step, s->name, t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function,
           s->offset, s->width, (unsigned long long)shadow_bar_addr(x->e->shadow, t->fn, t->bar_num),
           shadow_command(x->e->shadow, t->fn));
    x->e->log(text);
}

/* After a failure the check goes on, so that one run shows every deviation
 * of a device (Bochs: decode never turns off, and then a BAR written while
 * "dark" maps at once), but only while every target's registers hold what
 * the guest wrote: then each BAR is where the record says (live or not), and
 * the check's own slots keep it clear of everything else. A check that
 * overlaps BARs by design, counting on decode being off, stops at its first
 * failure (e->stop_at_failure): there "dark" may not be dark. I/O and
 * contents steps need a working device and are not run after a failure. */
static bool registers_as_recorded(const struct run *x)
{
    for (unsigned k = 0; k < x->e->target_count; k++) {
        const struct target *t = &x->e->targets[k];
        uint16_t offsets[3] = {PCI_COMMAND, (uint16_t)pci_bar_offset(t->bar_num),
                               (uint16_t)pci_bar_offset(t->bar_num + 1)};
        unsigned n = shadow_bar_is64(x->e->shadow, t->fn, t->bar_num) ? 3 : 2;
        for (unsigned i = 0; i < n; i++) {
            uint32_t want, got = 0;
            unsigned width = offsets[i] == PCI_COMMAND ? 2 : 4;
            if (!shadow_expected_read(x->e->shadow, t->fn, offsets[i], width, &want))
                return false;
            hw_cfg_read(HW_CFG_DEFAULT, t->probe.bdf, offsets[i], width, &got);
            if (got != want)
                return false;
        }
    }
    return true;
}

/* NULL when the run may go on to step s after a failure, else why not */
static const char *why_stop(const struct run *x, const struct step *s)
{
    if (x->e->stop_at_failure)
        return "this check overlaps BARs, safe only while decode is off";
    if (!registers_as_recorded(x))
        return "a BAR or COMMAND register no longer holds what the guest wrote";
    if (s->kind != STEP_LOOK && s->kind >= STEP_FILL)
        return "I/O needs a device that followed every step";
    return NULL;
}

static bool run_step(struct run *x)
{
    /* after a failure a target may not answer where the record says: a nonce
     * planted there would be lost, and the probe would then look for a value
     * its register never took; the last one planted stands */
    if (!x->failed)
        replant(x);
    if (!apply(x, &x->e->steps[x->step - 1]))
        return false;
    log_step(x);
    return compare_all(x);
}

bool engine_run(struct engine *e, struct check_result *r)
{
    struct run x = {.e = e, .r = r};
    for (unsigned k = 0; k < e->target_count; k++)
        x.last[k] = e->targets[k].home;
    if (e->overflow) {
        check_fail(r, "harness: the check asks for more steps, targets or addresses than the engine holds");
        return false;
    }
    if (!compare_all(&x))
        return false;
    for (x.step = 1; x.step <= e->step_count; x.step++) {
        const char *stop = x.failed ? why_stop(&x, &e->steps[x.step - 1]) : NULL;
        if (stop) {
            check_later(r, NULL, 0, "stopped before step %u/%u \"%s\": %s", x.step, e->step_count,
                        e->steps[x.step - 1].name, stop);
            break;
        }
        if (e->progress)
            e->progress(x.step, e->step_count, e->steps[x.step - 1].name);
        if (!run_step(&x))
            x.failed = true;
    }
    return !x.failed;
}
