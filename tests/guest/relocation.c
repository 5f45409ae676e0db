#include "relocation.h"

#include <string.h>

#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "../../kernel/runner.h"

#define MAX_TARGETS 64
#define SLOT_OWNER 0xfffffffeu /* the address map's tag for a check's test slots */
#define SLOT_TRIES 16

static struct shadow record; /* the guest's record of config space, shared by every check */
static struct bar_target targets[MAX_TARGETS];
static unsigned target_count;
static bool built;

static bool is_candidate(const struct pci_function *f, const struct pci_bar *b)
{
    return (b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64) && b->addr && b->size &&
           (f->command & PCI_COMMAND_MEMORY);
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
    if (probe_find(f, bar_num, &t->probe) && probe_prepare(&t->probe, t->home) == NULL)
        probe_plant(&t->probe, t->home,
                    probe_usable_nonce(&t->probe, prng_next(&platform_rw()->prng)));
}

static void build(void)
{
    const struct pci_topology *pci = &platform()->pci;
    built = true;
    shadow_init(&record, pci);
    for (unsigned fn = 0; fn < pci->count; fn++)
        for (unsigned b = 0; b < pci->functions[fn].bar_count && target_count < MAX_TARGETS; b++)
            if (is_candidate(&pci->functions[fn], &pci->functions[fn].bars[b]))
                add_target(fn, b);
}

