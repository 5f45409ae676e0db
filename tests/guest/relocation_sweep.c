/* The sweep around every relocation check (DESIGN §3): before it, what each
 * probed BAR showed; after it, every probed BAR must answer at its recorded
 * address and at none of the check's addresses. What it sees goes through the
 * signature table like the engine's failures. */
#include "relocation_sweep.h"

#include "../../kernel/classes.h"
#include "../../kernel/oracle.h"
#include "../../kernel/platform.h"
#include "../../kernel/runner.h"

/* What each probed BAR showed before the check wrote anything (run_steps):
 * answering at its recorded address, answering at one of the check's
 * addresses. The sweep tells damage this check did from damage it found. */
static bool before_answered[RELOCATION_MAX_TARGETS], before_extra[RELOCATION_MAX_TARGETS];

/* t answers at one of e's addresses where the record does not place it
 * (must: it must answer at `at`); the first such address in *where */
static bool answers_extra(const struct engine *e, const struct bar_target *t, bool must, uint64_t at,
                          uint64_t *where)
{
    uint64_t seen = 0;
    for (unsigned i = 0; i < e->address_count; i++)
        if ((!must || e->addresses[i] != at) && probe_look(&t->probe, e->addresses[i], &seen)) {
            *where = e->addresses[i];
            return true;
        }
    return false;
}

static bool swept(const struct bar_target *t)
{
    return t->probe.type->strength != PROBE_NONE && t->probe.planted;
}

/* The last check's sweep passed and nothing was written since (every write
 * of tests/guest goes through relocation.c, which calls sweep_forget): every probed BAR answers at its
 * recorded address, so look_before need not read it again (with many
 * devices, one read per BAR per check is most of the suite's reads). */
static bool clean_since_sweep;

static void look_before(const struct engine *e);

void sweep_before(const struct engine *e)
{
    probe_read_cache_begin(); /* only looks: one read per register and address */
    look_before(e);
    probe_read_cache_end();
}

static void look_before(const struct engine *e)
{
    unsigned target_count;
    const struct bar_target *targets = relocation_targets(&target_count);
    const struct shadow *record = relocation_record();
    for (unsigned k = 0; k < target_count; k++) {
        const struct bar_target *t = &targets[k];
        uint64_t at = 0, seen = 0, where;
        before_answered[k] = before_extra[k] = false;
        if (!swept(t))
            continue;
        runner_alive(); /* one target at every address of the check: the watchdog's unit */
        bool must = oracle_answer(record, t->fn, t->bar_num, &at) == ORACLE_AT;
        before_answered[k] = must && (clean_since_sweep || probe_look(&t->probe, at, &seen));
        before_extra[k] = answers_extra(e, t, must, at, &where);
    }
}

/* the check wrote function fn's config space (a target's, or a bridge a step named) */
static bool check_wrote(const struct engine *e, unsigned fn)
{
    for (unsigned i = 0; i < e->step_count; i++) {
        const struct step *s = &e->steps[i];
        if (s->kind != STEP_COMMAND && s->kind != STEP_MSE && s->kind != STEP_CONFIG)
            continue;
        if ((s->fn >= 0 ? (unsigned)s->fn : e->targets[s->target].fn) == fn)
            return true;
    }
    return false;
}

/* another function of a device one of whose functions the check wrote */
static bool sibling_of_written(const struct engine *e, unsigned fn)
{
    const struct pci_topology *pci = &platform()->pci;
    struct pci_bdf b = pci->functions[fn].bdf;
    for (unsigned g = 0; g < pci->count; g++) {
        if (g != fn && pci_same_device(pci->functions[g].bdf, b) && check_wrote(e, g))
            return true;
    }
    return false;
}

/* the check put one of its targets (at any of its addresses) over t's range at..at+size */
static bool check_overlaps(const struct engine *e, const struct bar_target *t, uint64_t at)
{
    const struct shadow *record = relocation_record();
    for (unsigned k = 0; k < e->target_count; k++) {
        const struct target *o = &e->targets[k];
        if (o->fn == t->fn && o->bar_num == t->bar_num)
            continue;
        uint64_t osize = shadow_bar_size(record, o->fn, o->bar_num);
        for (unsigned i = 0; i < e->address_count; i++) {
            uint64_t a = e->addresses[i];
            if (at && a && a < at + t->size && at < a + osize)
                return true;
        }
    }
    return false;
}

