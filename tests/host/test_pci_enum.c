/* drivers/pci_enum.c: the walk, against the fake fabric. */
#include "../../drivers/pci.h"
#include "fake_pci.h"
#include "harness.h"

static struct pci_topology topo;
static const struct pci_root root0 = {0, 0};

static int enumerate_root0(void)
{
    return pci_enumerate(&root0, 1, &topo, fake_warn);
}

/* the index of f in topo, or -1 */
static int find_function(struct pci_bdf f)
{
    for (unsigned i = 0; i < topo.count; i++) {
        struct pci_bdf g = topo.functions[i].bdf;
        if (g.segment == f.segment && g.bus == f.bus && g.device == f.device &&
            g.function == f.function)
            return (int)i;
    }
    return -1;
}

TEST(enumerate_single_device_records_ids_class_header_and_command)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 4, 0), 0x1af4, 0x1110, 0x050000);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    fake_pci_poke(h, PCI_STATUS, 2, 0x0010);
    EXPECT_EQ(enumerate_root0(), 1);
    const struct pci_function *fn = &topo.functions[0];
    EXPECT_EQ(fn->vendor, 0x1af4);
    EXPECT_EQ(fn->device, 0x1110);
    EXPECT_EQ(fn->class_code, 0x050000);
    EXPECT_EQ(fn->revision, 0x01);
    EXPECT_EQ(fn->header_type, PCI_HEADER_NORMAL);
    EXPECT(!fn->multifunction);
    EXPECT_EQ(fn->command, PCI_COMMAND_MEMORY);
    EXPECT_EQ(fn->status, 0x0010);
    EXPECT_EQ(fn->upstream, PCI_NO_UPSTREAM);
    EXPECT_EQ(fn->depth, 0);
    EXPECT(!topo.truncated);
    EXPECT(!fake_pci_stats()->limit_hit);
    EXPECT_EQ(fake_pci_stats()->bad_accesses, 0);
}

TEST(enumerate_multifunction_device_lists_each_function)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 0x1f, 0), 0x8086, 0x2918, 0x060100);
    fake_pci_set_multifunction(h);
    fake_pci_add(BDF(0, 0x1f, 2), 0x8086, 0x2922, 0x010601);
    fake_pci_add(BDF(0, 0x1f, 3), 0x8086, 0x2930, 0x0c0500);
    EXPECT_EQ(enumerate_root0(), 3);
    EXPECT(topo.functions[0].multifunction);
    EXPECT_EQ(topo.functions[1].bdf.function, 2);
    EXPECT_EQ(topo.functions[2].bdf.function, 3);
}

TEST(enumerate_single_function_device_answering_at_functions_1_to_7_is_counted_once)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 2, 0), 0x1234, 0x1111, 0x030000);
    fake_pci_alias_functions(h);
    EXPECT_EQ(enumerate_root0(), 1);
    EXPECT_EQ(topo.functions[0].bdf.device, 2);
}

TEST(enumerate_ignores_vendor_0000_and_all_ones)
{
    fake_pci_reset();
    fake_pci_add(BDF(0, 3, 0), 0x0000, 0x0000, 0x000000);
    fake_pci_add(BDF(0, 5, 0), 0x1b36, 0x0005, 0x00ff00);
    EXPECT_EQ(enumerate_root0(), 1);
    EXPECT_EQ(topo.functions[0].bdf.device, 5);
}