static bool selected(enum target_filter f, const struct bar_target *t)
{
    return f == TARGET_ANY || t->is64;
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

/* After the check: every probe-able BAR answers at its recorded address and
 * in none of this check's addresses (slots, old, transients). A bug that
 * moves or re-enables a device the check never touched fails here, in the
 * check that caused it (BUGS.md others-reenabled, function-aliasing). */
static bool sweep(const struct engine *e, struct check_result *r)
{
    for (unsigned k = 0; k < target_count; k++) {
        const struct bar_target *t = &targets[k];
        uint64_t at = 0, seen = 0;
        if (t->probe.type->strength == PROBE_NONE || !t->probe.planted)
            continue;
        bool must = oracle_answer(&record, t->fn, t->bar_num, &at) == ORACLE_AT;
        if (must && !probe_look(&t->probe, at, &seen)) {
            check_fail(r, "sweep: %02x:%02x.%x BAR%u no longer answers at its address 0x%016llx",
                       t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function, t->bar_num,
                       (unsigned long long)at);
            check_diag(r, "read", "0x%llx", (unsigned long long)seen);
            return false;
        }
        for (unsigned i = 0; i < e->address_count; i++) {
            uint64_t a = e->addresses[i];
            if ((!must || a != at) && probe_look(&t->probe, a, &seen)) {
                check_fail(r, "sweep: %02x:%02x.%x BAR%u also answers at 0x%016llx, an address of this check",
                           t->probe.bdf.bus, t->probe.bdf.device, t->probe.bdf.function, t->bar_num,
                           (unsigned long long)a);
                return false;
            }
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
void relocation_put_back(unsigned fn)
{
    const struct pci_function *f = &platform()->pci.functions[fn];
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

void relocation_run(enum target_filter f, unsigned i, struct check_result *r, step_builder build_steps)
{
    static struct engine e; /* large: off the stack */
    struct bar_target *t = nth(f, i);
    if (!t) {
        check_fail(r, "harness: target %u vanished", i);
        return;
    }
    if (t->probe.type->strength == PROBE_NONE) {
        check_skip(r, "%s", t->probe.reason ? t->probe.reason : "no probe for this BAR");
        return;
    }
    engine_init(&e, &record, draw, NULL);
    e.log = platform()->options.verbose ? runner_note : NULL;
    engine_add_target(&e, t->fn, t->bar_num, &t->probe);
    bool built_steps = build_steps(&e, t, r);
    if (built_steps && !strcmp(platform()->options.selftest, "no-restore"))
        drop_restore_steps(&e); /* the restore check's negative control */
    bool ran = built_steps && engine_run(&e, r);
    t->probe = e.targets[0].probe; /* keeps the nonce planted last, for the sweep too */
    if (!ran && strcmp(platform()->options.selftest, "no-restore"))
        relocation_put_back(t->fn); /* a failed check stops mid-way: undo what it did */
    if (ran && sweep(&e, r))
        check_pass(r);
    addrmap_remove_owner(&platform_rw()->map, ADDRMAP_BAR, SLOT_OWNER);
}

bool slot_take(uint64_t size, const struct addrmap_constraint *c, uint64_t *addr)
{
    struct platform *p = platform_rw();
    if (!addrmap_alloc(&p->map, size, c, &p->prng, addr))
        return false;
    return addrmap_add(&p->map, *addr, *addr + size - 1, ADDRMAP_BAR, SLOT_OWNER);
}

bool slot_take_move(uint64_t old, uint64_t size, const struct addrmap_constraint *c, uint64_t *addr)
{
    struct platform *p = platform_rw();
    for (unsigned k = 0; k < SLOT_TRIES; k++) {
        if (!addrmap_alloc(&p->map, size, c, &p->prng, addr))
            return false;
        if (addrmap_transients_free(&p->map, old, *addr, size, NULL))
            return addrmap_add(&p->map, *addr, *addr + size - 1, ADDRMAP_BAR, SLOT_OWNER);
    }
    return false;
}

void steps_write_bar(struct engine *e, uint64_t addr, bool is64, bool high_first)
{
    if (is64 && high_first)
        engine_bar_high(e, 0, (uint32_t)(addr >> 32), "write high");
    engine_bar_low(e, 0, (uint32_t)addr, "write low");
    if (is64 && !high_first)
        engine_bar_high(e, 0, (uint32_t)(addr >> 32), "write high");
}

static const struct pci_window *bridge_window_for(const struct bar_target *t)
{
    const struct pci_topology *pci = &platform()->pci;
    int up = pci->functions[t->fn].upstream;
    if (up < 0)
        return NULL;
    const struct pci_bridge_info *b = &pci->functions[up].bridge;
    bool pref = pci->functions[t->fn].bars[t->bar_num].prefetchable;
    return pref && !b->pref.closed ? &b->pref : &b->mem;
}

#define FOUR_GIB 0x100000000ull

bool target_space(const struct bar_target *t, bool above_4g, struct addrmap_constraint *c,
                  const char **why)
{
    const struct pci_window *w = bridge_window_for(t);
    if (!w) {
        *c = above_4g ? addrmap_above_4g() : addrmap_below_4g();
        return true;
    }
    uint64_t lo = w->base, hi = w->limit;
    if (w->closed) {
        *why = "its bridge forwards no memory window";
        return false;
    }
    if (above_4g && hi < FOUR_GIB) {
        *why = "its bridge's windows lie below 4 GiB";
        return false;
    }
    if (!above_4g && lo >= FOUR_GIB) {
        *why = "its bridge's windows lie above 4 GiB";
        return false;
    }
    if (above_4g && lo < FOUR_GIB)
        lo = FOUR_GIB;
    if (!above_4g && hi >= FOUR_GIB)
        hi = FOUR_GIB - 1;
    *c = addrmap_in_bridge_window(lo, hi);
    return true;
}

bool take_move_slot(const struct bar_target *t, enum slot_side side, struct check_result *r,
                    uint64_t *addr)
{
    struct addrmap_constraint c;
    const char *why = "";
    bool above_4g = t->is64 && side != SLOT_LOW;
    /* behind a bridge with no window above 4 GiB a 64-bit BAR still moves,
     * with both dwords written, below it (the high dword then stays 0) */
    if (side == SLOT_PREFER_HIGH && above_4g && !target_space(t, true, &c, &why))
        above_4g = false;
    if (!target_space(t, above_4g, &c, &why)) {
        check_skip(r, "no slot %s 4 GiB: %s", above_4g ? "above" : "below", why);
        return false;
    }
    bool ok = t->is64 ? slot_take_move(t->home, t->size, &c, addr) : slot_take(t->size, &c, addr);
    if (!ok)
        check_skip(r, "no free slot %s 4 GiB for a 0x%llx-byte BAR%s", above_4g ? "above" : "below",
                   (unsigned long long)t->size, t->is64 ? " with free transient addresses" : "");
    return ok;
}
