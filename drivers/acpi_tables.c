#include "acpi_tables.h"

#include <string.h>

#include "../kernel/format.h"

#define HEADER_LENGTH 36
#define RSDP_V1_LENGTH 20

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

bool acpi_checksum_ok(const uint8_t *bytes, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + bytes[i]);
    return sum == 0;
}

static bool rsdp_valid(const uint8_t *p, size_t len)
{
    if (len < RSDP_V1_LENGTH || memcmp(p, "RSD PTR ", 8) != 0 || !acpi_checksum_ok(p, RSDP_V1_LENGTH))
        return false;
    if (p[15] < 2)
        return true;
    uint32_t full = len >= 24 ? le32(p + 20) : 0;
    return full >= 36 && full <= len && acpi_checksum_ok(p, full);
}

long acpi_scan_rsdp(const uint8_t *bytes, size_t len)
{
    for (size_t off = 0; off + RSDP_V1_LENGTH <= len; off += 16)
        if (rsdp_valid(bytes + off, len - off))
            return (long)off;
    return -1;
}

static void warnf(acpi_warn_fn warn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(acpi_warn_fn warn, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    format_v(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (warn)
        warn(msg);
}

/* the whole table at phys if its header, length and checksum hold; else NULL */
static const uint8_t *load_table(uint64_t phys, const char *expect, phys_reader_fn read, void *ctx,
                                 acpi_warn_fn warn, uint32_t *length)
{
    const uint8_t *h = phys ? read(ctx, phys, HEADER_LENGTH) : NULL;
    if (!h) {
        warnf(warn, "ACPI table %s at 0x%016llx unreadable: ignored", expect ? expect : "?",
              (unsigned long long)phys);
        return NULL;
    }
    uint32_t len = le32(h + 4);
    if (expect && memcmp(h, expect, 4) != 0)
        return NULL;
    if (len < HEADER_LENGTH || len > ACPI_MAX_TABLE_LENGTH) {
        warnf(warn, "ACPI %.4s at 0x%016llx: length %u out of bounds: ignored", (const char *)h,
              (unsigned long long)phys, len);
        return NULL;
    }
    const uint8_t *t = read(ctx, phys, len);
    if (!t || !acpi_checksum_ok(t, len)) {
        warnf(warn, "ACPI %.4s at 0x%016llx: %s: ignored", (const char *)h,
              (unsigned long long)phys, t ? "bad checksum" : "unreadable");
        return NULL;
    }
    *length = len;
    return t;
}

static void parse_fadt(const uint8_t *f, uint32_t len, struct acpi_info *out)
{
    uint32_t dsdt32 = len >= 44 ? le32(f + 40) : 0;
    uint64_t xdsdt = len >= 148 ? le64(f + 140) : 0;
    out->dsdt = xdsdt ? xdsdt : dsdt32;
    out->pm1a_cnt = len >= 68 ? (uint16_t)le32(f + 64) : 0;
    out->pm1b_cnt = len >= 72 ? (uint16_t)le32(f + 68) : 0;
    uint32_t pm_tmr = len >= 80 ? le32(f + 76) : 0;
    /* X_PM_TMR_BLK (a GAS) wins when it names an I/O port */
    if (len >= 220 && f[208] == 1 && le64(f + 212) && le64(f + 212) <= 0xffff)
        pm_tmr = (uint32_t)le64(f + 212);
    out->pm_timer_port = pm_tmr <= 0xffff ? (uint16_t)pm_tmr : 0;
    out->pm_timer_32bit = len >= 116 && (le32(f + 112) & (1u << 8));
}

static void note_table(uint64_t phys, const uint8_t *h, struct acpi_info *out)
{
    if (!memcmp(h, "FACP", 4)) out->fadt = phys;
    else if (!memcmp(h, "APIC", 4)) out->madt = phys;
    else if (!memcmp(h, "MCFG", 4)) out->mcfg = phys;
    else if (!memcmp(h, "HPET", 4)) out->hpet = phys;
}

static void walk_root(const uint8_t *root, uint32_t len, unsigned entry_size, phys_reader_fn read,
                      void *ctx, acpi_warn_fn warn, struct acpi_info *out)
{
    for (uint32_t off = HEADER_LENGTH; off + entry_size <= len; off += entry_size) {
        uint64_t phys = entry_size == 8 ? le64(root + off) : le32(root + off);
        uint32_t tlen;
        const uint8_t *t = load_table(phys, NULL, read, ctx, warn, &tlen);
        if (t)
            note_table(phys, t, out);
    }
}

int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, uint64_t rsdp_phys, phys_reader_fn read,
               void *ctx, acpi_warn_fn warn, struct acpi_info *out)
{
    memset(out, 0, sizeof *out);
    if (!rsdp_valid(rsdp, rsdp_len)) {
        warnf(warn, "ACPI RSDP invalid (signature, checksum or length): ACPI ignored");
        return -1;
    }
    out->rsdp = rsdp_phys;
    out->revision = rsdp[15];
    uint64_t xsdt = out->revision >= 2 && rsdp_len >= 32 ? le64(rsdp + 24) : 0;
    uint32_t len = 0;
    const uint8_t *root = xsdt ? load_table(xsdt, "XSDT", read, ctx, warn, &len) : NULL;
    out->root_is_xsdt = root != NULL;
    out->root = root ? xsdt : le32(rsdp + 16);
    if (!root)
        root = load_table(out->root, "RSDT", read, ctx, warn, &len);
    if (!root) {
        warnf(warn, "ACPI: no valid RSDT or XSDT: ACPI ignored");
        return -1;
    }
    walk_root(root, len, out->root_is_xsdt ? 8 : 4, read, ctx, warn, out);
    uint32_t flen, dlen;
    const uint8_t *fadt = out->fadt ? load_table(out->fadt, "FACP", read, ctx, warn, &flen) : NULL;
    if (fadt)
        parse_fadt(fadt, flen, out);
    const uint8_t *dsdt = out->dsdt ? load_table(out->dsdt, "DSDT", read, ctx, warn, &dlen) : NULL;
    if (out->dsdt && !dsdt)
        out->dsdt = 0;
    if (dsdt)
        out->s5_found = acpi_find_s5(dsdt + HEADER_LENGTH, dlen - HEADER_LENGTH, &out->slp_typa,
                                     &out->slp_typb);
    return 0;
}

/* one AML integer element of a package: ZeroOp, OneOp, BytePrefix n */
static bool aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *value, const uint8_t **next)
{
    if (p >= end)
        return false;
    if (*p == 0x00 || *p == 0x01) {
        *value = *p;
        *next = p + 1;
        return true;
    }
    if (*p == 0x0A && p + 1 < end) {
        *value = p[1];
        *next = p + 2;
        return true;
    }
    return false;
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb)
{
    const uint8_t *end = aml + len;
    for (const uint8_t *p = aml; p + 8 <= end; p++) {
        /* NameOp "_S5_" (optionally rooted "\_S5_") PackageOp PkgLength NumElements */
        if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
            continue;
        const uint8_t *q = p + 5;
        q += 1 + (*q >> 6); /* PkgLength: lead byte bits 7:6 count the extra bytes */
        q += 1;             /* NumElements */
        const uint8_t *next;
        if (aml_small_int(q, end, typa, &next) && aml_small_int(next, end, typb, &next))
            return true;
    }
    return false;
}
