/* BUGS.md B (BAR writes): how a hypervisor takes a BAR write when it gets
 * it wrong. Each function replaces one decision of the correct policy
 * (sim_decode.c) and says which real-world behaviour it stands for. */
#include "sim_mutants.h"

#define LOW_DWORD 0xffffffffull

/* write-dropped-while-decoding: a BAR write made while MSE=1 is ignored and
 * the old value reads back (Xen vPCI bar_write "ignored BAR write while
 * mapped"; Hyper-V per Linux pci-hyperv.c prepopulate_bars; OpenVMM
 * emulated devices; Firecracker main drops every BAR write). */
bool write_dropped_while_decoding(struct cfg_write *w)
{
    return !(w->region && sim_decoding(w->fn));
}

/* write-deferred-to-mse-edge: a BAR write while MSE=1 is kept in a shadow
 * (readback shows it) but the mapping moves only at the next MSE 0->1 edge
 * (Firecracker PR #6156, OpenHCL vpci_relay, OpenVMM before PR #3384). */
void write_deferred_to_mse_edge(const struct cfg_write *w)
{
    if (w->region && sim_decoding(w->fn))
        return;
    if (write_sets_mse(w))
        FOR_EACH_REGION(r)
            if (region_fn(r) == w->fn)
                region_note_write(r); /* the edge applies what was shadowed */
    correct_remap(w);
}

/* low-dword-ignored: a 64-bit BAR moves only when its high dword is
 * written, to high:low as the registers stand then; a low-only change is
 * never applied (cloud-hypervisor detect_bar_reprogramming). */
void low_dword_ignored(const struct cfg_write *w)
{
    if (w->region && w->region->is64 && !w->high) {
        sync_function(w->fn); /* the register changed; the mapping did not hear of it */
        return;
    }
    correct_remap(w);
}

/* high-dword-ignored: the address is cut to 32 bits, so a BAR moved above
 * 4 GiB decodes at its low-dword alias (kvmtool pci__bar_address returns
 * u32; Bochs 2.7's xHCI has no upper dword). */
void high_dword_ignored(const struct cfg_write *w)
{
    correct_remap(w);
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && r->live) {
            if (r->base & LOW_DWORD)
                region_map(r, r->base & LOW_DWORD);
            else
                region_unmap(r); /* the alias is 0: unmapped */
        }
    msix_follow(w->fn);
}

/* high-write-not-acted-on: the mirror of low-dword-ignored: the mapping
 * follows only the low dword; the high dword stays what it was when the
 * hypervisor first mapped the BAR, so a high-dword write alone leaves the
 * old mapping. Model only. */
void high_write_not_acted_on(const struct cfg_write *w)
{
    struct region *r = w->region;
    if (!r || !r->is64) {
        correct_remap(w);
        return;
    }
    r->prev_addr = r->addr;
    r->addr = (r->addr & ~LOW_DWORD) | (region_register(r) & LOW_DWORD);
    sync_function(w->fn);
}

/* stale-alias-after-move: a move maps the new address and leaves the old
 * one mapped too, for as long as the BAR is mapped. Model only. */
static uint64_t stale_alias[SIM_MAX_REGIONS];

void stale_alias_remap(const struct cfg_write *w)
{
    struct regions_before before;
    regions_remember(&before);
    correct_remap(w);
    FOR_EACH_REGION(r) {
        uint64_t old = region_before(&before, r)->last_base;
        if (r->live && old && r->base != old)
            stale_alias[region_index(r)] = old;
    }
}

bool stale_alias_route(uint64_t phys, unsigned width, struct hit *h)
{
    if (correct_route(phys, width, h))
        return true;
    FOR_EACH_REGION(r) {
        uint64_t old = stale_alias[region_index(r)];
        if (r->live && old && region_inside(old, r->size, phys, width) &&
            sim_forwarded(region_fn(r), phys)) {
            *h = (struct hit){r, phys - old, false};
            return true;
        }
    }
    return false;
}

/* map-while-dark: a BAR write maps the new (or half-written) address at
 * once although MSE=0 (ACRN hypervisor pci_vdev_update_vbar_base; Bochs 2.7:
 * a BAR moved with MSE=0 answers at once). */
void map_while_dark(const struct cfg_write *w)
{
    correct_remap(w);
    if (w->region && !sim_decoding(w->fn) && w->region->addr) {
        region_map(w->region, w->region->addr);
        msix_follow(w->fn);
    }
}

/* move-refused: a move outside the VMM's allocator window is refused and
 * the register rolls back; here that window is the 4 GiB block the BAR was
 * found in, so any move across 4 GiB is refused; a sizing probe is no move
 * (cloud-hypervisor move_bar -> allocator, restore_bar_addr since v52;
 * Firecracker PR #6156 ExactMatch allocation). */
bool move_refused(struct cfg_write *w)
{
    const struct region *r = w->region;
    if (!r || !w->high || w->width != 4 || w->value == 0xffffffffu)
        return true;
    return w->value == (uint32_t)(r->home >> 32);
}

/* dark-move-keeps-old-live: MSE 1->0 unmaps, but a BAR write made while
 * decode is off is only queued, and the VMM puts the BAR back at its old
 * address until the next MSE 0->1 applies the queue: the old range decodes
 * with MSE=0 (cloud-hypervisor pending_bar_reprogram, Firecracker PR #6156).
 * Unlike mse-clear-keeps-mapping, a plain decode toggle is right. */
static bool queued_while_dark[SIM_MAX_REGIONS];

void dark_move_keeps_old_live(const struct cfg_write *w)
{
    correct_remap(w);
    if (w->region && !sim_decoding(w->fn) && w->region->last_base)
        queued_while_dark[region_index(w->region)] = true;
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && queued_while_dark[region_index(r)]) {
            if (sim_decoding(w->fn))
                queued_while_dark[region_index(r)] = false; /* the edge applied it */
            else
                region_map(r, r->last_base);
        }
    msix_follow(w->fn);
}
