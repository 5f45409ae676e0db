/* The test runner: selects checks with only=/skip=/selftest=, prints the
 * plan, announces each point ("# running N - DESC", so a hang or crash names
 * it), runs it, reports TAP, and decides the exit code (one function does). */
#ifndef BARMOVE_RUNNER_H
#define BARMOVE_RUNNER_H
#include "check.h"
#include "options.h"
#include "tap.h"

struct runner {
    struct tap *tap;
    const struct options *options;
    void (*exit)(int code); /* never returns in the kernel; host tests record it */
    /* optional: comment lines after the last point, before the summary (the kernel's access counts) */
    void (*before_summary)(struct tap *t);
    /* optional: called after each "# step" line (the kernel's step selftests) */
    void (*on_step)(unsigned n, unsigned of, const char *name);
    /* optional: called by runner_alive() (the kernel's watchdog: progress) */
    void (*on_alive)(void);
    /* optional: runs fn(i, r), a point's check or the clean-up after one, and
     * returns NULL when it returned, else why it was abandoned half-way (the
     * kernel's watchdog, kernel/watchdog.h); the point then fails with that
     * reason, the abort cleanup puts everything back, and the run goes on */
    const char *(*guard)(void (*fn)(unsigned i, struct check_result *r), unsigned i,
                         struct check_result *r);
};

/* makes rn the runner that runner_bail() reports through (before any check runs too) */
void runner_attach(struct runner *rn);
/* runs every selected check in [first, last); returns the exit code */
int runner_run(struct runner *rn, const struct check *first, const struct check *last);
/* checks selected by the options: how many test points */
unsigned runner_count(const struct runner *rn, const struct check *first, const struct check *last);
/* a TAP comment line from inside a check (verbose step logs, latency figures) */
void runner_note(const char *text);
/* "# time by check: ID N.N ms, ... all N ms": the slowest checks of the last
 * runner_run, for a before_summary hook (make bench's breakdown) */
void runner_print_times(struct tap *t);
/* "# step N/M NAME" before a step of the running check (kernel/tap.h) */
void runner_step(unsigned n, unsigned of, const char *name);
/* progress inside a long phase of a check that prints no step (a look at
 * every target, before the first step or after the last): for the watchdog */
void runner_alive(void);
/* the point being run, "" between points */
const char *runner_current(void);
/* What a bail-out, or a point the guard abandoned, does first (the
 * relocation checks register it once they have targets): put every BAR and
 * COMMAND back as found; returns how many functions it wrote, and the log
 * says so. */
void runner_set_abort_cleanup(unsigned (*put_back_all)(void));
/* crash path: the abort cleanup, then "Bail out!" naming the running check, then exit code 2 */
void runner_bail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* exit code for a finished run */
int runner_verdict(const struct tap *t);

#endif
