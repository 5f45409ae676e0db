/* Real ACPI tables for host tests: "acpi-dump" fixtures (captured by
 * scripts/capture-fixtures.sh, format in drivers/acpi_tables.h) replayed as
 * fake physical memory (tests/host/bootinfo_fake.h), parsed, and mutated in
 * place to make malformed variants of real tables. */
#ifndef BARMOVE_HOST_TEST_ACPI_FIXTURE_H
#define BARMOVE_HOST_TEST_ACPI_FIXTURE_H
#include <stddef.h>
#include <stdint.h>

#include "../../drivers/acpi_tables.h"
#include "bootinfo_fake.h"

struct acpi_fixture {
    struct fake_phys mem;
    uint64_t rsdp;       /* from the "acpi-dump rsdp" line; 0 = the boot loader's copy */
    char end[128];       /* text after "acpi-dump end " */
    char warnings[4096]; /* every warning of the last parse, one a line */
    struct acpi_info info;
};

/* Loads tests/host/fixtures/NAME into f (freshly initialised); 0, or -1 (and a
 * failed expectation) if it is missing or malformed. */
int acpi_fixture_load(struct acpi_fixture *f, const char *name);
void acpi_fixture_free(struct acpi_fixture *f);
/* Parses the loaded memory from the fixture's RSDP into f->info, collecting
 * warnings in f->warnings; returns what acpi_parse returns (-2: no RSDP). */
int acpi_fixture_parse(struct acpi_fixture *f);

/* Writable bytes of the loaded memory at [phys, phys + len), or NULL. */
uint8_t *acpi_fixture_bytes(struct acpi_fixture *f, uint64_t phys, size_t len);
/* The table at phys (its length from its header), writable; NULL if absent. */
uint8_t *acpi_fixture_table(struct acpi_fixture *f, uint64_t phys, uint32_t *len);
/* Physical address of the first table with this signature in the root (the
 * DSDT through the FADT), 0 if none. Needs a parse first. */
uint64_t acpi_fixture_find(struct acpi_fixture *f, const char *sig);
/* Recomputes the checksum of the table at phys after a mutation. */
void acpi_fixture_fix_checksum(struct acpi_fixture *f, uint64_t phys);

/* Copies a table into a new segment of the loaded memory (above the RAM of
 * the capture) and returns its address. */
uint64_t acpi_fixture_place(struct acpi_fixture *f, const void *table, uint32_t len);
/* Makes a new root (same kind) whose entry for the table with signature sig
 * points at phys instead, or with phys appended when sig is NULL, and points
 * the RSDP at it (checksums fixed): a table swapped or added in a real set. */
void acpi_fixture_set_root_entry(struct acpi_fixture *f, const char *sig, uint64_t phys);
/* A table header with a signature and length, checksum fixed by the caller. */
void acpi_fixture_header(uint8_t *t, const char *sig, uint32_t len);

/* true if the window [base, end] was found */
int acpi_has_window(const struct acpi_info *a, uint64_t base, uint64_t end);

#endif
