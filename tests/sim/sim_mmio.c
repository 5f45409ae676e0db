/* What sits behind the BARs: declared registers, the NVMe admin queues (an
 * Identify Controller run from the SQ0 doorbell through the seam's DMA
 * memory, Bus Master on), RAM (ivshmem's shared memory, kept as the 8-byte
 * words that were written), the MSI-X table emulation, and the virtio-rng
 * BARs, handed to sim_virtio.c. Everything else inside a BAR reads 0 and
 * drops writes, as unassigned memory does on QEMU. Accesses are 1, 2, 4 or 8
 * bytes, naturally aligned (the seam checks that), and may cover part of a
 * register. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

#define MAX_REGISTERS 128
#define MAX_RAM_WORDS 512
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define NVME_SQE 64
#define NVME_CQE 16
#define NVME_IDENTIFY_SIZE 4096
#define MSIX_VECTOR_CONTROL 3
#define MSIX_VECTOR_MASKED 1u

struct sim_register {
    const struct region *region;
    uint32_t offset;
    unsigned width;
    uint64_t value, writable;
    enum sim_reg_kind kind;
};

struct ram_word {
    const struct region *region;
    uint64_t offset; /* 8-byte aligned */
    uint64_t value;
};

static struct sim_register registers[MAX_REGISTERS];
static unsigned register_count;
static struct ram_word ram[MAX_RAM_WORDS];
static unsigned ram_count;

void sim_mmio_reset(void)
{
    register_count = ram_count = 0;
    sim_virtio_reset();
}

static uint64_t lanes(unsigned width)
{
    return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

void sim_register(struct region *r, uint32_t offset, unsigned width, uint64_t value,
                  uint64_t writable, enum sim_reg_kind kind)
{
    if (register_count == MAX_REGISTERS) {
        fprintf(stderr, "barmove-sim: more than %d device registers\n", MAX_REGISTERS);
        return;
    }
    registers[register_count++] = (struct sim_register){r, offset, width, value & lanes(width),
                                                        writable & lanes(width), kind};
}

static struct sim_register *register_at(const struct region *r, uint64_t offset, unsigned width)
{
    for (unsigned i = 0; i < register_count; i++) {
        struct sim_register *g = &registers[i];
        if (g->region == r && offset >= g->offset && offset + width <= g->offset + g->width)
            return g;
    }
    return NULL;
}

/* ---- RAM ---- */

static struct ram_word *ram_word(const struct region *r, uint64_t offset, bool create)
{
    for (unsigned i = 0; i < ram_count; i++)
        if (ram[i].region == r && ram[i].offset == (offset & ~7ull))
            return &ram[i];
    if (!create)
        return NULL;
    if (ram_count == MAX_RAM_WORDS) {
        fprintf(stderr, "barmove-sim: more than %d RAM words written\n", MAX_RAM_WORDS);
        return NULL;
    }
    ram[ram_count] = (struct ram_word){r, offset & ~7ull, 0};
    return &ram[ram_count++];
}

void sim_ram_clear(const struct region *r)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < ram_count; i++)
        if (ram[i].region != r)
            ram[kept++] = ram[i];
    ram_count = kept;
}

static uint64_t ram_read(const struct region *r, uint64_t offset, unsigned width)
{
    const struct ram_word *w = ram_word(r, offset, false);
    return w ? (w->value >> (8 * (offset & 7))) & lanes(width) : 0;
}

static void ram_write(const struct region *r, uint64_t offset, unsigned width, uint64_t value)
{
    struct ram_word *w = ram_word(r, offset, true);
    unsigned shift = 8 * (unsigned)(offset & 7);
    if (w)
        w->value = (w->value & ~(lanes(width) << shift)) | ((value & lanes(width)) << shift);
}

/* ---- MSI-X table ---- */

