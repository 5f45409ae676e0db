/* BUGS.md A (memory decode, the COMMAND register) and F (bridges): what a
 * hypervisor does with COMMAND writes and bridge forwarding when it gets
 * them wrong. Each function replaces one decision of the correct policy
 * (sim_decode.c) and says which real-world behaviour it stands for. */
#include "../../drivers/pci.h"
#include "sim_mutants.h"

/* every BAR of f mapped at its addr, MSE or not */
static void map_ignoring_mse(struct sim_fn *f)
{
    FOR_EACH_REGION(r)
        if (region_fn(r) == f) {
            if (r->addr)
                region_map(r, r->addr);
            else
                region_unmap(r);
        }
    msix_follow(f);
}

/* mse-clear-keeps-mapping: MSE 1->0 does not unmap; the BAR is mapped
 * wherever its register points, decode on or off (cloud-hypervisor's
 * write_config_register only queues, Firecracker maps BARs at allocation,
 * ACRN maps on the BAR value alone, Bochs 2.7 never looks at COMMAND). */
void mse_clear_keeps_mapping(const struct cfg_write *w)
{
    if (w->region)
        region_note_write(w->region);
    map_ignoring_mse(w->fn);
}

/* mse-set-no-remap: MSE 1->0 unmaps, but the 0->1 edge maps back only the
 * BARs written since (it applies queued moves and nothing else), so a plain
 * decode toggle leaves the BAR answering nowhere while COMMAND reads MSE=1.
 * Model only. (Were nothing ever mapped back, the sizing at enumeration
 * would lose every BAR, every probe would be refused at home and every check
 * would SKIP: the suite passes such a hypervisor; see the closing note.) */
static bool written_since_clear[SIM_MAX_REGIONS];

void mse_set_no_remap(const struct cfg_write *w)
{
    if (w->region)
        written_since_clear[region_index(w->region)] = true;
    correct_remap(w);
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && write_sets_mse(w) && !written_since_clear[region_index(r)])
            region_unmap(r);
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && write_sets_mse(w))
            written_since_clear[region_index(r)] = false;
    msix_follow(w->fn);
}

/* cmd-width-sensitive: only a 16-bit write at COMMAND (un)maps; an 8- or
 * 32-bit one changes the register but not the mapping (crosvm VFIO:
 * start == PCI_COMMAND && data.len() == 2). */
void cmd_width_sensitive(const struct cfg_write *w)
{
    if (write_touches_command(w) && !(w->offset == PCI_COMMAND && w->width == 2))
        return;
    correct_remap(w);
}

/* cmd-other-bits-remap: a COMMAND write that leaves MSE on but changes I/O,
 * bus master or INTx disable remaps the BARs from a stale copy of their
 * registers (the address before the last BAR write: for a BAR only sized at
 * boot, the sizing value). Model only. */
void cmd_other_bits_remap(const struct cfg_write *w)
{
    uint16_t now = (uint16_t)sim_cfg_get(w->fn, PCI_COMMAND, 2);
    correct_remap(w);
    if (!write_touches_command(w) || !sim_decoding(w->fn) ||
        !(w->command_before & PCI_COMMAND_MEMORY) || now == w->command_before)
        return;
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn && r->prev_addr)
            region_map(r, r->prev_addr);
    msix_follow(w->fn);
}

/* cmd-write-lost: the map that MSE 0->1 asks for fails and the whole
 * COMMAND write is dropped: MSE reads back 0 and the BAR answers nowhere
 * (Xen vPCI: header.c cmd_write ignores modify_bars' error, and
 * vpci_process_pending turns decode off when the mapping fails). Model:
 * the map fails whenever a BAR of the function comes back on without a BAR
 * write since decode went off (its old p2m range still being torn down), so
 * the sizing and moves around it still work and a plain toggle does not. */
static bool written_since_off[SIM_MAX_REGIONS];

void cmd_write_lost(const struct cfg_write *w)
{
    bool fails = false;
    if (w->region)
        written_since_off[region_index(w->region)] = true;
    correct_remap(w);
    if (!write_sets_mse(w))
        return;
    FOR_EACH_REGION(r)
        if (region_fn(r) == w->fn) {
            fails |= r->addr && !written_since_off[region_index(r)];
            written_since_off[region_index(r)] = false;
        }
    if (!fails)
        return;
    sim_cfg_poke(w->fn, PCI_COMMAND, 2, w->command_before); /* the write is lost */
    sync_function(w->fn);
}

/* cmd-readonly: COMMAND ignores every write, so decode can never be turned
 * off (Bochs 2.7 std VGA: "disallowing write to command"). */
bool cmd_readonly(struct cfg_write *w)
{
    return !write_touches_command(w);
}

/* others-reenabled: (re)mapping one BAR activates every BAR that holds an
 * address, without looking at its owner's COMMAND, so a device the guest
 * switched off answers again (kvmtool pci_activate_bar_regions). */
void others_reenabled(const struct cfg_write *w)
{
    correct_remap(w);
    if (!write_sets_mse(w) && !(w->region && w->region->live))
        return;
    FOR_EACH_REGION(r)
        if (region_fn(r) != w->fn && r->addr && !r->live) {
            region_map(r, r->addr);
            msix_follow(region_fn(r));
        }
}

/* bridge-window-ignored: a flat bus: every bridge forwards everything, even
 * outside its windows and with its own MSE clear (crosvm, Xen vPCI and ACRN
 * ignore bridge writes; VMMs with no bridges at all). */
bool bridge_window_ignored(const struct sim_fn *bridge, uint64_t phys)
{
    (void)bridge, (void)phys;
    return true;
}
