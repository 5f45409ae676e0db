/* The fake MMIO model the probe tests stand on (tests/host/fake_hw.c): a
 * memory BAR answers at its current value while MEM is on, and only there. */
#include "../../drivers/hw.h"
#include "../../drivers/pci.h"
#include "fake_pci.h"
#include "harness.h"

#define EDU_AT 0xfea00000u

static uint64_t read32(uint64_t phys)
{
    uint64_t v = 0;
    EXPECT_EQ(hw_mmio_read(phys, 4, &v), 0);
    return v;
}

TEST(fake_mmio_bar_answers_at_its_value_only_while_mem_is_on)
{
    fake_pci_reset();
    int h = fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    EXPECT_EQ(read32(EDU_AT), FAKE_EDU_IDENT);
    EXPECT_EQ(read32(EDU_AT + (1 << 20)), 0); /* just past the 1 MiB BAR */
    fake_pci_set_command(h, 0);
    EXPECT_EQ(read32(EDU_AT), 0);
}

TEST(fake_mmio_bar_follows_a_config_write_of_its_address)
{
    fake_pci_reset();
    fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    EXPECT(pci_cfg_write32(BDF(0, 4, 0), PCI_BAR0, 0xc0000000u));
    EXPECT_EQ(read32(EDU_AT), 0);
    EXPECT_EQ(read32(0xc0000000u), FAKE_EDU_IDENT);
}

TEST(fake_mmio_64bit_bar_decodes_both_dwords_and_not_at_zero)
{
    fake_pci_reset();
    int h = fake_dev_ivshmem(BDF(0, 3, 0), 0x240000000ull);
    EXPECT_EQ(hw_mmio_write(0x240000008ull, 8, 0x1122334455667788ull), 0);
    EXPECT_EQ(fake_mmio_peek(h, 2, 8, 8), 0x1122334455667788ull);
    EXPECT_EQ(read32(0x40000008ull), 0); /* the low dword alone is another address */
    EXPECT_EQ(read32(0x24000000cull), 0x11223344);
    fake_pci_poke(h, PCI_BAR0 + 8, 4, 0x4 | 0x8); /* BAR2 = 0: unmapped, as on QEMU */
    fake_pci_poke(h, PCI_BAR0 + 12, 4, 0);
    EXPECT_EQ(read32(0xcull), 0);
}

TEST(fake_mmio_registers_keep_only_writable_bits_and_inverted_ones_store_the_not)
{
    fake_pci_reset();
    int nvme = fake_dev_nvme(BDF(0, 5, 0), 0xfeb00000u, false);
    EXPECT_EQ(hw_mmio_write(0xfeb00024u, 4, 0xffffffffu), 0);
    EXPECT_EQ(fake_mmio_peek(nvme, 0, 0x24, 4), 0x0fff0fffu);
    EXPECT_EQ(hw_mmio_write(0xfeb00008u, 4, 0), 0); /* VS is read-only */
    EXPECT_EQ(read32(0xfeb00008u), FAKE_NVME_VS);
    fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    EXPECT_EQ(hw_mmio_write(EDU_AT + 4, 4, 0x12345678u), 0);
    EXPECT_EQ(read32(EDU_AT + 4), 0xedcba987u);
}

TEST(fake_mmio_faults_and_misaligned_accesses_are_reported)
{
    fake_pci_reset();
    fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    fake_mmio_fault_at(EDU_AT + 4);
    uint64_t v = 1;
    EXPECT_EQ(hw_mmio_read(EDU_AT + 4, 4, &v), PROBE_FAULTED | 14);
    EXPECT_EQ(v, 0);
    EXPECT_EQ(hw_mmio_read(EDU_AT + 2, 4, &v), 0);
    EXPECT_EQ(fake_mmio_stats()->bad_accesses, 1);
}

TEST(fake_mmio_last_word_of_a_bar_answers_and_the_next_one_does_not)
{
    fake_pci_reset();
    int h = fake_dev_ivshmem(BDF(0, 3, 0), 0x240000000ull);
    uint64_t last = 0x240000000ull + FAKE_IVSHMEM_SIZE - 8, v = 0;
    EXPECT_EQ(hw_mmio_write(last, 8, 0x77), 0);
    EXPECT_EQ(fake_mmio_peek(h, 2, FAKE_IVSHMEM_SIZE - 8, 8), 0x77);
    EXPECT_EQ(hw_mmio_write(last + 8, 8, 0x88), 0);
    EXPECT_EQ(hw_mmio_read(last + 8, 8, &v), 0);
    EXPECT_EQ(v, 0);
}
