/* drivers/probe_msix.c: which BARs get the MSI-X table probe (the table's
 * BAR only, never while MSI-X is enabled, never over a device probe), and
 * its life on the fake MMIO model (round trip, mask bit, moves, aliases). */
#include "../../drivers/probes.h"
#include "fake_pci.h"
#include "harness.h"

#define NIC_BAR0_AT 0xfeac0000u
#define NIC_TABLE_AT 0xfeb50000u /* BAR3: table at 0, PBA at 0x2000 */
#define NIC_CAP 0xa0
#define ENTRY_DATA 8
#define ENTRY_CONTROL 12
#define MSIX_ENABLE 0x8000u

static struct pci_function fn;
static struct probe probe;

/* entry 0 of a table at offset of BAR bar: QEMU resets every vector masked */
static void table_entry0(int h, unsigned bar, uint32_t offset)
{
    fake_mmio_register(h, bar, offset, 8, 0, ~0ull);                    /* address */
    fake_mmio_register(h, bar, offset + ENTRY_DATA, 4, 0, 0xffffffffu); /* data */
    fake_mmio_register(h, bar, offset + ENTRY_CONTROL, 4, 1, 1);        /* mask bit */
}

/* an MSI-X capability at config offset at: vectors, table and PBA in bar */
static void msix_cap(int h, uint8_t at, unsigned vectors, unsigned bar, uint32_t table,
                     uint32_t pba)
{
    fake_pci_add_cap(h, at, PCI_CAP_ID_MSIX);
    fake_pci_poke(h, (uint16_t)(at + 2), 2, vectors - 1);
    fake_pci_poke(h, (uint16_t)(at + 4), 4, table | bar);
    fake_pci_poke(h, (uint16_t)(at + 8), 4, pba | bar);
}

/* e1000e 8086:10d3 as QEMU 7.2 builds it: BAR0 registers (none modelled),
 * BAR3 16 KiB holding the MSI-X table (5 vectors) and its PBA */
static int fake_nic(struct pci_bdf f, uint32_t table_bar_at)
{
    int h = fake_pci_add(f, 0x8086, 0x10d3, 0x020000);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    fake_pci_bar_mem32(h, 0, 0x20000, NIC_BAR0_AT + (f.device << 20), false);
    fake_pci_bar_mem32(h, 3, 0x4000, table_bar_at, false);
    msix_cap(h, NIC_CAP, 5, 3, 0, 0x2000);
    table_entry0(h, 3, 0);
    return h;
}

static const struct pci_function *record(struct pci_bdf f)
{
    pci_function_read(f, &fn, NULL);
    return &fn;
}

static struct probe nic_probe(void)
{
    struct probe p;
    EXPECT(probe_find(record(BDF(0, 2, 0)), 3, &p));
    return p;
}

static uint64_t planted(struct probe *p, uint64_t home, uint64_t random)
{
    EXPECT(probe_prepare(p, home) == NULL);
    uint64_t nonce = probe_usable_nonce(p, random);
    EXPECT(probe_plant(p, home, nonce));
    return nonce;
}

static bool seen_at(const struct probe *p, uint64_t base)
{
    uint64_t seen = 0;
    return probe_look(p, base, &seen);
}

TEST(probe_msix_is_the_fallback_for_the_table_bar_only)
{
    fake_pci_reset();
    fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    EXPECT(probe_find(record(BDF(0, 2, 0)), 3, &probe));
    EXPECT_STR(probe.type->name, "msix-table");
    EXPECT_EQ(probe.type->strength, PROBE_SCRATCH);
    EXPECT_EQ(probe.offset, ENTRY_DATA);
    EXPECT_EQ(probe.width, 4);
    EXPECT_EQ(probe.keep, 0xffffffffu);
    EXPECT(!probe_find(&fn, 0, &probe)); /* the register BAR: no e1000e probe yet */
    EXPECT_STR(probe.reason, "no probe for this device");
    EXPECT(!probe_find_msix(&fn, 0, &probe));
    EXPECT_STR(probe.reason, "no MSI-X table in this BAR");
    EXPECT(probe_find_msix(&fn, 3, &probe));
    EXPECT(!probe_find_msix(&fn, 2, &probe));
    EXPECT_STR(probe.reason, "not a usable memory BAR");
}

