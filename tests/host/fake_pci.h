/* A fake PCI fabric behind the seam: tests/host/fake_hw.c implements every
 * hw_* function of drivers/hw.h for build/host/unit, and its config
 * accesses land in tests/host/fake_pci.c's fabric. Config space is 4 KiB
 * per function and writes are masked as hardware masks them: only the bits
 * a register implements change (BAR size masks, read-only type bits),
 * STATUS error bits are write-1-to-clear. Absent functions read all-ones.
 *
 * Every config access is counted; past FAKE_READ_LIMIT the fake refuses
 * (hw_cfg_read returns false, stats.limit_hit is set), so a runaway walk
 * fails its test instead of hanging it (Zephyr's capability walker tests).
 *
 * Everything set up here (add, bar, poke, command) defines the state "as
 * found"; fake_pci_as_found() says whether every BAR and COMMAND still
 * reads that way. */
#ifndef BARMOVE_FAKE_PCI_H
#define BARMOVE_FAKE_PCI_H
#include <stdbool.h>
#include <stdint.h>

#include "../../drivers/hw.h"

#define BDF(bus, dev, fn) ((struct pci_bdf){0, (bus), (dev), (fn)})

#define FAKE_PCI_MAX_FUNCTIONS 320 /* more than PCI_MAX_FUNCTIONS, to test the bound */
#define FAKE_READ_LIMIT 200000     /* a full walk of 320 functions takes ~60000 */

struct fake_pci_stats {
    unsigned long accesses;        /* config reads and writes */
    unsigned sized_with_decode_on; /* all-ones written to a BAR while IO or MEM decode was on */
    unsigned command_dword_writes; /* 4-byte writes at COMMAND: STATUS written back */
    unsigned bar_sizings;          /* all-ones writes to BAR registers */
    unsigned bad_accesses;         /* bad width, misaligned, past 4 KiB, CF8 past 256 */
    bool limit_hit;
};

/* forget every function, zero the statistics, the warnings and the DMA pool */
void fake_pci_reset(void);
/* the fabric's side of hw_cfg_read/hw_cfg_write */
bool fake_pci_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                       uint32_t *value);
bool fake_pci_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                        uint32_t value);

/* a type-0 function (header 0, no BARs, COMMAND 0); returns its handle */
int fake_pci_add(struct pci_bdf f, uint16_t vendor, uint16_t device, uint32_t class_code);
/* a type-1 PCI-PCI bridge (class 0x060400): primary = f.bus, windows writable and closed */
int fake_pci_add_bridge(struct pci_bdf f, uint8_t secondary, uint8_t subordinate);
void fake_pci_set_multifunction(int h);
/* a single-function device that answers at functions 1-7 too (function 0's space) */
void fake_pci_alias_functions(int h);

/* BARs: size a power of two; addr aligned to it; bar = register number */
void fake_pci_bar_mem32(int h, unsigned bar, uint32_t size, uint32_t addr, bool prefetchable);
void fake_pci_bar_mem64(int h, unsigned bar, uint64_t size, uint64_t addr, bool prefetchable);
/* decoder_bits 16: the upper half of the BAR is hardwired to zero */
void fake_pci_bar_io(int h, unsigned bar, uint32_t size, uint32_t addr, unsigned decoder_bits);

/* appends capability id at offset (>= 0x40) to the function's list, sets
 * STATUS.CAP_LIST; body bytes are poked by the test */
void fake_pci_add_cap(int h, uint8_t offset, uint8_t id);

/* raw setup access: ignores write masks, counts nothing, defines "as found" */
void fake_pci_poke(int h, uint16_t offset, unsigned width, uint32_t value);
/* which bits of a register config writes may change (setup helpers set the usual ones) */
void fake_pci_set_writable(int h, uint16_t offset, unsigned width, uint32_t mask);
uint32_t fake_pci_writable(int h, uint16_t offset, unsigned width);
/* the value a config read would return now, not counted */
uint32_t fake_pci_peek(int h, uint16_t offset, unsigned width);
void fake_pci_set_command(int h, uint16_t command);

/* faults: after BAR register bar was sized (all-ones written), it reads
 * all-ones whatever is written / later writes to it are dropped */
void fake_pci_bar_sticks_all_ones(int h, unsigned bar);
void fake_pci_bar_drops_restore(int h, unsigned bar);

/* Hypervisor faults (one BUGS.md class each) for the relocation engine's
 * tests: set a flag after setting up; fake_pci_reset turns every one off. */
