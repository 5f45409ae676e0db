/* The acpi-dump fixture loader (test_acpi_fixture.h), and the dump's own
 * round trip: dumping a replayed fixture gives the fixture back, line for
 * line, so what the kernel prints is what the tests replay. */
#include "test_acpi_fixture.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static struct acpi_fixture *collecting;

static void collect_warning(const char *w)
{
    char *all = collecting->warnings;
    size_t have = strlen(all);
    snprintf(all + have, sizeof collecting->warnings - have, "%s\n", w);
}

/* "acpi-dump mem" and "end" lines become the "bootinfo-dump" lines that
 * fake_phys_load_dump() replays; the rsdp line is taken here. */
static int translate_line(struct acpi_fixture *f, const char *line, size_t n, char **out)
{
    if (n >= 2 && !strncmp(line, "# ", 2))
        line += 2, n -= 2;
    if (n < 10 || strncmp(line, "acpi-dump ", 10) != 0)
        return 0;
    line += 10, n -= 10;
    if (!strncmp(line, "rsdp ", 5))
        return sscanf(line + 5, "0x%" SCNx64, &f->rsdp) == 1 ? 0 : -1;
    if (strncmp(line, "mem ", 4) && strncmp(line, "end ", 4))
        return -1; /* "error ...": the capture lost something */
    *out += sprintf(*out, "bootinfo-dump %.*s\n", (int)n, line);
    return 0;
}

int acpi_fixture_load(struct acpi_fixture *f, const char *name)
{
    size_t len;
    memset(f, 0, sizeof *f);
    fake_phys_init(&f->mem);
    unsigned char *bytes = host_fixture(name, &len);
    if (!bytes)
        return -1;
    char *text = calloc(1, len + 1), *translated = calloc(1, 2 * len + 64), *out = translated;
    memcpy(text, bytes, len);
    int rc = 0;
    for (char *line = text; *line && rc == 0;) {
        size_t n = strcspn(line, "\r\n");
        rc = translate_line(f, line, n, &out);
        line += n + strspn(line + n, "\r\n");
    }
    uint32_t magic;
    uint64_t info;
    if (rc == 0)
        rc = fake_phys_load_dump(&f->mem, translated, &magic, &info, f->end, sizeof f->end);
    host_expect(rc == 0, name, "acpi fixture loads", 0);
    free(translated);
    free(text);
    free(bytes);
    return rc;
}

void acpi_fixture_free(struct acpi_fixture *f)
{
    fake_phys_free(&f->mem);
}

int acpi_fixture_parse(struct acpi_fixture *f)
{
    size_t len;
    f->warnings[0] = '\0';
    collecting = f;
    const uint8_t *rsdp = acpi_read_rsdp(f->rsdp, fake_phys_read, &f->mem, &len);
    if (!rsdp)
        return -2;
    return acpi_parse(rsdp, len, f->rsdp, fake_phys_read, &f->mem, collect_warning, &f->info);
}

uint8_t *acpi_fixture_bytes(struct acpi_fixture *f, uint64_t phys, size_t len)
{
    for (unsigned i = 0; i < f->mem.count; i++) {
        struct fake_segment *s = &f->mem.segments[i];
        if (phys >= s->base && phys - s->base <= s->len && len <= s->len - (phys - s->base))
            return s->bytes + (phys - s->base);
    }
    return NULL;
}

uint8_t *acpi_fixture_table(struct acpi_fixture *f, uint64_t phys, uint32_t *len)
{
    uint8_t *h = acpi_fixture_bytes(f, phys, ACPI_HEADER_LENGTH);
    *len = h ? acpi_get32(h + 4) : 0;
    return h ? acpi_fixture_bytes(f, phys, *len) : NULL;
}

uint64_t acpi_fixture_find(struct acpi_fixture *f, const char *sig)
{
    uint32_t len;
    const uint8_t *root = acpi_fixture_table(f, f->info.root, &len);
    unsigned size = f->info.root_is_xsdt ? 8 : 4;
    if (!strcmp(sig, "DSDT"))
        return f->info.dsdt;
    for (uint32_t off = ACPI_HEADER_LENGTH; root && off + size <= len; off += size) {
        uint64_t phys = size == 8 ? acpi_get64(root + off) : acpi_get32(root + off);
        const uint8_t *t = acpi_fixture_bytes(f, phys, 4);
        if (t && !memcmp(t, sig, 4))
            return phys;
    }
    return 0;
}

void acpi_fixture_fix_checksum(struct acpi_fixture *f, uint64_t phys)
{
    uint32_t len;
    uint8_t *t = acpi_fixture_table(f, phys, &len), sum = 0;
    if (!t)
        return;
    t[9] = 0;
    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + t[i]);
    t[9] = (uint8_t)(0x100 - sum);
}

uint64_t acpi_fixture_place(struct acpi_fixture *f, const void *table, uint32_t len)
{
    /* 1 GiB and up: above the 256 MiB of RAM the captures had, below their ECAM */
    uint64_t phys = 0x40000000 + (uint64_t)f->mem.count * 0x100000;
    memcpy(fake_phys_add(&f->mem, phys, len), table, len);
    return phys;
}

