/* MADT and HPET: QEMU's real q35 tables, mutated. Every MADT entry length is
 * checked before use; a length that cannot advance the walk ends it. */
#include "harness.h"
#include "test_acpi_fixture.h"

static struct acpi_fixture fx;

static void load_q35(void)
{
    EXPECT_EQ(acpi_fixture_load(&fx, "acpi-q35-seabios.txt"), 0);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
}

static int warned(const char *text)
{
    return strstr(fx.warnings, text) != NULL;
}

/* QEMU's MADT entries: 0x2c local APIC (8 bytes), 0x34 IOAPIC (12), then
 * interrupt overrides and the local APIC NMI */
TEST(acpi_madt_real_entries)
{
    uint32_t len;
    load_q35();
    const uint8_t *m = acpi_fixture_table(&fx, fx.info.madt, &len);
    EXPECT_EQ(m[44], 0);
    EXPECT_EQ(m[45], 8);
    EXPECT_EQ(m[52], 1);
    EXPECT_EQ(m[53], 12);
    EXPECT_EQ(fx.info.ioapic_count, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_madt_entry_of_length_0_ends_the_walk)
{
    for (uint8_t bad = 0; bad < 2; bad++) { /* 0 and 1: neither advances past the header */
        load_q35();
        acpi_fixture_bytes(&fx, fx.info.madt + 45, 1)[0] = bad;
        acpi_fixture_fix_checksum(&fx, fx.info.madt);
        EXPECT_EQ(acpi_fixture_parse(&fx), 0);
        EXPECT(warned(bad ? "entry type 0 at offset 44 has length 1" :
                            "entry type 0 at offset 44 has length 0"));
        EXPECT(warned("rest of the table ignored"));
        EXPECT_EQ(fx.info.ioapic_count, 0);
        EXPECT_EQ(fx.info.lapic_base, 0xFEE00000); /* the header's field is still good */
        EXPECT_EQ(fx.info.mcfg_count, 1);
        EXPECT_EQ(fx.info.window_count, 4);
        acpi_fixture_free(&fx);
    }
}

TEST(acpi_madt_entry_past_the_end_ends_the_walk)
{
    load_q35();
    acpi_fixture_bytes(&fx, fx.info.madt + 53, 1)[0] = 0xF0; /* the IOAPIC claims 240 bytes */
    acpi_fixture_fix_checksum(&fx, fx.info.madt);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("entry type 1 at offset 52 has length 240"));
    EXPECT_EQ(fx.info.ioapic_count, 0);
    acpi_fixture_free(&fx);
}

/* QEMU's MADT with entries appended, swapped into the root */
static void swap_madt(const uint8_t *extra, uint32_t extra_len)
{
    static uint8_t t[1024];
    uint32_t len;
    const uint8_t *m = acpi_fixture_table(&fx, fx.info.madt, &len);
    memcpy(t, m, len);
    memcpy(t + len, extra, extra_len);
    put_u32(t + 4, len + extra_len);
    uint64_t phys = acpi_fixture_place(&fx, t, len + extra_len);
    acpi_fixture_fix_checksum(&fx, phys);
    acpi_fixture_set_root_entry(&fx, "APIC", phys);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
}

TEST(acpi_madt_64_bit_override_wins)
{
    uint8_t override[12] = {5, 12};
    put_u64(override + 4, 0xFEE0000000ull);
    load_q35();
    swap_madt(override, sizeof override);
    EXPECT_STR(fx.warnings, "");
    EXPECT_EQ(fx.info.lapic_base, 0xFEE0000000ull);
    EXPECT_EQ(fx.info.ioapic_count, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_madt_short_and_zero_ioapics_are_skipped)
{
    uint8_t extra[8 + 12 + 12] = {1, 8, 9}; /* an IOAPIC entry of 8 bytes, then two of 12 */
    extra[8] = extra[20] = 1;
    extra[9] = extra[21] = 12;
    put_u32(extra + 8 + 4, 0);          /* address 0 */
    put_u32(extra + 20 + 4, 0xFEC01000); /* a second, good IOAPIC */
    load_q35();
    swap_madt(extra, sizeof extra);
    EXPECT(warned("length 8 < 12: ignored"));
    EXPECT(warned("has address 0: ignored"));
    EXPECT_EQ(fx.info.ioapic_count, 2);
    EXPECT_EQ(fx.info.ioapic_base[1], 0xFEC01000);
    acpi_fixture_free(&fx);
}

TEST(acpi_madt_more_ioapics_than_kept_are_reported)
{
    uint8_t extra[12 * 9] = {0};
    for (unsigned i = 0; i < 9; i++) {
        extra[12 * i] = 1;
        extra[12 * i + 1] = 12;
        put_u32(extra + 12 * i + 4, 0xFEC10000 + 0x1000 * i);
    }
    load_q35();
    swap_madt(extra, sizeof extra);
    EXPECT_EQ(fx.info.ioapic_count, ACPI_MAX_IOAPICS);
    EXPECT(warned("more than 8 IOAPICs: 0xfec17000 ignored"));
    acpi_fixture_free(&fx);
}

TEST(acpi_madt_without_room_for_the_apic_address_is_ignored)
{
    uint8_t t[40] = {0};
    static struct acpi_info a;
    memset(&a, 0, sizeof a);
    acpi_parse_madt(t, sizeof t, 0x1000, NULL, &a);
    EXPECT_EQ(a.lapic_base, 0);
}

TEST(acpi_hpet_outside_memory_space_or_short_is_ignored)
{
    load_q35();
    acpi_fixture_bytes(&fx, fx.info.hpet + 40, 1)[0] = 1; /* GAS: system I/O */
    acpi_fixture_fix_checksum(&fx, fx.info.hpet);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI HPET at 0x000000000ffe2245: address space 1 address 0x00000000fed00000 "
                  "is not usable memory: ignored"));
    EXPECT_EQ(fx.info.hpet_base, 0);
    EXPECT_EQ(fx.info.lapic_base, 0xFEE00000);
    acpi_fixture_free(&fx);
    load_q35();
    put_u32(acpi_fixture_bytes(&fx, fx.info.hpet + 4, 4), 50);
    acpi_fixture_fix_checksum(&fx, fx.info.hpet);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI HPET at 0x000000000ffe2245: length 50 < 56: ignored"));
    EXPECT_EQ(fx.info.hpet_base, 0);
    acpi_fixture_free(&fx);
}
