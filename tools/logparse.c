/* The TAP 14 stream of kernel/tap.c, line by line. Every line the reporter
 * can write is recognised; anything it cannot write (a '#' in a description,
 * a point out of sequence, a second version line after a reset) is recorded
 * as a problem, which makes a complete run fail. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/tap.h"
#include "logparse.h"

#define VERSION_LINE "TAP version 14"

static char *copy_text(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c)
        abort();
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static void *grow(void *array, size_t *cap, size_t count, size_t elem_size)
{
    if (count < *cap)
        return array;
    *cap = *cap ? *cap * 2 : 16;
    array = realloc(array, *cap * elem_size);
    if (!array)
        abort();
    return array;
}

static void problem(struct log_parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct log_parse *p, const char *fmt, ...)
{
    if (p->problems++ > 0)
        return; /* the first one explains the rest */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->problem, sizeof p->problem, fmt, ap);
    va_end(ap);
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

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
    return copy_text(s, n);
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

static void store_line(struct log_parse *p, const char *text)
{
    p->lines = grow(p->lines, &p->lines_cap, p->line_count, sizeof *p->lines);
    p->lines[p->line_count++] = copy_text(text, strlen(text));
}

static void append_yaml(struct log_point *point, const char *text)
{
    size_t old = point->yaml ? strlen(point->yaml) : 0, n = strlen(text);
    point->yaml = realloc(point->yaml, old + n + 2);
    if (!point->yaml)
        abort();
    memcpy(point->yaml + old, text, n);
    memcpy(point->yaml + old + n, "\n", 2);
}

/* inside "  ---" ... "  ...": false when the line is not indented (block cut short) */
static bool parse_yaml_line(struct log_parse *p, const char *text)
{
    if (!starts_with(text, "  ")) {
        p->in_yaml = false;
        problem(p, "line %u: YAML block not closed by \"  ...\"", p->line_number);
        return false;
    }
    store_line(p, text);
    if (strcmp(text, "  ...") == 0)
        p->in_yaml = false;
    else
        append_yaml(&p->points[p->count - 1], text + 2);
    return true;
}

static void parse_running(struct log_parse *p, const char *text)
{
    unsigned number;
    const char *rest;
    if (!parse_number(text + strlen(TAP_RUNNING_PREFIX), &number, &rest)) {
        problem(p, "line %u: malformed \"" TAP_RUNNING_PREFIX "\" line", p->line_number);
        return;
    }
    if (p->running)
        problem(p, "line %u: check %u - %s announced but never reported", p->line_number,
                p->running, p->running_desc);
    else if (number != p->count + 1)
        problem(p, "line %u: running %u out of sequence (expected %zu)", p->line_number, number,
                p->count + 1);
    p->running = number;
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
        problem(p, "line %u: '#' in a description", p->line_number);
        return ok ? LOG_OK : LOG_NOT_OK;
    }
    *reason = copy_trimmed(skip_blanks(s + 4), strlen(skip_blanks(s + 4)));
    if (skip != ok || todo == ok)
        problem(p, "line %u: %s with %s", p->line_number, ok ? "ok" : "not ok",
                skip ? "SKIP" : "TODO");
    return todo ? LOG_TODO : ok ? LOG_SKIP : LOG_NOT_OK;
}

static void check_point(struct log_parse *p, const struct log_point *point)
{
    if (point->number != p->count + 1)
        problem(p, "line %u: test point %u out of sequence (expected %zu)", p->line_number,
                point->number, p->count + 1);
    if (p->running && (p->running != point->number || strcmp(p->running_desc, point->desc)))
        problem(p, "line %u: point %u - %s reported while check %u - %s was running",
                p->line_number, point->number, point->desc, p->running, p->running_desc);
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->points[i].id, point->id) == 0)
            problem(p, "line %u: duplicate description \"%s\" (as %s, like point %u)",
                    p->line_number, point->desc, point->id, p->points[i].number);
}

static void count_point(struct log_parse *p, enum log_outcome outcome)
{
    unsigned *counter[] = {[LOG_OK] = &p->passed, [LOG_SKIP] = &p->skipped,
                           [LOG_TODO] = &p->todo, [LOG_NOT_OK] = &p->failed};
    ++*counter[outcome];
}

/* "ok N - DESC [# directive]" or "not ok N - DESC [# directive]" */
static bool parse_point(struct log_parse *p, const char *text)
{
    bool ok = starts_with(text, "ok");
    const char *s = ok ? text + 2 : starts_with(text, "not ok") ? text + 6 : NULL;
    if (!s || (*s != ' ' && *s != '\0'))
        return false;
    struct log_point point = {0};
    if (!parse_number(skip_blanks(s), &point.number, &s)) {
        problem(p, "line %u: test point without a number", p->line_number);
        point.number = (unsigned)p->count + 1;
    }
    const char *desc = skip_dash(s), *hash = strchr(desc, '#');
    point.desc = copy_trimmed(desc, hash ? (size_t)(hash - desc) : strlen(desc));
    point.outcome = hash ? parse_directive(p, ok, hash, &point.reason) : ok ? LOG_OK : LOG_NOT_OK;
    char id[TAP_DESC_MAX * 2];
    log_fold_desc(id, sizeof id, point.desc);
    point.id = copy_text(id, strlen(id));
    check_point(p, &point);
    count_point(p, point.outcome);
    p->running = 0;
    p->points = grow(p->points, &p->points_cap, p->count, sizeof *p->points);
    p->points[p->count++] = point;
    return true;
}

