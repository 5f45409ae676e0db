/* The safety assertions (sim_safety.h), written from the PCI specs and the
 * machine description: BAR ranges from the registers (the 64-bit address
 * from both dwords, so the transient between two dword writes is what is
 * checked), bridge forwarding from the windows (PCI-PCI Bridge 1.2 §3.2.5),
 * independent of the decoder's policy (a mutant's MMIO map is its own). */
#include "sim_safety.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/pci.h"
#include "../../kernel/runner.h"
#include "sim_fault.h"
#include "sim_machine.h"

#define MAX_SPANS 8
#define MAX_FORBIDDEN (SIM_MACHINE_MAX_RANGES + 8)
#define MAX_PRINTED 8
#define GRANULE 0xfffffull

struct span {
    uint64_t first, last;
};

struct forbidden {
    struct span s;
    const char *what;
    bool sizing_may; /* a BAR holding a sizing value may decode here (the flash) */
};

static bool armed;
/* a BAR dword the guest last wrote with every address bit set (a sizing
 * value): from the written value, not the latched one, which for a 1 GiB BAR
 * at 0x2_c000_0000 is 0xc0000000 with every implemented bit set */
static bool sizing_dword[SIM_MAX_REGIONS][2];
static unsigned violations;
static struct forbidden forbidden[MAX_FORBIDDEN];
static unsigned forbidden_count;

static void forbid(uint64_t base, uint64_t size, const char *what, bool sizing_may)
{
    if (size && forbidden_count < MAX_FORBIDDEN) {
        uint64_t last = base + size - 1 < base ? UINT64_MAX : base + size - 1;
        forbidden[forbidden_count++] = (struct forbidden){{base, last}, what, sizing_may};
    }
}

void sim_safety_start(bool on)
{
    const struct sim_machine *m = &sim_machine;
    armed = on;
    violations = forbidden_count = 0;
    memset(sizing_dword, 0, sizeof sizing_dword);
    for (unsigned i = 0; i < m->memory_count; i++)
        if (m->memory[i].type == MEM_RAM)
            forbid(m->memory[i].base, m->memory[i].length, "RAM", false);
    forbid(m->hidden_ram.base, m->hidden_ram.length, "RAM the memory map hides", false);
    forbid(acpi_mcfg_first(&m->ecam), acpi_mcfg_last(&m->ecam) - acpi_mcfg_first(&m->ecam) + 1,
           "ECAM", false);
    forbid(m->lapic, SIM_LAPIC_SIZE, "LAPIC", false);
    for (unsigned i = 0; i < m->ioapic_count; i++)
        forbid(m->ioapic[i], SIM_IOAPIC_SIZE, "IOAPIC", false);
    forbid(m->hpet, SIM_HPET_SIZE, "HPET", false);
    forbid(SIM_FLASH_BASE, SIM_FLASH_LAST - SIM_FLASH_BASE + 1, "firmware flash", true);
}

static bool overlap(struct span a, struct span b)
{
    return a.first <= b.last && b.first <= a.last;
}

