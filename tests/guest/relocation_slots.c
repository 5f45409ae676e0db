/* Test slots for relocation checks: where a target may go (its bridge's
 * window, or below/above 4 GiB), reserved in the address map until the check
 * ends, with free transient addresses for 64-bit moves. */
#include "../../kernel/platform.h"
#include "relocation.h"

#define SLOT_TRIES 16

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

/* Both transient mixes of a 64-bit move (new_lo|old_hi, old_lo|new_hi) are
 * addresses of interest: a hypervisor that drops or defers one dword leaves
 * the BAR at one of them. Looked at only when they are free space (looking
 * is read-only, but another device's register is not ours to read). */
static void watch_transients(struct engine *e, unsigned k, uint64_t from, uint64_t to)
{
    uint64_t size = shadow_bar_size(e->shadow, e->targets[k].fn, e->targets[k].bar_num);
    uint64_t mixes[2] = {(to & 0xffffffffull) | (from & ~0xffffffffull),
                         (from & 0xffffffffull) | (to & ~0xffffffffull)};
    if (!addrmap_transients_free(&platform()->map, from, to, size, NULL))
        return;
    for (unsigned m = 0; m < 2; m++)
        if (mixes[m] != from && mixes[m] != to && mixes[m])
            engine_watch_for(e, k, mixes[m]);
}

void steps_write_bar_of(struct engine *e, unsigned k, uint64_t addr, bool is64, bool high_first)
{
    uint64_t from = engine_plan_move(e, k, addr);
    engine_watch_for(e, k, addr);
    if (is64)
        watch_transients(e, k, from, addr);
    if (is64 && high_first)
        engine_bar_high(e, k, (uint32_t)(addr >> 32), "write high");
    engine_bar_low(e, k, (uint32_t)addr, "write low");
    if (is64 && !high_first)
        engine_bar_high(e, k, (uint32_t)(addr >> 32), "write high");
}

void steps_write_bar(struct engine *e, uint64_t addr, bool is64, bool high_first)
{
    steps_write_bar_of(e, 0, addr, is64, high_first);
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

static bool take_on_side(const struct bar_target *t, enum slot_side side, struct check_result *r,
                         uint64_t *addr);

/* PREFER_HIGH falls back to below 4 GiB when nothing is free above (a 1 GiB
 * BAR rarely finds a slot whose low dword and transients are free too) */
bool take_move_slot(const struct bar_target *t, enum slot_side side, struct check_result *r,
                    uint64_t *addr)
{
    if (side == SLOT_PREFER_HIGH && t->is64) {
        if (take_on_side(t, side, NULL, addr) || take_on_side(t, SLOT_LOW, NULL, addr))
            return true;
        if (r)
            check_skip(r, "no free slot above or below 4 GiB for a 0x%llx-byte BAR at 0x%016llx "
                          "whose transient addresses are free too", (unsigned long long)t->size,
                       (unsigned long long)t->home);
        return false;
    }
    return take_on_side(t, side == SLOT_PREFER_HIGH ? SLOT_LOW : side, r, addr);
}

static bool take_on_side(const struct bar_target *t, enum slot_side side, struct check_result *r,
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
        if (r)
            check_skip(r, "no slot %s 4 GiB: %s", above_4g ? "above" : "below", why);
        return false;
    }
    bool ok = t->is64 ? slot_take_move(t->home, t->size, &c, addr) : slot_take(t->size, &c, addr);
    if (!ok && r)
        check_skip(r, "no free slot %s 4 GiB for a 0x%llx-byte BAR%s", above_4g ? "above" : "below",
                   (unsigned long long)t->size, t->is64 ? " with free transient addresses" : "");
    return ok;
}
