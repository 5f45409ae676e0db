/* Command-line parser (options.h). A table of options, one small function per
 * value syntax (options_values.c); every error names the word it came from. */
#include "options.h"

#include <string.h>

#include "format.h"
#include "glob.h"
#include "options_internal.h"

/* Table order is the order printed in "expected one of ..." messages. */
const char *const options_selftest_names[] = {
    "fault", "hang", "probe-hang", "fail", "skip", "todo", "verdicts", "tsc-skew", "bootinfo-dump",
    "acpi-dump", "no-restore", "step-fault", "step-hang", "step-probe-hang", "step-triple-fault",
    "acpi-bad-checksum", "acpi-bad-length", "memmap-hostile", NULL,
};
const char *const options_profile_names[] = {"spec", "hyperv", "xen-vpci", NULL}; /* kernel/profiles.c */

#define QUOTE_MAX 80 /* longest word quoted whole in a message */

/* "PREFIX'WORD'SUFFIX", a very long word shortened with "..." */
static int complain(struct parser *p, const char *prefix, const char *suffix)
{
    const struct arg *a = p->arg;
    bool cut = a->word_len > QUOTE_MAX;
    format(p->err, p->err_size, "%s'%.*s%s'%s", prefix,
           (int)(cut ? QUOTE_MAX - 3 : a->word_len), a->word, cut ? "..." : "", suffix);
    return -1;
}

int options_fail(struct parser *p, const char *why)
{
    char suffix[300];
    format(suffix, sizeof suffix, ": %s", why);
    return complain(p, "", suffix);
}

bool options_span_is(const char *s, size_t n, const char *literal)
{
    return strlen(literal) == n && strncmp(s, literal, n) == 0;
}

size_t options_first_index(const char *s, size_t n, char c)
{
    size_t i = 0;
    while (i < n && s[i] != c)
        i++;
    return i;
}

static int parse_arg(struct parser *p, uint32_t *seen)
{
    const struct arg *a = p->arg;
    for (unsigned i = 0; i < options_table_count; i++) {
        const struct option_spec *spec = &options_table[i];
        if (!options_span_is(a->word, a->key_len, spec->name))
            continue;
        if (!spec->repeatable && (*seen & (1u << i)))
            return options_fail(p, "given twice");
        *seen |= 1u << i;
        if (!spec->parse && a->value)
            return options_fail(p, "takes no value");
        if (!spec->parse) {
            *(bool *)((char *)p->o + spec->flag_offset) = true;
            return 0;
        }
        if (!a->value)
            return options_fail(p, "needs a value (NAME=VALUE)");
        if (a->value_len == 0)
            return options_fail(p, "empty value");
        return spec->parse(p, a->value, a->value_len);
    }
    return complain(p, "unknown option ", "");
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads the next word at *cursor into a; false at the end of the line. */
static bool next_arg(const char **cursor, struct arg *a)
{
    const char *s = *cursor;
    while (is_blank(*s))
        s++;
    if (!*s)
        return false;
    size_t len = 0;
    while (s[len] && !is_blank(s[len]))
        len++;
    *cursor = s + len;
    a->word = s;
    a->word_len = len;
    a->key_len = options_first_index(s, len, '=');
    a->value = a->key_len < len ? s + a->key_len + 1 : NULL;
    a->value_len = a->value ? len - a->key_len - 1 : 0;
    return true;
}

static bool is_image_path(const struct arg *a)
{
    return a->key_len == a->word_len &&
           options_first_index(a->word, a->word_len, '/') < a->word_len;
}

void options_init(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->level = LEVEL_REQUIRED;
    o->rounds = 1;
    o->cfg = CFG_AUTO;
    format(o->profile, sizeof o->profile, "%s", options_profile_names[0]);
}

int options_parse(const char *cmdline, struct options *out, char *err, size_t err_size)
{
    struct arg a;
    struct parser p = {out, &a, err, err_size};
    const char *cursor = cmdline ? cmdline : "";
    uint32_t seen = 0;

    options_init(out);
    if (err_size)
        err[0] = '\0';
    for (bool first = true; next_arg(&cursor, &a); first = false) {
        if (first && is_image_path(&a))
            continue;
        if (parse_arg(&p, &seen) != 0) {
            options_init(out);
            return -1;
        }
    }
    return 0;
}

static bool any_matches(const char (*patterns)[OPT_PATTERN_LEN], unsigned count,
                        const char *id, const char *description)
{
    for (unsigned i = 0; i < count; i++)
        if (glob_match(patterns[i], id) || glob_match(patterns[i], description))
            return true;
    return false;
}

bool options_selects(const struct options *o, const char *check_id, const char *description)
{
    if (!description)
        description = "";
    if (o->only_count && !any_matches(o->only, o->only_count, check_id, description))
        return false;
    return !any_matches(o->skip, o->skip_count, check_id, description);
}
