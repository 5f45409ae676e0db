/* pack-tight (DESIGN §4, second table): small BARs packed next to each other
 * at their natural alignment inside one 64 KiB block, as a rebalancing OS
 * packs them. The address map's slots are page-granular, so the check takes
 * one free 64 KiB slot and places the BARs inside it itself. */
#include "../../kernel/platform.h"
#include "relocation.h"

#define PACK_BLOCK 0x10000ull      /* one 64 KiB block */
#define PACK_MAX_BAR (16u * 1024u) /* "small": at most 16 KiB */

static uint64_t target_size(const struct engine *e, unsigned k)
{
    return shadow_bar_size(e->shadow, e->targets[k].fn, e->targets[k].bar_num);
}

/* candidates: small BARs on bus 0 (the block comes from the host bridge's
 * windows), largest first so each lands naturally aligned */
static unsigned pack_candidates(const struct engine *e, unsigned *order)
{
    const struct pci_topology *pci = &platform()->pci;
    unsigned n = 0;
    for (unsigned k = 0; k < e->target_count; k++) {
        uint64_t size = target_size(e, k);
        if (size < 16 || size > PACK_MAX_BAR || pci->functions[e->targets[k].fn].upstream >= 0)
            continue;
        unsigned at = n++;
        while (at > 0 && target_size(e, order[at - 1]) < size) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = k;
    }
    return n;
}

/* Hazard: a BAR that shares a 64 KiB block with another device's BAR (no
 * byte in common) decodes nowhere while its readback shows the new address
 * (BUGS.md coarse-block-overlap: Bochs memory/misc_mem.cc
 * registerMemoryHandlers keeps a 64 KiB bitmap). Expect: after every move,
 * each BAR answers at its own address, and only there; all go home after. */
static bool build_pack(struct engine *e, struct check_result *r)
{
    unsigned order[ENGINE_MAX_TARGETS], placed[ENGINE_MAX_TARGETS], count = 0, fns = 0;
    unsigned n = pack_candidates(e, order);
    struct addrmap_constraint below = addrmap_below_4g();
    uint64_t block, used = 0;
    if (n < 2) {
        check_skip(r, "fewer than two probed BARs of at most 16 KiB on bus 0");
        return false;
    }
    if (!slot_take(PACK_BLOCK, &below, &block)) {
        check_skip(r, "no free 64 KiB block below 4 GiB");
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned k = order[i];
        uint64_t size = target_size(e, k);
        if (used + size > PACK_BLOCK)
            continue;
        bool new_fn = true;
        for (unsigned j = 0; j < count; j++)
            if (e->targets[placed[j]].fn == e->targets[k].fn)
                new_fn = false;
        fns += new_fn;
        placed[count++] = k;
        used += size; /* largest first: every offset stays naturally aligned */
    }
    if (fns < 2) {
        check_skip(r, "the small BARs that fit one 64 KiB block belong to one function");
        return false;
    }
    uint64_t at = block;
    for (unsigned j = 0; j < count; j++) {
        unsigned k = placed[j];
        const struct target *tg = &e->targets[k];
        engine_mse(e, k, false, 2, "MSE off");
        steps_write_bar_of(e, k, at, shadow_bar_is64(e->shadow, tg->fn, tg->bar_num), false);
        engine_mse(e, k, true, 2, "MSE on, packed");
        at += target_size(e, k);
    }
    engine_look(e, "all packed");
    for (unsigned j = count; j-- > 0;)
        engine_restore_steps(e, placed[j]);
    return true;
}

static void run_pack(unsigned i, struct check_result *r)
{
    (void)i;
    relocation_run_group(r, build_pack);
}

CHECK(pack_tight) = {.id = "pack-tight", .level = CHECK_REQUIRED, .run = run_pack};
