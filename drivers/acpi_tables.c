/* RSDP, RSDT/XSDT walk, FADT, DSDT (\_S5) and the dispatch of every other
 * table to its parser (acpi_mcfg.c, acpi_madt.c, acpi_crs.c). */
#include "acpi_tables.h"

#include <string.h>

#include "../kernel/format.h"

#define RSDP_V1_LENGTH 20
#define RSDP_MAX_LENGTH 64

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
    uint32_t full = len >= 24 ? acpi_get32(p + 20) : 0;
    return full >= 36 && full <= len && acpi_checksum_ok(p, full);
}

long acpi_scan_rsdp(const uint8_t *bytes, size_t len)
{
    for (size_t off = 0; off + RSDP_V1_LENGTH <= len; off += 16)
        if (rsdp_valid(bytes + off, len - off))
            return (long)off;
    return -1;
}

const uint8_t *acpi_read_rsdp(uint64_t phys, phys_reader_fn read, void *ctx, size_t *len)
{
    const uint8_t *p = read(ctx, phys, RSDP_V1_LENGTH);
    size_t full = RSDP_V1_LENGTH;
    if (p && p[15] >= 2) {
        /* only the bytes the RSDP says it has: a v1 RSDP may end the BIOS area */
        p = read(ctx, phys, 24);
        full = p ? acpi_get32(p + 20) : 0;
        p = full >= 36 && full <= RSDP_MAX_LENGTH ? read(ctx, phys, full) : NULL;
    }
    if (!p || !rsdp_valid(p, full))
        return NULL;
    *len = full;
    return p;
}

void acpi_warnf(acpi_warn_fn warn, const char *fmt, ...)
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
    const uint8_t *h = phys ? read(ctx, phys, ACPI_HEADER_LENGTH) : NULL;
    if (!h) {
        acpi_warnf(warn, "ACPI table %s at 0x%016llx unreadable: ignored", expect ? expect : "?",
                   (unsigned long long)phys);
        return NULL;
    }
    uint32_t len = acpi_get32(h + 4);
    if (expect && memcmp(h, expect, 4) != 0) {
        acpi_warnf(warn, "ACPI table at 0x%016llx is not %s: ignored", (unsigned long long)phys,
                   expect);
        return NULL;
    }
    if (len < ACPI_HEADER_LENGTH || len > ACPI_MAX_TABLE_LENGTH) {
        acpi_warnf(warn, "ACPI %.4s at 0x%016llx: length %u out of bounds: ignored",
                   (const char *)h, (unsigned long long)phys, len);
        return NULL;
    }
    const uint8_t *t = read(ctx, phys, len);
    if (!t || !acpi_checksum_ok(t, len)) {
        acpi_warnf(warn, "ACPI %.4s at 0x%016llx: %s: ignored", (const char *)h,
                   (unsigned long long)phys, t ? "bad checksum" : "unreadable (length past the end)");
        return NULL;
    }
    *length = len;
    return t;
}

static void parse_fadt(const uint8_t *f, uint32_t len, struct acpi_info *out)
{
    uint32_t dsdt32 = len >= 44 ? acpi_get32(f + 40) : 0;
    uint64_t xdsdt = len >= 148 ? acpi_get64(f + 140) : 0;
    out->dsdt = xdsdt ? xdsdt : dsdt32;
    out->pm1a_cnt = len >= 68 ? (uint16_t)acpi_get32(f + 64) : 0;
    out->pm1b_cnt = len >= 72 ? (uint16_t)acpi_get32(f + 68) : 0;
    uint32_t pm_tmr = len >= 80 ? acpi_get32(f + 76) : 0;
    /* X_PM_TMR_BLK (a GAS) wins when it names an I/O port */
    if (len >= 220 && f[208] == 1 && acpi_get64(f + 212) && acpi_get64(f + 212) <= 0xffff)
        pm_tmr = (uint32_t)acpi_get64(f + 212);
    out->pm_timer_port = pm_tmr <= 0xffff ? (uint16_t)pm_tmr : 0;
    out->pm_timer_32bit = len >= 116 && (acpi_get32(f + 112) & (1u << 8));
}

/* true for the first table of a kind; a second one is reported and ignored */
static bool first_of_kind(uint64_t *slot, uint64_t phys, const uint8_t *t, acpi_warn_fn warn)
{
    if (!*slot) {
        *slot = phys;
        return true;
    }
    acpi_warnf(warn, "ACPI %.4s at 0x%016llx: a second one (first at 0x%016llx): ignored",
               (const char *)t, (unsigned long long)phys, (unsigned long long)*slot);
    return false;
}

static void note_ssdt(uint64_t phys, acpi_warn_fn warn, struct acpi_info *out)
{
    if (out->ssdt_count == ACPI_MAX_SSDTS) {
        acpi_warnf(warn, "ACPI SSDT at 0x%016llx: more than %u SSDTs: not scanned",
                   (unsigned long long)phys, ACPI_MAX_SSDTS);
        return;
    }
    out->ssdt[out->ssdt_count++] = phys;
}

