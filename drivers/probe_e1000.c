/* Intel 8254x gigabit NICs as QEMU (hw/net/e1000.c: 8086:100e 82540EM,
 * 8086:100f 82545EM, 8086:100c 82544GC) and Bochs 2.7 (iodev/network/
 * e1000.cc: 8086:100e) emulate them: BAR0 is 128 KiB of registers.
 *
 * SCRATCH: RDBAL (0x2800), the low dword of the receive descriptor ring's
 * address. Both emulators store it as written and read it back (QEMU's
 * mac_writereg/mac_readreg, Bochs's mem_write/mem_read), 4-byte accesses
 * only. The NIC reads it only to place a received packet, which it does
 * only with the receiver on (RCTL.EN): so it is used only with RCTL.EN=0,
 * and barmove never turns the receiver on. Bits 3:0 are ignored by
 * hardware (the ring is 16-byte aligned): the nonce leaves them out.
 *
 * SIGNATURE, when the receiver is on (firmware that booted from the
 * network): RAL0/RAH0 (0x5400), the MAC address filter, which both read
 * back from the same store (QEMU mac_readreg over RA, Bochs mem_read's RA
 * range). Each NIC of a VM has its own MAC, so it tells NICs apart; weaker
 * than a nonce only in that a guest could give two NICs the same one. */
#include "probes.h"

#define E1000_BAR 0
#define E1000_RCTL 0x0100
#define E1000_RDBAL 0x2800
#define E1000_RCTL_EN 0x2u
#define E1000_RDBAL_BITS 0xfffffff0u
#define E1000_RAL0 0x5400 /* and RAH0 at 0x5404 */

static bool e1000_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    return probe_place_register(f, bar_num, E1000_BAR, p, E1000_RDBAL, E1000_RDBAL_BITS);
}

static const char *e1000_prepare(struct probe *p, uint64_t base)
{
    uint64_t rctl = 0;
    if (probe_mmio_read(base, E1000_RCTL, 4, &rctl))
        return "reading the e1000 RCTL faulted";
    if (rctl & E1000_RCTL_EN)
        return "e1000 receiver enabled (RCTL.EN=1): it writes packets through the ring at RDBAL";
    return probe_scratch_prepare(p, base);
}

static const char *e1000_signature_prepare(struct probe *p, uint64_t base)
{
    p->offset = E1000_RAL0;
    return probe_pair_prepare(p, base);
}

const struct probe_type probe_e1000_signature = {
    .name = "e1000-mac",
    .strength = PROBE_SIGNATURE,
    .match = e1000_match,
    .prepare = e1000_signature_prepare,
    .plant = probe_pair_plant,
    .look = probe_pair_look,
    .restore = probe_pair_restore,
};

const struct probe_type probe_e1000_rdbal = {
    .name = "e1000-rdbal",
    .strength = PROBE_SCRATCH,
    .fallback = &probe_e1000_signature,
    .match = e1000_match,
    .prepare = e1000_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};
