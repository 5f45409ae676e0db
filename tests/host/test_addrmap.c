/* drivers/addrmap.c: the map, its free list and the single-range queries,
 * on the q35 + SeaBIOS layout QEMU 7.2 gives a 128 MiB guest. */
#include "../../drivers/addrmap.h"
#include "harness.h"

/* tests/host/test_addrmap_q35.c */
void q35_seabios_map(struct addrmap *m);

struct free_list {
    unsigned n;
    uint64_t first[16], last[16];
};

static void collect(void *ctx, uint64_t first, uint64_t last)
{
    struct free_list *l = ctx;
    if (l->n < 16) {
        l->first[l->n] = first;
        l->last[l->n] = last;
    }
    l->n++;
}

static void expect_free_list(const struct addrmap *m, const struct addrmap_constraint *c,
                             const uint64_t (*want)[2], unsigned n)
{
    struct free_list l = {0};
    EXPECT_EQ(addrmap_for_each_free(m, c, collect, &l), n);
    EXPECT_EQ(l.n, n);
    for (unsigned i = 0; i < n && i < l.n; i++) {
        EXPECT_EQ(l.first[i], want[i][0]);
        EXPECT_EQ(l.last[i], want[i][1]);
    }
}

TEST(addrmap_q35_crs_windows_minus_bars_give_free_list)
{
    struct addrmap m;
    q35_seabios_map(&m);
    static const uint64_t want[][2] = {
        {0xc0000000, 0xfdffffff},
        {0xfe004000, 0xfeafffff},
        {0xfeb41100, 0xfebfffff},
        {0x100000000, 0x8ffffffff},
    };
    expect_free_list(&m, NULL, want, 4);
    struct addrmap_constraint below = addrmap_below_4g();
    expect_free_list(&m, &below, want, 3);
}

TEST(addrmap_wide_window_minus_ram_ecam_apic_hpet_bars)
{
    struct addrmap m;
    q35_seabios_map(&m);
    EXPECT(addrmap_add(&m, 0x7000000, 0xffffffff, ADDRMAP_WINDOW, 0)); /* window= over RAM */
    static const uint64_t want[][2] = {
        {0x8000000, 0xafffffff},  /* RAM and the reserved tail end at 128 MiB; ECAM at 0xb0000000 */
        {0xc0000000, 0xfdffffff},
        {0xfe004000, 0xfeafffff},
        {0xfeb41100, 0xfebfffff},
        {0xfec01000, 0xfecfffff}, /* IOAPIC */
        {0xfed00400, 0xfedfffff}, /* HPET (1 KiB) */
        {0xfee01000, 0xfeffbfff}, /* LAPIC, then SeaBIOS's reserved page */
        {0xff000000, 0xfffbffff}, /* up to the BIOS flash */
        {0x100000000, 0x8ffffffff},
    };
    expect_free_list(&m, NULL, want, 9);
}

TEST(addrmap_is_free_needs_window_and_no_used_range)
{
    struct addrmap m;
    q35_seabios_map(&m);
    EXPECT(addrmap_is_free(&m, 0xc0000000, 0xc0000fff));
    EXPECT(addrmap_is_free(&m, 0xfeb41100, 0xfebfffff));
    EXPECT(!addrmap_is_free(&m, 0xfeb41000, 0xfeb41fff)); /* a 256-byte BAR in it */
    EXPECT(!addrmap_is_free(&m, 0xbffff000, 0xc0000fff)); /* half in ECAM */
    EXPECT(!addrmap_is_free(&m, 0x8000000, 0x8000fff));   /* no window there */
    EXPECT(!addrmap_is_free(&m, 0xfec00000, 0xfec00fff));
    EXPECT(!addrmap_is_free(&m, 0xfebff000, 0xfec00fff)); /* runs past the window */
    EXPECT(!addrmap_is_free(&m, 2, 1));
    EXPECT(!addrmap_is_free(&m, 0xfebff000, 0x100000fff)); /* across the gap below 4 GiB */
    EXPECT(addrmap_is_free(&m, 0x100000000, 0x8ffffffff));
}

