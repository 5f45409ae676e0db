/* USB host controllers, matched by class (the register layout is the
 * class's spec, whoever made the controller): OHCI (0c:03:10; Bochs
 * 11c1:5803 4 KiB, QEMU pci-ohci 106b:003f 256 B), EHCI (0c:03:20; Bochs
 * and QEMU usb-ehci 8086:24cd), xHCI (0c:03:30; Bochs 1912:0015 8 KiB,
 * QEMU qemu-xhci 1b36:000d and nec-usb-xhci 1033:0194 16 KiB). BAR0 holds
 * the registers in all three.
 *
 * The scratch register is the address of a structure in guest memory the
 * controller reads only while it runs: barmove never starts one, and uses
 * the register only while the controller is stopped (refused otherwise,
 * never stopped by barmove: firmware that left it running may be using it).
 * The nonce keeps out the low bits that hold no address (the alignment):
 *   OHCI  HcHCCA (0x18), 256-byte aligned: QEMU ohci_mem_write and Bochs
 *         write_handler both store value & 0xffffff00; used while HcControl.HCFS
 *         is not USBOPERATIONAL (the HC writes the HCCA every frame then);
 *   EHCI  PERIODICLISTBASE (operational + 0x14), 4 KiB aligned: QEMU
 *         ehci_opreg_write stores it whole, Bochs write_handler & 0xfffff000;
 *         used while USBCMD.RS=0 and USBSTS.HCHalted=1;
 *   xHCI  DCBAAP low dword (operational + 0x30), 64-byte aligned: QEMU
 *         xhci_oper_write and Bochs write_handler store value & ~0x3f; used
 *         while USBCMD.R/S=0 and USBSTS.HCH=1. The low dword alone is
 *         enough to hold a nonce, and keeps every access a dword (below).
 * EHCI and xHCI operational registers start CAPLENGTH bytes into the BAR
 * (CAPLENGTH is the BAR's first byte: 0x20 on both Bochs controllers and
 * QEMU's EHCI, 0x40 on QEMU's xHCI), so match sets the offset inside the
 * operational registers and prepare, at a BAR known to answer, adds
 * CAPLENGTH to it.
 * Every access is a dword: Bochs's controllers ignore any other size.
 *
 * SIGNATURE, when firmware left the controller running (SeaBIOS keeps one
 * with a keyboard or a mouse on it): two read-only capability dwords, OHCI
 * HcRhDescriptorA/B (0x48), EHCI and xHCI CAPLENGTH/HCIVERSION and
 * HCSPARAMS(1) (0x00). The same on every controller of a model: weaker. */
#include "probes.h"

#define USB_BAR 0
#define OHCI_HCCONTROL 0x04
#define OHCI_HCFS_MASK 0xc0u
#define OHCI_HCFS_OPERATIONAL 0x80u
#define OHCI_HCHCCA 0x18
#define OHCI_HCCA_BITS 0xffffff00u

#define USB_CAPLENGTH_MIN 0x0c /* CAPLENGTH/HCIVERSION, HCSPARAMS, HCCPARAMS come first */
#define USB_USBCMD 0x00        /* operational registers, both EHCI and xHCI */
#define USB_USBSTS 0x04
#define USB_USBCMD_RS 0x1u
#define EHCI_USBSTS_HCHALTED 0x1000u
#define EHCI_PERIODICLISTBASE 0x14
#define EHCI_PERIODIC_BITS 0xfffff000u
#define XHCI_USBSTS_HCH 0x1u
#define XHCI_DCBAAP_LO 0x30
#define XHCI_DCBAAP_BITS 0xffffffc0u
#define OHCI_SIGNATURE 0x48 /* HcRhDescriptorA, B */
#define CAP_SIGNATURE 0x00  /* CAPLENGTH/HCIVERSION, HCSPARAMS(1) */

/* BAR0 of a controller of the class the registry matched; reg at offset */
static bool place(const struct pci_function *f, unsigned bar_num, struct probe *p,
                  uint32_t offset, uint32_t keep)
{
    return probe_place_register(f, bar_num, USB_BAR, p, offset, keep);
}

static bool ohci_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    return place(f, bar_num, p, OHCI_HCHCCA, OHCI_HCCA_BITS);
}

static bool ehci_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    return place(f, bar_num, p, EHCI_PERIODICLISTBASE, EHCI_PERIODIC_BITS);
}

static bool xhci_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    return place(f, bar_num, p, XHCI_DCBAAP_LO, XHCI_DCBAAP_BITS);
}

