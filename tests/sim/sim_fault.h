/* Fault injection and "nothing left moved" (issue 11 part 4), in the child
 * of one run: the plan names a point (its TAP description) and a step of it
 * (the engine's "# step N/M" line; 0: the point's start); from there the
 * function the point names (every function when it names none) stops
 * answering: its MMIO accesses fault for that one step (TRANSIENT), or read
 * nothing and take no write for the rest of the run (DEAD). Whatever the
 * plan, the config space the run leaves (every BAR and COMMAND of every
 * function, bridge bus numbers and windows) is compared with the one the
 * fabric was built with; each difference is a "# sim-moved: ..." line. */
#ifndef BARMOVE_SIM_FAULT_H
#define BARMOVE_SIM_FAULT_H
#include <stddef.h>

#include "../../kernel/tap.h"
#include "sim.h"

enum sim_fault_kind { SIM_FAULT_NONE, SIM_FAULT_TRANSIENT, SIM_FAULT_DEAD };

struct sim_fault_plan {
    enum sim_fault_kind kind;
    char point[TAP_DESC_MAX]; /* as "# running N - DESC" prints DESC */
    unsigned step;
};

extern struct sim_fault_plan sim_fault_plan; /* set by the parent before the run */

#define SIM_MOVED_PREFIX "# sim-moved: "
#define SIM_FAULT_FIRED "# sim-fault: injected"
#define SIM_FAULT_ACCESS (PROBE_FAULTED | 13) /* #GP, as an unbacked access may raise */
#define SIM_FAULT_SILENT 1                    /* the access reaches nothing */

/* the fabric is built: remember its config space */
void sim_fault_start(void);
/* one line of the run's TAP output, as it is written */
void sim_observe_tap(const char *s, size_t n);
/* "step N/M NAME" of the running point, or "before any step" */
const char *sim_last_step(void);
/* an MMIO access that reaches h: 0 to let it, SIM_FAULT_SILENT or SIM_FAULT_ACCESS */
int sim_fault_mmio(const struct hit *h);
/* the run ends: prints the differences from the start */
void sim_fault_finish(void);

#endif
