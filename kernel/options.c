/* Command-line parser (options.h). A table of options, one small function per
 * value syntax; every error names the word it came from. */
#include "options.h"

#include <string.h>

#include "format.h"
#include "glob.h"

/* Table order is the order printed in "expected one of ..." messages. */
const char *const options_selftest_names[] = {
    "fault", "hang", "probe-hang", "fail", "skip", "todo", "tsc-skew", "bootinfo-dump",
    "acpi-dump", NULL,
};
const char *const options_profile_names[] = {"spec", NULL};

/* A word of the command line, split at its first '=' (value NULL: no '='). */
struct arg {
    const char *word;
    size_t word_len;
    size_t key_len;
    const char *value;
    size_t value_len;
};

struct parser {
    struct options *o;
    const struct arg *arg; /* the word being parsed, for messages */
    char *err;
    size_t err_size;
};

typedef int (*option_fn)(struct parser *p, const char *value, size_t len);

struct option_spec {
    const char *name;
    bool repeatable;
    option_fn parse;    /* NULL: a flag, which takes no value */
    size_t flag_offset; /* of the flag's bool in struct options */
};

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

static int fail(struct parser *p, const char *why)
{
    char suffix[220];
    format(suffix, sizeof suffix, ": %s", why);
    return complain(p, "", suffix);
}

static bool span_is(const char *s, size_t n, const char *literal)
{
    return strlen(literal) == n && strncmp(s, literal, n) == 0;
}

/* Index of the first (or last) c in s[0..n), n if none. */
static size_t first_index(const char *s, size_t n, char c)
{
    size_t i = 0;
    while (i < n && s[i] != c)
        i++;
    return i;
}

static size_t last_index(const char *s, size_t n, char c)
{
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == c)
            return i - 1;
    return n;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/* n > 0 digits in base (10 or 16) into *out; NULL, or why not. */
static const char *parse_digits(const char *s, size_t n, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0)
        return "not a number (decimal or 0x-hex)";
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)digit_value(s[i]);
        if (d >= base)
            return "not a number (decimal or 0x-hex)";
        if (v > (UINT64_MAX - d) / base)
            return "number does not fit in 64 bits";
        v = v * base + d;
    }
    *out = v;
    return NULL;
}

/* Decimal or 0x-hex ("010" is ten). */
static const char *parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return parse_digits(s + 2, n - 2, 16, out);
    return parse_digits(s, n, 10, out);
}

/* 1..max_digits hex digits, no prefix (the lspci form of a BDF field). */
static bool parse_hex_field(const char *s, size_t n, size_t max_digits, unsigned *out)
{
    uint64_t v;
    if (n > max_digits || parse_digits(s, n, 16, &v))
        return false;
    *out = (unsigned)v;
    return true;
}

static int parse_level(struct parser *p, const char *v, size_t n)
{
    if (span_is(v, n, "required"))
        p->o->level = LEVEL_REQUIRED;
    else if (span_is(v, n, "strict"))
        p->o->level = LEVEL_STRICT;
    else
        return fail(p, "expected level=required or level=strict");
    return 0;
}

static int parse_cfg(struct parser *p, const char *v, size_t n)
{
    if (span_is(v, n, "ecam"))
        p->o->cfg = CFG_ECAM;
    else if (span_is(v, n, "cf8"))
        p->o->cfg = CFG_CF8;
    else
        return fail(p, "expected cfg=ecam or cfg=cf8");
    return 0;
}

static int parse_seed(struct parser *p, const char *v, size_t n)
{
    const char *why = parse_u64(v, n, &p->o->seed);
    if (why)
        return fail(p, why);
    p->o->seed_given = true;
    return 0;
}

static int parse_rounds(struct parser *p, const char *v, size_t n)
{
    uint64_t rounds;
    const char *why = parse_u64(v, n, &rounds);
    if (why)
        return fail(p, why);
    if (rounds < 1 || rounds > OPT_ROUNDS_MAX)
        return fail(p, "rounds out of range 1..100000");
    p->o->rounds = (unsigned)rounds;
    return 0;
}

static int parse_window(struct parser *p, const char *v, size_t n)
{
    struct addr_window w;
    size_t dash = first_index(v, n, '-');
    if (dash == n)
        return fail(p, "expected window=BASE-END");
    const char *why = parse_u64(v, dash, &w.base);
    if (!why)
        why = parse_u64(v + dash + 1, n - dash - 1, &w.end);
    if (why)
        return fail(p, why);
    if (w.end < w.base)
        return fail(p, "end below base");
    if (w.end == w.base)
        return fail(p, "end equals base (END is inclusive and must be above BASE)");
    if (p->o->window_count == OPT_MAX_WINDOWS)
        return fail(p, "more than 8 windows");
    p->o->windows[p->o->window_count++] = w;
    return 0;
}

