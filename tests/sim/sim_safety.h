/* Safety proofs (DESIGN §4 Safety, issue 11 part 5): after every config
 * write the model asserts, from its own config space and its own description
 * of the machine (sim_machine.h), that no memory BAR that decodes (its
 * function's MSE on, every bridge above forwarding it) covers RAM, the ECAM,
 * the LAPIC, an IOAPIC, the HPET or the firmware flash, a 64-bit BAR's
 * half-written address included, and that no two devices (BARs, open bridge
 * windows) decode the same address at once. The one named exception: a BAR
 * holding a sizing value (every implemented bit of a dword set) may decode
 * over the flash and over another device for that moment. Every violation
 * goes to the run's output as "# safety violation: ..." naming the check,
 * the step, the write, the BAR and the range. */
#ifndef BARMOVE_SIM_SAFETY_H
#define BARMOVE_SIM_SAFETY_H
#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

#define SIM_SAFETY_PREFIX "# safety violation: "
#define SIM_SAFETY_SUMMARY "# safety: " /* "# safety: N violations" at the end of a run */

/* arms (or disarms) the assertions for this run, with the machine as it stands */
void sim_safety_start(bool on);
/* after a config write that reached the registers (the one named in the report) */
void sim_safety_after_write(const struct sim_fn *f, uint16_t offset, unsigned width, uint32_t value);
/* the state as built, before the kernel writes anything */
void sim_safety_check_initial(void);
/* prints the summary line (when armed) */
void sim_safety_finish(void);

#endif
