/* What the kernel learned at boot, for the checks that need it. */
#ifndef BARMOVE_PLATFORM_H
#define BARMOVE_PLATFORM_H
#include <stdbool.h>

#include "../drivers/acpi_tables.h"
#include "../drivers/addrmap.h"
#include "../drivers/pci.h"
#include "bootinfo.h"
#include "options.h"
#include "prng.h"
#include "unmapped.h"

struct platform {
    struct bootinfo boot;
    struct options options;
    struct acpi_info acpi;
    bool acpi_found;
    struct prng prng;
    struct pci_topology pci; /* as found at boot (firmware's addresses) */
    struct addrmap map;      /* used and free address space; checks reserve their slots here */
    struct unmapped_read unmapped; /* what a read nothing decodes returns, learned at start */
};

const struct platform *platform(void);
/* for checks that reserve slots (map) and draw from the seeded PRNG */
struct platform *platform_rw(void);

#endif
