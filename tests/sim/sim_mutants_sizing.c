/* BUGS.md C (sizing): what a hypervisor does with an all-ones write to a
 * BAR when it gets it wrong. Each function replaces one decision of the
 * correct policy (sim_decode.c) and says which real-world behaviour it
 * stands for. Hardware decodes at the sizing address while decode is on;
 * the oracle allows that or nowhere, never the old address. */
#include "sim_mutants.h"

#define ALL_ONES 0xffffffffu

/* sizing-keeps-old: an all-ones write is not taken as a move: with MSE=1
 * the old address keeps decoding until the restore (Bochs 2.7
 * pci_set_base_mem "skip PCI probe"; cloud-hypervisor is_bar_size_probe;
 * kvmtool). */
void sizing_keeps_old(const struct cfg_write *w)
{
    if (w->region && region_sizing(w->region))
        return;
    correct_remap(w);
}

/* sizing-on-loses-mapping: sizing with decode on unmaps the BAR, and the
 * restore does not map it back: it decodes nowhere until MSE goes 0->1
 * again. Model only. */
static bool lost_by_sizing[SIM_MAX_REGIONS];

void sizing_on_loses_mapping(const struct cfg_write *w)
{
    if (w->region && sim_decoding(w->fn) && region_sizing(w->region))
        lost_by_sizing[region_index(w->region)] = true;
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && write_sets_mse(w))
            lost_by_sizing[region_index(r)] = false;
    correct_remap(w);
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && lost_by_sizing[region_index(r)])
            region_unmap(r);
    msix_follow(w->fn);
}

/* sizing-ignored-while-mapped: an all-ones write while the BAR decodes is
 * dropped, so the address reads back where the size should (Xen vPCI,
 * hardware domain: bar_write and vpci_hw_read32). */
bool sizing_ignored_while_mapped(struct cfg_write *w)
{
    return !(w->region && sim_decoding(w->fn) && w->value == ALL_ONES);
}

/* sizing-pattern-exact: only exactly 0xffffffff is a sizing probe; a
 * 0xfffffff0-style probe (OpenBSD's) is taken as an address, which the
 * VMM's allocator refuses, so the register keeps its old value and the
 * guest reads a wrong size (kvmtool value == 0xffffffff; Firecracker main;
 * cloud-hypervisor up to v53.0). */
bool sizing_pattern_exact(struct cfg_write *w)
{
    if (!w->region || w->width != 4 || w->value == ALL_ONES)
        return true;
    uint32_t implemented = sim_cfg_mask(w->fn, w->offset, 4);
    return (w->value & implemented) != implemented;
}

/* sizing-on-corrupts: sizing with decode on leaves the register stuck at
 * the mask: every later write to it is dropped until decode goes off
 * (kvmtool, inferred; crosvm VFIO). */
static bool stuck_at_mask[SIM_MAX_REGIONS];

bool sizing_on_corrupts_accept(struct cfg_write *w)
{
    if (!w->region)
        return true;
    if (stuck_at_mask[region_index(w->region)])
        return false;
    if (sim_decoding(w->fn) && w->value == ALL_ONES)
        stuck_at_mask[region_index(w->region)] = true;
    return true;
}

void sizing_on_corrupts_remap(const struct cfg_write *w)
{
    if (write_clears_mse(w))
        FOR_EACH_REGION(r)
            if (region_fn(r) == w->fn)
                stuck_at_mask[region_index(r)] = false;
    correct_remap(w);
}