TEST(probe_msix_does_not_displace_a_device_probe_but_is_found_on_request)
{
    fake_pci_reset();
    int h = fake_dev_nvme(BDF(0, 3, 0), 0xfeb54000u, false);
    msix_cap(h, 0x40, 65, 0, 0x2000, 0x3000); /* QEMU's NVMe: table inside BAR0 */
    table_entry0(h, 0, 0x2000);
    EXPECT(probe_find(record(BDF(0, 3, 0)), 0, &probe));
    EXPECT_STR(probe.type->name, "nvme-aqa");
    EXPECT(probe_find_msix(&fn, 0, &probe));
    EXPECT_STR(probe.type->name, "msix-table");
    EXPECT_EQ(probe.offset, 0x2000 + ENTRY_DATA);
    EXPECT(probe_prepare(&probe, 0xfeb54000u) == NULL);
}

TEST(probe_msix_covers_virtio_bar1_and_a_root_port_bar0)
{
    fake_pci_reset();
    int v = fake_dev_virtio(BDF(0, 4, 0), 0x1000, 0x800000000ull);
    fake_pci_poke(v, 0x98 + 4, 4, 0x000 | 1); /* QEMU: table at BAR1 + 0 */
    fake_pci_poke(v, 0x98 + 8, 4, 0x800 | 1); /* PBA at BAR1 + 0x800 */
    EXPECT(probe_find(record(BDF(0, 4, 0)), 1, &probe));
    EXPECT_STR(probe.type->name, "msix-table");
    EXPECT(probe_find(&fn, 4, &probe));
    EXPECT_STR(probe.type->name, "virtio-dfselect"); /* the device probe still wins */
    int rp = fake_pci_add_bridge(BDF(0, 6, 0), 1, 1);
    fake_pci_bar_mem32(rp, 0, 0x1000, 0xfeb5e000u, false);
    fake_pci_set_command(rp, PCI_COMMAND_MEMORY);
    msix_cap(rp, 0x48, 1, 0, 0, 0x800);
    EXPECT(probe_find(record(BDF(0, 6, 0)), 0, &probe));
    EXPECT_STR(probe.type->name, "msix-table");
}

TEST(probe_msix_refuses_a_function_with_msix_enabled_and_writes_nothing)
{
    fake_pci_reset();
    int h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    fake_pci_poke(h, NIC_CAP + 2, 2, MSIX_ENABLE | 4);
    EXPECT(!probe_find(record(BDF(0, 2, 0)), 3, &probe));
    EXPECT_EQ(probe.type->strength, PROBE_NONE);
    EXPECT_STR(probe.reason, "MSI-X enabled: its table entries are live interrupts");
    EXPECT(!probe_find_msix(&fn, 3, &probe));
    EXPECT_STR(probe.reason, "MSI-X enabled: its table entries are live interrupts");
    EXPECT_EQ(fake_mmio_stats()->writes, 0);
}

TEST(probe_msix_refuses_a_table_that_does_not_fit_in_its_bar)
{
    fake_pci_reset();
    int h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    fake_pci_poke(h, NIC_CAP + 4, 4, 0x3ff8 | 3); /* entry 0 would cross the end */
    EXPECT(!probe_find(record(BDF(0, 2, 0)), 3, &probe));
    EXPECT_STR(probe.reason, "MSI-X table lies outside its BAR");
}

TEST(probe_msix_round_trip_flips_the_mask_bit_and_restores_entry0)
{
    fake_pci_reset();
    int h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    fake_mmio_poke(h, 3, ENTRY_DATA, 4, 0x4021); /* what firmware left */
    struct probe p = nic_probe();
    EXPECT(probe_prepare(&p, NIC_TABLE_AT) == NULL);
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_DATA, 4), 0x4021); /* prepare leaves it as found */
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_CONTROL, 4), 1);
    uint64_t nonce = probe_usable_nonce(&p, 0x5eed1234);
    EXPECT(probe_plant(&p, NIC_TABLE_AT, nonce));
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_DATA, 4), nonce);
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_CONTROL, 4), 0); /* unmasked while planted */
    uint64_t seen = 0;
    EXPECT(probe_look(&p, NIC_TABLE_AT, &seen));
    EXPECT_EQ(seen, nonce); /* Vector Control 0 in the high half */
    EXPECT(probe_restore(&p, NIC_TABLE_AT));
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_DATA, 4), 0x4021);
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_CONTROL, 4), 1);
    EXPECT_EQ(fake_mmio_stats()->bad_accesses, 0);
}

