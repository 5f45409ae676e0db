/* Hazard: a hypervisor with a flat bus lets a device answer outside its
 * bridge's window, or while the bridge's own decode is off (BUGS.md
 * bridge-window-ignored: crosvm, Xen vPCI, ACRN). Expect: with the bridge's
 * MSE off the device answers nowhere; after the bridge window and the BAR
 * move together it answers at the new address; a BAR placed outside the
 * window answers nowhere. */
#include "../../kernel/platform.h"
#include "relocation.h"

#define MIB 0x100000ull

/* the only decoding memory BAR inside [base, limit] behind the bridge must be t */
static bool alone_in_window(const struct bar_target *t, int bridge, uint64_t base, uint64_t limit)
{
    const struct pci_topology *pci = &platform()->pci;
    for (unsigned fn = 0; fn < pci->count; fn++) {
        const struct pci_function *f = &pci->functions[fn];
        for (unsigned b = 0; b < f->bar_count && f->upstream == bridge; b++) {
            const struct pci_bar *bar = &f->bars[b];
            bool inside = bar->size && bar->addr >= base && bar->addr <= limit;
            if (inside && (bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64) &&
                (fn != t->fn || b != t->bar_num))
                return false;
        }
        if (f->is_bridge && f->upstream == bridge)
            return false; /* a bridge below: its windows would need moving too */
    }
    return true;
}

/* memory window registers: bits 31:20 of base and limit in bits 15:4 */
static void window_steps(struct engine *e, int bridge, uint64_t base, uint64_t limit)
{
    engine_bridge_config(e, bridge, PCI_MEMORY_BASE, 2, (uint32_t)(base >> 16) & 0xfff0, "bridge: memory base");
    engine_bridge_config(e, bridge, PCI_MEMORY_LIMIT, 2, (uint32_t)(limit >> 16) & 0xfff0, "bridge: memory limit");
}

static bool build_bridge_window(struct engine *e, const struct bar_target *t, struct check_result *r)
{
    const struct pci_function *f = &platform()->pci.functions[t->fn];
    int bridge = f->upstream;
    if (bridge < 0) {
        check_skip(r, "not behind a bridge");
        return false;
    }
    const struct pci_window *w = &platform()->pci.functions[bridge].bridge.mem;
    if (w->closed || t->home < w->base || t->home > w->limit || !alone_in_window(t, bridge, w->base, w->limit)) {
        check_skip(r, "the BAR does not sit alone in its bridge's memory window");
        return false;
    }
    uint64_t span = w->limit - w->base + 1, moved, outside;
    struct addrmap_constraint below = addrmap_below_4g(), space = below;
    int upper = platform()->pci.functions[bridge].upstream;
    if (upper >= 0) { /* the moved window must still be forwarded by the bridge above */
        const struct pci_window *uw = &platform()->pci.functions[upper].bridge.mem;
        space = addrmap_in_bridge_window(uw->base, uw->limit);
    }
    if (span % MIB || !slot_take(span, &space, &moved) || !slot_take(t->size, &below, &outside)) {
        check_skip(r, "no free slot below 4 GiB for a 0x%llx-byte window", (unsigned long long)span);
        return false;
    }
    uint64_t to = moved + (t->home - w->base);
    engine_bridge_mse(e, bridge, false, "bridge: MSE off");
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, to, t->is64, false);
    window_steps(e, bridge, moved, moved + span - 1);
    engine_mse(e, 0, true, 2, "MSE on behind a dark bridge");
    engine_bridge_mse(e, bridge, true, "bridge: MSE on");
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, outside, t->is64, false);
    engine_mse(e, 0, true, 2, "MSE on outside the window");
    engine_mse(e, 0, false, 2, "MSE off");
    steps_write_bar(e, to, t->is64, false);
    engine_mse(e, 0, true, 2, "MSE on inside the window");
    engine_bridge_mse(e, bridge, false, "restore: bridge MSE off");
    window_steps(e, bridge, w->base, w->limit);
    engine_restore_steps(e, 0);
    engine_bridge_mse(e, bridge, true, "restore: bridge MSE on");
    return true;
}

BAR_CHECK(bridge_window, "bridge-window", CHECK_REQUIRED, TARGET_BEHIND_BRIDGE, build_bridge_window);
