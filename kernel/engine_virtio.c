/* The virtio-rng steps of the engine (DESIGN §4 works-after-move; BUGS.md
 * doorbell-stale): real I/O through a moved modern virtio-pci BAR (virtio
 * 1.2 §4.1). The common configuration is where the virtio-dfselect probe
 * found it (probe.offset: device_feature_select, at the structure's start);
 * the notify structure (cfg_type 2) must be in the same BAR. One split
 * virtqueue (queue 0, at most 8 entries, rings in DMA memory), one
 * device-writable 16-byte buffer: the device fills it and returns it on the
 * used ring once the queue is notified where the BAR answers; notified where
 * it must not answer (its old address, or its address while MSE=0), the
 * used index may not move within a bounded wait.
 *
 * The probe's nonce lives in device_feature_select: never written here but
 * to put it back after a reset (read before each reset, written back when
 * the reset changed it). The device is left reset (device_status=0) after
 * every request. */
#include <string.h>

#include "../drivers/hw.h"
#include "../drivers/pci.h"
#include "classes.h"
#include "engine.h"
#include "engine_internal.h"

/* struct virtio_pci_common_cfg */
#define VC_DFSELECT 0x00
#define VC_GFSELECT 0x08
#define VC_GF 0x0c
#define VC_STATUS 0x14
#define VC_Q_SELECT 0x16
#define VC_Q_SIZE 0x18
#define VC_Q_MSIX 0x1a
#define VC_Q_ENABLE 0x1c
#define VC_Q_NOTIFY_OFF 0x1e
#define VC_Q_DESC 0x20
#define VC_Q_DRIVER 0x28
#define VC_Q_DEVICE 0x30
#define VS_ACKNOWLEDGE 1u
#define VS_DRIVER 2u
#define VS_DRIVER_OK 4u
#define VS_FEATURES_OK 8u
#define VS_FAILED 0x80u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTIO_NO_VECTOR 0xffffu
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_PTR 0x34
#define PCI_CAP_ID_VNDR 0x09
#define RNG_BYTES 16
#define MAX_QUEUE 8
#define PAGE 4096
#define COMPLETE_WAIT_NS 1000000000ull /* a request through the live notify: 1 s */
#define RESET_WAIT_NS 1000000000ull
#define SETTLE_NS 20000000ull /* after DRIVER_OK, before the buffer is made available */

static struct {
    volatile uint8_t *desc, *avail, *used, *data;
    uint64_t desc_phys, avail_phys, used_phys, data_phys;
    bool running; /* a buffer sits in the avail ring, the device DRIVER_OK */
    uint32_t notify_off; /* of queue 0's notify address inside the BAR */
} vq;

static void fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static bool buffers(void)
{
    if (vq.desc)
        return true;
    void *d = hw_dma_alloc(PAGE, PAGE, &vq.desc_phys), *a = hw_dma_alloc(PAGE, PAGE, &vq.avail_phys);
    void *u = hw_dma_alloc(PAGE, PAGE, &vq.used_phys), *b = hw_dma_alloc(PAGE, PAGE, &vq.data_phys);
    if (!d || !a || !u || !b)
        return false;
    vq.desc = d, vq.avail = a, vq.used = u, vq.data = b;
    return true;
}

static uint32_t rd(uint64_t at, unsigned width, int *fault)
{
    uint64_t v = 0;
    *fault |= hw_mmio_read(at, width, &v);
    return (uint32_t)v;
}

static uint16_t used_idx(void)
{
    fence();
    return (uint16_t)(vq.used[2] | vq.used[3] << 8);
}

static uint32_t used_len(void)
{
    fence();
    return (uint32_t)vq.used[8] | (uint32_t)vq.used[9] << 8 | (uint32_t)vq.used[10] << 16 |
           (uint32_t)vq.used[11] << 24;
}

static uint32_t cfg(struct pci_bdf bdf, uint16_t off, unsigned width)
{
    uint32_t v = 0;
    if (!hw_cfg_read(HW_CFG_DEFAULT, bdf, off, width, &v))
        return 0;
    return v;
}

