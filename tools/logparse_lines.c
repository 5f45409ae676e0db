/* One function per kind of TAP line kernel/tap.c writes (logparse.c feeds
 * them): running announcements, test points with their directives, the plan,
 * "Bail out!" and the summary. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/tap.h"
#include "logparse.h"
#include "logparse_internal.h"

static bool starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* up to 9 digits, so no overflow whatever the input */
static bool parse_number(const char *s, unsigned *value, const char **end)
{
    unsigned v = 0;
    size_t n = 0;
    for (; isdigit((unsigned char)s[n]); n++) {
        if (n == 9)
            return false;
        v = v * 10 + (unsigned)(s[n] - '0');
    }
    *value = v;
    *end = s + n;
    return n > 0;
}

/* "N - DESC" and "N DESC" both leave DESC (TAP makes the dash optional) */
static const char *skip_dash(const char *s)
{
    s = skip_blanks(s);
    if (*s == '-' && (s[1] == ' ' || s[1] == '\0'))
        s = skip_blanks(s + 1);
    return s;
}

static char *copy_trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return log_copy_text(s, n);
}

void log_fold_desc(char *out, size_t size, const char *desc)
{
    size_t i = 0;
    for (; desc[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)desc[i];
        out[i] = isalnum(c) && c < 0x80 ? (char)tolower(c) : '_';
    }
    out[i] = '\0';
}

void log_line_running(struct log_parse *p, const char *text)
{
    unsigned number;
    const char *rest;
    if (!parse_number(text + strlen(TAP_RUNNING_PREFIX), &number, &rest)) {
        log_problem(p, "line %u: malformed \"" TAP_RUNNING_PREFIX "\" line", p->line_number);
        return;
    }
    if (p->running)
        log_problem(p, "line %u: check %u - %s announced but never reported",
                    p->line_number, p->running, p->running_desc);
    else if (number != p->count + 1)
        log_problem(p, "line %u: running %u out of sequence (expected %zu)", p->line_number,
                    number, p->count + 1);
    p->running = number;
    free(p->running_step);
    p->running_step = NULL;
    free(p->running_desc);
    p->running_desc = copy_trimmed(skip_dash(rest), strlen(skip_dash(rest)));
}

/* "# SKIP reason" / "# TODO reason": anything else after a '#' cannot come
 * from the reporter, which cleans '#' out of descriptions and reasons */
static enum log_outcome parse_directive(struct log_parse *p, bool ok, const char *hash,
                                        char **reason)
{
    const char *s = skip_blanks(hash + 1);
    bool skip = starts_with_nocase(s, "skip"), todo = starts_with_nocase(s, "todo");
    if ((!skip && !todo) || (s[4] != ' ' && s[4] != '\0') || strchr(s, '#')) {
        log_problem(p, "line %u: '#' in a description", p->line_number);
        return ok ? LOG_OK : LOG_NOT_OK;
    }
    *reason = copy_trimmed(skip_blanks(s + 4), strlen(skip_blanks(s + 4)));
    if (skip != ok || todo == ok)
        log_problem(p, "line %u: %s with %s", p->line_number, ok ? "ok" : "not ok",
                    skip ? "SKIP" : "TODO");
    return todo ? LOG_TODO : ok ? LOG_SKIP : LOG_NOT_OK;
}

static void check_point(struct log_parse *p, const struct log_point *point)
{
    if (point->number != p->count + 1)
        log_problem(p, "line %u: test point %u out of sequence (expected %zu)", p->line_number,
                    point->number, p->count + 1);
    if (p->running && (p->running != point->number || strcmp(p->running_desc, point->desc)))
        log_problem(p, "line %u: point %u - %s reported while check %u - %s was running",
                    p->line_number, point->number, point->desc, p->running, p->running_desc);
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->points[i].id, point->id) == 0)
            log_problem(p, "line %u: duplicate description \"%s\" (as %s, like point %u)",
                        p->line_number, point->desc, point->id, p->points[i].number);
}

static void count_point(struct log_parse *p, enum log_outcome outcome)
{
    unsigned *counter[] = {[LOG_OK] = &p->passed, [LOG_SKIP] = &p->skipped,
                           [LOG_TODO] = &p->todo, [LOG_NOT_OK] = &p->failed};
    ++*counter[outcome];
}

/* "ok N - DESC [# directive]" or "not ok N - DESC [# directive]" */
bool log_line_point(struct log_parse *p, const char *text)
{
    bool ok = log_starts_with(text, "ok");
    const char *s = ok ? text + 2 : log_starts_with(text, "not ok") ? text + 6 : NULL;
    if (!s || (*s != ' ' && *s != '\0'))
        return false;
    struct log_point point = {0};
    if (!parse_number(skip_blanks(s), &point.number, &s)) {
        log_problem(p, "line %u: test point without a number", p->line_number);
        point.number = (unsigned)p->count + 1;
    }
    const char *desc = skip_dash(s), *hash = strchr(desc, '#');
    point.desc = copy_trimmed(desc, hash ? (size_t)(hash - desc) : strlen(desc));
    point.outcome = hash ? parse_directive(p, ok, hash, &point.reason) : ok ? LOG_OK : LOG_NOT_OK;
    char id[TAP_DESC_MAX * 2];
    log_fold_desc(id, sizeof id, point.desc);
    point.id = log_copy_text(id, strlen(id));
    check_point(p, &point);
    count_point(p, point.outcome);
    p->running = 0;
    p->points = log_grow(p->points, &p->points_cap, p->count, sizeof *p->points);
    p->points[p->count++] = point;
    return true;
}

bool log_line_plan(struct log_parse *p, const char *text)
{
    const char *rest;
    if (!log_starts_with(text, "1.."))
        return false;
    if (!parse_number(text + 3, &p->plan, &rest) || (*rest && *skip_blanks(rest) != '#'))
        log_problem(p, "line %u: malformed plan \"%s\"", p->line_number, text);
    else if (p->has_plan)
        log_problem(p, "line %u: a second plan", p->line_number);
    p->has_plan = true;
    return true;
}

bool log_line_bail(struct log_parse *p, const char *text)
{
    if (!starts_with_nocase(text, "Bail out!"))
        return false;
    if (p->bail_reason)
        log_problem(p, "line %u: a second \"Bail out!\"", p->line_number);
    free(p->bail_reason);
    p->bail_reason = log_copy_text(skip_blanks(text + 9), strlen(skip_blanks(text + 9)));
    return true;
}

/* a malformed summary still ends the run (the kernel got there): it fails as a problem */
bool log_line_summary(struct log_parse *p, const char *text)
{
    static const char *const after[4] = {" passed, ", " failed, ", " skipped, ", " todo"};
    if (!log_starts_with(text, TAP_SUMMARY_PREFIX))
        return false;
    if (p->has_summary)
        log_problem(p, "line %u: a second summary line", p->line_number);
    p->has_summary = true;
    const char *s = text + strlen(TAP_SUMMARY_PREFIX);
    for (int i = 0; i < 4; i++) {
        if (!parse_number(s, &p->summary[i], &s) || !log_starts_with(s, after[i])) {
            log_problem(p, "line %u: malformed summary line", p->line_number);
            return true;
        }
        s += strlen(after[i]);
    }
    if (*s)
        log_problem(p, "line %u: malformed summary line", p->line_number);
    return true;
}