TEST(addrmap_adjacent_and_overlapping_windows_join)
{
    struct addrmap m;
    addrmap_init(&m, 40);
    EXPECT(addrmap_add(&m, 0xc0000000, 0xcfffffff, ADDRMAP_WINDOW, 0));
    EXPECT(addrmap_add(&m, 0xd0000000, 0xdfffffff, ADDRMAP_WINDOW, 0));
    EXPECT(addrmap_add(&m, 0xc8000000, 0xe7ffffff, ADDRMAP_WINDOW, 0));
    EXPECT(addrmap_is_free(&m, 0xcffff000, 0xd0000fff));
    static const uint64_t want[][2] = {{0xc0000000, 0xe7ffffff}};
    expect_free_list(&m, NULL, want, 1);
}

TEST(addrmap_memory_map_import_marks_first_mib_firmware)
{
    struct addrmap m;
    addrmap_init(&m, 40);
    const struct mem_range e820[] = {
        {0, 0x9fc00, MEM_RAM},
        {0x9fc00, 0x400, MEM_RESERVED},
        {0xf0000, 0x10000, MEM_RESERVED},
        {0x100000, 0x7ee0000, MEM_RAM},
        {0x7fe0000, 0x20000, MEM_ACPI},
        {0x12345000, 0, MEM_RAM},                 /* empty: skipped */
        {0xfffffffffffff000ull, 0x2000, 77},      /* wraps: clipped; unknown type */
    };
    EXPECT(addrmap_add_memory_map(&m, e820, 7));
    EXPECT_EQ(m.count, 7); /* six kept, then FIRMWARE: all that is no RAM below 1 MiB */
    EXPECT_EQ(m.ranges[0].kind, ADDRMAP_RAM);
    EXPECT_EQ(m.ranges[4].kind, ADDRMAP_RESERVED);
    EXPECT_EQ(m.ranges[5].end, UINT64_MAX);
    EXPECT_EQ(m.ranges[5].kind, ADDRMAP_RESERVED);
    EXPECT_EQ(m.ranges[6].kind, ADDRMAP_FIRMWARE);
    EXPECT_EQ(m.ranges[6].base, 0x9fc00); /* overlaps the reserved entries: harmless */
    EXPECT_EQ(m.ranges[6].end, 0xfffff);
    EXPECT_STR(addrmap_kind_name(m.ranges[6].kind), "firmware");
    EXPECT_STR(addrmap_kind_name(ADDRMAP_BRIDGE_WINDOW), "bridge-window");
    EXPECT_STR(addrmap_kind_name(ADDRMAP_KIND_COUNT), "unknown");
}

TEST(addrmap_memory_map_without_low_ram_is_all_firmware_below_1m)
{
    struct addrmap m;
    addrmap_init(&m, 40);
    const struct mem_range e820[] = {{0x100000, 0x1000000, MEM_RAM}};
    EXPECT(addrmap_add_memory_map(&m, e820, 1));
    EXPECT_EQ(m.count, 2);
    EXPECT_EQ(m.ranges[1].base, 0);
    EXPECT_EQ(m.ranges[1].end, 0xfffff);
}

TEST(addrmap_add_rejects_inverted_ranges_unknown_kinds_and_a_full_map)
{
    struct addrmap m;
    addrmap_init(&m, 40);
    EXPECT(!addrmap_add(&m, 0x2000, 0x1fff, ADDRMAP_BAR, 1));
    EXPECT(!addrmap_add(&m, 0x1000, 0x1fff, ADDRMAP_KIND_COUNT, 1));
    EXPECT(addrmap_add(&m, 5, 5, ADDRMAP_BAR, 1)); /* one byte is a range */
    unsigned added = 1;
    while (addrmap_add(&m, 0x10000 * added, 0x10000 * added + 0xfff, ADDRMAP_BAR, added))
        added++;
    EXPECT_EQ(added, ADDRMAP_MAX_RANGES);
    EXPECT_EQ(m.count, ADDRMAP_MAX_RANGES);
    EXPECT(!addrmap_add(&m, 0xc0000000, 0xcfffffff, ADDRMAP_WINDOW, 0));
    const struct mem_range more[] = {{0x100000, 0x1000, MEM_RAM}};
    EXPECT(!addrmap_add_memory_map(&m, more, 1));
    EXPECT_EQ(addrmap_remove_owner(&m, ADDRMAP_BAR, 7), 1);
    EXPECT(addrmap_add(&m, 0xc0000000, 0xcfffffff, ADDRMAP_WINDOW, 0));
}

