/* Finds the firmware's ACPI tables: the RSDP from the multiboot2 tags (OVMF
 * gives it only there) or by scanning the EBDA and 0xE0000-0xFFFFF. */
#ifndef BARMOVE_ACPI_H
#define BARMOVE_ACPI_H
#include "../kernel/bootinfo.h"
#include "acpi_tables.h"

/* 0 on success; warnings (rejected tables) go to warn; read NULL reads
 * physical memory (another reader: kernel/hostile_selftests.c corrupts a copy) */
int acpi_init(const struct bootinfo *bi, phys_reader_fn read, acpi_warn_fn warn, struct acpi_info *out);

#endif
