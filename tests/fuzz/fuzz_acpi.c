/* libFuzzer target: the ACPI parsers (drivers/acpi_tables.c, acpi_mcfg.c,
 * acpi_madt.c, acpi_crs.c, acpi_dump.c), unchanged.
 *
 * Input: one mode byte (mode = byte % 9), then
 *   modes 0-2: physical memory (fuzz_phys.h segments); the RSDP is at the
 *     first segment's base, read from memory (0), taken as a boot loader's
 *     copy of the segment's first bytes (1), or found by acpi_scan_rsdp in
 *     the first segment (2); then acpi_parse walks RSDT/XSDT, FADT, MADT,
 *     HPET, MCFG, SSDTs and scans the DSDT for \_S5 and _CRS; then
 *     acpi_mcfg_drop_over_ram against a QEMU-like memory map and, when
 *     (byte / 9) is odd, acpi_dump (it re-reads and prints every byte: slow);
 *   modes 3-8: one table parser on the rest of the input as a whole table
 *     (MCFG, MADT, HPET: its header's length set and checksum fixed, as the
 *     parsers' contract says) or as AML / a resource template / AML for \_S5.
 * Every result is checked against the bounds acpi_tables.h promises. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/acpi_tables.h"
#include "fuzz_phys.h"

#define RSDP_MAX 64
#define WARNING_MAX 200 /* acpi_warnf's buffer */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TARGET "fuzz_acpi"
#include "fuzz_check.h"

static void warn(const char *message)
{
    check(message != NULL && strlen(message) < WARNING_MAX, "warning is a short string");
}

static void dump_line(const char *text)
{
    check(strncmp(text, "acpi-dump ", 10) == 0, "dump lines start with acpi-dump");
}

static void check_info(const struct acpi_info *a)
{
    check(a->ssdt_count <= ACPI_MAX_SSDTS, "ssdt_count bounded");
    check(a->mcfg_count <= ACPI_MAX_MCFG, "mcfg_count bounded");
    check(a->window_count <= ACPI_MAX_WINDOWS, "window_count bounded");
    check(a->ioapic_count <= ACPI_MAX_IOAPICS, "ioapic_count bounded");
    for (unsigned i = 0; i < a->mcfg_count; i++) {
        const struct acpi_mcfg_entry *e = &a->mcfg_entries[i];
        check(e->bus_start <= e->bus_end, "MCFG entry buses in order");
        check(e->base != 0 && (e->base & 0xfffff) == 0, "MCFG entry base nonzero and aligned");
        check(acpi_mcfg_first(e) <= acpi_mcfg_last(e), "MCFG entry does not wrap");
        for (unsigned j = 0; j < i; j++) {
            const struct acpi_mcfg_entry *o = &a->mcfg_entries[j];
            check(acpi_mcfg_last(e) < acpi_mcfg_first(o) || acpi_mcfg_last(o) < acpi_mcfg_first(e),
                  "MCFG entries disjoint");
        }
    }
    for (unsigned i = 0; i < a->window_count; i++)
        check(a->windows[i].base <= a->windows[i].end, "window base <= end");
}

/* QEMU q35 with 2 GiB: what the kernel hands acpi_mcfg_drop_over_ram */
static const struct mem_range qemu_map[] = {
    {0x0, 0x9fc00, MEM_RAM},           {0x9fc00, 0x400, MEM_RESERVED},
    {0xf0000, 0x10000, MEM_RESERVED},  {0x100000, 0x7fee0000, MEM_RAM},
    {0x7ffe0000, 0x20000, MEM_ACPI},   {0xb0000000, 0x10000000, MEM_RESERVED},
    {0xfffc0000, 0x40000, MEM_NVS},    {0xfd00000000, 0x300000000, MEM_RESERVED},
};
#define QEMU_MAP_COUNT (sizeof qemu_map / sizeof qemu_map[0])

static void check_no_ecam_over_ram(const struct acpi_info *a)
{
    for (unsigned i = 0; i < a->mcfg_count; i++)
        for (unsigned j = 0; j < QEMU_MAP_COUNT; j++) {
            const struct mem_range *r = &qemu_map[j];
            if (r->type == MEM_RESERVED)
                continue;
            check(acpi_mcfg_last(&a->mcfg_entries[i]) < r->base ||
                      acpi_mcfg_first(&a->mcfg_entries[i]) > r->base + r->length - 1,
                  "no ECAM over RAM after acpi_mcfg_drop_over_ram");
        }
}

