/* What the kernel learns at boot (kernel/platform.h), built for the model:
 * the memory map and the ACPI facts of the machine the model describes
 * (sim_machine.h: ECAM, the APICs, the HPET, host bridge _CRS windows),
 * options from the simulator's command line, then enumeration and the
 * address map by the shared code, exactly as kernel/main.c does them. */
#include <string.h>

#include "../../drivers/machine_map.h"
#include "../../kernel/format.h"
#include "../../kernel/platform.h"
#include "sim_machine.h"
#include "sim_run.h"

#define DEFAULT_SEED 0x1234
#define GIB (1ull << 30)

static struct platform plat;
struct sim_machine sim_machine;
bool sim_hide_ram;

const struct platform *platform(void)
{
    return &plat;
}

struct platform *platform_rw(void)
{
    return &plat;
}

void sim_machine_add_memory(struct sim_machine *m, uint64_t base, uint64_t length, uint32_t type)
{
    if (m->memory_count < SIM_MACHINE_MAX_RANGES)
        m->memory[m->memory_count++] = (struct mem_range){base, length, type};
}

/* 40 physical address bits (QEMU's default CPU); _CRS: the 32-bit hole
 * around the ECAM and a 64-bit window above RAM */
void sim_machine_q35(struct sim_machine *m)
{
    memset(m, 0, sizeof *m);
    m->phys_bits = 40;
    sim_machine_add_memory(m, 0x0, 0x9fc00, MEM_RAM);
    sim_machine_add_memory(m, 0x9fc00, 0x400, MEM_RESERVED);
    sim_machine_add_memory(m, 0xf0000, 0x10000, MEM_RESERVED);
    sim_machine_add_memory(m, 0x100000, 0x7fee0000, MEM_RAM);
    sim_machine_add_memory(m, 0x7ffe0000, 0x20000, MEM_RESERVED);
    sim_machine_add_memory(m, 0xb0000000, 0x10000000, MEM_RESERVED); /* ECAM */
    sim_machine_add_memory(m, 0xfeffc000, 0x4000, MEM_RESERVED);
    sim_machine_add_memory(m, 0xfffc0000, 0x40000, MEM_RESERVED);    /* firmware */
    sim_machine_add_memory(m, 4 * GIB, 2 * GIB, MEM_RAM);
    m->ecam = (struct acpi_mcfg_entry){0xb0000000, 0, 0, 255};
    m->lapic = 0xfee00000;
    m->ioapic[0] = 0xfec00000;
    m->ioapic_count = 1;
    m->hpet = 0xfed00000;
    m->windows[0] = (struct acpi_window){0x80000000, 0xafffffff};
    m->windows[1] = (struct acpi_window){0xc0000000, 0xfebfffff};
    m->windows[2] = (struct acpi_window){0x180000000, 0x8ffffffff};
    m->window_count = 3;
    if (sim_hide_ram) /* the control: every slot above 4 GiB lands on RAM */
        m->hidden_ram = (struct mem_range){0x180000000, 0x780000000, MEM_RAM};
}

static void boot_info(const char *cmdline)
{
    plat.boot.protocol = 2;
    format(plat.boot.loader, sizeof plat.boot.loader, "barmove-sim");
    format(plat.boot.cmdline, sizeof plat.boot.cmdline, "%s", cmdline);
    plat.boot.range_count = sim_machine.memory_count;
    memcpy(plat.boot.ranges, sim_machine.memory, sim_machine.memory_count * sizeof(struct mem_range));
}

static void acpi_tables(void)
{
    struct acpi_info *a = &plat.acpi;
    plat.acpi_found = true;
    a->revision = 2;
    a->mcfg_entries[0] = sim_machine.ecam;
    a->mcfg_count = 1;
    a->window_count = sim_machine.window_count;
    memcpy(a->windows, sim_machine.windows, sim_machine.window_count * sizeof(struct acpi_window));
    a->lapic_base = sim_machine.lapic;
    for (unsigned i = 0; i < sim_machine.ioapic_count; i++)
        a->ioapic_base[i] = sim_machine.ioapic[i];
    a->ioapic_count = sim_machine.ioapic_count;
    a->hpet_base = sim_machine.hpet;
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
    machine_map_build(&plat.map, sim_machine.phys_bits, &plat.boot, &plat.acpi, plat.acpi_found,
                      &plat.pci, &plat.options, warn);
    return true;
}
