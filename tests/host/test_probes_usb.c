/* The e1000 and USB host controller probes (drivers/probe_e1000.c,
 * drivers/probe_usb.c) on QEMU-shaped fakes and, where Bochs 2.7 differs
 * (CAPLENGTH, masked address registers, its own IDs), Bochs-shaped ones:
 * matching, offsets, keep masks, a round trip, and every refusal. */
#include "../../drivers/probes.h"
#include "fake_pci.h"
#include "harness.h"

#define E1000_AT 0xfebc0000u
#define OHCI_AT 0xfebf5000u
#define EHCI_AT 0xfebf6000u
#define XHCI_AT 0x800000000ull

static struct pci_function fn;
static struct probe probe;

static bool find(struct pci_bdf f, unsigned bar_num)
{
    pci_function_read(f, &fn, NULL);
    return probe_find(&fn, bar_num, &probe);
}

/* prepare, plant a nonce from random, look, restore: the register as found after */
static void round_trip(int h, uint32_t offset, uint64_t base, uint64_t random)
{
    uint64_t found = fake_mmio_peek(h, 0, offset, 4), seen = 0;
    EXPECT(probe_prepare(&probe, base) == NULL);
    EXPECT_EQ(probe.offset, offset);
    uint64_t nonce = probe_usable_nonce(&probe, random);
    EXPECT_EQ(nonce & ~probe.keep, 0);
    EXPECT(probe_plant(&probe, base, nonce));
    EXPECT_EQ(fake_mmio_peek(h, 0, offset, 4), nonce);
    EXPECT(probe_look(&probe, base, &seen));
    EXPECT(probe_restore(&probe, base));
    EXPECT_EQ(fake_mmio_peek(h, 0, offset, 4), found);
}

/* prepare refuses the register for reason without writing it, and falls
 * back to the signature type, which finds the BAR read-only */
static void falls_back(uint64_t base, const char *reason, const struct probe_type *signature)
{
    unsigned long writes = fake_mmio_stats()->writes;
    uint64_t seen = 0;
    EXPECT(probe_prepare(&probe, base) == NULL);
    EXPECT(probe.type == signature);
    EXPECT_EQ(probe.type->strength, PROBE_SIGNATURE);
    EXPECT_STR(probe.reason, reason);
    EXPECT(probe_plant(&probe, base, 0x12345678));
    EXPECT(probe_look(&probe, base, &seen));
    EXPECT(!probe_look(&probe, base + 0x10000, &seen));
    EXPECT(probe_restore(&probe, base));
    EXPECT_EQ(fake_mmio_stats()->writes, writes);
}

TEST(probe_e1000_matches_its_ids_on_bar0_at_rdbal)
{
    static const uint16_t ids[] = {0x100e, 0x100f, 0x100c}; /* QEMU's three models */
    for (unsigned i = 0; i < 3; i++) {
        fake_pci_reset();
        int h = fake_dev_e1000(BDF(0, 3, 0), E1000_AT);
        fake_pci_poke(h, PCI_DEVICE_ID, 2, ids[i]);
        EXPECT(find(BDF(0, 3, 0), 0));
        EXPECT_STR(probe.type->name, "e1000-rdbal");
        EXPECT_EQ(probe.offset, 0x2800);
        EXPECT_EQ(probe.width, 4);
        EXPECT_EQ(probe.keep, 0xfffffff0u);
        EXPECT(!probe.type->ram);
        EXPECT(!find(BDF(0, 3, 0), 1));
        EXPECT_STR(probe.reason, "not a usable memory BAR");
    }
}

TEST(probe_e1000_round_trip_gives_rdbal_back)
{
    fake_pci_reset();
    int h = fake_dev_e1000(BDF(0, 3, 0), E1000_AT);
    fake_mmio_poke(h, 0, FAKE_E1000_RDBAL, 4, 0x1f3c000);
    EXPECT(find(BDF(0, 3, 0), 0));
    round_trip(h, FAKE_E1000_RDBAL, E1000_AT, 0xdeadbeef);
}

