/* drivers/pci_print.c: the listing and the names of test points. */
#include <stdio.h>

#include "../../drivers/pci.h"
#include "fake_pci.h"
#include "harness.h"

static struct pci_topology topo;
static char listing[4096];
static size_t listing_len;

static void collect_line(const char *text)
{
    listing_len += (size_t)snprintf(listing + listing_len, sizeof listing - listing_len, "%s\n",
                                    text);
}

/* q35-like: host bridge, a root port with a virtio-net behind it, an edu
 * device with a 64-bit BAR in its last slot, an I/O device, an empty bridge */
static void build_small_fabric(void)
{
    fake_pci_reset();
    fake_pci_add(BDF(0, 0, 0), 0x8086, 0x29c0, 0x060000);
    int rp = fake_pci_add_bridge(BDF(0, 1, 0), 1, 1);
    fake_pci_poke(rp, PCI_IO_BASE, 2, 0xc0c0);
    fake_pci_poke(rp, PCI_MEMORY_BASE, 4, 0xfe80fe80);
    fake_pci_poke(rp, PCI_PREF_MEMORY_BASE, 4, 0x00110001);
    fake_pci_poke(rp, PCI_PREF_BASE_UPPER32, 4, 0x8);
    fake_pci_poke(rp, PCI_PREF_LIMIT_UPPER32, 4, 0x8);
    fake_pci_bar_mem32(rp, 0, 0x1000, 0xfea00000, false);
    fake_pci_add_cap(rp, 0x54, PCI_CAP_ID_EXP);
    fake_pci_poke(rp, 0x56, 2, PCI_EXP_TYPE_ROOT_PORT << 4 | 0x2);
    int net = fake_pci_add(BDF(1, 0, 0), 0x1af4, 0x1041, 0x020000);
    fake_pci_bar_mem32(net, 1, 0x1000, 0xfe840000, false);
    fake_pci_bar_mem64(net, 4, 0x4000, 0x800000000, true);
    fake_pci_add_cap(net, 0x98, PCI_CAP_ID_MSIX);
    fake_pci_poke(net, 0x9a, 2, 0x0003);
    fake_pci_poke(net, 0x9c, 4, 0x00000001);
    fake_pci_poke(net, 0xa0, 4, 0x00000801);
    fake_pci_add_cap(net, 0x84, PCI_CAP_ID_VENDOR);
    fake_pci_add_cap(net, 0x70, PCI_CAP_ID_VENDOR);
    int edu = fake_pci_add(BDF(0, 2, 0), 0x1234, 0x11e8, 0x00ff00);
    fake_pci_bar_mem32(edu, 0, 0x100000, 0xfea00000, false);
    fake_pci_bar_mem64(edu, 5, 0x1000, 0xfeb00000, false);
    int io = fake_pci_add(BDF(0, 3, 0), 0x8086, 0x7010, 0x010180);
    fake_pci_bar_io(io, 4, 0x10, 0xc100, 16);
    fake_pci_add_bridge(BDF(0, 4, 0), 2, 2); /* empty, every window closed */
}

static const char golden[] =
    "00:00.0 8086:29c0 class 060000\n"
    "00:01.0 1b36:0001 class 060400 bridge [01-01]\n"
    "  BAR0 mem32 size 0x1000 (4K) @0x00000000fea00000\n"
    "  window io 0x000000000000c000-0x000000000000cfff\n"
    "  window mem 0x00000000fe800000-0x00000000fe8fffff\n"
    "  window pref64 0x0000000800000000-0x00000008001fffff\n"
    "  caps pcie@0x54 root-port\n"
    "    01:00.0 1af4:1041 class 020000\n"
    "      BAR1 mem32 size 0x1000 (4K) @0x00000000fe840000\n"
    "      BAR4 mem64 pref size 0x4000 (16K) @0x0000000800000000\n"
    "      caps msix@0x98 vendor@0x84,0x70\n"
    "      msix 4 vectors table BAR1+0x0 pba BAR1+0x800\n"
    "00:02.0 1234:11e8 class 00ff00\n"
    "  BAR0 mem32 size 0x100000 (1M) @0x00000000fea00000\n"
    "  BAR5 invalid @0x00000000feb00000: 64-bit BAR in the last slot\n"
    "00:03.0 8086:7010 class 010180\n"
    "  BAR4 io size 0x10 (16B) @0x000000000000c100\n"
    "00:04.0 1b36:0001 class 060400 bridge [02-02]\n"
    "  window io closed\n"
    "  window mem closed\n"
    "  window pref closed\n";

TEST(listing_of_a_small_fabric_matches_the_golden_text)
{
    static const struct pci_root root = {0, 0};
    build_small_fabric();
    pci_enumerate(&root, 1, &topo, NULL);
    listing_len = 0;
    listing[0] = '\0';
    pci_print_topology(&topo, collect_line);
    EXPECT_STR(listing, golden);
}

TEST(listing_says_when_it_is_incomplete)
{
    topo.count = 0;
    topo.truncated = true;
    listing_len = 0;
    pci_print_topology(&topo, collect_line);
    EXPECT_STR(listing, "(more functions or buses than recorded: listing incomplete)\n");
}

TEST(names_of_functions_and_bars_print_the_segment_only_when_nonzero)
{
    char buf[32];
    pci_bdf_format(BDF(0, 4, 0), buf, sizeof buf);
    EXPECT_STR(buf, "00:04.0");
    pci_bdf_format((struct pci_bdf){0x10, 0xab, 0x1f, 7}, buf, sizeof buf);
    EXPECT_STR(buf, "0010:ab:1f.7");
    struct pci_function fn = {.bdf = BDF(0, 4, 0)};
    pci_bar_describe(&fn, 2, buf, sizeof buf);
    EXPECT_STR(buf, "00:04.0 BAR2");
}

TEST(sizes_print_in_the_largest_unit_that_divides_them)
{
    char buf[16];
    pci_size_human(0x4000000, buf, sizeof buf);
    EXPECT_STR(buf, "64M");
    pci_size_human(0x20, buf, sizeof buf);
    EXPECT_STR(buf, "32B");
    pci_size_human(0x1800, buf, sizeof buf);
    EXPECT_STR(buf, "6K");
    pci_size_human(0x100000000, buf, sizeof buf);
    EXPECT_STR(buf, "4G");
    pci_size_human(0x8000000000000000u, buf, sizeof buf);
    EXPECT_STR(buf, "8E");
    pci_size_human(0, buf, sizeof buf);
    EXPECT_STR(buf, "0B");
}
