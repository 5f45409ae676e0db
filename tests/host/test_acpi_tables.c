/* drivers/acpi_tables.c on hand-built tables: a sound set, and the ways a
 * firmware (or a hostile hypervisor) can get them wrong. Real QEMU tables,
 * and malformed copies of them, are in test_acpi_real.c, _malformed.c,
 * _mcfg.c, _madt.c and _crs_real.c. */
#include <stdio.h>

#include "../../drivers/acpi_tables.h"
#include "harness.h"

#define MEM_BASE 0xE0000u
#define MEM_SIZE 0x4000u
static uint8_t mem[MEM_SIZE];
static char warnings[2048];

static const void *fake_read(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    if (phys < MEM_BASE || phys - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (phys - MEM_BASE))
        return NULL;
    return mem + (phys - MEM_BASE);
}

static void collect(const char *w)
{
    strncat(warnings, w, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    p[at] = (uint8_t)(0x100 - sum);
}

static void header(uint32_t off, const char *sig, uint32_t len)
{
    memcpy(mem + off, sig, 4);
    put32(mem + off + 4, len);
    mem[off + 8] = 1;
}

static const uint8_t s5_aml[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00};

/* RSDP at 0x0, RSDT at 0x100 -> FADT at 0x200, APIC at 0x400; DSDT at 0x600 */
static void build_tables(void)
{
    memset(mem, 0, sizeof mem);
    warnings[0] = '\0';
    memcpy(mem, "RSD PTR ", 8);
    put32(mem + 16, MEM_BASE + 0x100);
    fix_checksum(mem, 20, 8);
    header(0x100, "RSDT", 44);
    put32(mem + 0x100 + 36, MEM_BASE + 0x200);
    put32(mem + 0x100 + 40, MEM_BASE + 0x400);
    fix_checksum(mem + 0x100, 44, 9);
    header(0x200, "FACP", 116);
    put32(mem + 0x200 + 40, MEM_BASE + 0x600);
    put32(mem + 0x200 + 64, 0x604);
    put32(mem + 0x200 + 76, 0x608);
    put32(mem + 0x200 + 112, 1u << 8);
    fix_checksum(mem + 0x200, 116, 9);
    header(0x400, "APIC", 44);
    fix_checksum(mem + 0x400, 44, 9);
    header(0x600, "DSDT", 36 + sizeof s5_aml);
    memcpy(mem + 0x600 + 36, s5_aml, sizeof s5_aml);
    fix_checksum(mem + 0x600, 36 + sizeof s5_aml, 9);
}

static int parse(struct acpi_info *a)
{
    long off = acpi_scan_rsdp(mem, 0x100);
    if (off < 0)
        return -2;
    return acpi_parse(mem + off, 0x100 - (size_t)off, MEM_BASE + (uint64_t)off, fake_read, NULL,
                      collect, a);
}

TEST(acpi_sound_tables_give_pm_timer_and_s5)
{
    struct acpi_info a;
    build_tables();
    EXPECT_EQ(parse(&a), 0);
    EXPECT_EQ(a.fadt, MEM_BASE + 0x200);
    EXPECT_EQ(a.madt, MEM_BASE + 0x400);
    EXPECT_EQ(a.dsdt, MEM_BASE + 0x600);
    EXPECT_EQ(a.pm_timer_port, 0x608);
    EXPECT(a.pm_timer_32bit);
    EXPECT_EQ(a.pm1a_cnt, 0x604);
    EXPECT(a.s5_found);
    EXPECT_EQ(a.slp_typa, 5);
    EXPECT_STR(warnings, "");
}

TEST(acpi_bad_checksum_table_is_reported_and_ignored)
{
    struct acpi_info a;
    build_tables();
    mem[0x400 + 20] ^= 0xff; /* corrupt the APIC table */
    EXPECT_EQ(parse(&a), 0);
    EXPECT_EQ(a.madt, 0);
    EXPECT(strstr(warnings, "APIC") && strstr(warnings, "bad checksum"));
    EXPECT_EQ(a.pm_timer_port, 0x608); /* the rest is still used */
}

TEST(acpi_length_past_the_end_is_rejected)
{
    struct acpi_info a;
    build_tables();
    put32(mem + 0x200 + 4, 0x7fffffff);
    EXPECT_EQ(parse(&a), 0);
    EXPECT_EQ(a.fadt, 0);
    EXPECT_EQ(a.pm_timer_port, 0);
    EXPECT(strstr(warnings, "FACP") && strstr(warnings, "length"));
}

TEST(acpi_bad_rsdp_and_root_mean_no_acpi)
{
    struct acpi_info a;
    build_tables();
    mem[9] ^= 1;
    EXPECT_EQ(parse(&a), -2); /* the scan refuses a bad checksum */
    build_tables();
    put32(mem + 0x100 + 4, 20); /* RSDT shorter than its header */
    EXPECT_EQ(parse(&a), -1);
    EXPECT(strstr(warnings, "no valid RSDT") != NULL);
}

TEST(acpi_s5_scan_handles_truncation)
{
    uint8_t a, b;
    EXPECT(acpi_find_s5(s5_aml, sizeof s5_aml, &a, &b));
    EXPECT(!acpi_find_s5(s5_aml, 9, &a, &b));
    EXPECT(!acpi_find_s5(s5_aml, 0, &a, &b));
}
