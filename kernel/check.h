/* What a check file (tests/guest/) needs: declare checks with CHECK() and
 * report outcomes through a struct check_result. Checks are found through
 * the linker section barmove_checks, so adding a check edits no list.
 *
 * Outcomes only escalate (XTF's rule): pass < skip < fail. A check that
 * returns without any verdict is a harness failure, never a pass. */
#ifndef BARMOVE_CHECK_H
#define BARMOVE_CHECK_H
#include <stdbool.h>
#include <stddef.h>

enum check_level {
    CHECK_REQUIRED, /* what an OS relies on: a failure fails the run */
    CHECK_STRICT,   /* spec behaviour: a failure is TODO unless level=strict */
    CHECK_PERF,     /* figures only */
};

struct check_result;

struct check {
    const char *id;
    enum check_level level;
    /* runs after every other check (restore: proves the others put things back) */
    bool last;
    /* non-NULL: a harness self-test, run only with selftest=<this name> */
    const char *selftest;
    /* how many test points (e.g. one per BAR); NULL means one */
    unsigned (*instances)(void);
    /* the TAP description of point i; NULL means the id */
    void (*describe)(unsigned i, char *buf, size_t size);
    void (*run)(unsigned i, struct check_result *r);
};

#define CHECK_SECTION __attribute__((used, section("barmove_checks"), aligned(8)))
#define CHECK(name) static const struct check check_##name CHECK_SECTION

void check_pass(struct check_result *r);
/* fail with a one-line message (YAML "message:"); may be called repeatedly, the first message wins */
void check_fail(struct check_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_skip(struct check_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* an extra YAML diagnostic line "key: value", shown with a failure */
void check_diag(struct check_result *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool check_failed(const struct check_result *r);
/* the bug classes (kernel/classes.h ids, static strings) diagnosed for this
 * point's failure: counted at the end of the run, and matched against the
 * profile= (a failure whose classes all belong to it is a TODO). The first
 * call wins, as the first failure explains the rest. */
void check_classes(struct check_result *r, const char *const *ids, unsigned n);
/* check_classes was called for this point */
bool check_diagnosed(const struct check_result *r);
/* a deviation seen after the first failure, as the check went on (the
 * engine runs a failed check's remaining steps where that is safe): YAML
 * "later_N: TEXT (class: ...)", and at the end one "later_class:" line with
 * the classes the first failure did not name. They count in the run's class
 * tally, never in the profile's TODO decision (the first failure's classes). */
void check_later(struct check_result *r, const char *const *ids, unsigned n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
