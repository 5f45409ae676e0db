#include "relocation.h"

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
    if (build_steps(&e, t, r) && engine_run(&e, r))
        check_pass(r);
    t->probe = e.targets[0].probe; /* keeps the nonce planted last */
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