static const char *ohci_prepare(struct probe *p, uint64_t base)
{
    uint64_t control = 0;
    if (probe_mmio_read(base, OHCI_HCCONTROL, 4, &control))
        return "reading the OHCI HcControl faulted";
    if ((control & OHCI_HCFS_MASK) == OHCI_HCFS_OPERATIONAL)
        return "OHCI operational (HcControl.HCFS=USBOPERATIONAL): it writes the HCCA every frame";
    return probe_scratch_prepare(p, base);
}

/* *op = CAPLENGTH and p->offset = *op + reg, or why the register cannot be placed */
static const char *place_after_caplength(struct probe *p, uint64_t base, uint32_t reg,
                                         uint32_t *op)
{
    uint64_t first = 0;
    if (probe_mmio_read(base, 0, 4, &first))
        return "reading CAPLENGTH faulted";
    *op = (uint32_t)(first & 0xff);
    if (*op < USB_CAPLENGTH_MIN || *op % 4 || (uint64_t)*op + reg + 4 > p->bar_size)
        return "CAPLENGTH does not place the operational registers inside the BAR";
    p->offset = *op + reg;
    return NULL;
}

/* USBCMD's run/stop bit clear and USBSTS's halted bit set, or why not */
static const char *stopped(uint64_t base, uint32_t op, uint32_t halted_bit, const char *running,
                           const char *not_halted)
{
    uint64_t cmd = 0, sts = 0;
    if (probe_mmio_read(base, op + USB_USBCMD, 4, &cmd) ||
        probe_mmio_read(base, op + USB_USBSTS, 4, &sts))
        return "reading USBCMD or USBSTS faulted";
    if (cmd & USB_USBCMD_RS)
        return running;
    if (!(sts & halted_bit))
        return not_halted;
    return NULL;
}

static const char *ehci_prepare(struct probe *p, uint64_t base)
{
    uint32_t op = 0;
    const char *why = place_after_caplength(p, base, EHCI_PERIODICLISTBASE, &op);
    if (!why)
        why = stopped(base, op, EHCI_USBSTS_HCHALTED,
                      "EHCI running (USBCMD.RS=1): it reads the periodic list at PERIODICLISTBASE",
                      "EHCI not halted yet (USBSTS.HCHalted=0)");
    return why ? why : probe_scratch_prepare(p, base);
}

static const char *xhci_prepare(struct probe *p, uint64_t base)
{
    uint32_t op = 0;
    const char *why = place_after_caplength(p, base, XHCI_DCBAAP_LO, &op);
    if (!why)
        why = stopped(base, op, XHCI_USBSTS_HCH,
                      "xHCI running (USBCMD.R/S=1): it reads device contexts through DCBAAP",
                      "xHCI not halted yet (USBSTS.HCH=0)");
    return why ? why : probe_scratch_prepare(p, base);
}

static const char *ohci_signature_prepare(struct probe *p, uint64_t base)
{
    p->offset = OHCI_SIGNATURE;
    return probe_pair_prepare(p, base);
}

static const char *cap_signature_prepare(struct probe *p, uint64_t base)
{
    p->offset = CAP_SIGNATURE;
    return probe_pair_prepare(p, base);
}

#define USB_SIGNATURE(type_name, name_text, match_fn, prepare_fn)                          \
    const struct probe_type type_name = {                                                  \
        .name = name_text, .strength = PROBE_SIGNATURE, .match = match_fn,                 \
        .prepare = prepare_fn, .plant = probe_pair_plant, .look = probe_pair_look,         \
        .restore = probe_pair_restore,                                                     \
    }
USB_SIGNATURE(probe_ohci_signature, "ohci-signature", ohci_match, ohci_signature_prepare);
USB_SIGNATURE(probe_ehci_signature, "ehci-signature", ehci_match, cap_signature_prepare);
USB_SIGNATURE(probe_xhci_signature, "xhci-signature", xhci_match, cap_signature_prepare);

const struct probe_type probe_ohci_hcca = {
    .name = "ohci-hcca",
    .strength = PROBE_SCRATCH,
    .fallback = &probe_ohci_signature,
    .match = ohci_match,
    .prepare = ohci_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};

const struct probe_type probe_ehci_periodic = {
    .name = "ehci-periodiclistbase",
    .strength = PROBE_SCRATCH,
    .fallback = &probe_ehci_signature,
    .match = ehci_match,
    .prepare = ehci_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};

const struct probe_type probe_xhci_dcbaap = {
    .name = "xhci-dcbaap",
    .strength = PROBE_SCRATCH,
    .fallback = &probe_xhci_signature,
    .match = xhci_match,
    .prepare = xhci_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};
