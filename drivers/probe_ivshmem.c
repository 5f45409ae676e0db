/* ivshmem-plain (1af4:1110, QEMU hw/misc/ivshmem.c): BAR2 is the shared
 * memory itself, plain RAM behind a 64-bit prefetchable BAR. Any word of it
 * is a scratch register, and it moves with the BAR, contents included. */
#include "probes.h"

#define IVSHMEM_SHM_BAR 2

/* The last word of the region, not the first: a hypervisor that maps only
 * part of a BAR (the first page, or a size cut to 32 bits) still shows the
 * first word at the new address; only the last one proves the whole BAR
 * moved. It also stays clear of the start, where peers of a shared region
 * conventionally keep their data and the `contents` check writes patterns. */
static bool ivshmem_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    if (bar_num != IVSHMEM_SHM_BAR || !probe_bar_is_memory(f, bar_num))
        return false;
    return probe_place_last_word(p, "shared memory of 4 GiB or more: its last word is out of reach");
}

const struct probe_type probe_ivshmem_ram = {
    .name = "ivshmem-ram",
    .strength = PROBE_SCRATCH,
    .ram = true,
    .match = ivshmem_match,
    .prepare = probe_scratch_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};
