/* drivers/addrmap_alloc.c: slots are aligned, free, inside their constraint,
 * follow the seed, and run out cleanly. */
#include "../../drivers/addrmap.h"
#include "harness.h"

/* tests/host/test_addrmap_q35.c */
void q35_seabios_map(struct addrmap *m);

#define FOUR_GIB (1ull << 32)

/* every property a returned slot must have */
static void expect_good_slot(const struct addrmap *m, uint64_t base, uint64_t size,
                             const struct addrmap_constraint *c)
{
    uint64_t span = addrmap_slot_span(size);
    EXPECT(base != 0);
    EXPECT_EQ(base % span, 0);
    EXPECT(addrmap_is_free(m, base, base + span - 1) || (c && c->in_bridge_window));
    EXPECT(addrmap_slot_ok(m, base, size, c));
}

TEST(addrmap_alloc_lowest_is_first_free_aligned_slot)
{
    struct addrmap m;
    q35_seabios_map(&m);
    uint64_t base = 0;
    EXPECT(addrmap_alloc(&m, 0x1000, NULL, NULL, &base));
    EXPECT_EQ(base, 0xc0000000);
    EXPECT(addrmap_alloc(&m, 0x4000000, NULL, NULL, &base)); /* 64 MiB */
    EXPECT_EQ(base, 0xc0000000);
    EXPECT(addrmap_add(&m, 0xc0000000, 0xc0000fff, ADDRMAP_BAR, 9));
    EXPECT(addrmap_alloc(&m, 0x100, NULL, NULL, &base)); /* small BARs get a page */
    EXPECT_EQ(base, 0xc0001000);
    EXPECT(addrmap_add(&m, base, base + 0xff, ADDRMAP_BAR, 10));
    EXPECT(addrmap_alloc(&m, 0x10, NULL, NULL, &base)); /* not into that page's rest */
    EXPECT_EQ(base, 0xc0002000);
    EXPECT(addrmap_alloc(&m, 0x4000000, NULL, NULL, &base)); /* 64 MiB: next aligned */
    EXPECT_EQ(base, 0xc4000000);
}

TEST(addrmap_alloc_is_naturally_aligned_and_inside_a_window)
{
    struct addrmap m;
    q35_seabios_map(&m);
    struct prng rng;
    prng_seed(&rng, 0x1234);
    const struct addrmap_constraint where[] = {addrmap_anywhere(), addrmap_below_4g(),
                                               addrmap_above_4g()};
    for (unsigned i = 0; i < 300; i++) {
        uint64_t size = 1ull << (4 + i % 28), base = 0; /* 16 B .. 2 GiB */
        const struct addrmap_constraint *c = &where[i % 3];
        if (!addrmap_alloc(&m, size, c, &rng, &base))
            continue;
        expect_good_slot(&m, base, size, c);
        EXPECT(base >= c->lo && base + addrmap_slot_span(size) - 1 <= c->hi);
    }
    uint64_t base;
    EXPECT(!addrmap_alloc(&m, 0x3000, NULL, &rng, &base)); /* not a power of two */
    EXPECT(!addrmap_alloc(&m, 0, NULL, &rng, &base));
}

TEST(addrmap_alloc_below_and_above_4g)
{
    struct addrmap m;
    q35_seabios_map(&m);
    struct addrmap_constraint below = addrmap_below_4g(), above = addrmap_above_4g();
    uint64_t base;
    EXPECT(addrmap_alloc(&m, 0x20000000, &below, NULL, &base)); /* 512 MiB: one place */
    EXPECT_EQ(base, 0xc0000000);
    EXPECT_EQ(addrmap_count_slots(&m, 0x20000000, &below), 1);
    EXPECT(!addrmap_alloc(&m, 0x40000000, &below, NULL, &base)); /* 1 GiB fits nowhere */
    EXPECT(addrmap_alloc(&m, 0x40000000, &above, NULL, &base));
    EXPECT(base >= FOUR_GIB);
    /* low dwords 0 .. 128 MiB are RAM or firmware: the lowest clean page above is 4G + 128M */
    EXPECT(addrmap_alloc(&m, 0x1000, &above, NULL, &base));
    EXPECT_EQ(base, 0x108000000);
    EXPECT(!addrmap_alloc(&m, FOUR_GIB, &above, NULL, &base)); /* its alias is all of low 4G */
    EXPECT(!addrmap_alloc(&m, 0x1000000000ull, &above, NULL, &base)); /* bigger than windows */
}

TEST(addrmap_alloc_inside_bridge_window_only_when_asked)
{
    struct addrmap m;
    q35_seabios_map(&m);
    /* root port window, a BAR in it, and a child bridge's window in its upper half */
    EXPECT(addrmap_add(&m, 0xfe800000, 0xfe9fffff, ADDRMAP_BRIDGE_WINDOW, 0x10));
    EXPECT(addrmap_add(&m, 0xfe800000, 0xfe803fff, ADDRMAP_BAR, 0x1100));
    EXPECT(addrmap_add(&m, 0xfe900000, 0xfe9fffff, ADDRMAP_BRIDGE_WINDOW, 0x11));
    struct addrmap_constraint port = addrmap_in_bridge_window(0xfe800000, 0xfe9fffff);
    struct addrmap_constraint child = addrmap_in_bridge_window(0xfe900000, 0xfe9fffff);
    uint64_t base;
    EXPECT(addrmap_alloc(&m, 0x4000, &port, NULL, &base));
    EXPECT_EQ(base, 0xfe804000);
    EXPECT(!addrmap_is_free(&m, base, base + 0x3fff)); /* not free to anyone else */
    EXPECT(!addrmap_slot_ok(&m, base, 0x4000, NULL));
    struct prng rng;
    prng_seed(&rng, 5);
    for (int i = 0; i < 100; i++) {
        EXPECT(addrmap_alloc(&m, 0x1000, &port, &rng, &base));
        EXPECT(base >= 0xfe804000 && base <= 0xfe8ff000); /* never in the child's window */
        EXPECT(addrmap_alloc(&m, 0x1000, &child, &rng, &base));
        EXPECT(base >= 0xfe900000 && base <= 0xfe9ff000);
        expect_good_slot(&m, base, 0x1000, &child);
        EXPECT(addrmap_alloc(&m, 0x1000, NULL, &rng, &base));
        EXPECT(base < 0xfe800000 || base > 0xfe9fffff);
    }
    EXPECT(!addrmap_alloc(&m, 0x200000, &port, NULL, &base)); /* the window is not free */
    EXPECT_EQ(addrmap_count_slots(&m, 0x100000, &child), 1);
}

