/* Checks from the bug-class catalogue (DESIGN §4, second table) about how a
 * BAR write is taken: sub-dword writes, bits below the BAR's size, a move
 * straight after sizing, and another device's decode staying off while a
 * BAR moves around it. Every move is made with decode off, as Linux makes
 * it, and ends with the restore steps, checked the same way. */
#include "../../drivers/pci.h"
#include "../../kernel/platform.h"
#include "relocation.h"

#define LOW_DWORD 0xffffffffull

static const char *const byte_names[8] = {
    "write byte 0", "write byte 1", "write byte 2", "write byte 3",
    "write byte 4", "write byte 5", "write byte 6", "write byte 7",
};
static const char *const word_names[4] = {
    "write word 0", "write word 1", "write word 2", "write word 3",
};

/* a move of engine target 0 to addr made of width-byte config writes, lowest first */
static void steps_write_bar_narrow(struct engine *e, const struct bar_target *t, uint64_t addr,
                                   unsigned width)
{
    uint16_t base = pci_bar_offset(t->bar_num);
    unsigned bytes = t->is64 ? 8 : 4;
    engine_plan_move(e, 0, addr);
    engine_watch_for(e, 0, addr);
    for (unsigned at = 0; at < bytes; at += width) {
        uint32_t value = (uint32_t)(addr >> (8 * at)) & (width == 1 ? 0xffu : 0xffffu);
        engine_config(e, 0, (uint16_t)(base + at), width, value,
                      width == 1 ? byte_names[at] : word_names[at / 2]);
    }
}

/* Hazard: 1- and 2-byte BAR writes are dropped, or applied unshifted as a
 * whole dword (BUGS.md subdword-bar-write: bhyve and ACRN DM pci_cfgrw, ACRN
 * hypervisor, kvmtool, cloud-hypervisor, crosvm VFIO). An OS may write a BAR
 * a byte or a word at a time; the spec merges the bytes into the register.
 * Expect: readback and location as for dword writes: nowhere while off, only
 * at the new address after MSE on, for a bytewise and then a wordwise move. */
static bool build_bytewise(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to8, to16;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to8) || !take_move_slot(t, SLOT_PREFER_HIGH, r, &to16))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar_narrow(e, t, to8, 1);
    engine_mse(e, 0, true, 2, "MSE on (moved bytewise)");
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar_narrow(e, t, to16, 2);
    engine_mse(e, 0, true, 2, "MSE on (moved wordwise)");
    engine_restore_steps(e, 0);
    return true;
}

/* Hazard: bits below the BAR's size are kept in the register and/or mapped
 * at the unaligned base (BUGS.md bar-mask-not-applied: kvmtool,
 * cloud-hypervisor, crosvm VFIO). Hardware implements none of those bits.
 * Expect: the readback is masked (the guest's record masks it as hardware
 * does) and the BAR answers at the aligned address only. */
