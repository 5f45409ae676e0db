/* The diagnosis and profile demonstrations of barmove-sim (sim_diagnosis.c):
 * every mutant's killing checks must name its class (kernel/classes.c), and
 * profile= turns exactly the documented classes into TODOs. */
#ifndef BARMOVE_SIM_DIAGNOSIS_H
#define BARMOVE_SIM_DIAGNOSIS_H
#include <stdbool.h>

#include "sim_matrix.h"
#include "sim_run.h"

/* notes whether r's failing points of m's expected checks name m's class */
void diagnosis_note(const struct mutant *m, const struct run_result *r);
/* prints "diagnosis: N mutants, K named their class" and the misses; true
 * when every miss is a known gap of kernel/classes.c */
bool diagnosis_report(void);
/* the profile demonstration at options (level=strict): prints one line per
 * run and "profiles: N runs, K as expected"; true when all are */
bool profiles_demo(const char *options);

#endif
