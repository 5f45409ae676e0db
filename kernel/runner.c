#include "runner.h"

#include <stdarg.h>
#include <string.h>

#include "../drivers/hw.h"
#include "../drivers/hw_counts.h"
#include "classes.h"
#include "format.h"
#include "profiles.h"

enum status { STATUS_NONE, STATUS_PASS, STATUS_SKIP, STATUS_FAIL };

struct check_result {
    enum status status;
    char message[TAP_DESC_MAX];
    char yaml[3072];
    size_t yaml_len;
    const char *classes[DIAG_MAX_CLASSES]; /* diagnosed (check_classes), static strings */
    unsigned class_count;
    bool diagnosed;
    /* deviations after the first failure (check_later): how many, and the
     * classes they named that the first did not */
    unsigned later_count, later_more; /* shown (later_N), and counted only */
    const char *later_classes[DIAG_MAX_CLASSES];
    unsigned later_class_count;
};

#define LATER_SHOWN 4 /* later_1 .. later_4 in the YAML block; the rest counted (later_more) */

/* checks whose failure showed each class of bug_classes[], this run */
static unsigned class_tally[64];

static struct runner *active;
static char current[TAP_DESC_MAX];

static void raise_status(struct check_result *r, enum status s)
{
    if (s > r->status)
        r->status = s;
}

void check_pass(struct check_result *r)
{
    raise_status(r, STATUS_PASS);
}

bool check_failed(const struct check_result *r)
{
    return r->status == STATUS_FAIL;
}

static void set_message(struct check_result *r, const char *fmt, va_list ap)
{
    if (r->message[0]) /* the first failure is the one that explains the rest */
        return;
    format_v(r->message, sizeof r->message, fmt, ap);
}

void check_fail(struct check_result *r, const char *fmt, ...)
{
    bool first = r->status != STATUS_FAIL;
    va_list ap;
    va_start(ap, fmt);
    if (first)
        r->message[0] = '\0'; /* a skip reason must not stand as the failure */
    set_message(r, fmt, ap);
    va_end(ap);
    raise_status(r, STATUS_FAIL);
}

void check_skip(struct check_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (r->status < STATUS_SKIP)
        set_message(r, fmt, ap);
    va_end(ap);
    raise_status(r, STATUS_SKIP);
}

void check_diag(struct check_result *r, const char *key, const char *fmt, ...)
{
    char value[256];
    va_list ap;
    va_start(ap, fmt);
    format_v(value, sizeof value, fmt, ap);
    va_end(ap);
    size_t room = sizeof r->yaml - r->yaml_len;
    int n = format(r->yaml + r->yaml_len, room, "%s: %s\n", key, value);
    if (n > 0 && (size_t)n < room)
        r->yaml_len += (size_t)n;
}

void check_classes(struct check_result *r, const char *const *ids, unsigned n)
{
    if (r->diagnosed)
        return;
    r->diagnosed = true;
    for (unsigned i = 0; i < n && r->class_count < DIAG_MAX_CLASSES; i++)
        r->classes[r->class_count++] = ids[i];
}

bool check_diagnosed(const struct check_result *r)
{
    return r->diagnosed;
}

static bool has_class(const char *const *list, unsigned n, const char *id)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(list[i], id))
            return true;
    return false;
}

void check_later(struct check_result *r, const char *const *ids, unsigned n, const char *fmt, ...)
{
    char text[256], classes[192], key[16];
    va_list ap;
    va_start(ap, fmt);
    format_v(text, sizeof text, fmt, ap);
    va_end(ap);
    bool news = !n; /* a line without classes (why the run stopped) is always shown */
    for (unsigned i = 0; i < n; i++)
        if (!has_class(r->classes, r->class_count, ids[i]) &&
            !has_class(r->later_classes, r->later_class_count, ids[i]) &&
            r->later_class_count < DIAG_MAX_CLASSES) {
            r->later_classes[r->later_class_count++] = ids[i];
            news = true;
        }
    if (!news || r->later_count == LATER_SHOWN) {
        r->later_more++; /* names nothing new, or no room: counted only */
        return;
    }
    r->later_count++;
    classes_join(ids, n, classes, sizeof classes);
    format(key, sizeof key, "later_%u", r->later_count);
    if (n)
        check_diag(r, key, "%s (class: %s)", text, classes);
    else
        check_diag(r, key, "%s", text);
}

/* the later deviations' summary lines, once the check has ended */
static void finish_later(struct check_result *r)
{
    char classes[512];
    if (r->later_more)
        check_diag(r, "later_more", "%u more deviation%s, not listed (no new class, or the list is full)", r->later_more,
                   r->later_more == 1 ? "" : "s");
    if (!r->later_class_count)
        return;
    classes_join(r->later_classes, r->later_class_count, classes, sizeof classes);
    check_diag(r, "later_class", "%s", classes);
}

static void tally_list(const char *const *ids, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        for (unsigned k = 0; k < bug_class_count && k < sizeof class_tally / sizeof class_tally[0]; k++)
            if (!strcmp(bug_classes[k].id, ids[i]))
                class_tally[k]++;
}

