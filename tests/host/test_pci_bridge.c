/* drivers/pci_bridge.c: bridge windows, against the fake fabric. */
#include "../../drivers/pci.h"
#include "fake_pci.h"
#include "harness.h"

static struct pci_bridge_info info;

TEST(bridge_windows_decode_io_memory_and_64bit_prefetchable)
{
    fake_pci_reset();
    int h = fake_pci_add_bridge(BDF(0, 1, 0), 1, 3);
    fake_pci_poke(h, PCI_IO_BASE, 2, 0xd0c0);              /* 0xc000-0xdfff, 16-bit */
    fake_pci_poke(h, PCI_MEMORY_BASE, 4, 0xfe90fe80);      /* 0xfe800000-0xfe9fffff */
    fake_pci_poke(h, PCI_PREF_MEMORY_BASE, 4, 0x0ff10001); /* 64-bit, low 0x0-0x0fffffff */
    fake_pci_poke(h, PCI_PREF_BASE_UPPER32, 4, 0x8);
    fake_pci_poke(h, PCI_PREF_LIMIT_UPPER32, 4, 0x8);
    pci_bridge_read(BDF(0, 1, 0), &info);
    EXPECT_EQ(info.primary, 0);
    EXPECT_EQ(info.secondary, 1);
    EXPECT_EQ(info.subordinate, 3);
    EXPECT_EQ(info.io.bits, 16);
    EXPECT_EQ(info.io.base, 0xc000);
    EXPECT_EQ(info.io.limit, 0xdfff);
    EXPECT(!info.io.closed);
    EXPECT_EQ(info.mem.base, 0xfe800000);
    EXPECT_EQ(info.mem.limit, 0xfe9fffff);
    EXPECT_EQ(info.pref.bits, 64);
    EXPECT_EQ(info.pref.base, 0x800000000);
    EXPECT_EQ(info.pref.limit, 0x80fffffff);
    EXPECT(!info.pref.closed);
}

TEST(bridge_windows_with_limit_below_base_are_closed)
{
    fake_pci_reset();
    fake_pci_add_bridge(BDF(0, 1, 0), 1, 1); /* the fake starts every window closed */
    pci_bridge_read(BDF(0, 1, 0), &info);
    EXPECT(info.io.closed);
    EXPECT(info.mem.closed);
    EXPECT(info.pref.closed);
    EXPECT(!pci_window_covers(&info.mem, 0xfff00000, 0x1000));
}

TEST(bridge_64bit_prefetchable_window_closed_only_by_its_upper_dwords)
{
    fake_pci_reset();
    int h = fake_pci_add_bridge(BDF(0, 1, 0), 1, 1);
    fake_pci_poke(h, PCI_PREF_MEMORY_BASE, 4, 0x00010001); /* low dwords equal */
    fake_pci_poke(h, PCI_PREF_BASE_UPPER32, 4, 0x9);
    fake_pci_poke(h, PCI_PREF_LIMIT_UPPER32, 4, 0x8);
    pci_bridge_read(BDF(0, 1, 0), &info);
    EXPECT(info.pref.closed);
}

TEST(bridge_32bit_io_window_uses_the_upper_16_bits)
{
    fake_pci_reset();
    int h = fake_pci_add_bridge(BDF(0, 1, 0), 1, 1);
    fake_pci_poke(h, PCI_IO_BASE, 2, 0x1010 | 0x0101);
    fake_pci_poke(h, PCI_IO_BASE_UPPER16, 4, 0x00020001);
    fake_pci_poke(h, PCI_PREF_MEMORY_BASE, 4, 0xfff0e000); /* 32-bit prefetchable */
    fake_pci_poke(h, PCI_PREF_BASE_UPPER32, 4, 0x5);       /* ignored: not 64-bit */
    pci_bridge_read(BDF(0, 1, 0), &info);
    EXPECT_EQ(info.io.bits, 32);
    EXPECT_EQ(info.io.base, 0x11000);
    EXPECT_EQ(info.io.limit, 0x21fff);
    EXPECT_EQ(info.pref.bits, 32);
    EXPECT_EQ(info.pref.base, 0xe0000000);
    EXPECT_EQ(info.pref.limit, 0xffffffff);
}

TEST(bridge_window_covers_only_whole_ranges_inside_it)
{
    struct pci_window w = {.base = 0xfe800000, .limit = 0xfe9fffff, .bits = 32};
    EXPECT(pci_window_covers(&w, 0xfe800000, 0x200000));
    EXPECT(pci_window_covers(&w, 0xfe9ff000, 0x1000));
    EXPECT(!pci_window_covers(&w, 0xfe9ff000, 0x2000));
    EXPECT(!pci_window_covers(&w, 0xfe700000, 0x1000));
    EXPECT(!pci_window_covers(&w, 0xfe800000, 0));
    struct pci_window top = {.base = 0xfff0000000000000u, .limit = ~0ull, .bits = 64};
    EXPECT(pci_window_covers(&top, 0xfffffffffffff000u, 0x1000));
    EXPECT(!pci_window_covers(&top, 0xfffffffffffff000u, 0x2000)); /* wraps */
}
