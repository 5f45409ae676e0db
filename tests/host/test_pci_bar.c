/* drivers/pci_bar.c: BAR decoding and sizing against the fake fabric. */
#include "../../drivers/pci.h"
#include "fake_pci.h"
#include "harness.h"

static struct pci_function fn;

static void read_function(struct pci_bdf f)
{
    pci_function_read(f, &fn, fake_warn);
}

TEST(bar_sizing_finds_mem32_mem64_io_and_prefetchable_bars_and_restores_them)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 4, 0), 0x1af4, 0x1110, 0x050000);
    fake_pci_bar_mem32(h, 0, 0x100, 0xfebf1000, false);
    fake_pci_bar_io(h, 1, 0x20, 0xc040, 32);
    fake_pci_bar_mem64(h, 2, 0x4000000, 0xf4000000, true);
    fake_pci_bar_mem32(h, 4, 0x1000, 0xfebf2000, true);
    read_function(BDF(0, 4, 0));
    EXPECT_EQ(fn.bar_count, 6);
    EXPECT_EQ(fn.bars[0].kind, PCI_BAR_MEM32);
    EXPECT_EQ(fn.bars[0].size, 0x100);
    EXPECT_EQ(fn.bars[0].addr, 0xfebf1000);
    EXPECT(!fn.bars[0].prefetchable);
    EXPECT_EQ(fn.bars[1].kind, PCI_BAR_IO);
    EXPECT_EQ(fn.bars[1].size, 0x20);
    EXPECT_EQ(fn.bars[1].addr, 0xc040);
    EXPECT_EQ(fn.bars[2].kind, PCI_BAR_MEM64);
    EXPECT_EQ(fn.bars[2].size, 0x4000000);
    EXPECT_EQ(fn.bars[2].addr, 0xf4000000);
    EXPECT(fn.bars[2].prefetchable);
    EXPECT_EQ(fn.bars[3].kind, PCI_BAR_MEM64_UPPER);
    EXPECT_EQ(fn.bars[4].kind, PCI_BAR_MEM32);
    EXPECT(fn.bars[4].prefetchable);
    EXPECT_EQ(fn.bars[5].kind, PCI_BAR_UNUSED);
    for (unsigned n = 0; n < 6; n++) {
        EXPECT(fn.bars[n].problem == NULL);
        EXPECT_EQ(fn.bars[n].index, n);
    }
    EXPECT(fake_pci_as_found());
    /* every register, the upper half of BAR2 included: only sizing says BAR5 is unused */
    EXPECT_EQ(fake_pci_stats()->bar_sizings, 6);
    EXPECT_EQ(fake_warn_count(), 0);
}

TEST(bar_sizing_happens_with_decode_off_and_command_restored_by_16bit_writes)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 3, 0), 0x8086, 0x100e, 0x020000);
    fake_pci_bar_mem32(h, 0, 0x20000, 0xfeb80000, false);
    fake_pci_bar_io(h, 1, 0x40, 0xc000, 32);
    fake_pci_bar_mem64(h, 2, 0x4000, 0x800000000, false);
    fake_pci_set_command(h, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    /* a pending error bit: a dword COMMAND write would clear it */
    fake_pci_poke(h, PCI_STATUS, 2, 0x2000);
    read_function(BDF(0, 3, 0));
    const struct fake_pci_stats *s = fake_pci_stats();
    EXPECT_EQ(s->bar_sizings, 6);
    EXPECT_EQ(s->sized_with_decode_on, 0);
    EXPECT_EQ(s->command_dword_writes, 0);
    EXPECT_EQ(fake_pci_peek(h, PCI_COMMAND, 2), 0x7);
    EXPECT_EQ(fake_pci_peek(h, PCI_STATUS, 2), 0x2000);
    EXPECT_EQ(fn.command, 0x7); /* as found, not as during sizing */
    EXPECT_EQ(fn.bars[2].addr, 0x800000000);
    EXPECT(fake_pci_as_found());
}

TEST(bar_64bit_in_the_last_slot_is_reported_invalid_and_not_sized)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 5, 0), 0x1234, 0x5678, 0xff0000);
    fake_pci_bar_mem64(h, 5, 0x1000, 0xfe000000, false);
    read_function(BDF(0, 5, 0));
    EXPECT_EQ(fn.bars[5].kind, PCI_BAR_INVALID);
    EXPECT_STR(fn.bars[5].problem, "64-bit BAR in the last slot");
    EXPECT(!fake_pci_sized(h, 5));
    EXPECT(fake_pci_sized(h, 4));
    EXPECT(fake_warned("00:05.0 BAR5: 64-bit BAR in the last slot"));
    EXPECT(fake_pci_as_found());
}