TEST(addrmap_alloc_exhaustion_returns_false_not_an_overlap)
{
    struct addrmap m;
    addrmap_init(&m, 40);
    EXPECT(addrmap_add(&m, 0xc0000000, 0xc0003fff, ADDRMAP_WINDOW, 0));
    struct prng rng;
    prng_seed(&rng, 99);
    uint64_t got[4] = {0}, base;
    for (unsigned i = 0; i < 4; i++) {
        EXPECT(addrmap_alloc(&m, 0x1000, NULL, &rng, &got[i]));
        for (unsigned j = 0; j < i; j++)
            EXPECT(got[i] != got[j]);
        EXPECT(addrmap_add(&m, got[i], got[i] + 0xfff, ADDRMAP_BAR, i));
    }
    EXPECT(!addrmap_alloc(&m, 0x1000, NULL, &rng, &base));
    EXPECT_EQ(addrmap_count_slots(&m, 0x1000, NULL), 0);
    EXPECT_EQ(addrmap_remove_owner(&m, ADDRMAP_BAR, 2), 1);
    EXPECT(addrmap_alloc(&m, 0x1000, NULL, &rng, &base)); /* owner removal frees its slot */
    EXPECT_EQ(base, got[2]);
}

TEST(addrmap_alloc_same_seed_same_slots_other_seed_other_slots)
{
    struct addrmap m;
    q35_seabios_map(&m);
    struct prng a, b, c;
    prng_seed(&a, 0x1234);
    prng_seed(&b, 0x1234);
    prng_seed(&c, 0x1235);
    struct addrmap_constraint below = addrmap_below_4g();
    unsigned same = 0, differ = 0;
    for (int i = 0; i < 16; i++) {
        uint64_t x = 0, y = 0, z = 0;
        EXPECT(addrmap_alloc(&m, 0x4000, &below, &a, &x));
        EXPECT(addrmap_alloc(&m, 0x4000, &below, &b, &y));
        EXPECT(addrmap_alloc(&m, 0x4000, &below, &c, &z));
        same += x == y;
        differ += x != z;
    }
    EXPECT_EQ(same, 16);
    EXPECT(differ >= 15);
}

TEST(addrmap_alloc_top_of_64_bit_space_and_never_zero)
{
    struct addrmap m;
    addrmap_init(&m, 64);
    EXPECT(addrmap_add(&m, 0, UINT64_MAX, ADDRMAP_WINDOW, 0));
    uint64_t base = 0;
    EXPECT(addrmap_alloc(&m, 0x1000, NULL, NULL, &base));
    EXPECT_EQ(base, 0x1000);
    EXPECT(addrmap_alloc(&m, 1ull << 63, NULL, NULL, &base)); /* empty low 4G: alias clean */
    EXPECT_EQ(base, 1ull << 63);
    EXPECT_EQ(addrmap_count_slots(&m, 1ull << 63, NULL), 1);
    EXPECT_EQ(addrmap_count_slots(&m, 0x1000, NULL), (1ull << 52) - 1); /* all but page 0 */
    EXPECT(addrmap_add(&m, 0, 0x9ffff, ADDRMAP_RAM, 0));
    EXPECT(!addrmap_alloc(&m, 1ull << 63, NULL, NULL, &base));
    struct addrmap_constraint top = {0xffffffffffff0000ull, UINT64_MAX, false};
    EXPECT(addrmap_alloc(&m, 0x10000, &top, NULL, &base));
    EXPECT_EQ(base, 0xffffffffffff0000ull);
    EXPECT(addrmap_add(&m, base, UINT64_MAX, ADDRMAP_BAR, 1));
    EXPECT(!addrmap_alloc(&m, 0x1000, &top, NULL, &base));
}

TEST(addrmap_alloc_stays_below_phys_bits)
{
    struct addrmap m;
    addrmap_init(&m, 36);
    EXPECT(addrmap_add(&m, 0, 0x7ffffff, ADDRMAP_RAM, 0));
    EXPECT(addrmap_add(&m, 0x100000000, UINT64_MAX, ADDRMAP_WINDOW, 0));
    struct prng rng;
    prng_seed(&rng, 3);
    uint64_t base;
    for (int i = 0; i < 200; i++) {
        uint64_t size = 1ull << (12 + i % 20);
        EXPECT(addrmap_alloc(&m, size, NULL, &rng, &base));
        EXPECT(base + size - 1 <= 0xfffffffffull);
    }
    EXPECT(!addrmap_alloc(&m, 1ull << 36, NULL, &rng, &base));
}
