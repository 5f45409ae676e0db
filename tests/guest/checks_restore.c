/* Hazard: a run that leaves a BAR elsewhere, or decode changed, or a probe
 * register altered, hands the next user (or the next boot stage) a broken
 * machine. Runs after every other check. Expect: every BAR and COMMAND as
 * firmware left them, every probed device answering there, and each probe
 * register given back its original value. */
#include "../../kernel/platform.h"
#include "relocation.h"

#define COMMAND_BITS (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)

/* some check writes fn: it has a target BAR, or is a bridge above one */
static bool written_by_checks(unsigned fn)
{
    unsigned count;
    const struct bar_target *all = relocation_targets(&count);
    const struct pci_topology *pci = &platform()->pci;
    for (unsigned k = 0; k < count; k++) {
        if (all[k].fn == fn)
            return true;
        for (int up = pci->functions[all[k].fn].upstream, hops = 0; up >= 0 && hops < PCI_MAX_BRIDGE_DEPTH;
             up = pci->functions[up].upstream, hops++)
            if ((unsigned)up == fn)
                return true;
    }
    return false;
}

/* a register of f reads otherwise than firmware left it after every check
 * put it back: the observation (kernel/classes.h) of what was seen */
static void diagnose_register(const struct pci_function *f, struct check_result *r)
{
    const struct pci_topology *pci = &platform()->pci;
    unsigned fn = (unsigned)(f - pci->functions);
    struct observation o = {.step = OBS_AFTER, .what = OBS_READBACK};
    o.decode = f->command & PCI_COMMAND_MEMORY;
    o.other = !written_by_checks(fn);
    for (unsigned g = 0; g < pci->count && o.other && !o.sibling; g++) {
        struct pci_bdf b = pci->functions[g].bdf;
        o.sibling = g != fn && pci_same_device(b, f->bdf) && written_by_checks(g);
    }
    check_diagnose(r, &o);
}

static unsigned check_function(const struct pci_function *f, struct check_result *r)
{
    unsigned problems = 0;
    uint16_t cmd = pci_cfg_read16(f->bdf, PCI_COMMAND);
    char name[32];
    if ((cmd & COMMAND_BITS) != (f->command & COMMAND_BITS)) {
        pci_bdf_format(f->bdf, name, sizeof name);
        check_fail(r, "%s COMMAND reads 0x%04x, firmware left 0x%04x", name, cmd, f->command);
        diagnose_register(f, r);
        problems++;
    }
    for (unsigned b = 0; b < f->bar_count; b++) {
        const struct pci_bar *bar = &f->bars[b];
        if (bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64)
            continue;
        uint64_t now = pci_bar_get_addr(f->bdf, b);
        if (now != bar->addr) {
            pci_bar_describe(f, b, name, sizeof name);
            check_fail(r, "%s reads 0x%016llx, firmware left 0x%016llx", name,
                       (unsigned long long)now, (unsigned long long)bar->addr);
            diagnose_register(f, r);
            problems++;
        }
    }
    return problems;
}

static unsigned check_target(struct bar_target *t, struct check_result *r)
{
    uint64_t seen = 0;
    char name[32];
    if (t->probe.type->strength == PROBE_NONE || !t->probe.planted)
        return 0;
    pci_bar_describe(&platform()->pci.functions[t->fn], t->bar_num, name, sizeof name);
    /* the restore check writes nothing before it looks: what it finds, earlier checks left */
    struct observation o = {.step = OBS_AS_FOUND, .what = OBS_NOWHERE, .decode = true,
                            .probe = engine_probe_kind(&t->probe)};
    if (!probe_look(&t->probe, t->home, &seen)) {
        check_fail(r, "%s does not answer at its firmware address 0x%016llx", name,
                   (unsigned long long)t->home);
        check_diagnose(r, &o);
        return 1;
    }
    if (!probe_restore(&t->probe, t->home)) {
        check_fail(r, "%s: the probe register did not take its original value back", name);
        o.what = OBS_CONTENTS_LOST; /* what the guest wrote there is gone */
        check_diagnose(r, &o);
        return 1;
    }
    return 0;
}

static void run_restore(unsigned i, struct check_result *r)
{
    (void)i;
    unsigned count, problems = 0;
    const struct pci_topology *pci = &platform()->pci;
    struct bar_target *targets = (struct bar_target *)relocation_targets(&count);
    for (unsigned k = 0; k < count; k++)
        problems += check_target(&targets[k], r);
    for (unsigned fn = 0; fn < pci->count; fn++)
        problems += check_function(&pci->functions[fn], r);
    check_diag(r, "problems", "%u", problems);
    if (!problems) {
        check_pass(r);
        return;
    }
    for (unsigned fn = 0; fn < pci->count; fn++) /* whatever went wrong, leave as found */
        relocation_put_back(fn);
}

CHECK(restore) = {.id = "restore", .level = CHECK_REQUIRED, .last = true, .run = run_restore};