/* the notify structure of the device: its BAR, offset, multiplier; false when none */
static bool find_notify(struct pci_bdf bdf, uint8_t *bar, uint32_t *offset, uint32_t *mult)
{
    if (!(cfg(bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return false;
    uint8_t at = (uint8_t)(cfg(bdf, PCI_CAP_PTR, 1) & 0xfc);
    for (unsigned n = 0; at >= 0x40 && n < 48; n++) {
        if (cfg(bdf, at, 1) == PCI_CAP_ID_VNDR && cfg(bdf, (uint16_t)(at + 2), 1) >= 20 && at <= 256 - 20 &&
            cfg(bdf, (uint16_t)(at + 3), 1) == VIRTIO_PCI_CAP_NOTIFY_CFG && cfg(bdf, (uint16_t)(at + 4), 1) <= 5) {
            *bar = (uint8_t)cfg(bdf, (uint16_t)(at + 4), 1);
            *offset = cfg(bdf, (uint16_t)(at + 8), 4);
            *mult = cfg(bdf, (uint16_t)(at + 16), 4);
            return true;
        }
        at = (uint8_t)(cfg(bdf, (uint16_t)(at + 1), 1) & 0xfc);
    }
    return false;
}

/* device_status=0, awaited; device_feature_select as before the reset */
static bool reset(uint64_t common)
{
    int fault = 0;
    uint32_t dfselect = rd(common + VC_DFSELECT, 4, &fault);
    hw_mmio_write(common + VC_STATUS, 1, 0);
    uint64_t start = hw_time_ns();
    bool done;
    while (!(done = rd(common + VC_STATUS, 1, &fault) == 0 && !fault) && hw_time_ns() - start < RESET_WAIT_NS)
        fault = 0;
    if (!fault && rd(common + VC_DFSELECT, 4, &fault) != dfselect)
        hw_mmio_write(common + VC_DFSELECT, 4, dfselect);
    return done;
}

static void stop(uint64_t base, const struct target *t)
{
    vq.running = false;
    reset(base + t->probe.offset);
}

static void write64(uint64_t at, uint64_t v)
{
    hw_mmio_write(at, 4, (uint32_t)v);
    hw_mmio_write(at + 4, 4, (uint32_t)(v >> 32));
}

static void fail_io(struct check_result *r, const struct engine *e, const struct step *s, unsigned n,
                    uint64_t base)
{
    const struct target *t = &e->targets[s->target];
    check_diag(r, "step", "%u/%u \"%s\"", n, e->step_count, s->name);
    check_diag(r, "target", "%02x:%02x.%x BAR%u", t->probe.bdf.bus, t->probe.bdf.device,
               t->probe.bdf.function, t->bar_num);
    check_diag(r, "notify", "0x%016llx", (unsigned long long)(base + vq.notify_off));
    check_diag(r, "used", "idx %u, len %u", used_idx(), used_len());
}

/* resets and sets up the device at base with queue 0 holding one buffer */
static bool submit(struct check_result *r, const struct target *t, uint64_t base)
{
    uint64_t common = base + t->probe.offset;
    uint8_t nbar = 0;
    uint32_t noff = 0, mult = 0;
    int fault = 0;
    if (!find_notify(t->probe.bdf, &nbar, &noff, &mult) || nbar != t->bar_num) {
        check_fail(r, "harness: no virtio notify capability in BAR%u", t->bar_num);
        return false;
    }
    if (!reset(common)) {
        check_fail(r, "virtio reset at 0x%016llx: device_status did not read 0 within 1 s",
                   (unsigned long long)common);
        engine_io_failed(r);
        return false;
    }
    hw_mmio_write(common + VC_STATUS, 1, VS_ACKNOWLEDGE);
    hw_mmio_write(common + VC_STATUS, 1, VS_ACKNOWLEDGE | VS_DRIVER);
    hw_mmio_write(common + VC_GFSELECT, 4, 0);
    hw_mmio_write(common + VC_GF, 4, 0);
    hw_mmio_write(common + VC_GFSELECT, 4, 1);
    hw_mmio_write(common + VC_GF, 4, 1); /* VIRTIO_F_VERSION_1 (bit 32) */
    hw_mmio_write(common + VC_STATUS, 1, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK);
    uint32_t status = rd(common + VC_STATUS, 1, &fault);
    if (fault || !(status & VS_FEATURES_OK)) {
        check_fail(r, "virtio device at 0x%016llx refused VERSION_1 (device_status 0x%02x)",
                   (unsigned long long)common, status);
        engine_io_failed(r);
        stop(base, t);
        return false;
    }
    hw_mmio_write(common + VC_Q_SELECT, 2, 0);
    uint32_t size = rd(common + VC_Q_SIZE, 2, &fault);
    if (fault || !size) {
        check_fail(r, "virtio device at 0x%016llx has no queue 0 (queue_size %u)", (unsigned long long)common,
                   size);
        engine_io_failed(r);
        stop(base, t);
        return false;
    }
    if (size > MAX_QUEUE)
        size = MAX_QUEUE;
    vq.notify_off = noff + rd(common + VC_Q_NOTIFY_OFF, 2, &fault) * mult;
    memset((void *)vq.desc, 0, PAGE);
    memset((void *)vq.avail, 0, PAGE);
    memset((void *)vq.used, 0, PAGE);
    memset((void *)vq.data, 0, PAGE);
    volatile uint8_t *d = vq.desc;
    for (unsigned i = 0; i < 8; i++)
        d[i] = (uint8_t)(vq.data_phys >> (8 * i));
    d[8] = RNG_BYTES;
    d[12] = VIRTQ_DESC_F_WRITE;
    vq.avail[0] = VIRTQ_AVAIL_F_NO_INTERRUPT;
    vq.avail[4] = 0; /* ring[0] = descriptor 0; idx stays 0 until DRIVER_OK */
    fence();
    hw_mmio_write(common + VC_Q_SIZE, 2, size);
    hw_mmio_write(common + VC_Q_MSIX, 2, VIRTIO_NO_VECTOR);
    write64(common + VC_Q_DESC, vq.desc_phys);
    write64(common + VC_Q_DRIVER, vq.avail_phys);
    write64(common + VC_Q_DEVICE, vq.used_phys);
    hw_mmio_write(common + VC_Q_ENABLE, 2, 1);
    hw_mmio_write(common + VC_STATUS, 1, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
    status = rd(common + VC_STATUS, 1, &fault);
    if (fault || (status & VS_FAILED) || !(status & VS_DRIVER_OK)) {
        check_fail(r, "virtio device at 0x%016llx did not take DRIVER_OK (device_status 0x%02x)",
                   (unsigned long long)common, status);
        engine_io_failed(r);
        stop(base, t);
        return false;
    }
    /* made available only now, after a pause: QEMU's virtio-rng looks at its
     * queue when the status changes, and QEMU kicks every queue once when it
     * starts its ioeventfds at DRIVER_OK (virtio_device_start_ioeventfd_impl),
     * from its main loop, a notify or not */
    uint64_t settle = hw_time_ns();
    while (hw_time_ns() - settle < SETTLE_NS)
        ;
    vq.avail[2] = 1; /* idx */
    fence();
    vq.running = true;
    return true;
}

/* notifies queue 0 at base, waits for the used buffer, checks it; resets */
static bool complete(struct engine *e, const struct step *s, struct check_result *r, unsigned n,
                     uint64_t base)
{
    const struct target *t = &e->targets[s->target];
    fence();
    hw_mmio_write(base + vq.notify_off, 2, 0);
    uint64_t start = hw_time_ns();
    bool done;
    while (!(done = used_idx() == 1) && hw_time_ns() - start < COMPLETE_WAIT_NS)
        ;
    if (done)
        engine_io_completed(hw_time_ns() - start);
    uint32_t len = used_len();
    if (done && len > 0 && len <= RNG_BYTES) {
        stop(base, t);
        return true;
    }
    if (!done)
        check_fail(r, "virtio-rng request through the BAR at 0x%016llx did not complete within 1 s",
                   (unsigned long long)base);
    else
        check_fail(r, "virtio-rng request completed with length %u (buffer %u bytes)", len, RNG_BYTES);
    fail_io(r, e, s, n, base);
    stop(base, t);
    check_diagnose(r, &(struct observation){.step = OBS_IO, .what = OBS_IO_FAILED, .decode = true});
    return false;
}

/* the notify at where (the BAR must not answer there) must start nothing */
static bool stale(struct engine *e, const struct step *s, struct check_result *r, unsigned n, uint64_t where)
{
    const struct target *t = &e->targets[s->target];
    /* first, no notify at all: a device that takes the buffer on its own (QEMU
     * kicks its queues from its main loop at DRIVER_OK, late on a loaded host)
     * leaves nothing a stale notify could be judged by */
    uint64_t quiet = hw_time_ns(), wait = engine_io_stale_wait_ns();
    while (used_idx() == 0 && hw_time_ns() - quiet < wait)
        ;
    if (used_idx() != 0) {
        check_skip(r, "the virtio device used the buffer with no notify at all: a stale notify cannot be judged");
        return true; /* the request is done: the complete step finds it used */
    }
    fence();
    hw_mmio_write(where + vq.notify_off, 2, 0);
    uint64_t start = hw_time_ns();
    bool done;
    while (!(done = used_idx() != 0) && hw_time_ns() - start < wait)
        ;
    if (!done)
        return true;
    bool decode = shadow_command(e->shadow, t->fn) & PCI_COMMAND_MEMORY;
    check_fail(r, "doorbell-stale: the virtio notify at 0x%016llx (%s) completed the request",
               (unsigned long long)(where + vq.notify_off), decode ? "the BAR's old address" : "while MSE=0");
    fail_io(r, e, s, n, where);
    check_diagnose(r, &(struct observation){.step = OBS_IO, .what = OBS_DOORBELL_STALE, .decode = decode});
    uint64_t at = 0;
    if (oracle_answer(e->shadow, t->fn, t->bar_num, &at) == ORACLE_AT)
        stop(at, t);
    vq.running = false;
    return false;
}

static bool running(void)
{
    return vq.running;
}

static const struct io_driver driver = {
    .request = "a virtio request",
    .no_memory = "harness: no DMA memory left for the virtqueue",
    .submit_kind = STEP_VIRTIO_SUBMIT,
    .stale_kind = STEP_VIRTIO_STALE,
    .complete_kind = STEP_VIRTIO_COMPLETE,
    .buffers = buffers,
    .running = running,
    .submit = submit,
    .complete = complete,
    .stale = stale,
};

bool engine_virtio_step(struct engine *e, const struct step *s, struct check_result *r, unsigned step_number)
{
    return engine_io_step(&driver, e, s, r, step_number);
}