static void fix_rsdp_checksums(uint8_t *rsdp)
{
    uint8_t sum = 0;
    rsdp[8] = 0;
    for (int i = 0; i < 20; i++)
        sum = (uint8_t)(sum + rsdp[i]);
    rsdp[8] = (uint8_t)(0x100 - sum);
    if (rsdp[15] < 2)
        return;
    uint32_t len = acpi_get32(rsdp + 20);
    rsdp[32] = sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + rsdp[i]);
    rsdp[32] = (uint8_t)(0x100 - sum);
}

void acpi_fixture_set_root_entry(struct acpi_fixture *f, const char *sig, uint64_t phys)
{
    uint32_t len;
    const uint8_t *old = acpi_fixture_table(f, f->info.root, &len);
    unsigned size = f->info.root_is_xsdt ? 8 : 4;
    uint8_t *root = calloc(1, len + size);
    memcpy(root, old, len);
    uint32_t at = len; /* appended, unless an entry has the signature */
    for (uint32_t off = ACPI_HEADER_LENGTH; sig && off + size <= len; off += size) {
        const uint8_t *t = acpi_fixture_bytes(f, size == 8 ? acpi_get64(root + off)
                                                           : acpi_get32(root + off), 4);
        if (t && !memcmp(t, sig, 4))
            at = off;
    }
    len = at == len ? len + size : len;
    size == 8 ? put_u64(root + at, phys) : put_u32(root + at, (uint32_t)phys);
    put_u32(root + 4, len);
    uint64_t new_root = acpi_fixture_place(f, root, len);
    acpi_fixture_fix_checksum(f, new_root);
    free(root);
    uint8_t *rsdp = acpi_fixture_bytes(f, f->rsdp, 20);
    if (size == 8)
        put_u64(acpi_fixture_bytes(f, f->rsdp, 32) + 24, new_root);
    else
        put_u32(rsdp + 16, (uint32_t)new_root);
    fix_rsdp_checksums(acpi_fixture_bytes(f, f->rsdp, rsdp[15] >= 2 ? acpi_get32(rsdp + 20) : 20));
    f->info.root = new_root;
}

void acpi_fixture_header(uint8_t *t, const char *sig, uint32_t len)
{
    memcpy(t, sig, 4);
    put_u32(t + 4, len);
    t[8] = 1;
    memcpy(t + 10, "BARMOVHOSTILE ", 14);
}

int acpi_has_window(const struct acpi_info *a, uint64_t base, uint64_t end)
{
    for (unsigned i = 0; i < a->window_count; i++)
        if (a->windows[i].base == base && a->windows[i].end == end)
            return 1;
    return 0;
}

/* ---- the dump's round trip ---- */

static char *dumped;

static void dump_line(const char *text)
{
    size_t have = dumped ? strlen(dumped) : 0;
    dumped = realloc(dumped, have + strlen(text) + 2);
    sprintf(dumped + have, "%s\n", text);
}

/* the fixture's acpi-dump lines, as the kernel printed them */
static char *fixture_dump_lines(const char *name)
{
    size_t len;
    unsigned char *bytes = host_fixture(name, &len);
    char *lines = calloc(1, len + 1), *out = lines;
    for (size_t at = 0; bytes && at < len;) {
        size_t n = strcspn((char *)bytes + at, "\n");
        n = n > len - at ? len - at : n;
        if (!strncmp((char *)bytes + at, "acpi-dump ", 10))
            out += sprintf(out, "%.*s\n", (int)n, (char *)bytes + at);
        at += n + 1;
    }
    free(bytes);
    return lines;
}

static void expect_round_trip(const char *name)
{
    static struct acpi_fixture f;
    static struct bootinfo bi;
    memset(&bi, 0, sizeof bi);
    EXPECT_EQ(acpi_fixture_load(&f, name), 0);
    EXPECT_EQ(acpi_fixture_parse(&f), 0);
    if (f.rsdp == 0) { /* the boot loader's copy, replayed from address 0 */
        size_t len;
        const uint8_t *copy = acpi_read_rsdp(0, fake_phys_read, &f.mem, &len);
        EXPECT(copy != NULL);
        if (copy) {
            memcpy(bi.rsdp, copy, len);
            bi.rsdp_length = (unsigned)len;
            bi.rsdp_tag = 15;
        }
    }
    dumped = NULL;
    acpi_dump(&f.info, &bi, fake_phys_read, &f.mem, dump_line);
    char *want = fixture_dump_lines(name);
    EXPECT_STR(dumped, want);
    free(want);
    free(dumped);
    acpi_fixture_free(&f);
}

TEST(acpi_dump_of_a_replayed_fixture_is_the_fixture)
{
    expect_round_trip("acpi-q35-seabios.txt");
    expect_round_trip("acpi-pc-seabios.txt");
    expect_round_trip("acpi-q35-seabios-devices.txt");
    expect_round_trip("acpi-q35-ovmf.txt");
}

TEST(acpi_dump_without_rsdp_says_so)
{
    static struct acpi_info none;
    static struct bootinfo bi;
    struct fake_phys m;
    fake_phys_init(&m);
    dumped = NULL;
    acpi_dump(&none, &bi, fake_phys_read, &m, dump_line);
    EXPECT_STR(dumped, "acpi-dump rsdp 0x0\nacpi-dump end error no RSDP\n");
    free(dumped);
}
