/* What the kernel learns at boot (kernel/platform.h), built for the model: a
 * q35-like memory map with 2 GiB below and 2 GiB above 4 GiB, ACPI as
 * SeaBIOS describes q35 (ECAM at 0xb0000000, the APICs, the HPET, host
 * bridge _CRS windows below and above 4 GiB), options from the simulator's
 * command line, then enumeration and the address map by the shared code,
 * exactly as kernel/main.c does them. */
#include <string.h>

#include "../../drivers/machine_map.h"
#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "sim_run.h"

#define PHYS_BITS 40 /* QEMU's default CPU */
#define DEFAULT_SEED 0x1234

static struct platform plat;

const struct platform *platform(void)
{
    return &plat;
}

struct platform *platform_rw(void)
{
    return &plat;
}

static const struct mem_range memory_map[] = {
    {0x0, 0x9fc00, MEM_RAM},
    {0x9fc00, 0x400, MEM_RESERVED},
    {0xf0000, 0x10000, MEM_RESERVED},
    {0x100000, 0x7fee0000, MEM_RAM},
    {0x7ffe0000, 0x20000, MEM_RESERVED},
    {0xb0000000, 0x10000000, MEM_RESERVED}, /* ECAM */
    {0xfeffc000, 0x4000, MEM_RESERVED},
    {0xfffc0000, 0x40000, MEM_RESERVED},    /* firmware */
    {0x100000000, 0x80000000, MEM_RAM},
};

/* _CRS memory windows: the 32-bit hole (around ECAM) and a 64-bit window above RAM */
static const struct acpi_window host_windows[] = {
    {0x80000000, 0xafffffff},
    {0xc0000000, 0xfebfffff},
    {0x180000000, 0x8ffffffff},
};

static void boot_info(const char *cmdline)
{
    plat.boot.protocol = 2;
    format(plat.boot.loader, sizeof plat.boot.loader, "barmove-sim");
    format(plat.boot.cmdline, sizeof plat.boot.cmdline, "%s", cmdline);
    plat.boot.range_count = sizeof memory_map / sizeof memory_map[0];
    memcpy(plat.boot.ranges, memory_map, sizeof memory_map);
}

static void acpi_tables(void)
{
    struct acpi_info *a = &plat.acpi;
    plat.acpi_found = true;
    a->revision = 2;
    a->mcfg_entries[0] = (struct acpi_mcfg_entry){0xb0000000, 0, 0, 255};
    a->mcfg_count = 1;
    a->window_count = sizeof host_windows / sizeof host_windows[0];
    memcpy(a->windows, host_windows, sizeof host_windows);
    a->lapic_base = 0xfee00000;
    a->ioapic_base[0] = 0xfec00000;
    a->ioapic_count = 1;
    a->hpet_base = 0xfed00000;
}

bool sim_platform_boot(const char *cmdline, void (*warn)(const char *text), char *err,
                       size_t err_size)
{
    static const struct pci_root root0 = {0, 0};
    memset(&plat, 0, sizeof plat);
    boot_info(cmdline);
    if (options_parse(plat.boot.cmdline, &plat.options, err, err_size) != 0)
        return false;
    if (!plat.options.seed_given)
        plat.options.seed = DEFAULT_SEED;
    prng_seed(&plat.prng, plat.options.seed);
    acpi_tables();
    pci_enumerate(&root0, 1, &plat.pci, warn);
    machine_map_build(&plat.map, PHYS_BITS, &plat.boot, &plat.acpi, plat.acpi_found, &plat.pci,
                      &plat.options, warn);
    return true;
}
