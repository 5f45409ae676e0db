/* Random topologies on hostile machines (issue 11 part 5), from a seed:
 * sim_random_machine.c draws the machine (physical address width, a memory
 * map with RAM holes, odd and overlapping ranges, RAM inside the PCI hole,
 * ECAM, a second IOAPIC and the HPET where the seed puts them, _CRS windows
 * that overlap RAM, the ECAM or the APICs), sim_random_fabric.c the devices
 * (random counts of every kind the model has, 32- and 64-bit BARs of random
 * sizes, some behind root ports with windows below and above 4 GiB), placed
 * as firmware would, clear of everything a BAR must not cover; then reserved
 * ranges are laid over some of the BARs. */
#ifndef BARMOVE_SIM_RANDOM_H
#define BARMOVE_SIM_RANDOM_H
#include <stdbool.h>
#include <stdint.h>

#include "sim_machine.h"

extern uint64_t sim_random_seed; /* 0: the default fabric on q35; set before a run */

/* builds sim_machine and the fabric for seed (not 0) */
void sim_random_build(uint64_t seed);

/* ---- shared by the two halves ---- */
#define SIM_RANDOM_MAX_USED 96

struct sim_random {
    uint64_t state;
    /* what no BAR may be placed over: the machine's ranges, then every BAR placed */
    struct {
        uint64_t first, last;
    } used[SIM_RANDOM_MAX_USED];
    unsigned used_count;
    uint64_t hole_lo, hole_hi;     /* where 32-bit BARs go: [hole_lo, hole_hi] */
    uint64_t high_lo, high_hi;     /* where 64-bit BARs may go above 4 GiB (0, 0: nowhere) */
};

uint64_t sim_random_next(struct sim_random *g);
/* uniform in [lo, hi] */
uint64_t sim_random_in(struct sim_random *g, uint64_t lo, uint64_t hi);
void sim_random_use(struct sim_random *g, uint64_t first, uint64_t last);
bool sim_random_free(const struct sim_random *g, uint64_t first, uint64_t last);
/* a free, size-aligned place for size bytes in [lo, hi], marked used; false: none */
bool sim_random_place(struct sim_random *g, uint64_t size, uint64_t lo, uint64_t hi, uint64_t *at);

void sim_random_machine(struct sim_random *g, struct sim_machine *m);
void sim_random_fabric(struct sim_random *g);
/* reserved memory-map ranges over some of the BARs placed */
void sim_random_reserve_over_bars(struct sim_random *g, struct sim_machine *m);

#endif
