/* engine_run's reporting half (kernel/engine_run.h): what a failure
 * observed, in the signature table's terms (kernel/classes.h), and the YAML
 * it carries; a deviation after the first failure is one later_N line. */

#include "../drivers/hw.h"
#include "engine_internal.h"
#include "engine_run.h"
#include "format.h"

/* the kind of the step just run, as the signature table (kernel/classes.c) names it */
static enum obs_step observed_step(const struct run *x)
{
    if (!x->step)
        return OBS_AS_FOUND;
    const struct step *s = &x->e->steps[x->step - 1];
    const struct target *st = &x->e->targets[s->target];
    if (s->kind == STEP_LOOK)
        return OBS_LOOK;
    if (s->kind == STEP_FILL || s->kind == STEP_VERIFY || s->kind == STEP_SCRIBBLE)
        return OBS_CONTENTS;
    if (s->kind >= STEP_NVME_IDENTIFY)
        return OBS_IO;
    if (s->fn >= 0)
        return OBS_BRIDGE;
    if (s->kind == STEP_MSE)
        return s->value ? OBS_MSE_ON : OBS_MSE_OFF;
    if (s->offset < PCI_COMMAND + 2) {
        bool was = x->cmd_before & PCI_COMMAND_MEMORY;
        bool now = shadow_command(x->e->shadow, st->fn) & PCI_COMMAND_MEMORY;
        return was == now ? OBS_COMMAND : now ? OBS_MSE_ON : OBS_MSE_OFF;
    }
    if (shadow_bar_sizing(x->e->shadow, st->fn, st->bar_num))
        return OBS_SIZING;
    if (s->width < 4)
        return OBS_BAR_NARROW;
    if (x->sizing_before)
        return OBS_RESTORE;
    return s->offset >= pci_bar_offset(st->bar_num + 1) && shadow_bar_is64(x->e->shadow, st->fn, st->bar_num)
               ? OBS_BAR_HIGH : OBS_BAR_LOW;
}

static bool ranges_meet(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a && b && a < b + b_size && b < a + a_size;
}

/* t's range meets another target's, as recorded or where that one last answered */
static bool overlaps_other(const struct run *x, const struct target *t, uint64_t at, bool *sibling)
{
    uint64_t size = shadow_bar_size(x->e->shadow, t->fn, t->bar_num);
    for (unsigned k = 0; k < x->e->target_count; k++) {
        const struct target *o = &x->e->targets[k];
        if (o == t || (o->fn == t->fn && o->bar_num == t->bar_num))
            continue;
        uint64_t osize = shadow_bar_size(x->e->shadow, o->fn, o->bar_num);
        if (ranges_meet(at, size, shadow_bar_addr(x->e->shadow, o->fn, o->bar_num), osize) ||
            ranges_meet(at, size, x->last[k], osize)) {
            *sibling = o->probe.bdf.bus == t->probe.bdf.bus && o->probe.bdf.device == t->probe.bdf.device &&
                       o->probe.bdf.function != t->probe.bdf.function;
            return true;
        }
    }
    return false;
}

#define BLOCK_64K 0x10000ull

/* t's recorded range and another target's share a 64 KiB block, no byte in common */
static bool shares_block(const struct run *x, const struct target *t, uint64_t at)
{
    uint64_t size = shadow_bar_size(x->e->shadow, t->fn, t->bar_num);
    if (!at || !size)
        return false;
    uint64_t first = at / BLOCK_64K, last = (at + size - 1) / BLOCK_64K;
    for (unsigned k = 0; k < x->e->target_count; k++) {
        const struct target *o = &x->e->targets[k];
        uint64_t oat = shadow_bar_addr(x->e->shadow, o->fn, o->bar_num);
        uint64_t osize = shadow_bar_size(x->e->shadow, o->fn, o->bar_num);
        if (o == t || !oat || !osize || ranges_meet(at, size, oat, osize))
            continue;
        if (oat / BLOCK_64K <= last && (oat + osize - 1) / BLOCK_64K >= first)
            return true;
    }
    return false;
}

enum obs_probe engine_probe_kind(const struct probe *p)
{
    if (!p->type)
        return OBS_PROBE_REGISTER;
    if (p->type->ram)
        return OBS_PROBE_RAM;
    return p->type == &probe_msix_table ? OBS_PROBE_MSIX : OBS_PROBE_REGISTER;
}

/* the one call at a failure point: what was seen, in the signature table's
 * terms, and the classes that match (YAML "class:") */