/* every class a failed check showed, first failure and later ones (disjoint lists) */
static void tally_classes(const struct check_result *r)
{
    tally_list(r->classes, r->class_count);
    tally_list(r->later_classes, r->later_class_count);
}

static void print_tally(struct tap *t)
{
    for (unsigned k = 0; k < bug_class_count && k < sizeof class_tally / sizeof class_tally[0]; k++)
        if (class_tally[k])
            tap_comment(t, "class %s: %u check%s", bug_classes[k].id, class_tally[k],
                        class_tally[k] == 1 ? "" : "s");
}

static bool selected(const struct runner *rn, const struct check *c, const char *desc)
{
    if (c->selftest)
        return strcmp(c->selftest, rn->options->selftest) == 0;
    return options_selects(rn->options, c->id, desc);
}

static unsigned instance_count(const struct check *c)
{
    return c->instances ? c->instances() : 1;
}

static void describe(const struct check *c, unsigned i, char *buf, size_t size)
{
    if (c->describe)
        c->describe(i, buf, size);
    else
        format(buf, size, "%s", c->id);
}

unsigned runner_count(const struct runner *rn, const struct check *first, const struct check *last)
{
    unsigned n = 0;
    char desc[TAP_DESC_MAX];
    for (const struct check *c = first; c < last; c++) {
        unsigned count = instance_count(c);
        for (unsigned i = 0; i < count; i++) {
            describe(c, i, desc, sizeof desc);
            n += selected(rn, c, desc);
        }
    }
    return n;
}

/* a strict check's failure only fails the run with level=strict */
static enum tap_result tap_result_of(const struct runner *rn, const struct check *c,
                                     struct check_result *r, char *reason, size_t size)
{
    switch (r->status) {
    case STATUS_PASS: return TAP_PASS;
    case STATUS_SKIP:
        format(reason, size, "%s", r->message);
        return TAP_SKIP;
    case STATUS_NONE:
        format(r->message, sizeof r->message, "harness: the check reported no verdict");
        break;
    case STATUS_FAIL: break;
    }
    const char *documented = r->status == STATUS_FAIL
        ? profile_covers(profile_find(rn->options->profile), r->classes, r->class_count) : NULL;
    if (documented) { /* every class diagnosed is the vendor's documented behaviour */
        format(reason, size, "%s", documented);
        return TAP_TODO;
    }
    if (c->level != CHECK_REQUIRED && rn->options->level != LEVEL_STRICT) {
        format(reason, size, "%s: %s", c->level == CHECK_STRICT ? "strict" : "perf", r->message);
        return TAP_TODO;
    }
    return TAP_FAIL;
}

static const char *run_guarded(struct runner *rn, void (*fn)(unsigned i, struct check_result *r), unsigned i,
                               struct check_result *r)
{
    if (rn->guard)
        return rn->guard(fn, i, r);
    fn(i, r);
    return NULL;
}

static unsigned (*abort_cleanup)(void);
static bool cleaning; /* a fault or hang while putting back: bail without a second try */
static unsigned cleaned;

static void run_cleanup(unsigned i, struct check_result *r)
{
    (void)i, (void)r;
    cleaned = abort_cleanup();
}

/* a point the guard abandoned half-way: it fails with the guard's reason
 * (an earlier failure stays as a diagnostic), and what it may have left moved
 * is put back now, so the next checks start from the firmware's layout */
static void abandon(struct runner *rn, struct check_result *r, const char *why)
{
    if (r->status == STATUS_FAIL && r->message[0])
        check_diag(r, "earlier_failure", "%s", r->message);
    format(r->message, sizeof r->message, "%s", why);
    r->status = STATUS_FAIL;
    r->diagnosed = true; /* no bug class, so no vendor profile turns a hang into a TODO */
    r->class_count = 0;
    if (!abort_cleanup)
        return;
    cleaning = true;
    if (run_guarded(rn, run_cleanup, 0, r))
        runner_bail("putting every BAR back made no progress either");
    cleaning = false;
    tap_comment(rn->tap, "put back %u function%s as found (BARs, COMMAND, bridge windows) after abandoning "
                         "the check", cleaned, cleaned == 1 ? "" : "s");
    check_diag(r, "put_back", "%u function%s as found", cleaned, cleaned == 1 ? "" : "s");
}

static void run_point(struct runner *rn, const struct check *c, unsigned i, const char *desc)
{
    static struct check_result result; /* large: keep it off the stack */
    memset(&result, 0, sizeof result);
    format(current, sizeof current, "%u - %s", rn->tap->number + 1, desc);
    tap_running(rn->tap, desc);
    const char *abandoned = run_guarded(rn, c->run, i, &result);
    if (abandoned)
        abandon(rn, &result, abandoned);
    finish_later(&result);
    char reason[TAP_DESC_MAX] = "";
    /* a check that never returned fails at every level: an OS would hang there too */
    enum tap_result t = abandoned ? TAP_FAIL : tap_result_of(rn, c, &result, reason, sizeof reason);
    if (result.status == STATUS_FAIL)
        tally_classes(&result);
    static char yaml[sizeof result.yaml + TAP_DESC_MAX + 16]; /* large: off the stack */
    format(yaml, sizeof yaml, "message: %s\n%s", result.message, result.yaml);
    tap_point(rn->tap, t, desc, reason, yaml);
    current[0] = '\0';
}

