/* The serial-log checker's library: parses the TAP 14 stream that
 * kernel/tap.c writes (see kernel/tap.h for its grammar), judges a run, and
 * rewrites it as JUnit XML or TAP 13. No file I/O here: the caller feeds
 * lines (or a whole buffer) and supplies the FILE * the writers print to, so
 * the unit tests and a fuzzer can drive it from memory.
 *
 * Everything before the "TAP version 14" line (firmware, GRUB, ANSI escapes)
 * is ignored; a line may end in "\r\n". */
#ifndef BARMOVE_LOGPARSE_H
#define BARMOVE_LOGPARSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum log_outcome {
    LOG_OK,
    LOG_SKIP,   /* ok N - DESC # SKIP reason */
    LOG_TODO,   /* not ok N - DESC # TODO reason: an expected failure, never a pass */
    LOG_NOT_OK, /* a failed check */
};

struct log_point {
    unsigned number;
    enum log_outcome outcome;
    char *desc;   /* without the directive, trailing blanks removed */
    char *reason; /* of SKIP/TODO, NULL otherwise */
    char *yaml;   /* the YAML block without its 2-space indent and markers, or NULL */
    char *id;     /* desc as LAVA's test-case id (log_fold_desc), to find duplicates */
};

struct log_parse {
    unsigned line_number; /* lines fed so far, junk included (for messages) */
    bool started;         /* the "TAP version 14" line was seen */
    bool after_point; /* the previous TAP line was a test point: YAML may follow */
    bool in_yaml;
    bool has_plan, has_summary;
    unsigned plan;
    unsigned summary[4]; /* the summary line's passed, failed, skipped, todo */
    unsigned passed, failed, skipped, todo; /* counted from the points */
    char *bail_reason;   /* text after "Bail out!", NULL if none */
    unsigned running;    /* number of a "# running" point not yet reported, 0 if none */
    char *running_desc;
    char *running_step;  /* "N/M NAME" of the last "# step" line of the running point, or NULL */
    struct log_point *points;
    size_t count, points_cap;
    char **lines; /* TAP lines after the version line, for the TAP 13 rewrite */
    size_t line_count, lines_cap;
    char problem[320]; /* the first inconsistency found, "" if none */
    unsigned problems; /* how many were found */
};

void log_parse_init(struct log_parse *p);
/* one line without its '\n' (a trailing '\r' is dropped) */
void log_parse_line(struct log_parse *p, const char *line, size_t len);
/* a whole log; a last line without '\n' is fed too (a truncated run) */
void log_parse_text(struct log_parse *p, const char *text, size_t len);
/* end of log: cross-checks the plan and the summary against the points */
void log_parse_finish(struct log_parse *p);
/* a log held whole in memory: init, log_parse_text, finish (free it with log_parse_free) */
void log_parse_whole(struct log_parse *p, const char *text, size_t len);
void log_parse_free(struct log_parse *p);

/* LAVA turns a description into a test-case id by lowercasing it and folding
 * everything but letters and digits to '_'; two ids must not collide. */
void log_fold_desc(char *out, size_t size, const char *desc);

/* "00:04.0 BAR2 decode-toggle" -> classname "00:04.0 BAR2", name "decode-toggle";
 * anything not led by a BDF -> classname "barmove", name = the description */
void log_split_desc(const char *desc, char *classname, size_t class_size, char *name,
                    size_t name_size);

enum log_verdict {
    LOG_PASS,
    LOG_FAIL,
    LOG_BAIL,
    LOG_TIMEOUT,
    LOG_TRUNCATED,
    LOG_NOTHING, /* complete, but every point skipped (no pass, fail or TODO) */
    LOG_EMPTY,   /* no "TAP version 14" line at all */
};

struct log_run {
    bool timed_out;       /* the host runner killed the guest at its timeout */
    bool emulator_died;   /* the emulator ended without the guest's exit (killed, crashed) */
    bool has_exit_status; /* the emulator's exit status is known (QEMU) */
    int exit_status;
};

struct log_result {
    enum log_verdict verdict;
    /* a failure that no test point carries (bail, timeout, truncation, an
     * inconsistent log, a wrong exit code): the writers add it as an error */
    bool harness_error;
    char detail[1024]; /* "" or the text after "; " on the verdict line */
};

/* QEMU's isa-debug-exit ends the emulator with status (code << 1) | 1.
 * Returns the guest's code, or -1 for a status the guest did not choose. */
int log_guest_exit_code(int exit_status);
void log_judge(const struct log_parse *p, const struct log_run *run, struct log_result *r);
const char *log_verdict_name(enum log_verdict v);
/* 0 pass, 1 fail, 2 bail/timeout/truncated/empty, 3 nothing */
int log_verdict_exit_code(enum log_verdict v);
/* "NAME: VERDICT: P passed, F failed, S skipped, T todo[; DETAIL]" */
void log_format_verdict(char *out, size_t size, const char *suite, const struct log_parse *p,
                        const struct log_result *r);

/* XML text (attribute = false) or attribute value: escapes markup, writes
 * bytes XML 1.0 cannot carry (control characters, non-ASCII) as "\xNN" */
void log_xml_escape(FILE *f, const char *s, bool attribute);
void log_write_junit(FILE *f, const char *suite, const struct log_parse *p,
                     const struct log_result *r);
/* the stream for Perl's prove: version 13, the summary as a comment, and a
 * "Bail out!" line for a harness error the stream itself does not show */
void log_write_tap13(FILE *f, const struct log_parse *p, const struct log_result *r);
/* KernelCI-style flat JSON list: one {"path", "status"} per point (dotted
 * path barmove.SUITE.CLASSNAME.NAME, status PASS/FAIL/SKIP, TODO as SKIP),
 * plus an ERROR entry for a harness error (tools/logkci.c) */
void log_write_kci(FILE *f, const char *suite, const struct log_parse *p, const struct log_result *r);

#endif
