/* acpi_dump(): real firmware tables as a host-test fixture (format in
 * acpi_tables.h). Same idea and line format as bootinfo_dump(): parse
 * through a reader that records every range read, then print those ranges. */
#include <string.h>

#include "../kernel/format.h"
#include "acpi_tables.h"

#define DUMP_MAX_RANGES 64 /* RSDP, root and tables: adjacent ones merge */
#define DUMP_BYTES_PER_LINE 32

struct recorder {
    phys_reader_fn read;
    void *ctx;
    struct { uint64_t base, end; } ranges[DUMP_MAX_RANGES]; /* end exclusive */
    unsigned count;
    bool overflow;
};

/* Adds [base, end), merged with every range it overlaps or touches: a table's
 * header and its whole body are two reads and must come out as one range. */
static void note_range(struct recorder *r, uint64_t base, uint64_t end)
{
    for (unsigned i = 0; i < r->count;) {
        if (base <= r->ranges[i].end && end >= r->ranges[i].base) {
            base = base < r->ranges[i].base ? base : r->ranges[i].base;
            end = end > r->ranges[i].end ? end : r->ranges[i].end;
            r->ranges[i] = r->ranges[--r->count];
            i = 0;
        } else {
            i++;
        }
    }
    if (r->count == DUMP_MAX_RANGES) {
        r->overflow = true;
        return;
    }
    r->ranges[r->count].base = base;
    r->ranges[r->count++].end = end;
}

static const void *recording_read(void *ctx, uint64_t phys, size_t len)
{
    struct recorder *r = ctx;
    const void *p = r->read(r->ctx, phys, len);
    if (p && len && phys + len > phys)
        note_range(r, phys, phys + len);
    return p;
}

static void dump_bytes(uint64_t at, const uint8_t *bytes, size_t n, void (*line)(const char *))
{
    char text[48 + 2 * DUMP_BYTES_PER_LINE];
    for (size_t done = 0; done < n; done += DUMP_BYTES_PER_LINE) {
        size_t count = n - done < DUMP_BYTES_PER_LINE ? n - done : DUMP_BYTES_PER_LINE;
        int used = format(text, sizeof text, "acpi-dump mem 0x%llx ",
                          (unsigned long long)(at + done));
        for (size_t i = 0; i < count; i++)
            used += format(text + used, sizeof text - (size_t)used, "%02x", bytes[done + i]);
        line(text);
    }
}

static void dump_range(const struct recorder *r, uint64_t base, uint64_t end,
                       void (*line)(const char *))
{
    for (uint64_t at = base; at < end; at += DUMP_BYTES_PER_LINE) {
        size_t n = end - at < DUMP_BYTES_PER_LINE ? (size_t)(end - at) : DUMP_BYTES_PER_LINE;
        const uint8_t *bytes = r->read(r->ctx, at, n);
        if (bytes)
            dump_bytes(at, bytes, n, line);
        else
            line("acpi-dump error range no longer readable");
    }
}

/* in address order, so a fixture reads like a memory listing */
static void dump_ranges(struct recorder *r, void (*line)(const char *))
{
    for (unsigned done = 0; done < r->count; done++) {
        unsigned low = done;
        for (unsigned i = done + 1; i < r->count; i++)
            if (r->ranges[i].base < r->ranges[low].base)
                low = i;
        uint64_t base = r->ranges[low].base, end = r->ranges[low].end;
        r->ranges[low] = r->ranges[done];
        dump_range(r, base, end, line);
    }
    if (r->overflow)
        line("acpi-dump error more ranges read than recorded");
}

/* the RSDP the kernel used: read from memory, or the boot loader's copy */
static const uint8_t *find_rsdp(const struct acpi_info *found, const struct bootinfo *bi,
                                struct recorder *r, size_t *len)
{
    if (found->rsdp)
        return acpi_read_rsdp(found->rsdp, recording_read, r, len);
    if (!bi || !bi->rsdp_tag || bi->rsdp_length > sizeof bi->rsdp)
        return NULL;
    *len = bi->rsdp_length;
    return bi->rsdp;
}

void acpi_dump(const struct acpi_info *found, const struct bootinfo *bi, phys_reader_fn read,
               void *ctx, void (*line)(const char *text))
{
    static struct recorder r; /* ~1 KiB each: kept off the kernel stack */
    static struct acpi_info parsed;
    char text[80];
    size_t len = 0;
    memset(&r, 0, sizeof r);
    r.read = read;
    r.ctx = ctx;
    const uint8_t *rsdp = find_rsdp(found, bi, &r, &len);
    format(text, sizeof text, "acpi-dump rsdp 0x%llx", (unsigned long long)found->rsdp);
    line(text);
    if (!rsdp) {
        line("acpi-dump end error no RSDP");
        return;
    }
    if (!found->rsdp)
        dump_bytes(0, rsdp, len, line); /* the copy, replayed at address 0 */
    int rc = acpi_parse(rsdp, len, found->rsdp, recording_read, &r, NULL, &parsed);
    dump_ranges(&r, line);
    line(rc == 0 ? "acpi-dump end ok" : "acpi-dump end error no valid RSDT or XSDT");
}
