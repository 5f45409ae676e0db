/* libFuzzer target: the kernel command line (kernel/options.c,
 * options_values.c, kernel/glob.c through options_selects), unchanged.
 *
 * Input: the command line (a NUL in it ends it, as in the kernel's copy).
 * On success the parsed options must respect options.h's bounds, and
 * options_selects must answer for a few check names; on failure the message
 * must be there and *out must hold the defaults again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TARGET "fuzz_options"
#include "fuzz_check.h"

static int terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int in_table(const char *name, const char *const *table)
{
    for (; *table; table++)
        if (!strcmp(name, *table))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct options opt, defaults;
    char err[160];
    char *line = malloc(size + 1); /* exact: ASan sees any read past the NUL */
    if (!line)
        abort();
    memcpy(line, data, size);
    line[size] = '\0';
    options_init(&defaults);
    int rc = options_parse(line, &opt, err, sizeof err);
    check(rc == 0 || rc == -1, "options_parse returns 0 or -1");
    if (rc != 0) {
        check(err[0] != '\0' && terminated(err, sizeof err), "an error message on failure");
        check(memcmp(&opt, &defaults, sizeof opt) == 0, "defaults again after an error");
    } else {
        check(opt.only_count <= OPT_MAX_PATTERNS && opt.skip_count <= OPT_MAX_PATTERNS, "patterns bounded");
        check(opt.window_count <= OPT_MAX_WINDOWS, "windows bounded");
        check(opt.rounds >= 1 && opt.rounds <= OPT_ROUNDS_MAX, "rounds in 1..100000");
        check(opt.level == LEVEL_REQUIRED || opt.level == LEVEL_STRICT, "level known");
        check(opt.cfg == CFG_AUTO || opt.cfg == CFG_ECAM || opt.cfg == CFG_CF8, "cfg known");
        for (unsigned i = 0; i < opt.only_count; i++)
            check(terminated(opt.only[i], OPT_PATTERN_LEN), "only= pattern terminated");
        for (unsigned i = 0; i < opt.skip_count; i++)
            check(terminated(opt.skip[i], OPT_PATTERN_LEN), "skip= pattern terminated");
        for (unsigned i = 0; i < opt.window_count; i++)
            check(opt.windows[i].base < opt.windows[i].end, "window BASE < END");
        check(terminated(opt.selftest, sizeof opt.selftest), "selftest terminated");
        check(!opt.selftest[0] || in_table(opt.selftest, options_selftest_names),
              "selftest is a known name");
        check(terminated(opt.profile, sizeof opt.profile), "profile terminated");
        check(in_table(opt.profile, options_profile_names), "profile is a known name");
        options_selects(&opt, "decode-toggle", "00:04.0 BAR2 decode-toggle");
        options_selects(&opt, "memory-map", NULL);
        options_selects(&opt, line, line); /* the input itself as a check name */
    }
    free(line);
    return 0;
}
