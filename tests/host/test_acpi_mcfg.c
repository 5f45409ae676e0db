/* MCFG validation: QEMU's q35 MCFG replaced (or joined) by hostile ones in a
 * real table set, the way QEMU's -acpitable or a broken firmware would. Each
 * bad entry is dropped with its reason, and the good ones are still used. */
#include "harness.h"
#include "test_acpi_fixture.h"

static struct acpi_fixture fx;

struct entry { uint64_t base; uint16_t segment; uint8_t start, end; };

/* an MCFG with these entries at a new address; returns it */
static uint64_t place_mcfg(const struct entry *e, unsigned n)
{
    static uint8_t t[44 + 16 * 20];
    uint32_t len = 44 + 16 * n;
    memset(t, 0, sizeof t);
    acpi_fixture_header(t, "MCFG", len);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = t + 44 + 16 * i;
        put_u64(p, e[i].base);
        put_u16(p + 8, e[i].segment);
        p[10] = e[i].start;
        p[11] = e[i].end;
    }
    uint64_t phys = acpi_fixture_place(&fx, t, len);
    acpi_fixture_fix_checksum(&fx, phys);
    return phys;
}

/* q35 SeaBIOS with its MCFG replaced by (replace) or added to (!replace) one of these */
static const struct acpi_info *parse_with(const struct entry *e, unsigned n, bool replace)
{
    EXPECT_EQ(acpi_fixture_load(&fx, "acpi-q35-seabios.txt"), 0);
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    acpi_fixture_set_root_entry(&fx, replace ? "MCFG" : NULL, place_mcfg(e, n));
    EXPECT_EQ(acpi_fixture_parse(&fx), 0);
    EXPECT_EQ(fx.info.window_count, 4); /* the rest is still used */
    EXPECT_EQ(fx.info.lapic_base, 0xFEE00000);
    return &fx.info;
}

static int warned(const char *text)
{
    return strstr(fx.warnings, text) != NULL;
}

TEST(acpi_mcfg_several_entries_and_segments_are_kept_in_order)
{
    static const struct entry e[] = {{0xB0000000, 0, 0, 0x7F},
                                     {0xB0000000, 1, 0x80, 0xFF}, /* bus 0x80+ of seg 1 */
                                     {0x3000000000, 2, 0, 0}};
    const struct acpi_info *a = parse_with(e, 3, true);
    EXPECT_STR(fx.warnings, "");
    EXPECT_EQ(a->mcfg_count, 3);
    EXPECT_EQ(a->mcfg_entries[1].segment, 1);
    EXPECT_EQ(a->mcfg_entries[1].bus_start, 0x80);
    EXPECT_EQ(acpi_mcfg_first(&a->mcfg_entries[1]), 0xB8000000);
    EXPECT_EQ(acpi_mcfg_last(&a->mcfg_entries[2]), 0x30000FFFFF);
    acpi_fixture_free(&fx);
}

TEST(acpi_mcfg_with_zero_entries_means_no_ecam)
{
    const struct acpi_info *a = parse_with(NULL, 0, true);
    EXPECT(warned("no entries: no ECAM from it"));
    EXPECT_EQ(a->mcfg_count, 0);
    acpi_fixture_free(&fx);
}

TEST(acpi_mcfg_inverted_bus_range_is_dropped)
{
    static const struct entry e[] = {{0xB0000000, 0, 0x20, 0x1F}, {0xC0000000, 1, 0, 3}};
    const struct acpi_info *a = parse_with(e, 2, true);
    EXPECT(warned("entry 0 (base 0x00000000b0000000 segment 0 buses 0x20-0x1f): "
                  "inverted bus range: dropped"));
    EXPECT_EQ(a->mcfg_count, 1);
    EXPECT_EQ(a->mcfg_entries[0].base, 0xC0000000);
    acpi_fixture_free(&fx);
}

TEST(acpi_mcfg_zero_unaligned_and_wrapping_bases_are_dropped)
{
    static const struct entry e[] = {{0, 1, 0, 255},
                                      {0xB0080000, 2, 0, 255},
                                      {0xFFFFFFFFFFF00000, 3, 0, 1},
                                      {0xFFFFFFFFF0000000, 4, 0, 255}};
    const struct acpi_info *a = parse_with(e, 4, true);
    EXPECT(warned("entry 0 (base 0x0000000000000000 segment 1 buses 0x00-0xff): base address 0"));
    EXPECT(warned("entry 1 (base 0x00000000b0080000 segment 2 buses 0x00-0xff): base not 1 MiB aligned"));
    EXPECT(warned("entry 2 (base 0xfffffffffff00000 segment 3 buses 0x00-0x01): ECAM range wraps"));
    EXPECT_EQ(a->mcfg_count, 1); /* the last one ends exactly at 2^64 - 1 */
    EXPECT_EQ(acpi_mcfg_last(&a->mcfg_entries[0]), UINT64_MAX);
    acpi_fixture_free(&fx);
}

