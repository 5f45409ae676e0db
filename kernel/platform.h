/* What the kernel learned at boot, for the checks that need it. */
#ifndef BARMOVE_PLATFORM_H
#define BARMOVE_PLATFORM_H
#include <stdbool.h>

#include "../drivers/acpi_tables.h"
#include "../drivers/pci.h"
#include "bootinfo.h"
#include "options.h"
#include "prng.h"

struct platform {
    struct bootinfo boot;
    struct options options;
    struct acpi_info acpi;
    bool acpi_found;
    struct prng prng;
    struct pci_topology pci; /* as found at boot (firmware's addresses) */
};

const struct platform *platform(void);

#endif
