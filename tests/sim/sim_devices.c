/* The QEMU 7.2 devices the probes know (sim_devices.h), with their IDs, BAR
 * kinds, capability lists and the registers the probes touch, built at the
 * addresses and sizes the caller gives; and the fabric as firmware (SeaBIOS
 * on QEMU q35) leaves it: a host bridge and those devices, every BAR inside
 * the host bridge's windows (sim_platform.c) and decoding. Only what the
 * probes and checks touch is modelled. */
#include "sim_devices.h"

#include "../../drivers/pci.h"

#define BDF(bus, dev, fn) ((struct pci_bdf){0, (bus), (dev), (fn)})
#define ON_BUS_0 SIM_NO_UPSTREAM

/* NVMe 1.4 §3.1 registers */
#define NVME_CAP 0x00
#define NVME_VS 0x08
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define VIRTIO_CAP_BODY 16

static struct sim_fn *decoding(struct sim_fn *f, uint16_t command)
{
    sim_cfg_poke(f, PCI_COMMAND, 2, command);
    return f;
}

/* a memory BAR as the spec says: 32- or 64-bit, of its size, at its address */
static struct region *mem_bar(struct sim_fn *f, unsigned bar, struct sim_bar b, bool prefetchable)
{
    return b.is64 ? sim_bar_mem64(f, bar, b.size, b.addr, prefetchable)
                  : sim_bar_mem32(f, bar, (uint32_t)b.size, (uint32_t)b.addr, prefetchable);
}

/* edu 1234:11e8: BAR0 mem32 1 MiB; ident at 0x00, liveness (stores ~value) at 0x04 */
void sim_dev_edu(struct pci_bdf bdf, int upstream, uint32_t addr)
{
    struct sim_fn *f = decoding(sim_add_function(bdf, 0x1234, 0x11e8, 0x00ff00, upstream),
                                PCI_COMMAND_MEMORY);
    struct region *r = sim_bar_mem32(f, 0, SIM_MIB, addr, false);
    sim_register(r, 0x00, 4, 0x010000ed, 0, SIM_REG_PLAIN);
    sim_register(r, 0x04, 4, 0, ~0ull, SIM_REG_INVERTED);
}

/* ivshmem-plain 1af4:1110: BAR0 mem32 256 B (registers not modelled), BAR2 mem64 pref RAM */
void sim_dev_ivshmem(struct pci_bdf bdf, int upstream, uint32_t bar0, struct sim_bar shm)
{
    struct sim_fn *f = decoding(sim_add_function(bdf, 0x1af4, 0x1110, 0x050000, upstream),
                                PCI_COMMAND_MEMORY);
    sim_bar_mem32(f, 0, 256, bar0, false);
    mem_bar(f, 2, shm, true)->ram = true;
}

/* nvme 1b36:0010: BAR0 mem64 16 KiB, the controller left enabled (SeaBIOS
 * probed it), MSI-X table at 0x2000 and PBA at 0x3000 in BAR0; the admin
 * queue registers and the SQ0 tail doorbell (sim_mmio.c runs the commands) */
