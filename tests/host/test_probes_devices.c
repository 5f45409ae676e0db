/* QEMU-shaped fake devices for the probe tests (declared in fake_pci.h):
 * config space from the fake fabric, probe registers from the MMIO model.
 * Values are QEMU 7.2's where the probes care (IDs, BAR kinds and sizes,
 * register offsets and behaviour), arbitrary elsewhere. */
#include "../../drivers/pci.h"
#include "fake_pci.h"

#define NVME_CAP 0x00
#define NVME_VS 0x08
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define VIRTIO_CAP_BODY 16

static int add_decoding(struct pci_bdf f, uint16_t vendor, uint16_t device, uint32_t class_code)
{
    int h = fake_pci_add(f, vendor, device, class_code);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    return h;
}

int fake_dev_ivshmem(struct pci_bdf f, uint64_t shm_addr)
{
    int h = add_decoding(f, 0x1af4, 0x1110, 0x050000);
    fake_pci_bar_mem32(h, 0, 256, 0xfebf1000, false);
    fake_pci_bar_mem64(h, 2, FAKE_IVSHMEM_SIZE, shm_addr, true);
    fake_mmio_ram(h, 2);
    return h;
}

int fake_dev_nvme(struct pci_bdf f, uint64_t addr, bool enabled)
{
    int h = add_decoding(f, 0x1b36, 0x0010, 0x010802);
    fake_pci_bar_mem64(h, 0, 16 << 10, addr, false);
    fake_mmio_register(h, 0, NVME_CAP, 8, FAKE_NVME_CAP, 0);
    fake_mmio_register(h, 0, NVME_VS, 4, FAKE_NVME_VS, 0);
    fake_mmio_register(h, 0, NVME_CC, 4, enabled ? 0x00460001 : 0, 0x00fffff1);
    fake_mmio_register(h, 0, NVME_CSTS, 4, enabled ? 1 : 0, 0);
    /* a spec controller: only ASQS and ACQS are implemented (QEMU keeps all 32 bits) */
    fake_mmio_register(h, 0, NVME_AQA, 4, enabled ? 0x001f001f : 0, 0x0fff0fff);
    return h;
}

int fake_dev_edu(struct pci_bdf f, uint32_t addr)
{
    int h = add_decoding(f, 0x1234, 0x11e8, 0x00ff00);
    fake_pci_bar_mem32(h, 0, 1 << 20, addr, false);
    fake_mmio_register(h, 0, 0x00, 4, FAKE_EDU_IDENT, 0);
    fake_mmio_register_inverted(h, 0, 0x04, 4, 0); /* QEMU: addr4 starts at 0 */
    return h;
}

void fake_virtio_cap(int h, uint8_t at, uint8_t cfg_type, uint8_t bar, uint32_t offset,
                     uint32_t length)
{
    fake_pci_add_cap(h, at, PCI_CAP_ID_VENDOR);
    fake_pci_poke(h, (uint16_t)(at + 2), 1, VIRTIO_CAP_BODY);
    fake_pci_poke(h, (uint16_t)(at + 3), 1, cfg_type);
    fake_pci_poke(h, (uint16_t)(at + 4), 1, bar);
    fake_pci_poke(h, (uint16_t)(at + 8), 4, offset);
    fake_pci_poke(h, (uint16_t)(at + 12), 4, length);
}

int fake_dev_virtio(struct pci_bdf f, uint16_t device, uint64_t bar4_addr)
{
    int h = add_decoding(f, 0x1af4, device, 0x020000);
    fake_pci_bar_mem32(h, 1, 4096, 0xfebf2000, false);
    fake_pci_bar_mem64(h, 4, 16 << 10, bar4_addr, true);
    fake_pci_add_cap(h, 0x98, PCI_CAP_ID_MSIX);
    fake_virtio_cap(h, 0x84, 5, 0, 0, 0);           /* PCI cfg access */
    fake_virtio_cap(h, 0x70, 2, 4, 0x3000, 0x1000); /* notify */
    fake_virtio_cap(h, 0x60, 4, 4, 0x2000, 0x1000); /* device-specific */
    fake_virtio_cap(h, 0x50, 3, 4, 0x1000, 0x1000); /* ISR */
    fake_virtio_cap(h, 0x40, 1, 4, 0x0000, 0x1000); /* common: last in list order */
    fake_mmio_register(h, 4, 0x00, 4, 0, 0xffffffffu); /* device_feature_select */
    fake_mmio_register(h, 4, 0x04, 4, 0x39bf8064, 0);  /* device_feature (word 0) */
    return h;
}

