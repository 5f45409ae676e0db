/* drivers/pci_caps.c: the capability walk, against the fake fabric. */
#include "../../drivers/pci.h"
#include "fake_pci.h"
#include "harness.h"

static struct pci_caps caps;

static void read_caps(int h)
{
    uint16_t status = (uint16_t)fake_pci_peek(h, PCI_STATUS, 2);
    pci_caps_read(BDF(0, 3, 0), PCI_HEADER_NORMAL, status, &caps);
}

static int add_device(void)
{
    fake_pci_reset();
    return fake_pci_add(BDF(0, 3, 0), 0x1af4, 0x1041, 0x020000);
}

TEST(caps_self_loop_terminates)
{
    int h = add_device();
    fake_pci_add_cap(h, 0x40, PCI_CAP_ID_MSI);
    fake_pci_poke(h, 0x41, 1, 0x40); /* next = itself */
    read_caps(h);
    EXPECT_EQ(caps.msi, 0x40);
    EXPECT_STR(caps.problem, "capability list loops");
    EXPECT(fake_pci_stats()->accesses < 20);
}

TEST(caps_longer_cycle_terminates_within_48_entries)
{
    int h = add_device();
    fake_pci_add_cap(h, 0x40, PCI_CAP_ID_VENDOR);
    fake_pci_add_cap(h, 0x60, PCI_CAP_ID_VENDOR);
    fake_pci_add_cap(h, 0x80, PCI_CAP_ID_MSIX);
    fake_pci_poke(h, 0x81, 1, 0x60); /* back to the second */
    read_caps(h);
    EXPECT_EQ(caps.vendor_count, 2);
    EXPECT_EQ(caps.msix, 0x80);
    EXPECT_STR(caps.problem, "capability list loops");
    EXPECT(fake_pci_stats()->accesses < 48 * 4);
}

TEST(caps_pointer_low_bits_are_masked_and_a_pointer_below_0x40_ends_the_list)
{
    int h = add_device();
    fake_pci_add_cap(h, 0x50, PCI_CAP_ID_EXP);
    fake_pci_poke(h, PCI_CAPABILITY_LIST, 1, 0x53); /* reserved low bits set */
    fake_pci_poke(h, 0x51, 1, 0x3c);                /* into the header: the end */
    read_caps(h);
    EXPECT_EQ(caps.pcie, 0x50);
    EXPECT(caps.problem == NULL);
}

TEST(caps_are_not_read_without_status_cap_list)
{
    int h = add_device();
    fake_pci_add_cap(h, 0x40, PCI_CAP_ID_MSI);
    fake_pci_poke(h, PCI_STATUS, 2, 0);
    read_caps(h);
    EXPECT_EQ(caps.msi, 0);
    EXPECT_EQ(fake_pci_stats()->accesses, 0);
}

TEST(caps_msix_table_and_pba_bir_offset_and_size_are_decoded)
{
    int h = add_device();
    fake_pci_add_cap(h, 0x98, PCI_CAP_ID_MSIX);
    fake_pci_poke(h, 0x9a, 2, 0x0003);     /* table size N-1 = 3 */
    fake_pci_poke(h, 0x9c, 4, 0x00002001); /* BAR1 + 0x2000 */
    fake_pci_poke(h, 0xa0, 4, 0x00003804); /* BAR4 + 0x3800 */
    read_caps(h);
    EXPECT_EQ(caps.msix, 0x98);
    EXPECT_EQ(caps.msix_info.table_size, 4);
    EXPECT_EQ(caps.msix_info.table_bir, 1);
    EXPECT_EQ(caps.msix_info.table_offset, 0x2000);
    EXPECT_EQ(caps.msix_info.pba_bir, 4);
    EXPECT_EQ(caps.msix_info.pba_offset, 0x3800);
}

/* QEMU's virtio-net-pci (modern): MSI-X, then five vendor caps (common,
 * notify, ISR, device, PCI cfg access), then PCIe on q35 */
TEST(caps_virtio_like_vendor_list_is_recorded_in_order)
{
    int h = add_device();
    fake_pci_add_cap(h, 0x98, PCI_CAP_ID_MSIX);
    static const uint8_t vendor_at[] = {0x84, 0x70, 0x60, 0x50, 0x40};
    for (unsigned i = 0; i < 5; i++)
        fake_pci_add_cap(h, vendor_at[i], PCI_CAP_ID_VENDOR);
    fake_pci_add_cap(h, 0xac, PCI_CAP_ID_EXP);
    fake_pci_poke(h, 0xae, 2, 0x0002); /* version 2, type endpoint (0) */
    read_caps(h);
    EXPECT_EQ(caps.vendor_count, 5);
    for (unsigned i = 0; i < 5; i++)
        EXPECT_EQ(caps.vendor[i], vendor_at[i]);
    EXPECT_EQ(caps.pcie, 0xac);
    EXPECT_EQ(caps.pcie_type, PCI_EXP_TYPE_ENDPOINT);
    EXPECT(caps.problem == NULL);
}

TEST(caps_more_vendor_caps_than_recorded_is_a_problem_not_an_overflow)
{
    int h = add_device();
    for (unsigned i = 0; i < 10; i++)
        fake_pci_add_cap(h, (uint8_t)(0x40 + 8 * i), PCI_CAP_ID_VENDOR);
    read_caps(h);
    EXPECT_EQ(caps.vendor_count, PCI_MAX_VENDOR_CAPS);
    EXPECT_STR(caps.problem, "more vendor-specific capabilities than recorded");
}

TEST(caps_of_a_root_port_give_its_pcie_type)
{
    fake_pci_reset();
    int h = fake_pci_add_bridge(BDF(0, 3, 0), 1, 1);
    fake_pci_add_cap(h, 0x54, PCI_CAP_ID_EXP);
    fake_pci_poke(h, 0x56, 2, PCI_EXP_TYPE_ROOT_PORT << 4 | 0x2);
    pci_caps_read(BDF(0, 3, 0), PCI_HEADER_BRIDGE, PCI_STATUS_CAP_LIST, &caps);
    EXPECT_EQ(caps.pcie_type, PCI_EXP_TYPE_ROOT_PORT);
}
