/* tests/sim: a software model of a PCI fabric behind the seam
 * (drivers/hw.h), written from the PCI specs on its own: it shares no code
 * with the oracle (kernel/oracle.c), the shadow or the enumeration, because a
 * model built from the oracle would agree with it by construction and prove
 * nothing (DESIGN §7).
 *
 * Three layers:
 * - config space (sim_config.c): functions with a 256-byte header whose
 *   writes are masked as hardware masks them (BAR size masks, read-only type
 *   bits, write-1-to-clear STATUS), type-1 bridges with memory windows;
 * - the hypervisor's MMIO map (sim_decode.c): one region per memory BAR,
 *   brought up to date after every config write by the mapping policy, and
 *   the address decoder that routes each access through the map, the MSI-X
 *   table emulation and the bridges above;
 * - the devices (sim_mmio.c, sim_virtio.c, sim_devices.c): registers, RAM,
 *   MSI-X tables, an NVMe admin queue and a virtio-rng virtqueue behind the
 *   BARs, laid out as the QEMU devices the probes know.
 *
 * The policy (struct policy) is what a hypervisor decides: which config
 * writes reach the registers, where the BARs are mapped after a write,
 * whether a bridge forwards an access, which BAR an access reaches. The
 * correct policy is the spec's: a memory BAR decodes at its register value
 * while its function's Memory Space Enable is set (each dword write acts at
 * once, transients and sizing values included), not at 0, and only where
 * every bridge above has MSE set and a window holding the address. A mutant
 * (sim_matrix.c) replaces one decision with the behaviour of one BUGS.md
 * class (sim_mutants_*.c). */
#ifndef BARMOVE_SIM_H
#define BARMOVE_SIM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../drivers/hw.h"

#define SIM_MAX_FUNCTIONS 24
#define SIM_MAX_REGIONS 48
#define SIM_CFG_SIZE 256 /* conventional header + capabilities; extended space reads 0 */
#define SIM_MSIX_MAX_ENTRIES 8
#define SIM_MSIX_ENTRY_SIZE 16
#define SIM_NO_UPSTREAM (-1)

/* the hypervisor's emulation of a function's MSI-X table (PCIe 6.0 §7.7.2) */
struct sim_msix {
    bool present;
    unsigned bar;          /* the BAR holding the table */
    uint32_t table_offset; /* inside that BAR */
    unsigned entries;
    uint32_t entry[SIM_MSIX_MAX_ENTRIES][4]; /* address low, high, data, vector control */
    bool live;             /* the emulation answers at [base, base + 16 * entries) */
    uint64_t base;
};

struct sim_fn {
    struct pci_bdf bdf;
    uint8_t cfg[SIM_CFG_SIZE];
    uint8_t wmask[SIM_CFG_SIZE]; /* bits a config write may change */
    int upstream;                /* index of the bridge above, SIM_NO_UPSTREAM on bus 0 */
    bool bridge;
    uint8_t last_cap;            /* tail of the capability list (setup) */
    struct sim_msix msix;
};

/* one memory BAR in the hypervisor's MMIO map */
struct region {
    unsigned fn;         /* index of its function */
    unsigned bar;        /* its register number (the low one of a 64-bit BAR) */
    bool is64, ram;      /* ram: the BAR is memory (ivshmem's shared memory) */
    uint64_t size, home; /* home: where firmware put it */
    uint64_t addr;       /* the BAR's address as the hypervisor took it from the last BAR write */
    uint64_t prev_addr;  /* addr before that write */
    bool live;           /* mapped ... */
    uint64_t base;       /* ... at base */
    uint64_t last_base;  /* where it was mapped last (kept while unmapped) */
};

struct sim_model {
    struct sim_fn fns[SIM_MAX_FUNCTIONS];
    unsigned fn_count;
    struct region regions[SIM_MAX_REGIONS];
    unsigned region_count;
};

extern struct sim_model sim;

/* every region of the model (r: struct region *) */
#define FOR_EACH_REGION(r) for (struct region *r = sim.regions; r < sim.regions + sim.region_count; r++)

static inline unsigned region_index(const struct region *r)
{
    return (unsigned)(r - sim.regions);
}

/* every region as it stands, for a decision that compares before and after */
struct regions_before {
    struct region r[SIM_MAX_REGIONS];
};

