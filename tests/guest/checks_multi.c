/* Checks over two or more devices: exchanging addresses, overlapping while
 * one side is dark, and rebalancing many BARs (DESIGN §4 Safety: two BARs
 * may share addresses only while at least one of them has decode off). */
#include "../../kernel/platform.h"
#include "relocation.h"

/* same bus (so each home lies in the other's bridge window) */
static bool same_bus(const struct bar_target *a, const struct bar_target *b)
{
    const struct pci_topology *pci = &platform()->pci;
    return pci->functions[a->fn].upstream == pci->functions[b->fn].upstream;
}

/* a BAR can take addr: a 32-bit BAR cannot hold an address above 4 GiB (it
 * would be truncated to one below, over RAM or another device) */
static bool holds(const struct bar_target *b, uint64_t addr)
{
    return b->is64 || addr >> 32 == 0;
}

static bool swappable(const struct bar_target *t, const struct bar_target *c)
{
    return c->size == t->size && same_bus(t, c) && holds(t, c->home) && holds(c, t->home);
}

static bool coverable(const struct bar_target *t, const struct bar_target *c)
{
    return c->size >= t->size && same_bus(t, c) && holds(t, c->home);
}

static void both_mse(struct engine *e, unsigned a, unsigned b, bool on)
{
    engine_mse(e, a, on, 2, on ? "A: MSE on" : "A: MSE off");
    engine_mse(e, b, on, 2, on ? "B: MSE on" : "B: MSE off");
}

/* Hazard: after two devices exchange addresses, accesses reach the wrong one
 * (mapping keyed by address, not device), or the second insert fails
 * silently (BUGS.md swap-misroutes, same-base-confusion, insert-fails-silently).
 * Expect: each answers with its own nonce at its new address, no alias. */
static bool build_swap(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    struct bar_target *p = relocation_find_partner(t, swappable);
    if (!p) {
        check_skip(r, "no other probed BAR of size 0x%llx on the same bus", (unsigned long long)t->size);
        return false;
    }
    unsigned b = relocation_add_partner(e, p);
    both_mse(e, 0, b, false);
    steps_write_bar_of(e, 0, p->home, t->is64, false);
    steps_write_bar_of(e, b, t->home, p->is64, false);
    both_mse(e, 0, b, true);
    both_mse(e, 0, b, false);
    steps_write_bar_of(e, 0, t->home, t->is64, true);
    steps_write_bar_of(e, b, p->home, p->is64, true);
    both_mse(e, 0, b, true);
    return true;
}

/* Hazard: a dark BAR placed over a live one steals its accesses, or the
 * loser stays unmapped afterwards (BUGS.md overlap-alias,
 * overlap-loser-unmapped, same-base-confusion). Expect: B undisturbed while
 * A is dark over it; after B off and A on, only A answers; then both home. */
static bool build_overlap_dark(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    e->stop_at_failure = true; /* its BARs overlap: safe only while decode is really off */
    struct bar_target *p = relocation_find_partner(t, coverable);
    if (!p) {
        check_skip(r, "no other probed BAR of at least 0x%llx bytes on the same bus",
                   (unsigned long long)t->size);
        return false;
    }
    unsigned b = relocation_add_partner(e, p);
    engine_mse(e, 0, false, 2, "A: MSE off");
    steps_write_bar_of(e, 0, p->home, t->is64, false);
    engine_look(e, "A dark over B");
    engine_mse(e, b, false, 2, "B: MSE off");
    engine_mse(e, 0, true, 2, "A: MSE on over B's range");
    engine_mse(e, 0, false, 2, "A: MSE off");
    engine_mse(e, b, true, 2, "B: MSE on");
    steps_write_bar_of(e, 0, t->home, t->is64, false);
    engine_mse(e, 0, true, 2, "A: MSE on at home");
    return true;
}

/* Hazard: a guest that rebalances MMIO after hotplug moves many BARs in
 * turn; a hypervisor that loses track of one (a stale alias, a refused
 * insert, a device left dark) breaks a device the OS thinks it moved
 * (DESIGN §1: 25 NVMe controllers replaced over months). Expect: every
 * device answers only at its final address after every move. Seeded:
 * seed= repeats the same moves; rounds= repeats the whole dance. */
/* room for one more move plus the restore of every target moved so far */
static bool room_for_move(const struct engine *e, unsigned moved_targets)
{
    return e->step_count + 4 + 4 * (moved_targets + 1) <= ENGINE_MAX_STEPS &&
           e->address_count + 3 <= ENGINE_MAX_ADDRESSES;
}

static void move_group(struct engine *e, unsigned k, uint64_t to)
{
    engine_mse(e, k, false, 2, "MSE off");
    steps_write_bar_of(e, k, to, shadow_bar_is64(e->shadow, e->targets[k].fn, e->targets[k].bar_num),
                       false);
    engine_mse(e, k, true, 2, "MSE on");
}

static bool try_move(struct engine *e, unsigned k)
{
    unsigned fn = e->targets[k].fn, bar = e->targets[k].bar_num;
    struct bar_target t = {.fn = fn, .bar_num = bar, .home = e->planned[k],
                           .size = shadow_bar_size(e->shadow, fn, bar),
                           .is64 = shadow_bar_is64(e->shadow, fn, bar)};
    uint64_t to;
    if (!take_move_slot(&t, SLOT_PREFER_HIGH, NULL, &to))
        return false; /* no room for this one: it stays, the others still move */
    move_group(e, k, to);
    return true;
}

/* one round: every target once, in a random order (a seeded shuffle) */
static bool build_rebalance(struct engine *e, struct check_result *r)
{
    struct platform *p = platform_rw();
    unsigned order[ENGINE_MAX_TARGETS], moves = 0, moved_targets = 0;
    bool moved[ENGINE_MAX_TARGETS] = {false};
    for (unsigned k = 0; k < e->target_count; k++)
        order[k] = k;
    for (unsigned k = e->target_count; k > 1; k--) {
        unsigned j = (unsigned)prng_below(&p->prng, k), x = order[k - 1];
        order[k - 1] = order[j];
        order[j] = x;
    }
    for (unsigned n = 0; n < e->target_count && room_for_move(e, moved_targets); n++) {
        if (!try_move(e, order[n]))
            continue;
        moves++;
        moved_targets++;
        moved[order[n]] = true;
    }
    for (unsigned k = 0; k < e->target_count; k++)
        if (moved[k])
            engine_restore_steps(e, k);
    if (!moves) {
        check_skip(r, "no BAR could be moved: no free slots");
        return false;
    }
    return true;
}

/* rounds= rounds, each its own engine run (fragment, then back home), until one fails */
static void run_rebalance(unsigned i, struct check_result *r)
{
    (void)i;
    unsigned rounds = platform()->options.rounds ? platform()->options.rounds : 1;
    for (unsigned k = 0; k < rounds && !check_failed(r); k++)
        relocation_run_group(r, build_rebalance);
}

BAR_CHECK(swap, "swap", CHECK_REQUIRED, TARGET_ANY, build_swap);
BAR_CHECK(overlap_dark, "overlap-dark", CHECK_REQUIRED, TARGET_ANY, build_overlap_dark);
CHECK(rebalance) = {.id = "rebalance", .level = CHECK_REQUIRED, .run = run_rebalance};