void sim_msix_wipe(struct sim_fn *f)
{
    for (unsigned i = 0; i < f->msix.entries; i++) {
        memset(f->msix.entry[i], 0, sizeof f->msix.entry[i]);
        f->msix.entry[i][MSIX_VECTOR_CONTROL] = MSIX_VECTOR_MASKED;
    }
}

/* the table as dwords: entry = offset / 16, field = offset % 16 / 4 */
static uint32_t *msix_dword(struct sim_fn *f, uint64_t offset)
{
    return &f->msix.entry[offset / SIM_MSIX_ENTRY_SIZE][offset % SIM_MSIX_ENTRY_SIZE / 4];
}

static uint64_t msix_read(struct sim_fn *f, uint64_t offset, unsigned width)
{
    uint64_t v = *msix_dword(f, offset & ~3ull);
    if (width == 8)
        v |= (uint64_t)*msix_dword(f, offset + 4) << 32;
    return (v >> (8 * (offset & 3))) & lanes(width);
}

/* vector control: only the mask bit is implemented */
static void msix_write_dword(struct sim_fn *f, uint64_t offset, uint32_t value, uint32_t lanes32)
{
    uint32_t *d = msix_dword(f, offset);
    if (offset % SIM_MSIX_ENTRY_SIZE / 4 == MSIX_VECTOR_CONTROL)
        lanes32 &= MSIX_VECTOR_MASKED;
    *d = (*d & ~lanes32) | (value & lanes32);
}

static void msix_write(struct sim_fn *f, uint64_t offset, unsigned width, uint64_t value)
{
    unsigned shift = 8 * (unsigned)(offset & 3);
    uint64_t data = value << shift, mask = lanes(width) << shift;
    msix_write_dword(f, offset & ~3ull, (uint32_t)data, (uint32_t)mask);
    if (width == 8)
        msix_write_dword(f, offset + 4, (uint32_t)(data >> 32), (uint32_t)(mask >> 32));
}

/* ---- registers ---- */

static uint64_t register_read(const struct region *r, uint64_t offset, unsigned width)
{
    const struct sim_register *g = register_at(r, offset, width);
    return g ? (g->value >> (8 * (offset - g->offset))) & lanes(width) : 0;
}

/* the admin queues' state of each region's controller (reset when it halts) */
static struct nvme_queue {
    uint32_t sq_head, cq_tail;
    uint32_t sq_size, cq_size; /* from AQA, latched when CC.EN is set */
    bool phase_flipped; /* the CQ wrapped: the phase tag written is 0 */
} nvme_queues[SIM_MAX_REGIONS];

/* the controller halts or starts at once: CSTS.RDY = CC.EN */
static void nvme_cc_written(const struct sim_register *cc)
{
    struct sim_register *csts = register_at(cc->region, NVME_CSTS, 4);
    if (csts)
        csts->value = (csts->value & ~1ull) | (cc->value & 1);
    struct nvme_queue *q = &nvme_queues[region_index(cc->region)];
    const struct sim_register *aqa = register_at(cc->region, NVME_AQA, 4);
    memset(q, 0, sizeof *q);
    if ((cc->value & 1) && aqa) {
        q->sq_size = (uint32_t)(aqa->value & 0xfff) + 1;
        q->cq_size = (uint32_t)(aqa->value >> 16 & 0xfff) + 1;
    }
}

/* one admin command: Identify Controller (CNS 1) fills VID and SSVID from
 * config space; any other command completes with Invalid Opcode */
