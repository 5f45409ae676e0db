/* Every ACPI parser on the tables QEMU 7.2 really builds, captured by
 * scripts/capture-fixtures.sh: q35 and pc with SeaBIOS (-kernel), q35 with
 * the matrix's devices and two PCIe root ports, and q35 with OVMF (the RSDP
 * only as GRUB's multiboot2 copy). 256 MiB of RAM in each. */
#include "harness.h"
#include "test_acpi_fixture.h"

#define GIB (1ull << 30)

static struct acpi_fixture fx;

static const struct acpi_info *parse_fixture(const char *name)
{
    EXPECT_EQ(acpi_fixture_load(&fx, name), 0);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT_STR(fx.end, "ok");
    EXPECT_STR(fx.warnings, ""); /* QEMU's own tables are sound */
    return &fx.info;
}

/* what every QEMU PC machine has, whatever the firmware */
static void expect_qemu_platform(const struct acpi_info *a)
{
    EXPECT(a->fadt && a->dsdt && a->madt && a->hpet);
    EXPECT_EQ(a->pm_timer_port, 0x608);
    EXPECT(a->s5_found);
    EXPECT_EQ(a->slp_typa, 0); /* QEMU's \_S5 is Package {0, 0, 0, 0} */
    EXPECT_EQ(a->lapic_base, 0xFEE00000);
    EXPECT_EQ(a->ioapic_count, 1);
    EXPECT_EQ(a->ioapic_base[0], 0xFEC00000);
    EXPECT_EQ(a->hpet_base, 0xFED00000);
    EXPECT_EQ(a->ssdt_count, 0); /* QEMU 7.2 puts everything in the DSDT */
}

static void expect_q35_ecam(const struct acpi_info *a)
{
    EXPECT(a->mcfg != 0);
    EXPECT_EQ(a->mcfg_count, 1);
    EXPECT_EQ(a->mcfg_entries[0].base, 0xB0000000);
    EXPECT_EQ(a->mcfg_entries[0].segment, 0);
    EXPECT_EQ(a->mcfg_entries[0].bus_start, 0);
    EXPECT_EQ(a->mcfg_entries[0].bus_end, 255);
    EXPECT_EQ(acpi_mcfg_last(&a->mcfg_entries[0]), 0xBFFFFFFF);
}

/* q35 PCI0 _CRS below 4 GiB: legacy VGA, then the hole from the end of RAM
 * (256 MiB) to ECAM, and from above ECAM to below the IOAPIC */
static void expect_q35_low_windows(const struct acpi_info *a)
{
    EXPECT(acpi_has_window(a, 0xA0000, 0xBFFFF));
    EXPECT(acpi_has_window(a, 0x10000000, 0xAFFFFFFF));
    EXPECT(acpi_has_window(a, 0xC0000000, 0xFEBFFFFF));
}

TEST(acpi_real_q35_seabios)
{
    const struct acpi_info *a = parse_fixture("acpi-q35-seabios.txt");
    EXPECT_EQ(a->rsdp, 0xF59E0); /* found by the BIOS-area scan */
    EXPECT_EQ(a->revision, 0);
    EXPECT(!a->root_is_xsdt);
    expect_qemu_platform(a);
    expect_q35_ecam(a);
    expect_q35_low_windows(a);
    EXPECT(acpi_has_window(a, 4 * GIB, 36 * GIB - 1)); /* DESIGN §8: 0x1_0000_0000-0x8_FFFF_FFFF */
    EXPECT_EQ(a->window_count, 4);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_q35_seabios_with_devices_and_root_ports)
{
    /* root ports and devices change the DSDT's device list, not the windows */
    const struct acpi_info *a = parse_fixture("acpi-q35-seabios-devices.txt");
    expect_qemu_platform(a);
    expect_q35_ecam(a);
    expect_q35_low_windows(a);
    EXPECT(acpi_has_window(a, 4 * GIB, 36 * GIB - 1));
    EXPECT_EQ(a->window_count, 4);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_pc_seabios_has_no_mcfg)
{
    const struct acpi_info *a = parse_fixture("acpi-pc-seabios.txt");
    expect_qemu_platform(a);
    EXPECT_EQ(a->mcfg, 0);
    EXPECT_EQ(a->mcfg_count, 0);
    EXPECT(acpi_has_window(a, 0xA0000, 0xBFFFF));
    EXPECT(acpi_has_window(a, 0x10000000, 0xFEBFFFFF)); /* no ECAM hole on i440FX */
    EXPECT(acpi_has_window(a, 4 * GIB, 6 * GIB - 1));   /* i440FX's 64-bit hole: 2 GiB */
    EXPECT_EQ(a->window_count, 3);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_q35_ovmf_from_the_multiboot2_copy)
{
    const struct acpi_info *a = parse_fixture("acpi-q35-ovmf.txt");
    EXPECT_EQ(fx.rsdp, 0);
    EXPECT_EQ(a->rsdp, 0);
    EXPECT_EQ(a->revision, 2);
    EXPECT(a->root_is_xsdt);
    expect_qemu_platform(a);
    expect_q35_ecam(a);
    expect_q35_low_windows(a);
    EXPECT(acpi_has_window(a, 896 * GIB, 928 * GIB - 1)); /* OVMF: 0xE0_0000_0000, 32 GiB */
    EXPECT_EQ(a->window_count, 4);
    acpi_fixture_free(&fx);
}

TEST(acpi_real_fixtures_through_the_per_table_parsers)
{
    /* the per-table entry points give what acpi_parse gave */
    static struct acpi_info direct;
    uint32_t len;
    parse_fixture("acpi-q35-seabios.txt");
    memset(&direct, 0, sizeof direct);
    const uint8_t *t = acpi_fixture_table(&fx, fx.info.mcfg, &len);
    acpi_parse_mcfg(t, len, fx.info.mcfg, NULL, &direct);
    t = acpi_fixture_table(&fx, fx.info.madt, &len);
    acpi_parse_madt(t, len, fx.info.madt, NULL, &direct);
    t = acpi_fixture_table(&fx, fx.info.hpet, &len);
    acpi_parse_hpet(t, len, fx.info.hpet, NULL, &direct);
    t = acpi_fixture_table(&fx, fx.info.dsdt, &len);
    acpi_scan_crs(t + ACPI_HEADER_LENGTH, len - ACPI_HEADER_LENGTH, "DSDT", NULL, &direct);
    EXPECT_EQ(direct.mcfg_count, 1);
    EXPECT_EQ(direct.mcfg_entries[0].base, 0xB0000000);
    EXPECT_EQ(direct.lapic_base, 0xFEE00000);
    EXPECT_EQ(direct.ioapic_base[0], 0xFEC00000);
    EXPECT_EQ(direct.hpet_base, 0xFED00000);
    EXPECT_EQ(direct.window_count, 4);
    EXPECT(!memcmp(direct.windows, fx.info.windows, sizeof direct.windows));
    acpi_fixture_free(&fx);
}
