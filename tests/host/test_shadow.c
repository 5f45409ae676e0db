/* kernel/shadow.c: the guest's record of config space, latched as spec
 * hardware latches it. Topologies are built by hand (the shadow never reads
 * config space); the last test compares it with the masking fake fabric. */
#include "../../drivers/pci.h"
#include "../../kernel/shadow.h"
#include "fake_pci.h"
#include "harness.h"

static struct pci_topology topo;
static struct shadow sh;

static unsigned add_function(uint8_t dev, uint16_t command, int upstream, uint8_t bar_count)
{
    unsigned i = topo.count++;
    topo.functions[i] = (struct pci_function){
        .bdf = BDF(0, dev, 0), .command = command, .bar_count = bar_count, .upstream = upstream};
    return i;
}

static void add_bar(unsigned fn, unsigned n, enum pci_bar_kind kind, uint64_t size, uint64_t addr,
                    bool pref)
{
    struct pci_function *f = &topo.functions[fn];
    f->bars[n] = (struct pci_bar){kind, pref, (uint8_t)n, addr, size, NULL};
    if (kind == PCI_BAR_MEM64)
        f->bars[n + 1] = (struct pci_bar){.kind = PCI_BAR_MEM64_UPPER, .index = (uint8_t)(n + 1)};
}

/* function 0: one 32-bit BAR0 (4 KiB), a 64-bit BAR2 (16 KiB), an I/O BAR4 */
static void one_device(void)
{
    memset(&topo, 0, sizeof topo);
    unsigned fn = add_function(4, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, PCI_NO_UPSTREAM, 6);
    add_bar(fn, 0, PCI_BAR_MEM32, 0x1000, 0xfeb00000, false);
    add_bar(fn, 2, PCI_BAR_MEM64, 0x4000, 0x800000000, true);
    add_bar(fn, 4, PCI_BAR_IO, 0x20, 0xc000, false);
    shadow_init(&sh, &topo);
}

static uint32_t expected(unsigned fn, uint16_t offset, unsigned width)
{
    uint32_t v = 0xdeadbeef;
    EXPECT(shadow_expected_read(&sh, fn, offset, width, &v));
    return v;
}

TEST(shadow_records_command_and_memory_bars_as_found)
{
    one_device();
    EXPECT_EQ(shadow_command(&sh, 0), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    EXPECT(shadow_decode_on(&sh, 0));
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 0), 0xfeb00000);
    EXPECT_EQ(shadow_bar_size(&sh, 0, 0), 0x1000);
    EXPECT(!shadow_bar_is64(&sh, 0, 0));
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x800000000);
    EXPECT(shadow_bar_is64(&sh, 0, 2));
    EXPECT_EQ(expected(0, 0x10, 4), 0xfeb00000);
    EXPECT_EQ(expected(0, 0x18, 4), 0x0000000c); /* 64-bit, prefetchable type bits */
    EXPECT_EQ(expected(0, 0x1c, 4), 0x8);
    EXPECT(!shadow_bar_sizing(&sh, 0, 2));
}

TEST(shadow_does_not_model_io_upper_or_unused_bars)
{
    one_device();
    uint32_t v;
    EXPECT(!shadow_bar_is_memory(&sh, 0, 4)); /* I/O */
    EXPECT(!shadow_bar_is_memory(&sh, 0, 3)); /* upper half of BAR2 */
    EXPECT(!shadow_bar_is_memory(&sh, 0, 5)); /* unused */
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 3), 0);
    EXPECT(!shadow_write(&sh, 0, 0x20, 4, 0xd001));
    EXPECT(!shadow_expected_read(&sh, 0, 0x20, 4, &v));
    EXPECT(!shadow_expected_read(&sh, 0, PCI_VENDOR_ID, 2, &v));
}

TEST(shadow_bar_write_is_masked_by_size_and_keeps_type_bits)
{
    one_device();
    EXPECT(shadow_write(&sh, 0, 0x18, 4, 0x40003ff3)); /* bits below 16 KiB and type bits */
    EXPECT_EQ(expected(0, 0x18, 4), 0x4000000c);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x840000000);
    EXPECT(shadow_write(&sh, 0, 0x10, 4, 0xfea00fff));
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 0), 0xfea00000);
}

