/* The topology listing (like lspci -tv, plus BARs, windows and the
 * capabilities the checks use) and the names checks give test points. */
#include <stdarg.h>

#include "../kernel/format.h"
#include "pci.h"

#define INDENT_PER_BRIDGE 4

struct line_buf {
    char text[200];
    size_t len;
};

static void append(struct line_buf *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct line_buf *l, const char *fmt, ...)
{
    va_list ap;
    if (l->len >= sizeof l->text - 1)
        return;
    va_start(ap, fmt);
    int n = format_v(l->text + l->len, sizeof l->text - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n < sizeof l->text - l->len ? (size_t)n : sizeof l->text - 1 - l->len;
}

static void start_line(struct line_buf *l, unsigned indent)
{
    l->len = 0;
    l->text[0] = '\0';
    append(l, "%*s", (int)indent, "");
}

void pci_bdf_format(struct pci_bdf f, char *buf, size_t size)
{
    if (f.segment)
        format(buf, size, "%04x:%02x:%02x.%x", f.segment, f.bus, f.device, f.function);
    else
        format(buf, size, "%02x:%02x.%x", f.bus, f.device, f.function);
}

void pci_bar_describe(const struct pci_function *fn, unsigned bar_num, char *buf, size_t size)
{
    char name[16];
    pci_bdf_format(fn->bdf, name, sizeof name);
    format(buf, size, "%s BAR%u", name, bar_num);
}

const char *pci_bar_kind_name(enum pci_bar_kind kind)
{
    switch (kind) {
    case PCI_BAR_UNUSED: return "unused";
    case PCI_BAR_IO: return "io";
    case PCI_BAR_MEM32: return "mem32";
    case PCI_BAR_MEM64: return "mem64";
    case PCI_BAR_MEM64_UPPER: return "mem64-upper";
    case PCI_BAR_INVALID: return "invalid";
    }
    return "?";
}

void pci_size_human(uint64_t size, char *buf, size_t size_of_buf)
{
    static const char units[] = "BKMGTPE";
    unsigned unit = 0;
    while (units[unit + 1] && size >= 1024 && size % 1024 == 0) {
        size /= 1024;
        unit++;
    }
    format(buf, size_of_buf, "%llu%c", (unsigned long long)size, units[unit]);
}

static const char *pcie_type_name(uint8_t type)
{
    switch (type) {
    case PCI_EXP_TYPE_ENDPOINT: return "endpoint";
    case PCI_EXP_TYPE_LEGACY_ENDPOINT: return "legacy-endpoint";
    case PCI_EXP_TYPE_ROOT_PORT: return "root-port";
    case PCI_EXP_TYPE_UPSTREAM: return "upstream-port";
    case PCI_EXP_TYPE_DOWNSTREAM: return "downstream-port";
    case PCI_EXP_TYPE_PCIE_TO_PCI: return "pcie-to-pci";
    case PCI_EXP_TYPE_ROOT_INTEGRATED: return "root-integrated";
    }
    return "other";
}

static void print_function_line(const struct pci_function *fn, void (*line)(const char *))
{
    struct line_buf l;
    char name[16];
    pci_bdf_format(fn->bdf, name, sizeof name);
    start_line(&l, fn->depth * INDENT_PER_BRIDGE);
    append(&l, "%s %04x:%04x class %06x", name, fn->vendor, fn->device, fn->class_code);
    if (fn->is_bridge)
        append(&l, " bridge [%02x-%02x]", fn->bridge.secondary, fn->bridge.subordinate);
    else if (fn->header_type == PCI_HEADER_CARDBUS)
        append(&l, " cardbus (not walked)");
    else if (fn->header_type != PCI_HEADER_NORMAL)
        append(&l, " header type 0x%02x", fn->header_type);
    line(l.text);
}

static void print_bar(const struct pci_function *fn, const struct pci_bar *bar,
                      void (*line)(const char *))
{
    struct line_buf l;
    start_line(&l, fn->depth * INDENT_PER_BRIDGE + 2);
    append(&l, "BAR%u %s%s", bar->index, pci_bar_kind_name(bar->kind),
           bar->prefetchable ? " pref" : "");
    if (bar->size) {
        char human[16];
        pci_size_human(bar->size, human, sizeof human);
        append(&l, " size 0x%llx (%s)", (unsigned long long)bar->size, human);
    }
    append(&l, " @0x%016llx", (unsigned long long)bar->addr);
    if (bar->problem)
        append(&l, ": %s", bar->problem);
    line(l.text);
}

static void print_window(unsigned indent, const char *name, const struct pci_window *w,
                         void (*line)(const char *))
{
    struct line_buf l;
    start_line(&l, indent);
    append(&l, "window %s", name);
    if (w->closed)
        append(&l, " closed");
    else
        append(&l, " 0x%016llx-0x%016llx", (unsigned long long)w->base,
               (unsigned long long)w->limit);
    line(l.text);
}

static void print_windows(const struct pci_function *fn, void (*line)(const char *))
{
    const struct pci_bridge_info *b = &fn->bridge;
    unsigned indent = fn->depth * INDENT_PER_BRIDGE + 2;
    print_window(indent, b->io.bits == 32 ? "io32" : "io", &b->io, line);
    print_window(indent, "mem", &b->mem, line);
    print_window(indent, b->pref.bits == 64 ? "pref64" : "pref", &b->pref, line);
}

static bool has_caps(const struct pci_caps *c)
{
    return c->msi || c->msix || c->pcie || c->vendor_count || c->problem;
}

static void print_caps(const struct pci_function *fn, void (*line)(const char *))
{
    const struct pci_caps *c = &fn->caps;
    struct line_buf l;
    start_line(&l, fn->depth * INDENT_PER_BRIDGE + 2);
    append(&l, "caps");
    if (c->msi)
        append(&l, " msi@0x%02x", c->msi);
    if (c->msix)
        append(&l, " msix@0x%02x", c->msix);
    if (c->pcie)
        append(&l, " pcie@0x%02x %s", c->pcie, pcie_type_name(c->pcie_type));
    for (unsigned i = 0; i < c->vendor_count; i++)
        append(&l, "%s0x%02x", i ? "," : " vendor@", c->vendor[i]);
    if (c->problem)
        append(&l, ": %s", c->problem);
    line(l.text);
}

static void print_msix(const struct pci_function *fn, void (*line)(const char *))
{
    const struct pci_msix_info *m = &fn->caps.msix_info;
    struct line_buf l;
    start_line(&l, fn->depth * INDENT_PER_BRIDGE + 2);
    append(&l, "msix %u vectors table BAR%u+0x%x pba BAR%u+0x%x", m->table_size, m->table_bir,
           m->table_offset, m->pba_bir, m->pba_offset);
    line(l.text);
}

static void print_function(const struct pci_function *fn, void (*line)(const char *))
{
    print_function_line(fn, line);
    for (unsigned n = 0; n < fn->bar_count; n++) {
        const struct pci_bar *bar = &fn->bars[n];
        if (bar->kind != PCI_BAR_UNUSED && bar->kind != PCI_BAR_MEM64_UPPER)
            print_bar(fn, bar, line);
    }
    if (fn->is_bridge)
        print_windows(fn, line);
    if (has_caps(&fn->caps))
        print_caps(fn, line);
    if (fn->caps.msix)
        print_msix(fn, line);
}

/* the array is depth-first, so the tree is a single pass indented by depth */
void pci_print_topology(const struct pci_topology *t, void (*line)(const char *))
{
    for (unsigned i = 0; i < t->count; i++)
        print_function(&t->functions[i], line);
    if (t->truncated)
        line("(more functions or buses than recorded: listing incomplete)");
}
