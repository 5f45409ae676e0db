/* tools/logparse.c and tools/logverdict.c: serial logs in, one verdict line out. */
#include <stdio.h>

#include "../../tools/logparse.h"
#include "harness.h"

#define HEAD "TAP version 14\n# barmove 0.1 hv=TCG\n"
#define PASS2 "1..2\nok 1 - 00:04.0 BAR2 decode-toggle\nok 2 - 00:04.0 BAR2 move-up\n"
#define COMPLETE_PASS HEAD PASS2 "barmove: 2 passed, 0 failed, 0 skipped, 0 todo\n"

static const struct log_run no_run_info;

static void parse(struct log_parse *p, const char *text)
{
    log_parse_whole(p, text, strlen(text));
}

/* the verdict line for suite "t"; *verdict gets the verdict */
static void judge_line(const char *text, const struct log_run *run, char *line, size_t size,
                       enum log_verdict *verdict)
{
    struct log_parse p;
    struct log_result r;
    parse(&p, text);
    log_judge(&p, run, &r);
    log_format_verdict(line, size, "t", &p, &r);
    *verdict = r.verdict;
    log_parse_free(&p);
}

static void expect_line(const char *text, const struct log_run *run, const char *want,
                        enum log_verdict want_verdict)
{
    char line[2048];
    enum log_verdict got;
    judge_line(text, run, line, sizeof line, &got);
    EXPECT_STR(line, want);
    EXPECT_EQ(got, want_verdict);
}

TEST(logparse_complete_pass)
{
    expect_line(COMPLETE_PASS, &no_run_info, "t: pass: 2 passed, 0 failed, 0 skipped, 0 todo",
                LOG_PASS);
    EXPECT_EQ(log_verdict_exit_code(LOG_PASS), 0);
}

TEST(logparse_failed_points_are_listed)
{
    expect_line(HEAD "1..6\nnot ok 1 - a\n  ---\n  observed: x\n  ...\nnot ok 2 - b\n"
                     "not ok 3 - c\nnot ok 4 - d\nnot ok 5 - e\nok 6 - f\n"
                     "barmove: 1 passed, 5 failed, 0 skipped, 0 todo\n",
                &no_run_info,
                "t: fail: 1 passed, 5 failed, 0 skipped, 0 todo; failed: a, b, c and 2 more",
                LOG_FAIL);
    EXPECT_EQ(log_verdict_exit_code(LOG_FAIL), 1);
}

TEST(logparse_skip_todo_and_yaml)
{
    struct log_parse p;
    parse(&p, HEAD "1..3\nok 1 - a # SKIP no probe for this BAR\n"
                   "not ok 2 - b # TODO profile=bochs ignores MSE\n  ---\n  step: 1/2\n"
                   "  expected: x\n  ...\nok 3 - c\nbarmove: 1 passed, 0 failed, 1 skipped, 1 todo\n");
    EXPECT_EQ(p.problems, 0);
    EXPECT_EQ(p.count, 3);
    EXPECT_EQ(p.points[0].outcome, LOG_SKIP);
    EXPECT_STR(p.points[0].reason, "no probe for this BAR");
    EXPECT_EQ(p.points[1].outcome, LOG_TODO);
    EXPECT_STR(p.points[1].desc, "b");
    EXPECT_STR(p.points[1].reason, "profile=bochs ignores MSE");
    EXPECT_STR(p.points[1].yaml, "step: 1/2\nexpected: x\n");
    EXPECT(p.points[2].yaml == NULL);
    log_parse_free(&p);
    expect_line(HEAD "1..3\nok 1 - a # SKIP r\nnot ok 2 - b # TODO r\nok 3 - c\n"
                     "barmove: 1 passed, 0 failed, 1 skipped, 1 todo\n",
                &no_run_info, "t: pass: 1 passed, 0 failed, 1 skipped, 1 todo", LOG_PASS);
}

