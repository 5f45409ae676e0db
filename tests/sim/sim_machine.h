/* The machine around the PCI fabric, as the model describes it (and serves
 * it: the memory map through the boot info, the ACPI tables through the
 * platform): RAM and reserved ranges, the ECAM, the APICs, the HPET, the
 * firmware flash and the host bridge's _CRS windows. The safety assertions
 * (sim_safety.c) take what a BAR must never decode over from here, never from
 * the kernel's own address map. The default is q35 as SeaBIOS describes it;
 * sim_random.c builds hostile ones. */
#ifndef BARMOVE_SIM_MACHINE_H
#define BARMOVE_SIM_MACHINE_H
#include <stdbool.h>
#include <stdint.h>

#include "../../drivers/acpi_tables.h"
#include "../../kernel/bootinfo.h"

#define SIM_MACHINE_MAX_RANGES 48
#define SIM_MACHINE_MAX_WINDOWS 8
#define SIM_LAPIC_SIZE 0x1000ull  /* one page (SDM vol. 3 §10.4.1) */
#define SIM_IOAPIC_SIZE 0x1000ull /* the register window's page */
#define SIM_HPET_SIZE 0x400ull    /* HPET 1.0a §2.3: 1 KiB of registers */
#define SIM_FLASH_BASE 0xff000000ull /* the top 16 MiB: SeaBIOS, OVMF flash */
#define SIM_FLASH_LAST 0xffffffffull

struct sim_machine {
    unsigned phys_bits;
    struct mem_range memory[SIM_MACHINE_MAX_RANGES]; /* the boot memory map, in loader order */
    unsigned memory_count;
    struct acpi_mcfg_entry ecam; /* bus range included: one segment */
    uint64_t lapic;
    uint64_t ioapic[2];
    unsigned ioapic_count;
    uint64_t hpet;
    struct acpi_window windows[SIM_MACHINE_MAX_WINDOWS]; /* _CRS memory windows */
    unsigned window_count;
    /* RAM the machine has and its memory map does not show (a lying
     * firmware): only the safety sweep's negative control has any */
    struct mem_range hidden_ram;
};

extern struct sim_machine sim_machine; /* the one the run serves */
extern bool sim_hide_ram; /* set before a run: q35 with its 64-bit window hidden RAM */

/* q35 with 2 GiB below and 2 GiB above 4 GiB, as SeaBIOS describes it */
void sim_machine_q35(struct sim_machine *m);
void sim_machine_add_memory(struct sim_machine *m, uint64_t base, uint64_t length, uint32_t type);

#endif
