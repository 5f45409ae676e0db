/* kernel/options.c: what each option sets (the refusals are in
 * test_options_errors.c). */
#include "../../kernel/options.h"
#include "harness.h"

static struct options o;
static char err[200];

static int parse(const char *line)
{
    strcpy(err, "untouched");
    return options_parse(line, &o, err, sizeof err);
}

static void expect_defaults(void)
{
    EXPECT_EQ(o.only_count, 0);
    EXPECT_EQ(o.skip_count, 0);
    EXPECT_EQ(o.level, LEVEL_REQUIRED);
    EXPECT(!o.seed_given);
    EXPECT_EQ(o.rounds, 1);
    EXPECT_EQ(o.window_count, 0);
    EXPECT(!o.bdf_given);
    EXPECT(!o.verbose && !o.latency && !o.list);
    EXPECT_STR(o.selftest, "");
    EXPECT_STR(o.profile, "spec");
    EXPECT_EQ(o.cfg, CFG_AUTO);
}

TEST(options_empty_line_gives_defaults)
{
    EXPECT_EQ(parse(""), 0);
    EXPECT_STR(err, "");
    expect_defaults();
    EXPECT_EQ(parse(NULL), 0);
    expect_defaults();
    EXPECT_EQ(parse(" \t \t"), 0);
    expect_defaults();
}

TEST(options_skip_image_path_in_first_word_only)
{
    EXPECT_EQ(parse("build/barmove32.elf level=strict"), 0);
    EXPECT_EQ(o.level, LEVEL_STRICT);
    EXPECT_EQ(parse("/boot/barmove.elf"), 0);
    expect_defaults();
    /* a path anywhere else is an unknown option */
    EXPECT_EQ(parse("verbose /boot/barmove.elf"), -1);
    EXPECT_STR(err, "unknown option '/boot/barmove.elf'");
    /* a first word with '=' is an option, even with a '/' */
    EXPECT_EQ(parse("only=*/x"), 0);
    EXPECT_STR(o.only[0], "*/x");
    /* a first word without '/' is an option */
    EXPECT_EQ(parse("barmove.elf"), -1);
    EXPECT_STR(err, "unknown option 'barmove.elf'");
}

TEST(options_words_split_on_spaces_and_tabs)
{
    EXPECT_EQ(parse("  verbose\tlatency \t list\r\n"), 0);
    EXPECT(o.verbose && o.latency && o.list);
}

TEST(options_full_line)
{
    EXPECT_EQ(parse("/boot/barmove.elf only=decode-*,move-* skip=*00:05.0* level=strict "
                    "seed=0x1234 rounds=20 window=0x240000000-0x27fffffff bdf=0000:00:04.0 "
                    "verbose latency selftest=tsc-skew profile=spec cfg=cf8"),
              0);
    EXPECT_EQ(o.only_count, 2);
    EXPECT_STR(o.only[0], "decode-*");
    EXPECT_STR(o.only[1], "move-*");
    EXPECT_EQ(o.skip_count, 1);
    EXPECT_STR(o.skip[0], "*00:05.0*");
    EXPECT_EQ(o.level, LEVEL_STRICT);
    EXPECT(o.seed_given);
    EXPECT_EQ(o.seed, 0x1234);
    EXPECT_EQ(o.rounds, 20);
    EXPECT_EQ(o.window_count, 1);
    EXPECT_EQ(o.windows[0].base, 0x240000000);
    EXPECT_EQ(o.windows[0].end, 0x27fffffff);
    EXPECT(o.bdf_given);
    EXPECT_EQ(o.segment, 0);
    EXPECT_EQ(o.bus, 0);
    EXPECT_EQ(o.device, 4);
    EXPECT_EQ(o.function, 0);
    EXPECT(o.verbose && o.latency && !o.list);
    EXPECT_STR(o.selftest, "tsc-skew");
    EXPECT_STR(o.profile, "spec");
    EXPECT_EQ(o.cfg, CFG_CF8);
}

TEST(options_numbers_decimal_and_hex)
{
    EXPECT_EQ(parse("seed=0"), 0);
    EXPECT(o.seed_given);
    EXPECT_EQ(o.seed, 0);
    EXPECT_EQ(parse("seed=18446744073709551615"), 0);
    EXPECT_EQ(o.seed, UINT64_MAX);
    EXPECT_EQ(parse("seed=0xFFFFFFFFFFFFFFFF"), 0);
    EXPECT_EQ(o.seed, UINT64_MAX);
    EXPECT_EQ(parse("seed=010"), 0); /* decimal, not octal */
    EXPECT_EQ(o.seed, 10);
    EXPECT_EQ(parse("seed=0XaB"), 0);
    EXPECT_EQ(o.seed, 0xab);
    EXPECT_EQ(parse("rounds=1"), 0);
    EXPECT_EQ(o.rounds, 1);
    EXPECT_EQ(parse("rounds=100000"), 0);
    EXPECT_EQ(o.rounds, 100000);
    EXPECT_EQ(parse("rounds=0x10"), 0);
    EXPECT_EQ(o.rounds, 16);
}