static void parse_memory(unsigned mode, bool dump, const uint8_t *data, size_t size)
{
    static struct acpi_info info;
    static struct bootinfo bi;
    struct fuzz_phys mem;
    fuzz_phys_load(&mem, data, size);
    if (mem.count == 0)
        return;
    uint64_t at = mem.seg[0].base;
    const uint8_t *rsdp = NULL;
    size_t rsdp_len = 0;
    memset(&bi, 0, sizeof bi);
    if (mode == 0) {
        rsdp = acpi_read_rsdp(at, fuzz_phys_read, &mem, &rsdp_len);
        check(!rsdp || (rsdp_len >= 20 && rsdp_len <= RSDP_MAX), "RSDP length 20..64");
    } else if (mode == 1) {
        /* what bootinfo_mb2.c keeps of tag 14/15: at most 64 bytes */
        bi.rsdp_length = (unsigned)(mem.seg[0].len < RSDP_MAX ? mem.seg[0].len : RSDP_MAX);
        bi.rsdp_tag = bi.rsdp_length >= 36 ? 15 : 14;
        memcpy(bi.rsdp, mem.seg[0].bytes, bi.rsdp_length);
        rsdp = bi.rsdp;
        rsdp_len = bi.rsdp_length;
        at = 0;
    } else {
        const uint8_t *area = fuzz_phys_read(&mem, at, mem.seg[0].len);
        long off = area ? acpi_scan_rsdp(area, mem.seg[0].len) : -1;
        check(off < 0 || ((size_t)off % 16 == 0 && (size_t)off + 20 <= mem.seg[0].len),
              "scanned RSDP inside the area, 16-byte aligned");
        if (off >= 0) {
            at += (uint64_t)off;
            rsdp = acpi_read_rsdp(at, fuzz_phys_read, &mem, &rsdp_len);
        }
    }
    if (rsdp) {
        int rc = acpi_parse(rsdp, rsdp_len, at, fuzz_phys_read, &mem, warn, &info);
        check(rc == 0 || rc == -1, "acpi_parse returns 0 or -1");
        check_info(&info);
        acpi_mcfg_drop_over_ram(&info, qemu_map, QEMU_MAP_COUNT, warn);
        check_info(&info);
        check_no_ecam_over_ram(&info);
        if (rc == 0 && dump)
            acpi_dump(&info, &bi, fuzz_phys_read, &mem, dump_line);
    }
    fuzz_phys_free(&mem);
}

/* the rest of the input as one whole table: length and checksum made right */
static void parse_table(unsigned mode, const uint8_t *data, size_t size)
{
    static struct acpi_info info;
    if (size < ACPI_HEADER_LENGTH || size > ACPI_MAX_TABLE_LENGTH)
        return;
    uint8_t *t = malloc(size);
    if (!t)
        abort();
    memcpy(t, data, size);
    static const char sig[3][5] = {"MCFG", "APIC", "HPET"};
    memcpy(t, sig[mode - 3], 4);
    for (unsigned i = 0; i < 4; i++)
        t[4 + i] = (uint8_t)(size >> (8 * i));
    uint8_t sum = 0;
    t[9] = 0;
    for (size_t i = 0; i < size; i++)
        sum = (uint8_t)(sum + t[i]);
    t[9] = (uint8_t)-sum;
    memset(&info, 0, sizeof info);
    if (mode == 3)
        acpi_parse_mcfg(t, (uint32_t)size, 0xfee00000, warn, &info);
    else if (mode == 4)
        acpi_parse_madt(t, (uint32_t)size, 0xfee00000, warn, &info);
    else
        acpi_parse_hpet(t, (uint32_t)size, 0xfee00000, warn, &info);
    check_info(&info);
    free(t);
}

static void parse_aml(unsigned mode, const uint8_t *data, size_t size)
{
    static struct acpi_info info;
    uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees every over-read */
    if (!copy)
        abort();
    memcpy(copy, data, size);
    memset(&info, 0, sizeof info);
    if (mode == 6) {
        acpi_scan_crs(copy, size, "DSDT", warn, &info);
    } else if (mode == 7) {
        int n = acpi_parse_resource_template(copy, size, "fuzz", warn, &info);
        check(n >= -1 && n <= ACPI_MAX_WINDOWS && (n < 0 || (unsigned)n == info.window_count),
              "template returns -1 or the windows it added");
    } else {
        uint8_t a = 0, b = 0;
        acpi_find_s5(copy, size, &a, &b);
    }
    check_info(&info);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0] % 9;
    if (mode <= 2)
        parse_memory(mode, (data[0] / 9) & 1, data + 1, size - 1);
    else if (mode <= 5)
        parse_table(mode, data + 1, size - 1);
    else
        parse_aml(mode, data + 1, size - 1);
    return 0;
}