int fake_dev_testdev(struct pci_bdf f, uint64_t membar_addr)
{
    int h = add_decoding(f, 0x1b36, 0x0005, 0x00ff00);
    fake_pci_bar_mem32(h, 0, 4096, 0xfebf3000, false);
    fake_pci_bar_mem64(h, 2, 2 << 20, membar_addr, true);
    return h;
}

/* ---- devices QEMU and Bochs 2.7 share (drivers/probe_e1000.c, probe_usb.c, probe_vga.c) ---- */

int fake_dev_e1000(struct pci_bdf f, uint32_t addr)
{
    int h = add_decoding(f, 0x8086, 0x100e, 0x020000);
    fake_pci_bar_mem32(h, 0, 128 << 10, addr, false);
    fake_pci_bar_io(h, 1, 0x40, 0xc000, 32);
    fake_mmio_register(h, 0, FAKE_E1000_RCTL, 4, 0, 0xffffffffu);
    fake_mmio_register(h, 0, FAKE_E1000_RDBAL, 4, 0, 0xffffffffu); /* QEMU keeps every bit */
    fake_mmio_register(h, 0, FAKE_E1000_RAL0, 4, 0x12005452, 0xffffffffu); /* 52:54:00:12:34:56 */
    fake_mmio_register(h, 0, FAKE_E1000_RAL0 + 4, 4, 0x80005634, 0xffffffffu);
    return h;
}

int fake_dev_ohci(struct pci_bdf f, uint32_t addr)
{
    int h = add_decoding(f, 0x106b, 0x003f, 0x0c0310);
    fake_pci_bar_mem32(h, 0, 256, addr, false);
    fake_mmio_register(h, 0, 0x00, 4, 0x10, 0); /* HcRevision */
    fake_mmio_register(h, 0, FAKE_OHCI_HCCONTROL, 4, 0, 0x7ff);
    fake_mmio_register(h, 0, FAKE_OHCI_HCHCCA, 4, 0, 0xffffff00u);
    fake_mmio_register(h, 0, 0x48, 4, 0x00000203, 0); /* HcRhDescriptorA: 3 ports */
    fake_mmio_register(h, 0, 0x4c, 4, 0, 0);          /* HcRhDescriptorB */
    return h;
}

int fake_dev_ehci(struct pci_bdf f, uint32_t addr)
{
    int h = add_decoding(f, 0x8086, 0x24cd, 0x0c0320);
    fake_pci_bar_mem32(h, 0, 4096, addr, false);
    fake_mmio_register(h, 0, 0x00, 4, 0x01000000 | FAKE_EHCI_CAPLENGTH, 0);
    fake_mmio_register(h, 0, 0x04, 4, 0x00000006, 0); /* HCSPARAMS: 6 ports */
    fake_mmio_register(h, 0, FAKE_EHCI_CAPLENGTH + 0x00, 4, 0x00080000, 0); /* USBCMD */
    fake_mmio_register(h, 0, FAKE_EHCI_CAPLENGTH + 0x04, 4, 0x00001000, 0); /* USBSTS: halted */
    fake_mmio_register(h, 0, FAKE_EHCI_CAPLENGTH + 0x14, 4, 0, 0xffffffffu); /* QEMU: whole */
    return h;
}

int fake_dev_xhci(struct pci_bdf f, uint64_t addr)
{
    int h = add_decoding(f, 0x1b36, 0x000d, 0x0c0330);
    fake_pci_bar_mem64(h, 0, 16 << 10, addr, false);
    fake_mmio_register(h, 0, 0x00, 4, 0x01000000 | FAKE_XHCI_CAPLENGTH, 0);
    fake_mmio_register(h, 0, 0x04, 4, 0x08001040, 0); /* HCSPARAMS1 */
    fake_mmio_register(h, 0, FAKE_XHCI_CAPLENGTH + 0x00, 4, 0, 0); /* USBCMD */
    fake_mmio_register(h, 0, FAKE_XHCI_CAPLENGTH + 0x04, 4, 0x1, 0); /* USBSTS: HCH */
    fake_mmio_register(h, 0, FAKE_XHCI_CAPLENGTH + 0x30, 4, 0, 0xffffffc0u);
    return h;
}

int fake_dev_vga(struct pci_bdf f, uint32_t addr, bool bochs)
{
    int h = add_decoding(f, 0x1234, 0x1111, 0x030000);
    fake_pci_bar_mem32(h, 0, FAKE_VGA_SIZE, addr, true);
    fake_pci_bar_mem32(h, 2, 4096, 0xfebf4000, false); /* QEMU's MMIO BAR */
    fake_mmio_ram(h, 0);
    if (bochs)
        fake_mmio_gate(h, 0, &fake_dispi.on);
    fake_dispi.present = true;
    fake_dispi.regs[0] = 0xb0c5; /* VBE_DISPI_ID5 */
    return h;
}