TEST(acpi_mcfg_overlapping_ecam_ranges_keep_the_first)
{
    /* segment 1 decoding inside segment 0's ECAM: config accesses alias */
    static const struct entry e[] = {{0xB0000000, 0, 0, 255}, {0xB8000000, 1, 0, 255},
                                     {0xA8000000, 2, 0, 255}};
    const struct acpi_info *a = parse_with(e, 3, true);
    EXPECT(warned("entry 1 (base 0x00000000b8000000 segment 1 buses 0x00-0xff): ECAM range "
                  "overlaps that of base 0x00000000b0000000 segment 0: dropped"));
    EXPECT(warned("entry 2 (base 0x00000000a8000000 segment 2 buses 0x00-0xff): ECAM range overlaps"));
    EXPECT_EQ(a->mcfg_count, 1);
    acpi_fixture_free(&fx);
}

TEST(acpi_mcfg_in_a_second_table_meets_the_first)
{
    /* QEMU's -acpitable adds an MCFG next to QEMU's own: the same segment
     * and buses elsewhere (over RAM here) must not win or join */
    static const struct entry e[] = {{0x00100000, 0, 0, 255}, {0xE0000000, 0, 0x10, 0x1F}};
    const struct acpi_info *a = parse_with(e, 2, false);
    EXPECT(warned("entry 0 (base 0x0000000000100000 segment 0 buses 0x00-0xff): repeats the "
                  "segment and buses of base 0x00000000b0000000 segment 0: dropped"));
    EXPECT(warned("entry 1 (base 0x00000000e0000000 segment 0 buses 0x10-0x1f): repeats"));
    EXPECT_EQ(a->mcfg_count, 1);
    EXPECT_EQ(a->mcfg_entries[0].base, 0xB0000000);
    acpi_fixture_free(&fx);
}

TEST(acpi_mcfg_more_entries_than_kept_are_reported)
{
    static struct entry e[20];
    for (unsigned i = 0; i < 20; i++)
        e[i] = (struct entry){0x100000000ull * (i + 1), (uint16_t)i, 0, 255};
    const struct acpi_info *a = parse_with(e, 20, true);
    EXPECT_EQ(a->mcfg_count, ACPI_MAX_MCFG);
    EXPECT(warned("entry 16 (base 0x0000001100000000 segment 16 buses 0x00-0xff): more than 16"));
    EXPECT(warned("entry 19 "));
    acpi_fixture_free(&fx);
}

static char map_warnings[512];

static void collect(const char *w)
{
    strncat(map_warnings, w, sizeof map_warnings - strlen(map_warnings) - 2);
    strcat(map_warnings, "\n");
}

TEST(acpi_mcfg_ecam_over_ram_is_dropped_with_the_memory_map)
{
    /* what the table alone cannot show: a hostile MCFG on -machine pc (no
     * ECAM of its own) putting ECAM at 1 MiB, over the kernel; the map is
     * the one QEMU -kernel gives q35 with 256 MiB */
    static const struct mem_range map[] = {{0, 0x9FC00, MEM_RAM},
                                           {0x100000, 0xFEE0000, MEM_RAM},
                                           {0xFFE0000, 0x20000, MEM_RESERVED},
                                           {0xB0000000, 0x10000000, MEM_RESERVED}};
    static struct acpi_info a;
    memset(&a, 0, sizeof a);
    a.mcfg_entries[0] = (struct acpi_mcfg_entry){0x00100000, 0, 0, 255};
    a.mcfg_entries[1] = (struct acpi_mcfg_entry){0x3000000000, 1, 0, 255};
    a.mcfg_entries[2] = (struct acpi_mcfg_entry){0xB0000000, 2, 0, 255}; /* reserved: fine */
    a.mcfg_entries[3] = (struct acpi_mcfg_entry){0x0FF00000, 3, 0, 0};   /* ends in reserved */
    a.mcfg_count = 4;
    map_warnings[0] = '\0';
    acpi_mcfg_drop_over_ram(&a, map, 4, collect);
    EXPECT_STR(map_warnings,
               "ACPI MCFG (base 0x0000000000100000 segment 0 buses 0x00-0xff): ECAM over "
               "memory-map type 1 range 0x0000000000100000-0x000000000ffdffff: dropped\n"
               "ACPI MCFG (base 0x000000000ff00000 segment 3 buses 0x00-0x00): ECAM over "
               "memory-map type 1 range 0x0000000000100000-0x000000000ffdffff: dropped\n");
    EXPECT_EQ(a.mcfg_count, 2);
    EXPECT_EQ(a.mcfg_entries[0].segment, 1);
    EXPECT_EQ(a.mcfg_entries[1].segment, 2);
}
