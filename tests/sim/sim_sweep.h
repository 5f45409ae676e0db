/* The simulator's two sweeps (issue 11 parts 4 and 5), each many runs of
 * the suite against the correct model on every core (sim_pool.c):
 *
 *   barmove-sim --safety SEEDS [OPTION...]
 *     SEEDS random topologies on hostile machines (sim_random.h), seeds 1..N,
 *     the whole suite with the safety assertions on (sim_safety.h); prints
 *       safety seed S: <the first violation>            (one per violating seed)
 *       safety seed S: not ok CHECK, ...                (a check the correct model failed)
 *       safety: N runs, M violations
 *     exit 0 when no run had a violation, failed a check or did not complete.
 *
 *   barmove-sim --fault-sweep [OPTION...]
 *     for every point of the default run that is not skipped and every step
 *     of it (step 0, the point's start, for points without steps), two runs of
 *     that point alone (only=): the target's MMIO faults for that step, and
 *     the target never answers again from it (sim_fault.h); after each run
 *     the config space must equal the start; prints
 *       fault POINT step K (transient|dead): <the first register left moved>
 *       fault sweep: N injections, M left something moved
 *     exit 0 when nothing was left moved, every injection was reached, and no
 *     run had a safety violation or did not complete. */
#ifndef BARMOVE_SIM_SWEEP_H
#define BARMOVE_SIM_SWEEP_H

int sim_safety_sweep(unsigned seeds, const char *options);
int sim_fault_sweep(const char *options);
/* the part of the TAP after prefix on its first line that has it, into out ("" if none) */
void sim_tap_find(const char *tap, const char *prefix, char *out, unsigned size);
unsigned sim_tap_count(const char *tap, const char *prefix);

#endif
