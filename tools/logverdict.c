/* One verdict per run, from the parsed log, the runner's timeout and the
 * emulator's exit status. Silence is never a pass: a log without its summary
 * line, a timeout, an exit the guest did not choose and an inconsistent log
 * all fail, and the detail names the check that was running. */
#include <stdarg.h>
#include <string.h>

#include "logparse.h"

#define FAILED_LISTED 3 /* descriptions named on a fail line; the rest are counted */

static void add_detail(struct log_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_detail(struct log_result *r, const char *fmt, ...)
{
    size_t used = strlen(r->detail);
    if (used && used + 2 < sizeof r->detail)
        used += (size_t)snprintf(r->detail + used, sizeof r->detail - used, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail + used, sizeof r->detail - used, fmt, ap);
    va_end(ap);
}

const char *log_verdict_name(enum log_verdict v)
{
    static const char *const names[] = {
        [LOG_PASS] = "pass",         [LOG_FAIL] = "fail",       [LOG_BAIL] = "bail",
        [LOG_TIMEOUT] = "timeout",   [LOG_TRUNCATED] = "truncated", [LOG_NOTHING] = "nothing",
        [LOG_EMPTY] = "empty",
    };
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "fail";
}

int log_verdict_exit_code(enum log_verdict v)
{
    switch (v) {
    case LOG_PASS:
        return 0;
    case LOG_NOTHING:
        return 3;
    case LOG_BAIL:
    case LOG_TIMEOUT:
    case LOG_TRUNCATED:
    case LOG_EMPTY:
        return 2;
    case LOG_FAIL:
    default:
        return 1;
    }
}

int log_guest_exit_code(int exit_status)
{
    return exit_status > 0 && (exit_status & 1) ? exit_status >> 1 : -1;
}

/* the guest's exit codes (DESIGN §5) are the checker's exit codes for these */
static int expected_guest_code(enum log_verdict own)
{
    switch (own) {
    case LOG_PASS:
    case LOG_FAIL:
    case LOG_BAIL:
    case LOG_NOTHING:
        return log_verdict_exit_code(own);
    default:
        return -1; /* an incomplete log predicts no exit code */
    }
}

/* what the log says by itself */
static enum log_verdict own_verdict(const struct log_parse *p)
{
    if (!p->started)
        return LOG_EMPTY;
    if (p->bail_reason)
        return LOG_BAIL;
    if (!p->has_summary)
        return LOG_TRUNCATED;
    if (p->failed)
        return LOG_FAIL;
    /* as kernel/runner.c's runner_verdict(): a TODO ran, only skips test nothing */
    return p->passed + p->todo ? LOG_PASS : LOG_NOTHING;
}

/* "in check 4 - DESC[, step N/M NAME]", "after check 3 - DESC" or "before the first check" */
static void where_it_stopped(const struct log_parse *p, char *out, size_t size)
{
    if (p->running && p->running_step)
        snprintf(out, size, "in check %u - %s, step %s", p->running, p->running_desc, p->running_step);
    else if (p->running)
        snprintf(out, size, "in check %u - %s", p->running, p->running_desc);
    else if (p->count)
        snprintf(out, size, "after check %u - %s", p->points[p->count - 1].number,
                 p->points[p->count - 1].desc);
    else
        snprintf(out, size, "before the first check");
}

/* kernel/runner.c ends its reason with " in check N - DESC": say it once */
static int bail_reason_length(const struct log_parse *p)
{
    char suffix[2 * 200];
    size_t n = strlen(p->bail_reason);
    if (!p->running)
        return (int)n;
    size_t s = (size_t)snprintf(suffix, sizeof suffix, " in check %u - %s", p->running,
                                p->running_desc);
    bool named = s < sizeof suffix && n > s && strcmp(p->bail_reason + n - s, suffix) == 0;
    return (int)(named ? n - s : n);
}

static void list_failed(const struct log_parse *p, struct log_result *r)
{
    unsigned listed = 0;
    char text[sizeof r->detail] = "failed: ";
    for (size_t i = 0; i < p->count; i++) {
        if (p->points[i].outcome != LOG_NOT_OK)
            continue;
        if (listed++ < FAILED_LISTED) {
            size_t used = strlen(text);
            snprintf(text + used, sizeof text - used, "%s%s", listed > 1 ? ", " : "",
                     p->points[i].desc);
        }
    }
    if (listed > FAILED_LISTED)
        add_detail(r, "%s and %u more", text, listed - FAILED_LISTED);
    else
        add_detail(r, "%s", text);
}

static void describe_own_verdict(const struct log_parse *p, const struct log_run *run,
                                 struct log_result *r)
{
    char where[2 * 200];
    where_it_stopped(p, where, sizeof where);
    switch (r->verdict) {
    case LOG_EMPTY:
        if (p->line_number)
            add_detail(r, "no \"TAP version 14\" line in %u line%s of output", p->line_number,
                       p->line_number == 1 ? "" : "s");
        else
            add_detail(r, "the log is empty");
        if (run->timed_out)
            add_detail(r, "timed out"); /* e.g. stuck in firmware or the boot loader */
        break;
    case LOG_BAIL:
        add_detail(r, "bail out %s: %.*s", where, bail_reason_length(p), p->bail_reason);
        break;
    case LOG_TRUNCATED:
        r->verdict = run->timed_out ? LOG_TIMEOUT : LOG_TRUNCATED;
        add_detail(r, "%s %s", run->timed_out ? "timed out" : run->emulator_died ? "emulator died" : "log ends",
                   where);
        break;
    case LOG_FAIL:
        list_failed(p, r);
        break;
    default:
        break;
    }
}

/* a complete log, then the guest kept running until the runner killed it */
static void judge_late_timeout(const struct log_parse *p, const struct log_run *run,
                               struct log_result *r)
{
    if (!run->timed_out || !(p->has_summary || p->bail_reason))
        return;
    add_detail(r, "timed out after the %s line: the guest did not exit",
               p->bail_reason ? "\"Bail out!\"" : "summary");
    if (r->verdict != LOG_BAIL)
        r->verdict = LOG_TIMEOUT;
}

static void judge_exit_status(const struct log_parse *p, const struct log_run *run,
                              enum log_verdict own, struct log_result *r)
{
    if (!run->has_exit_status || run->timed_out)
        return; /* the runner killed the emulator: its status says nothing of the guest */
    int code = log_guest_exit_code(run->exit_status), expected = expected_guest_code(own);
    if (code < 0) {
        /* reset or triple fault with -no-reboot: QEMU exits 0 */
        if (!p->has_summary)
            add_detail(r, "exit status %d: the guest did not exit through isa-debug-exit",
                       run->exit_status);
    } else if (expected < 0) {
        add_detail(r, "the guest exited with code %d", code);
    } else if (code != expected) {
        add_detail(r, "exit code %d disagrees with the log's verdict %s", code,
                   log_verdict_name(own));
        if (r->verdict == LOG_PASS || r->verdict == LOG_NOTHING)
            r->verdict = LOG_FAIL;
        r->harness_error = true;
    }
}

void log_judge(const struct log_parse *p, const struct log_run *run, struct log_result *r)
{
    enum log_verdict own = own_verdict(p);
    *r = (struct log_result){.verdict = own};
    describe_own_verdict(p, run, r);
    judge_late_timeout(p, run, r);
    if (p->problems) {
        if (p->problems > 1)
            add_detail(r, "%s (and %u more problems)", p->problem, p->problems - 1);
        else
            add_detail(r, "%s", p->problem);
        if (r->verdict == LOG_PASS || r->verdict == LOG_NOTHING)
            r->verdict = LOG_FAIL;
    }
    judge_exit_status(p, run, own, r);
    r->harness_error = r->harness_error || p->problems || (r->verdict != LOG_PASS &&
                       r->verdict != LOG_FAIL && r->verdict != LOG_NOTHING);
}

/* one printable line, whatever bytes the log carried */
void log_format_verdict(char *out, size_t size, const char *suite, const struct log_parse *p,
                        const struct log_result *r)
{
    snprintf(out, size, "%s: %s: %u passed, %u failed, %u skipped, %u todo%s%s", suite,
             log_verdict_name(r->verdict), p->passed, p->failed, p->skipped, p->todo,
             r->detail[0] ? "; " : "", r->detail);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
}