TEST(logparse_all_skipped_is_nothing)
{
    expect_line(HEAD "1..1\nok 1 - a # SKIP no device\nbarmove: 0 passed, 0 failed, 1 skipped, 0 todo\n",
                &no_run_info, "t: nothing: 0 passed, 0 failed, 1 skipped, 0 todo", LOG_NOTHING);
    EXPECT_EQ(log_verdict_exit_code(LOG_NOTHING), 3);
    /* a TODO ran (and failed as expected): the kernel exits 0, so does the checker */
    expect_line(HEAD "1..2\nok 1 - a # SKIP no device\nnot ok 2 - b # TODO strict: x\n"
                     "barmove: 0 passed, 0 failed, 1 skipped, 1 todo\n",
                &no_run_info, "t: pass: 0 passed, 0 failed, 1 skipped, 1 todo", LOG_PASS);
}

TEST(logparse_crlf_and_junk_before_version)
{
    expect_line("\x1b[2J\x1b[HSeaBIOS (version 1.16)\r\nok 1 - not ours\r\nBail out! grub\r\n"
                "\x1b[0m\x1b[30;47mTAP version 14\r\n1..1\r\nok 1 - a\r\n"
                "barmove: 1 passed, 0 failed, 0 skipped, 0 todo\r\n",
                &no_run_info, "t: pass: 1 passed, 0 failed, 0 skipped, 0 todo", LOG_PASS);
}

TEST(logparse_truncated_names_the_running_check)
{
    expect_line(HEAD "1..4\nok 1 - a\nok 2 - b\n# running 3 - 00:05.0 BAR0 move-off-lo-hi\n",
                &no_run_info,
                "t: truncated: 2 passed, 0 failed, 0 skipped, 0 todo; "
                "log ends in check 3 - 00:05.0 BAR0 move-off-lo-hi",
                LOG_TRUNCATED);
    expect_line(HEAD "1..4\nok 1 - a\nok 2 - b\n", &no_run_info,
                "t: truncated: 2 passed, 0 failed, 0 skipped, 0 todo; log ends after check 2 - b",
                LOG_TRUNCATED);
    expect_line(HEAD "1..4\n", &no_run_info,
                "t: truncated: 0 passed, 0 failed, 0 skipped, 0 todo; "
                "log ends before the first check",
                LOG_TRUNCATED);
    EXPECT_EQ(log_verdict_exit_code(LOG_TRUNCATED), 2);
}

TEST(logparse_bail_out_names_the_check)
{
    expect_line(HEAD "1..4\nok 1 - a\n# running 2 - selftest-fault\n"
                     "Bail out! exception #UD at rip=0x0000000000101234\n",
                &no_run_info,
                "t: bail: 1 passed, 0 failed, 0 skipped, 0 todo; bail out in check 2 - "
                "selftest-fault: exception #UD at rip=0x0000000000101234",
                LOG_BAIL);
    expect_line(HEAD "Bail out! unknown option frob=1\n", &no_run_info,
                "t: bail: 0 passed, 0 failed, 0 skipped, 0 todo; bail out before the first "
                "check: unknown option frob=1",
                LOG_BAIL);
    /* the verdict line stays one printable line whatever the log carried */
    expect_line(HEAD "Bail out! a\x01" "b\rc\xff\n", &no_run_info,
                "t: bail: 0 passed, 0 failed, 0 skipped, 0 todo; bail out before the first "
                "check: a?b?c?",
                LOG_BAIL);
}

TEST(logparse_timeout)
{
    /* the status of a killed emulator (124 from timeout(1), 137 after SIGKILL) is no news */
    const struct log_run timed_out = {.timed_out = true, .has_exit_status = true, .exit_status = 137};
    expect_line(HEAD "1..4\nok 1 - a\n# running 2 - selftest-hang\n", &timed_out,
                "t: timeout: 1 passed, 0 failed, 0 skipped, 0 todo; "
                "timed out in check 2 - selftest-hang",
                LOG_TIMEOUT);
    /* a complete log, but the guest never exited */
    expect_line(COMPLETE_PASS, &timed_out,
                "t: timeout: 2 passed, 0 failed, 0 skipped, 0 todo; "
                "timed out after the summary line: the guest did not exit",
                LOG_TIMEOUT);
}

