/* drivers/addrmap*.c: the low-dword rule above 4 GiB (DESIGN §4), the
 * transient query, and the allocator's count against a brute-force one. */
#include "../../drivers/addrmap.h"
#include "harness.h"

/* tests/host/test_addrmap_q35.c */
void q35_seabios_map(struct addrmap *m);

#define GIB (1ull << 30)

TEST(addrmap_above_4g_slot_refused_when_low_dword_hits_ram_or_a_device)
{
    struct addrmap m;
    q35_seabios_map(&m);
    EXPECT(addrmap_is_free(&m, 0x100100000, 0x100100fff)); /* free itself... */
    EXPECT(!addrmap_slot_ok(&m, 0x100100000, 0x1000, NULL)); /* ...but 0x100000 is RAM */
    EXPECT(!addrmap_slot_ok(&m, 0x1feb40000, 0x1000, NULL)); /* a BAR */
    EXPECT(!addrmap_slot_ok(&m, 0x2b0000000, 0x1000, NULL)); /* ECAM */
    EXPECT(!addrmap_slot_ok(&m, 0x3fee00000, 0x1000, NULL)); /* the LAPIC */
    EXPECT(!addrmap_slot_ok(&m, 0x1000a0000, 0x1000, NULL)); /* the VGA hole: firmware */
    EXPECT(addrmap_slot_ok(&m, 0x1c0000000, 0x1000, NULL));  /* 0xc0000000: free MMIO */
    EXPECT(addrmap_slot_ok(&m, 0x108000000, 0x1000, NULL));  /* just above RAM: no window needed */
    EXPECT(addrmap_add(&m, 0xfe800000, 0xfe9fffff, ADDRMAP_BRIDGE_WINDOW, 1));
    EXPECT(!addrmap_slot_ok(&m, 0x1fe900000, 0x1000, NULL)); /* a bridge window blocks too */
    EXPECT_EQ(addrmap_remove_owner(&m, ADDRMAP_BAR, 0x0201), 1);
    EXPECT(addrmap_slot_ok(&m, 0x1feb40000, 0x1000, NULL)); /* that BAR moved away */
    /* the alias is as long as the BAR: 64 MiB at 0x1c4000000 needs 0xc4000000.. free */
    EXPECT(addrmap_slot_ok(&m, 0x1c4000000, 0x4000000, NULL));
    EXPECT(!addrmap_slot_ok(&m, 0x1fc000000, 0x4000000, NULL)); /* 0xfc000000..: BARs, APICs */
}

TEST(addrmap_slot_ok_checks_alignment_zero_and_constraint)
{
    struct addrmap m;
    q35_seabios_map(&m);
    struct addrmap_constraint below = addrmap_below_4g();
    EXPECT(addrmap_slot_ok(&m, 0xc0004000, 0x4000, &below));
    EXPECT(!addrmap_slot_ok(&m, 0xc0002000, 0x4000, &below)); /* misaligned */
    EXPECT(!addrmap_slot_ok(&m, 0xc0000000, 0x3000, &below)); /* size not a power of two */
    EXPECT(!addrmap_slot_ok(&m, 0x1c0000000, 0x4000, &below));
    EXPECT(!addrmap_slot_ok(&m, 0xc0000100, 0x100, NULL)); /* slots are pages */
    addrmap_init(&m, 40);
    EXPECT(addrmap_add(&m, 0, 0xfffff, ADDRMAP_WINDOW, 0));
    EXPECT(!addrmap_slot_ok(&m, 0, 0x1000, NULL));
    EXPECT(addrmap_slot_ok(&m, 0x1000, 0x1000, NULL));
}

