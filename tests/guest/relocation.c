#include "relocation.h"

#include <string.h>

#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "../../kernel/runner.h"

#define MAX_TARGETS 64

static struct shadow record; /* the guest's record of config space, shared by every check */
static struct bar_target targets[MAX_TARGETS];
static unsigned target_count;
static bool built;

static bool is_candidate(const struct pci_function *f, const struct pci_bar *b)
{
    return (b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64) && b->addr && b->size &&
           (f->command & PCI_COMMAND_MEMORY);
}

/* one header line per target (DESIGN §5), so a reader sees what each BAR is
 * probed with, or why it is not, before any result */
static void announce(const struct bar_target *t, const struct pci_function *f)
{
    char name[32], size[16], line[200];
    pci_bar_describe(f, t->bar_num, name, sizeof name);
    pci_size_human(t->size, size, sizeof size);
    bool none = t->probe.type->strength == PROBE_NONE;
    format(line, sizeof line, "target %s %04x:%04x %s%s %s @0x%016llx probe=%s%s%s%s", name,
           f->vendor, f->device, t->is64 ? "mem64" : "mem32",
           f->bars[t->bar_num].prefetchable ? " pref" : "", size, (unsigned long long)t->home,
           none ? "none" : t->probe.type->name, none ? "" : " (",
           none ? "" : probe_strength_name(t->probe.type->strength), none ? "" : ")");
    if (t->probe.reason) {
        size_t used = strlen(line);
        format(line + used, sizeof line - used, ": %s", t->probe.reason);
    }
    runner_note(line);
}

static void add_target(unsigned fn, unsigned bar_num)
{
    const struct pci_function *f = &platform()->pci.functions[fn];
    struct bar_target *t = &targets[target_count++];
    t->fn = fn;
    t->bar_num = bar_num;
    t->home = f->bars[bar_num].addr;
    t->size = f->bars[bar_num].size;
    t->is64 = f->bars[bar_num].kind == PCI_BAR_MEM64;
    if (probe_find(f, bar_num, &t->probe)) {
        t->refused = probe_prepare(&t->probe, t->home);
        if (!t->refused)
            probe_plant(&t->probe, t->home,
                        probe_usable_nonce(&t->probe, prng_next(&platform_rw()->prng)));
    }
    announce(t, f);
}

static unsigned put_back_all(void);

static void build(void)
{
    const struct pci_topology *pci = &platform()->pci;
    built = true;
    runner_set_abort_cleanup(put_back_all); /* a bail-out leaves nothing moved */
    shadow_init(&record, pci);
    for (unsigned fn = 0; fn < pci->count; fn++)
        for (unsigned b = 0; b < pci->functions[fn].bar_count && target_count < MAX_TARGETS; b++)
            if (is_candidate(&pci->functions[fn], &pci->functions[fn].bars[b]))
                add_target(fn, b);
}

static bool holds_msix_table(const struct bar_target *t)
{
    const struct pci_caps *c = &platform()->pci.functions[t->fn].caps;
    return c->msix && c->msix_info.table_bir == t->bar_num;
}

static bool is_virtio_rng(const struct bar_target *t)
{
    const struct pci_function *f = &platform()->pci.functions[t->fn];
    return t->probe.type && !strcmp(t->probe.type->name, "virtio-dfselect") && f->vendor == 0x1af4 &&
           (f->device == 0x1044 || f->device == 0x1005);
}

static bool selected(enum target_filter f, const struct bar_target *t)
{
    switch (f) {
    case TARGET_MEM64: return t->is64;
    case TARGET_MSIX: return holds_msix_table(t);
    case TARGET_RAM: return t->probe.type && t->probe.type->ram;
    case TARGET_NVME: return t->probe.type && !strcmp(t->probe.type->name, "nvme-aqa");
    case TARGET_VIRTIO_RNG: return is_virtio_rng(t);
    case TARGET_WORKS: return selected(TARGET_NVME, t) || is_virtio_rng(t);
    case TARGET_BEHIND_BRIDGE: return platform()->pci.functions[t->fn].upstream != PCI_NO_UPSTREAM;
    default: return true;
    }
}

static struct bar_target *nth(enum target_filter f, unsigned i)
{
    if (!built)
        build();
    for (unsigned k = 0; k < target_count; k++)
        if (selected(f, &targets[k]) && i-- == 0)
            return &targets[k];
    return NULL;
}