TEST(shadow_64bit_low_then_high_passes_through_new_lo_old_hi)
{
    one_device();
    shadow_write(&sh, 0, 0x18, 4, 0x20000000);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x820000000); /* new low, old high */
    shadow_write(&sh, 0, 0x1c, 4, 0x3);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x320000000);
}

TEST(shadow_64bit_high_then_low_passes_through_new_hi_old_lo)
{
    one_device();
    shadow_write(&sh, 0, 0x1c, 4, 0x3);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x300000000);
    shadow_write(&sh, 0, 0x18, 4, 0x20000000);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x320000000);
}

TEST(shadow_bytewise_and_wordwise_writes_compose_into_the_dword)
{
    one_device();
    shadow_write(&sh, 0, 0x1b, 1, 0x12);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x812000000); /* one byte changed, the rest kept */
    shadow_write(&sh, 0, 0x1a, 1, 0x34);
    shadow_write(&sh, 0, 0x19, 1, 0x5f); /* bits below 16 KiB dropped: 0x40 stays */
    shadow_write(&sh, 0, 0x18, 1, 0xff); /* type bits and bits below the size: nothing */
    shadow_write(&sh, 0, 0x1e, 2, 0x0001);
    shadow_write(&sh, 0, 0x1c, 2, 0x0002);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x0001000212344000);
    EXPECT_EQ(expected(0, 0x19, 1), 0x40);
    EXPECT_EQ(expected(0, 0x1a, 2), 0x1234);
    EXPECT_EQ(expected(0, 0x18, 1), 0x0c);
}

TEST(shadow_all_ones_write_holds_the_size_mask_and_is_sizing)
{
    one_device();
    shadow_write(&sh, 0, 0x18, 4, 0xffffffff);
    EXPECT_EQ(expected(0, 0x18, 4), 0xffffc00c);
    EXPECT(shadow_bar_sizing(&sh, 0, 2));
    shadow_write(&sh, 0, 0x1c, 4, 0xffffffff);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0xffffffffffffc000);
    EXPECT(shadow_bar_sizing(&sh, 0, 2));
}

TEST(shadow_openbsd_fffffff0_pattern_sizes_like_all_ones)
{
    one_device();
    shadow_write(&sh, 0, 0x10, 4, 0xfffffff0);
    EXPECT_EQ(expected(0, 0x10, 4), 0xfffff000);
    EXPECT(shadow_bar_sizing(&sh, 0, 0));
}

TEST(shadow_sizing_then_restore_gives_back_the_old_address)
{
    one_device();
    shadow_write(&sh, 0, 0x18, 4, 0xffffffff);
    shadow_write(&sh, 0, 0x1c, 4, 0xffffffff);
    shadow_write(&sh, 0, 0x18, 4, 0x0000000c);
    shadow_write(&sh, 0, 0x1c, 4, 0x8);
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x800000000);
    EXPECT(!shadow_bar_sizing(&sh, 0, 2));
}

TEST(shadow_dword_command_write_does_not_record_status)
{
    one_device();
    uint32_t v;
    EXPECT(shadow_write(&sh, 0, PCI_COMMAND, 4, 0xf9000406));
    EXPECT_EQ(shadow_command(&sh, 0), 0x0406);
    EXPECT_EQ(expected(0, PCI_COMMAND, 2), 0x0406);
    EXPECT(!shadow_expected_read(&sh, 0, PCI_COMMAND, 4, &v)); /* STATUS is not vouched for */
    EXPECT(!shadow_expected_read(&sh, 0, PCI_STATUS, 2, &v));
    EXPECT(!shadow_write(&sh, 0, PCI_STATUS, 2, 0xffff));
    EXPECT_EQ(shadow_command(&sh, 0), 0x0406);
}

TEST(shadow_bytewise_command_write_toggles_decode)
{
    one_device();
    shadow_write(&sh, 0, PCI_COMMAND, 1, 0x01);
    EXPECT(!shadow_decode_on(&sh, 0));
    shadow_write(&sh, 0, PCI_COMMAND + 1, 1, 0x04); /* INTx disable, MSE untouched */
    EXPECT_EQ(shadow_command(&sh, 0), 0x0401);
    shadow_write(&sh, 0, PCI_COMMAND, 2, 0x0403);
    EXPECT(shadow_decode_on(&sh, 0));
}