static void use_table(uint64_t phys, const uint8_t *t, uint32_t len, acpi_warn_fn warn,
                      struct acpi_info *out)
{
    if (!memcmp(t, "FACP", 4)) {
        if (first_of_kind(&out->fadt, phys, t, warn))
            parse_fadt(t, len, out);
    } else if (!memcmp(t, "APIC", 4)) {
        if (first_of_kind(&out->madt, phys, t, warn))
            acpi_parse_madt(t, len, phys, warn, out);
    } else if (!memcmp(t, "HPET", 4)) {
        if (first_of_kind(&out->hpet, phys, t, warn))
            acpi_parse_hpet(t, len, phys, warn, out);
    } else if (!memcmp(t, "MCFG", 4)) {
        /* every MCFG counts: an injected one must meet the same checks */
        if (!out->mcfg)
            out->mcfg = phys;
        acpi_parse_mcfg(t, len, phys, warn, out);
    } else if (!memcmp(t, "SSDT", 4)) {
        note_ssdt(phys, warn, out);
    }
}

static void walk_root(const uint8_t *root, uint32_t len, unsigned entry_size, phys_reader_fn read,
                      void *ctx, acpi_warn_fn warn, struct acpi_info *out)
{
    for (uint32_t off = ACPI_HEADER_LENGTH; off + entry_size <= len; off += entry_size) {
        uint64_t phys = entry_size == 8 ? acpi_get64(root + off) : acpi_get32(root + off);
        uint32_t tlen;
        const uint8_t *t = load_table(phys, NULL, read, ctx, warn, &tlen);
        if (t)
            use_table(phys, t, tlen, warn, out);
    }
}

static const uint8_t *load_root(const uint8_t *rsdp, size_t rsdp_len, phys_reader_fn read,
                                void *ctx, acpi_warn_fn warn, struct acpi_info *out, uint32_t *len)
{
    uint64_t xsdt = out->revision >= 2 && rsdp_len >= 32 ? acpi_get64(rsdp + 24) : 0;
    const uint8_t *root = xsdt ? load_table(xsdt, "XSDT", read, ctx, warn, len) : NULL;
    out->root_is_xsdt = root != NULL;
    out->root = root ? xsdt : acpi_get32(rsdp + 16);
    if (!root)
        root = load_table(out->root, "RSDT", read, ctx, warn, len);
    return root;
}

/* \_S5 and the host bridge _CRS from the DSDT; _CRS from every SSDT */
static void scan_aml(phys_reader_fn read, void *ctx, acpi_warn_fn warn, struct acpi_info *out)
{
    uint32_t len;
    const uint8_t *dsdt = out->dsdt ? load_table(out->dsdt, "DSDT", read, ctx, warn, &len) : NULL;
    if (out->dsdt && !dsdt)
        out->dsdt = 0;
    if (dsdt) {
        out->s5_found = acpi_find_s5(dsdt + ACPI_HEADER_LENGTH, len - ACPI_HEADER_LENGTH,
                                     &out->slp_typa, &out->slp_typb);
        acpi_scan_crs(dsdt + ACPI_HEADER_LENGTH, len - ACPI_HEADER_LENGTH, "DSDT", warn, out);
    }
    for (unsigned i = 0; i < out->ssdt_count; i++) {
        const uint8_t *ssdt = load_table(out->ssdt[i], "SSDT", read, ctx, warn, &len);
        if (ssdt)
            acpi_scan_crs(ssdt + ACPI_HEADER_LENGTH, len - ACPI_HEADER_LENGTH, "SSDT", warn, out);
    }
}

int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, uint64_t rsdp_phys, phys_reader_fn read,
               void *ctx, acpi_warn_fn warn, struct acpi_info *out)
{
    memset(out, 0, sizeof *out);
    if (!rsdp_valid(rsdp, rsdp_len)) {
        acpi_warnf(warn, "ACPI RSDP invalid (signature, checksum or length): ACPI ignored");
        return -1;
    }
    out->rsdp = rsdp_phys;
    out->revision = rsdp[15];
    uint32_t len = 0;
    const uint8_t *root = load_root(rsdp, rsdp_len, read, ctx, warn, out, &len);
    if (!root) {
        acpi_warnf(warn, "ACPI: no valid RSDT or XSDT: ACPI ignored");
        return -1;
    }
    walk_root(root, len, out->root_is_xsdt ? 8 : 4, read, ctx, warn, out);
    scan_aml(read, ctx, warn, out);
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
    for (size_t off = 0; off + 8 <= len; off++) {
        /* NameOp "_S5_" (optionally rooted "\_S5_") PackageOp PkgLength NumElements */
        if (memcmp(aml + off, "_S5_", 4) != 0 || aml[off + 4] != 0x12)
            continue;
        /* PkgLength: lead byte bits 7:6 count the extra bytes; then NumElements */
        size_t first = off + 5 + 1 + (aml[off + 5] >> 6) + 1;
        const uint8_t *next;
        if (first < len && aml_small_int(aml + first, end, typa, &next) &&
            aml_small_int(next, end, typb, &next))
            return true;
    }
    return false;
}
