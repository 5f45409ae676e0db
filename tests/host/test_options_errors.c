/* kernel/options.c: every malformed line is refused, names the offending
 * word, and leaves the defaults behind (never a half-parsed result). */
#include "../../kernel/options.h"
#include "harness.h"

static struct options o;
static char err[320];

/* parses line, expecting a refusal with exactly message want */
#define REFUSED(line, want)                                          \
    do {                                                             \
        EXPECT_EQ(options_parse((line), &o, err, sizeof err), -1);   \
        EXPECT_STR(err, (want));                                     \
        EXPECT(o.level == LEVEL_REQUIRED && o.only_count == 0 &&     \
               !o.verbose && o.rounds == 1 && o.window_count == 0);  \
    } while (0)

TEST(options_unknown_words)
{
    REFUSED("foo=1", "unknown option 'foo=1'");
    REFUSED("verbose foo", "unknown option 'foo'");
    REFUSED("=x", "unknown option '=x'");
    REFUSED("Verbose", "unknown option 'Verbose'");
    REFUSED("only", "'only': needs a value (NAME=VALUE)");
    REFUSED("onlyx=a", "unknown option 'onlyx=a'");
}

TEST(options_flags_take_no_value)
{
    REFUSED("verbose=1", "'verbose=1': takes no value");
    REFUSED("latency=", "'latency=': takes no value");
    REFUSED("list=yes", "'list=yes': takes no value");
}

TEST(options_single_valued_given_twice)
{
    REFUSED("seed=1 seed=1", "'seed=1': given twice");
    REFUSED("level=strict level=required", "'level=required': given twice");
    REFUSED("rounds=2 verbose rounds=3", "'rounds=3': given twice");
    REFUSED("verbose verbose", "'verbose': given twice");
    REFUSED("bdf=00:04.0 bdf=00:04.0", "'bdf=00:04.0': given twice");
    REFUSED("cfg=ecam cfg=cf8", "'cfg=cf8': given twice");
    REFUSED("selftest=fail selftest=skip", "'selftest=skip': given twice");
    REFUSED("profile=spec profile=spec", "'profile=spec': given twice");
}

TEST(options_values_missing_or_empty)
{
    REFUSED("seed", "'seed': needs a value (NAME=VALUE)");
    REFUSED("seed=", "'seed=': empty value");
    REFUSED("only=", "'only=': empty value");
    REFUSED("window=", "'window=': empty value");
}

TEST(options_bad_numbers)
{
    REFUSED("seed=0x", "'seed=0x': not a number (decimal or 0x-hex)");
    REFUSED("seed=12a", "'seed=12a': not a number (decimal or 0x-hex)");
    REFUSED("seed=-1", "'seed=-1': not a number (decimal or 0x-hex)");
    REFUSED("seed=+1", "'seed=+1': not a number (decimal or 0x-hex)");
    REFUSED("seed=0xg", "'seed=0xg': not a number (decimal or 0x-hex)");
    REFUSED("seed=18446744073709551616", "'seed=18446744073709551616': number does not fit in 64 bits");
    REFUSED("seed=0x10000000000000000", "'seed=0x10000000000000000': number does not fit in 64 bits");
    REFUSED("rounds=0", "'rounds=0': rounds out of range 1..100000");
    REFUSED("rounds=100001", "'rounds=100001': rounds out of range 1..100000");
    REFUSED("rounds=4294967297", "'rounds=4294967297': rounds out of range 1..100000");
}

TEST(options_bad_windows)
{
    REFUSED("window=0x2000-0x1000", "'window=0x2000-0x1000': end below base");
    REFUSED("window=0x1000-0x1000",
            "'window=0x1000-0x1000': end equals base (END is inclusive and must be above BASE)");
    REFUSED("window=0x1000", "'window=0x1000': expected window=BASE-END");
    REFUSED("window=-0x1000", "'window=-0x1000': not a number (decimal or 0x-hex)");
    REFUSED("window=0x1000-", "'window=0x1000-': not a number (decimal or 0x-hex)");
    REFUSED("window=1-2-3", "'window=1-2-3': not a number (decimal or 0x-hex)");
    REFUSED("window=1-0x1ffffffffffffffff",
            "'window=1-0x1ffffffffffffffff': number does not fit in 64 bits");
    REFUSED("window=1-2 window=3-4 window=5-6 window=7-8 window=9-10 window=11-12 "
            "window=13-14 window=15-16 window=17-18",
            "'window=17-18': more than 8 windows");
}