const struct bar_target *relocation_nth(enum target_filter f, unsigned i)
{
    return nth(f, i);
}

unsigned relocation_count(enum target_filter f)
{
    unsigned n = 0;
    while (nth(f, n))
        n++;
    return n;
}

void relocation_describe(enum target_filter f, unsigned i, const char *id, char *buf, size_t size)
{
    const struct bar_target *t = nth(f, i);
    char bar[32] = "?";
    if (t)
        pci_bar_describe(&platform()->pci.functions[t->fn], t->bar_num, bar, sizeof bar);
    format(buf, size, "%s %s", bar, id);
}

/* What each probed BAR showed before the check wrote anything (run_steps):
 * answering at its recorded address, answering at one of the check's
 * addresses. The sweep tells damage this check did from damage it found. */
static bool before_answered[MAX_TARGETS], before_extra[MAX_TARGETS];

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
 * of tests/guest goes through this file): every probed BAR answers at its
 * recorded address, so look_before need not read it again (with many
 * devices, one read per BAR per check is most of the suite's reads). */
static bool clean_since_sweep;

static void look_before(const struct engine *e)
{
    for (unsigned k = 0; k < target_count; k++) {
        const struct bar_target *t = &targets[k];
        uint64_t at = 0, seen = 0, where;
        before_answered[k] = before_extra[k] = false;
        if (!swept(t))
            continue;
        runner_alive(); /* one target at every address of the check: the watchdog's unit */
        bool must = oracle_answer(&record, t->fn, t->bar_num, &at) == ORACLE_AT;
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
        struct pci_bdf o = pci->functions[g].bdf;
        if (g != fn && o.segment == b.segment && o.bus == b.bus && o.device == b.device && check_wrote(e, g))
            return true;
    }
    return false;
}

/* the check put one of its targets (at any of its addresses) over t's range at..at+size */
static bool check_overlaps(const struct engine *e, const struct bar_target *t, uint64_t at)
{
    for (unsigned k = 0; k < e->target_count; k++) {
        const struct target *o = &e->targets[k];
        if (o->fn == t->fn && o->bar_num == t->bar_num)
            continue;
        uint64_t osize = shadow_bar_size(&record, o->fn, o->bar_num);
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
    const struct bar_target *t = &targets[k];
    uint64_t at = shadow_bar_addr(&record, t->fn, t->bar_num);
    struct observation o = {.step = found_before ? OBS_AS_FOUND : OBS_AFTER, .what = what};
    o.decode = shadow_command(&record, t->fn) & PCI_COMMAND_MEMORY;
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
    for (unsigned k = 0; k < target_count; k++) {
        const struct bar_target *t = &targets[k];
        uint64_t at = 0, seen = 0, where = 0;
        if (!swept(t))
            continue;
        runner_alive();
        bool must = oracle_answer(&record, t->fn, t->bar_num, &at) == ORACLE_AT;
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
                what = where == shadow_bar_addr(&record, t->fn, t->bar_num) ? OBS_AT_RECORDED : OBS_ELSEWHERE;
            diagnose_swept(e, k, what, before_extra[k], r);
            return false;
        }
    }
    return true;
}

const struct bar_target *relocation_targets(unsigned *count)
{
    if (!built)
        build();
    *count = target_count;
    return targets;
}

const struct shadow *relocation_record(void)
{
    return &record;
}

/* Writes function fn's memory BARs and COMMAND back to what firmware left,
 * decode off around the BAR writes (as Linux does), recording every write.
 * Not a check: the clean-up after one that stopped mid-way, and at the end. */
static void put_back_register(unsigned fn, uint16_t offset, unsigned width, uint32_t value)
{
    shadow_write(&record, fn, offset, width, value);
    hw_cfg_write(HW_CFG_DEFAULT, platform()->pci.functions[fn].bdf, offset, width, value);
}

/* a bridge a check stopped in the middle of (bridge-window): windows and COMMAND as found */
static void put_back_bridge(unsigned fn)
{
    const struct pci_function *b = &platform()->pci.functions[fn];
    const struct pci_window *mem = &b->bridge.mem, *pref = &b->bridge.pref;
    put_back_register(fn, PCI_COMMAND, 2, (uint16_t)(b->command & ~PCI_COMMAND_MEMORY));
    put_back_register(fn, PCI_MEMORY_BASE, 2, (uint32_t)(mem->base >> 16) & 0xfff0);
    put_back_register(fn, PCI_MEMORY_LIMIT, 2, (uint32_t)(mem->limit >> 16) & 0xfff0);
    put_back_register(fn, PCI_PREF_MEMORY_BASE, 2, ((uint32_t)(pref->base >> 16) & 0xfff0) | (pref->bits == 64));
    put_back_register(fn, PCI_PREF_MEMORY_LIMIT, 2, ((uint32_t)(pref->limit >> 16) & 0xfff0) | (pref->bits == 64));
    if (pref->bits == 64) {
        put_back_register(fn, PCI_PREF_BASE_UPPER32, 4, (uint32_t)(pref->base >> 32));
        put_back_register(fn, PCI_PREF_LIMIT_UPPER32, 4, (uint32_t)(pref->limit >> 32));
    }
    put_back_register(fn, PCI_COMMAND, 2, b->command);
}

void relocation_put_back(unsigned fn)
{
    clean_since_sweep = false;
    const struct pci_function *f = &platform()->pci.functions[fn];
    for (int up = f->upstream, hops = 0; up >= 0 && hops < PCI_MAX_BRIDGE_DEPTH;
         up = platform()->pci.functions[up].upstream, hops++)
        put_back_bridge((unsigned)up);
    uint16_t off = (uint16_t)(f->command & ~PCI_COMMAND_MEMORY);
    shadow_write(&record, fn, PCI_COMMAND, 2, off);
    pci_cfg_write16(f->bdf, PCI_COMMAND, off);
    for (unsigned b = 0; b < f->bar_count; b++) {
        const struct pci_bar *bar = &f->bars[b];
        if (bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64)
            continue;
        shadow_write(&record, fn, pci_bar_offset(b), 4, (uint32_t)bar->addr);
        pci_cfg_write32(f->bdf, pci_bar_offset(b), (uint32_t)bar->addr);
        if (bar->kind == PCI_BAR_MEM64) {
            shadow_write(&record, fn, pci_bar_offset(b + 1), 4, (uint32_t)(bar->addr >> 32));
            pci_cfg_write32(f->bdf, pci_bar_offset(b + 1), (uint32_t)(bar->addr >> 32));
        }
    }
    shadow_write(&record, fn, PCI_COMMAND, 2, f->command);
    pci_cfg_write16(f->bdf, PCI_COMMAND, f->command);
}

static engine_report_fn after_run; /* set for one run by relocation_run_measured */
static struct engine *live;         /* the engine of the check running, if any */
static struct probe *owners[ENGINE_MAX_TARGETS];

/* the abort path (runner_bail, or a check the watchdog abandoned): every
 * function with a target, and the bridges above it, as found; each function
 * once. After an abandoned check the run goes on, so the check's own state
 * is wound up as finish() would: its probes' nonces, its slots, the cache. */
static unsigned put_back_all(void)
{
    probe_read_cache_end();
    after_run = NULL;
    if (live)
        for (unsigned k = 0; k < live->target_count; k++)
            *owners[k] = live->targets[k].probe;
    live = NULL;
    addrmap_remove_owner(&platform_rw()->map, ADDRMAP_BAR, SLOT_OWNER);
    unsigned n = 0;
    for (unsigned k = 0; k < target_count; k++) {
        bool done = false;
        for (unsigned j = 0; j < k && !done; j++)
            done = targets[j].fn == targets[k].fn;
        if (!done) {
            relocation_put_back(targets[k].fn);
            n++;
        }
    }
    return n;
}

/* selftest=no-restore: the check leaves its BAR where its last move put it */
static void drop_restore_steps(struct engine *e)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < e->step_count; i++)
        if (strncmp(e->steps[i].name, "restore:", 8) != 0)
            e->steps[kept++] = e->steps[i];
    e->step_count = kept;
}

