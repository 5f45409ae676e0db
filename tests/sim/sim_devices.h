/* The QEMU devices the model builds (sim_devices.c), each at the addresses
 * and BAR sizes its caller gives: the default fabric places them as SeaBIOS
 * does on q35, sim_random.c at random. upstream: the index of the bridge
 * above (SIM_NO_UPSTREAM on bus 0). */
#ifndef BARMOVE_SIM_DEVICES_H
#define BARMOVE_SIM_DEVICES_H
#include "sim.h"

#define SIM_KIB 1024ull
#define SIM_MIB (1024ull * 1024ull)

/* a memory BAR: where firmware put it, its size (a power of two), its type */
struct sim_bar {
    uint64_t addr, size;
    bool is64;
};

/* edu: BAR0 mem32 1 MiB */
void sim_dev_edu(struct pci_bdf bdf, int upstream, uint32_t addr);
/* ivshmem-plain: BAR0 mem32 256 B, BAR2 prefetchable RAM (shm) */
void sim_dev_ivshmem(struct pci_bdf bdf, int upstream, uint32_t bar0, struct sim_bar shm);
/* NVMe: BAR0 (at least 16 KiB) with the MSI-X table and the admin queue */
void sim_dev_nvme(struct pci_bdf bdf, int upstream, struct sim_bar bar0);
/* two NVMe controllers as functions 0 and 1 of slot on bus 0 */
void sim_dev_nvme_pair(uint8_t slot, struct sim_bar bar0, struct sim_bar bar1);
/* virtio-net (transitional): BAR1 mem32 4 KiB (MSI-X), BAR4 (at least 16 KiB) modern */
void sim_dev_virtio_net(struct pci_bdf bdf, uint32_t io, uint32_t bar1, struct sim_bar bar4);
/* virtio-rng non-transitional, no MSI-X: BAR4 (at least 16 KiB) modern, one virtqueue */
void sim_dev_virtio_rng(struct pci_bdf bdf, int upstream, struct sim_bar bar4);
/* pci-testdev: BAR0 mem32 4 KiB, BAR2 an empty prefetchable region */
void sim_dev_testdev(struct pci_bdf bdf, int upstream, uint32_t bar0, struct sim_bar membar);
/* e1000e: BAR0 mem32 128 KiB, BAR3 mem32 16 KiB (MSI-X) */
void sim_dev_e1000e(struct pci_bdf bdf, uint32_t bar0, uint32_t io, uint32_t bar3);
/* pcie-root-port on bus 0: BAR0 mem32 4 KiB (MSI-X), a memory window of
 * window_size at window (1 MiB granules); returns its function index */
int sim_dev_root_port(struct pci_bdf bdf, uint8_t secondary, uint32_t bar0, uint32_t window,
                      uint32_t window_size);
/* opens bridge fn's 64-bit prefetchable window at [base, last] (1 MiB granules) */
void sim_bridge_pref_window(int fn, uint64_t base, uint64_t last);

/* every function mapped as its registers say (after building) */
void sim_fabric_sync(void);

#endif