TEST(addrmap_transients_of_a_64_bit_move_must_be_unused)
{
    struct addrmap m;
    q35_seabios_map(&m);
    /* 0xc0000000 -> 0x1c1000000: mixes 0xc1000000 and 0x1c0000000, both free */
    EXPECT(addrmap_transients_free(&m, 0xc0000000, 0x1c1000000, 0x4000, NULL));
    /* 0xc0000000 -> 0x1feb40000: new_lo|old_hi = 0xfeb40000 is a BAR */
    EXPECT(!addrmap_transients_free(&m, 0xc0000000, 0x1feb40000, 0x1000, NULL));
    /* 0x1c0000000 -> 0x200100000: new_lo|old_hi = 0x100100000 unused (no window needed) */
    EXPECT(addrmap_transients_free(&m, 0x1c0000000, 0x200100000, 0x1000, NULL));
    /* old_lo|new_hi of 0x100100000 -> 0x2c0000000 is 0x200100000: fine; other is 0x1c0000000 */
    EXPECT(addrmap_transients_free(&m, 0x100100000, 0x2c0000000, 0x1000, NULL));
    /* 0xc0000000 -> 0x200000000: new_lo|old_hi is 0: never */
    EXPECT(!addrmap_transients_free(&m, 0xc0000000, 0x200000000, 0x1000, NULL));
    /* same low dword (move-high-only): the mixes are old and new themselves */
    EXPECT(addrmap_add(&m, 0x1c0000000, 0x1c0000fff, ADDRMAP_BAR, 0x77));
    EXPECT(addrmap_transients_free(&m, 0x1c0000000, 0x2c0000000, 0x1000, NULL));
    /* a mix at or above 2^phys_bits (40) is not free */
    EXPECT(!addrmap_transients_free(&m, 0xc0000000, 0x100c1000000ull, 0x1000, NULL));
    EXPECT(!addrmap_transients_free(&m, 0xc0000000, 0x1c1000000, 0x3000, NULL));
}

TEST(addrmap_transients_inside_a_bridge_window_when_asked)
{
    struct addrmap m;
    addrmap_init(&m, 40);
    EXPECT(addrmap_add(&m, 0, 0x7ffffff, ADDRMAP_RAM, 0));
    EXPECT(addrmap_add(&m, 0x100000000, 0x8ffffffff, ADDRMAP_WINDOW, 0));
    EXPECT(addrmap_add(&m, 0x100000000, 0x2ffffffff, ADDRMAP_BRIDGE_WINDOW, 4));
    struct addrmap_constraint bridge = addrmap_in_bridge_window(0x100000000, 0x2ffffffff);
    /* 0x1c0000000 -> 0x2d0000000: mixes 0x1d0000000 and 0x2c0000000, in the window */
    EXPECT(!addrmap_transients_free(&m, 0x1c0000000, 0x2d0000000, 0x1000, NULL));
    EXPECT(addrmap_transients_free(&m, 0x1c0000000, 0x2d0000000, 0x1000, &bridge));
}

/* the allocator's count and choices against slot_ok tried on every base */
static void compare_with_brute_force(const struct addrmap *m, uint64_t size, uint64_t lo,
                                     uint64_t hi)
{
    uint64_t span = addrmap_slot_span(size), count = 0, lowest = 0;
    for (uint64_t b = lo; b <= hi - span + 1; b += span)
        if (addrmap_slot_ok(m, b, size, NULL)) {
            lowest = count++ ? lowest : b;
        }
    EXPECT_EQ(addrmap_count_slots(m, size, NULL), count);
    uint64_t base = 0;
    EXPECT_EQ(addrmap_alloc(m, size, NULL, NULL, &base), count != 0);
    EXPECT_EQ(base, lowest);
    struct prng rng;
    prng_seed(&rng, size);
    for (int i = 0; i < 50 && count; i++) {
        EXPECT(addrmap_alloc(m, size, NULL, &rng, &base));
        EXPECT(addrmap_slot_ok(m, base, size, NULL));
    }
}

TEST(addrmap_count_matches_brute_force_across_4g_blocks)
{
    struct addrmap m;
    q35_seabios_map(&m);
    EXPECT(addrmap_add(&m, 0x1fe200000, 0x1fe3fffff, ADDRMAP_BAR, 0x99)); /* in block 1 */
    compare_with_brute_force(&m, 2ull << 20, 0, 0x8ffffffff);  /* 2 MiB: 18432 bases */
    compare_with_brute_force(&m, 64ull << 20, 0, 0x8ffffffff);
    compare_with_brute_force(&m, GIB, 0, 0x8ffffffff);
    /* 1 GiB above 4G: only low dword 0x40000000 is clean, once per block 1..8 */
    EXPECT_EQ(addrmap_count_slots(&m, GIB, NULL), 8);
    struct prng rng;
    prng_seed(&rng, 11);
    unsigned seen = 0;
    for (int i = 0; i < 200; i++) {
        uint64_t base = 0;
        EXPECT(addrmap_alloc(&m, GIB, NULL, &rng, &base));
        EXPECT_EQ(base & 0xffffffffull, 0x40000000);
        seen |= 1u << (base >> 32);
    }
    EXPECT_EQ(seen, 0x1fe); /* every block reached */
}
