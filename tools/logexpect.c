/* Expected verdicts: parse the file, compare it with a parsed log (logexpect.h). */
#include "logexpect.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 8 /* BDF BAR CHECK VERDICT CLASSES SOURCE, then the reason */

static bool fail_at(struct expect_file *f, unsigned line, const char *what, const char *word)
{
    snprintf(f->error, sizeof f->error, "line %u: %s%s%s", line, what, word ? ": " : "",
             word ? word : "");
    return false;
}

/* copies [s, s+n) into out (size bytes); false when it does not fit */
static bool copy_word(char *out, size_t size, const char *s, size_t n)
{
    if (n >= size)
        return false;
    memcpy(out, s, n);
    out[n] = 0;
    return true;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* "00:02.0": two hex digits, ':', two hex digits, '.', a digit 0-7 */
static bool is_bdf(const char *s)
{
    const char *hex = "0123456789abcdef";
    return strlen(s) == 7 && strchr(hex, s[0]) && strchr(hex, s[1]) && s[2] == ':' &&
           strchr(hex, s[3]) && strchr(hex, s[4]) && s[5] == '.' && s[6] >= '0' && s[6] <= '7';
}

static bool is_bar(const char *s)
{
    return strlen(s) == 4 && !strncmp(s, "BAR", 3) && s[3] >= '0' && s[3] <= '5';
}

static bool split_classes(struct expect_row *r, const char *list)
{
    if (!strcmp(list, "-"))
        return true;
    const char *s = list;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (!n || r->class_count == EXPECT_MAX_CLASSES ||
            !copy_word(r->classes[r->class_count++], sizeof r->classes[0], s, n))
            return false;
        s += n;
        if (*s == ',' && !*++s)
            return false; /* a trailing comma */
    }
    return true;
}

/* the emulator's source that causes the row: a path to a C++ or C file */
static bool names_source(const char *s)
{
    const char *dot = strrchr(s, '.');
    return strchr(s, '/') && dot && (!strncmp(dot, ".cc", 3) || !strncmp(dot, ".c", 2) ||
                                     !strncmp(dot, ".h", 2) || strstr(s, ".cc:"));
}

static bool add_row(struct expect_file *f, const struct expect_row *r)
{
    for (size_t i = 0; i < f->count; i++)
        if (!strcmp(f->rows[i].desc, r->desc))
            return fail_at(f, r->line, "listed twice (first at another line)", r->desc);
    if (f->count == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 32;
        struct expect_row *rows = realloc(f->rows, cap * sizeof *rows);
        if (!rows)
            return fail_at(f, r->line, "out of memory", NULL);
        f->rows = rows;
        f->cap = cap;
    }
    f->rows[f->count++] = *r;
    return true;
}

static bool parse_row(struct expect_file *f, unsigned line, const char *s, size_t len)
{
    char words[MAX_WORDS - 1][96];
    unsigned n = 0;
    size_t i = 0;
    struct expect_row r = {.line = line};
    while (n < MAX_WORDS - 2) { /* the six words before the reason */
        while (i < len && is_blank(s[i]))
            i++;
        size_t start = i;
        while (i < len && !is_blank(s[i]))
            i++;
        if (i == start)
            break;
        if (!copy_word(words[n++], sizeof words[0], s + start, i - start))
            return fail_at(f, line, "a word is too long", NULL);
    }
    while (i < len && is_blank(s[i]))
        i++;
    if (n < 6 || i == len)
        return fail_at(f, line, "expected BDF BARn CHECK VERDICT CLASSES SOURCE REASON", NULL);
    if (strlen(words[2]) > 64)
        return fail_at(f, line, "check name too long", NULL);
    if (!strcmp(words[0], "-") && !strcmp(words[1], "-")) /* a check of the whole machine */
        snprintf(r.desc, sizeof r.desc, "%.64s", words[2]);
    else if (!is_bdf(words[0]))
        return fail_at(f, line, "not a bus:device.function (or - - for a whole-machine check)", words[0]);
    else if (!is_bar(words[1]))
        return fail_at(f, line, "not BAR0..BAR5", words[1]);
    else
        snprintf(r.desc, sizeof r.desc, "%.7s %.4s %.64s", words[0], words[1], words[2]);
    if (!strcmp(words[3], "not-ok"))
        r.verdict = EXPECT_NOT_OK;
    else if (!strcmp(words[3], "skip"))
        r.verdict = EXPECT_SKIP;
    else
        return fail_at(f, line, "verdict is not-ok or skip", words[3]);
    if (!split_classes(&r, words[4]))
        return fail_at(f, line, "bad class list (ids separated by commas, or -)", words[4]);
    if (!names_source(words[5]))
        return fail_at(f, line, "SOURCE must name the source file that causes it", words[5]);
    copy_word(r.source, sizeof r.source, words[5], strlen(words[5]));
    if (!copy_word(r.reason, sizeof r.reason, s + i, len - i))
        return fail_at(f, line, "the reason is too long", NULL);
    return add_row(f, &r);
}

