/* The NVMe steps of the engine (DESIGN §4 works-after-move; BUGS.md
 * doorbell-stale): real I/O through a moved BAR0. One admin submission and
 * completion queue in DMA memory, one Identify Controller (NVMe 1.4 §5.15)
 * whose doorbell (SQ0TDBL, BAR0 + 0x1000) is rung where the BAR answers, or
 * where it must not answer (its old address, or its address while MSE=0):
 * there nothing may complete within a bounded wait.
 *
 * The probe's nonce lives in AQA (drivers/probe_nvme.c): AQA is never
 * written here but to put it back (its two queue sizes are the nonce's,
 * latched at enable; only entry 0 of each queue is used, so any size >= 2
 * does): read before each stop, written back if the reset touched it. The
 * controller is left halted (CC.EN=0, CSTS.RDY=0) after every request, as
 * the probe wants it. */
#include <string.h>

#include "../drivers/hw.h"
#include "../drivers/pci.h"
#include "classes.h"
#include "engine.h"
#include "engine_internal.h"

#define NVME_CAP 0x00
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define NVME_SQ0TDBL 0x1000
#define NVME_CC_EN 0x1u
/* CSS=NVM (0), MPS=4 KiB (0), AMS=0, IOSQES=6 (64 bytes), IOCQES=4 (16 bytes) */
#define NVME_CC_CONFIG 0x00460000u
#define NVME_CSTS_RDY 0x1u
#define NVME_CSTS_CFS 0x2u
#define NVME_OPC_IDENTIFY 0x06
#define NVME_CNS_CONTROLLER 1
#define PCI_SUBSYSTEM_VENDOR 0x2c
#define PAGE 4096
#define COMPLETE_WAIT_NS 1000000000ull /* a request through the live doorbell: 1 s */

static struct {
    volatile uint32_t *sq, *cq;
    volatile uint8_t *data;
    uint64_t sq_phys, cq_phys, data_phys;
    bool running;   /* an Identify sits in the SQ, the controller enabled */
    uint32_t aqa;   /* as found at the start */
    uint64_t ready_ns; /* CAP.TO */
    uint16_t cid;
} io;

static void fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static bool buffers(void)
{
    if (io.sq)
        return true;
    void *sq = hw_dma_alloc(PAGE, PAGE, &io.sq_phys), *cq = hw_dma_alloc(PAGE, PAGE, &io.cq_phys);
    void *data = hw_dma_alloc(PAGE, PAGE, &io.data_phys);
    if (!sq || !cq || !data)
        return false;
    io.sq = sq, io.cq = cq, io.data = data;
    return true;
}

static uint32_t rd32(uint64_t base, uint32_t off, int *fault)
{
    uint64_t v = 0;
    *fault |= hw_mmio_read(base + off, 4, &v);
    return (uint32_t)v;
}

/* waits for CSTS.RDY to read want; false on timeout, fault or fatal status */
static bool wait_ready(uint64_t base, bool want)
{
    uint64_t start = hw_time_ns();
    for (;;) {
        int fault = 0;
        uint32_t csts = rd32(base, NVME_CSTS, &fault);
        if (!fault && !(csts & NVME_CSTS_CFS) && !!(csts & NVME_CSTS_RDY) == want)
            return true;
        if (hw_time_ns() - start > io.ready_ns)
            return false;
    }
}

static bool phase_set(void)
{
    fence();
    return (io.cq[3] >> 16) & 1;
}

/* CC.EN=0, RDY awaited, AQA as it was before (the engine may have planted
 * a fresh nonce while the request was pending) */
static void stop(uint64_t base)
{
    int fault = 0;
    uint32_t aqa = rd32(base, NVME_AQA, &fault);
    io.running = false;
    hw_mmio_write(base + NVME_CC, 4, NVME_CC_CONFIG);
    wait_ready(base, false);
    if (!fault && rd32(base, NVME_AQA, &fault) != aqa)
        hw_mmio_write(base + NVME_AQA, 4, aqa);
}

static void fail_io(struct check_result *r, const struct engine *e, const struct step *s, unsigned n,
                    uint64_t base)
{
    const struct target *t = &e->targets[s->target];
    check_diag(r, "step", "%u/%u \"%s\"", n, e->step_count, s->name);
    check_diag(r, "target", "%02x:%02x.%x BAR%u", t->probe.bdf.bus, t->probe.bdf.device,
               t->probe.bdf.function, t->bar_num);
    check_diag(r, "doorbell", "0x%016llx", (unsigned long long)(base + NVME_SQ0TDBL));
    check_diag(r, "cqe", "[0x%08x, 0x%08x, 0x%08x, 0x%08x]", io.cq[0], io.cq[1], io.cq[2], io.cq[3]);
}