static uint64_t draw(void *ctx)
{
    (void)ctx;
    return prng_next(&platform_rw()->prng);
}

static void run_target(struct bar_target *t, struct probe *probe, struct check_result *r,
                       step_builder build_steps);

void relocation_run(enum target_filter f, unsigned i, struct check_result *r, step_builder build_steps)
{
    struct bar_target *t = nth(f, i);
    if (!t) {
        check_fail(r, "harness: target %u vanished", i);
        return;
    }
    if (t->probe.type->strength == PROBE_NONE) {
        check_skip(r, "%s", t->probe.reason ? t->probe.reason : "no probe for this BAR");
        return;
    }
    run_target(t, &t->probe, r, build_steps);
}

void relocation_run_probe(enum target_filter f, unsigned i, struct check_result *r,
                          step_builder build_steps, probe_chooser choose)
{
    static struct probe own;
    struct bar_target *t = nth(f, i);
    const char *why;
    if (!t) {
        check_fail(r, "harness: target %u vanished", i);
        return;
    }
    if ((why = choose(t, &own)) != NULL) {
        check_skip(r, "%s", why);
        return;
    }
    run_target(t, &own, r, build_steps);
}

/* owners[]: the probe each engine target came from; nonces planted in the run go back there */

unsigned relocation_add_partner(struct engine *e, struct bar_target *p)
{
    unsigned k = engine_add_target(e, p->fn, p->bar_num, &p->probe);
    owners[k] = &p->probe;
    return k;
}

