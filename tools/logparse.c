/* The TAP 14 stream of kernel/tap.c, line by line. Every line the reporter
 * can write is recognised (logparse_lines.c); anything it cannot write (a
 * '#' in a description, a point out of sequence, a second version line after
 * a reset) is recorded as a problem, which makes a complete run fail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/tap.h"
#include "logparse.h"
#include "logparse_internal.h"

#define VERSION_LINE "TAP version 14"

char *log_copy_text(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c)
        abort();
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

void *log_grow(void *array, size_t *cap, size_t count, size_t elem_size)
{
    if (count < *cap)
        return array;
    *cap = *cap ? *cap * 2 : 16;
    array = realloc(array, *cap * elem_size);
    if (!array)
        abort();
    return array;
}

void log_problem(struct log_parse *p, const char *fmt, ...)
{
    if (p->problems++ > 0)
        return; /* the first one explains the rest */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->problem, sizeof p->problem, fmt, ap);
    va_end(ap);
}

bool log_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void store_line(struct log_parse *p, const char *text)
{
    p->lines = log_grow(p->lines, &p->lines_cap, p->line_count, sizeof *p->lines);
    p->lines[p->line_count++] = log_copy_text(text, strlen(text));
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
    if (!log_starts_with(text, "  ")) {
        p->in_yaml = false;
        log_problem(p, "line %u: YAML block not closed by \"  ...\"", p->line_number);
        return false;
    }
    store_line(p, text);
    if (strcmp(text, "  ...") == 0)
        p->in_yaml = false;
    else
        append_yaml(&p->points[p->count - 1], text + 2);
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
        if (log_starts_with(text, TAP_RUNNING_PREFIX))
            log_line_running(p, text);
        else if (log_starts_with(text, TAP_STEP_PREFIX) && p->running) {
            free(p->running_step);
            const char *step = text + strlen(TAP_STEP_PREFIX);
            p->running_step = strdup(step);
        }
        return;
    }
    bool finished = p->has_summary || p->bail_reason;
    if (log_starts_with(text, "TAP version")) {
        log_problem(p, "line %u: a second version line (did the guest restart?)", p->line_number);
        return;
    }
    p->after_point = log_line_point(p, text);
    if (p->after_point || log_line_plan(p, text) || log_line_bail(p, text) ||
        log_line_summary(p, text)) {
        if (finished)
            log_problem(p, "line %u: test output after the end of the run", p->line_number);
        store_line(p, text);
    }
    /* other lines are not TAP: ignored, like any TAP consumer does */
}

void log_parse_line(struct log_parse *p, const char *line, size_t len)
{
    p->line_number++;
    while (len && line[len - 1] == '\r')
        len--;
    char *text = log_copy_text(line, len); /* a NUL inside ends the line early */
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

/* A last line without its newline is one the guest never finished writing
 * (the emulator was killed mid-line: "ok 18 - 00:01.0 BAR0 dec"), and read
 * as a point it would be a wrong one; only the summary, with which a log
 * saved without a final newline may end, is kept. */
static bool cut_off(const char *line, size_t n)
{
    static const char summary[] = "barmove: ";
    return n < sizeof summary - 1 || memcmp(line, summary, sizeof summary - 1) != 0;
}

void log_parse_text(struct log_parse *p, const char *text, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(text, '\n', len);
        size_t n = nl ? (size_t)(nl - text) : len;
        if (!nl && cut_off(text, n))
            break;
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
        log_problem(p, "plan 1..%u but %zu test points", p->plan, p->count);
    if (!p->has_summary)
        return;
    if (!p->has_plan)
        log_problem(p, "a complete run without a plan line");
    if (p->running)
        log_problem(p, "check %u - %s announced but never reported", p->running, p->running_desc);
    const unsigned *s = p->summary;
    if (s[0] != p->passed || s[1] != p->failed || s[2] != p->skipped || s[3] != p->todo)
        log_problem(p,
                    "the summary says %u passed, %u failed, %u skipped, %u todo; the points"
                    " say %u, %u, %u, %u",
                    s[0], s[1], s[2], s[3], p->passed, p->failed, p->skipped, p->todo);
}

void log_parse_init(struct log_parse *p)
{
    *p = (struct log_parse){0};
}

void log_parse_whole(struct log_parse *p, const char *text, size_t len)
{
    log_parse_init(p);
    log_parse_text(p, text, len);
    log_parse_finish(p);
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
    free(p->running_step);
    log_parse_init(p);
}