static bool build_bar_mask(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to;
    uint32_t junk = (uint32_t)(t->size - 1) & ~0xfu;
    if (t->size > LOW_DWORD || !junk) {
        check_skip(r, "a 0x%llx-byte BAR has no address bits below its size to set",
                   (unsigned long long)t->size);
        return false;
    }
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    engine_plan_move(e, 0, to);
    engine_watch_for(e, 0, to);
    engine_bar_low(e, 0, (uint32_t)to | junk, "write low with bits below the size");
    if (t->is64)
        engine_bar_high(e, 0, (uint32_t)(to >> 32), "write high");
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

/* Hazard: a move written straight after sizing, with no restore between,
 * leaves the old range live, even across MSE 1->0 (BUGS.md sizing-desync:
 * ACRN DM pci_cfgrw sizing / ignore_reg_unreg, issue #2962). Expect: nowhere
 * while off; after MSE on, only at the new address, the old one silent. */
static bool build_size_then_move(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    uint64_t to;
    if (!take_move_slot(t, SLOT_PREFER_HIGH, r, &to))
        return false;
    engine_mse(e, 0, false, 2, "MSE off");
    engine_bar_low(e, 0, 0xffffffffu, "size: write low all-ones");
    if (t->is64)
        engine_bar_high(e, 0, 0xffffffffu, "size: write high all-ones");
    steps_write_bar(e, to, t->is64, false);
    engine_mse(e, 0, true, 2, "MSE on");
    engine_restore_steps(e, 0);
    return true;
}

/* same bus (so each home lies in the other's bridge window), and B covers A */
static bool coverable(const struct bar_target *t, const struct bar_target *c)
{
    const struct pci_topology *pci = &platform()->pci;
    return c->size >= t->size && pci->functions[t->fn].upstream == pci->functions[c->fn].upstream;
}

/* a free slot for A of size directly above or below B's range, else anywhere A may go */
static bool slot_next_to(const struct bar_target *t, const struct bar_target *b, struct check_result *r,
                         uint64_t *addr)
{
    struct addrmap_constraint inside;
    const char *why = "";
    /* B is naturally aligned and at least A's size, so both neighbours are A-aligned */
    uint64_t around[2] = {b->home + b->size, b->home - t->size};
    if (target_space(t, b->home > LOW_DWORD, &inside, &why))
        for (unsigned k = 0; k < 2; k++) {
            struct addrmap_constraint c = inside;
            if (around[k] < c.lo || around[k] + t->size - 1 > c.hi)
                continue;
            c.lo = around[k];
            c.hi = around[k] + t->size - 1;
            if (slot_take(t->size, &c, addr))
                return true;
        }
    return take_move_slot(t, SLOT_LOW, r, addr);
}

/* Hazard: moving one BAR re-enables decode of another device whose MSE=0
 * (BUGS.md others-reenabled: kvmtool pci_activate_bar_regions does not look
 * at the owner's COMMAND). Expect: with B's MSE off, A moved next to B
 * (decoding), over B's range (A dark: DESIGN §4 Safety allows an overlap
 * only while one side is dark) and away again; B never answers while its
 * MSE=0, and answers at home once it is set again. */
static bool build_others_dark(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    e->stop_at_failure = true; /* its BARs overlap: safe only while decode is really off */
    struct bar_target *p = relocation_find_partner(t, coverable);
    uint64_t next;
    if (!p) {
        check_skip(r, "no other probed BAR of at least 0x%llx bytes on the same bus",
                   (unsigned long long)t->size);
        return false;
    }
    unsigned b = relocation_add_partner(e, p);
    if (!slot_next_to(t, p, r, &next))
        return false;
    engine_mse(e, b, false, 2, "B: MSE off");
    engine_mse(e, 0, false, 2, "A: MSE off");
    steps_write_bar_of(e, 0, next, t->is64, false);
    engine_mse(e, 0, true, 2, "A: MSE on next to B");
    engine_mse(e, 0, false, 2, "A: MSE off");
    steps_write_bar_of(e, 0, p->home, t->is64, false);
    engine_look(e, "A dark over B, B dark");
    steps_write_bar_of(e, 0, t->home, t->is64, false);
    engine_mse(e, 0, true, 2, "A: MSE on away from B");
    engine_look(e, "B still dark");
    engine_mse(e, b, true, 2, "B: MSE on");
    return true;
}

BAR_CHECK(move_bytewise, "move-bytewise", CHECK_STRICT, TARGET_ANY, build_bytewise);
BAR_CHECK(bar_mask, "bar-mask", CHECK_REQUIRED, TARGET_ANY, build_bar_mask);
BAR_CHECK(size_then_move, "size-then-move", CHECK_REQUIRED, TARGET_ANY, build_size_then_move);
BAR_CHECK(others_stay_dark, "others-stay-dark", CHECK_REQUIRED, TARGET_ANY, build_others_dark);
