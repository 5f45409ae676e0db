/* Hazard: every relocation check trusts the machine as found. If firmware
 * (or a hypervisor) left BARs overlapping, outside their bridge's window or
 * outside the host bridge's windows, a move could land on a live device and
 * its result would mean nothing. Expect none of that. The negative controls
 * are tests/host/test_pci_consistency.c's broken topologies. */
#include "../../drivers/pci_consistency.h"
#include "../../kernel/check.h"
#include "../../kernel/classes.h"
#include "../../kernel/platform.h"
#include "../../kernel/format.h"

struct problems {
    struct check_result *r;
    unsigned count;
};

static void record(void *ctx, const char *text)
{
    struct problems *p = ctx;
    char key[16];
    if (p->count < 8) { /* the first few are enough to act on */
        format(key, sizeof key, "problem_%u", p->count + 1);
        check_diag(p->r, key, "%s", text);
    }
    p->count++;
}

static void verdict(struct check_result *r, unsigned problems, const char *what)
{
    if (problems)
        check_fail(r, "%u %s", problems, what);
    else
        check_pass(r);
}

static bool have_topology(struct check_result *r)
{
    if (platform()->pci.count)
        return true;
    check_skip(r, "no PCI function found");
    return false;
}

/* two functions of one device enumerated with a memory BAR at the very same
 * base: config reads of one reached the other while firmware or the
 * enumeration sized them (kernel/classes.h OBS_IDENTITY, another function's) */
static bool siblings_share_a_base(const struct pci_topology *pci)
{
    for (unsigned a = 0; a < pci->count; a++)
        for (unsigned b = a + 1; b < pci->count; b++) {
            const struct pci_function *f = &pci->functions[a], *g = &pci->functions[b];
            if (!pci_same_device(f->bdf, g->bdf))
                continue;
            for (unsigned k = 0; k < f->bar_count && k < g->bar_count; k++)
                if ((f->bars[k].kind == PCI_BAR_MEM32 || f->bars[k].kind == PCI_BAR_MEM64) &&
                    f->bars[k].kind == g->bars[k].kind && f->bars[k].addr &&
                    f->bars[k].addr == g->bars[k].addr)
                    return true;
        }
    return false;
}

static void run_disjoint(unsigned i, struct check_result *r)
{
    (void)i;
    struct problems p = {r, 0};
    if (!have_topology(r))
        return;
    unsigned overlaps = pci_check_bars_disjoint(&platform()->pci, record, &p);
    verdict(r, overlaps, "overlapping BAR pairs");
    /* firmware's own overlaps are no hypervisor class: only this pattern is diagnosed */
    if (overlaps && siblings_share_a_base(&platform()->pci))
        check_diagnose(r, &(struct observation){.step = OBS_AS_FOUND, .what = OBS_IDENTITY, .sibling = true});
}

static void run_in_bridge_windows(unsigned i, struct check_result *r)
{
    (void)i;
    struct problems p = {r, 0};
    if (have_topology(r))
        verdict(r, pci_check_bars_in_bridge_windows(&platform()->pci, record, &p),
                "BARs outside their bridge's windows");
}

static void run_in_host_windows(unsigned i, struct check_result *r)
{
    (void)i;
    const struct acpi_info *a = &platform()->acpi;
    struct problems p = {r, 0};
    if (!have_topology(r))
        return;
    if (!platform()->acpi_found || a->window_count == 0) {
        check_skip(r, "the firmware describes no host bridge windows (_CRS)");
        return;
    }
    verdict(r, pci_check_inside_host_windows(&platform()->pci, a->windows, a->window_count, record, &p),
            "BARs or bridge windows outside the host bridge's _CRS windows");
}

CHECK(topology_bars_disjoint) = {.id = "topology-bars-disjoint", .run = run_disjoint};
CHECK(topology_bridge_windows) = {.id = "topology-bars-in-bridge-windows", .run = run_in_bridge_windows};
CHECK(topology_host_windows) = {.id = "topology-inside-host-windows", .run = run_in_host_windows};
