/* NVMe controllers (class 01:08:02; QEMU's is 1b36:0010, hw/nvme/ctrl.c):
 * BAR0 holds the controller registers (NVMe 1.4 §3.1).
 *
 * SCRATCH: AQA (0x24), the admin queue sizes. It is read/write, has no side
 * effect until the controller is enabled, and the spec forbids changing it
 * while CC.EN=1, so it is used only with CC.EN=0 and CSTS.RDY=0. Only ASQS
 * (bits 11:0) and ACQS (27:16) are defined; the rest is reserved, so a nonce
 * is masked to those fields (QEMU stores all 32 bits; hardware need not).
 *
 * A controller left running (SeaBIOS enables it to look for boot disks) is
 * halted first: CC.EN cleared, then CSTS.RDY awaited (DESIGN §3: "the
 * controllers stay halted"; barmove never uses them as disks).
 *
 * SIGNATURE, when the controller will not halt: VS (0x08) and CAP (0x00,
 * 64-bit), read-only values learned at the firmware address. Any NVMe controller of the same model shows the same
 * pair, so an alias between two of them goes unseen: weaker, reported so. */
#include "probes.h"

#define NVME_BAR 0
#define NVME_CAP 0x00
#define NVME_VS 0x08
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_CC_EN 0x1u
#define NVME_CSTS_RDY 0x1u
#define NVME_AQA_FIELDS 0x0fff0fffu /* ACQS | ASQS */

static bool nvme_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    return probe_place_register(f, bar_num, NVME_BAR, p, NVME_AQA, NVME_AQA_FIELDS);
}

static bool bit_set_or_unreadable(uint64_t base, uint32_t offset, uint32_t bit)
{
    uint64_t v = 0;
    return probe_mmio_read(base, offset, 4, &v) || (v & bit);
}

#define HALT_TIMEOUT_NS 2000000000ull /* CAP.TO allows up to 127.5 s; QEMU halts at once */

/* clears CC.EN and waits for CSTS.RDY to fall; false if it does not */
static bool halt_controller(uint64_t base)
{
    uint64_t cc = 0;
    if (probe_mmio_read(base, NVME_CC, 4, &cc) || !(cc & NVME_CC_EN))
        return true;
    if (hw_mmio_write(base + NVME_CC, 4, cc & ~(uint64_t)NVME_CC_EN))
        return false;
    uint64_t start = hw_time_ns();
    while (bit_set_or_unreadable(base, NVME_CSTS, NVME_CSTS_RDY))
        if (hw_time_ns() - start > HALT_TIMEOUT_NS)
            return false;
    return true;
}

static const char *nvme_aqa_prepare(struct probe *p, uint64_t base)
{
    halt_controller(base);
    if (bit_set_or_unreadable(base, NVME_CC, NVME_CC_EN))
        return "controller enabled (CC.EN=1): AQA must not change while it runs";
    if (bit_set_or_unreadable(base, NVME_CSTS, NVME_CSTS_RDY))
        return "controller still ready (CSTS.RDY=1): AQA must not change while it runs";
    return probe_scratch_prepare(p, base);
}

/* the signature as it reads at base: VS into *vs, CAP into *cap */
static bool read_signature(uint64_t base, uint64_t *vs, uint64_t *cap)
{
    return probe_mmio_read(base, NVME_VS, 4, vs) == 0 &&
           probe_mmio_read(base, NVME_CAP, 8, cap) == 0;
}

/* 0 and all-ones are what unbacked addresses read (QEMU, Bochs): no proof */
static const char *nvme_signature_prepare(struct probe *p, uint64_t base)
{
    uint64_t vs = 0, cap = 0;
    p->planted = false;
    p->offset = NVME_VS;
    p->width = 4;
    p->keep = 0;
    if (!read_signature(base, &vs, &cap))
        return "reading the NVMe signature (VS, CAP) faulted";
    if (vs == 0 || vs == 0xffffffffu || cap == 0 || cap == ~0ull)
        return "NVMe signature (VS, CAP) reads 0 or all-ones";
    p->signature[0] = vs;
    p->signature[1] = cap;
    p->original = vs;
    p->expect = vs;
    return NULL;
}

static bool nvme_signature_look(const struct probe *p, uint64_t base, uint64_t *seen)
{
    uint64_t cap = 0;
    if (!read_signature(base, seen, &cap))
        return false;
    return p->expect && *seen == p->signature[0] && cap == p->signature[1];
}

const struct probe_type probe_nvme_signature = {
    .name = "nvme-signature",
    .strength = PROBE_SIGNATURE,
    .match = nvme_match,
    .prepare = nvme_signature_prepare,
    .plant = probe_pair_plant,     /* read-only: nothing to plant or put back */
    .look = nvme_signature_look,
    .restore = probe_pair_restore,
};

const struct probe_type probe_nvme_aqa = {
    .name = "nvme-aqa",
    .strength = PROBE_SCRATCH,
    .fallback = &probe_nvme_signature,
    .nonzero_fields = {0xfff, 0xfff0000}, /* ASQS, ACQS */
    .match = nvme_match,
    .prepare = nvme_aqa_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};
