/* Private to kernel/engine_run.c and kernel/engine_report.c: the state of
 * one engine_run, and the reporting half (what was observed, in the
 * signature table's terms, and the YAML a failure carries). */
#ifndef BARMOVE_ENGINE_RUN_H
#define BARMOVE_ENGINE_RUN_H
#include <stdbool.h>
#include <stdint.h>

#include "classes.h"
#include "engine.h"

struct run {
    struct engine *e;
    struct check_result *r;
    unsigned step; /* 0 = as found, then 1..step_count */
    /* for the diagnosis: where each target last answered as it must, and
     * the step's register and COMMAND before the write */
    uint64_t last[ENGINE_MAX_TARGETS];
    uint32_t before;
    bool before_known;
    uint16_t cmd_before;
    bool sizing_before;
    bool unaligned[ENGINE_MAX_TARGETS]; /* the check wrote bits below the BAR's size */
    /* the check has failed: later deviations go to check_later, and the run
     * goes on only while that is safe (why_stop) */
    bool failed;
};

/* the function a step writes: the target's, or a bridge named by the step */
unsigned engine_step_fn(const struct run *x, const struct step *s);
struct pci_bdf engine_step_bdf(const struct run *x, const struct step *s);
/* t seen (or not) at addr where the oracle says otherwise: the failure, or a later deviation */
void engine_report_mismatch(struct run *x, const struct target *t, uint64_t addr, bool seen);
/* step s's register reads back got, the guest wrote it to hold want */
void engine_report_readback(struct run *x, const struct step *s, uint32_t got, uint32_t want);

#endif