TEST(probe_e1000_with_the_receiver_on_falls_back_to_its_mac_address)
{
    fake_pci_reset();
    int h = fake_dev_e1000(BDF(0, 3, 0), E1000_AT);
    fake_mmio_poke(h, 0, FAKE_E1000_RCTL, 4, 0x2);
    EXPECT(find(BDF(0, 3, 0), 0));
    falls_back(E1000_AT,
               "e1000 receiver enabled (RCTL.EN=1): it writes packets through the ring at RDBAL",
               &probe_e1000_signature);
    EXPECT_STR(probe.type->name, "e1000-mac");
    EXPECT_EQ(probe.offset, FAKE_E1000_RAL0);
    EXPECT_EQ(probe.signature[0], 0x12005452);
    EXPECT_EQ(probe.signature[1], 0x80005634);
}

/* the USB IDs Bochs and QEMU use, each with its class: one probe per class */
TEST(probe_usb_controllers_match_by_class_with_their_register_and_keep_mask)
{
    static const struct {
        uint16_t vendor, device;
        uint32_t class_code;
        const char *type;
        uint32_t offset, keep;
    } ids[] = {
        {0x11c1, 0x5803, 0x0c0310, "ohci-hcca", 0x18, 0xffffff00u},          /* Bochs */
        {0x106b, 0x003f, 0x0c0310, "ohci-hcca", 0x18, 0xffffff00u},          /* QEMU pci-ohci */
        {0x8086, 0x24cd, 0x0c0320, "ehci-periodiclistbase", 0x14, 0xfffff000u}, /* both */
        {0x1912, 0x0015, 0x0c0330, "xhci-dcbaap", 0x30, 0xffffffc0u},        /* Bochs */
        {0x1b36, 0x000d, 0x0c0330, "xhci-dcbaap", 0x30, 0xffffffc0u},        /* qemu-xhci */
        {0x1033, 0x0194, 0x0c0330, "xhci-dcbaap", 0x30, 0xffffffc0u},        /* nec-usb-xhci */
    };
    for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        fake_pci_reset();
        int h = fake_pci_add(BDF(0, 4, 0), ids[i].vendor, ids[i].device, ids[i].class_code);
        fake_pci_bar_mem32(h, 0, 4096, OHCI_AT, false);
        EXPECT(find(BDF(0, 4, 0), 0));
        EXPECT_STR(probe.type->name, ids[i].type);
        EXPECT_EQ(probe.offset, ids[i].offset); /* EHCI, xHCI: inside the operational registers */
        EXPECT_EQ(probe.keep, ids[i].keep);
        EXPECT_EQ(probe.type->strength, PROBE_SCRATCH);
    }
    fake_pci_reset();
    int uhci = fake_pci_add(BDF(0, 4, 0), 0x8086, 0x7020, 0x0c0300); /* UHCI: I/O only */
    fake_pci_bar_io(uhci, 4, 0x20, 0xc080, 32);
    EXPECT(!find(BDF(0, 4, 0), 4));
}

TEST(probe_ohci_round_trip_and_signature_while_operational)
{
    fake_pci_reset();
    int h = fake_dev_ohci(BDF(0, 4, 0), OHCI_AT);
    EXPECT(find(BDF(0, 4, 0), 0));
    round_trip(h, FAKE_OHCI_HCHCCA, OHCI_AT, 0x12345678);
    fake_mmio_poke(h, 0, FAKE_OHCI_HCCONTROL, 4, 0xc0); /* USBSUSPEND: still stopped */
    EXPECT(find(BDF(0, 4, 0), 0));
    round_trip(h, FAKE_OHCI_HCHCCA, OHCI_AT, 0x12345678);
    fake_mmio_poke(h, 0, FAKE_OHCI_HCCONTROL, 4, 0x80 | 0x3c); /* USBOPERATIONAL, lists on */
    EXPECT(find(BDF(0, 4, 0), 0));
    falls_back(OHCI_AT,
               "OHCI operational (HcControl.HCFS=USBOPERATIONAL): it writes the HCCA every frame",
               &probe_ohci_signature);
    EXPECT_EQ(probe.offset, 0x48);
}

TEST(probe_ehci_register_lies_caplength_into_the_bar)
{
    fake_pci_reset();
    int h = fake_dev_ehci(BDF(0, 5, 0), EHCI_AT);
    EXPECT(find(BDF(0, 5, 0), 0));
    round_trip(h, FAKE_EHCI_CAPLENGTH + 0x14, EHCI_AT, 0xfedcba98);
}

#define BOCHS_EHCI_AT 0xc0002000u