/* 00:01.0 -> bus 1: 01:00.0 -> bus 2: 02:00.0 endpoint; 00:02.0 after the subtree */
static void build_two_level_fabric(void)
{
    fake_pci_reset();
    fake_pci_add(BDF(0, 0, 0), 0x8086, 0x29c0, 0x060000);
    fake_pci_add_bridge(BDF(0, 1, 0), 1, 2);
    fake_pci_add_bridge(BDF(1, 0, 0), 2, 2);
    int nvme = fake_pci_add(BDF(2, 0, 0), 0x1b36, 0x0010, 0x010802);
    fake_pci_bar_mem64(nvme, 0, 0x4000, 0xfe600000, false);
    fake_pci_set_command(nvme, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    fake_pci_add(BDF(1, 3, 0), 0x1af4, 0x1041, 0x020000);
    fake_pci_add(BDF(0, 2, 0), 0x1234, 0x1111, 0x030000);
}

TEST(enumerate_walks_bridges_two_levels_deep_depth_first_with_upstream_indices)
{
    build_two_level_fabric();
    EXPECT_EQ(enumerate_root0(), 6);
    int host = find_function(BDF(0, 0, 0)), rp = find_function(BDF(0, 1, 0));
    int sw = find_function(BDF(1, 0, 0)), nvme = find_function(BDF(2, 0, 0));
    int net = find_function(BDF(1, 3, 0)), vga = find_function(BDF(0, 2, 0));
    EXPECT(host == 0 && rp == 1 && sw == 2 && nvme == 3 && net == 4 && vga == 5);
    EXPECT_EQ(topo.functions[host].upstream, PCI_NO_UPSTREAM);
    EXPECT_EQ(topo.functions[rp].upstream, PCI_NO_UPSTREAM);
    EXPECT_EQ(topo.functions[sw].upstream, rp);
    EXPECT_EQ(topo.functions[nvme].upstream, sw);
    EXPECT_EQ(topo.functions[net].upstream, rp);
    EXPECT_EQ(topo.functions[vga].upstream, PCI_NO_UPSTREAM);
    EXPECT_EQ(topo.functions[nvme].depth, 2);
    EXPECT_EQ(topo.functions[nvme].bars[0].size, 0x4000);
    EXPECT(topo.functions[rp].is_bridge);
    EXPECT_EQ(topo.functions[rp].bridge.secondary, 1);
    EXPECT_EQ(topo.functions[rp].bridge.subordinate, 2);
    EXPECT_EQ(fake_warn_count(), 0);
}

TEST(enumerate_never_sizes_with_decode_on_and_leaves_every_bar_and_command_as_found)
{
    build_two_level_fabric();
    enumerate_root0();
    EXPECT_EQ(fake_pci_stats()->sized_with_decode_on, 0);
    EXPECT_EQ(fake_pci_stats()->command_dword_writes, 0);
    EXPECT(fake_pci_stats()->bar_sizings > 0);
    EXPECT(fake_pci_as_found());
}

TEST(enumerate_bus_loop_terminates_with_a_warning)
{
    fake_pci_reset();
    fake_pci_add_bridge(BDF(0, 1, 0), 1, 1);
    fake_pci_add_bridge(BDF(1, 0, 0), 0, 1); /* points back to the root bus */
    fake_pci_add_bridge(BDF(1, 1, 0), 1, 1); /* points at its own bus */
    EXPECT_EQ(enumerate_root0(), 3);
    EXPECT(fake_warned("01:00.0: secondary bus 0x00 is not above its own bus 0x01: a loop"));
    EXPECT(fake_warned("01:01.0: secondary bus 0x01 is not above its own bus 0x01: a loop"));
    EXPECT(!fake_pci_stats()->limit_hit);
}

TEST(enumerate_bus_claimed_by_two_bridges_is_walked_once)
{
    fake_pci_reset();
    fake_pci_add_bridge(BDF(0, 1, 0), 1, 1);
    fake_pci_add_bridge(BDF(0, 2, 0), 1, 1);
    fake_pci_add(BDF(1, 0, 0), 0x1234, 0x0001, 0x020000);
    EXPECT_EQ(enumerate_root0(), 3);
    EXPECT(fake_warned("segment 0x0000 bus 0x01 reached twice, not walked again"));
}

TEST(enumerate_unconfigured_bridge_is_listed_not_walked)
{
    fake_pci_reset();
    fake_pci_add_bridge(BDF(0, 1, 0), 0, 0);
    EXPECT_EQ(enumerate_root0(), 1);
    EXPECT(fake_warned("00:01.0: bridge without bus numbers"));
}

TEST(enumerate_cardbus_function_is_listed_but_not_walked)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 6, 0), 0x104c, 0xac50, 0x060700);
    fake_pci_poke(h, PCI_HEADER_TYPE, 1, PCI_HEADER_CARDBUS);
    fake_pci_poke(h, PCI_PRIMARY_BUS, 4, 0x00020100); /* CardBus has bus numbers too */
    fake_pci_add(BDF(2, 0, 0), 0x1234, 0x0001, 0x020000);
    EXPECT_EQ(enumerate_root0(), 1);
    EXPECT_EQ(topo.functions[0].header_type, PCI_HEADER_CARDBUS);
    EXPECT_EQ(topo.functions[0].bar_count, 0);
    EXPECT_EQ(fake_pci_stats()->bar_sizings, 0);
}

TEST(enumerate_more_functions_than_the_bound_warns_without_overflow)
{
    fake_pci_reset();
    /* 10 buses of 32 single-function devices behind bridges on bus 0 */
    for (uint8_t b = 1; b <= 10; b++) {
        fake_pci_add_bridge(BDF(0, b, 0), b, b);
        for (uint8_t d = 0; d < 31; d++)
            fake_pci_add(BDF(b, d, 0), 0x1234, 0x0001, 0xff0000);
    }
    EXPECT_EQ(enumerate_root0(), PCI_MAX_FUNCTIONS);
    EXPECT(topo.truncated);
    EXPECT(fake_warned("more than 256 functions"));
    EXPECT_EQ(fake_warn_count(), 1);
    EXPECT(!fake_pci_stats()->limit_hit);
}

TEST(enumerate_walks_several_roots_and_segments)
{
    fake_pci_reset();
    fake_pci_add(BDF(0, 0, 0), 0x8086, 0x29c0, 0x060000);
    fake_pci_add((struct pci_bdf){1, 0, 3, 0}, 0x1b36, 0x0010, 0x010802);
    fake_pci_add(BDF(0x80, 2, 0), 0x1b36, 0x000b, 0x060000);
    const struct pci_root roots[] = {{0, 0}, {1, 0}, {0, 0x80}};
    EXPECT_EQ(pci_enumerate(roots, 3, &topo, fake_warn), 3);
    EXPECT_EQ(topo.functions[1].bdf.segment, 1);
    EXPECT_EQ(topo.functions[2].bdf.bus, 0x80);
    /* the same root twice is one bus */
    const struct pci_root twice[] = {{0, 0}, {0, 0}};
    EXPECT_EQ(pci_enumerate(twice, 2, &topo, NULL), 1);
}

TEST(enumerate_survives_a_fabric_that_stops_answering)
{
    build_two_level_fabric();
    for (unsigned long i = 0; i < FAKE_READ_LIMIT; i++) {
        uint32_t v;
        hw_cfg_read(HW_CFG_DEFAULT, BDF(0, 0, 0), 0, 4, &v);
    }
    EXPECT_EQ(enumerate_root0(), 0); /* everything reads all-ones: nothing there */
    EXPECT(fake_pci_stats()->limit_hit);
}