void runner_attach(struct runner *rn)
{
    active = rn;
}

/* where the suite's time goes (make bench's breakdown): each check's total
 * over its points, the slowest few in one comment before the summary */
#define TIMED_CHECKS 128
#define SLOWEST_SHOWN 10
static uint64_t check_ns[TIMED_CHECKS], check_reads[TIMED_CHECKS]; /* MMIO reads: the sweep's cost */
static const struct check *timed_first, *timed_last; /* of the last runner_run */

static void print_slowest(struct tap *t, const struct check *first, const struct check *last)
{
    char line[TAP_DESC_MAX * 2];
    size_t used = (size_t)format(line, sizeof line, "time by check:");
    uint64_t total = 0;
    bool shown[TIMED_CHECKS] = {false};
    for (unsigned k = 0; k < TIMED_CHECKS; k++)
        total += check_ns[k];
    for (unsigned n = 0; n < SLOWEST_SHOWN; n++) {
        unsigned best = TIMED_CHECKS;
        for (unsigned k = 0; k < TIMED_CHECKS && first + k < last; k++)
            if (!shown[k] && check_ns[k] && (best == TIMED_CHECKS || check_ns[k] > check_ns[best]))
                best = k;
        if (best == TIMED_CHECKS)
            break;
        shown[best] = true;
        used += (size_t)format(line + used, used < sizeof line ? sizeof line - used : 0,
                               " %s %llu.%01llu ms %llu reads,", first[best].id,
                               (unsigned long long)(check_ns[best] / 1000000),
                               (unsigned long long)(check_ns[best] / 100000 % 10),
                               (unsigned long long)check_reads[best]);
    }
    if (used < sizeof line)
        format(line + used, sizeof line - used, " all %llu ms", (unsigned long long)(total / 1000000));
    tap_comment(t, "%s", line);
}

void runner_print_times(struct tap *t)
{
    if (timed_first)
        print_slowest(t, timed_first, timed_last);
}

int runner_run(struct runner *rn, const struct check *first, const struct check *last)
{
    memset(check_ns, 0, sizeof check_ns);
    memset(check_reads, 0, sizeof check_reads);
    runner_attach(rn);
    memset(class_tally, 0, sizeof class_tally);
    tap_plan(rn->tap, runner_count(rn, first, last));
    char desc[TAP_DESC_MAX];
    for (unsigned pass = 0; pass < 2; pass++) /* checks marked `last` run after all others */
        for (const struct check *c = first; c < last; c++) {
            unsigned count = c->last == (pass == 1) ? instance_count(c) : 0;
            for (unsigned i = 0; i < count; i++) {
                describe(c, i, desc, sizeof desc);
                if (!selected(rn, c, desc))
                    continue;
                uint64_t t0 = hw_time_ns(), reads0 = hw_counts()->mmio_reads;
                run_point(rn, c, i, desc);
                if (c - first < TIMED_CHECKS) {
                    check_ns[c - first] += hw_time_ns() - t0;
                    check_reads[c - first] += hw_counts()->mmio_reads - reads0;
                }
            }
        }
    print_tally(rn->tap);
    timed_first = first;
    timed_last = last;
    if (rn->before_summary)
        rn->before_summary(rn->tap);
    tap_summary(rn->tap);
    return runner_verdict(rn->tap);
}

int runner_verdict(const struct tap *t)
{
    if (t->failed)
        return 1;
    if (t->passed + t->todo == 0)
        return 3;
    return 0;
}

void runner_step(unsigned n, unsigned of, const char *name)
{
    if (!active)
        return;
    tap_step(active->tap, n, of, name);
    if (active->on_step)
        active->on_step(n, of, name);
}

void runner_alive(void)
{
    if (active && active->on_alive)
        active->on_alive();
}

void runner_set_abort_cleanup(unsigned (*put_back_all)(void))
{
    abort_cleanup = put_back_all;
}

void runner_note(const char *text)
{
    if (active)
        tap_comment(active->tap, "%s", text);
}

const char *runner_current(void)
{
    return current;
}

void runner_bail(const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    format_v(why, sizeof why, fmt, ap);
    va_end(ap);
    if (!active)
        return;
    if (abort_cleanup && !cleaning) {
        cleaning = true;
        unsigned n = abort_cleanup();
        tap_comment(active->tap, "put back %u function%s as found (BARs, COMMAND, bridge windows) "
                                 "before bailing out", n, n == 1 ? "" : "s");
    }
    if (current[0])
        tap_bail(active->tap, "%s in check %s", why, current);
    else
        tap_bail(active->tap, "%s", why);
    active->exit(2);
}
