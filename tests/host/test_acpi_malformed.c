/* Real QEMU tables (q35 + SeaBIOS, tests/host/fixtures/acpi-q35-seabios.txt)
 * broken one way at a time, in memory: a bad table is reported (the warning
 * text is asserted) and ignored, and everything else is still used. */
#include "harness.h"
#include "test_acpi_fixture.h"

static struct acpi_fixture fx;

static void load_q35(void)
{
    EXPECT_EQ(acpi_fixture_load(&fx, "acpi-q35-seabios.txt"), 0);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT_STR(fx.warnings, "");
}

static int warned(const char *a, const char *b)
{
    return strstr(fx.warnings, a) && strstr(fx.warnings, b);
}

/* everything of the q35 set except what one test broke on purpose */
static void expect_rest_used(int mcfg, int madt, int windows)
{
    const struct acpi_info *a = &fx.info;
    EXPECT_EQ(a->pm_timer_port, 0x608);
    EXPECT_EQ(a->mcfg_count, mcfg ? 1 : 0);
    EXPECT_EQ(a->lapic_base, madt ? 0xFEE00000 : 0);
    EXPECT_EQ(a->window_count, windows ? 4 : 0);
}

TEST(acpi_real_mcfg_with_a_bad_checksum_is_ignored)
{
    load_q35();
    uint64_t mcfg = fx.info.mcfg;
    acpi_fixture_bytes(&fx, mcfg + 44, 1)[0] ^= 0x10; /* base 0xb0000000 -> 0xb0000010 */
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI MCFG at 0x000000000ffe227d", "bad checksum: ignored"));
    EXPECT_EQ(fx.info.mcfg, 0);
    expect_rest_used(0, 1, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_dsdt_with_a_bad_checksum_loses_s5_and_windows_only)
{
    load_q35();
    acpi_fixture_bytes(&fx, fx.info.dsdt + 100, 1)[0] ^= 0xFF;
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI DSDT at 0x000000000ffe0040", "bad checksum: ignored"));
    EXPECT_EQ(fx.info.dsdt, 0);
    EXPECT(!fx.info.s5_found);
    expect_rest_used(1, 1, 0);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_table_length_past_the_end_of_memory_is_ignored)
{
    /* the MADT says it runs 1 MiB further than the firmware's memory */
    load_q35();
    put_u32(acpi_fixture_bytes(&fx, fx.info.madt + 4, 4), 0x100000);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI APIC at 0x000000000ffe21cd", "unreadable (length past the end): ignored"));
    EXPECT_EQ(fx.info.madt, 0);
    expect_rest_used(1, 0, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_table_length_beyond_any_table_is_ignored)
{
    load_q35();
    put_u32(acpi_fixture_bytes(&fx, fx.info.hpet + 4, 4), 0xFFFFFFF0);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI HPET at 0x000000000ffe2245", "length 4294967280 out of bounds: ignored"));
    EXPECT_EQ(fx.info.hpet_base, 0);
    expect_rest_used(1, 1, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_table_shorter_than_its_header_is_ignored)
{
    load_q35();
    put_u32(acpi_fixture_bytes(&fx, fx.info.fadt + 4, 4), 20);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI FACP at 0x000000000ffe20d9", "length 20 out of bounds: ignored"));
    EXPECT_EQ(fx.info.fadt, 0);
    EXPECT_EQ(fx.info.pm_timer_port, 0); /* the FADT's, and the DSDT it points to, are gone */
    EXPECT_EQ(fx.info.window_count, 0);
    EXPECT_EQ(fx.info.mcfg_count, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_truncated_madt_is_read_only_up_to_its_length)
{
    /* length cut (checksum fixed) to end inside the IOAPIC entry at 0x2c+8:
     * the walk must stop there, not read on into the next table */
    load_q35();
    put_u32(acpi_fixture_bytes(&fx, fx.info.madt + 4, 4), 44 + 8 + 6);
    acpi_fixture_fix_checksum(&fx, fx.info.madt);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("entry type 1 at offset 52 has length 12 (6 bytes left)",
                  "rest of the table ignored"));
    EXPECT_EQ(fx.info.ioapic_count, 0);
    EXPECT_EQ(fx.info.lapic_base, 0xFEE00000);
    expect_rest_used(1, 1, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_truncated_mcfg_has_no_entries)
{
    load_q35();
    put_u32(acpi_fixture_bytes(&fx, fx.info.mcfg + 4, 4), 44 + 8);
    acpi_fixture_fix_checksum(&fx, fx.info.mcfg);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI MCFG at 0x000000000ffe227d: 8 trailing bytes", "ignored"));
    EXPECT(warned("ACPI MCFG at 0x000000000ffe227d: no entries", "no ECAM"));
    expect_rest_used(0, 1, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_root_entry_to_nowhere_is_reported)
{
    load_q35();
    acpi_fixture_set_root_entry(&fx, "HPET", 0x7FFF0000); /* nothing there */
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI table ? at 0x000000007fff0000 unreadable", "ignored"));
    EXPECT_EQ(fx.info.hpet, 0);
    EXPECT_EQ(fx.info.hpet_base, 0);
    expect_rest_used(1, 1, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_second_madt_is_reported_and_ignored)
{
    /* what QEMU's -acpitable can add: the root then lists two */
    static uint8_t madt[44 + 12];
    load_q35();
    acpi_fixture_header(madt, "APIC", sizeof madt);
    put_u32(madt + 36, 0xFEE10000);
    madt[44] = 1;      /* IOAPIC */
    madt[45] = 0;      /* of length 0 */
    uint64_t phys = acpi_fixture_place(&fx, madt, sizeof madt);
    acpi_fixture_fix_checksum(&fx, phys);
    acpi_fixture_set_root_entry(&fx, NULL, phys);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI APIC at 0x", "a second one (first at 0x000000000ffe21cd): ignored"));
    expect_rest_used(1, 1, 1);
    EXPECT_EQ(fx.info.ioapic_count, 1);
    acpi_fixture_free(&fx);
}
