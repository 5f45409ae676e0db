/* Kernel-side setup of the seam (drivers/hw.h): which ECAM ranges exist and
 * which mechanism HW_CFG_DEFAULT means. */
#ifndef BARMOVE_HW_KERNEL_H
#define BARMOVE_HW_KERNEL_H
#include "acpi_tables.h"
#include "hw.h"

/* entries come from a validated MCFG; forced: HW_CFG_DEFAULT, or cfg=ecam/cf8 */
void hw_kernel_config(const struct acpi_mcfg_entry *entries, unsigned count,
                      enum hw_cfg_mechanism forced);
/* the mechanism HW_CFG_DEFAULT uses for f: ECAM when an entry covers it (unless cfg=cf8) */
enum hw_cfg_mechanism hw_kernel_default_for(struct pci_bdf f);

#endif