/* the sweep's observation of t (kernel/classes.h): OBS_AFTER, or OBS_AS_FOUND
 * when t looked the same before the check wrote anything */
static void diagnose_swept(const struct engine *e, unsigned k, enum obs_what what, bool found_before,
                           struct check_result *r)
{
    unsigned target_count;
    const struct bar_target *targets = relocation_targets(&target_count);
    const struct shadow *record = relocation_record();
    const struct bar_target *t = &targets[k];
    uint64_t at = shadow_bar_addr(record, t->fn, t->bar_num);
    struct observation o = {.step = found_before ? OBS_AS_FOUND : OBS_AFTER, .what = what};
    o.decode = shadow_command(record, t->fn) & PCI_COMMAND_MEMORY;
    o.probe = engine_probe_kind(&t->probe);
    if (o.step == OBS_AFTER) { /* else: an earlier check left it so, as the engine's "as found" */
        o.other = !check_wrote(e, t->fn);
        o.sibling = o.other && sibling_of_written(e, t->fn);
        o.overlap = o.other && check_overlaps(e, t, at);
    }
    if (what == OBS_AT_OLD && (o.other || o.step == OBS_AS_FOUND))
        o.what = OBS_ELSEWHERE; /* not moved there by this check: not "its old address" */
    check_diagnose(r, &o);
}

/* After the check: every probe-able BAR answers at its recorded address and
 * in none of this check's addresses (slots, old, transients). A bug that
 * moves or re-enables a device the check never touched fails here, in the
 * check that caused it (BUGS.md others-reenabled, function-aliasing); what
 * was seen goes through the signature table like the engine's failures. */
static bool sweep(const struct engine *e, struct check_result *r)
{
    unsigned target_count;
    const struct bar_target *targets = relocation_targets(&target_count);
    const struct shadow *record = relocation_record();
    for (unsigned k = 0; k < target_count; k++) {
        const struct bar_target *t = &targets[k];
        uint64_t at = 0, seen = 0, where = 0;
        if (!swept(t))
            continue;
        runner_alive();
        bool must = oracle_answer(record, t->fn, t->bar_num, &at) == ORACLE_AT;
        bool extra = answers_extra(e, t, must, at, &where);
        if (must && !probe_look(&t->probe, at, &seen)) {
            if (extra)
                check_fail(r, "sweep: %02x:%02x.%x BAR%u no longer answers at its address 0x%016llx, but at "
                           "0x%016llx, an address of this check",
                           t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function, t->bar_num,
                           (unsigned long long)at, (unsigned long long)where);
            else
                check_fail(r, "sweep: %02x:%02x.%x BAR%u no longer answers at its address 0x%016llx",
                           t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function, t->bar_num,
                           (unsigned long long)at);
            check_diag(r, "read", "0x%llx", (unsigned long long)seen);
            diagnose_swept(e, k, extra ? OBS_AT_OLD : OBS_NOWHERE,
                           extra ? before_extra[k] : !before_answered[k], r);
            return false;
        }
        if (extra) {
            check_fail(r, "sweep: %02x:%02x.%x BAR%u also answers at 0x%016llx, an address of this check",
                       t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function, t->bar_num,
                       (unsigned long long)where);
            enum obs_what what = OBS_AT_BOTH; /* where it must, and at an address of this check */
            if (!must) /* decode off (or not forwarded): it must answer nowhere */
                what = where == shadow_bar_addr(record, t->fn, t->bar_num) ? OBS_AT_RECORDED : OBS_ELSEWHERE;
            diagnose_swept(e, k, what, before_extra[k], r);
            return false;
        }
    }
    return true;
}


bool sweep_after(const struct engine *e, struct check_result *r)
{
    probe_read_cache_begin(); /* the sweep only looks: one read per register and address */
    clean_since_sweep = sweep(e, r);
    probe_read_cache_end();
    return clean_since_sweep;
}

void sweep_forget(void)
{
    clean_since_sweep = false;
}