bool expect_parse(struct expect_file *f, const char *text, size_t len)
{
    memset(f, 0, sizeof *f);
    unsigned line = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - at;
        const char *s = text + at;
        line++;
        while (n && (s[n - 1] == '\r' || is_blank(s[n - 1])))
            n--;
        size_t lead = 0;
        while (lead < n && is_blank(s[lead]))
            lead++;
        if (lead < n && s[lead] != '#' && !parse_row(f, line, s + lead, n - lead))
            return false;
        at = end + 1;
    }
    return true;
}

void expect_free(struct expect_file *f)
{
    free(f->rows);
    memset(f, 0, sizeof *f);
}

/* ---- comparing ---- */

/* the failure's "KEY: a, b" YAML line (class, later_class), or NULL */
static const char *yaml_line(const struct log_point *pt, const char *key)
{
    size_t n = strlen(key);
    if (!pt->yaml)
        return NULL;
    for (const char *s = pt->yaml; s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
        if (!strncmp(s, key, n) && s[n] == ':' && s[n + 1] == ' ')
            return s + n + 2;
    return NULL;
}

static const char *class_line(const struct log_point *pt)
{
    return yaml_line(pt, "class");
}

/* is id one of the comma-separated ids at line (up to its end)? */
static bool names_class(const char *line, const char *id)
{
    size_t n = strlen(id);
    for (const char *s = line; s && *s && *s != '\n';) {
        while (*s == ' ' || *s == ',')
            s++;
        size_t w = strcspn(s, ", \n");
        if (w == n && !strncmp(s, id, n))
            return true;
        s += w;
    }
    return false;
}

static const char *outcome_name(enum log_outcome o)
{
    return o == LOG_OK ? "ok" : o == LOG_SKIP ? "skip" : o == LOG_TODO ? "not ok # TODO" : "not ok";
}

static const struct log_point *find_point(const struct log_parse *p, const char *desc)
{
    for (size_t i = 0; i < p->count; i++)
        if (!strcmp(p->points[i].desc, desc))
            return &p->points[i];
    return NULL;
}

static void print_line_of(FILE *out, const char *line)
{
    fprintf(out, "%.*s", line ? (int)strcspn(line, "\n") : 4, line ? line : "none");
}

/* a listed row against the log; true when it shows up as listed */
static bool check_row(const struct expect_row *r, const struct log_parse *p, FILE *out)
{
    const struct log_point *pt = find_point(p, r->desc);
    if (!pt) {
        fprintf(out, "verdicts: lost %s: listed (line %u), but the log has no such check\n",
                r->desc, r->line);
        return false;
    }
    bool failed = pt->outcome == LOG_NOT_OK || pt->outcome == LOG_TODO;
    if (r->verdict == EXPECT_SKIP) {
        if (pt->outcome == LOG_SKIP)
            return true;
        fprintf(out, "verdicts: lost %s: listed as skip (line %u), got %s\n", r->desc, r->line,
                outcome_name(pt->outcome));
        return false;
    }
    if (!failed) {
        fprintf(out, "verdicts: lost %s: listed as not ok (line %u: %s), got %s: the check "
                "no longer catches it\n", r->desc, r->line, r->source, outcome_name(pt->outcome));
        return false;
    }
    /* the first failure's classes, or those of deviations seen after it */
    const char *classes = class_line(pt), *later = yaml_line(pt, "later_class");
    for (unsigned i = 0; i < r->class_count; i++)
        if ((!classes || !names_class(classes, r->classes[i])) &&
            (!later || !names_class(later, r->classes[i]))) {
            fprintf(out, "verdicts: lost %s: not ok, but its diagnosis does not name %s "
                    "(line %u); it names: ", r->desc, r->classes[i], r->line);
            print_line_of(out, classes);
            fputc('\n', out);
            return false;
        }
    return true;
}

static bool is_listed(const struct expect_file *f, const char *desc)
{
    for (size_t i = 0; i < f->count; i++)
        if (!strcmp(f->rows[i].desc, desc))
            return true;
    return false;
}

bool expect_compare(const struct expect_file *f, const struct log_parse *p, FILE *out,
                    struct expect_outcome *o)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < f->count; i++) {
        if (check_row(&f->rows[i], p, out))
            o->matched++;
        else
            o->lost++;
    }
    for (size_t i = 0; i < p->count; i++) {
        const struct log_point *pt = &p->points[i];
        if ((pt->outcome != LOG_NOT_OK && pt->outcome != LOG_TODO) || is_listed(f, pt->desc))
            continue;
        o->unlisted++;
        fprintf(out, "verdicts: unlisted %s: %s (class: ", pt->desc, outcome_name(pt->outcome));
        print_line_of(out, class_line(pt));
        fprintf(out, "): a new finding; look at it, then list it with its reason\n");
    }
    fprintf(out, "verdicts: %u as listed, %u lost, %u unlisted\n", o->matched, o->lost,
            o->unlisted);
    return !o->lost && !o->unlisted;
}