TEST(addrmap_remove_owner_frees_only_that_owner_and_kind)
{
    struct addrmap m;
    q35_seabios_map(&m);
    EXPECT(addrmap_add(&m, 0xc0000000, 0xc0003fff, ADDRMAP_BAR, 0x42));
    EXPECT(addrmap_add(&m, 0xc0100000, 0xc01fffff, ADDRMAP_BRIDGE_WINDOW, 0x42));
    EXPECT(!addrmap_is_free(&m, 0xc0000000, 0xc0000fff));
    EXPECT_EQ(addrmap_remove_owner(&m, ADDRMAP_BAR, 0x42), 1);
    EXPECT(addrmap_is_free(&m, 0xc0000000, 0xc0000fff));
    EXPECT(!addrmap_is_free(&m, 0xc0100000, 0xc0100fff)); /* the bridge window stays */
    EXPECT_EQ(addrmap_remove_owner(&m, ADDRMAP_BAR, 0x42), 0);
}

TEST(addrmap_ranges_touching_top_of_64_bit_space)
{
    struct addrmap m;
    addrmap_init(&m, 64);
    EXPECT_EQ(m.phys_last, UINT64_MAX);
    EXPECT(addrmap_add(&m, 0xffffffffffff0000ull, UINT64_MAX, ADDRMAP_WINDOW, 0));
    EXPECT(addrmap_is_free(&m, 0xffffffffffff0000ull, UINT64_MAX));
    static const uint64_t whole[][2] = {{0xffffffffffff0000ull, UINT64_MAX}};
    expect_free_list(&m, NULL, whole, 1);
    EXPECT(addrmap_add(&m, 0xfffffffffffff000ull, UINT64_MAX, ADDRMAP_BAR, 1));
    static const uint64_t lower[][2] = {{0xffffffffffff0000ull, 0xffffffffffffefffull}};
    expect_free_list(&m, NULL, lower, 1);
    EXPECT(!addrmap_is_free(&m, UINT64_MAX, UINT64_MAX));
    EXPECT(addrmap_add(&m, 0, UINT64_MAX, ADDRMAP_RAM, 0));
    expect_free_list(&m, NULL, lower, 0);
}

TEST(addrmap_nothing_at_or_above_phys_bits_is_free)
{
    struct addrmap m;
    addrmap_init(&m, 36);
    EXPECT_EQ(m.phys_last, 0xfffffffffull);
    EXPECT(addrmap_add(&m, 0x100000000, UINT64_MAX, ADDRMAP_WINDOW, 0));
    static const uint64_t want[][2] = {{0x100000000, 0xfffffffffull}};
    expect_free_list(&m, NULL, want, 1);
    EXPECT(addrmap_is_free(&m, 0xffffff000ull, 0xfffffffffull));
    EXPECT(!addrmap_is_free(&m, 0xffffff000ull, 0x1000000fffull));
    EXPECT(!addrmap_is_free(&m, 0x1000000000ull, 0x1000000fffull));
    addrmap_init(&m, 52);
    EXPECT_EQ(m.phys_last, (1ull << 52) - 1);
    addrmap_init(&m, 12);
    EXPECT_EQ(m.phys_bits, 32);
    addrmap_init(&m, 99);
    EXPECT_EQ(m.phys_bits, 64);
    EXPECT_EQ(m.count, 0);
}