static void observe(const struct run *x, const struct target *t, enum obs_what readback,
                    struct observation *out)
{
    struct observation o = {.step = observed_step(x), .what = readback};
    const struct step *s = x->step ? &x->e->steps[x->step - 1] : NULL;
    unsigned k = (unsigned)(t - x->e->targets);
    uint64_t at = 0, last = x->last[k];
    enum oracle_answer want = oracle_answer(x->e->shadow, t->fn, t->bar_num, &at);
    o.decode = shadow_command(x->e->shadow, t->fn) & PCI_COMMAND_MEMORY;
    o.other = s && s->fn < 0 && &x->e->targets[s->target] != t;
    o.unaligned = x->unaligned[k];
    o.overlap = overlaps_other(x, t, at, &o.sibling);
    o.same_block = !o.overlap && shares_block(x, t, at);
    o.probe = engine_probe_kind(&t->probe);
    if (readback == OBS_READBACK) {
        uint32_t got = 0, written = 0;
        hw_cfg_read(HW_CFG_DEFAULT, engine_step_bdf(x, s), s->offset, s->width, &got);
        o.readback_old = x->before_known && got == x->before;
        o.readback_zero = !got &&
                          shadow_expected_read(x->e->shadow, engine_step_fn(x, s), s->offset, s->width, &written) &&
                          written;
    } else if (readback != OBS_CONTENTS_LOST) {
        uint64_t lo = 0xffffffffull, new_low = (at & lo) | (last & ~lo), old_low = (last & lo) | (at & ~lo);
        bool at_rec = false, at_last = false, at_new_low = false, at_old_low = false, any = false;
        for (unsigned i = 0; i < x->e->address_count; i++) {
            uint64_t seen = 0, a = x->e->addresses[i];
            if (!probe_look(&t->probe, a, &seen))
                continue;
            any = true;
            at_rec |= a == at;
            at_last |= a == last;
            at_new_low |= a == new_low;
            at_old_low |= a == old_low;
        }
        bool moved = (at_last && last != at) || (at_new_low && new_low != at) || (at_old_low && old_low != at);
        if (want != ORACLE_NOWHERE && at_rec && moved)
            o.what = OBS_AT_BOTH;
        else if (want == ORACLE_NOWHERE && at_rec)
            o.what = OBS_AT_RECORDED;
        else if (at_last && last != at)
            o.what = OBS_AT_OLD;
        else if ((at_new_low && new_low != at) || (at_old_low && old_low != at)) {
            o.what = OBS_AT_TRANSIENT;
            o.new_low = at_new_low && new_low != at;
        } else
            o.what = any ? OBS_ELSEWHERE : OBS_NOWHERE;
    }
    /* nowhere where it must answer: once more with the address's cached
     * translation dropped (an emulator's stale TLB is not a decoder bug) */
    if (o.what == OBS_NOWHERE && want == ORACLE_AT && t->probe.type->strength != PROBE_NONE) {
        uint64_t seen = 0;
        hw_mmio_refresh(at);
        probe_read_cache_invalidate(); /* this read must reach the device */
        if (probe_look(&t->probe, at, &seen))
            o.what = OBS_STALE_READ;
    }
    *out = o;
}

static void diagnose(const struct run *x, const struct target *t, enum obs_what readback)
{
    struct observation o;
    observe(x, t, readback, &o);
    check_diagnose(x->r, &o);
}

static const char *step_name(const struct run *x);

/* a deviation after the check's first failure: one line, with its classes */
static void report_later(const struct run *x, const struct target *t, enum obs_what readback,
                         const char *what)
{
    struct observation o;
    const char *ids[DIAG_MAX_CLASSES];
    observe(x, t, readback, &o);
    unsigned n = classes_diagnose(&o, ids, DIAG_MAX_CLASSES);
    check_later(x->r, ids, n, "step %u/%u \"%s\": %02x:%02x.%x BAR%u %s", x->step, x->e->step_count,
                step_name(x), t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function, t->bar_num,
                what);
}

static const char *step_name(const struct run *x)
{
    return x->step ? x->e->steps[x->step - 1].name : "as found";
}

static void diag_step(const struct run *x)
{
    check_diag(x->r, "step", "%u/%u \"%s\"", x->step, x->e->step_count, step_name(x));
    if (x->step)
        check_diag(x->r, "latency_ns", "%llu", (unsigned long long)x->e->latency_ns[x->step - 1]);
}

