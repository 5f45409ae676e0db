/* The harness's own negative controls (selftest=NAME, never on by default):
 * each makes the host side see one kind of bad outcome, so the runner, the
 * log checker and CI are shown to catch it. */
#include "../../kernel/check.h"
#include "../../kernel/cpu.h"

static void run_fault(unsigned i, struct check_result *r)
{
    (void)i;
    (void)r;
    __asm__ volatile("ud2"); /* an unrecoverable exception: expect a report and Bail out! */
}

static void run_hang(unsigned i, struct check_result *r)
{
    (void)i;
    (void)r;
    halt_forever(); /* interrupts off: only the host's timeout ends this */
}

static void run_probe_hang(unsigned i, struct check_result *r)
{
    (void)i;
    (void)r;
    for (;;) /* a probe that never returns, interrupts on: for a watchdog */
        __asm__ volatile("pause");
}

static void run_fail(unsigned i, struct check_result *r)
{
    (void)i;
    check_diag(r, "expected", "this failure");
    check_fail(r, "selftest: a check that fails on purpose");
}

static void run_skip(unsigned i, struct check_result *r)
{
    (void)i;
    check_skip(r, "selftest: a check that skips on purpose");
}

static void run_todo(unsigned i, struct check_result *r)
{
    (void)i;
    check_fail(r, "selftest: a strict check that fails on purpose");
}

/* selftest=verdicts: one point of each verdict in a single run (the fail,
 * skip and TODO bodies are the ones above), so a consumer of the TAP (LAVA's
 * monitor, a CI parser) is shown to map each one, not just "pass" (on QEMU
 * every real check passes). */
static void run_verdict_pass(unsigned i, struct check_result *r)
{
    (void)i;
    check_pass(r);
}

static void run_silent(unsigned i, struct check_result *r)
{
    (void)i;
    (void)r; /* reports nothing: the runner must call that a failure */
}

CHECK(selftest_fault) = {.id = "selftest-fault", .selftest = "fault", .run = run_fault};
CHECK(selftest_hang) = {.id = "selftest-hang", .selftest = "hang", .run = run_hang};
CHECK(selftest_probe_hang) = {.id = "selftest-probe-hang", .selftest = "probe-hang",
                              .run = run_probe_hang};
CHECK(selftest_fail) = {.id = "selftest-fail", .selftest = "fail", .run = run_fail};
CHECK(selftest_silent) = {.id = "selftest-silent", .selftest = "fail", .run = run_silent};
CHECK(selftest_skip) = {.id = "selftest-skip", .selftest = "skip", .run = run_skip};
CHECK(selftest_todo) = {.id = "selftest-todo", .level = CHECK_STRICT, .selftest = "todo",
                        .run = run_todo};
CHECK(selftest_verdicts_pass) = {.id = "selftest-verdicts-pass", .selftest = "verdicts",
                                 .run = run_verdict_pass};
CHECK(selftest_verdicts_fail) = {.id = "selftest-verdicts-fail", .selftest = "verdicts",
                                 .run = run_fail};
CHECK(selftest_verdicts_skip) = {.id = "selftest-verdicts-skip", .selftest = "verdicts",
                                 .run = run_skip};
CHECK(selftest_verdicts_todo) = {.id = "selftest-verdicts-todo", .level = CHECK_STRICT,
                                 .selftest = "verdicts", .run = run_todo};
