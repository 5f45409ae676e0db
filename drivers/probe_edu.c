/* QEMU's edu device (1234:11e8, hw/misc/edu.c): BAR0 is 1 MiB of registers
 * behind a 32-bit BAR. Offset 0x04 is the "liveness check": a write stores
 * the bitwise NOT of the value and a read returns what is stored, so a read
 * after writing v returns ~v. Only 4-byte accesses reach it (others read
 * all-ones and are dropped). */
#include "probes.h"

#define EDU_BAR 0
#define EDU_LIVENESS 0x04

static bool edu_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    return probe_place_register(f, bar_num, EDU_BAR, p, EDU_LIVENESS, 0xffffffffu);
}

/* the shared SCRATCH callbacks apply the inversion (reads_inverted): the
 * expected readback is ~nonce, and restore writes ~original */
const struct probe_type probe_edu_liveness = {
    .name = "edu-liveness",
    .strength = PROBE_SCRATCH,
    .reads_inverted = true,
    .match = edu_match,
    .prepare = probe_scratch_prepare,
    .plant = probe_scratch_plant,
    .look = probe_scratch_look,
    .restore = probe_scratch_restore,
};
