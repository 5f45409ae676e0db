/* virtio-pci modern devices (1af4:1000-107f; virtio 1.2 §4.1.4, QEMU
 * hw/virtio/virtio-pci.c). The common configuration structure lives in a BAR
 * and at an offset that only the vendor-specific capabilities tell
 * (struct virtio_pci_cap). Its first field, device_feature_select (+0x00,
 * 32-bit), only selects which feature word device_feature shows: any value
 * may be written, QEMU reads back what was written, and nothing else in the
 * device changes. So it is the scratch register; the probe's BAR is the
 * capability's BAR. A transitional device with modern support off
 * (disable-modern=on) has no such capability: no probe. */
#include "probes.h"

/* struct virtio_pci_cap, byte offsets from the capability */
#define VIRTIO_CAP_LEN 2
#define VIRTIO_CAP_CFG_TYPE 3
#define VIRTIO_CAP_BAR 4
#define VIRTIO_CAP_OFFSET 8
#define VIRTIO_CAP_LENGTH 12
#define VIRTIO_CAP_SIZE 16 /* the smallest capability that has all of the above */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_BAR_LAST 5 /* bar values above are reserved: such capabilities are ignored */
#define VIRTIO_COMMON_DFSELECT 0x00

struct virtio_cap {
    uint8_t cap_len, cfg_type, bar;
    uint32_t offset, length;
};

/* reads one capability at config offset at, through the seam */
static void read_cap(struct pci_bdf bdf, uint8_t at, struct virtio_cap *c)
{
    c->cap_len = pci_cfg_read8(bdf, (uint16_t)(at + VIRTIO_CAP_LEN));
    c->cfg_type = pci_cfg_read8(bdf, (uint16_t)(at + VIRTIO_CAP_CFG_TYPE));
    c->bar = pci_cfg_read8(bdf, (uint16_t)(at + VIRTIO_CAP_BAR));
    c->offset = pci_cfg_read32(bdf, (uint16_t)(at + VIRTIO_CAP_OFFSET));
    c->length = pci_cfg_read32(bdf, (uint16_t)(at + VIRTIO_CAP_LENGTH));
}

/* a common config capability a driver can use: complete, a BAR that exists
 * as memory, and a structure that holds device_feature_select inside it */
static bool usable_common_cfg(const struct pci_function *f, uint8_t at, const struct virtio_cap *c)
{
    if ((unsigned)at + VIRTIO_CAP_SIZE > 256 || c->cap_len < VIRTIO_CAP_SIZE)
        return false;
    if (c->cfg_type != VIRTIO_PCI_CAP_COMMON_CFG || c->bar > VIRTIO_BAR_LAST)
        return false;
    if (!probe_bar_is_memory(f, c->bar) || c->length < 4 || c->offset % 4)
        return false;
    return (uint64_t)c->offset + 4 <= f->bars[c->bar].size;
}

/* The first usable one counts: the list's order is the device's preference
 * (virtio 1.2 §4.1.4.1), and unusable ones are skipped as a driver must. */
static bool find_common_cfg(const struct pci_function *f, struct virtio_cap *found)
{
    unsigned count = f->caps.vendor_count;
    for (unsigned i = 0; i < count && i < PCI_MAX_VENDOR_CAPS; i++) {
        read_cap(f->bdf, f->caps.vendor[i], found);
        if (usable_common_cfg(f, f->caps.vendor[i], found))
            return true;
    }
    return false;
}

static bool virtio_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    struct virtio_cap common;
    if (!find_common_cfg(f, &common)) {
        p->reason = "virtio: no usable common configuration capability";
        return false;
    }
    if (common.bar != bar_num)
        return false; /* another BAR of the device: "no probe for this BAR" */
    p->offset = common.offset + VIRTIO_COMMON_DFSELECT;
    p->width = 4;
    p->keep = 0xffffffffu;
    return true;
}

const struct probe_type probe_virtio_dfselect = {
    .name = "virtio-dfselect",
    .strength = PROBE_SCRATCH,
    .match = virtio_match,
    .prepare = probe_scratch_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};