static inline void regions_remember(struct regions_before *b)
{
    for (unsigned i = 0; i < SIM_MAX_REGIONS; i++)
        b->r[i] = i < sim.region_count ? sim.regions[i] : (struct region){0};
}

static inline const struct region *region_before(const struct regions_before *b,
                                                 const struct region *r)
{
    return &b->r[region_index(r)];
}

/* a config write on its way to the registers */
struct cfg_write {
    struct sim_fn *fn;
    uint16_t offset;
    unsigned width;
    uint32_t value;          /* as written (accept may change it) */
    uint16_t command_before; /* COMMAND before the write */
    struct region *region;   /* the memory BAR whose register it touches, or NULL */
    bool high;               /* ... that BAR's upper dword */
};

/* where an MMIO access lands */
struct hit {
    struct region *region; /* the BAR reached */
    uint64_t offset;       /* inside the BAR, or inside the MSI-X table */
    bool msix;             /* the MSI-X table emulation of region's function */
};

struct policy {
    /* a config write the guest made: false drops it; may change w->value */
    bool (*accept)(struct cfg_write *w);
    /* the write reached the registers: bring the MMIO map up to date */
    void (*remap)(const struct cfg_write *w);
    /* does bridge forward a memory access at phys to its secondary side */
    bool (*forwards)(const struct sim_fn *bridge, uint64_t phys);
    /* which BAR (or MSI-X table) an access of width bytes at phys reaches */
    bool (*route)(uint64_t phys, unsigned width, struct hit *h);
    /* which function a config access through mechanism m to bdf reaches */
    struct pci_bdf (*cfg_route)(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write);
};

extern struct policy policy; /* the one in force */
/* the correct policy, with overrides' non-NULL members in its place (NULL: none) */
void policy_install(const struct policy *overrides);

/* ---- sim_decode.c: the correct decisions, and what mutants build theirs from ---- */
bool correct_accept(struct cfg_write *w);
void correct_remap(const struct cfg_write *w);
bool correct_forwards(const struct sim_fn *bridge, uint64_t phys);
bool correct_route(uint64_t phys, unsigned width, struct hit *h);
struct pci_bdf correct_cfg_route(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write);

/* the BAR's register(s) now, type bits masked */
uint64_t region_register(const struct region *r);
/* a dword of the BAR holds every bit it implements: a sizing value */
bool region_sizing(const struct region *r);
/* the hypervisor takes the BAR's address from its registers (prev_addr keeps the old one) */
void region_note_write(struct region *r);
void region_map(struct region *r, uint64_t base);
void region_unmap(struct region *r);
/* every BAR of f mapped at its addr while f's MSE is set, the MSI-X table placed */
void sync_function(struct sim_fn *f);
/* the MSI-X table emulation where the table's BAR is mapped */
void msix_follow(struct sim_fn *f);
/* every bridge above f forwards phys (as policy.forwards says) */
bool sim_forwarded(const struct sim_fn *f, uint64_t phys);
bool region_inside(uint64_t base, uint64_t size, uint64_t phys, unsigned width);
struct sim_fn *region_fn(const struct region *r);

bool sim_decoding(const struct sim_fn *f);
bool write_touches_command(const struct cfg_write *w);
bool write_sets_mse(const struct cfg_write *w);
bool write_clears_mse(const struct cfg_write *w);

/* ---- sim_config.c ---- */
void sim_model_reset(void);
struct sim_fn *sim_function(struct pci_bdf bdf);
uint32_t sim_cfg_get(const struct sim_fn *f, uint16_t offset, unsigned width);
/* raw setup write: ignores the write mask */
void sim_cfg_poke(struct sim_fn *f, uint16_t offset, unsigned width, uint32_t value);
void sim_cfg_writable(struct sim_fn *f, uint16_t offset, unsigned width, uint32_t mask);
/* the bits of a register a config write may change */
uint32_t sim_cfg_mask(const struct sim_fn *f, uint16_t offset, unsigned width);
/* the function named by the last 0xCF8 address write (what the correct
 * policy ignores: each ECAM access names its own function) */
struct sim_cf8_latch {
    bool set;
    struct pci_bdf bdf;
};
extern struct sim_cf8_latch sim_cf8;
/* every mechanism reaches every function (CF8: offsets below 256 only),
 * the one policy.cfg_route names */
