#include "pci_consistency.h"

#include "../kernel/format.h"

static void reportf(pci_report_fn report, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reportf(pci_report_fn report, void *ctx, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    format_v(text, sizeof text, fmt, ap);
    va_end(ap);
    report(ctx, text);
}

bool pci_bar_decodes(const struct pci_function *fn, const struct pci_bar *bar)
{
    return (bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64) && bar->addr != 0 &&
           bar->size != 0 && (fn->command & PCI_COMMAND_MEMORY);
}

static uint64_t bar_last(const struct pci_bar *b)
{
    return b->addr + (b->size - 1);
}

static bool ranges_overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 <= b1 && b0 <= a1;
}

static unsigned compare_with_later(const struct pci_topology *t, unsigned i, unsigned b,
                                   pci_report_fn report, void *ctx)
{
    const struct pci_function *f = &t->functions[i];
    const struct pci_bar *x = &f->bars[b];
    unsigned problems = 0;
    for (unsigned j = i; j < t->count; j++) {
        const struct pci_function *g = &t->functions[j];
        for (unsigned c = (j == i ? b + 1 : 0); c < g->bar_count; c++) {
            const struct pci_bar *y = &g->bars[c];
            if (!pci_bar_decodes(g, y) || !ranges_overlap(x->addr, bar_last(x), y->addr, bar_last(y)))
                continue;
            char nx[24], ny[24];
            pci_bar_describe(f, b, nx, sizeof nx);
            pci_bar_describe(g, c, ny, sizeof ny);
            reportf(report, ctx, "%s at 0x%016llx overlaps %s at 0x%016llx", nx,
                    (unsigned long long)x->addr, ny, (unsigned long long)y->addr);
            problems++;
        }
    }
    return problems;
}

unsigned pci_check_bars_disjoint(const struct pci_topology *t, pci_report_fn report, void *ctx)
{
    unsigned problems = 0;
    for (unsigned i = 0; i < t->count; i++)
        for (unsigned b = 0; b < t->functions[i].bar_count; b++)
            if (pci_bar_decodes(&t->functions[i], &t->functions[i].bars[b]))
                problems += compare_with_later(t, i, b, report, ctx);
    return problems;
}

static bool bridge_forwards(const struct pci_function *bridge, const struct pci_bar *bar)
{
    const struct pci_bridge_info *w = &bridge->bridge;
    if (pci_window_covers(&w->mem, bar->addr, bar->size))
        return true;
    return bar->prefetchable && pci_window_covers(&w->pref, bar->addr, bar->size);
}

static unsigned check_upstream_chain(const struct pci_topology *t, const struct pci_function *f,
                                     unsigned b, pci_report_fn report, void *ctx)
{
    unsigned problems = 0, hops = 0;
    for (int up = f->upstream; up >= 0 && (unsigned)up < t->count && hops < PCI_MAX_BRIDGE_DEPTH;
         up = t->functions[up].upstream, hops++) {
        const struct pci_function *bridge = &t->functions[up];
        if (bridge_forwards(bridge, &f->bars[b]))
            continue;
        char nb[24], nbr[24];
        pci_bar_describe(f, b, nb, sizeof nb);
        pci_bdf_format(bridge->bdf, nbr, sizeof nbr);
        reportf(report, ctx, "%s at 0x%016llx size 0x%llx is outside the windows of bridge %s", nb,
                (unsigned long long)f->bars[b].addr, (unsigned long long)f->bars[b].size, nbr);
        problems++;
    }
    return problems;
}

unsigned pci_check_bars_in_bridge_windows(const struct pci_topology *t, pci_report_fn report,
                                          void *ctx)
{
    unsigned problems = 0;
    for (unsigned i = 0; i < t->count; i++) {
        const struct pci_function *f = &t->functions[i];
        for (unsigned b = 0; b < f->bar_count; b++)
            if (pci_bar_decodes(f, &f->bars[b]))
                problems += check_upstream_chain(t, f, b, report, ctx);
    }
    return problems;
}

static bool inside_any(const struct acpi_window *w, unsigned n, uint64_t first, uint64_t last)
{
    for (unsigned i = 0; i < n; i++)
        if (w[i].base <= first && last <= w[i].end)
            return true;
    return false;
}

static unsigned check_bridge_windows_in_host(const struct pci_function *f,
                                             const struct acpi_window *w, unsigned n,
                                             pci_report_fn report, void *ctx)
{
    const struct pci_window *mine[2] = {&f->bridge.mem, &f->bridge.pref};
    unsigned problems = 0;
    for (unsigned k = 0; k < 2; k++) {
        if (mine[k]->closed || inside_any(w, n, mine[k]->base, mine[k]->limit))
            continue;
        char name[24];
        pci_bdf_format(f->bdf, name, sizeof name);
        reportf(report, ctx, "bridge %s %s window 0x%016llx-0x%016llx is outside the host bridge's _CRS windows",
                name, k ? "prefetchable" : "memory", (unsigned long long)mine[k]->base,
                (unsigned long long)mine[k]->limit);
        problems++;
    }
    return problems;
}

unsigned pci_check_inside_host_windows(const struct pci_topology *t, const struct acpi_window *w,
                                       unsigned window_count, pci_report_fn report, void *ctx)
{
    unsigned problems = 0;
    for (unsigned i = 0; i < t->count; i++) {
        const struct pci_function *f = &t->functions[i];
        if (f->is_bridge && f->upstream == PCI_NO_UPSTREAM)
            problems += check_bridge_windows_in_host(f, w, window_count, report, ctx);
        if (f->upstream != PCI_NO_UPSTREAM)
            continue; /* behind a bridge: the bridge's window is what must fit */
        for (unsigned b = 0; b < f->bar_count; b++) {
            const struct pci_bar *bar = &f->bars[b];
            if (!pci_bar_decodes(f, bar) || inside_any(w, window_count, bar->addr, bar_last(bar)))
                continue;
            char name[24];
            pci_bar_describe(f, b, name, sizeof name);
            reportf(report, ctx, "%s at 0x%016llx size 0x%llx is outside the host bridge's _CRS windows",
                    name, (unsigned long long)bar->addr, (unsigned long long)bar->size);
            problems++;
        }
    }
    return problems;
}