TEST(logparse_empty)
{
    expect_line("", &no_run_info, "t: empty: 0 passed, 0 failed, 0 skipped, 0 todo; the log is empty",
                LOG_EMPTY);
    expect_line("SeaBIOS\r\nBooting from ROM...\r\n", &no_run_info,
                "t: empty: 0 passed, 0 failed, 0 skipped, 0 todo; "
                "no \"TAP version 14\" line in 2 lines of output",
                LOG_EMPTY);
    expect_line("SeaBIOS\r\n", &(struct log_run){.timed_out = true},
                "t: empty: 0 passed, 0 failed, 0 skipped, 0 todo; "
                "no \"TAP version 14\" line in 1 line of output; timed out",
                LOG_EMPTY);
    EXPECT_EQ(log_verdict_exit_code(LOG_EMPTY), 2);
}

/* every inconsistency makes a complete run fail and says why */
static void expect_problem(const char *body, const char *want_detail)
{
    char text[1024], want[1024], line[2048];
    enum log_verdict got;
    snprintf(text, sizeof text, HEAD "%s", body);
    judge_line(text, &no_run_info, line, sizeof line, &got);
    EXPECT_EQ(got, LOG_FAIL);
    snprintf(want, sizeof want, "; %s", want_detail);
    EXPECT(strstr(line, want) != NULL);
    if (!strstr(line, want))
        printf("  # line: %s\n  # want: %s\n", line, want_detail);
}

TEST(logparse_count_mismatches)
{
    expect_problem(PASS2 "barmove: 3 passed, 0 failed, 0 skipped, 0 todo\n",
                   "the summary says 3 passed, 0 failed, 0 skipped, 0 todo; the points say 2, 0, 0, 0");
    expect_problem("1..3\nok 1 - a\nok 2 - b\nbarmove: 2 passed, 0 failed, 0 skipped, 0 todo\n",
                   "plan 1..3 but 2 test points");
    expect_problem("ok 1 - a\nbarmove: 1 passed, 0 failed, 0 skipped, 0 todo\n",
                   "a complete run without a plan line");
    expect_problem("1..2\nok 1 - a\nok 3 - b\nbarmove: 2 passed, 0 failed, 0 skipped, 0 todo\n",
                   "line 5: test point 3 out of sequence (expected 2)");
    expect_problem(PASS2 "barmove: 2 passed, 0 failed, 0 skipped\n", "line 6: malformed summary line");
}

TEST(logparse_lines_the_reporter_cannot_write)
{
    expect_problem("1..2\nok 1 - 00:04.0 BAR2 Decode-Toggle\nok 2 - 00:04.0 bar2 decode_toggle\n"
                   "barmove: 2 passed, 0 failed, 0 skipped, 0 todo\n",
                   "line 5: duplicate description \"00:04.0 bar2 decode_toggle\" "
                   "(as 00_04_0_bar2_decode_toggle, like point 1)");
    expect_problem("1..1\nok 1 - a #GP b\nbarmove: 1 passed, 0 failed, 0 skipped, 0 todo\n",
                   "line 4: '#' in a description");
    expect_problem("1..1\nnot ok 1 - a # SKIP r\nbarmove: 0 passed, 1 failed, 0 skipped, 0 todo\n",
                   "line 4: not ok with SKIP");
    expect_problem("1..1\n# running 1 - a\nok 1 - b\nbarmove: 1 passed, 0 failed, 0 skipped, 0 todo\n",
                   "line 5: point 1 - b reported while check 1 - a was running");
    expect_problem("1..1\nok 1 - a\nTAP version 14\nbarmove: 1 passed, 0 failed, 0 skipped, 0 todo\n",
                   "line 5: a second version line (did the guest restart?)");
}

TEST(logparse_problems_found_are_counted)
{
    struct log_parse p;
    parse(&p, HEAD "1..1\nok 1 - a\nok 1 - a\nbarmove: 2 passed, 0 failed, 0 skipped, 0 todo\n"
                   "ok 3 - c\n");
    EXPECT_STR(p.problem, "line 5: test point 1 out of sequence (expected 2)");
    EXPECT(p.problems >= 4); /* duplicate, after the end, plan, summary */
    log_parse_free(&p);
}