TEST(options_windows_repeat_up_to_the_max)
{
    EXPECT_EQ(parse("window=4096-8191 window=0x0-0x1 window=0xe0000000-0xefffffff"), 0);
    EXPECT_EQ(o.window_count, 3);
    EXPECT_EQ(o.windows[0].base, 4096);
    EXPECT_EQ(o.windows[0].end, 8191);
    EXPECT_EQ(o.windows[1].base, 0);
    EXPECT_EQ(o.windows[1].end, 1);
    EXPECT_EQ(o.windows[2].end, 0xefffffff);
    EXPECT_EQ(parse("window=1-2 window=3-4 window=5-6 window=7-8 window=9-10 window=11-12 "
                    "window=13-14 window=0xfffffffffffffffe-0xffffffffffffffff"),
              0);
    EXPECT_EQ(o.window_count, OPT_MAX_WINDOWS);
    EXPECT_EQ(o.windows[7].end, UINT64_MAX);
}

TEST(options_bdf_forms)
{
    EXPECT_EQ(parse("bdf=00:1f.7"), 0);
    EXPECT(o.bdf_given);
    EXPECT_EQ(o.segment, 0);
    EXPECT_EQ(o.bus, 0);
    EXPECT_EQ(o.device, 0x1f);
    EXPECT_EQ(o.function, 7);
    EXPECT_EQ(parse("bdf=ffff:FF:1e.3"), 0);
    EXPECT_EQ(o.segment, 0xffff);
    EXPECT_EQ(o.bus, 0xff);
    EXPECT_EQ(o.device, 0x1e);
    EXPECT_EQ(o.function, 3);
    EXPECT_EQ(parse("bdf=1:2:3.4"), 0); /* short fields are fine */
    EXPECT_EQ(o.segment, 1);
    EXPECT_EQ(o.bus, 2);
    EXPECT_EQ(o.device, 3);
    EXPECT_EQ(o.function, 4);
}

TEST(options_level_cfg_profile_selftest_names)
{
    EXPECT_EQ(parse("level=required cfg=ecam"), 0);
    EXPECT_EQ(o.level, LEVEL_REQUIRED);
    EXPECT_EQ(o.cfg, CFG_ECAM);
    for (const char *const *name = options_selftest_names; *name; name++) {
        char line[64];
        strcpy(line, "selftest=");
        strcat(line, *name);
        EXPECT_EQ(parse(line), 0);
        EXPECT_STR(o.selftest, *name);
    }
    EXPECT_EQ(parse("profile=spec"), 0);
    EXPECT_STR(o.profile, "spec");
}

TEST(options_patterns_accumulate_across_words)
{
    EXPECT_EQ(parse("only=a only=b,c skip=d,e skip=f"), 0);
    EXPECT_EQ(o.only_count, 3);
    EXPECT_STR(o.only[2], "c");
    EXPECT_EQ(o.skip_count, 3);
    EXPECT_STR(o.skip[2], "f");
    char line[400] = "only=";
    for (int i = 0; i < OPT_MAX_PATTERNS; i++)
        strcat(line, i ? ",p" : "p");
    EXPECT_EQ(parse(line), 0);
    EXPECT_EQ(o.only_count, OPT_MAX_PATTERNS);
    char longest[100] = "skip=";
    memset(longest + 5, 'x', OPT_PATTERN_LEN - 1);
    longest[5 + OPT_PATTERN_LEN - 1] = '\0';
    EXPECT_EQ(parse(longest), 0);
    EXPECT_EQ(strlen(o.skip[0]), OPT_PATTERN_LEN - 1);
}

TEST(options_selects_by_id_or_whole_description)
{
    const char *desc = "00:04.0 BAR2 decode-toggle";
    EXPECT_EQ(parse(""), 0);
    EXPECT(options_selects(&o, "decode-toggle", desc));
    EXPECT(options_selects(&o, "decode-toggle", NULL));
    EXPECT_EQ(parse("only=decode-*"), 0);
    EXPECT(options_selects(&o, "decode-toggle", desc));
    EXPECT(!options_selects(&o, "move-off-lo-hi", "00:04.0 BAR2 move-off-lo-hi"));
    EXPECT_EQ(parse("only=00:04.0*"), 0); /* matches the description, not the id */
    EXPECT(options_selects(&o, "decode-toggle", desc));
    EXPECT(!options_selects(&o, "decode-toggle", "00:05.0 BAR0 decode-toggle"));
    EXPECT(!options_selects(&o, "decode-toggle", NULL));
    EXPECT_EQ(parse("only=BAR2"), 0); /* a part of the description is not enough */
    EXPECT(!options_selects(&o, "decode-toggle", desc));
}

TEST(options_skip_wins_over_only)
{
    EXPECT_EQ(parse("only=*BAR2* skip=*move*"), 0);
    EXPECT(options_selects(&o, "decode-toggle", "00:04.0 BAR2 decode-toggle"));
    EXPECT(!options_selects(&o, "move-off-lo-hi", "00:04.0 BAR2 move-off-lo-hi"));
    EXPECT(!options_selects(&o, "decode-toggle", "00:04.0 BAR0 decode-toggle"));
    EXPECT_EQ(parse("skip=*00:05.0*,msix-follows"), 0);
    EXPECT(options_selects(&o, "decode-toggle", "00:04.0 BAR2 decode-toggle"));
    EXPECT(!options_selects(&o, "decode-toggle", "00:05.0 BAR2 decode-toggle"));
    EXPECT(!options_selects(&o, "msix-follows", "00:04.0 BAR1 msix-follows"));
}
