/* MCFG: the ECAM regions (PCI Firmware Specification 3.x, table 4-3).
 *
 * Layout: header (36 bytes), 8 reserved bytes, then 16-byte entries:
 * base address (u64, the address of bus 0), segment (u16), start bus, end
 * bus, 4 reserved bytes. An entry is dropped, with a warning, when using it
 * would send config accesses somewhere they do not belong. */
#include <string.h>

#include "../kernel/format.h"
#include "acpi_tables.h"

#define MCFG_ENTRIES_OFFSET 44
#define MCFG_ENTRY_LENGTH 16
#define ECAM_BUS_SHIFT 20 /* 1 MiB of config space per bus */

uint64_t acpi_mcfg_first(const struct acpi_mcfg_entry *e)
{
    return e->base + ((uint64_t)e->bus_start << ECAM_BUS_SHIFT);
}

uint64_t acpi_mcfg_last(const struct acpi_mcfg_entry *e)
{
    return e->base + (((uint64_t)e->bus_end + 1) << ECAM_BUS_SHIFT) - 1;
}

static bool ranges_overlap(uint64_t a_first, uint64_t a_last, uint64_t b_first, uint64_t b_last)
{
    return a_first <= b_last && b_first <= a_last;
}

/* why an entry cannot be used on its own, or NULL */
static const char *entry_fault(const struct acpi_mcfg_entry *e)
{
    uint64_t span = ((uint64_t)e->bus_end + 1) << ECAM_BUS_SHIFT;
    if (e->bus_end < e->bus_start)
        return "inverted bus range";
    if (e->base == 0)
        return "base address 0";
    if (e->base & ((1u << ECAM_BUS_SHIFT) - 1))
        return "base not 1 MiB aligned";
    if (e->base > UINT64_MAX - span + 1)
        return "ECAM range wraps past 2^64";
    return NULL;
}

/* why an entry conflicts with one accepted before it, or NULL */
static const char *conflict(const struct acpi_mcfg_entry *e, const struct acpi_info *out,
                            unsigned *with)
{
    for (unsigned i = 0; i < out->mcfg_count; i++) {
        const struct acpi_mcfg_entry *o = &out->mcfg_entries[i];
        *with = i;
        if (o->segment == e->segment && e->bus_start <= o->bus_end && o->bus_start <= e->bus_end)
            return "repeats the segment and buses of";
        if (ranges_overlap(acpi_mcfg_first(e), acpi_mcfg_last(e), acpi_mcfg_first(o),
                           acpi_mcfg_last(o)))
            return "ECAM range overlaps that of";
    }
    return NULL;
}

/* "ACPI MCFG[ at 0xPHYS entry N] (base ... segment ... buses ...): WHY: dropped" */
static void reject(const struct acpi_mcfg_entry *e, const char *where, const char *why,
                   acpi_warn_fn warn)
{
    acpi_warnf(warn, "ACPI MCFG%s (base 0x%016llx segment %u buses 0x%02x-0x%02x): %s: dropped",
               where, (unsigned long long)e->base, e->segment, e->bus_start, e->bus_end, why);
}

static void add_entry(const struct acpi_mcfg_entry *e, unsigned index, uint64_t phys,
                      acpi_warn_fn warn, struct acpi_info *out)
{
    const char *why = entry_fault(e);
    unsigned with = 0;
    char text[80];
    if (!why && (why = conflict(e, out, &with)) != NULL) {
        const struct acpi_mcfg_entry *o = &out->mcfg_entries[with];
        format(text, sizeof text, "%s base 0x%016llx segment %u", why,
               (unsigned long long)o->base, o->segment);
        why = text;
    }
    if (!why && out->mcfg_count == ACPI_MAX_MCFG)
        why = "more than 16 entries";
    if (why) {
        char where[48];
        format(where, sizeof where, " at 0x%016llx entry %u", (unsigned long long)phys, index);
        reject(e, where, why, warn);
        return;
    }
    out->mcfg_entries[out->mcfg_count++] = *e;
}

void acpi_parse_mcfg(const uint8_t *table, uint32_t len, uint64_t phys, acpi_warn_fn warn,
                     struct acpi_info *out)
{
    uint32_t body = len > MCFG_ENTRIES_OFFSET ? len - MCFG_ENTRIES_OFFSET : 0;
    if (body % MCFG_ENTRY_LENGTH)
        acpi_warnf(warn, "ACPI MCFG at 0x%016llx: %u trailing bytes after the last entry: ignored",
                   (unsigned long long)phys, body % MCFG_ENTRY_LENGTH);
    if (body < MCFG_ENTRY_LENGTH) {
        acpi_warnf(warn, "ACPI MCFG at 0x%016llx: no entries: no ECAM from it",
                   (unsigned long long)phys);
        return;
    }
    for (unsigned i = 0; i < body / MCFG_ENTRY_LENGTH; i++) {
        const uint8_t *p = table + MCFG_ENTRIES_OFFSET + i * MCFG_ENTRY_LENGTH;
        struct acpi_mcfg_entry e = {.base = acpi_get64(p), .segment = acpi_get16(p + 8),
                                    .bus_start = p[10], .bus_end = p[11]};
        add_entry(&e, i, phys, warn, out);
    }
}

static bool must_not_hold_ecam(uint32_t type)
{
    /* RAM and firmware data; reserved ranges and holes are where ECAM lives */
    return type == MEM_RAM || type == MEM_ACPI || type == MEM_NVS;
}

/* the first memory-map range an entry's ECAM region overlaps, or NULL */
static const struct mem_range *covered_memory(const struct acpi_mcfg_entry *e,
                                              const struct mem_range *ranges, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        const struct mem_range *r = &ranges[i];
        if (!r->length || !must_not_hold_ecam(r->type))
            continue;
        uint64_t last = r->base + r->length - 1 < r->base ? UINT64_MAX : r->base + r->length - 1;
        if (ranges_overlap(acpi_mcfg_first(e), acpi_mcfg_last(e), r->base, last))
            return r;
    }
    return NULL;
}

void acpi_mcfg_drop_over_ram(struct acpi_info *acpi, const struct mem_range *ranges,
                             unsigned count, acpi_warn_fn warn)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < acpi->mcfg_count; i++) {
        const struct acpi_mcfg_entry *e = &acpi->mcfg_entries[i];
        const struct mem_range *r = covered_memory(e, ranges, count);
        if (r) {
            char why[96];
            format(why, sizeof why, "ECAM over memory-map type %u range 0x%016llx-0x%016llx",
                   r->type, (unsigned long long)r->base,
                   (unsigned long long)(r->base + r->length - 1));
            reject(e, "", why, warn);
            continue;
        }
        acpi->mcfg_entries[kept++] = *e;
    }
    acpi->mcfg_count = kept;
}
