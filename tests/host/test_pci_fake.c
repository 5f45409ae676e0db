/* The fake fabric and seam themselves (tests/host/fake_pci.c, fake_hw.c):
 * the PCI tests are only as good as the hardware behaviour the fake copies. */
#include "../../drivers/pci.h"
#include "fake_pci.h"
#include "harness.h"

static uint32_t cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width)
{
    uint32_t v = 0x5a5a5a5a;
    EXPECT(hw_cfg_read(m, f, offset, width, &v));
    return v;
}

TEST(fake_absent_function_reads_all_ones_at_every_width)
{
    fake_pci_reset();
    EXPECT_EQ(cfg_read(HW_CFG_DEFAULT, BDF(0, 9, 0), 0, 1), 0xff);
    EXPECT_EQ(cfg_read(HW_CFG_ECAM, BDF(0, 9, 0), 0x100, 2), 0xffff);
    EXPECT_EQ(cfg_read(HW_CFG_CF8, BDF(7, 9, 3), 0, 4), 0xffffffff);
}

TEST(fake_writes_are_masked_like_hardware)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 1, 0), 0x1234, 0x5678, 0x020000);
    fake_pci_bar_mem32(h, 0, 0x1000, 0xfe000000, true);
    hw_cfg_write(HW_CFG_DEFAULT, BDF(0, 1, 0), PCI_BAR0, 4, 0xffffffff);
    EXPECT_EQ(fake_pci_peek(h, PCI_BAR0, 4), 0xfffff008); /* size mask, type bits kept */
    hw_cfg_write(HW_CFG_DEFAULT, BDF(0, 1, 0), PCI_BAR0, 4, 0xfd000123);
    EXPECT_EQ(fake_pci_peek(h, PCI_BAR0, 4), 0xfd000008);
    hw_cfg_write(HW_CFG_DEFAULT, BDF(0, 1, 0), PCI_VENDOR_ID, 2, 0);
    EXPECT_EQ(fake_pci_peek(h, PCI_VENDOR_ID, 2), 0x1234); /* read-only */
    EXPECT(fake_pci_sized(h, 0));
    EXPECT(!fake_pci_as_found());
}

TEST(fake_status_error_bits_are_write_1_to_clear)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 1, 0), 0x1234, 0x5678, 0x020000);
    fake_pci_poke(h, PCI_STATUS, 2, 0xa010); /* two error bits and CAP_LIST */
    hw_cfg_write(HW_CFG_DEFAULT, BDF(0, 1, 0), PCI_COMMAND, 4, 0x80000002);
    EXPECT_EQ(fake_pci_peek(h, PCI_STATUS, 2), 0x2010);
    EXPECT_EQ(fake_pci_peek(h, PCI_COMMAND, 2), 0x0002);
    EXPECT_EQ(fake_pci_stats()->command_dword_writes, 1);
}

TEST(fake_refuses_bad_accesses_and_counts_them)
{
    fake_pci_reset();
    uint32_t v;
    EXPECT(!hw_cfg_read(HW_CFG_CF8, BDF(0, 0, 0), 0x100, 4, &v));
    EXPECT(!hw_cfg_read(HW_CFG_ECAM, BDF(0, 0, 0), 0x2, 4, &v));
    EXPECT(!hw_cfg_read(HW_CFG_ECAM, BDF(0, 0, 0), 0x0, 3, &v));
    EXPECT(!hw_cfg_write(HW_CFG_ECAM, BDF(0, 0, 0), 0xffe, 4, 0));
    EXPECT_EQ(fake_pci_stats()->bad_accesses, 4);
}

TEST(fake_command_helpers_write_16_bits_only_when_something_changes)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 1, 0), 0x1234, 0x5678, 0x020000);
    fake_pci_poke(h, PCI_STATUS, 2, 0x8000);
    EXPECT_EQ(pci_command_set(BDF(0, 1, 0), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER), 0);
    EXPECT_EQ(pci_command_clear(BDF(0, 1, 0), PCI_COMMAND_MASTER), 0x6);
    unsigned long before = fake_pci_stats()->accesses;
    EXPECT_EQ(pci_command_set(BDF(0, 1, 0), PCI_COMMAND_MEMORY), 0x2);
    EXPECT_EQ(fake_pci_stats()->accesses, before + 1); /* the read only */
    EXPECT_EQ(fake_pci_peek(h, PCI_COMMAND, 2), 0x2);
    EXPECT_EQ(fake_pci_peek(h, PCI_STATUS, 2), 0x8000);
    EXPECT_EQ(fake_pci_stats()->command_dword_writes, 0);
}

TEST(fake_seam_mmio_reads_zero_ports_float_dma_is_aligned_and_time_advances)
{
    fake_pci_reset();
    uint64_t v = 1, phys = 0;
    EXPECT_EQ(hw_mmio_read(0xfe000000, 4, &v), 0);
    EXPECT_EQ(v, 0);
    EXPECT_EQ(hw_mmio_write(0xfe000000, 8, 1), 0);
    EXPECT_EQ(hw_port_in(0x80, 1), 0xff);
    EXPECT_EQ(hw_port_in(0x80, 4), 0xffffffff);
    hw_port_out(0x80, 1, 0);
    unsigned char *a = hw_dma_alloc(100, 1, &phys);
    unsigned char *b = hw_dma_alloc(64, 4096, &phys);
    EXPECT(a != NULL && b != NULL && a[0] == 0 && b[63] == 0);
    EXPECT_EQ(phys % 4096, 0);
    EXPECT(hw_dma_alloc(1u << 20, 1, &phys) == NULL);
    uint64_t t0 = hw_time_ns();
    EXPECT(hw_time_ns() > t0);
}
