/* BUGS.md E (what sits behind the BAR): RAM-backed BARs and the MSI-X table
 * emulation, which hypervisors map on their own and may fail to move with
 * the BAR. Each function replaces one decision of the correct policy
 * (sim_decode.c) and says which real-world behaviour it stands for. */
#include "sim_mutants.h"

/* ram-bar-not-relocated: the RAM behind a BAR is mapped once, at its first
 * address, and stays there, MSE or not; the BAR's new address reads 0
 * (ACRN DM: ivshmem BAR2, the virtio-gpu framebuffer; crosvm: the virtio
 * shared-memory BAR). */
void ram_bar_not_relocated(const struct cfg_write *w)
{
    correct_remap(w);
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && r->ram)
            region_map(r, r->home);
}

/* contents-lost: remapping a RAM-backed BAR at another address hands it
 * fresh memory: what the guest wrote is gone. Model only. */
void contents_lost(const struct cfg_write *w)
{
    struct regions_before before;
    regions_remember(&before);
    correct_remap(w);
    FOR_EACH_REGION(r)
        if (r->ram && r->live && r->base != region_before(&before, r)->last_base)
            sim_ram_clear(r);
}

static struct region *table_bar(const struct sim_fn *f)
{
    return f->msix.present ? sim_region(f, f->msix.bar) : NULL;
}

/* msix-stays: the MSI-X table emulation stays at the BAR's first address
 * after a move (Xen msixtbl_pt_register keeps an existing entry's address,
 * inferred). */
void msix_stays(const struct cfg_write *w)
{
    const struct region *r = table_bar(w->fn);
    correct_remap(w);
    if (r)
        w->fn->msix.base = r->home + w->fn->msix.table_offset;
}

/* msix-ignores-mse: the MSI-X table emulation still answers while MSE=0,
 * at the BAR's address (ACRN hypervisor; Xen msixtbl, inferred). */
void msix_ignores_mse(const struct cfg_write *w)
{
    const struct region *r = table_bar(w->fn);
    correct_remap(w);
    if (r && r->addr) {
        w->fn->msix.live = true;
        w->fn->msix.base = r->addr + w->fn->msix.table_offset;
    }
}

/* msix-wiped-on-bar-write: any write to the table's BAR, even of the value
 * it holds, masks and zeroes the whole table (ACRN hypervisor
 * vdev_pt_unmap_msix). */
void msix_wiped_on_bar_write(const struct cfg_write *w)
{
    const struct region *r = table_bar(w->fn);
    correct_remap(w);
    if (r && w->region == r)
        sim_msix_wipe(w->fn);
}

/* a doorbell of the device behind r at offset: the NVMe SQ0 tail doorbell
 * (BAR0 of class 010802) or a virtio notify structure */
static bool doorbell(const struct region *r, uint64_t offset, unsigned width)
{
    bool nvme = sim_cfg_get(region_fn(r), 0x08, 4) >> 8 == 0x010802 && r->bar == 0;
    return (nvme && offset >= SIM_NVME_SQ0TDBL && offset + width <= SIM_NVME_SQ0TDBL + 4) ||
           sim_virtio_doorbell(r, offset, width);
}

/* doorbell-stale: the device's doorbells (the NVMe SQ0 tail doorbell, the
 * virtio notify structure) are ioeventfds registered once: they stay at
 * every address the BAR held (firmware's, the last mapped one) and at its
 * address while MSE=0, and still start the device there (crosvm activate /
 * unregister_ioevents, kvmtool virtio_pci__init_ioeventfd; cloud-hypervisor
 * keeps them live with MSE=0). The registers themselves move correctly. */
bool doorbell_stale_route(uint64_t phys, unsigned width, struct hit *h)
{
    if (correct_route(phys, width, h))
        return true;
    FOR_EACH_REGION(r) {
        uint64_t bases[3] = {r->home, r->last_base, r->addr};
        for (unsigned k = 0; k < 3; k++)
            if (bases[k] && region_inside(bases[k], r->size, phys, width) &&
                doorbell(r, phys - bases[k], width)) {
                *h = (struct hit){r, phys - bases[k], false};
                return true;
            }
    }
    return false;
}
