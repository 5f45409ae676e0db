#include "relocation.h"
#include "relocation_sweep.h"

#include <string.h>

#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "../../kernel/runner.h"

#define MAX_TARGETS RELOCATION_MAX_TARGETS

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

/* nonce would make p look like one of the probed BARs (its own last nonce
 * included: a fresh one differs from it); probe_distinct_nonce's taken() */
static bool nonce_taken(const struct probe *p, uint64_t nonce, const void *ctx)
{
    (void)ctx;
    for (unsigned k = 0; k < target_count; k++)
        if (probe_nonce_clashes(p, nonce, &targets[k].probe))
            return true;
    return false;
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
                        probe_distinct_nonce(&t->probe, prng_next(&platform_rw()->prng), nonce_taken, NULL));
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
    unsigned left_out = 0;
    for (unsigned fn = 0; fn < pci->count; fn++)
        for (unsigned b = 0; b < pci->functions[fn].bar_count; b++)
            if (is_candidate(&pci->functions[fn], &pci->functions[fn].bars[b])) {
                if (target_count < MAX_TARGETS)
                    add_target(fn, b);
                else
                    left_out++;
            }
    if (left_out) { /* said, never silent: these BARs are not tested */
        char line[96];
        format(line, sizeof line, "%u memory BARs beyond the first %u not tested", left_out, MAX_TARGETS);
        runner_note(line);
    }
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
    sweep_forget(); /* written outside a check: what the last sweep saw no longer holds */
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
    bool swept_ok = ran && sweep_after(e, r);
    if (!ran)
        sweep_forget(); /* it stopped mid-way: what the last sweep saw no longer holds */
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
    e.nonce_taken_outside = nonce_taken;
    return &e;
}

static bool run_steps(struct engine *e, bool built_steps, struct check_result *r)
{
    live = e;
    if (built_steps && !strcmp(platform()->options.selftest, "no-restore"))
        drop_restore_steps(e); /* the restore check's negative control */
    if (built_steps)
        sweep_before(e); /* for the sweep's diagnosis: what was so before this check */
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
    unsigned probed = 0;
    for (unsigned k = 0; k < target_count; k++)
        if (targets[k].probe.type->strength != PROBE_NONE && probed++ < ENGINE_MAX_TARGETS)
            relocation_add_partner(e, &targets[k]);
    if (probed > ENGINE_MAX_TARGETS) { /* said, never silent: the others are left where they are */
        char line[96];
        format(line, sizeof line, "this group check moves %u of %u probed BARs (the engine holds %u)",
               ENGINE_MAX_TARGETS, probed, ENGINE_MAX_TARGETS);
        runner_note(line);
    }
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