static int parse_bdf(struct parser *p, const char *v, size_t n)
{
    unsigned seg = 0, bus, dev, fn;
    size_t dot = last_index(v, n, '.');
    size_t colon = last_index(v, dot, ':');
    size_t colon2 = colon < dot ? last_index(v, colon, ':') : colon;
    size_t bus_at = colon2 < colon ? colon2 + 1 : 0;
    bool ok = dot < n && colon < dot &&
              parse_hex_field(v + dot + 1, n - dot - 1, 1, &fn) &&
              parse_hex_field(v + colon + 1, dot - colon - 1, 2, &dev) &&
              parse_hex_field(v + bus_at, colon - bus_at, 2, &bus) &&
              (colon2 == colon || parse_hex_field(v, colon2, 4, &seg));
    if (!ok)
        return fail(p, "expected bdf=[SSSS:]BB:DD.F in hex");
    if (dev > 0x1f)
        return fail(p, "device above 0x1f");
    if (fn > 7)
        return fail(p, "function above 7");
    p->o->bdf_given = true;
    p->o->segment = (uint16_t)seg;
    p->o->bus = (uint8_t)bus;
    p->o->device = (uint8_t)dev;
    p->o->function = (uint8_t)fn;
    return 0;
}

/* Splits a comma-separated list into patterns[count..]. */
static int add_patterns(struct parser *p, const char *v, size_t n,
                        char (*patterns)[OPT_PATTERN_LEN], unsigned *count)
{
    for (size_t start = 0; start <= n;) {
        size_t len = first_index(v + start, n - start, ',');
        if (len == 0)
            return fail(p, "empty pattern");
        if (len >= OPT_PATTERN_LEN)
            return fail(p, "pattern longer than 63 characters");
        if (*count == OPT_MAX_PATTERNS)
            return fail(p, "more than 16 patterns");
        memcpy(patterns[*count], v + start, len);
        patterns[*count][len] = '\0';
        ++*count;
        start += len + 1;
    }
    return 0;
}

static int parse_only(struct parser *p, const char *v, size_t n)
{
    return add_patterns(p, v, n, p->o->only, &p->o->only_count);
}

static int parse_skip(struct parser *p, const char *v, size_t n)
{
    return add_patterns(p, v, n, p->o->skip, &p->o->skip_count);
}

/* Copies the table entry equal to v into dst (every name fits in 32 bytes). */
static int pick_name(struct parser *p, const char *v, size_t n, const char *const *names,
                     char *dst, size_t dst_size, const char *what)
{
    for (const char *const *name = names; *name; name++) {
        if (span_is(v, n, *name)) {
            format(dst, dst_size, "%s", *name);
            return 0;
        }
    }
    char why[200];
    int at = format(why, sizeof why, "unknown %s, expected one of", what);
    for (const char *const *name = names; *name && (size_t)at < sizeof why; name++)
        at += format(why + at, sizeof why - (size_t)at, "%s %s", name == names ? "" : ",",
                     *name);
    return fail(p, why);
}

static int parse_selftest(struct parser *p, const char *v, size_t n)
{
    return pick_name(p, v, n, options_selftest_names, p->o->selftest, sizeof p->o->selftest,
                     "selftest");
}

static int parse_profile(struct parser *p, const char *v, size_t n)
{
    return pick_name(p, v, n, options_profile_names, p->o->profile, sizeof p->o->profile,
                     "profile");
}

static const struct option_spec option_table[] = {
    {"only", true, parse_only, 0},
    {"skip", true, parse_skip, 0},
    {"window", true, parse_window, 0},
    {"level", false, parse_level, 0},
    {"seed", false, parse_seed, 0},
    {"rounds", false, parse_rounds, 0},
    {"bdf", false, parse_bdf, 0},
    {"selftest", false, parse_selftest, 0},
    {"profile", false, parse_profile, 0},
    {"cfg", false, parse_cfg, 0},
    {"verbose", false, NULL, offsetof(struct options, verbose)},
    {"latency", false, NULL, offsetof(struct options, latency)},
    {"list", false, NULL, offsetof(struct options, list)},
};
#define OPTION_COUNT (sizeof option_table / sizeof option_table[0])

static int parse_arg(struct parser *p, uint32_t *seen)
{
    const struct arg *a = p->arg;
    for (unsigned i = 0; i < OPTION_COUNT; i++) {
        const struct option_spec *spec = &option_table[i];
        if (!span_is(a->word, a->key_len, spec->name))
            continue;
        if (!spec->repeatable && (*seen & (1u << i)))
            return fail(p, "given twice");
        *seen |= 1u << i;
        if (!spec->parse && a->value)
            return fail(p, "takes no value");
        if (!spec->parse) {
            *(bool *)((char *)p->o + spec->flag_offset) = true;
            return 0;
        }
        if (!a->value)
            return fail(p, "needs a value (NAME=VALUE)");
        if (a->value_len == 0)
            return fail(p, "empty value");
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
    a->key_len = first_index(s, len, '=');
    a->value = a->key_len < len ? s + a->key_len + 1 : NULL;
    a->value_len = a->value ? len - a->key_len - 1 : 0;
    return true;
}

static bool is_image_path(const struct arg *a)
{
    return a->key_len == a->word_len && first_index(a->word, a->word_len, '/') < a->word_len;
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
