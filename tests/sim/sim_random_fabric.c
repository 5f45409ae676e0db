/* The devices of a random run (sim_random.h): random counts of every kind
 * sim_devices.c builds, BAR sizes and types drawn per device, placed as a
 * firmware with gaps would (naturally aligned, clear of the machine's ranges
 * and of each other; 64-bit BARs below or above 4 GiB), some behind root
 * ports whose windows hold them. */
#include "sim_devices.h"
#include "sim_random.h"

#define BDF(bus, dev, fn) ((struct pci_bdf){0, (bus), (dev), (fn)})
#define FOUR_GIB (1ull << 32)
#define BIG_32 (256 * SIM_MIB) /* larger BARs are 64-bit */

enum kind { EDU, IVSHMEM, NVME, VIRTIO_NET, TESTDEV, E1000E, VIRTIO_RNG, KIND_COUNT };

struct builder {
    struct sim_random *g;
    uint8_t next_slot, next_bus;
    uint32_t next_io;
    /* where BARs go: bus 0 (lo..hi below 4 GiB, high above) or a bridge's windows */
    uint64_t lo, hi, high_lo, high_hi;
    bool failed;
};

static uint64_t pow2_in(struct sim_random *g, unsigned lo_log, unsigned hi_log)
{
    return 1ull << sim_random_in(g, lo_log, hi_log);
}

/* a BAR of size placed where b allows: 64-bit ones above 4 GiB at random when allowed */
static struct sim_bar place(struct builder *b, uint64_t size, bool may64, bool pref)
{
    struct sim_bar bar = {0, size, may64 && (size > BIG_32 || sim_random_in(b->g, 0, 3) != 0)};
    bool high = bar.is64 && pref && b->high_hi && sim_random_in(b->g, 0, 1);
    if (high && sim_random_place(b->g, size, b->high_lo, b->high_hi, &bar.addr))
        return bar;
    if (size <= BIG_32 && sim_random_place(b->g, size, b->lo, b->hi, &bar.addr))
        return bar;
    if (bar.is64 && pref && b->high_hi && sim_random_place(b->g, size, b->high_lo, b->high_hi, &bar.addr))
        return bar;
    b->failed = true; /* no room: the caller drops the device */
    return bar;
}

static uint32_t place32(struct builder *b, uint64_t size)
{
    return (uint32_t)place(b, size, false, false).addr;
}

static void add(struct builder *b, enum kind k, struct pci_bdf bdf, int up)
{
    struct sim_random *g = b->g;
    struct sim_bar x;
    uint32_t a;
    switch (k) {
    case EDU:
        if (a = place32(b, SIM_MIB), !b->failed)
            sim_dev_edu(bdf, up, a);
        break;
    case IVSHMEM:
        a = place32(b, 4 * SIM_KIB); /* BAR0 is 256 bytes: firmware gives it a page */
        x = place(b, pow2_in(g, 20, 30), true, true);
        if (!b->failed)
            sim_dev_ivshmem(bdf, up, a, x);
        break;
    case NVME:
        if (x = place(b, pow2_in(g, 14, 20), true, false), !b->failed)
            sim_dev_nvme(bdf, up, x);
        break;
    case VIRTIO_NET:
        a = place32(b, 4 * SIM_KIB);
        x = place(b, pow2_in(g, 14, 20), true, true);
        if (!b->failed)
            sim_dev_virtio_net(bdf, b->next_io += 0x40, a, x);
        break;
    case TESTDEV:
        a = place32(b, 4 * SIM_KIB);
        x = place(b, pow2_in(g, 12, 29), true, true);
        if (!b->failed)
            sim_dev_testdev(bdf, up, a, x);
        break;
    case E1000E:
        a = place32(b, 128 * SIM_KIB);
        x.addr = place32(b, 16 * SIM_KIB);
        if (!b->failed)
            sim_dev_e1000e(bdf, a, b->next_io += 0x40, (uint32_t)x.addr);
        break;
    default:
        if (x = place(b, pow2_in(g, 14, 20), true, true), !b->failed)
            sim_dev_virtio_rng(bdf, up, x);
        break;
    }
}

static bool room(unsigned functions, unsigned regions)
{
    return sim.fn_count + functions <= SIM_MAX_FUNCTIONS && sim.region_count + regions <= SIM_MAX_REGIONS;
}

/* a root port with one or two devices behind it: a 32-bit window, and a
 * 64-bit prefetchable one above 4 GiB where the machine has room */
static void add_port(struct builder *b)
{
    struct sim_random *g = b->g;
    uint64_t window, size = pow2_in(g, 21, 26), pref = 0, pref_size = pow2_in(g, 24, 30);
    uint32_t bar0 = place32(b, 4 * SIM_KIB);
    if (b->failed || !sim_random_place(g, size, b->lo, b->hi, &window))
        return;
    g->used_count--; /* the window is its devices' to be placed in; kept from bus 0 after */
    uint8_t bus = b->next_bus++;
    int port = sim_dev_root_port(BDF(0, b->next_slot++, 0), bus, bar0, (uint32_t)window, (uint32_t)size);
    struct builder inner = {g, 0, 0, b->next_io, window, window + size - 1, 0, 0, false};
    if (b->high_hi && sim_random_in(g, 0, 1) &&
        sim_random_place(g, pref_size, b->high_lo, b->high_hi, &pref)) {
        g->used_count--;
        sim_bridge_pref_window(port, pref, pref + pref_size - 1);
        inner.high_lo = pref;
        inner.high_hi = pref + pref_size - 1;
    }
    static const enum kind behind[] = {EDU, IVSHMEM, NVME, TESTDEV, VIRTIO_RNG};
    for (unsigned n = (unsigned)sim_random_in(g, 1, 2); n && room(1, 2); n--) {
        inner.failed = false;
        add(&inner, behind[sim_random_in(g, 0, 4)], BDF(bus, inner.next_slot++, 0), port);
    }
    b->next_io = inner.next_io;
    sim_random_use(g, window, window + size - 1);
    if (inner.high_hi)
        sim_random_use(g, pref, pref + pref_size - 1);
}

void sim_random_fabric(struct sim_random *g)
{
    struct builder b = {g, 2, 1, 0xc000, g->hole_lo, g->hole_hi, g->high_lo, g->high_hi, false};
    static const unsigned most[KIND_COUNT] = {2, 2, 2, 1, 2, 1, 1};
    sim_model_reset();
    sim_add_function(BDF(0, 0, 0), 0x8086, 0x29c0, 0x060000, SIM_NO_UPSTREAM);
    for (unsigned k = 0; k < KIND_COUNT; k++)
        for (unsigned n = (unsigned)sim_random_in(g, 0, most[k]); n && room(1, 2); n--) {
            b.failed = false;
            add(&b, (enum kind)k, BDF(0, b.next_slot++, 0), SIM_NO_UPSTREAM);
        }
    if (sim_random_in(g, 0, 1) && room(2, 2)) {
        b.failed = false;
        struct sim_bar x = place(&b, pow2_in(g, 14, 18), true, false);
        struct sim_bar y = place(&b, pow2_in(g, 14, 18), true, false);
        if (!b.failed)
            sim_dev_nvme_pair(b.next_slot++, x, y);
    }
    for (unsigned n = (unsigned)sim_random_in(g, 0, 2); n && room(3, 5); n--) {
        b.failed = false;
        add_port(&b);
    }
    sim_fabric_sync();
}