static bool parse_plan(struct log_parse *p, const char *text)
{
    const char *rest;
    if (!starts_with(text, "1.."))
        return false;
    if (!parse_number(text + 3, &p->plan, &rest) || (*rest && *skip_blanks(rest) != '#'))
        problem(p, "line %u: malformed plan \"%s\"", p->line_number, text);
    else if (p->has_plan)
        problem(p, "line %u: a second plan", p->line_number);
    p->has_plan = true;
    return true;
}

static bool parse_bail(struct log_parse *p, const char *text)
{
    if (!starts_with_nocase(text, "Bail out!"))
        return false;
    if (p->bail_reason)
        problem(p, "line %u: a second \"Bail out!\"", p->line_number);
    free(p->bail_reason);
    p->bail_reason = copy_text(skip_blanks(text + 9), strlen(skip_blanks(text + 9)));
    return true;
}

/* a malformed summary still ends the run (the kernel got there): it fails as a problem */
static bool parse_summary(struct log_parse *p, const char *text)
{
    static const char *const after[4] = {" passed, ", " failed, ", " skipped, ", " todo"};
    if (!starts_with(text, TAP_SUMMARY_PREFIX))
        return false;
    if (p->has_summary)
        problem(p, "line %u: a second summary line", p->line_number);
    p->has_summary = true;
    const char *s = text + strlen(TAP_SUMMARY_PREFIX);
    for (int i = 0; i < 4; i++) {
        if (!parse_number(s, &p->summary[i], &s) || !starts_with(s, after[i])) {
            problem(p, "line %u: malformed summary line", p->line_number);
            return true;
        }
        s += strlen(after[i]);
    }
    if (*s)
        problem(p, "line %u: malformed summary line", p->line_number);
    return true;
}

static void parse_tap_line(struct log_parse *p, const char *text)
{
    bool yaml_may_start = p->after_point;
    p->after_point = false;
    if (p->in_yaml && parse_yaml_line(p, text))
        return;
    if (yaml_may_start && strcmp(text, "  ---") == 0) {
        store_line(p, text);
        p->in_yaml = true;
        return;
    }
    if (text[0] == '#') {
        store_line(p, text);
        if (starts_with(text, TAP_RUNNING_PREFIX))
            parse_running(p, text);
        return;
    }
    bool finished = p->has_summary || p->bail_reason;
    if (starts_with(text, "TAP version")) {
        problem(p, "line %u: a second version line (did the guest restart?)", p->line_number);
        return;
    }
    p->after_point = parse_point(p, text);
    if (p->after_point || parse_plan(p, text) || parse_bail(p, text) || parse_summary(p, text)) {
        if (finished)
            problem(p, "line %u: test output after the end of the run", p->line_number);
        store_line(p, text);
    }
    /* other lines are not TAP: ignored, like any TAP consumer does */
}

void log_parse_line(struct log_parse *p, const char *line, size_t len)
{
    p->line_number++;
    while (len && line[len - 1] == '\r')
        len--;
    char *text = copy_text(line, len); /* a NUL inside ends the line early */
    if (p->started) {
        parse_tap_line(p, text);
    } else {
        /* firmware output often leaves escapes on the version line itself */
        size_t n = strlen(text), v = strlen(VERSION_LINE);
        while (n && text[n - 1] == ' ')
            n--;
        p->started = n >= v && memcmp(text + n - v, VERSION_LINE, v) == 0;
    }
    free(text);
}

void log_parse_text(struct log_parse *p, const char *text, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(text, '\n', len);
        size_t n = nl ? (size_t)(nl - text) : len;
        log_parse_line(p, text, n);
        text += n + (nl ? 1 : 0);
        len -= n + (nl ? 1 : 0);
    }
}

void log_parse_finish(struct log_parse *p)
{
    if (!p->started)
        return;
    if (p->has_plan && (p->count > p->plan || (p->has_summary && p->count != p->plan)))
        problem(p, "plan 1..%u but %zu test points", p->plan, p->count);
    if (!p->has_summary)
        return;
    if (!p->has_plan)
        problem(p, "a complete run without a plan line");
    if (p->running)
        problem(p, "check %u - %s announced but never reported", p->running, p->running_desc);
    const unsigned *s = p->summary;
    if (s[0] != p->passed || s[1] != p->failed || s[2] != p->skipped || s[3] != p->todo)
        problem(p, "the summary says %u passed, %u failed, %u skipped, %u todo; the points"
                   " say %u, %u, %u, %u", s[0], s[1], s[2], s[3], p->passed, p->failed,
                p->skipped, p->todo);
}

void log_parse_init(struct log_parse *p)
{
    *p = (struct log_parse){0};
}

void log_parse_free(struct log_parse *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->points[i].desc);
        free(p->points[i].reason);
        free(p->points[i].yaml);
        free(p->points[i].id);
    }
    for (size_t i = 0; i < p->line_count; i++)
        free(p->lines[i]);
    free(p->points);
    free(p->lines);
    free(p->bail_reason);
    free(p->running_desc);
    log_parse_init(p);
}
