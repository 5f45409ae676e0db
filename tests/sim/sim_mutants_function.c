/* Mutants of a config access's target function (BUGS.md section D): the
 * model's config space is right, the hypervisor's routing of an access to
 * it is not. */
#include "sim_mutants_function.h"

/* function-aliasing: cloud-hypervisor's PciConfigIo::config_space_write and
 * PciConfigMmio ignore the function number, so every access to function N
 * of a slot reaches function 0 (reads and writes alike: the guest sees
 * function 0's header under every number, and moving "function N" moves
 * function 0). */
struct pci_bdf function_aliasing(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write)
{
    (void)m, (void)write;
    struct pci_bdf f0 = bdf;
    f0.function = 0;
    return sim_function(f0) ? f0 : bdf;
}

/* cfg-latch-mix: kvmtool routes an ECAM access by the function the last
 * 0xCF8 address write named (the stale latch), keeping the ECAM offset. */
struct pci_bdf cfg_latch_mix(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write)
{
    (void)write;
    return m != HW_CFG_CF8 && sim_cf8.set ? sim_cf8.bdf : bdf;
}