static void diag_target(const struct run *x, const struct target *t)
{
    char name[32];
    format(name, sizeof name, "%02x:%02x.%x BAR%u", t->probe.bdf.bus, t->probe.bdf.device,
           t->probe.bdf.function, t->bar_num);
    check_diag(x->r, "target", "%s (probe %s)", name, t->probe.type->name);
    uint32_t lo = 0, hi = 0, cmd = 0;
    hw_cfg_read(HW_CFG_DEFAULT, t->probe.bdf, pci_bar_offset(t->bar_num), 4, &lo);
    if (shadow_bar_is64(x->e->shadow, t->fn, t->bar_num))
        hw_cfg_read(HW_CFG_DEFAULT, t->probe.bdf, pci_bar_offset(t->bar_num + 1), 4, &hi);
    hw_cfg_read(HW_CFG_DEFAULT, t->probe.bdf, PCI_COMMAND, 2, &cmd);
    check_diag(x->r, "readback", "{bar_low: 0x%08x, bar_high: 0x%08x, command: 0x%04x}", lo, hi, cmd);
    check_diag(x->r, "recorded", "{address: 0x%016llx, command: 0x%04x}",
               (unsigned long long)shadow_bar_addr(x->e->shadow, t->fn, t->bar_num),
               shadow_command(x->e->shadow, t->fn));
}

/* every watched address where t is seen, as "at 0x..., 0x..." or "nowhere" */
static void where_seen(const struct run *x, const struct target *t, char *buf, size_t size,
                       char *reads, size_t reads_size)
{
    size_t used = 0, rused = 0;
    buf[0] = reads[0] = '\0';
    for (unsigned i = 0; i < x->e->address_count; i++) {
        uint64_t seen = 0, a = x->e->addresses[i];
        bool found = probe_look(&t->probe, a, &seen);
        if (found && used < size)
            used += (size_t)format(buf + used, size - used, "%s0x%016llx", used ? ", " : "at ",
                                   (unsigned long long)a);
        if (rused < reads_size)
            rused += (size_t)format(reads + rused, reads_size - rused, "%s0x%016llx: 0x%llx",
                                    rused ? ", " : "", (unsigned long long)a,
                                    (unsigned long long)seen);
    }
    if (!used)
        format(buf, size, "nowhere");
}

/* where the oracle, from the guest's record, says t must answer */
static void diag_expected(const struct run *x, const struct target *t, const char *explain)
{
    uint64_t at = 0;
    enum oracle_answer want = oracle_answer(x->e->shadow, t->fn, t->bar_num, &at);
    if (want == ORACLE_NOWHERE)
        check_diag(x->r, "expected", "answers nowhere (%s)", explain);
    else
        check_diag(x->r, "expected", "answers at 0x%016llx %s", (unsigned long long)at,
                   want == ORACLE_AT ? "only" : "or nowhere (sizing)");
}

/* the YAML every first failure carries after its message, and its class line */
static void diag_failure(const struct run *x, const struct target *t, const char *explain, const char *where,
                         const char *reads, enum obs_what readback)
{
    diag_step(x);
    diag_target(x, t);
    diag_expected(x, t, explain);
    check_diag(x->r, "observed", "answers %s", where);
    check_diag(x->r, "read", "{%s}", reads);
    diagnose(x, t, readback);
}

void engine_report_mismatch(struct run *x, const struct target *t, uint64_t addr, bool seen)
{
    char explain[160], where[256], reads[512];
    if (x->failed) {
        char what[64];
        format(what, sizeof what, "%s 0x%llx", seen ? "answers where it must not, at" : "does not answer at",
               (unsigned long long)addr);
        report_later(x, t, OBS_WHAT_KINDS, what);
        return;
    }
    oracle_explain(x->e->shadow, t->fn, t->bar_num, explain, sizeof explain);
    where_seen(x, t, where, sizeof where, reads, sizeof reads);
    if (seen)
        check_fail(x->r, "answers at 0x%016llx after \"%s\", where it must not (%s)",
                   (unsigned long long)addr, step_name(x), explain);
    else
        check_fail(x->r, "does not answer at 0x%016llx after \"%s\" (%s)", (unsigned long long)addr,
                   step_name(x), explain);
    diag_failure(x, t, explain, where, reads, OBS_WHAT_KINDS);
}

void engine_report_readback(struct run *x, const struct step *s, uint32_t got, uint32_t want)
{
    const struct target *t = &x->e->targets[s->target];
    if (x->failed) {
        char what[96];
        format(what, sizeof what, "register 0x%02x reads back 0x%x, written to hold 0x%x", s->offset, got,
               want);
        report_later(x, t, OBS_READBACK, what);
        return;
    }
    char explain[160], where[256], reads[512];
    oracle_explain(x->e->shadow, t->fn, t->bar_num, explain, sizeof explain);
    where_seen(x, t, where, sizeof where, reads, sizeof reads);
    check_fail(x->r, "%s: register 0x%02x reads back 0x%x, the guest wrote it to hold 0x%x",
               s->offset == PCI_COMMAND ? "readback differs" : "BAR write dropped", s->offset, got,
               want);
    diag_failure(x, t, explain, where, reads, OBS_READBACK);
}