TEST(options_bad_bdf)
{
    const char *form = "expected bdf=[SSSS:]BB:DD.F in hex";
    const char *bad[] = {"bdf=00:04", "bdf=04.0", "bdf=00:04.", "bdf=:04.0", "bdf=00:.0",
                         "bdf=00:04.00", "bdf=100:04.0", "bdf=00:004.0", "bdf=10000:00:04.0",
                         "bdf=0:0:0:04.0", "bdf=00:0g.0", "bdf=0x0:04.0", "bdf=00:04.0.1",
                         "bdf=:00:04.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[120];
        strcpy(want, "'");
        strcat(want, bad[i]);
        strcat(want, "': ");
        strcat(want, form);
        REFUSED(bad[i], want);
    }
    REFUSED("bdf=00:20.0", "'bdf=00:20.0': device above 0x1f");
    REFUSED("bdf=00:04.8", "'bdf=00:04.8': function above 7");
}

TEST(options_bad_names_list_the_valid_ones)
{
    REFUSED("level=lenient", "'level=lenient': expected level=required or level=strict");
    REFUSED("cfg=auto", "'cfg=auto': expected cfg=ecam or cfg=cf8");
    REFUSED("cfg=ECAM", "'cfg=ECAM': expected cfg=ecam or cfg=cf8");
    REFUSED("selftest=panic",
            "'selftest=panic': unknown selftest, expected one of fault, hang, probe-hang, "
            "fail, skip, todo, verdicts, tsc-skew, bootinfo-dump, acpi-dump, no-restore, step-fault, step-hang, step-probe-hang, step-triple-fault, acpi-bad-checksum, acpi-bad-length, memmap-hostile");
    REFUSED("selftest=faults", "'selftest=faults': unknown selftest, expected one of fault, "
                               "hang, probe-hang, fail, skip, todo, verdicts, tsc-skew, bootinfo-dump, acpi-dump, no-restore, step-fault, step-hang, step-probe-hang, step-triple-fault, acpi-bad-checksum, acpi-bad-length, memmap-hostile");
    REFUSED("profile=qemu-7.2", "'profile=qemu-7.2': unknown profile, expected one of spec, hyperv, xen-vpci");
}

TEST(options_bad_patterns)
{
    REFUSED("only=a,,b", "'only=a,,b': empty pattern");
    REFUSED("only=a,", "'only=a,': empty pattern");
    REFUSED("skip=,a", "'skip=,a': empty pattern");
    char line[200] = "only=";
    memset(line + 5, 'x', OPT_PATTERN_LEN);
    line[5 + OPT_PATTERN_LEN] = '\0';
    char want[300];
    strcpy(want, "'");
    strcat(want, line);
    strcat(want, "': pattern longer than 63 characters");
    REFUSED(line, want);
    REFUSED("only=a,b,c,d,e,f,g,h only=i,j,k,l,m,n,o,p skip=x only=q",
            "'only=q': more than 16 patterns");
    REFUSED("skip=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
            "'skip=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17': more than 16 patterns");
}

TEST(options_long_word_is_quoted_shortened)
{
    static char line[5000];
    memset(line, 'z', sizeof line - 1);
    memcpy(line, "only=", 5);
    EXPECT_EQ(options_parse(line, &o, err, sizeof err), -1);
    EXPECT(strncmp(err, "'only=zzz", 9) == 0);
    EXPECT(strstr(err, "...': pattern longer than 63 characters") != NULL);
    EXPECT(strlen(err) < 120);
    memcpy(line, "bogus=", 6);
    EXPECT_EQ(options_parse(line, &o, err, sizeof err), -1);
    EXPECT(strncmp(err, "unknown option 'bogus=zzz", 25) == 0);
}

TEST(options_error_fits_small_or_absent_buffer)
{
    char tiny[8];
    EXPECT_EQ(options_parse("foo", &o, tiny, sizeof tiny), -1);
    EXPECT_STR(tiny, "unknown");
    EXPECT_EQ(options_parse("foo", &o, NULL, 0), -1);
    EXPECT_EQ(options_parse("verbose", &o, NULL, 0), 0);
    EXPECT(o.verbose);
}
