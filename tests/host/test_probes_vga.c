/* The std VGA framebuffer probe (drivers/probe_vga.c) on a fake VGA whose
 * VBE DISPI ports are modelled (tests/host/fake_ports.c): the mode it turns
 * on to make the framebuffer RAM on Bochs, and gives back; the refusals. */
#include "../../drivers/probes.h"
#include "fake_pci.h"
#include "harness.h"

#define VGA_AT 0xfd000000u
#define LAST_WORD (FAKE_VGA_SIZE - 8)
#define XRES 1
#define YRES 2
#define BPP 3
#define ENABLE 4

static struct pci_function fn;
static struct probe probe;

static bool find(struct pci_bdf f, unsigned bar_num)
{
    pci_function_read(f, &fn, NULL);
    return probe_find(&fn, bar_num, &probe);
}

static uint64_t read_word(uint64_t at)
{
    uint64_t v = 0;
    hw_mmio_read(at, 8, &v);
    return v;
}

/* the resolution firmware left (SeaBIOS's text mode: VBE off) */
static void found_mode(uint16_t xres, uint16_t yres, uint16_t bpp, uint16_t enable)
{
    fake_dispi.regs[XRES] = xres;
    fake_dispi.regs[YRES] = yres;
    fake_dispi.regs[BPP] = bpp;
    fake_dispi.regs[ENABLE] = enable;
    fake_dispi.on = enable & 1;
}

TEST(probe_vga_matches_bar0_at_its_last_word_as_ram)
{
    fake_pci_reset();
    fake_dev_vga(BDF(0, 2, 0), VGA_AT, false);
    EXPECT(find(BDF(0, 2, 0), 0));
    EXPECT_STR(probe.type->name, "vga-framebuffer");
    EXPECT_EQ(probe.offset, LAST_WORD);
    EXPECT_EQ(probe.width, 8);
    EXPECT_EQ(probe.keep, ~0ull);
    EXPECT(probe.type->ram);
    EXPECT(probe_ivshmem_ram.ram);
    EXPECT(!probe_nvme_aqa.ram && !probe_e1000_rdbal.ram && !probe_xhci_dcbaap.ram);
    EXPECT(!find(BDF(0, 2, 0), 2)); /* QEMU's MMIO BAR */
    EXPECT_STR(probe.reason, "no probe for this BAR");
}

TEST(probe_vga_of_another_class_has_no_vbe_ports_and_no_probe)
{
    fake_pci_reset();
    int h = fake_dev_vga(BDF(0, 2, 0), VGA_AT, false);
    fake_pci_poke(h, 0x09, 1, 0x00); /* class 03:80:00, QEMU's secondary-vga */
    fake_pci_poke(h, 0x0a, 1, 0x80);
    EXPECT(!find(BDF(0, 2, 0), 0));
    EXPECT_STR(probe.reason, "std VGA without the legacy VBE ports: its mode cannot be set");
}

TEST(probe_vga_on_bochs_turns_a_mode_on_and_gives_the_found_one_back)
{
    fake_pci_reset();
    fake_dev_vga(BDF(0, 2, 0), VGA_AT, true);
    found_mode(640, 480, 8, 0);
    EXPECT_EQ(read_word(VGA_AT + LAST_WORD), ~0ull); /* Bochs: no mode, no RAM */
    EXPECT(find(BDF(0, 2, 0), 0));
    EXPECT(probe_prepare(&probe, VGA_AT) == NULL);
    EXPECT(fake_dispi.on);
    EXPECT_EQ(fake_dispi.regs[ENABLE], 0x41); /* enabled, linear framebuffer */
    EXPECT_EQ(fake_dispi.regs[XRES], 320);
    EXPECT_EQ(fake_dispi.regs[YRES], 200);
    EXPECT_EQ(fake_dispi.regs[BPP], 8);
    uint64_t nonce = probe_usable_nonce(&probe, 0x0123456789abcdefull), seen = 0;
    EXPECT(probe_plant(&probe, VGA_AT, nonce));
    EXPECT(probe_look(&probe, VGA_AT, &seen));
    EXPECT_EQ(seen, nonce);
    EXPECT(probe_restore(&probe, VGA_AT));
    EXPECT(!fake_dispi.on);
    EXPECT_EQ(fake_dispi.regs[ENABLE], 0);
    EXPECT_EQ(fake_dispi.regs[XRES], 640);
    EXPECT_EQ(fake_dispi.regs[YRES], 480);
    EXPECT_EQ(fake_dispi.regs[BPP], 8);
    EXPECT_EQ(read_word(VGA_AT + LAST_WORD), ~0ull);
}

