/* ACPI table parsing (hardware-free: shared by the kernel and host tests).
 * Every table is validated before use: signature, length bounds, checksum.
 * A bad table, or a bad entry inside a good one, is reported through warn()
 * and ignored, never trusted; the rest is still used.
 *
 * Files: acpi_tables.c (RSDP, root walk, FADT, \_S5), acpi_mcfg.c (MCFG),
 * acpi_madt.c (MADT, HPET), acpi_crs.c (host bridge _CRS windows from the
 * DSDT and SSDTs), acpi_dump.c (fixture recorder). */
#ifndef BARMOVE_ACPI_TABLES_H
#define BARMOVE_ACPI_TABLES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../kernel/bootinfo.h"

#define ACPI_MAX_TABLE_LENGTH (4u << 20) /* no real table is larger; a bigger length is corrupt */
#define ACPI_HEADER_LENGTH 36

#define ACPI_MAX_MCFG 16
/* One ECAM region: config space of bus B is at base + (B << 20), for
 * bus_start <= B <= bus_end (base is the address of bus 0, as in the MCFG). */
struct acpi_mcfg_entry {
    uint64_t base;
    uint16_t segment;
    uint8_t bus_start, bus_end;
};

#define ACPI_MAX_WINDOWS 32
struct acpi_window { uint64_t base, end; }; /* memory window from a host bridge _CRS; end inclusive */

#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_SSDTS 16

struct acpi_info {
    uint64_t rsdp;          /* physical address, 0 if it came from a boot-loader copy */
    unsigned revision;
    uint64_t root;          /* XSDT (revision >= 2) or RSDT */
    bool root_is_xsdt;
    uint64_t fadt, dsdt, madt, mcfg, hpet; /* first valid table of each kind; 0 = absent or rejected */
    uint16_t pm_timer_port; /* 0 = none */
    bool pm_timer_32bit;
    uint16_t pm1a_cnt, pm1b_cnt;
    bool s5_found;
    uint8_t slp_typa, slp_typb;
    uint64_t ssdt[ACPI_MAX_SSDTS]; /* valid SSDTs in root order; more are reported and skipped */
    unsigned ssdt_count;
    /* accepted entries of every MCFG in the root, in root then entry order */
    struct acpi_mcfg_entry mcfg_entries[ACPI_MAX_MCFG];
    unsigned mcfg_count;
    /* memory windows of every host bridge _CRS (DSDT, then SSDTs), duplicates dropped */
    struct acpi_window windows[ACPI_MAX_WINDOWS];
    unsigned window_count;
    uint64_t lapic_base; /* MADT (with the 64-bit override, type 5), 0 if no MADT */
    uint64_t ioapic_base[ACPI_MAX_IOAPICS];
    unsigned ioapic_count;
    uint64_t hpet_base; /* from the HPET table's GAS, 0 if none */
};

typedef void (*acpi_warn_fn)(const char *message);

bool acpi_checksum_ok(const uint8_t *bytes, size_t len);
/* offset of a valid RSDP in bytes[0..len) searched on 16-byte boundaries, or -1 */
long acpi_scan_rsdp(const uint8_t *bytes, size_t len);
/* the RSDP at phys read through read(): 20 bytes (revision < 2) or its length
 * field (36..64); NULL if unreadable or invalid */
const uint8_t *acpi_read_rsdp(uint64_t phys, phys_reader_fn read, void *ctx, size_t *len);
/* parses from an RSDP (copied bytes, rsdp_phys may be 0); 0 on success, -1 if nothing usable */
int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, uint64_t rsdp_phys, phys_reader_fn read,
               void *ctx, acpi_warn_fn warn, struct acpi_info *out);
/* SLP_TYPa/b of \_S5 from AML bytes (DSDT body); false if not found */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb);

/* ---- per-table parsers: given a whole table whose checksum and length were
 * checked; they read nothing outside table[0..len). Exposed for host tests. */

/* Appends the MCFG's acceptable entries to out->mcfg_entries. Rejected (warn,
 * dropped): bus_end < bus_start, base 0, base not 1 MiB aligned, an ECAM range
 * that wraps 64 bits, overlaps an accepted entry's range, or repeats an
 * accepted entry's segment and buses. A table with no entries is warned about. */
void acpi_parse_mcfg(const uint8_t *table, uint32_t len, uint64_t phys, acpi_warn_fn warn,
                     struct acpi_info *out);
/* first and last byte of an entry's ECAM region (its buses only) */
uint64_t acpi_mcfg_first(const struct acpi_mcfg_entry *e);
uint64_t acpi_mcfg_last(const struct acpi_mcfg_entry *e);
/* Drops (with a warning) every MCFG entry whose ECAM region overlaps RAM, ACPI
 * or NVS memory in the boot memory map: config writes there would corrupt
 * memory (a hostile MCFG can put ECAM at 1 MiB, over the kernel). The table
 * alone cannot show this, so the caller runs it once it has the memory map. */
void acpi_mcfg_drop_over_ram(struct acpi_info *acpi, const struct mem_range *ranges,
                             unsigned count, acpi_warn_fn warn);

/* Local APIC address (type 5 override wins), IOAPIC addresses (type 1). */
void acpi_parse_madt(const uint8_t *table, uint32_t len, uint64_t phys, acpi_warn_fn warn,
                     struct acpi_info *out);
/* HPET base from the table's Generic Address Structure (system memory only). */
void acpi_parse_hpet(const uint8_t *table, uint32_t len, uint64_t phys, acpi_warn_fn warn,
                     struct acpi_info *out);

/* Scans AML (a DSDT or SSDT body) for host bridge _CRS resource templates
 * (Name(_CRS, Buffer) or buffers inside a Method _CRS) and appends their memory
 * windows to out->windows. A template without a bus-number descriptor is not a
 * host bridge's and is skipped; a malformed one is warned about and skipped. */
void acpi_scan_crs(const uint8_t *aml, size_t len, const char *where, acpi_warn_fn warn,
                   struct acpi_info *out);
/* Parses one resource template (the bytes of a Buffer); adds its memory
 * windows only if it has a bus-number descriptor. Returns the number added,
 * 0 if not a host bridge's, -1 if malformed (warned). */
int acpi_parse_resource_template(const uint8_t *buf, size_t len, const char *where,
                                 acpi_warn_fn warn, struct acpi_info *out);

/* ---- fixture recorder ----
 * Parses again from the RSDP that acpi_init found (found->rsdp, or the
 * multiboot2 copy in bi when that is 0) through a recording reader, then
 * emits through line() (no newline):
 *   acpi-dump rsdp 0xADDR           where the RSDP is; 0x0 = the boot loader's
 *                                   copy (multiboot2 tag, OVMF): its bytes are
 *                                   then dumped at address 0
 *   acpi-dump mem 0xADDR HEXBYTES   every range the parser read, <= 32 bytes a line
 *   acpi-dump end ok | acpi-dump end error MESSAGE
 * Replaying the mem lines as physical memory and parsing from the rsdp line's
 * address gives the same result: that is how real tables become fixtures. */
void acpi_dump(const struct acpi_info *found, const struct bootinfo *bi, phys_reader_fn read,
               void *ctx, void (*line)(const char *text));

/* ---- helpers shared by the acpi_*.c files ---- */
void acpi_warnf(acpi_warn_fn warn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline uint16_t acpi_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t acpi_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t acpi_get64(const uint8_t *p)
{
    return acpi_get32(p) | (uint64_t)acpi_get32(p + 4) << 32;
}

#endif