/* enables the controller at base and puts an Identify Controller in SQ entry 0 */
static bool submit(struct check_result *r, uint64_t base)
{
    int fault = 0;
    uint32_t cap_lo = rd32(base, NVME_CAP, &fault), cap_hi = rd32(base, NVME_CAP + 4, &fault);
    uint32_t to = (cap_lo >> 24) & 0xff;
    io.ready_ns = (to ? to : 1) * 500000000ull;
    if (fault) {
        check_fail(r, "harness: reading CAP at 0x%016llx faulted", (unsigned long long)base);
        return false;
    }
    if ((cap_hi >> 16) & 0xf) {
        check_fail(r, "harness: CAP.MPSMIN > 0: the controller refuses 4 KiB pages");
        return false;
    }
    if (rd32(base, NVME_CC, &fault) & NVME_CC_EN) {
        hw_mmio_write(base + NVME_CC, 4, NVME_CC_CONFIG);
        wait_ready(base, false);
    }
    io.aqa = rd32(base, NVME_AQA, &fault);
    if (!(io.aqa & 0xfff) || !((io.aqa >> 16) & 0xfff)) {
        check_fail(r, "harness: AQA 0x%08x (the probe's nonce) holds a zero queue size", io.aqa);
        return false;
    }
    memset((void *)io.sq, 0, PAGE);
    memset((void *)io.cq, 0, PAGE);
    memset((void *)io.data, 0, PAGE);
    io.cid++;
    io.sq[0] = NVME_OPC_IDENTIFY | (uint32_t)io.cid << 16;
    io.sq[6] = (uint32_t)io.data_phys; /* PRP1 */
    io.sq[7] = (uint32_t)(io.data_phys >> 32);
    io.sq[10] = NVME_CNS_CONTROLLER;
    fence();
    hw_mmio_write(base + NVME_ASQ, 4, (uint32_t)io.sq_phys);
    hw_mmio_write(base + NVME_ASQ + 4, 4, (uint32_t)(io.sq_phys >> 32));
    hw_mmio_write(base + NVME_ACQ, 4, (uint32_t)io.cq_phys);
    hw_mmio_write(base + NVME_ACQ + 4, 4, (uint32_t)(io.cq_phys >> 32));
    hw_mmio_write(base + NVME_CC, 4, NVME_CC_CONFIG | NVME_CC_EN);
    if (!wait_ready(base, true)) {
        check_fail(r, "controller at 0x%016llx did not become ready (CSTS 0x%x) within CAP.TO",
                   (unsigned long long)base, rd32(base, NVME_CSTS, &fault));
        engine_io_failed(r);
        stop(base);
        return false;
    }
    io.running = true;
    return true;
}

/* rings the doorbell at base, waits for the completion, checks it; stops */
static bool complete(struct engine *e, const struct step *s, struct check_result *r, unsigned n,
                     uint64_t base)
{
    const struct target *t = &e->targets[s->target];
    fence();
    hw_mmio_write(base + NVME_SQ0TDBL, 4, 1);
    uint64_t start = hw_time_ns();
    bool done;
    while (!(done = phase_set()) && hw_time_ns() - start < COMPLETE_WAIT_NS)
        ;
    if (done)
        engine_io_completed(hw_time_ns() - start);
    uint32_t status = io.cq[3] >> 17, cid = io.cq[3] & 0xffff, vid = 0, ssvid = 0;
    hw_cfg_read(HW_CFG_DEFAULT, t->probe.bdf, PCI_VENDOR_ID, 2, &vid);
    hw_cfg_read(HW_CFG_DEFAULT, t->probe.bdf, PCI_SUBSYSTEM_VENDOR, 2, &ssvid);
    uint32_t id_vid = io.data[0] | (uint32_t)io.data[1] << 8, id_ssvid = io.data[2] | (uint32_t)io.data[3] << 8;
    stop(base);
    if (done && !status && cid == io.cid && id_vid == vid && id_ssvid == ssvid)
        return true;
    if (!done)
        check_fail(r, "NVMe Identify through the BAR at 0x%016llx did not complete within 1 s",
                   (unsigned long long)base);
    else if (status || cid != io.cid)
        check_fail(r, "NVMe Identify completed with status 0x%x, command id %u (submitted %u)", status, cid,
                   io.cid);
    else
        check_fail(r, "NVMe Identify data: VID 0x%04x SSVID 0x%04x, config space says 0x%04x 0x%04x", id_vid,
                   id_ssvid, vid, ssvid);
    fail_io(r, e, s, n, base);
    check_diagnose(r, &(struct observation){.step = OBS_IO, .what = OBS_IO_FAILED, .decode = true});
    return false;
}

/* the doorbell at where (the BAR must not answer there) must start nothing */
static bool stale(struct engine *e, const struct step *s, struct check_result *r, unsigned n, uint64_t where)
{
    const struct target *t = &e->targets[s->target];
    fence();
    hw_mmio_write(where + NVME_SQ0TDBL, 4, 1);
    uint64_t start = hw_time_ns(), wait = engine_io_stale_wait_ns();
    bool done;
    while (!(done = phase_set()) && hw_time_ns() - start < wait)
        ;
    if (!done)
        return true;
    bool decode = shadow_command(e->shadow, t->fn) & PCI_COMMAND_MEMORY;
    check_fail(r, "doorbell-stale: the SQ0 doorbell at 0x%016llx (%s) completed the Identify",
               (unsigned long long)(where + NVME_SQ0TDBL),
               decode ? "the BAR's old address" : "while MSE=0");
    fail_io(r, e, s, n, where);
    check_diagnose(r, &(struct observation){.step = OBS_IO, .what = OBS_DOORBELL_STALE, .decode = decode});
    uint64_t at = 0;
    if (oracle_answer(e->shadow, t->fn, t->bar_num, &at) == ORACLE_AT)
        stop(at);
    io.running = false;
    return false;
}

static bool submit_at(struct check_result *r, const struct target *t, uint64_t at)
{
    (void)t;
    return submit(r, at);
}

static bool running(void)
{
    return io.running;
}

static const struct io_driver driver = {
    .request = "an Identify",
    .no_memory = "harness: no DMA memory left for the NVMe queues",
    .submit_kind = STEP_NVME_SUBMIT,
    .stale_kind = STEP_NVME_STALE,
    .complete_kind = STEP_NVME_COMPLETE,
    .buffers = buffers,
    .running = running,
    .submit = submit_at,
    .complete = complete,
    .stale = stale,
};

bool engine_nvme_step(struct engine *e, const struct step *s, struct check_result *r, unsigned step_number)
{
    return engine_io_step(&driver, e, s, r, step_number);
}