/* Bochs's EHCI: 256-byte BAR, CAPLENGTH 0x20, PERIODICLISTBASE keeps bits 31:12 */
static int bochs_ehci(void)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 5, 0), 0x8086, 0x24cd, 0x0c0320);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    fake_pci_bar_mem32(h, 0, 256, BOCHS_EHCI_AT, false);
    fake_mmio_register(h, 0, 0x00, 4, 0x01000020, 0);
    fake_mmio_register(h, 0, 0x24, 4, 0x1000, 0);
    fake_mmio_register(h, 0, 0x34, 4, 0, 0xfffff000u);
    return h;
}

TEST(probe_ehci_bochs_shaped_masked_register_still_keeps_the_nonce)
{
    int h = bochs_ehci();
    EXPECT(find(BDF(0, 5, 0), 0));
    round_trip(h, 0x34, BOCHS_EHCI_AT, 0x0abcdef1);
}

TEST(probe_ehci_running_not_halted_or_misplaced_falls_back_to_its_capabilities)
{
    fake_pci_reset();
    int h = fake_dev_ehci(BDF(0, 5, 0), EHCI_AT);
    fake_mmio_poke(h, 0, FAKE_EHCI_CAPLENGTH, 4, 0x00080001); /* RS */
    EXPECT(find(BDF(0, 5, 0), 0));
    falls_back(EHCI_AT, "EHCI running (USBCMD.RS=1): it reads the periodic list at PERIODICLISTBASE",
               &probe_ehci_signature);
    EXPECT_EQ(probe.offset, 0);
    EXPECT_EQ(probe.signature[0], 0x01000020);
    EXPECT_EQ(probe.signature[1], 6);
    fake_mmio_poke(h, 0, FAKE_EHCI_CAPLENGTH, 4, 0x00080000);
    fake_mmio_poke(h, 0, FAKE_EHCI_CAPLENGTH + 4, 4, 0); /* RS just cleared, not halted yet */
    EXPECT(find(BDF(0, 5, 0), 0));
    falls_back(EHCI_AT, "EHCI not halted yet (USBSTS.HCHalted=0)", &probe_ehci_signature);
    static const uint32_t bad[] = {0x01000022, 0x01000004, 0xffffffffu}; /* unaligned, short */
    for (unsigned i = 0; i < 3; i++) {
        fake_mmio_poke(h, 0, 0, 4, bad[i]);
        EXPECT(find(BDF(0, 5, 0), 0));
        falls_back(EHCI_AT, "CAPLENGTH does not place the operational registers inside the BAR",
                   &probe_ehci_signature);
    }
    h = bochs_ehci();
    fake_mmio_poke(h, 0, 0, 4, 0x010000f0); /* + 0x14 is past the 256-byte BAR */
    EXPECT(find(BDF(0, 5, 0), 0));
    falls_back(BOCHS_EHCI_AT, "CAPLENGTH does not place the operational registers inside the BAR",
               &probe_ehci_signature);
}

TEST(probe_xhci_register_follows_caplength_on_qemu_and_bochs)
{
    fake_pci_reset();
    int h = fake_dev_xhci(BDF(0, 6, 0), XHCI_AT);
    EXPECT(find(BDF(0, 6, 0), 0));
    round_trip(h, FAKE_XHCI_CAPLENGTH + 0x30, XHCI_AT, 0x13572468);
    EXPECT(probe_prepare(&probe, XHCI_AT) == NULL); /* again: the offset is not added twice */
    EXPECT_EQ(probe.offset, FAKE_XHCI_CAPLENGTH + 0x30);

    fake_pci_reset();
    h = fake_pci_add(BDF(0, 6, 0), 0x1912, 0x0015, 0x0c0330); /* Bochs: CAPLENGTH 0x20, 8 KiB */
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    fake_pci_bar_mem64(h, 0, 8192, 0xc0004000u, false);
    fake_mmio_register(h, 0, 0x00, 4, 0x01000020, 0);
    fake_mmio_register(h, 0, 0x24, 4, 0x1, 0);
    fake_mmio_register(h, 0, 0x50, 4, 0, 0xffffffc0u);
    EXPECT(find(BDF(0, 6, 0), 0));
    round_trip(h, 0x50, 0xc0004000u, 0x13572468);
}

