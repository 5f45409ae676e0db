/* D. the function-identity mutants (sim_mutants_function.c): which function a
 * config access reaches (struct policy's cfg_route, sim.h). */
#ifndef BARMOVE_SIM_MUTANTS_FUNCTION_H
#define BARMOVE_SIM_MUTANTS_FUNCTION_H
#include "sim.h"

struct pci_bdf function_aliasing(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write);
struct pci_bdf cfg_latch_mix(enum hw_cfg_mechanism m, struct pci_bdf bdf, bool write);

#endif