TEST(logparse_exit_status_mapping)
{
    EXPECT_EQ(log_guest_exit_code(1), 0); /* (code << 1) | 1 */
    EXPECT_EQ(log_guest_exit_code(3), 1);
    EXPECT_EQ(log_guest_exit_code(5), 2);
    EXPECT_EQ(log_guest_exit_code(7), 3);
    EXPECT_EQ(log_guest_exit_code(0), -1); /* reset or triple fault under -no-reboot */
    EXPECT_EQ(log_guest_exit_code(2), -1);
    struct log_run run = {.has_exit_status = true, .exit_status = 1};
    expect_line(COMPLETE_PASS, &run, "t: pass: 2 passed, 0 failed, 0 skipped, 0 todo", LOG_PASS);
    run.exit_status = 7;
    expect_line(COMPLETE_PASS, &run,
                "t: fail: 2 passed, 0 failed, 0 skipped, 0 todo; "
                "exit code 3 disagrees with the log's verdict pass",
                LOG_FAIL);
    run.exit_status = 5;
    expect_line(HEAD "Bail out! x\n", &run,
                "t: bail: 0 passed, 0 failed, 0 skipped, 0 todo; bail out before the first check: x",
                LOG_BAIL);
}

TEST(logparse_exit_not_through_debug_exit)
{
    struct log_run run = {.has_exit_status = true, .exit_status = 0};
    /* a complete log on an emulator that powered off through ACPI */
    expect_line(COMPLETE_PASS, &run, "t: pass: 2 passed, 0 failed, 0 skipped, 0 todo", LOG_PASS);
    expect_line(HEAD "1..2\n# running 1 - selftest-triple-fault\n", &run,
                "t: truncated: 0 passed, 0 failed, 0 skipped, 0 todo; log ends in check 1 - "
                "selftest-triple-fault; exit status 0: the guest did not exit through isa-debug-exit",
                LOG_TRUNCATED);
}

/* "# step N/M NAME" lines name the step a dying guest or emulator was in */
TEST(logparse_names_the_step_where_the_run_ended)
{
    const char *log = HEAD "1..4\nok 1 - a\n# running 2 - 00:03.0 BAR2 move-dark\n# step 1/9 MSE off\n"
                           "# step 2/9 write low\n";
    expect_line(log, &no_run_info,
                "t: truncated: 1 passed, 0 failed, 0 skipped, 0 todo; "
                "log ends in check 2 - 00:03.0 BAR2 move-dark, step 2/9 write low",
                LOG_TRUNCATED);
    const struct log_run died = {.emulator_died = true};
    expect_line(log, &died,
                "t: truncated: 1 passed, 0 failed, 0 skipped, 0 todo; "
                "emulator died in check 2 - 00:03.0 BAR2 move-dark, step 2/9 write low",
                LOG_TRUNCATED);
    const struct log_run timed_out = {.timed_out = true};
    expect_line(log, &timed_out,
                "t: timeout: 1 passed, 0 failed, 0 skipped, 0 todo; "
                "timed out in check 2 - 00:03.0 BAR2 move-dark, step 2/9 write low",
                LOG_TIMEOUT);
    /* killed while the point line was written: the cut line is no point (seen
     * once in emulator-killed-named: "point 18 - ... dec reported while check 18 -
     * ... decode-toggle-width was running") */
    expect_line(HEAD "1..4\nok 1 - a\n# running 2 - 00:01.0 BAR0 decode-toggle-width\n# step 4/4 MSE on\n"
                     "ok 2 - 00:01.0 BAR0 dec",
                &died,
                "t: truncated: 1 passed, 0 failed, 0 skipped, 0 todo; "
                "emulator died in check 2 - 00:01.0 BAR0 decode-toggle-width, step 4/4 MSE on",
                LOG_TRUNCATED);
    /* a log saved without a final newline keeps its summary */
    expect_line(HEAD PASS2 "barmove: 2 passed, 0 failed, 0 skipped, 0 todo", &no_run_info,
                "t: pass: 2 passed, 0 failed, 0 skipped, 0 todo", LOG_PASS);
    /* a step line belongs to its check only: the next check starts without one */
    expect_line(HEAD "1..4\n# running 1 - a\n# step 1/2 x\nok 1 - a\n# running 2 - b\n", &no_run_info,
                "t: truncated: 1 passed, 0 failed, 0 skipped, 0 todo; log ends in check 2 - b",
                LOG_TRUNCATED);
}
