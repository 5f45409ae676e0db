#include "tap.h"

#include <string.h>

#include "format.h"

static void emit(struct tap *t, const char *s)
{
    t->out(s, strlen(s));
}

static void emitf(struct tap *t, const char *fmt, va_list ap)
{
    char line[512];
    int n = format_v(line, sizeof line, fmt, ap);
    size_t len = n < (int)sizeof line ? (size_t)n : sizeof line - 1;
    t->out(line, len);
}

static void linef(struct tap *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void linef(struct tap *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emitf(t, fmt, ap);
    va_end(ap);
}

void tap_clean_desc(char *out, size_t size, const char *desc)
{
    size_t i = 0;
    for (; desc && desc[i] && i + 1 < size; i++) {
        char c = desc[i];
        out[i] = (c == '#' || c == '\n' || c == '\r') ? '_' : c;
    }
    out[i] = '\0';
}

void tap_begin(struct tap *t, tap_output_fn out)
{
    *t = (struct tap){.out = out};
    emit(t, "TAP version 14\n");
}

void tap_comment(struct tap *t, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    format_v(text, sizeof text, fmt, ap);
    va_end(ap);
    /* one comment per line, whatever the caller passed */
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        linef(t, "# %.*s\n", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
}

void tap_plan(struct tap *t, unsigned count)
{
    linef(t, "1..%u\n", count);
}

void tap_running(struct tap *t, const char *desc)
{
    char clean[TAP_DESC_MAX];
    tap_clean_desc(clean, sizeof clean, desc);
    linef(t, TAP_RUNNING_PREFIX "%u - %s\n", t->number + 1, clean);
}

void tap_step(struct tap *t, unsigned n, unsigned of, const char *name)
{
    char clean[TAP_DESC_MAX];
    tap_clean_desc(clean, sizeof clean, name);
    linef(t, TAP_STEP_PREFIX "%u/%u %s\n", n, of, clean);
}

static void emit_yaml(struct tap *t, const char *yaml)
{
    emit(t, "  ---\n");
    const char *p = yaml;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        linef(t, "  %.*s\n", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
    emit(t, "  ...\n");
}

void tap_point(struct tap *t, enum tap_result r, const char *desc, const char *reason,
               const char *yaml)
{
    char clean[TAP_DESC_MAX], why[TAP_DESC_MAX];
    tap_clean_desc(clean, sizeof clean, desc);
    tap_clean_desc(why, sizeof why, reason && *reason ? reason : "no reason given");
    t->number++;
    switch (r) {
    case TAP_PASS:
        t->passed++;
        linef(t, "ok %u - %s\n", t->number, clean);
        break;
    case TAP_SKIP:
        t->skipped++;
        linef(t, "ok %u - %s # SKIP %s\n", t->number, clean, why);
        break;
    case TAP_TODO:
        t->todo++;
        linef(t, "not ok %u - %s # TODO %s\n", t->number, clean, why);
        break;
    case TAP_FAIL:
    default:
        t->failed++;
        linef(t, "not ok %u - %s\n", t->number, clean);
        break;
    }
    if (yaml && *yaml && (r == TAP_FAIL || r == TAP_TODO))
        emit_yaml(t, yaml);
}

void tap_bail(struct tap *t, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    format_v(text, sizeof text, fmt, ap);
    va_end(ap);
    for (char *c = text; *c; c++) /* a bail-out reason may say "#GP", not a line break */
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    linef(t, "Bail out! %s\n", text);
}

void tap_summary(struct tap *t)
{
    linef(t, TAP_SUMMARY_PREFIX "%u passed, %u failed, %u skipped, %u todo\n", t->passed,
          t->failed, t->skipped, t->todo);
}