/* the windows bridge b forwards through (its MSE on): 0, 1 or 2 spans */
static unsigned bridge_windows(const struct sim_fn *b, struct span *w)
{
    unsigned n = 0;
    if (!(sim_cfg_get(b, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
        return 0;
    uint64_t base = (uint64_t)(sim_cfg_get(b, PCI_MEMORY_BASE, 2) & 0xfff0) << 16;
    uint64_t last = (uint64_t)(sim_cfg_get(b, PCI_MEMORY_LIMIT, 2) & 0xfff0) << 16 | GRANULE;
    if (base <= last)
        w[n++] = (struct span){base, last};
    uint32_t pb = sim_cfg_get(b, PCI_PREF_MEMORY_BASE, 2), pl = sim_cfg_get(b, PCI_PREF_MEMORY_LIMIT, 2);
    base = (uint64_t)(pb & 0xfff0) << 16;
    last = (uint64_t)(pl & 0xfff0) << 16 | GRANULE;
    if ((pb & 0xf) == 1) {
        base |= (uint64_t)sim_cfg_get(b, PCI_PREF_BASE_UPPER32, 4) << 32;
        last |= (uint64_t)sim_cfg_get(b, PCI_PREF_LIMIT_UPPER32, 4) << 32;
    }
    if (base <= last)
        w[n++] = (struct span){base, last};
    return n;
}

/* clips spans to what every bridge from `up` upwards forwards */
static unsigned forwarded(int up, struct span *s, unsigned n)
{
    for (unsigned depth = 0; up != SIM_NO_UPSTREAM && n && depth < SIM_MAX_FUNCTIONS; depth++) {
        struct span w[2], out[MAX_SPANS];
        unsigned nw = bridge_windows(&sim.fns[up], w), m = 0;
        for (unsigned i = 0; i < n; i++)
            for (unsigned k = 0; k < nw && m < MAX_SPANS; k++)
                if (overlap(s[i], w[k]))
                    out[m++] = (struct span){s[i].first > w[k].first ? s[i].first : w[k].first,
                                             s[i].last < w[k].last ? s[i].last : w[k].last};
        for (unsigned i = 0; i < m; i++)
            s[i] = out[i];
        n = m;
        up = sim.fns[up].upstream;
    }
    return n;
}

/* where region r decodes now: by its registers, its MSE and the bridges above */
static unsigned bar_decodes(const struct region *r, struct span *s)
{
    const struct sim_fn *f = &sim.fns[r->fn];
    if (!(sim_cfg_get(f, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
        return 0;
    uint64_t base = region_register(r);
    s[0] = (struct span){base, base + (r->size - 1) < base ? UINT64_MAX : base + (r->size - 1)};
    return forwarded(f->upstream, s, 1);
}

/* a bridge's windows as seen from its primary side (forwarded by the bridges above it) */
static unsigned window_decodes(const struct sim_fn *b, struct span *s)
{
    return forwarded(b->upstream, s, bridge_windows(b, s));
}

static bool below(const struct sim_fn *f, unsigned bridge)
{
    for (int up = f->upstream, d = 0; up != SIM_NO_UPSTREAM && d < SIM_MAX_FUNCTIONS;
         up = sim.fns[up].upstream, d++)
        if ((unsigned)up == bridge)
            return true;
    return false;
}

static char context[200];

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    if (violations++ >= MAX_PRINTED)
        return;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    printf(SIM_SAFETY_PREFIX "%s: %s\n", context, what);
}

static void name_bar(const struct region *r, char *buf, size_t size)
{
    struct pci_bdf b = sim.fns[r->fn].bdf;
    snprintf(buf, size, "%02x:%02x.%x BAR%u (0x%llx bytes)", b.bus, b.device, b.function, r->bar,
             (unsigned long long)r->size);
}

static bool sizing(const struct region *r)
{
    return sizing_dword[region_index(r)][0] || sizing_dword[region_index(r)][1];
}

/* a write to one of a BAR's dwords: does it leave a sizing value */
static void note_write(const struct sim_fn *f, uint16_t offset, unsigned width, uint32_t value)
{
    uint16_t dword = offset & ~3u;
    uint32_t shift = 8 * (offset & 3u), lanes = (width == 4 ? ~0u : (1u << 8 * width) - 1) << shift;
    uint32_t written = (sim_cfg_get(f, dword, 4) & ~lanes) | (value << shift & lanes);
    FOR_EACH_REGION(r) {
        uint16_t low = (uint16_t)(PCI_BAR0 + 4 * r->bar);
        if (&sim.fns[r->fn] != f || (dword != low && !(r->is64 && dword == low + 4)))
            continue;
        bool high = dword != low;
        sizing_dword[region_index(r)][high] = (written | (high ? 0 : 0xfu)) == 0xffffffffu;
    }
}

static void check_bar(const struct region *r, unsigned ri)
{
    struct span s[MAX_SPANS], o[MAX_SPANS];
    unsigned n = bar_decodes(r, s);
    bool sized = n && sizing(r);
    char name[64], other[64];
    name_bar(r, name, sizeof name);
    for (unsigned i = 0; i < n; i++)
        for (unsigned k = 0; k < forbidden_count; k++)
            if (overlap(s[i], forbidden[k].s) && !(sized && forbidden[k].sizing_may))
                report("%s decodes 0x%llx-0x%llx over %s 0x%llx-0x%llx", name,
                       (unsigned long long)s[i].first, (unsigned long long)s[i].last,
                       forbidden[k].what, (unsigned long long)forbidden[k].s.first,
                       (unsigned long long)forbidden[k].s.last);
    for (unsigned j = ri + 1; j < sim.region_count && n && !sized; j++) {
        const struct region *q = &sim.regions[j];
        unsigned m = bar_decodes(q, o);
        if (!m || sizing(q))
            continue;
        for (unsigned i = 0; i < n; i++)
            for (unsigned k = 0; k < m; k++)
                if (overlap(s[i], o[k])) {
                    name_bar(q, other, sizeof other);
                    report("%s at 0x%llx-0x%llx and %s at 0x%llx-0x%llx both decode", name,
                           (unsigned long long)s[i].first, (unsigned long long)s[i].last, other,
                           (unsigned long long)o[k].first, (unsigned long long)o[k].last);
                }
    }
}

/* an open, forwarding bridge window claims what a device outside it decodes */
static void check_windows(void)
{
    struct span w[MAX_SPANS], s[MAX_SPANS];
    char name[64];
    for (unsigned b = 0; b < sim.fn_count; b++) {
        unsigned nw = sim.fns[b].bridge ? window_decodes(&sim.fns[b], w) : 0;
        for (unsigned ri = 0; ri < sim.region_count && nw; ri++) {
            const struct region *r = &sim.regions[ri];
            unsigned n = below(&sim.fns[r->fn], b) ? 0 : bar_decodes(r, s);
            if (n && sizing(r))
                continue;
            name_bar(r, name, sizeof name);
            for (unsigned i = 0; i < n; i++)
                for (unsigned k = 0; k < nw; k++)
                    if (overlap(s[i], w[k]))
                        report("%s at 0x%llx-0x%llx lies in the window 0x%llx-0x%llx that bridge "
                               "%02x:%02x.%x forwards", name, (unsigned long long)s[i].first,
                               (unsigned long long)s[i].last, (unsigned long long)w[k].first,
                               (unsigned long long)w[k].last, sim.fns[b].bdf.bus,
                               sim.fns[b].bdf.device, sim.fns[b].bdf.function);
        }
    }
}

static void check_all(void)
{
    for (unsigned i = 0; i < sim.region_count; i++)
        check_bar(&sim.regions[i], i);
    check_windows();
}

void sim_safety_after_write(const struct sim_fn *f, uint16_t offset, unsigned width, uint32_t value)
{
    if (!armed)
        return;
    note_write(f, offset, width, value);
    const char *point = runner_current();
    snprintf(context, sizeof context, "%s%s%s, %s, write %02x:%02x.%x +0x%02x/%u = 0x%x",
             point[0] ? "check \"" : "", point[0] ? point : "outside any check",
             point[0] ? "\"" : "", sim_last_step(), f->bdf.bus, f->bdf.device, f->bdf.function,
             offset, width, value);
    check_all();
}

void sim_safety_check_initial(void)
{
    if (!armed)
        return;
    snprintf(context, sizeof context, "as firmware left the fabric");
    check_all();
}

void sim_safety_finish(void)
{
    if (armed)
        printf(SIM_SAFETY_SUMMARY "%u violations\n", violations);
}
