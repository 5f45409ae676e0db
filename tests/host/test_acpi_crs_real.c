/* Host bridge _CRS in QEMU's real q35 DSDT (acpi-q35-seabios.txt), mutated,
 * and in SSDTs added to the real table set the way -acpitable or an
 * expander bridge (pxb) adds them. */
#include <stdlib.h>

#include "harness.h"
#include "test_acpi_fixture.h"

static struct acpi_fixture fx;

static void load_q35(void)
{
    EXPECT_EQ(acpi_fixture_load(&fx, "acpi-q35-seabios.txt"), 0);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT_EQ(fx.info.window_count, 4);
}

static int warned(const char *text)
{
    return strstr(fx.warnings, text) != NULL;
}

/* first occurrence of pattern in the DSDT at or after from; the table offset */
static uint32_t dsdt_find(const void *pattern, size_t n, uint32_t from)
{
    uint32_t len;
    const uint8_t *d = acpi_fixture_table(&fx, fx.info.dsdt, &len);
    for (uint32_t off = from; d && off + n <= len; off++)
        if (!memcmp(d + off, pattern, n))
            return off;
    EXPECT(!"pattern in the DSDT");
    return 0;
}

/* PCI0's template: WordBusNumber (0x88, length 13, resource type 2) first */
static uint32_t pci0_template(void)
{
    return dsdt_find("\x88\x0d\x00\x02", 4, 0);
}

TEST(acpi_crs_real_qword_past_its_buffer_loses_pci0_windows_only)
{
    load_q35();
    uint32_t qword = dsdt_find("\x8a\x2b\x00\x00", 4, pci0_template());
    acpi_fixture_bytes(&fx, fx.info.dsdt + qword + 1, 1)[0] = 0x60;
    acpi_fixture_fix_checksum(&fx, fx.info.dsdt);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("malformed resource template (an item runs past the buffer): ignored"));
    EXPECT_EQ(fx.info.window_count, 0);
    EXPECT(fx.info.s5_found); /* the rest of the DSDT, and the other tables, still count */
    EXPECT_EQ(fx.info.mcfg_count, 1);
    EXPECT_EQ(fx.info.lapic_base, 0xFEE00000);
    acpi_fixture_free(&fx);
}

TEST(acpi_crs_real_len_mismatch_is_trusted_and_reported)
{
    load_q35();
    /* DWordMemory 0xc0000000-0xfebfffff: its _LEN is the last 4 bytes of 26 */
    uint32_t dword = dsdt_find("\x00\x00\x00\xc0\xff\xff\xbf\xfe", 8, pci0_template()) - 10;
    put_u32(acpi_fixture_bytes(&fx, fx.info.dsdt + dword + 22, 4), 0x1000000);
    acpi_fixture_fix_checksum(&fx, fx.info.dsdt);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("window 0x00000000c0000000-0x00000000febfffff disagrees with _LEN 0x1000000: "
                  "using 0x00000000c0000000-0x00000000c0ffffff"));
    EXPECT(acpi_has_window(&fx.info, 0xC0000000, 0xC0FFFFFF));
    EXPECT_EQ(fx.info.window_count, 4);
    acpi_fixture_free(&fx);
}

/* 2-byte PkgLength (the template makes both packages longer than 63 bytes) */
static void pkg_length2(uint8_t *p, unsigned value)
{
    p[0] = (uint8_t)(0x40 | (value & 0x0F));
    p[1] = (uint8_t)(value >> 4);
}

/* An SSDT: Device (\_SB.PCI9) { Name (_CRS, ResourceTemplate () {template}) } */
static uint64_t place_ssdt(const uint8_t *template, uint8_t tlen)
{
    uint8_t t[256] = {0};
    const uint8_t head[] = {0x5B, 0x82, 0, 0, '\\', 0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '9',
                            0x08, '_', 'C', 'R', 'S', 0x11, 0, 0, 0x0A, tlen};
    uint32_t len = ACPI_HEADER_LENGTH + sizeof head + tlen;
    uint8_t *aml = t + ACPI_HEADER_LENGTH;
    acpi_fixture_header(t, "SSDT", len);
    memcpy(aml, head, sizeof head);
    memcpy(aml + sizeof head, template, tlen);
    pkg_length2(aml + 2, (unsigned)sizeof head - 2 + tlen); /* Device */
    pkg_length2(aml + 20, 4u + tlen);                       /* Buffer */
    uint64_t phys = acpi_fixture_place(&fx, t, len);
    acpi_fixture_fix_checksum(&fx, phys);
    return phys;
}

/* WordBusNumber 0x80-0x80; QWordMemory 0x20_0000_0000-0x20_ffff_ffff; end */
static const uint8_t pxb_template[] = {
    0x88, 13, 0, 2, 0x0C, 0, 0, 0, 0x80, 0, 0x80, 0, 0, 0, 1, 0,
    0x8A, 43, 0, 0, 0x0C, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0,
    0xFF, 0xFF, 0xFF, 0xFF, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0x79, 0};

TEST(acpi_crs_real_second_host_bridge_in_an_ssdt)
{
    load_q35();
    uint64_t ssdt = place_ssdt(pxb_template, sizeof pxb_template);
    acpi_fixture_set_root_entry(&fx, NULL, ssdt);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT_STR(fx.warnings, "");
    EXPECT_EQ(fx.info.ssdt_count, 1);
    EXPECT_EQ(fx.info.ssdt[0], ssdt);
    EXPECT_EQ(fx.info.window_count, 5); /* the DSDT's four first */
    EXPECT_EQ(fx.info.windows[4].base, 0x2000000000);
    EXPECT_EQ(fx.info.windows[4].end, 0x20FFFFFFFF);
    acpi_fixture_free(&fx);
}

TEST(acpi_crs_real_ssdt_with_bad_checksum_or_past_its_buffer)
{
    uint8_t broken[sizeof pxb_template];
    memcpy(broken, pxb_template, sizeof broken);
    broken[17] = 0x50; /* the QWord runs past the buffer */
    load_q35();
    uint64_t good = place_ssdt(pxb_template, sizeof pxb_template);
    acpi_fixture_bytes(&fx, good + 50, 1)[0] ^= 1;
    acpi_fixture_set_root_entry(&fx, NULL, good);
    acpi_fixture_set_root_entry(&fx, NULL, place_ssdt(broken, sizeof broken));
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT(warned("ACPI SSDT at 0x0000000040"));
    EXPECT(warned("bad checksum: ignored"));
    EXPECT(warned("ACPI _CRS in SSDT+0x37: malformed resource template (an item runs past the "
                  "buffer): ignored"));
    EXPECT_EQ(fx.info.ssdt_count, 1);
    EXPECT_EQ(fx.info.window_count, 4);
    acpi_fixture_free(&fx);
}

TEST(acpi_crs_real_ssdt_list_is_bounded)
{
    load_q35();
    uint64_t ssdt = place_ssdt(pxb_template, sizeof pxb_template);
    for (unsigned i = 0; i < ACPI_MAX_SSDTS + 1; i++)
        acpi_fixture_set_root_entry(&fx, NULL, ssdt);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT_EQ(fx.info.ssdt_count, ACPI_MAX_SSDTS);
    EXPECT(warned("more than 16 SSDTs: not scanned"));
    EXPECT_EQ(fx.info.window_count, 5); /* sixteen times the same window: kept once */
    acpi_fixture_free(&fx);
}