static void nvme_command(const struct region *r, const uint32_t *sqe, uint32_t *cqe, bool phase,
                         uint32_t sq_head)
{
    uint32_t status = 0;
    uint64_t prp1 = sqe[6] | (uint64_t)sqe[7] << 32;
    const struct sim_fn *f = &sim.fns[r->fn];
    bool identify = (sqe[0] & 0xff) == 0x06 && (sqe[10] & 0xff) == 1 && prp1;
    uint8_t *data = identify ? sim_dma(prp1, NVME_IDENTIFY_SIZE) : NULL; /* NULL: outside the DMA pool */
    if (identify && !data) {
        status = 0x04; /* Data Transfer Error */
    } else if (identify) {
        uint32_t vid = sim_cfg_get(f, 0x00, 2), ssvid = sim_cfg_get(f, 0x2c, 2);
        memset(data, 0, NVME_IDENTIFY_SIZE);
        data[0] = (uint8_t)vid, data[1] = (uint8_t)(vid >> 8);
        data[2] = (uint8_t)ssvid, data[3] = (uint8_t)(ssvid >> 8);
    } else {
        status = 0x01; /* Invalid Command Opcode */
    }
    cqe[0] = cqe[1] = 0;
    cqe[2] = sq_head; /* SQID 0 */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    cqe[3] = (sqe[0] >> 16) | (uint32_t)phase << 16 | status << 17;
}

/* the SQ0 tail doorbell: every command from the head up to the new tail */
static void nvme_doorbell(const struct sim_register *db)
{
    const struct region *r = db->region;
    const struct sim_register *csts = register_at(r, NVME_CSTS, 4);
    const struct sim_register *asq = register_at(r, NVME_ASQ, 8), *acq = register_at(r, NVME_ACQ, 8);
    struct nvme_queue *q = &nvme_queues[region_index(r)];
    uint32_t sq_size = q->sq_size, cq_size = q->cq_size, tail = (uint32_t)db->value;
    bool master = sim_cfg_get(&sim.fns[r->fn], 0x04, 2) & 0x4; /* COMMAND: Bus Master Enable */
    if (!master || !csts || !asq || !acq || !(csts->value & 1) || !asq->value || !acq->value || sq_size < 2 ||
        cq_size < 2 || tail >= sq_size)
        return;
    while (q->sq_head != tail) {
        const uint32_t *sqe = sim_dma(asq->value + (uint64_t)q->sq_head * NVME_SQE, NVME_SQE);
        uint32_t *cqe = sim_dma(acq->value + (uint64_t)q->cq_tail * NVME_CQE, NVME_CQE);
        if (!sqe || !cqe)
            return; /* a queue outside the DMA memory: the model fetches nothing */
        q->sq_head = (q->sq_head + 1) % sq_size;
        nvme_command(r, sqe, cqe, !q->phase_flipped, q->sq_head);
        if (++q->cq_tail == cq_size) {
            q->cq_tail = 0;
            q->phase_flipped = !q->phase_flipped;
        }
    }
}

static void register_write(const struct region *r, uint64_t offset, unsigned width, uint64_t v)
{
    struct sim_register *g = register_at(r, offset, width);
    if (!g)
        return;
    unsigned shift = 8 * (unsigned)(offset - g->offset);
    uint64_t data = g->kind == SIM_REG_INVERTED ? ~v : v;
    uint64_t touched = (lanes(width) << shift) & g->writable;
    g->value = (g->value & ~touched) | ((data << shift) & touched);
    if (g->kind == SIM_REG_NVME_CC)
        nvme_cc_written(g);
    if (g->kind == SIM_REG_NVME_SQ0)
        nvme_doorbell(g);
}

uint64_t sim_device_read(const struct hit *h, unsigned width)
{
    if (h->msix)
        return msix_read(region_fn(h->region), h->offset, width);
    if (h->region->ram)
        return ram_read(h->region, h->offset, width);
    if (sim_virtio_owns(h->region))
        return sim_virtio_read(h->region, h->offset, width);
    return register_read(h->region, h->offset, width);
}

void sim_device_write(const struct hit *h, unsigned width, uint64_t value)
{
    if (h->msix)
        msix_write(region_fn(h->region), h->offset, width, value);
    else if (h->region->ram)
        ram_write(h->region, h->offset, width, value);
    else if (sim_virtio_owns(h->region))
        sim_virtio_write(h->region, h->offset, width, value);
    else
        register_write(h->region, h->offset, width, value);
}
