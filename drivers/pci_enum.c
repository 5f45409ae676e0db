/* Enumeration: depth-first from each root bus through type-1 bridges, as
 * firmware numbered the buses. Every walk is bounded: a bus is walked at
 * most once, a bridge must lead to a higher bus number, nesting and the
 * number of functions are capped. */
#include <stdarg.h>

#include "../kernel/format.h"
#include "pci.h"

#define DEVICES_PER_BUS 32
#define FUNCTIONS_PER_DEVICE 8

struct walk {
    struct pci_topology *out;
    void (*warn)(const char *text);
    struct pci_root visited[PCI_MAX_BUSES];
    unsigned visited_count;
};

static void say(void (*warn)(const char *), const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(void (*warn)(const char *), const char *fmt, ...)
{
    char text[200];
    va_list ap;
    if (!warn)
        return;
    va_start(ap, fmt);
    format_v(text, sizeof text, fmt, ap);
    va_end(ap);
    warn(text);
}

/* vendor 0xffff: nothing answers; 0x0000: some hypervisors' empty slots */
static bool function_present(struct pci_bdf f)
{
    uint16_t vendor = pci_cfg_read16(f, PCI_VENDOR_ID);
    return vendor != 0xffff && vendor != 0x0000;
}

static unsigned bar_count_for(uint8_t header_type)
{
    if (header_type == PCI_HEADER_NORMAL)
        return PCI_MAX_BARS;
    return header_type == PCI_HEADER_BRIDGE ? PCI_BRIDGE_BARS : 0;
}

static void read_identity(struct pci_bdf f, struct pci_function *out)
{
    uint32_t class_revision = pci_cfg_read32(f, PCI_CLASS_REVISION);
    uint8_t header = pci_cfg_read8(f, PCI_HEADER_TYPE);
    out->bdf = f;
    out->vendor = pci_cfg_read16(f, PCI_VENDOR_ID);
    out->device = pci_cfg_read16(f, PCI_DEVICE_ID);
    out->revision = (uint8_t)class_revision;
    out->class_code = class_revision >> 8;
    out->header_type = header & PCI_HEADER_TYPE_MASK;
    out->multifunction = (header & PCI_HEADER_MULTIFUNCTION) != 0;
    out->command = pci_cfg_read16(f, PCI_COMMAND);
    out->status = pci_cfg_read16(f, PCI_STATUS);
}

void pci_function_read(struct pci_bdf f, struct pci_function *out, void (*warn)(const char *))
{
    char name[16];
    *out = (struct pci_function){.upstream = PCI_NO_UPSTREAM};
    read_identity(f, out);
    pci_bdf_format(f, name, sizeof name);
    if (out->header_type > PCI_HEADER_CARDBUS) {
        say(warn, "%s: unknown header type 0x%02x, only its IDs are read", name, out->header_type);
        return;
    }
    out->bar_count = (uint8_t)bar_count_for(out->header_type);
    pci_bars_size(f, out->bars, out->bar_count, warn);
    out->is_bridge = out->header_type == PCI_HEADER_BRIDGE;
    if (out->is_bridge)
        pci_bridge_read(f, &out->bridge);
    pci_caps_read(f, out->header_type, out->status, &out->caps);
    if (out->caps.problem)
        say(warn, "%s: %s", name, out->caps.problem);
}

/* false when the bus was walked already or no room is left to remember it */
static bool mark_visited(struct walk *w, uint16_t segment, uint8_t bus)
{
    for (unsigned i = 0; i < w->visited_count; i++) {
        if (w->visited[i].segment == segment && w->visited[i].bus == bus) {
            say(w->warn, "segment 0x%04x bus 0x%02x reached twice, not walked again", segment, bus);
            return false;
        }
    }
    if (w->visited_count == PCI_MAX_BUSES) {
        say(w->warn, "segment 0x%04x bus 0x%02x: more than %u buses, not walked", segment, bus,
                PCI_MAX_BUSES);
        w->out->truncated = true;
        return false;
    }
    w->visited[w->visited_count++] = (struct pci_root){segment, bus};
    return true;
}

static void scan_bus(struct walk *w, uint16_t segment, uint8_t bus, int upstream, unsigned depth);

/* firmware numbers buses depth-first upwards: a secondary bus at or below
 * the bridge's own bus is a loop (or an unconfigured bridge), never a child */
static bool bridge_leads_down(struct walk *w, const struct pci_function *fn, unsigned depth)
{
    char name[16];
    const struct pci_bridge_info *b = &fn->bridge;
    pci_bdf_format(fn->bdf, name, sizeof name);
    if (b->secondary == 0 && b->subordinate == 0) {
        say(w->warn, "%s: bridge without bus numbers (secondary bus 0x00), not walked", name);
        return false;
    }
    if (b->secondary <= fn->bdf.bus) {
        say(w->warn, "%s: secondary bus 0x%02x is not above its own bus 0x%02x: a loop, not walked",
            name, b->secondary, fn->bdf.bus);
        return false;
    }
    if (depth + 1 >= PCI_MAX_BRIDGE_DEPTH) {
        say(w->warn, "%s: bridges nested deeper than %u, not walked", name, PCI_MAX_BRIDGE_DEPTH);
        return false;
    }
    if (b->subordinate < b->secondary)
        say(w->warn, "%s: subordinate bus 0x%02x below secondary bus 0x%02x", name,
            b->subordinate, b->secondary);
    return true;
}

static void add_function(struct walk *w, struct pci_bdf f, int upstream, unsigned depth)
{
    struct pci_topology *t = w->out;
    if (t->count == PCI_MAX_FUNCTIONS) {
        if (!t->truncated)
            say(w->warn, "more than %u functions: the rest are not recorded", PCI_MAX_FUNCTIONS);
        t->truncated = true;
        return;
    }
    int index = (int)t->count++;
    struct pci_function *fn = &t->functions[index];
    pci_function_read(f, fn, w->warn);
    fn->upstream = upstream;
    fn->depth = (uint8_t)depth;
    if (fn->is_bridge && bridge_leads_down(w, fn, depth))
        scan_bus(w, f.segment, fn->bridge.secondary, index, depth + 1);
}

/* functions 1-7 only when function 0 says multifunction: a single-function
 * device may answer (alias function 0) at every function number */
static void scan_device(struct walk *w, struct pci_bdf f, int upstream, unsigned depth)
{
    f.function = 0;
    if (!function_present(f))
        return;
    bool multi = (pci_cfg_read8(f, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNCTION) != 0;
    unsigned functions = multi ? FUNCTIONS_PER_DEVICE : 1;
    for (unsigned fn = 0; fn < functions; fn++) {
        f.function = (uint8_t)fn;
        if (fn == 0 || function_present(f))
            add_function(w, f, upstream, depth);
    }
}

static void scan_bus(struct walk *w, uint16_t segment, uint8_t bus, int upstream, unsigned depth)
{
    if (!mark_visited(w, segment, bus))
        return;
    for (unsigned dev = 0; dev < DEVICES_PER_BUS; dev++)
        scan_device(w, (struct pci_bdf){segment, bus, (uint8_t)dev, 0}, upstream, depth);
}

int pci_enumerate(const struct pci_root *roots, unsigned root_count, struct pci_topology *out,
                  void (*warn)(const char *))
{
    struct walk w = {.out = out, .warn = warn};
    out->count = 0;
    out->truncated = false;
    for (unsigned i = 0; i < root_count; i++)
        scan_bus(&w, roots[i].segment, roots[i].bus, PCI_NO_UPSTREAM, 0);
    return (int)out->count;
}