TEST(bar_reading_back_all_ones_after_restore_is_reported)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 6, 0), 0x1234, 0x0001, 0x010802);
    fake_pci_bar_mem64(h, 0, 0x4000, 0xfe000000, false);
    fake_pci_bar_sticks_all_ones(h, 0);
    read_function(BDF(0, 6, 0));
    EXPECT_EQ(fn.bars[0].kind, PCI_BAR_INVALID);
    EXPECT_STR(fn.bars[0].problem, "BAR reads back all-ones after restore");
    EXPECT_EQ(fake_warn_count(), 1);
    EXPECT_STR(fake_warn_text(0), "00:06.0 BAR0: BAR reads back all-ones after restore: "
                                  "wrote 0x00000000fe000004, reads 0x00000000ffffffff");
    EXPECT(!fake_pci_as_found());
}

TEST(bar_restore_that_does_not_stick_is_reported)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 6, 0), 0x1234, 0x0001, 0x010802);
    fake_pci_bar_mem32(h, 1, 0x1000, 0xfe001000, false);
    fake_pci_bar_drops_restore(h, 1);
    read_function(BDF(0, 6, 0));
    EXPECT_EQ(fn.bars[1].kind, PCI_BAR_INVALID);
    EXPECT_STR(fn.bars[1].problem, "BAR restore did not stick");
    EXPECT(fake_warned("wrote 0x00000000fe001000, reads 0x00000000fffff000"));
}

TEST(bar_that_reads_all_ones_before_sizing_is_reported_and_not_written)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 7, 0), 0x1234, 0x0002, 0x028000);
    fake_pci_poke(h, PCI_BAR0, 4, 0xffffffff);
    read_function(BDF(0, 7, 0));
    EXPECT_EQ(fn.bars[0].kind, PCI_BAR_INVALID);
    EXPECT_STR(fn.bars[0].problem, "BAR reads all-ones");
    EXPECT(!fake_pci_sized(h, 0));
}

TEST(bar_sizes_reach_2_pow_63_and_cross_4g)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 8, 0), 0x1234, 0x0003, 0x050000);
    fake_pci_bar_mem64(h, 0, 0x8000000000000000u, 0x8000000000000000u, true);
    fake_pci_bar_mem64(h, 2, 0x100000000u, 0x1000000000u, true);
    fake_pci_bar_mem64(h, 4, 0x10, 0xfffffffffffffff0u, false);
    read_function(BDF(0, 8, 0));
    EXPECT_EQ(fn.bars[0].size, 0x8000000000000000u);
    EXPECT_EQ(fn.bars[0].addr, 0x8000000000000000u);
    EXPECT_EQ(fn.bars[2].size, 0x100000000u);
    EXPECT_EQ(fn.bars[2].addr, 0x1000000000u);
    EXPECT_EQ(fn.bars[4].size, 0x10);
    EXPECT_EQ(fn.bars[4].addr, 0xfffffffffffffff0u);
    EXPECT(fn.bars[0].problem == NULL && fn.bars[2].problem == NULL);
    EXPECT(fake_pci_as_found());
}

TEST(bar_io_with_a_16bit_decoder_sizes_from_the_low_half)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 9, 0), 0x1234, 0x0004, 0x0c0300);
    fake_pci_bar_io(h, 4, 0x20, 0xc0e0, 16);
    read_function(BDF(0, 9, 0));
    EXPECT_EQ(fn.bars[4].kind, PCI_BAR_IO);
    EXPECT_EQ(fn.bars[4].size, 0x20);
    EXPECT(fn.bars[4].problem == NULL);
}

TEST(bar_mem64_with_a_hardwired_upper_dword_still_sizes)
{
    /* Bochs 2.7's xHCI: typed 64-bit, upper dword reads 0 whatever is written */
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 10, 0), 0x1912, 0x0015, 0x0c0330);
    fake_pci_bar_mem64(h, 0, 0x2000, 0xc0000000, false);
    fake_pci_set_writable(h, PCI_BAR0 + 4, 4, 0);
    read_function(BDF(0, 10, 0));
    EXPECT_EQ(fn.bars[0].kind, PCI_BAR_MEM64);
    EXPECT_EQ(fn.bars[0].size, 0x2000);
    EXPECT(fn.bars[0].problem == NULL);
}

