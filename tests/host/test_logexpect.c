/* tools/logexpect.c: expected-verdict files, and a log compared with one. */
#include <stdio.h>
#include <stdlib.h>

#include "../../tools/logexpect.h"
#include "harness.h"

#define ROW_VGA "00:02.0 BAR0 decode-toggle not-ok cmd-readonly iodev/display/vga.cc:pci_write_handler COMMAND is read-only\n"
#define ROW_XHCI "00:06.0 BAR0 cross-4g not-ok high-dword-ignored iodev/usb/usb_xhci.cc upper dword reads 0\n"
#define LOG_HEAD "TAP version 14\n1..3\n"
#define VGA_FAILS "not ok 1 - 00:02.0 BAR0 decode-toggle\n  ---\n  message: x\n  class: cmd-write-lost, cmd-readonly\n  ...\n"
#define XHCI_FAILS "not ok 2 - 00:06.0 BAR0 cross-4g\n  ---\n  class: high-dword-ignored\n  ...\n"
#define E1000_OK "ok 3 - 00:03.0 BAR0 decode-toggle\n"
#define LOG_TAIL "barmove: 1 passed, 2 failed, 0 skipped, 0 todo\n"

static bool parse_rows(struct expect_file *f, const char *text)
{
    return expect_parse(f, text, strlen(text));
}

/* compares text (a log) with rows; the report goes to a buffer */
static bool compare(const char *rows, const char *log, struct expect_outcome *o, char *report,
                    size_t size)
{
    struct expect_file f;
    struct log_parse p;
    EXPECT(parse_rows(&f, rows));
    log_parse_whole(&p, log, strlen(log));
    FILE *out = fmemopen(report, size, "w");
    bool ok = expect_compare(&f, &p, out, o);
    fclose(out);
    log_parse_free(&p);
    expect_free(&f);
    return ok;
}

TEST(logexpect_parses_rows_and_comments)
{
    struct expect_file f;
    EXPECT(parse_rows(&f, "# comment\n\n  " ROW_VGA ROW_XHCI
                          "00:03.0 BAR0 size-on skip - iodev/network/e1000.cc why\r\n"));
    EXPECT_EQ(f.count, 3);
    EXPECT_STR(f.rows[0].desc, "00:02.0 BAR0 decode-toggle");
    EXPECT_EQ(f.rows[0].class_count, 1);
    EXPECT_STR(f.rows[0].classes[0], "cmd-readonly");
    EXPECT_STR(f.rows[0].reason, "COMMAND is read-only");
    EXPECT_EQ(f.rows[2].verdict, EXPECT_SKIP);
    EXPECT_EQ(f.rows[2].class_count, 0);
    EXPECT_STR(f.rows[2].reason, "why");
    expect_free(&f);
}

TEST(logexpect_refuses_malformed_rows)
{
    static const char *const bad[] = {
        "00:02.0 BAR0 decode-toggle not-ok cmd-readonly iodev/display/vga.cc\n", /* no reason */
        "0:02.0 BAR0 decode-toggle not-ok cmd-readonly iodev/display/vga.cc why\n",
        "00:02.0 BAR7 decode-toggle not-ok cmd-readonly iodev/display/vga.cc why\n",
        "00:02.0 BAR0 decode-toggle failed cmd-readonly iodev/display/vga.cc why\n",
        "00:02.0 BAR0 decode-toggle not-ok cmd-readonly, iodev/display/vga.cc why\n",
        "00:02.0 BAR0 decode-toggle not-ok cmd-readonly because it is\n", /* no source file */
        ROW_VGA ROW_VGA,                                                 /* listed twice */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct expect_file f;
        EXPECT(!parse_rows(&f, bad[i]));
        EXPECT(strncmp(f.error, "line ", 5) == 0);
        expect_free(&f);
    }
}

TEST(logexpect_matches_a_run_as_listed)
{
    struct expect_outcome o;
    char report[1024];
    EXPECT(compare(ROW_VGA ROW_XHCI, LOG_HEAD VGA_FAILS XHCI_FAILS E1000_OK LOG_TAIL, &o, report,
                   sizeof report));
    EXPECT_EQ(o.matched, 2);
    EXPECT_STR(report, "verdicts: 2 as listed, 0 lost, 0 unlisted\n");
}

TEST(logexpect_reports_a_listed_failure_that_passed)
{
    struct expect_outcome o;
    char report[1024];
    EXPECT(!compare(ROW_VGA ROW_XHCI,
                    LOG_HEAD "ok 1 - 00:02.0 BAR0 decode-toggle\n" XHCI_FAILS E1000_OK LOG_TAIL,
                    &o, report, sizeof report));
    EXPECT_EQ(o.lost, 1);
    EXPECT(strstr(report, "verdicts: lost 00:02.0 BAR0 decode-toggle: listed as not ok") != NULL);
}

TEST(logexpect_reports_a_failure_without_the_listed_class)
{
    struct expect_outcome o;
    char report[1024];
    const char *log = LOG_HEAD VGA_FAILS
        "not ok 2 - 00:06.0 BAR0 cross-4g\n  ---\n  class: move-refused\n  ...\n" E1000_OK LOG_TAIL;
    EXPECT(!compare(ROW_VGA ROW_XHCI, log, &o, report, sizeof report));
    EXPECT_EQ(o.lost, 1);
    EXPECT(strstr(report, "does not name high-dword-ignored") != NULL);
    EXPECT(strstr(report, "it names: move-refused") != NULL);
}

TEST(logexpect_class_names_match_whole_ids_only)
{
    struct expect_outcome o;
    char report[1024];
    const char *log = LOG_HEAD VGA_FAILS
        "not ok 2 - 00:06.0 BAR0 cross-4g\n  ---\n  class: high-dword-ignored-x\n  ...\n" E1000_OK LOG_TAIL;
    EXPECT(!compare(ROW_VGA ROW_XHCI, log, &o, report, sizeof report));
    EXPECT_EQ(o.lost, 1);
}

TEST(logexpect_reports_an_unlisted_failure_and_a_missing_check)
{
    struct expect_outcome o;
    char report[2048];
    const char *log = LOG_HEAD VGA_FAILS
        "not ok 3 - 00:03.0 BAR0 decode-toggle\n  ---\n  class: mse-clear-keeps-mapping\n  ...\n" LOG_TAIL;
    EXPECT(!compare(ROW_VGA ROW_XHCI, log, &o, report, sizeof report));
    EXPECT_EQ(o.lost, 1);     /* xHCI cross-4g is not in the log at all */
    EXPECT_EQ(o.unlisted, 1); /* e1000 decode-toggle */
    EXPECT(strstr(report, "lost 00:06.0 BAR0 cross-4g: listed (line 2), but the log has no such check") != NULL);
    EXPECT(strstr(report, "unlisted 00:03.0 BAR0 decode-toggle: not ok (class: mse-clear-keeps-mapping)") != NULL);
}

TEST(logexpect_accepts_later_classes_and_whole_machine_rows)
{
    struct expect_outcome o;
    char report[1024];
    const char *rows = "- - pack-tight not-ok coarse-block-overlap memory/misc_mem.cc 64 KiB blocks\n";
    const char *log = "TAP version 14\n1..1\nnot ok 1 - pack-tight\n  ---\n  class: mse-clear-keeps-mapping\n"
                      "  later_class: map-while-dark, coarse-block-overlap\n  ...\n"
                      "barmove: 0 passed, 1 failed, 0 skipped, 0 todo\n";
    EXPECT(compare(rows, log, &o, report, sizeof report));
    EXPECT_EQ(o.matched, 1);
}