TEST(probe_msix_an_entry_left_unmasked_is_planted_masked)
{
    fake_pci_reset();
    int h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    fake_mmio_poke(h, 3, ENTRY_CONTROL, 4, 0);
    struct probe p = nic_probe();
    planted(&p, NIC_TABLE_AT, 0x77);
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_CONTROL, 4), 1);
    EXPECT(probe_restore(&p, NIC_TABLE_AT));
    EXPECT_EQ(fake_mmio_peek(h, 3, ENTRY_CONTROL, 4), 0);
}

/* BUGS.md msix-wiped-on-bar-write: the table masked, or zeroed */
TEST(probe_msix_look_fails_on_a_masked_or_zeroed_entry)
{
    fake_pci_reset();
    int h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    struct probe p = nic_probe();
    uint64_t nonce = planted(&p, NIC_TABLE_AT, 0x12345678);
    fake_mmio_poke(h, 3, ENTRY_CONTROL, 4, 1); /* masked again */
    uint64_t seen = 0;
    EXPECT(!probe_look(&p, NIC_TABLE_AT, &seen));
    EXPECT_EQ(seen, 1ull << 32 | nonce);
    fake_mmio_poke(h, 3, ENTRY_CONTROL, 4, 0);
    EXPECT(seen_at(&p, NIC_TABLE_AT));
    fake_mmio_poke(h, 3, ENTRY_DATA, 4, 0); /* zeroed, mask as planted */
    EXPECT(!seen_at(&p, NIC_TABLE_AT));
}

/* BUGS.md msix-stays, msix-ignores-mse */
TEST(probe_msix_look_follows_the_bar_is_silent_while_dark_and_never_writes)
{
    fake_pci_reset();
    int h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    struct probe p = nic_probe();
    planted(&p, NIC_TABLE_AT, 0xabcdef01);
    unsigned long writes = fake_mmio_stats()->writes;
    EXPECT(pci_bar_set_addr(BDF(0, 2, 0), 3, 0xc0000000u));
    EXPECT(!seen_at(&p, NIC_TABLE_AT));
    EXPECT(seen_at(&p, 0xc0000000u));
    fake_pci_set_command(h, 0);
    EXPECT(!seen_at(&p, 0xc0000000u));
    EXPECT_EQ(fake_mmio_stats()->writes, writes);
}

TEST(probe_msix_two_tables_with_different_nonces_are_told_apart)
{
    fake_pci_reset();
    int a_h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    fake_nic(BDF(0, 5, 0), NIC_TABLE_AT + 0x8000);
    struct probe a = nic_probe(), b;
    EXPECT(probe_find(record(BDF(0, 5, 0)), 3, &b));
    planted(&a, NIC_TABLE_AT, 0x11111111);
    planted(&b, NIC_TABLE_AT + 0x8000, 0x22222222);
    EXPECT(seen_at(&a, NIC_TABLE_AT) && !seen_at(&b, NIC_TABLE_AT));
    EXPECT(seen_at(&b, NIC_TABLE_AT + 0x8000) && !seen_at(&a, NIC_TABLE_AT + 0x8000));
    /* b moved over a while a is dark: at a's address only b answers */
    fake_pci_set_command(a_h, 0);
    EXPECT(pci_bar_set_addr(BDF(0, 5, 0), 3, NIC_TABLE_AT));
    EXPECT(!seen_at(&a, NIC_TABLE_AT));
    EXPECT(seen_at(&b, NIC_TABLE_AT));
}

TEST(probe_msix_prepare_refuses_a_mask_bit_or_data_that_does_not_keep_values)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 2, 0), 0x8086, 0x10d3, 0x020000);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    fake_pci_bar_mem32(h, 3, 0x4000, NIC_TABLE_AT, false);
    msix_cap(h, NIC_CAP, 5, 3, 0, 0x2000);
    fake_mmio_register(h, 3, ENTRY_DATA, 4, 0, 0xffffffffu);
    fake_mmio_register(h, 3, ENTRY_CONTROL, 4, 1, 0); /* mask bit stuck */
    struct probe p = nic_probe();
    EXPECT_STR(probe_prepare(&p, NIC_TABLE_AT), "the MSI-X mask bit does not keep a written value");
    EXPECT_EQ(p.type->strength, PROBE_NONE);
    fake_pci_reset();
    h = fake_nic(BDF(0, 2, 0), NIC_TABLE_AT);
    fake_pci_poke(h, NIC_CAP + 4, 4, 0x10 | 3); /* a table where nothing is modelled */
    p = nic_probe();
    EXPECT_STR(probe_prepare(&p, NIC_TABLE_AT), "the scratch register does not keep a written value");
}