bool sim_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf bdf, uint16_t offset, unsigned width,
                  uint32_t *value);
bool sim_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf bdf, uint16_t offset, unsigned width,
                   uint32_t value);

struct sim_fn *sim_add_function(struct pci_bdf bdf, uint16_t vendor, uint16_t device,
                                uint32_t class_code, int upstream);
/* a PCI-PCI bridge (class 060400) with its memory window at [mem_base, mem_limit]
 * (1 MiB granules) and a closed prefetchable window (64-bit type) */
struct sim_fn *sim_add_bridge(struct pci_bdf bdf, int upstream, uint8_t secondary,
                              uint32_t mem_base, uint32_t mem_limit);
struct region *sim_bar_mem32(struct sim_fn *f, unsigned bar, uint32_t size, uint32_t addr,
                             bool prefetchable);
struct region *sim_bar_mem64(struct sim_fn *f, unsigned bar, uint64_t size, uint64_t addr,
                             bool prefetchable);
void sim_bar_io(struct sim_fn *f, unsigned bar, uint32_t size, uint32_t addr);
void sim_add_cap(struct sim_fn *f, uint8_t at, uint8_t id);
/* an MSI-X capability at config offset at; table and PBA in BAR bar, every vector masked */
void sim_add_msix(struct sim_fn *f, uint8_t at, unsigned bar, uint32_t table_offset,
                  uint32_t pba_offset, unsigned entries);
struct region *sim_region(const struct sim_fn *f, unsigned bar);
unsigned sim_fn_index(const struct sim_fn *f);

/* ---- sim_mmio.c: what sits behind the BARs ---- */
enum sim_reg_kind {
    SIM_REG_PLAIN,    /* reads what was written (writable bits) */
    SIM_REG_INVERTED, /* stores the NOT of what is written (QEMU edu's liveness check) */
    SIM_REG_NVME_CC,  /* NVMe CC: CSTS.RDY follows CC.EN at once */
    SIM_REG_NVME_SQ0, /* NVMe SQ0 tail doorbell: runs the admin commands up to the tail */
};
void sim_mmio_reset(void);
void sim_register(struct region *r, uint32_t offset, unsigned width, uint64_t value,
                  uint64_t writable, enum sim_reg_kind kind);
/* forgets every word written to a RAM BAR */
void sim_ram_clear(const struct region *r);
/* masks and zeroes every MSI-X vector of f */
void sim_msix_wipe(struct sim_fn *f);
/* the NVMe SQ0 tail doorbell's offset in BAR0 */
#define SIM_NVME_SQ0TDBL 0x1000
uint64_t sim_device_read(const struct hit *h, unsigned width);
void sim_device_write(const struct hit *h, unsigned width, uint64_t value);

/* ---- sim_virtio.c: a modern virtio-pci entropy device behind one BAR ---- */
/* the structures inside that BAR, each SIM_VIRTIO_REGION long (QEMU's layout) */
#define SIM_VIRTIO_COMMON 0x0000
#define SIM_VIRTIO_ISR 0x1000
#define SIM_VIRTIO_DEVICE 0x2000
#define SIM_VIRTIO_NOTIFY 0x3000
#define SIM_VIRTIO_REGION 0x1000
#define SIM_VIRTIO_NOTIFY_MULT 4 /* notify_off_multiplier */
#define SIM_VIRTIO_QUEUE_MAX 8   /* queue 0's largest (and reset) size */
void sim_virtio_reset(void);
/* the BAR r holds a virtio-rng's structures (the capabilities are the builder's) */
void sim_virtio_rng(const struct region *r);
bool sim_virtio_owns(const struct region *r);
/* the access at offset in r lands in a virtio notify structure */
bool sim_virtio_doorbell(const struct region *r, uint64_t offset, unsigned width);
uint64_t sim_virtio_read(const struct region *r, uint64_t offset, unsigned width);
void sim_virtio_write(const struct region *r, uint64_t offset, unsigned width, uint64_t value);

/* ---- sim_hw.c ---- */
/* the device's view of DMA memory: [phys, phys + len) inside the seam's pool, or NULL */
void *sim_dma(uint64_t phys, size_t len);

/* ---- sim_devices.c ---- */
/* the QEMU-like fabric as firmware left it, mapped by the policy in force */
void sim_build_fabric(void);

#endif
