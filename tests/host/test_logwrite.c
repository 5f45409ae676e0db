/* tools/logwrite.c: JUnit XML and TAP 13 from a parsed log. The schema check
 * itself (xmllint against tools/junit-10.xsd) runs in the check scripts. */
#include <stdio.h>
#include <stdlib.h>

#include "../../tools/logparse.h"
#include "harness.h"

/* everything written to f so far, as a string (free it) */
static char *read_back(FILE *f)
{
    long n = ftell(f);
    char *text = calloc(1, n > 0 ? (size_t)n + 1 : 1);
    rewind(f);
    if (text && n > 0 && fread(text, 1, (size_t)n, f) != (size_t)n)
        text[0] = '\0';
    fclose(f);
    return text;
}

static char *escaped(const char *s, bool attribute)
{
    FILE *f = tmpfile();
    log_xml_escape(f, s, attribute);
    return read_back(f);
}

TEST(logwrite_xml_escaping)
{
    char *text = escaped("a&b<c>\"d\x01\t\n\x7f\xc3", false);
    char *attr = escaped("a&b<c>\"d\x01\t\n\x7f\xc3", true);
    EXPECT_STR(text, "a&amp;b&lt;c&gt;\"d\\x01\t\n\\x7f\\xc3");
    EXPECT_STR(attr, "a&amp;b&lt;c&gt;&quot;d\\x01&#9;&#10;\\x7f\\xc3");
    free(text);
    free(attr);
}

static void expect_split(const char *desc, const char *want_class, const char *want_name)
{
    char classname[64], name[64];
    log_split_desc(desc, classname, sizeof classname, name, sizeof name);
    EXPECT_STR(classname, want_class);
    EXPECT_STR(name, want_name);
}

TEST(logwrite_classname_is_bdf_and_bar)
{
    expect_split("00:04.0 BAR2 decode-toggle", "00:04.0 BAR2", "decode-toggle");
    expect_split("0001:00:04.0 BAR0 move-off-lo-hi", "0001:00:04.0 BAR0", "move-off-lo-hi");
    expect_split("00:1f.3 enum-matches-qemu", "00:1f.3", "enum-matches-qemu");
    expect_split("ecam-matches-cf8", "barmove", "ecam-matches-cf8");
    expect_split("tsc calibrated against pm timer", "barmove", "tsc calibrated against pm timer");
    expect_split("00:04.0", "barmove", "00:04.0");
    expect_split("00:04.9 BAR2 x", "barmove", "00:04.9 BAR2 x"); /* function 9 is no BDF */
}

#define LOG                                                                            \
    "TAP version 14\n# barmove 0.1 hv=<none>\n1..5\nok 1 - 00:04.0 BAR2 decode-toggle\n" \
    "not ok 2 - 00:05.0 BAR0 move-off-lo-hi\n  ---\n  observed: answers at 0x1 & <0x2>\n" \
    "  ...\nok 3 - 00:03.0 BAR2 decode-toggle # SKIP no probe \"here\"\n"                 \
    "not ok 4 - ecam-matches-cf8 # TODO profile=bochs\n"                                   \
    "# running 5 - 00:06.0 BAR4 selftest-hang\n"

static char *junit_of(const char *log, const struct log_run *run)
{
    struct log_parse p;
    struct log_result r;
    log_parse_whole(&p, log, strlen(log));
    log_judge(&p, run, &r);
    FILE *f = tmpfile();
    log_write_junit(f, "q35-tcg", &p, &r);
    log_parse_free(&p);
    return read_back(f);
}

TEST(logwrite_junit_end_to_end)
{
    const struct log_run timed_out = {.timed_out = true};
    char *xml = junit_of(LOG, &timed_out);
    static const char *const markers[] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<testsuite name=\"q35-tcg\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"2\">",
        "<testcase classname=\"00:04.0 BAR2\" name=\"decode-toggle\"/>",
        "<testcase classname=\"00:05.0 BAR0\" name=\"move-off-lo-hi\"><failure message=\"not ok "
        "2 - 00:05.0 BAR0 move-off-lo-hi\">observed: answers at 0x1 &amp; &lt;0x2&gt;\n</failure>",
        "<skipped message=\"no probe &quot;here&quot;\"/>",
        "<testcase classname=\"barmove\" name=\"ecam-matches-cf8\"><skipped message=\"todo: "
        "profile=bochs\"/>",
        "<testcase classname=\"00:06.0 BAR4\" name=\"selftest-hang\"><error message=\"timeout: "
        "timed out in check 5 - 00:06.0 BAR4 selftest-hang\"/>",
        "<system-out># barmove 0.1 hv=&lt;none&gt;\n</system-out>",
        "</testsuite>\n",
    };
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        EXPECT(xml && strstr(xml, markers[i]));
        if (xml && !strstr(xml, markers[i]))
            printf("  # missing: %s\n", markers[i]);
    }
    free(xml);
}

TEST(logwrite_junit_inconsistent_log_is_an_error)
{
    char *xml = junit_of("TAP version 14\n1..1\nok 1 - a\nbarmove: 2 passed, 0 failed, 0 skipped,"
                         " 0 todo\n", &(struct log_run){0});
    EXPECT(xml && strstr(xml, "tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"0\""));
    EXPECT(xml && strstr(xml, "<testcase classname=\"barmove\" name=\"run\"><error message=\"fail:"
                              " the summary says 2 passed"));
    free(xml);
}

static char *tap13_of(const char *log)
{
    struct log_parse p;
    struct log_result r;
    log_parse_whole(&p, log, strlen(log));
    log_judge(&p, &(struct log_run){0}, &r);
    FILE *f = tmpfile();
    log_write_tap13(f, &p, &r);
    log_parse_free(&p);
    return read_back(f);
}

TEST(logwrite_tap13_for_prove)
{
    char *complete = tap13_of("junk\r\nTAP version 14\r\n# c\r\n1..1\r\nnot ok 1 - a\r\n  ---\r\n"
                              "  x: 1\r\n  ...\r\nbarmove: 0 passed, 1 failed, 0 skipped, 0 todo\r\n");
    EXPECT_STR(complete, "TAP version 13\n# c\n1..1\nnot ok 1 - a\n  ---\n  x: 1\n  ...\n"
                         "# barmove: 0 passed, 1 failed, 0 skipped, 0 todo\n");
    char *cut = tap13_of("TAP version 14\n1..2\nok 1 - a\n# running 2 - b\n");
    EXPECT_STR(cut, "TAP version 13\n1..2\nok 1 - a\n# running 2 - b\n"
                    "Bail out! truncated: log ends in check 2 - b\n");
    free(complete);
    free(cut);
}
