/* A modern virtio-pci entropy device (virtio 1.2 §4.1, §5.4) behind its
 * BAR, as QEMU's virtio-rng-pci-non-transitional,vectors=0 shows it: the
 * common configuration (feature words, device_status, where FEATURES_OK is
 * refused unless the driver took VERSION_1 and nothing else, one queue of at
 * most SIM_VIRTIO_QUEUE_MAX entries; device_feature_select, the probe's
 * scratch, survives a reset as on QEMU), the ISR (read to clear), an empty
 * device configuration and the notify structure (sim.h SIM_VIRTIO_*).
 *
 * The split virtqueue runs only when notified: a write the decoder routed
 * here (where the BAR answers, or wherever a mutant's decoder sends it),
 * with DRIVER_OK, the queue enabled and Bus Master on, takes every available
 * descriptor chain from DMA memory, fills its device-writable buffers with
 * bytes and puts a used element. Nothing is used without a notify (QEMU also
 * kicks its queues at DRIVER_OK; the guest check tells the two apart). */
#include <stdio.h>

#include "../../drivers/pci.h"
#include "sim.h"

#define MAX_DEVICES 4
#define STATUS_FEATURES_OK 0x08u
#define STATUS_DRIVER_OK 0x04u
#define DESC_F_NEXT 1u
#define DESC_F_WRITE 2u
#define AVAIL_F_NO_INTERRUPT 1u
#define FEATURE_VERSION_1 (1ull << 32)
#define OFFERED FEATURE_VERSION_1 /* the device's features: VERSION_1 alone */
#define NO_VECTOR 0xffffu
#define ISR_QUEUE 1u

/* struct virtio_pci_common_cfg */
enum field {
    DFSELECT, DFEATURE, GFSELECT, GFEATURE, CONFIG_MSIX, NUM_QUEUES, STATUS, GENERATION,
    Q_SELECT, Q_SIZE, Q_MSIX, Q_ENABLE, Q_NOTIFY_OFF, Q_DESC, Q_DRIVER, Q_DEVICE, FIELDS
};
static const struct {
    uint8_t offset, width;
} layout[FIELDS] = {
    {0x00, 4}, {0x04, 4}, {0x08, 4}, {0x0c, 4}, {0x10, 2}, {0x12, 2}, {0x14, 1}, {0x15, 1},
    {0x16, 2}, {0x18, 2}, {0x1a, 2}, {0x1c, 2}, {0x1e, 2}, {0x20, 8}, {0x28, 8}, {0x30, 8},
};

struct virtio_rng {
    const struct region *region;
    uint32_t dfselect, gfselect;
    uint64_t driver_features;
    uint8_t status, isr;
    uint16_t queue_select;
    struct {
        uint16_t size, enable;
        uint64_t desc, driver, device;
        uint16_t last_avail, used_idx; /* the device's side of the rings */
    } q;
    uint32_t entropy; /* xorshift32: the bytes it hands out */
};

static struct virtio_rng devices[MAX_DEVICES];
static unsigned device_count;

void sim_virtio_reset(void)
{
    device_count = 0; /* sim_virtio_rng sets up each device whole */
}

/* device_status = 0: everything but device_feature_select back to reset values */
static void device_reset(struct virtio_rng *v)
{
    *v = (struct virtio_rng){.region = v->region, .dfselect = v->dfselect, .entropy = v->entropy};
    v->q.size = SIM_VIRTIO_QUEUE_MAX;
}

void sim_virtio_rng(const struct region *r)
{
    if (device_count == MAX_DEVICES) {
        fprintf(stderr, "barmove-sim: more than %d virtio devices\n", MAX_DEVICES);
        return;
    }
    struct virtio_rng *v = &devices[device_count++];
    *v = (struct virtio_rng){.region = r, .entropy = 0x2545f491u};
    device_reset(v);
}

static struct virtio_rng *device_of(const struct region *r)
{
    for (unsigned i = 0; i < device_count; i++)
        if (devices[i].region == r)
            return &devices[i];
    return NULL;
}

bool sim_virtio_owns(const struct region *r)
{
    return device_of(r) != NULL;
}