void sim_dev_nvme(struct pci_bdf bdf, int upstream, struct sim_bar bar0)
{
    struct sim_fn *f = decoding(sim_add_function(bdf, 0x1b36, 0x0010, 0x010802, upstream),
                                PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    struct region *r = mem_bar(f, 0, bar0, false);
    sim_register(r, NVME_CAP, 8, 0x004000200f0107ffull, 0, SIM_REG_PLAIN);
    sim_register(r, NVME_VS, 4, 0x00010400, 0, SIM_REG_PLAIN);
    sim_register(r, NVME_CC, 4, 0x00460001, 0x00fffff1, SIM_REG_NVME_CC);
    sim_register(r, NVME_CSTS, 4, 1, 0, SIM_REG_PLAIN);
    sim_register(r, NVME_AQA, 4, 0x001f001f, 0x0fff0fff, SIM_REG_PLAIN); /* ASQS, ACQS only */
    sim_register(r, NVME_ASQ, 8, 0, ~0xfffull, SIM_REG_PLAIN);
    sim_register(r, NVME_ACQ, 8, 0, ~0xfffull, SIM_REG_PLAIN);
    sim_register(r, SIM_NVME_SQ0TDBL, 4, 0, 0xffff, SIM_REG_NVME_SQ0);
    sim_add_msix(f, 0x40, 0, 0x2000, 0x3000, 8);
}

/* a multi-function slot as QEMU builds it from -device nvme,addr=S.0,multifunction=on
 * and -device nvme,addr=S.1: two NVMe controllers, function 0 says multi-function */
void sim_dev_nvme_pair(uint8_t slot, struct sim_bar bar0, struct sim_bar bar1)
{
    sim_dev_nvme(BDF(0, slot, 0), ON_BUS_0, bar0);
    sim_cfg_poke(sim_function(BDF(0, slot, 0)), PCI_HEADER_TYPE, 1, PCI_HEADER_MULTIFUNCTION);
    sim_dev_nvme(BDF(0, slot, 1), ON_BUS_0, bar1);
}

/* one struct virtio_pci_cap (virtio 1.2 §4.1.4) at config offset at */
static void virtio_cap(struct sim_fn *f, uint8_t at, uint8_t cfg_type, uint8_t bar,
                       uint32_t offset, uint32_t length)
{
    sim_add_cap(f, at, PCI_CAP_ID_VENDOR);
    sim_cfg_poke(f, (uint16_t)(at + 2), 1, VIRTIO_CAP_BODY);
    sim_cfg_poke(f, (uint16_t)(at + 3), 1, cfg_type);
    sim_cfg_poke(f, (uint16_t)(at + 4), 1, bar);
    sim_cfg_poke(f, (uint16_t)(at + 8), 4, offset);
    sim_cfg_poke(f, (uint16_t)(at + 12), 4, length);
}

/* the modern structures in BAR bar as QEMU lays them out (sim.h
 * SIM_VIRTIO_*), capabilities in its order: PCI cfg access, notify (struct
 * virtio_pci_notify_cap: 20 bytes with the multiplier), device-specific,
 * ISR, common last */
static void virtio_modern_caps(struct sim_fn *f, uint8_t bar)
{
    virtio_cap(f, 0x84, 5, 0, 0, 0);
    virtio_cap(f, 0x70, 2, bar, SIM_VIRTIO_NOTIFY, SIM_VIRTIO_REGION);
    sim_cfg_poke(f, 0x70 + 2, 1, VIRTIO_CAP_BODY + 4);
    sim_cfg_poke(f, 0x70 + 16, 4, SIM_VIRTIO_NOTIFY_MULT);
    virtio_cap(f, 0x60, 4, bar, SIM_VIRTIO_DEVICE, SIM_VIRTIO_REGION);
    virtio_cap(f, 0x50, 3, bar, SIM_VIRTIO_ISR, SIM_VIRTIO_REGION);
    virtio_cap(f, 0x40, 1, bar, SIM_VIRTIO_COMMON, SIM_VIRTIO_REGION);
}

/* virtio-net-pci 1af4:1000 (transitional): BAR0 I/O, BAR1 mem32 4 KiB with
 * the MSI-X table, BAR4 mem64 pref 16 KiB with the modern structures
 * (only device_feature_select and device_feature modelled) */
void sim_dev_virtio_net(struct pci_bdf bdf, uint32_t io, uint32_t bar1, struct sim_bar bar4)
{
    struct sim_fn *f = decoding(sim_add_function(bdf, 0x1af4, 0x1000, 0x020000, ON_BUS_0),
                                PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    sim_bar_io(f, 0, 32, io);
    sim_bar_mem32(f, 1, 4 * SIM_KIB, bar1, false);
    struct region *modern = mem_bar(f, 4, bar4, true);
    sim_add_msix(f, 0x98, 1, 0, 0x800, 3);
    virtio_modern_caps(f, 4);
    sim_register(modern, 0x00, 4, 0, 0xffffffffu, SIM_REG_PLAIN); /* device_feature_select */
    sim_register(modern, 0x04, 4, 0x39bf8064, 0, SIM_REG_PLAIN);   /* device_feature */
}

/* virtio-rng-pci-non-transitional 1af4:1044 with vectors=0 (so no MSI-X
 * BAR): BAR4 mem64 pref 16 KiB with the modern structures, run by
 * sim_virtio.c (one virtqueue, used only when notified) */
void sim_dev_virtio_rng(struct pci_bdf bdf, int upstream, struct sim_bar bar4)
{
    struct sim_fn *f = decoding(sim_add_function(bdf, 0x1af4, 0x1044, 0x00ff00, upstream),
                                PCI_COMMAND_MEMORY);
    virtio_modern_caps(f, 4);
    sim_virtio_rng(mem_bar(f, 4, bar4, true));
}

/* pci-testdev 1b36:0005: BAR0 mem32 4 KiB, BAR2 mem64 pref 2 MiB: an empty region */
void sim_dev_testdev(struct pci_bdf bdf, int upstream, uint32_t bar0, struct sim_bar membar)
{
    struct sim_fn *f = decoding(sim_add_function(bdf, 0x1b36, 0x0005, 0x00ff00, upstream),
                                PCI_COMMAND_MEMORY);
    sim_bar_mem32(f, 0, 4 * SIM_KIB, bar0, false);
    mem_bar(f, 2, membar, true);
}

/* e1000e 8086:10d3: BAR0 mem32 128 KiB (registers not modelled), BAR2 I/O,
 * BAR3 mem32 16 KiB holding the MSI-X table (5 vectors) and its PBA */
void sim_dev_e1000e(struct pci_bdf bdf, uint32_t bar0, uint32_t io, uint32_t bar3)
{
    struct sim_fn *f = decoding(sim_add_function(bdf, 0x8086, 0x10d3, 0x020000, ON_BUS_0),
                                PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    sim_bar_mem32(f, 0, 128 * SIM_KIB, bar0, false);
    sim_bar_io(f, 2, 32, io);
    sim_bar_mem32(f, 3, 16 * SIM_KIB, bar3, false);
    sim_add_msix(f, 0xa0, 3, 0, 0x2000, 5);
}

/* pcie-root-port 1b36:000c: BAR0 mem32 4 KiB with the MSI-X table, a memory
 * window for what lies behind it; returns its function index */
int sim_dev_root_port(struct pci_bdf bdf, uint8_t secondary, uint32_t bar0, uint32_t window,
                      uint32_t window_size)
{
    struct sim_fn *f = sim_add_bridge(bdf, ON_BUS_0, secondary, window, window + window_size - 1);
    decoding(f, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    sim_bar_mem32(f, 0, 4 * SIM_KIB, bar0, false);
    sim_add_msix(f, 0x48, 0, 0, 0x800, 1);
    return (int)sim_fn_index(f);
}

#define MEM64(addr, size) ((struct sim_bar){(addr), (size), true})

void sim_build_fabric(void)
{
    sim_model_reset();
    sim_add_function(BDF(0, 0, 0), 0x8086, 0x29c0, 0x060000, ON_BUS_0); /* q35 host bridge */
    sim_dev_edu(BDF(0, 2, 0), ON_BUS_0, 0xfea00000);
    sim_dev_ivshmem(BDF(0, 3, 0), ON_BUS_0, 0xfebd0000, MEM64(0xf8000000, 64 * SIM_MIB));
    sim_dev_nvme(BDF(0, 4, 0), ON_BUS_0, MEM64(0xfebd4000, 16 * SIM_KIB));
    sim_dev_virtio_net(BDF(0, 5, 0), 0xc000, 0xfebd1000, MEM64(0xfe000000, 16 * SIM_KIB));
    sim_dev_testdev(BDF(0, 6, 0), ON_BUS_0, 0xfebd2000, MEM64(0xfc000000, 2 * SIM_MIB));
    sim_dev_e1000e(BDF(0, 7, 0), 0xfe9c0000, 0xc040, 0xfebd8000);
    /* next to virtio-net's BAR4, as SeaBIOS packs them */
    sim_dev_virtio_rng(BDF(0, 8, 0), ON_BUS_0, MEM64(0xfe004000, 16 * SIM_KIB));
    int port = sim_dev_root_port(BDF(0, 0x1c, 0), 1, 0xfebdc000, 0xfe800000, SIM_MIB);
    sim_dev_nvme(BDF(1, 0, 0), port, MEM64(0xfe800000, 16 * SIM_KIB));
    sim_dev_nvme_pair(0x1e, MEM64(0xfebe0000, 16 * SIM_KIB), MEM64(0xfebe4000, 16 * SIM_KIB));
    sim_fabric_sync();
}

void sim_fabric_sync(void)
{
    for (unsigned i = 0; i < sim.fn_count; i++)
        sync_function(&sim.fns[i]);
}

void sim_bridge_pref_window(int fn, uint64_t base, uint64_t last)
{
    struct sim_fn *b = &sim.fns[fn];
    sim_cfg_poke(b, PCI_PREF_MEMORY_BASE, 2, (uint32_t)(base >> 16 & 0xfff0) | 1);
    sim_cfg_poke(b, PCI_PREF_MEMORY_LIMIT, 2, (uint32_t)(last >> 16 & 0xfff0) | 1);
    sim_cfg_poke(b, PCI_PREF_BASE_UPPER32, 4, (uint32_t)(base >> 32));
    sim_cfg_poke(b, PCI_PREF_LIMIT_UPPER32, 4, (uint32_t)(last >> 32));
}