TEST(bar_size_mask_with_holes_is_reported)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 11, 0), 0x1234, 0x0005, 0xff0000);
    fake_pci_bar_mem32(h, 0, 0x1000, 0xfe000000, false);
    fake_pci_set_writable(h, PCI_BAR0, 4, 0xfff0f000);
    read_function(BDF(0, 11, 0));
    EXPECT_EQ(fn.bars[0].kind, PCI_BAR_MEM32);
    EXPECT_EQ(fn.bars[0].size, 0x1000); /* the lowest writable bit, as Linux takes it */
    EXPECT_STR(fn.bars[0].problem, "size mask has holes");
    EXPECT(fake_warned("00:0b.0 BAR0: size mask has holes"));
}

TEST(bar_with_flags_but_no_address_bits_is_invalid)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 12, 0), 0x1234, 0x0006, 0xff0000);
    fake_pci_poke(h, PCI_BAR0, 4, 0x8); /* prefetchable, nothing writable */
    read_function(BDF(0, 12, 0));
    EXPECT_EQ(fn.bars[0].kind, PCI_BAR_INVALID);
    EXPECT_STR(fn.bars[0].problem, "sizing read has no address bits");
    EXPECT_EQ(fn.bars[1].kind, PCI_BAR_UNUSED);
}

TEST(bridge_has_two_bars_and_sizing_leaves_bus_numbers_alone)
{
    fake_pci_reset();
    int h = fake_pci_add_bridge(BDF(0, 1, 0), 1, 1);
    fake_pci_bar_mem32(h, 0, 0x1000, 0xfe800000, false);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    read_function(BDF(0, 1, 0));
    EXPECT_EQ(fn.bar_count, 2);
    EXPECT_EQ(fn.bars[0].size, 0x1000);
    EXPECT_EQ(fn.bars[1].kind, PCI_BAR_UNUSED);
    EXPECT_EQ(fake_pci_stats()->bar_sizings, 2); /* BAR1 reads 0 when sized: unused */
    EXPECT_EQ(fake_pci_peek(h, PCI_SECONDARY_BUS, 1), 1);
    EXPECT(fake_pci_as_found());
}

TEST(bar_live_accessors_read_and_move_a_64bit_bar_with_decode_off)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 4, 0), 0x1af4, 0x1110, 0x050000);
    fake_pci_bar_mem64(h, 2, 0x4000000, 0xf4000000, true);
    fake_pci_bar_mem32(h, 0, 0x100, 0xfebf1000, false);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    struct pci_bdf f = BDF(0, 4, 0);
    EXPECT(pci_bar_is64(f, 2));
    EXPECT(!pci_bar_is64(f, 0));
    EXPECT(pci_bar_is_memory(f, 0));
    EXPECT_EQ(pci_bar_get_addr(f, 2), 0xf4000000);
    EXPECT(pci_bar_set_addr(f, 2, 0x240000000));
    EXPECT_EQ(pci_bar_get_addr(f, 2), 0x240000000);
    EXPECT_EQ(fake_pci_peek(h, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
    /* a 32-bit BAR cannot hold an address above 4 GiB: the readback says so */
    EXPECT(!pci_bar_set_addr(f, 0, 0x100000000));
    /* misaligned: the size mask drops the low bits */
    EXPECT(!pci_bar_set_addr(f, 0, 0xfebf1010));
    EXPECT_EQ(pci_bar_offset(5), 0x24);
}

TEST(bar_with_a_reserved_memory_type_is_reported)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 13, 0), 0x1234, 0x0007, 0xff0000);
    fake_pci_poke(h, PCI_BAR0, 4, 0x000e0002); /* type 01: "below 1 MiB" */
    read_function(BDF(0, 13, 0));
    EXPECT_EQ(fn.bars[0].kind, PCI_BAR_INVALID);
    EXPECT_STR(fn.bars[0].problem, "reserved memory type (below 1 MiB)");
    EXPECT(!fake_pci_sized(h, 0));
}

TEST(bar_sizing_on_a_read_only_command_says_decode_stayed_on)
{
    /* Bochs 2.7's std VGA: COMMAND cannot be written */
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 2, 0), 0x1234, 0x1111, 0x030000);
    fake_pci_bar_mem32(h, 0, 0x1000000, 0xe0000000, true);
    fake_pci_set_command(h, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    fake_pci_set_writable(h, PCI_COMMAND, 2, 0);
    read_function(BDF(0, 2, 0));
    EXPECT_EQ(fn.bars[0].size, 0x1000000);
    EXPECT(fake_warned("00:02.0: decode stayed on while sizing: COMMAND reads 0x0003"));
    EXPECT(!fake_warned("COMMAND restore"));
    EXPECT(fake_pci_stats()->sized_with_decode_on > 0); /* the fake saw it too */
}
