/* The machine's address map as barmove sees it (DESIGN §4 Safety): RAM and
 * reserved ranges from the memory map, ECAM, LAPIC, IOAPICs, HPET, every
 * assigned BAR and open bridge window, and the free MMIO windows from the
 * host bridge's _CRS plus the user's window= options. */
#ifndef BARMOVE_MACHINE_MAP_H
#define BARMOVE_MACHINE_MAP_H
#include "../kernel/bootinfo.h"
#include "../kernel/options.h"
#include "acpi_tables.h"
#include "addrmap.h"
#include "pci.h"

#define LAPIC_SIZE 0x1000
#define IOAPIC_SIZE 0x1000
#define HPET_SIZE 0x400

/* owner tags: function index << 8 | BAR number (BAR) or 0xff (bridge window) */
uint32_t machine_map_owner(unsigned function_index, unsigned bar_or_window);

/* false (with a message through warn) when the map overflowed: then nothing is free */
bool machine_map_build(struct addrmap *map, unsigned phys_bits, const struct bootinfo *boot,
                       const struct acpi_info *acpi, bool acpi_found, const struct pci_topology *pci,
                       const struct options *opt, void (*warn)(const char *text));
/* "free 0x...-0x..." lines for the listing */
void machine_map_print_free(const struct addrmap *map, void (*line)(const char *text));

#endif