bool sim_virtio_doorbell(const struct region *r, uint64_t offset, unsigned width)
{
    return device_of(r) && offset >= SIM_VIRTIO_NOTIFY &&
           offset + width <= SIM_VIRTIO_NOTIFY + SIM_VIRTIO_REGION;
}

/* ---- the common configuration, field by field ---- */

static uint32_t feature_word(uint64_t features, uint32_t select)
{
    return select < 2 ? (uint32_t)(features >> (32 * select)) : 0;
}

static uint64_t field_get(const struct virtio_rng *v, enum field f)
{
    bool q0 = v->queue_select == 0; /* queue 0 is the only queue */
    switch (f) {
    case DFSELECT: return v->dfselect;
    case DFEATURE: return feature_word(OFFERED, v->dfselect);
    case GFSELECT: return v->gfselect;
    case GFEATURE: return feature_word(v->driver_features, v->gfselect);
    case CONFIG_MSIX: return NO_VECTOR; /* no MSI-X: every vector write reads back NO_VECTOR */
    case NUM_QUEUES: return 1;
    case STATUS: return v->status;
    case Q_SELECT: return v->queue_select;
    case Q_SIZE: return q0 ? v->q.size : 0;
    case Q_MSIX: return NO_VECTOR;
    case Q_ENABLE: return q0 ? v->q.enable : 0;
    case Q_DESC: return q0 ? v->q.desc : 0;
    case Q_DRIVER: return q0 ? v->q.driver : 0;
    case Q_DEVICE: return q0 ? v->q.device : 0;
    default: return 0; /* GENERATION, Q_NOTIFY_OFF (queue 0 notifies at the structure's start) */
    }
}

/* the driver accepted VERSION_1 and nothing the device does not offer */
static bool features_ok(const struct virtio_rng *v)
{
    return (v->driver_features & FEATURE_VERSION_1) && !(v->driver_features & ~OFFERED);
}

static void status_written(struct virtio_rng *v, uint8_t value)
{
    if (!value) {
        device_reset(v);
        return;
    }
    if ((value & STATUS_FEATURES_OK) && !(v->status & STATUS_FEATURES_OK) && !features_ok(v))
        return; /* refused, as QEMU's virtio_set_status: the status stays as it was */
    v->status = value;
}

static void field_set(struct virtio_rng *v, enum field f, uint64_t value)
{
    bool q0 = v->queue_select == 0;
    uint32_t word = v->gfselect;
    switch (f) {
    case DFSELECT: v->dfselect = (uint32_t)value; break;
    case GFSELECT: v->gfselect = (uint32_t)value; break;
    case GFEATURE:
        if (word < 2)
            v->driver_features = (v->driver_features & ~(0xffffffffull << (32 * word))) |
                                 (uint64_t)(uint32_t)value << (32 * word);
        break;
    case STATUS: status_written(v, (uint8_t)value); break;
    case Q_SELECT: v->queue_select = (uint16_t)value; break;
    case Q_SIZE:
        if (q0 && value && value <= SIM_VIRTIO_QUEUE_MAX)
            v->q.size = (uint16_t)value;
        break;
    case Q_ENABLE:
        if (q0)
            v->q.enable = value & 1;
        break;
    case Q_DESC: if (q0) v->q.desc = value; break;
    case Q_DRIVER: if (q0) v->q.driver = value; break;
    case Q_DEVICE: if (q0) v->q.device = value; break;
    default: break; /* read-only, or vectors this device does not have */
    }
}

static uint64_t common_read(const struct virtio_rng *v, uint64_t offset, unsigned width)
{
    uint64_t value = 0;
    for (unsigned f = 0; f < FIELDS; f++)
        for (unsigned b = 0; b < layout[f].width; b++) {
            uint64_t at = layout[f].offset + b;
            if (at >= offset && at < offset + width)
                value |= (field_get(v, f) >> (8 * b) & 0xff) << (8 * (at - offset));
        }
    return value;
}

