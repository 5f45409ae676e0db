/* The kill matrix: one mutant per bug class, and the checks that must fail
 * when the suite runs against it (sim_matrix.c). */
#ifndef BARMOVE_SIM_MATRIX_H
#define BARMOVE_SIM_MATRIX_H
#include "sim.h"

#define MUTANT_MAX_EXPECTED 4

struct mutant {
    const char *name;                        /* its class id in BUGS.md */
    const char *expected[MUTANT_MAX_EXPECTED]; /* check ids that must say "not ok" */
    struct policy policy;                    /* the decisions it replaces (sim.h) */
};

extern const struct mutant sim_mutants[];
extern const unsigned sim_mutant_count;

/* by name, or NULL */
const struct mutant *sim_mutant(const char *name);

#endif
