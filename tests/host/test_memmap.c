/* kernel/memmap.c: the memory map sanity check. */
#include "../../kernel/memmap.h"
#include "harness.h"

/* QEMU q35 + SeaBIOS, 128 MiB (e820 as multiboot passes it on) */
static const struct mem_range qemu_map[] = {
    {0x0, 0x9fc00, MEM_RAM},
    {0x9fc00, 0x400, MEM_RESERVED},
    {0xf0000, 0x10000, MEM_RESERVED},
    {0x100000, 0x7ee0000, MEM_RAM},
    {0x7fe0000, 0x20000, MEM_RESERVED},
    {0xb0000000, 0x10000000, MEM_RESERVED},
    {0xfed1c000, 0x4000, MEM_RESERVED},
    {0xfffc0000, 0x40000, MEM_RESERVED},
    {0xfd00000000, 0x300000000, MEM_RESERVED},
};
#define QEMU_N (sizeof qemu_map / sizeof qemu_map[0])

TEST(memmap_accepts_qemu_map)
{
    char why[200] = "untouched";
    EXPECT_EQ(memmap_check(qemu_map, QEMU_N, why, sizeof why), 0);
    EXPECT_STR(why, "");
}

TEST(memmap_accepts_unsorted_map_and_unknown_types)
{
    struct mem_range r[QEMU_N];
    for (unsigned i = 0; i < QEMU_N; i++)
        r[i] = qemu_map[QEMU_N - 1 - i];
    r[1].type = 12; /* e.g. persistent memory: kept as-is, not RAM */
    char why[200];
    EXPECT_EQ(memmap_check(r, QEMU_N, why, sizeof why), 0);
    EXPECT_EQ(r[0].base, 0xfd00000000); /* the input is not sorted in place */
}

TEST(memmap_rejects_zero_length)
{
    struct mem_range r[] = {{0, 0x9fc00, MEM_RAM}, {0x100000, 0, MEM_RESERVED}};
    char why[200];
    EXPECT_EQ(memmap_check(r, 2, why, sizeof why), -1);
    EXPECT_STR(why, "range 1 at 0x0000000000100000 has zero length");
}

TEST(memmap_rejects_wrapping_range)
{
    struct mem_range r[] = {{0, 0x9fc00, MEM_RAM}, {0xfffffffffffff000, 0x2000, MEM_RESERVED}};
    char why[200];
    EXPECT_EQ(memmap_check(r, 2, why, sizeof why), -1);
    EXPECT_STR(why, "range 1 at 0xfffffffffffff000 of 0x2000 bytes wraps past 2^64");
    /* ending exactly at the top of the address space is fine */
    struct mem_range top[] = {{0, 0x1000, MEM_RAM}, {0x100000, 0x1000, MEM_RAM},
                              {0xfffffffffffff000, 0x1000, MEM_RESERVED}};
    EXPECT_EQ(memmap_check(top, 3, why, sizeof why), 0);
}

TEST(memmap_reports_first_overlapping_pair_in_address_order)
{
    struct mem_range r[] = {
        {0x100000, 0x7ee0000, MEM_RAM},
        {0x0, 0x9fc00, MEM_RAM},
        {0x7fdf000, 0x21000, MEM_RESERVED}, /* last page of RAM is also reserved */
        {0x9f000, 0x1000, MEM_RESERVED},    /* and so is the top of low RAM */
    };
    char why[200];
    EXPECT_EQ(memmap_check(r, 4, why, sizeof why), -1);
    EXPECT_STR(why, "ranges [0x0000000000000000, 0x000000000009fbff] type 1 and "
                    "[0x000000000009f000, 0x000000000009ffff] type 2 overlap");
}

TEST(memmap_finds_overlap_with_a_range_beyond_the_predecessor)
{
    /* the big range swallows two later ones; the second is the offence even
     * though its direct predecessor ends before it */
    struct mem_range r[] = {
        {0x0, 0x9fc00, MEM_RAM},
        {0x100000, 0x10000000, MEM_RAM},
        {0x200000, 0x1000, MEM_RESERVED},
    };
    char why[200];
    EXPECT_EQ(memmap_check(r, 3, why, sizeof why), -1);
    EXPECT_STR(why, "ranges [0x0000000000100000, 0x00000000100fffff] type 1 and "
                    "[0x0000000000200000, 0x0000000000200fff] type 2 overlap");
    struct mem_range same[] = {{0x0, 0x1000, MEM_RAM}, {0x100000, 0x1000, MEM_RAM},
                               {0x100000, 0x1000, MEM_RAM}};
    EXPECT_EQ(memmap_check(same, 3, why, sizeof why), -1);
}

TEST(memmap_adjacent_ranges_do_not_overlap)
{
    struct mem_range r[] = {{0x0, 0x100000, MEM_RAM}, {0x100000, 0x100000, MEM_RAM}};
    char why[200];
    EXPECT_EQ(memmap_check(r, 2, why, sizeof why), 0);
}

TEST(memmap_needs_ram_on_both_sides_of_1mib)
{
    char why[200];
    struct mem_range high_only[] = {{0x100000, 0x7ee0000, MEM_RAM}, {0x0, 0x9fc00, MEM_RESERVED}};
    EXPECT_EQ(memmap_check(high_only, 2, why, sizeof why), -1);
    EXPECT_STR(why, "no RAM below 1 MiB (0x0000000000100000)");
    struct mem_range low_only[] = {{0x0, 0x9fc00, MEM_RAM}, {0x100000, 0x7ee0000, MEM_ACPI}};
    EXPECT_EQ(memmap_check(low_only, 2, why, sizeof why), -1);
    EXPECT_STR(why, "no RAM at or above 1 MiB (0x0000000000100000)");
    EXPECT_EQ(memmap_check(NULL, 0, why, sizeof why), -1);
    /* one range across the 1 MiB line counts for both sides */
    struct mem_range across[] = {{0x1000, 0x200000, MEM_RAM}};
    EXPECT_EQ(memmap_check(across, 1, why, sizeof why), 0);
}

TEST(memmap_refuses_more_than_it_can_sort)
{
    static struct mem_range many[BOOTINFO_MAX_RANGES + 1];
    char why[200];
    EXPECT_EQ(memmap_check(many, BOOTINFO_MAX_RANGES + 1, why, sizeof why), -1);
    EXPECT_STR(why, "129 ranges, more than 128");
}