TEST(probe_vga_uses_a_mode_firmware_left_on_as_found)
{
    fake_pci_reset();
    fake_dev_vga(BDF(0, 2, 0), VGA_AT, true);
    found_mode(800, 600, 32, 0x41); /* OVMF's GOP */
    EXPECT(find(BDF(0, 2, 0), 0));
    EXPECT(probe_prepare(&probe, VGA_AT) == NULL);
    EXPECT(probe_plant(&probe, VGA_AT, probe_usable_nonce(&probe, 42)));
    EXPECT(probe_restore(&probe, VGA_AT));
    EXPECT_EQ(fake_dispi.writes, 0);
    EXPECT(fake_dispi.on);
    EXPECT_EQ(fake_dispi.regs[XRES], 800);
}

TEST(probe_vga_without_vbe_ports_uses_the_framebuffer_as_it_is)
{
    fake_pci_reset();
    fake_dev_vga(BDF(0, 2, 0), VGA_AT, false); /* QEMU-like: RAM whatever the mode */
    fake_dispi.present = false;                /* the ports float */
    EXPECT(find(BDF(0, 2, 0), 0));
    EXPECT(probe_prepare(&probe, VGA_AT) == NULL);
    EXPECT(probe_restore(&probe, VGA_AT));

    fake_pci_reset();
    fake_dev_vga(BDF(0, 2, 0), VGA_AT, true); /* Bochs-like: nothing without a mode */
    fake_dispi.present = false;
    EXPECT(find(BDF(0, 2, 0), 0));
    EXPECT_STR(probe_prepare(&probe, VGA_AT),
               "std VGA: the framebuffer keeps nothing and no VBE ports turn a mode on");
    EXPECT_EQ(probe.type->strength, PROBE_NONE);
}

TEST(probe_vga_refusals_put_the_found_mode_back)
{
    fake_pci_reset();
    fake_dev_vga(BDF(0, 2, 0), VGA_AT, true);
    found_mode(640, 480, 8, 0);
    fake_dispi.enable_ignored = true;
    EXPECT(find(BDF(0, 2, 0), 0));
    EXPECT_STR(probe_prepare(&probe, VGA_AT), "std VGA: the VBE mode did not turn on");
    EXPECT_EQ(fake_dispi.regs[XRES], 640);
    EXPECT_EQ(fake_dispi.regs[YRES], 480);

    fake_pci_reset(); /* a mode that turns on, over a BAR with nothing behind it */
    int h = fake_pci_add(BDF(0, 2, 0), 0x1234, 0x1111, 0x030000);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    fake_pci_bar_mem32(h, 0, FAKE_VGA_SIZE, VGA_AT, true);
    fake_dispi.present = true;
    fake_dispi.regs[0] = 0xb0c5;
    found_mode(1024, 768, 16, 0);
    EXPECT(find(BDF(0, 2, 0), 0));
    EXPECT_STR(probe_prepare(&probe, VGA_AT), "the scratch register does not keep a written value");
    EXPECT(!fake_dispi.on);
    EXPECT_EQ(fake_dispi.regs[XRES], 1024);
    EXPECT_EQ(fake_dispi.regs[BPP], 16);
}
