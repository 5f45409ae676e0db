#include "machine_map.h"

#include "../kernel/format.h"

struct builder {
    struct addrmap *map;
    bool ok;
};

static void add(struct builder *b, uint64_t base, uint64_t end, enum addrmap_kind kind,
                uint32_t owner)
{
    if (base <= end && !addrmap_add(b->map, base, end, kind, owner))
        b->ok = false;
}

uint32_t machine_map_owner(unsigned function_index, unsigned bar_or_window)
{
    return (uint32_t)function_index << 8 | (bar_or_window & 0xff);
}

static void add_acpi(struct builder *b, const struct acpi_info *a)
{
    for (unsigned i = 0; i < a->mcfg_count; i++)
        add(b, acpi_mcfg_first(&a->mcfg_entries[i]), acpi_mcfg_last(&a->mcfg_entries[i]),
            ADDRMAP_ECAM, 0);
    if (a->lapic_base)
        add(b, a->lapic_base, a->lapic_base + LAPIC_SIZE - 1, ADDRMAP_LAPIC, 0);
    for (unsigned i = 0; i < a->ioapic_count; i++)
        add(b, a->ioapic_base[i], a->ioapic_base[i] + IOAPIC_SIZE - 1, ADDRMAP_IOAPIC, 0);
    if (a->hpet_base)
        add(b, a->hpet_base, a->hpet_base + HPET_SIZE - 1, ADDRMAP_HPET, 0);
    for (unsigned i = 0; i < a->window_count; i++)
        add(b, a->windows[i].base, a->windows[i].end, ADDRMAP_WINDOW, 0);
}

/* without an MADT the architectural defaults still stand: never place a BAR
 * there; and the top 16 MiB below 4 GiB hold the firmware flash (SeaBIOS at
 * 0xfffc0000, OVMF from 0xffc00000), which no memory map describes. Keeping
 * it used also keeps every slot's low dword below all-ones, which a device
 * would take for a sizing value. */
static void add_architectural(struct builder *b)
{
    add(b, 0xFEE00000, 0xFEE00000 + LAPIC_SIZE - 1, ADDRMAP_LAPIC, 0);
    add(b, 0xFEC00000, 0xFEC00000 + IOAPIC_SIZE - 1, ADDRMAP_IOAPIC, 0);
    add(b, 0xFF000000, 0xFFFFFFFF, ADDRMAP_FIRMWARE, 0);
}

static void add_function(struct builder *b, unsigned index, const struct pci_function *f)
{
    for (unsigned n = 0; n < f->bar_count; n++) {
        const struct pci_bar *bar = &f->bars[n];
        bool memory = bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64;
        /* assigned BARs count even while dark: firmware may switch them on */
        if (memory && bar->addr && bar->size)
            add(b, bar->addr, bar->addr + (bar->size - 1), ADDRMAP_BAR, machine_map_owner(index, n));
    }
    if (!f->is_bridge)
        return;
    const struct pci_window *w[2] = {&f->bridge.mem, &f->bridge.pref};
    for (unsigned k = 0; k < 2; k++)
        if (!w[k]->closed)
            add(b, w[k]->base, w[k]->limit, ADDRMAP_BRIDGE_WINDOW, machine_map_owner(index, 0xff));
}

bool machine_map_build(struct addrmap *map, unsigned phys_bits, const struct bootinfo *boot,
                       const struct acpi_info *acpi, bool acpi_found, const struct pci_topology *pci,
                       const struct options *opt, void (*warn)(const char *text))
{
    struct builder b = {map, true};
    addrmap_init(map, phys_bits);
    if (!addrmap_add_memory_map(map, boot->ranges, boot->range_count))
        b.ok = false;
    add_architectural(&b);
    if (acpi_found)
        add_acpi(&b, acpi);
    for (unsigned i = 0; i < pci->count; i++)
        add_function(&b, i, &pci->functions[i]);
    for (unsigned i = 0; i < opt->window_count; i++)
        add(&b, opt->windows[i].base, opt->windows[i].end, ADDRMAP_WINDOW, 0);
    if (!b.ok) {
        if (warn)
            warn("address map full: no test slot will be offered");
        addrmap_init(map, phys_bits); /* an incomplete map could offer a slot over a device */
    }
    return b.ok;
}

struct printer {
    void (*line)(const char *text);
};

static void print_one(void *ctx, uint64_t first, uint64_t last)
{
    struct printer *p = ctx;
    char text[96];
    format(text, sizeof text, "free 0x%016llx-0x%016llx", (unsigned long long)first,
           (unsigned long long)last);
    p->line(text);
}

void machine_map_print_free(const struct addrmap *map, void (*line)(const char *text))
{
    struct printer p = {line};
    struct addrmap_constraint any = addrmap_anywhere();
    if (addrmap_for_each_free(map, &any, print_one, &p) == 0)
        line("free: none (no host bridge window described; add window=BASE-END)");
}
