/* The parsed log rewritten for other consumers: JUnit XML (Jenkins' strict
 * junit-10.xsd, kept as tools/junit-10.xsd; GitLab shows classname as the
 * suite) and TAP 13 for Perl's prove, which stops at version 13. */
#include <ctype.h>
#include <string.h>

#include "../kernel/tap.h"
#include "logparse.h"

void log_xml_escape(FILE *f, const char *s, bool attribute)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"' && attribute)
            fputs("&quot;", f);
        else if ((c == '\n' || c == '\t') && attribute)
            fprintf(f, "&#%u;", c); /* a raw one would be normalised to a space */
        else if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f)
            fprintf(f, "\\x%02x", c); /* XML 1.0 has no way to carry these; keep it ASCII */
        else
            fputc(c, f);
    }
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* [SSSS:]BB:DD.F */
static bool is_bdf(const char *w, size_t n)
{
    if (n == 12 && is_hex(w, 4) && w[4] == ':') {
        w += 5;
        n -= 5;
    }
    return n == 7 && is_hex(w, 2) && w[2] == ':' && is_hex(w + 3, 2) && w[5] == '.' &&
           w[6] >= '0' && w[6] <= '7';
}

void log_split_desc(const char *desc, char *classname, size_t class_size, char *name,
                    size_t name_size)
{
    const char *first_space = strchr(desc, ' '), *last_space = strrchr(desc, ' ');
    if (first_space && is_bdf(desc, (size_t)(first_space - desc)) && last_space[1]) {
        snprintf(classname, class_size, "%.*s", (int)(last_space - desc), desc);
        snprintf(name, name_size, "%s", last_space + 1);
    } else {
        snprintf(classname, class_size, "barmove");
        snprintf(name, name_size, "%s", desc);
    }
}

static void open_testcase(FILE *f, const char *desc)
{
    char classname[TAP_DESC_MAX * 2], name[TAP_DESC_MAX * 2];
    log_split_desc(desc, classname, sizeof classname, name, sizeof name);
    fputs("  <testcase classname=\"", f);
    log_xml_escape(f, classname, true);
    fputs("\" name=\"", f);
    log_xml_escape(f, name, true);
    fputs("\"", f);
}

/* <TAG message="PREFIX MESSAGE">BODY</TAG> */
static void write_outcome(FILE *f, const char *tag, const char *prefix, const char *message,
                          const char *body)
{
    fprintf(f, "><%s message=\"", tag);
    log_xml_escape(f, prefix, true);
    log_xml_escape(f, message, true);
    fputs("\"", f);
    if (body) {
        fputs(">", f);
        log_xml_escape(f, body, false);
        fprintf(f, "</%s></testcase>\n", tag);
    } else {
        fputs("/></testcase>\n", f);
    }
}

static void write_point(FILE *f, const struct log_point *point)
{
    char title[TAP_DESC_MAX * 2];
    open_testcase(f, point->desc);
    switch (point->outcome) {
    case LOG_SKIP:
        write_outcome(f, "skipped", "", point->reason, point->yaml);
        break;
    case LOG_TODO:
        write_outcome(f, "skipped", "todo: ", point->reason, point->yaml);
        break;
    case LOG_NOT_OK:
        snprintf(title, sizeof title, "not ok %u - %s", point->number, point->desc);
        write_outcome(f, "failure", "", title, point->yaml);
        break;
    case LOG_OK:
    default:
        fputs("/>\n", f);
        break;
    }
}

/* the failure no test point carries, on the check that was running if any */
static void write_harness_error(FILE *f, const struct log_parse *p, const struct log_result *r)
{
    char prefix[32];
    open_testcase(f, p->running ? p->running_desc : "run");
    snprintf(prefix, sizeof prefix, "%s: ", log_verdict_name(r->verdict));
    write_outcome(f, "error", prefix, r->detail, NULL);
}

/* header, topology and latency comments: the context of a CI failure */
static void write_comments(FILE *f, const struct log_parse *p)
{
    fputs("  <system-out>", f);
    for (size_t i = 0; i < p->line_count; i++) {
        const char *line = p->lines[i];
        if (line[0] == '#' && strncmp(line, TAP_RUNNING_PREFIX, strlen(TAP_RUNNING_PREFIX))) {
            log_xml_escape(f, line, false);
            fputs("\n", f);
        }
    }
    fputs("</system-out>\n", f);
}

void log_write_junit(FILE *f, const char *suite, const struct log_parse *p,
                     const struct log_result *r)
{
    unsigned errors = r->harness_error ? 1 : 0;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"", f);
    log_xml_escape(f, suite, true);
    fprintf(f, "\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" skipped=\"%u\">\n",
            p->count + errors, p->failed, errors, p->skipped + p->todo);
    for (size_t i = 0; i < p->count; i++)
        write_point(f, &p->points[i]);
    if (errors)
        write_harness_error(f, p, r);
    write_comments(f, p);
    fputs("</testsuite>\n", f);
}

void log_write_tap13(FILE *f, const struct log_parse *p, const struct log_result *r)
{
    fputs("TAP version 13\n", f);
    for (size_t i = 0; i < p->line_count; i++) {
        const char *line = p->lines[i];
        bool summary = strncmp(line, TAP_SUMMARY_PREFIX, strlen(TAP_SUMMARY_PREFIX)) == 0;
        fprintf(f, "%s%s\n", summary ? "# " : "", line);
    }
    /* prove must fail too where only the checker sees the failure */
    if (r->harness_error && !p->bail_reason)
        fprintf(f, "Bail out! %s: %s\n", log_verdict_name(r->verdict), r->detail);
}