/* each field the access covers, whole or in part, gets its bytes replaced */
static void common_write(struct virtio_rng *v, uint64_t offset, unsigned width, uint64_t value)
{
    for (unsigned f = 0; f < FIELDS; f++) {
        uint64_t lo = layout[f].offset, hi = lo + layout[f].width;
        if (hi <= offset || lo >= offset + width)
            continue;
        uint64_t merged = field_get(v, f);
        for (uint64_t at = lo; at < hi; at++)
            if (at >= offset && at < offset + width) {
                unsigned shift = 8 * (unsigned)(at - lo);
                merged = (merged & ~(0xffull << shift)) |
                         (value >> (8 * (at - offset)) & 0xff) << shift;
            }
        field_set(v, f, merged);
    }
}

/* ---- the virtqueue ---- */

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, unsigned bytes, uint64_t v)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t next_byte(struct virtio_rng *v)
{
    v->entropy ^= v->entropy << 13;
    v->entropy ^= v->entropy >> 17;
    v->entropy ^= v->entropy << 5;
    return (uint8_t)v->entropy;
}

/* fills the device-writable buffers of the chain at head; the bytes written */
static uint32_t fill_chain(struct virtio_rng *v, const uint8_t *desc, uint16_t head)
{
    uint32_t written = 0;
    uint16_t i = head;
    for (unsigned n = 0; n < v->q.size && i < v->q.size; n++) {
        const uint8_t *d = desc + 16u * i;
        uint32_t len = (uint32_t)le(d + 8, 4);
        uint16_t flags = (uint16_t)le(d + 12, 2);
        uint8_t *buf = (flags & DESC_F_WRITE) ? sim_dma(le(d, 8), len) : NULL;
        for (uint32_t k = 0; buf && k < len; k++)
            buf[k] = next_byte(v);
        written += buf ? len : 0;
        if (!(flags & DESC_F_NEXT))
            break;
        i = (uint16_t)le(d + 14, 2);
    }
    return written;
}

/* queue 0 notified: every chain from the device's avail index to the driver's */
static void notified(struct virtio_rng *v)
{
    unsigned size = v->q.size;
    bool master = sim_cfg_get(region_fn(v->region), PCI_COMMAND, 2) & PCI_COMMAND_MASTER;
    const uint8_t *desc = sim_dma(v->q.desc, 16u * size);
    const uint8_t *avail = sim_dma(v->q.driver, 4 + 2u * size);
    uint8_t *used = sim_dma(v->q.device, 4 + 8u * size);
    if (!master || !(v->status & STATUS_DRIVER_OK) || !v->q.enable || !desc || !avail || !used)
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint16_t avail_idx = (uint16_t)le(avail + 2, 2);
    for (unsigned n = 0; v->q.last_avail != avail_idx && n < size; n++) {
        uint16_t head = (uint16_t)le(avail + 4 + 2u * (v->q.last_avail % size), 2);
        uint8_t *elem = used + 4 + 8u * (v->q.used_idx % size);
        put_le(elem, 4, head);
        put_le(elem + 4, 4, fill_chain(v, desc, head));
        v->q.last_avail++;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        put_le(used + 2, 2, ++v->q.used_idx);
        if (!(le(avail, 2) & AVAIL_F_NO_INTERRUPT))
            v->isr |= ISR_QUEUE; /* INTx is not modelled: the bit is all that shows */
    }
}

/* an access the decoder routed to the BAR */
uint64_t sim_virtio_read(const struct region *r, uint64_t offset, unsigned width)
{
    struct virtio_rng *v = device_of(r);
    if (offset < SIM_VIRTIO_COMMON + SIM_VIRTIO_REGION)
        return common_read(v, offset - SIM_VIRTIO_COMMON, width);
    if (offset == SIM_VIRTIO_ISR) {
        uint8_t isr = v->isr;
        v->isr = 0;
        return isr;
    }
    return 0; /* the rest of the ISR page, the empty device configuration, notify */
}

void sim_virtio_write(const struct region *r, uint64_t offset, unsigned width, uint64_t value)
{
    struct virtio_rng *v = device_of(r);
    if (offset < SIM_VIRTIO_COMMON + SIM_VIRTIO_REGION)
        common_write(v, offset - SIM_VIRTIO_COMMON, width, value);
    else if (sim_virtio_doorbell(r, offset, width) &&
             (offset - SIM_VIRTIO_NOTIFY) / SIM_VIRTIO_NOTIFY_MULT == 0)
        notified(v); /* as QEMU's notify region: the address names the queue, not the value */
}
