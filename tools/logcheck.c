/* barmove-logcheck: one serial log in, one verdict line out.
 *
 *   barmove-logcheck [--suite NAME] [--junit FILE] [--tap13 FILE] [--timed-out] [--emulator-died]
 *                    [--exit-status N] LOGFILE
 *
 * stdout: "NAME: VERDICT: P passed, F failed, S skipped, T todo[; DETAIL]"
 * exit:   0 pass, 1 fail, 2 bail/timeout/truncated/empty, 3 nothing, 4 usage or I/O error
 * --exit-status is the emulator's (QEMU isa-debug-exit: (code << 1) | 1); it
 * is ignored with --timed-out, where the runner's kill decided it.
 * The parsing and judging live in logparse.c, logverdict.c and logwrite.c,
 * where the host unit tests reach them; this file only does the I/O. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logparse.h"
#include "readall.h"

#define EXIT_USAGE 4

struct options {
    const char *suite, *junit, *tap13, *kci, *log;
    char default_suite[256];
    struct log_run run;
};

static const char usage_text[] =
    "usage: barmove-logcheck [--suite NAME] [--junit FILE] [--tap13 FILE] [--kci FILE]\n"
    "                        [--timed-out] [--emulator-died] [--exit-status N] LOGFILE\n"
    "Judges a barmove serial log (LOGFILE \"-\" reads stdin). Prints one line,\n"
    "\"NAME: VERDICT: P passed, F failed, S skipped, T todo[; DETAIL]\", and exits\n"
    "0 pass, 1 fail, 2 bail/timeout/truncated/empty, 3 nothing, 4 usage or I/O error.\n"
    "  --suite NAME      the configuration (default: LOGFILE's name without .log)\n"
    "  --junit FILE      JUnit XML (tools/junit-10.xsd)\n"
    "  --tap13 FILE      the stream as TAP 13, for Perl's prove\n"
    "  --kci FILE        a KernelCI-style flat JSON result list (path, status)\n"
    "  --timed-out       the runner killed the emulator at its timeout (--exit-status\n"
    "                    is then ignored)\n"
    "  --emulator-died   the emulator ended on its own without the guest's exit (killed,\n"
    "                    crashed): a log that ends early says \"emulator died\"\n"
    "  --exit-status N   the emulator's exit status (QEMU: (code << 1) | 1; even = not the\n"
    "                    guest's exit, a failure unless the log is complete)\n";

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "barmove-logcheck: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "",
            usage_text);
    return EXIT_USAGE;
}

static bool parse_status(const char *text, int *status)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 0 || v > INT_MAX)
        return false;
    *status = (int)v;
    return true;
}

/* "--name VALUE" or "--name=VALUE"; *i moves past what was used */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0' || *i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int parse_options(int argc, char **argv, struct options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "--timed-out") == 0)
            o->run.timed_out = true;
        else if (strcmp(a, "--emulator-died") == 0)
            o->run.emulator_died = true;
        else if ((v = option_value(argc, argv, &i, "--suite")))
            o->suite = v;
        else if ((v = option_value(argc, argv, &i, "--junit")))
            o->junit = v;
        else if ((v = option_value(argc, argv, &i, "--tap13")))
            o->tap13 = v;
        else if ((v = option_value(argc, argv, &i, "--kci")))
            o->kci = v;
        else if ((v = option_value(argc, argv, &i, "--exit-status"))) {
            if (!parse_status(v, &o->run.exit_status))
                return usage_error("--exit-status wants a number from 0", v);
            o->run.has_exit_status = true;
        } else if (a[0] == '-' && a[1] != '\0')
            return usage_error("unknown option or missing value", a);
        else if (o->log)
            return usage_error("more than one LOGFILE", a);
        else
            o->log = a;
    }
    if (!o->log)
        return usage_error("no LOGFILE", NULL);
    if (o->suite && !o->suite[0])
        return usage_error("empty --suite", NULL);
    return 0;
}

/* LOGFILE's basename without ".log" */
static const char *default_suite(struct options *o)
{
    const char *base = strrchr(o->log, '/') ? strrchr(o->log, '/') + 1 : o->log;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".log") == 0)
        n -= 4;
    if (strcmp(o->log, "-") == 0 || n == 0)
        return "stdin";
    snprintf(o->default_suite, sizeof o->default_suite, "%.*s", (int)n, base);
    return o->default_suite;
}

static int parse_log_file(const char *path, struct log_parse *p)
{
    size_t len;
    char *text = read_path("barmove-logcheck", path, &len);
    if (!text)
        return EXIT_USAGE;
    log_parse_whole(p, text, len);
    free(text);
    return 0;
}

typedef void (*writer_fn)(FILE *f, const struct options *o, const struct log_parse *p,
                          const struct log_result *r);

static void junit_writer(FILE *f, const struct options *o, const struct log_parse *p,
                         const struct log_result *r)
{
    log_write_junit(f, o->suite, p, r);
}

static void kci_writer(FILE *f, const struct options *o, const struct log_parse *p,
                       const struct log_result *r)
{
    log_write_kci(f, o->suite, p, r);
}

static void tap13_writer(FILE *f, const struct options *o, const struct log_parse *p,
                         const struct log_result *r)
{
    (void)o;
    log_write_tap13(f, p, r);
}

static int write_file(const char *path, writer_fn write, const struct options *o,
                      const struct log_parse *p, const struct log_result *r)
{
    if (!path)
        return 0;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "barmove-logcheck: %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    write(f, o, p, r);
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        fprintf(stderr, "barmove-logcheck: %s: write error\n", path);
        return EXIT_USAGE;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, stdout);
        return 0;
    }
    int status = parse_options(argc, argv, &o);
    if (status)
        return status;
    if (!o.suite)
        o.suite = default_suite(&o);
    struct log_parse p;
    struct log_result r;
    status = parse_log_file(o.log, &p);
    if (status == 0) {
        log_judge(&p, &o.run, &r);
        status = write_file(o.junit, junit_writer, &o, &p, &r) |
                 write_file(o.tap13, tap13_writer, &o, &p, &r) |
                 write_file(o.kci, kci_writer, &o, &p, &r);
        char line[2048];
        log_format_verdict(line, sizeof line, o.suite, &p, &r);
        printf("%s\n", line);
        status = status ? EXIT_USAGE : log_verdict_exit_code(r.verdict);
        log_parse_free(&p);
    }
    return status;
}
