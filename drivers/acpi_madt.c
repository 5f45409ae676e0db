/* MADT ("APIC"): where the local APIC and the IOAPICs decode; HPET: where
 * the HPET decodes. The address map keeps BARs away from all three.
 *
 * MADT layout: header (36), local APIC address (u32), flags (u32), then
 * entries of {type u8, length u8, ...}; type 1 IOAPIC {id, reserved, address
 * u32, GSI base u32}, type 5 local APIC address override {reserved u16,
 * address u64}. Every entry's length is checked before it is read, and the
 * walk stops at the first bad one: a length of 0 or 1 would never advance. */
#include <string.h>

#include "acpi_tables.h"

#define MADT_LAPIC_OFFSET 36
#define MADT_ENTRIES_OFFSET 44
#define MADT_IOAPIC 1
#define MADT_IOAPIC_LENGTH 12
#define MADT_LAPIC_OVERRIDE 5
#define MADT_LAPIC_OVERRIDE_LENGTH 12

#define HPET_GAS_OFFSET 40 /* Generic Address Structure: space id, width, offset, size, address */
#define HPET_MIN_LENGTH 56
#define GAS_SYSTEM_MEMORY 0

static void add_ioapic(const uint8_t *e, uint64_t phys, unsigned off, acpi_warn_fn warn,
                       struct acpi_info *out)
{
    uint32_t base = acpi_get32(e + 4);
    if (base == 0) {
        acpi_warnf(warn, "ACPI APIC at 0x%016llx: IOAPIC entry at offset %u has address 0: ignored",
                   (unsigned long long)phys, off);
        return;
    }
    if (out->ioapic_count == ACPI_MAX_IOAPICS) {
        acpi_warnf(warn, "ACPI APIC at 0x%016llx: more than %u IOAPICs: 0x%08x ignored",
                   (unsigned long long)phys, ACPI_MAX_IOAPICS, base);
        return;
    }
    out->ioapic_base[out->ioapic_count++] = base;
}

/* uses one entry; false when the walk must stop (its length cannot be trusted) */
static bool use_entry(const uint8_t *table, uint32_t len, uint32_t off, uint64_t phys,
                      acpi_warn_fn warn, struct acpi_info *out)
{
    const uint8_t *e = table + off;
    unsigned type = e[0], elen = off + 1 < len ? e[1] : 0;
    if (elen < 2 || elen > len - off) {
        acpi_warnf(warn, "ACPI APIC at 0x%016llx: entry type %u at offset %u has length %u "
                   "(%u bytes left): rest of the table ignored",
                   (unsigned long long)phys, type, off, elen, len - off);
        return false;
    }
    unsigned need = type == MADT_IOAPIC            ? MADT_IOAPIC_LENGTH
                    : type == MADT_LAPIC_OVERRIDE ? MADT_LAPIC_OVERRIDE_LENGTH
                                                   : 2;
    if (elen < need)
        acpi_warnf(warn, "ACPI APIC at 0x%016llx: entry type %u at offset %u: length %u < %u: ignored",
                   (unsigned long long)phys, type, off, elen, need);
    else if (type == MADT_IOAPIC)
        add_ioapic(e, phys, off, warn, out);
    else if (type == MADT_LAPIC_OVERRIDE)
        out->lapic_base = acpi_get64(e + 4);
    return true;
}

void acpi_parse_madt(const uint8_t *table, uint32_t len, uint64_t phys, acpi_warn_fn warn,
                     struct acpi_info *out)
{
    if (len < MADT_ENTRIES_OFFSET) {
        acpi_warnf(warn, "ACPI APIC at 0x%016llx: length %u too short for the APIC address: ignored",
                   (unsigned long long)phys, len);
        return;
    }
    uint64_t lapic32 = acpi_get32(table + MADT_LAPIC_OFFSET);
    out->lapic_base = 0;
    for (uint32_t off = MADT_ENTRIES_OFFSET; off < len; off += table[off + 1])
        if (!use_entry(table, len, off, phys, warn, out))
            break;
    /* the override (type 5), wherever it stands, wins over the 32-bit field */
    if (!out->lapic_base)
        out->lapic_base = lapic32;
}

void acpi_parse_hpet(const uint8_t *table, uint32_t len, uint64_t phys, acpi_warn_fn warn,
                     struct acpi_info *out)
{
    if (len < HPET_MIN_LENGTH) {
        acpi_warnf(warn, "ACPI HPET at 0x%016llx: length %u < %u: ignored",
                   (unsigned long long)phys, len, HPET_MIN_LENGTH);
        return;
    }
    const uint8_t *gas = table + HPET_GAS_OFFSET;
    uint64_t base = acpi_get64(gas + 4);
    if (gas[0] != GAS_SYSTEM_MEMORY || base == 0) {
        acpi_warnf(warn, "ACPI HPET at 0x%016llx: address space %u address 0x%016llx is not "
                   "usable memory: ignored",
                   (unsigned long long)phys, gas[0], (unsigned long long)base);
        return;
    }
    out->hpet_base = base;
}