static void finish(struct engine *e, bool ran, struct check_result *r)
{
    if (ran && after_run)
        after_run(e);
    for (unsigned k = 0; k < e->target_count; k++) {
        *owners[k] = e->targets[k].probe; /* keeps the nonces planted last, for the sweep */
        if (!ran && strcmp(platform()->options.selftest, "no-restore"))
            relocation_put_back(e->targets[k].fn); /* stopped mid-way: undo what it did */
    }
    live = NULL;
    probe_read_cache_begin(); /* the sweep only looks: one read per register and address */
    bool swept_ok = ran && sweep(e, r);
    clean_since_sweep = swept_ok;
    probe_read_cache_end();
    if (swept_ok)
        check_pass(r);
    addrmap_remove_owner(&platform_rw()->map, ADDRMAP_BAR, SLOT_OWNER);
}

static struct engine *fresh_engine(void)
{
    static struct engine e; /* large: off the stack */
    engine_init(&e, &record, draw, NULL);
    e.log = platform()->options.verbose ? runner_note : NULL;
    e.progress = runner_step;
    e.alive = runner_alive;
    return &e;
}

static bool run_steps(struct engine *e, bool built_steps, struct check_result *r)
{
    live = e;
    if (built_steps && !strcmp(platform()->options.selftest, "no-restore"))
        drop_restore_steps(e); /* the restore check's negative control */
    if (built_steps) {
        probe_read_cache_begin();
        look_before(e); /* for the sweep's diagnosis: what was so before this check */
        probe_read_cache_end();
    }
    return built_steps && engine_run(e, r);
}

static void run_target(struct bar_target *t, struct probe *probe, struct check_result *r,
                       step_builder build_steps)
{
    struct engine *e = fresh_engine();
    engine_add_target(e, t->fn, t->bar_num, probe);
    owners[0] = probe;
    finish(e, run_steps(e, build_steps(e, t, r), r), r);
}

void relocation_run_measured(enum target_filter f, unsigned i, struct check_result *r,
                             step_builder build_steps, engine_report_fn report)
{
    struct bar_target *t = nth(f, i);
    if (!t) {
        check_fail(r, "harness: target %u vanished", i);
        return;
    }
    after_run = report;
    run_target(t, &t->probe, r, build_steps); /* a BAR with no probe is still moved and timed */
    after_run = NULL;
}

void relocation_run_group(struct check_result *r, group_builder build_steps)
{
    struct engine *e = fresh_engine();
    if (!built)
        build();
    for (unsigned k = 0; k < target_count && e->target_count < ENGINE_MAX_TARGETS; k++)
        if (targets[k].probe.type->strength != PROBE_NONE)
            relocation_add_partner(e, &targets[k]);
    if (e->target_count < 2) {
        check_skip(r, "fewer than two BARs with a probe");
        return;
    }
    finish(e, run_steps(e, build_steps(e, r), r), r);
}

struct bar_target *relocation_find_partner(const struct bar_target *t,
                                           bool (*fits)(const struct bar_target *t,
                                                        const struct bar_target *c))
{
    for (unsigned k = 0; k < target_count; k++)
        if (&targets[k] != t && targets[k].fn != t->fn &&
            targets[k].probe.type->strength != PROBE_NONE && fits(t, &targets[k]))
            return &targets[k];
    return NULL;
}