struct fake_faults {
    bool mse_ignored;         /* mse-clear-keeps-mapping: decode ignores MSE */
    bool high_dword_ignored;  /* high-dword-ignored: a 64-bit BAR decodes at its low dword only */
    bool drop_while_decoding; /* write-dropped-while-decoding: BAR writes ignored while MSE=1 */
    bool stale_alias;         /* stale-alias-after-move: the address a move left still decodes */
    bool low_dword_ignored;   /* low-dword-ignored: only a high-dword write moves the mapping */
    bool upper_dword_zero;    /* high-dword-ignored as Bochs 2.7's xHCI: a 64-bit BAR's upper
                                 dword is not implemented (writes dropped, it reads 0) */
};
extern struct fake_faults fake_faults;
/* for the MMIO model: *mapped is where a low-dword-ignored BAR bar (its low
 * register) of h stays mapped (true) or its registers say it all (false);
 * *stale the first address a move left behind under stale_alias, or 0 */
bool fake_pci_fault_mapping(int h, unsigned bar, uint64_t *mapped, uint64_t *stale);

const struct fake_pci_stats *fake_pci_stats(void);
/* all-ones was written to BAR register bar of h */
bool fake_pci_sized(int h, unsigned bar);
/* every function's BARs and COMMAND read as they were set up */
bool fake_pci_as_found(void);

/* ---- MMIO (fake_hw.c) ----
 * A memory BAR of a fake function decodes at its current value (both dwords
 * of a 64-bit BAR; size from its write mask) while its COMMAND has MEM on;
 * bridges are ignored, and a BAR at 0 never decodes (as on QEMU). Inside a
 * decoding BAR only what is declared below answers: everything else reads 0
 * and drops writes, as unassigned memory does on QEMU. Where two BARs
 * overlap, the one declared first answers. Accesses are 1, 2, 4 or 8 bytes,
 * naturally aligned (others read 0 and count in bad_accesses); an access
 * within a register reads or writes its bytes. fake_pci_reset forgets all. */
struct fake_mmio_stats {
    unsigned long reads, writes;
    unsigned bad_accesses;
};

/* a register of BAR bar of h: reads return value, writes change the writable bits */
void fake_mmio_register(int h, unsigned bar, uint32_t offset, unsigned width, uint64_t value,
                        uint64_t writable);
/* a register that stores the NOT of what is written (QEMU edu's liveness check) */
void fake_mmio_register_inverted(int h, unsigned bar, uint32_t offset, unsigned width,
                                 uint64_t value);
/* BAR bar of h is RAM: reads return what was written (ivshmem's shared memory) */
void fake_mmio_ram(int h, unsigned bar);
/* BAR bar of h answers only while *live: otherwise it decodes but reads
 * all-ones and drops writes (Bochs's VGA framebuffer outside a VBE mode) */
void fake_mmio_gate(int h, unsigned bar, const bool *live);
/* set a register's or RAM's bytes, whatever the decode and the write mask */
void fake_mmio_poke(int h, unsigned bar, uint32_t offset, unsigned width, uint64_t value);
/* what a read at offset of BAR bar of h returns, whatever the decode */
uint64_t fake_mmio_peek(int h, unsigned bar, uint32_t offset, unsigned width);
/* every access covering phys faults (PROBE_FAULTED | 14) */
void fake_mmio_fault_at(uint64_t phys);
const struct fake_mmio_stats *fake_mmio_stats(void);

/* ---- QEMU-shaped devices (tests/host/test_probes_devices.c) ----
 * Config space and BARs as QEMU 7.2 builds them, COMMAND with MEM on, and
 * the registers the probes use in the MMIO model above; each returns its
 * handle. Only what the probes touch is modelled. */
#define FAKE_IVSHMEM_SIZE (64ull << 20)
#define FAKE_NVME_CAP 0x004000200f0107ffull
#define FAKE_NVME_VS 0x00010400u
#define FAKE_EDU_IDENT 0x010000edu
/* ivshmem-plain 1af4:1110: BAR0 mem32 256 B (nothing modelled), BAR2 mem64 pref RAM */
int fake_dev_ivshmem(struct pci_bdf f, uint64_t shm_addr);
/* nvme 1b36:0010 class 010802: BAR0 mem64 16 KiB with CAP, VS, CC, CSTS, AQA;
 * enabled: CC.EN=1 and CSTS.RDY=1, as SeaBIOS leaves a controller it probed */