TEST(shadow_ignores_malformed_and_unmodelled_writes)
{
    one_device();
    EXPECT(!shadow_write(&sh, 0, 0x1a, 4, 0)); /* crosses a dword */
    EXPECT(!shadow_write(&sh, 0, 0x18, 3, 0));
    EXPECT(!shadow_write(&sh, 1, 0x18, 4, 0)); /* no such function */
    EXPECT(!shadow_write(&sh, 0, 0x40, 4, 0));
    EXPECT(!shadow_write(&sh, 0, 0xffc, 4, 0));
    EXPECT(!shadow_write(&sh, 0, PCI_VENDOR_ID, 4, 0));
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 2), 0x800000000);
    EXPECT_EQ(shadow_command(&sh, 0), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
}

TEST(shadow_bar_of_8GiB_has_no_writable_low_address_bits)
{
    memset(&topo, 0, sizeof topo);
    add_function(4, PCI_COMMAND_MEMORY, PCI_NO_UPSTREAM, 6);
    add_bar(0, 0, PCI_BAR_MEM64, 0x200000000, 0x1000000000, true);
    shadow_init(&sh, &topo);
    shadow_write(&sh, 0, 0x10, 4, 0xfffffff0);
    EXPECT_EQ(expected(0, 0x10, 4), 0xc);
    EXPECT(!shadow_bar_sizing(&sh, 0, 0)); /* the low dword holds no address bits */
    shadow_write(&sh, 0, 0x14, 4, 0x21);   /* bit 32 is below 8 GiB */
    EXPECT_EQ(shadow_bar_addr(&sh, 0, 0), 0x2000000000);
    shadow_write(&sh, 0, 0x14, 4, 0xffffffff);
    EXPECT_EQ(expected(0, 0x14, 4), 0xfffffffe);
    EXPECT(shadow_bar_sizing(&sh, 0, 0));
}

/* found by barmove-sim --safety (a random topology): a 1 GiB BAR at
 * 0x2_c000_0000 latches the low dword 0xc0000000, every writable bit set;
 * that is an address, as found and as written, not a sizing value */
TEST(shadow_large_bar_at_the_top_of_its_block_is_no_sizing_value)
{
    memset(&topo, 0, sizeof topo);
    add_function(4, PCI_COMMAND_MEMORY, PCI_NO_UPSTREAM, 6);
    add_bar(0, 2, PCI_BAR_MEM64, 0x40000000, 0x2c0000000, true);
    shadow_init(&sh, &topo);
    EXPECT(!shadow_bar_sizing(&sh, 0, 2));
    shadow_write(&sh, 0, 0x18, 4, 0xc000000c);
    EXPECT(!shadow_bar_sizing(&sh, 0, 2));
    shadow_write(&sh, 0, 0x18, 4, 0xffffffff); /* now sizing: latches the same 0xc000000c */
    EXPECT_EQ(expected(0, 0x18, 4), 0xc000000c);
    EXPECT(shadow_bar_sizing(&sh, 0, 2));
    shadow_write(&sh, 0, 0x18, 2, 0x000c); /* a sub-dword write keeps the other half's bits */
    EXPECT(!shadow_bar_sizing(&sh, 0, 2));
}

/* a bridge at 00:01.0 with a memory window and a 64-bit prefetchable one */
static void one_bridge(unsigned pref_bits)
{
    memset(&topo, 0, sizeof topo);
    unsigned b = add_function(1, PCI_COMMAND_MEMORY, PCI_NO_UPSTREAM, 2);
    topo.functions[b].is_bridge = true;
    topo.functions[b].bridge.mem = (struct pci_window){0xfe800000, 0xfe9fffff, 32, false};
    topo.functions[b].bridge.pref = (struct pci_window){0x800000000, 0x80fffffff, 64, false};
    if (pref_bits == 32)
        topo.functions[b].bridge.pref = (struct pci_window){0xc0000000, 0xc00fffff, 32, false};
    shadow_init(&sh, &topo);
}

