#include "../../kernel/prng.h"
#include "harness.h"

TEST(prng_same_seed_same_sequence_other_seed_other_sequence)
{
    struct prng a, b, c;
    prng_seed(&a, 0x1234);
    prng_seed(&b, 0x1234);
    prng_seed(&c, 0x1235);
    unsigned same = 0, differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = prng_next(&a), y = prng_next(&b), z = prng_next(&c);
        same += x == y;
        differ += x != z;
    }
    EXPECT_EQ(same, 100);
    EXPECT_EQ(differ, 100);
}

TEST(prng_below_stays_in_range_and_covers_it)
{
    struct prng p;
    prng_seed(&p, 7);
    unsigned seen[6] = {0};
    for (int i = 0; i < 6000; i++) {
        uint64_t v = prng_below(&p, 6);
        EXPECT(v < 6);
        if (v < 6)
            seen[v]++;
    }
    for (int k = 0; k < 6; k++)
        EXPECT(seen[k] > 800 && seen[k] < 1200);
}
