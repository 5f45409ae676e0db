/* kernel/unmapped.c: what an unmapped read returns is learned, never assumed. */
#include "../../kernel/unmapped.h"
#include "fake_pci.h"
#include "harness.h"


static void window_map(struct addrmap *m)
{
    addrmap_init(m, 40);
    EXPECT(addrmap_add(m, 0xc0000000, 0xfebfffff, ADDRMAP_WINDOW, 0));
    EXPECT(addrmap_add(m, 0xc0000000, 0xc0ffffff, ADDRMAP_BAR, 1));
}

TEST(unmapped_read_is_learned_at_a_free_address)
{
    struct addrmap m;
    struct unmapped_read u;
    char text[96];
    fake_hw_reset();
    window_map(&m);
    unmapped_read_learn(&m, &u);
    EXPECT(u.found);
    EXPECT_EQ(u.addr, 0xc1000000); /* the first free page, after the BAR */
    EXPECT_EQ(u.fault, 0);
    EXPECT_EQ(u.value, 0); /* the fake fabric reads 0 where nothing decodes */
    EXPECT(u.consistent);
    unmapped_read_describe(&u, text, sizeof text);
    EXPECT_STR(text, "0x00000000 at 0xc1000000");
}

TEST(unmapped_read_reports_a_fault)
{
    struct addrmap m;
    struct unmapped_read u;
    char text[96];
    fake_hw_reset();
    window_map(&m);
    fake_mmio_fault_at(0xc1000000);
    unmapped_read_learn(&m, &u);
    EXPECT(u.found);
    EXPECT(u.fault != 0);
    unmapped_read_describe(&u, text, sizeof text);
    EXPECT(strncmp(text, "a fault (vector ", 16) == 0);
    fake_hw_reset();
}

TEST(unmapped_read_without_free_space_is_unknown)
{
    struct addrmap m;
    struct unmapped_read u;
    char text[96];
    addrmap_init(&m, 40); /* no window: nothing is free */
    unmapped_read_learn(&m, &u);
    EXPECT(!u.found);
    unmapped_read_describe(&u, text, sizeof text);
    EXPECT_STR(text, "unknown (no free address to read)");
}
