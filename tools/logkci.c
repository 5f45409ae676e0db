/* The KernelCI-style flat result list (tools/logparse.h log_write_kci):
 *   [{"path": "barmove.SUITE.00_03_0_bar2.move_dark", "status": "PASS"}, ...]
 * One entry per test point, in order; a path is dotted, each part folded to
 * [a-z0-9_] as LAVA and KernelCI fold names. TODO (an expected failure) is a
 * SKIP: it does not fail the run. A harness error no point carries (a
 * bail-out, a timeout, a truncated log) is one more entry, ERROR, on the
 * check that was running. */
#include <string.h>

#include "logparse.h"

static void write_part(FILE *f, const char *s)
{
    char folded[256];
    log_fold_desc(folded, sizeof folded, s);
    fputs(folded, f);
}

static void write_entry(FILE *f, bool *first, const char *suite, const char *desc, const char *status)
{
    char classname[128], name[128];
    log_split_desc(desc, classname, sizeof classname, name, sizeof name);
    fputs(*first ? "[\n" : ",\n", f);
    *first = false;
    fputs("  {\"path\": \"barmove.", f);
    write_part(f, suite);
    fputc('.', f);
    if (strcmp(classname, "barmove")) { /* a BAR's check: its BDF and BAR first */
        write_part(f, classname);
        fputc('.', f);
    }
    write_part(f, name);
    fprintf(f, "\", \"status\": \"%s\"}", status);
}

static const char *status_of(enum log_outcome o)
{
    return o == LOG_OK ? "PASS" : o == LOG_NOT_OK ? "FAIL" : "SKIP";
}

void log_write_kci(FILE *f, const char *suite, const struct log_parse *p, const struct log_result *r)
{
    bool first = true;
    for (size_t i = 0; i < p->count; i++)
        write_entry(f, &first, suite, p->points[i].desc, status_of(p->points[i].outcome));
    if (r->harness_error)
        write_entry(f, &first, suite, p->running ? p->running_desc : "run", "ERROR");
    fputs(first ? "[]\n" : "\n]\n", f);
}
