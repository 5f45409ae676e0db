/* Mutants for the checks of DESIGN §4's second table that look at how a BAR
 * write is taken (BUGS.md B, C, D): sub-dword writes, bits below the size,
 * a move straight after sizing, and 64 KiB-granular MMIO bookkeeping. Each
 * replaces one decision of the correct policy (sim_decode.c). */
#include "sim_mutants.h"

#define LOW_DWORD 0xffffffffull
#define BAR_FLAGS 0xfu
#define BLOCK_SHIFT 16 /* 64 KiB */

/* subdword-bar-write: a 1-byte BAR write is dropped (bhyve and ACRN DM
 * pci_cfgrw, crosvm VFIO takes 4-byte writes only); a 2-byte one is applied
 * unshifted as a whole dword (kvmtool: the value is not shifted). */
bool subdword_bar_write(struct cfg_write *w)
{
    if (!w->region || w->width == 4)
        return true;
    if (w->width == 1)
        return false;
    w->offset &= (uint16_t)~3u;
    w->width = 4;
    return true;
}

/* bar-mask-not-applied: the hypervisor takes the address as written, bits
 * below the BAR's size included, and maps the BAR at that unaligned base;
 * the register itself masks them (kvmtool, cloud-hypervisor keeps them in
 * its register, crosvm VFIO masks only the flags with 0xFFFFFFF0). */
static uint32_t written_low[SIM_MAX_REGIONS];
static bool written_low_valid[SIM_MAX_REGIONS];

bool bar_mask_not_applied_accept(struct cfg_write *w)
{
    if (w->region && !w->high && w->width == 4 && w->value != 0xffffffffu) {
        written_low[region_index(w->region)] = w->value & ~BAR_FLAGS;
        written_low_valid[region_index(w->region)] = true;
    }
    return true;
}

void bar_mask_not_applied_remap(const struct cfg_write *w)
{
    correct_remap(w);
    struct region *r = w->region;
    if (!r || !written_low_valid[region_index(r)] || region_sizing(r))
        return;
    r->addr = (r->addr & ~LOW_DWORD) | written_low[region_index(r)];
    sync_function(w->fn);
}

/* sizing-desync: sizing and then writing a new address without restoring
 * first is taken as no move at all: the old range stays live, even across
 * MSE 1->0, until the register holds the old address again (ACRN DM
 * pci_cfgrw sizing / ignore_reg_unreg, issue #2962, b98096ea0). */
static bool sized[SIM_MAX_REGIONS];
static bool stuck[SIM_MAX_REGIONS];
static uint64_t stuck_at[SIM_MAX_REGIONS];

void sizing_desync(const struct cfg_write *w)
{
    struct region *r = w->region;
    uint64_t old = r ? r->addr : 0;
    correct_remap(w);
    if (r) {
        unsigned i = region_index(r);
        if (region_sizing(r)) {
            if (!sized[i] && !stuck[i])
                stuck_at[i] = old;
            sized[i] = true;
        } else {
            if (sized[i] && r->addr != stuck_at[i])
                stuck[i] = true; /* a move straight after sizing: never un-registered */
            if (r->addr == stuck_at[i])
                stuck[i] = false;
            sized[i] = false;
        }
    }
    FOR_EACH_REGION(s)
        if (region_fn(s) == w->fn && stuck[region_index(s)] && stuck_at[region_index(s)])
            region_map(s, stuck_at[region_index(s)]);
    msix_follow(w->fn);
}

/* coarse-block-overlap: MMIO handlers are kept per 64 KiB block; a BAR newly
 * mapped into a block that holds another device's live BAR (no byte in
 * common) is refused and decodes nowhere, while its readback shows the new
 * address (Bochs 2.7 and master, memory/misc_mem.cc registerMemoryHandlers;
 * measured). A BAR that kept its base is not registered again. */
static bool shares_block(const struct region *a, const struct region *b)
{
    uint64_t a_lo = a->base >> BLOCK_SHIFT, a_hi = (a->base + a->size - 1) >> BLOCK_SHIFT;
    uint64_t b_lo = b->base >> BLOCK_SHIFT, b_hi = (b->base + b->size - 1) >> BLOCK_SHIFT;
    return a_lo <= b_hi && b_lo <= a_hi;
}

void coarse_block_overlap(const struct cfg_write *w)
{
    struct regions_before before;
    regions_remember(&before);
    correct_remap(w);
    FOR_EACH_REGION(r) {
        const struct region *was = region_before(&before, r);
        if (region_fn(r) != w->fn || !r->live || (was->live && was->base == r->base))
            continue;
        FOR_EACH_REGION(o)
            if (region_fn(o) != w->fn && o->live && shares_block(r, o)) {
                region_unmap(r);
                break;
            }
    }
    msix_follow(w->fn);
}
