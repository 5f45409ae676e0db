/* ACPI table parsing (hardware-free: shared by the kernel and host tests).
 * Every table is validated before use: signature, length bounds, checksum.
 * A bad table is reported through warn() and ignored, never trusted. */
#ifndef BARMOVE_ACPI_TABLES_H
#define BARMOVE_ACPI_TABLES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../kernel/bootinfo.h"

#define ACPI_MAX_TABLE_LENGTH (4u << 20) /* no real table is larger; a bigger length is corrupt */

struct acpi_info {
    uint64_t rsdp;          /* physical address, 0 if it came from a boot-loader copy */
    unsigned revision;
    uint64_t root;          /* XSDT (revision >= 2) or RSDT */
    bool root_is_xsdt;
    uint64_t fadt, dsdt, madt, mcfg, hpet; /* 0 = absent or rejected */
    uint16_t pm_timer_port; /* 0 = none */
    bool pm_timer_32bit;
    uint16_t pm1a_cnt, pm1b_cnt;
    bool s5_found;
    uint8_t slp_typa, slp_typb;
};

typedef void (*acpi_warn_fn)(const char *message);

bool acpi_checksum_ok(const uint8_t *bytes, size_t len);
/* offset of a valid RSDP in bytes[0..len) searched on 16-byte boundaries, or -1 */
long acpi_scan_rsdp(const uint8_t *bytes, size_t len);
/* parses from an RSDP (copied bytes, rsdp_phys may be 0); 0 on success, -1 if nothing usable */
int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, uint64_t rsdp_phys, phys_reader_fn read,
               void *ctx, acpi_warn_fn warn, struct acpi_info *out);
/* SLP_TYPa/b of \_S5 from AML bytes (DSDT body); false if not found */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb);

#endif