TEST(shadow_rebuilds_bridge_window_registers_as_latched)
{
    one_bridge(64);
    EXPECT_EQ(expected(0, PCI_MEMORY_BASE, 4), 0xfe90fe80);
    EXPECT_EQ(expected(0, PCI_PREF_MEMORY_BASE, 4), 0x0ff10001);
    EXPECT_EQ(expected(0, PCI_PREF_BASE_UPPER32, 4), 0x8);
    EXPECT_EQ(expected(0, PCI_PREF_LIMIT_UPPER32, 4), 0x8);
    struct pci_window w;
    EXPECT(shadow_window(&sh, 0, true, &w));
    EXPECT_EQ(w.base, 0x800000000);
    EXPECT_EQ(w.limit, 0x80fffffff);
    EXPECT_EQ(w.bits, 64);
}

TEST(shadow_window_writes_keep_read_only_type_nibbles)
{
    one_bridge(64);
    struct pci_window w;
    shadow_write(&sh, 0, PCI_MEMORY_BASE, 2, 0xfe0f);   /* low nibble is read-only 0 */
    shadow_write(&sh, 0, PCI_PREF_MEMORY_BASE, 4, 0x1ff0);
    shadow_write(&sh, 0, PCI_PREF_LIMIT_UPPER32, 4, 0x9);
    EXPECT_EQ(expected(0, PCI_MEMORY_BASE, 2), 0xfe00);
    EXPECT_EQ(expected(0, PCI_PREF_MEMORY_BASE, 4), 0x00011ff1);
    shadow_window(&sh, 0, false, &w);
    EXPECT_EQ(w.base, 0xfe000000);
    shadow_window(&sh, 0, true, &w);
    EXPECT_EQ(w.base, 0x81ff00000);
    EXPECT_EQ(w.limit, 0x9000fffff);
}

TEST(shadow_32bit_prefetchable_window_upper_dwords_stay_zero)
{
    one_bridge(32);
    EXPECT(shadow_write(&sh, 0, PCI_PREF_BASE_UPPER32, 4, 0x8));
    EXPECT_EQ(expected(0, PCI_PREF_BASE_UPPER32, 4), 0);
    struct pci_window w;
    shadow_window(&sh, 0, true, &w);
    EXPECT_EQ(w.base, 0xc0000000);
    EXPECT_EQ(w.bits, 32);
}

TEST(shadow_windows_exist_only_on_bridges)
{
    one_device();
    struct pci_window w;
    EXPECT(!shadow_window(&sh, 0, false, &w));
}

/* differential: the same writes to the masking fake fabric (tests/host/fake_pci.c,
 * written on its own) and to the shadow read back the same, write after write */
static void expect_same_as_fabric(int h, unsigned fn)
{
    static const uint16_t offsets[] = {0x04, 0x10, 0x18, 0x1c}; /* BAR1 is unused */
    for (unsigned i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
        EXPECT_EQ(expected(fn, offsets[i], offsets[i] == 0x04 ? 2 : 4),
                  fake_pci_peek(h, offsets[i], offsets[i] == 0x04 ? 2 : 4));
}

TEST(shadow_expected_read_matches_a_masking_fabric_after_every_write)
{
    static const struct pci_root root0 = {0, 0};
    static const struct { uint16_t offset; unsigned width; uint32_t value; } writes[] = {
        {0x04, 2, 0x0000}, {0x10, 4, 0xffffffff}, {0x10, 4, 0xfe000000}, {0x18, 4, 0x12345678},
        {0x1c, 4, 0x3},    {0x1b, 1, 0xab},       {0x18, 2, 0xffff},     {0x1c, 4, 0xffffffff},
        {0x14, 4, 0x7},    {0x04, 4, 0xffff0002}, {0x12, 2, 0xfec0},     {0x04, 1, 0x06},
    };
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 4, 0), 0x1af4, 0x1110, 0x050000);
    fake_pci_bar_mem32(h, 0, 0x100000, 0xfe000000, false);
    fake_pci_bar_mem64(h, 2, 0x10000, 0x800000000, true);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    EXPECT_EQ(pci_enumerate(&root0, 1, &topo, fake_warn), 1);
    shadow_init(&sh, &topo);
    expect_same_as_fabric(h, 0);
    for (unsigned i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        uint32_t v = writes[i].value;
        fake_pci_cfg_write(HW_CFG_DEFAULT, BDF(0, 4, 0), writes[i].offset, writes[i].width, v);
        shadow_write(&sh, 0, writes[i].offset, writes[i].width, v);
        expect_same_as_fabric(h, 0);
    }
}