TEST(probe_xhci_running_or_not_halted_falls_back_to_its_capabilities)
{
    fake_pci_reset();
    int h = fake_dev_xhci(BDF(0, 6, 0), XHCI_AT);
    fake_mmio_poke(h, 0, FAKE_XHCI_CAPLENGTH, 4, 0x1); /* R/S */
    EXPECT(find(BDF(0, 6, 0), 0));
    falls_back(XHCI_AT, "xHCI running (USBCMD.R/S=1): it reads device contexts through DCBAAP",
               &probe_xhci_signature);
    fake_mmio_poke(h, 0, FAKE_XHCI_CAPLENGTH, 4, 0);
    fake_mmio_poke(h, 0, FAKE_XHCI_CAPLENGTH + 4, 4, 0);
    EXPECT(find(BDF(0, 6, 0), 0));
    falls_back(XHCI_AT, "xHCI not halted yet (USBSTS.HCH=0)", &probe_xhci_signature);
}

/* a controller whose register keeps fewer bits than the spec's alignment
 * says: the register is refused (and given back), the signature remains;
 * without a signature either (unbacked registers read 0), no probe */
TEST(probe_usb_register_that_drops_address_bits_is_refused)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 4, 0), 0x11c1, 0x5803, 0x0c0310);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    fake_pci_bar_mem32(h, 0, 4096, OHCI_AT, false);
    fake_mmio_register(h, 0, FAKE_OHCI_HCHCCA, 4, 0, 0xffff0000u);
    EXPECT(find(BDF(0, 4, 0), 0));
    EXPECT_STR(probe_prepare(&probe, OHCI_AT), "the signature registers read 0 or all-ones");
    EXPECT_EQ(probe.type->strength, PROBE_NONE);
    EXPECT_EQ(fake_mmio_peek(h, 0, FAKE_OHCI_HCHCCA, 4), 0);
    fake_mmio_register(h, 0, 0x48, 4, 0x00000202, 0);
    EXPECT(find(BDF(0, 4, 0), 0));
    EXPECT(probe_prepare(&probe, OHCI_AT) == NULL);
    EXPECT_STR(probe.type->name, "ohci-signature");
    EXPECT_STR(probe.reason, "the scratch register does not keep a written value");
}

TEST(probe_e1000_macs_tell_two_busy_nics_apart)
{
    fake_pci_reset();
    int a = fake_dev_e1000(BDF(0, 3, 0), E1000_AT);
    int b = fake_dev_e1000(BDF(0, 4, 0), E1000_AT + 0x20000);
    fake_mmio_poke(a, 0, FAKE_E1000_RCTL, 4, 0x2);
    fake_mmio_poke(b, 0, FAKE_E1000_RCTL, 4, 0x2);
    fake_mmio_poke(b, 0, FAKE_E1000_RAL0, 4, 0x13005452); /* 52:54:00:13:34:56 */
    uint64_t seen = 0;
    EXPECT(find(BDF(0, 3, 0), 0));
    EXPECT(probe_prepare(&probe, E1000_AT) == NULL);
    EXPECT(probe_look(&probe, E1000_AT, &seen));
    EXPECT(!probe_look(&probe, E1000_AT + 0x20000, &seen));
    EXPECT(pci_bar_set_addr(BDF(0, 3, 0), 0, 0xfe000000u));
    EXPECT(!probe_look(&probe, E1000_AT, &seen));
    EXPECT(probe_look(&probe, 0xfe000000u, &seen));
}

TEST(probe_usb_look_follows_the_bar_and_tells_two_controllers_apart)
{
    fake_pci_reset();
    fake_dev_ehci(BDF(0, 5, 0), EHCI_AT);
    fake_dev_ehci(BDF(0, 7, 0), EHCI_AT + 0x1000);
    struct probe a, b;
    uint64_t seen = 0;
    EXPECT(find(BDF(0, 5, 0), 0));
    a = probe;
    EXPECT(find(BDF(0, 7, 0), 0));
    b = probe;
    EXPECT(probe_prepare(&a, EHCI_AT) == NULL && probe_prepare(&b, EHCI_AT + 0x1000) == NULL);
    EXPECT(probe_plant(&a, EHCI_AT, probe_usable_nonce(&a, 0x11111111)));
    EXPECT(probe_plant(&b, EHCI_AT + 0x1000, probe_usable_nonce(&b, 0x22222222)));
    EXPECT(!probe_look(&a, EHCI_AT + 0x1000, &seen));
    EXPECT(pci_bar_set_addr(BDF(0, 5, 0), 0, 0xfea00000u));
    EXPECT(!probe_look(&a, EHCI_AT, &seen));
    EXPECT(probe_look(&a, 0xfea00000u, &seen));
    EXPECT(probe_look(&b, EHCI_AT + 0x1000, &seen));
}
