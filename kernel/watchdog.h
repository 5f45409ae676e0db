/* The guest-side watchdog (issue 11): a check that makes no progress for
 * WATCHDOG_BUDGET_S seconds (a probe or a wait that never returns) is
 * abandoned: the runner reports its point "not ok" naming the step, puts
 * every BAR back, and goes on with the next check. Progress: the start of a
 * point, every "# step" line (so the budget is per step, not per check), and
 * runner_alive() between the targets of a look at all of them.
 *
 * Interrupts are on only inside watchdog_guard(), off everywhere else: the
 * boot, the reports, a bail-out, and the hang selftests (cli; hlt), which the
 * host's timeout must still end. */
#ifndef BARMOVE_WATCHDOG_H
#define BARMOVE_WATCHDOG_H
#include <stddef.h>

#include "check.h"

/* 30 s: the longest stretch between two steps of a normal run is ~30 ms under
 * TCG and Bochs, but up to ~2.7 s under nested KVM (rebalance's setup, before
 * its first step); the "# watchdog:" comment before the summary shows each
 * run's own longest */
#define WATCHDOG_BUDGET_S 30

/* after timer_init (the TSC rate): the 8259s masked, the timer chosen */
void watchdog_init(void);
/* the runner's guard (struct runner): fn(i, r) with the watchdog armed and
 * interrupts on; NULL if it returned, else why it was abandoned */
const char *watchdog_guard(void (*fn)(unsigned i, struct check_result *r), unsigned i,
                           struct check_result *r);
/* progress: a "# step" line (the runner's on_step hook calls it) */
void watchdog_progress(unsigned n, unsigned of, const char *name);
/* progress within a step (the runner's on_alive hook: runner_alive()) */
void watchdog_alive(void);
/* "lapic-timer ..." or "pit ...": the timer, for the header */
void watchdog_describe(char *buf, size_t size);
/* the longest stretch without progress, and strays, for a closing comment */
void watchdog_summary(char *buf, size_t size);

#endif
