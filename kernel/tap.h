/* The TAP 14 reporter. Shared by the kernel (output to COM1) and the host
 * (tests/host, tools/): the log checker is tested against output made by this
 * very code, so guest and tool cannot drift apart.
 *
 * The stream, in order (README "Output"):
 *   TAP version 14
 *   # comment lines (header, topology, latency figures)
 *   1..N
 *   # running N - DESC            before test point N starts: names a hang or crash
 *   ok N - DESC [# SKIP reason | # TODO reason]
 *   not ok N - DESC [# TODO reason]
 *     ---                          YAML diagnostics, after not ok (and after TODO)
 *     key: value
 *     ...
 *   barmove: P passed, F failed, S skipped, T todo      last line of a complete run
 * or, on a crash, "Bail out! REASON" as the last line (no summary).
 *
 * A description never contains '#' or a line break: such characters are
 * replaced by '_' so the line format cannot break. */
#ifndef BARMOVE_TAP_H
#define BARMOVE_TAP_H
#include <stdarg.h>
#include <stddef.h>

enum tap_result {
    TAP_PASS,
    TAP_SKIP, /* not run, with a reason */
    TAP_TODO, /* failed, but expected to (strict below level=strict, or a profile) */
    TAP_FAIL,
};

typedef void (*tap_output_fn)(const char *s, size_t n);

struct tap {
    tap_output_fn out;
    unsigned number; /* of the last test point printed */
    unsigned passed, failed, skipped, todo;
};

#define TAP_SUMMARY_PREFIX "barmove: "
#define TAP_RUNNING_PREFIX "# running "
/* "# step N/M NAME": the step of the running check about to be made, so that
 * a guest or emulator that dies mid-check is named down to the step */
#define TAP_STEP_PREFIX "# step "
#define TAP_DESC_MAX 160

void tap_begin(struct tap *t, tap_output_fn out);
void tap_comment(struct tap *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_plan(struct tap *t, unsigned count);
/* announces test point t->number + 1 */
void tap_running(struct tap *t, const char *desc);
/* "# step N/M NAME" within the running point (TAP_STEP_PREFIX) */
void tap_step(struct tap *t, unsigned n, unsigned of, const char *name);
/* reason: for SKIP/TODO (may be NULL); yaml: "key: value\n" lines (may be NULL) */
void tap_point(struct tap *t, enum tap_result r, const char *desc, const char *reason,
               const char *yaml);
void tap_bail(struct tap *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_summary(struct tap *t);
/* copies desc into out (size >= 2), replacing '#', CR and LF by '_' */
void tap_clean_desc(char *out, size_t size, const char *desc);

#endif
