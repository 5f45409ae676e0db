/* The MSI-X table (PCI Local Bus 3.0 §6.8.2, PCIe 6.0 §7.7.2) as a probe for
 * the memory BAR that holds it. Most functions of a modern machine have one
 * (e1000e BAR3, virtio-pci BAR1, QEMU's PCIe root ports BAR0), and it is the
 * one structure every OS and hypervisor must emulate behind a BAR, so it gives
 * a SCRATCH probe where no device-specific register is known.
 *
 * An entry is 16 bytes: Message Address low (+0), high (+4), Message Data
 * (+8), Vector Control (+12, bit 0 = per-vector mask). The probe's register
 * is entry 0's Message Data, 32 bits, all read/write.
 *
 * Hazard of writing it: a live entry sends its address/data pair as an
 * interrupt. While MSI-X Enable (Message Control bit 15) is clear the function
 * must not use MSI-X at all, so entries are plain storage then; match refuses
 * a function whose MSI-X is enabled (checked once, from config space, when the
 * probe is found: barmove itself never enables it).
 *
 * Entry 0's mask bit is part of the identity too: plant leaves it flipped from
 * how firmware left it (QEMU resets every vector masked, so it is unmasked
 * while the run lasts), look requires it as plant left it, restore puts the
 * original back. A hypervisor that masks or zeroes the table when the BAR is
 * written or moved (BUGS.md msix-wiped-on-bar-write) loses the nonce, the
 * flipped mask bit, or both; one that keeps its table emulation at the old
 * address or while MSE=0 (msix-stays, msix-ignores-mse) answers where the
 * oracle says nothing may. */
#include "probes.h"

#define MSIX_CONTROL 2           /* Message Control, from the capability */
#define MSIX_CONTROL_ENABLE 0x8000u
#define MSIX_ENTRY_SIZE 16
#define MSIX_ENTRY_DATA 8
#define MSIX_ENTRY_VECTOR_CONTROL 12
#define MSIX_VECTOR_MASKED 0x1u
/* from the probe's register (Message Data) to Vector Control */
#define VECTOR_CONTROL_AFTER_DATA (MSIX_ENTRY_VECTOR_CONTROL - MSIX_ENTRY_DATA)

/* A probe keeps no state outside struct probe: Vector Control's two values
 * live in the signature slots, which a SCRATCH type does not otherwise use */
enum {
    ORIGINAL_CONTROL, /* Vector Control as prepare found it */
    PLANTED_CONTROL,  /* the same with the mask bit flipped: what plant leaves */
};

static bool msix_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    const struct pci_msix_info *m = &f->caps.msix_info;
    if (!f->caps.msix || m->table_bir != bar_num || !probe_bar_is_memory(f, bar_num))
        return false;
    if ((uint64_t)m->table_offset + MSIX_ENTRY_SIZE > f->bars[bar_num].size) {
        p->reason = "MSI-X table lies outside its BAR";
        return false;
    }
    /* all-ones (config space unreachable) reads as enabled: refused too */
    if (pci_cfg_read16(f->bdf, (uint16_t)(f->caps.msix + MSIX_CONTROL)) & MSIX_CONTROL_ENABLE) {
        p->reason = "MSI-X enabled: its table entries are live interrupts";
        return false;
    }
    p->offset = m->table_offset + MSIX_ENTRY_DATA;
    p->width = 4;
    p->keep = 0xffffffffu;
    return true;
}

static int read_control(const struct probe *p, uint64_t base, uint64_t *value)
{
    return probe_mmio_read(base, p->offset + VECTOR_CONTROL_AFTER_DATA, 4, value);
}

/* writes Vector Control and checks that the mask bit reads back as written */
static bool write_control(const struct probe *p, uint64_t base, uint64_t value)
{
    uint64_t back = 0;
    if (probe_mmio_write(base, p->offset + VECTOR_CONTROL_AFTER_DATA, 4, value))
        return false;
    return read_control(p, base, &back) == 0 && !((back ^ value) & MSIX_VECTOR_MASKED);
}

/* Message Data must round-trip (the shared scratch prepare), and so must the
 * mask bit: flipped, read back, put back. Both are left as found. */
static const char *msix_prepare(struct probe *p, uint64_t base)
{
    uint64_t control = 0;
    p->planted = false;
    if (read_control(p, base, &control))
        return "reading the MSI-X Vector Control faulted";
    p->signature[ORIGINAL_CONTROL] = control;
    p->signature[PLANTED_CONTROL] = control ^ MSIX_VECTOR_MASKED;
    const char *refused = probe_scratch_prepare(p, base);
    if (refused)
        return refused;
    bool flipped = write_control(p, base, p->signature[PLANTED_CONTROL]);
    bool restored = write_control(p, base, p->signature[ORIGINAL_CONTROL]);
    if (!flipped)
        return "the MSI-X mask bit does not keep a written value";
    if (!restored)
        return "the MSI-X mask bit did not take its original value back";
    return NULL;
}

/* the mask bit flipped first, so a planted nonce always comes with it */
static bool msix_plant(struct probe *p, uint64_t base, uint64_t nonce)
{
    bool masked = probe_mmio_write(base, p->offset + VECTOR_CONTROL_AFTER_DATA, 4,
                                   p->signature[PLANTED_CONTROL]) == 0;
    bool data = probe_scratch_plant(p, base, nonce);
    p->planted = masked && data;
    return p->planted;
}

/* read-only: Message Data holds the nonce and the mask bit is as planted.
 * *seen is Vector Control << 32 | Message Data, so a diagnostic shows both
 * (0 when either access faulted). */
static bool msix_look(const struct probe *p, uint64_t base, uint64_t *seen)
{
    uint64_t data = 0, control = 0;
    bool read = probe_mmio_read(base, p->offset, 4, &data) == 0 &&
                read_control(p, base, &control) == 0;
    *seen = read ? control << 32 | data : 0;
    bool mask_kept = !((control ^ p->signature[PLANTED_CONTROL]) & MSIX_VECTOR_MASKED);
    return read && p->planted && data == p->expect && mask_kept;
}

static bool msix_restore(struct probe *p, uint64_t base)
{
    bool control = write_control(p, base, p->signature[ORIGINAL_CONTROL]);
    return probe_scratch_restore(p, base) && control;
}

const struct probe_type probe_msix_table = {
    .name = "msix-table",
    .strength = PROBE_SCRATCH,
    .match = msix_match,
    .prepare = msix_prepare,
    .plant = msix_plant,
    .look = msix_look,
    .restore = msix_restore,
};
