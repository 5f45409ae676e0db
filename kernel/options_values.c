/* The values of the command-line options (options.h): one small function per
 * value syntax, each failing with a message that names the word, and the
 * table of options that options.c walks. */
#include <string.h>

#include "format.h"
#include "options_internal.h"

/* Index of the last c in s[0..n), n if none. */
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
    if (options_span_is(v, n, "required"))
        p->o->level = LEVEL_REQUIRED;
    else if (options_span_is(v, n, "strict"))
        p->o->level = LEVEL_STRICT;
    else
        return options_fail(p, "expected level=required or level=strict");
    return 0;
}

static int parse_cfg(struct parser *p, const char *v, size_t n)
{
    if (options_span_is(v, n, "ecam"))
        p->o->cfg = CFG_ECAM;
    else if (options_span_is(v, n, "cf8"))
        p->o->cfg = CFG_CF8;
    else
        return options_fail(p, "expected cfg=ecam or cfg=cf8");
    return 0;
}

static int parse_seed(struct parser *p, const char *v, size_t n)
{
    const char *why = parse_u64(v, n, &p->o->seed);
    if (why)
        return options_fail(p, why);
    p->o->seed_given = true;
    return 0;
}

static int parse_rounds(struct parser *p, const char *v, size_t n)
{
    uint64_t rounds;
    const char *why = parse_u64(v, n, &rounds);
    if (why)
        return options_fail(p, why);
    if (rounds < 1 || rounds > OPT_ROUNDS_MAX)
        return options_fail(p, "rounds out of range 1..100000");
    p->o->rounds = (unsigned)rounds;
    return 0;
}

static int parse_window(struct parser *p, const char *v, size_t n)
{
    struct addr_window w;
    size_t dash = options_first_index(v, n, '-');
    if (dash == n)
        return options_fail(p, "expected window=BASE-END");
    const char *why = parse_u64(v, dash, &w.base);
    if (!why)
        why = parse_u64(v + dash + 1, n - dash - 1, &w.end);
    if (why)
        return options_fail(p, why);
    if (w.end < w.base)
        return options_fail(p, "end below base");
    if (w.end == w.base)
        return options_fail(p, "end equals base (END is inclusive and must be above BASE)");
    if (p->o->window_count == OPT_MAX_WINDOWS)
        return options_fail(p, "more than 8 windows");
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
        return options_fail(p, "expected bdf=[SSSS:]BB:DD.F in hex");
    if (dev > 0x1f)
        return options_fail(p, "device above 0x1f");
    if (fn > 7)
        return options_fail(p, "function above 7");
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
        size_t len = options_first_index(v + start, n - start, ',');
        if (len == 0)
            return options_fail(p, "empty pattern");
        if (len >= OPT_PATTERN_LEN)
            return options_fail(p, "pattern longer than 63 characters");
        if (*count == OPT_MAX_PATTERNS)
            return options_fail(p, "more than 16 patterns");
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
        if (options_span_is(v, n, *name)) {
            format(dst, dst_size, "%s", *name);
            return 0;
        }
    }
    char why[280];
    int at = format(why, sizeof why, "unknown %s, expected one of", what);
    for (const char *const *name = names; *name && (size_t)at < sizeof why; name++)
        at += format(why + at, sizeof why - (size_t)at, "%s %s", name == names ? "" : ",",
                     *name);
    return options_fail(p, why);
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

const struct option_spec options_table[] = {
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
const unsigned options_table_count = sizeof options_table / sizeof options_table[0];