int fake_dev_nvme(struct pci_bdf f, uint64_t addr, bool enabled);
/* edu 1234:11e8: BAR0 mem32 1 MiB with the ident (0x00) and liveness (0x04) registers */
int fake_dev_edu(struct pci_bdf f, uint32_t addr);
/* virtio-pci transitional (1af4:device): BAR1 mem32 4 KiB (MSI-X), BAR4 mem64 pref
 * 16 KiB; the capability list in QEMU's order (MSI-X, PCI cfg, notify, device,
 * ISR, common last); device_feature_select at BAR4 + 0 */
int fake_dev_virtio(struct pci_bdf f, uint16_t device, uint64_t bar4_addr);
/* one struct virtio_pci_cap at config offset at (appended to the list) */
void fake_virtio_cap(int h, uint8_t at, uint8_t cfg_type, uint8_t bar, uint32_t offset,
                     uint32_t length);
/* pci-testdev 1b36:0005: BAR0 mem32 4 KiB, BAR2 mem64 pref 2 MiB: an empty region */
int fake_dev_testdev(struct pci_bdf f, uint64_t membar_addr);

/* ---- port I/O (fake_ports.c) ----
 * A floating bus (reads all-ones, writes vanish), except the Bochs VBE
 * DISPI interface (index 0x1ce, data 0x1cf, 16-bit) while `present`: the
 * registers ID, XRES, YRES, BPP and ENABLE, as Bochs 2.7 keeps them (the
 * resolution changes only while ENABLE's bit 0 is clear); `on` follows that
 * bit (hand it to fake_mmio_gate). fake_pci_reset makes it absent. */
#define FAKE_DISPI_REGS 5
struct fake_dispi {
    bool present, on;
    bool enable_ignored; /* ENABLE writes vanish (a mode that will not turn on) */
    uint16_t regs[FAKE_DISPI_REGS];
    unsigned writes; /* to the data port */
};
extern struct fake_dispi fake_dispi;
void fake_ports_reset(void);

/* The devices QEMU and Bochs 2.7 share, QEMU-shaped (tests/host/test_probes_devices.c);
 * each decodes with MEM on and models only what the probes touch. */
#define FAKE_E1000_RCTL 0x100
#define FAKE_E1000_RDBAL 0x2800
#define FAKE_E1000_RAL0 0x5400
#define FAKE_OHCI_HCCONTROL 0x04
#define FAKE_OHCI_HCHCCA 0x18
#define FAKE_EHCI_CAPLENGTH 0x20
#define FAKE_XHCI_CAPLENGTH 0x40 /* Bochs's is 0x20 */
#define FAKE_VGA_SIZE (16u << 20)
/* e1000 8086:100e: BAR0 mem32 128 KiB with RCTL (receiver off), RDBAL, RAL0/RAH0; BAR1 I/O */
int fake_dev_e1000(struct pci_bdf f, uint32_t addr);
/* pci-ohci 106b:003f class 0c0310: BAR0 mem32 256 B, HcControl (USBRESET), HcHCCA,
 * HcRhDescriptorA/B */
int fake_dev_ohci(struct pci_bdf f, uint32_t addr);
/* usb-ehci 8086:24cd class 0c0320: BAR0 mem32 4 KiB; CAPLENGTH, HCSPARAMS, USBCMD
 * (stopped), USBSTS (halted), PERIODICLISTBASE (keeps every bit, as QEMU's) */
int fake_dev_ehci(struct pci_bdf f, uint32_t addr);
/* qemu-xhci 1b36:000d class 0c0330: BAR0 mem64 16 KiB; CAPLENGTH, HCSPARAMS1, USBCMD
 * (stopped), USBSTS (halted), DCBAAP low */
int fake_dev_xhci(struct pci_bdf f, uint64_t addr);
/* std VGA 1234:1111 class 030000: BAR0 mem32 pref 16 MiB of RAM, BAR2 mem32 4 KiB;
 * the DISPI ports present (mode off); bochs: the framebuffer answers only in a mode */
int fake_dev_vga(struct pci_bdf f, uint32_t addr, bool bochs);

/* fake_hw.c: forget the warnings, free the DMA pool (fake_pci_reset calls it) */
void fake_hw_reset(void);
/* a warn() for the code under test: keeps every line */
void fake_warn(const char *text);
unsigned fake_warn_count(void);
const char *fake_warn_text(unsigned i);
/* some warning contains needle */
bool fake_warned(const char *needle);

#endif
