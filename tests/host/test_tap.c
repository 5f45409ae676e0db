/* kernel/tap.c and kernel/runner.c, the guest's own reporter and runner built
 * for the host, read back by the log checker (tools/logparse.c): a reporter
 * change the checker does not understand, or an exit code it would not
 * expect, fails here, not on a CI machine. */
#include <setjmp.h>
#include <stdio.h>

#include "../../kernel/runner.h"
#include "../../tools/logparse.h"
#include "harness.h"

/* tap_output_fn has no context pointer: one buffer for the test running */
static char output[32768];
static size_t output_len;

static void to_buffer(const char *s, size_t n)
{
    if (n > sizeof output - 1 - output_len)
        n = sizeof output - 1 - output_len;
    memcpy(output + output_len, s, n);
    output_len += n;
    output[output_len] = '\0';
}

static void begin(struct tap *t)
{
    output_len = 0;
    output[0] = '\0';
    tap_begin(t, to_buffer);
    tap_comment(t, "barmove 0.1 hv=%s seed=%#x\nsecond header line", "TCG", 0x1234u);
}

/* tap_running + tap_point, as the runner does for each check */
static void check(struct tap *t, enum tap_result r, const char *desc, const char *reason,
                  const char *yaml)
{
    tap_running(t, desc);
    tap_point(t, r, desc, reason, yaml);
}

static void read_back(struct log_parse *p, struct log_result *r, const struct log_run *run)
{
    log_parse_whole(p, output, output_len);
    log_judge(p, run, r);
}

static void expect_same_counts(const struct tap *t, const struct log_parse *p)
{
    EXPECT_EQ(p->passed, t->passed);
    EXPECT_EQ(p->failed, t->failed);
    EXPECT_EQ(p->skipped, t->skipped);
    EXPECT_EQ(p->todo, t->todo);
    EXPECT_EQ(p->count, t->number);
}

TEST(tap_every_result_reads_back)
{
    struct tap t;
    struct log_parse p;
    struct log_result r;
    begin(&t);
    tap_plan(&t, 6);
    check(&t, TAP_PASS, "00:04.0 BAR2 decode-toggle", NULL, NULL);
    check(&t, TAP_FAIL, "00:05.0 BAR0 move-off-lo-hi", NULL,
          "step: 4/4 \"MSE on\"\nobserved: answers at 0x240000000 & old\n");
    check(&t, TAP_SKIP, "00:03.0 BAR2 decode-toggle", "no probe for #this BAR", NULL);
    check(&t, TAP_TODO, "00:06.0 BAR0 msix-follows", "profile=bochs", "expected: x");
    check(&t, TAP_SKIP, "00:07.0 BAR0 move-up", NULL, NULL);
    check(&t, TAP_FAIL, "00:08.0 BAR1 #GP in\nprobe", NULL, NULL);
    tap_summary(&t);
    read_back(&p, &r, &(struct log_run){.has_exit_status = true, .exit_status = 3});
    EXPECT_STR(p.problem, "");
    EXPECT(p.has_summary && p.has_plan && p.plan == 6);
    expect_same_counts(&t, &p);
    EXPECT_EQ(r.verdict, LOG_FAIL);
    EXPECT_STR(r.detail, "failed: 00:05.0 BAR0 move-off-lo-hi, 00:08.0 BAR1 _GP in_probe");
    EXPECT_STR(p.points[1].yaml, "step: 4/4 \"MSE on\"\nobserved: answers at 0x240000000 & old\n");
    EXPECT_STR(p.points[2].reason, "no probe for _this BAR");
    EXPECT_STR(p.points[3].reason, "profile=bochs");
    EXPECT_STR(p.points[3].yaml, "expected: x\n");
    EXPECT_STR(p.points[4].reason, "no reason given");
    EXPECT_EQ(p.line_count, 2 + 1 + 6 * 2 + 4 + 3 + 1); /* lines after the version line */
    log_parse_free(&p);
}

TEST(tap_descriptions_read_back_cleaned)
{
    const char *descs[] = {"00:04.0 BAR2 #PF\r\nx", "(long)", "tab\there"};
    char want[TAP_DESC_MAX];
    struct tap t;
    struct log_parse p;
    struct log_result r;
    char long_desc[2 * TAP_DESC_MAX];
    memset(long_desc, 'x', sizeof long_desc - 1);
    long_desc[sizeof long_desc - 1] = '\0';
    descs[1] = long_desc; /* cut at TAP_DESC_MAX - 1 in both lines */
    begin(&t);
    tap_plan(&t, 3);
    for (size_t i = 0; i < 3; i++)
        check(&t, TAP_PASS, descs[i], NULL, NULL);
    tap_summary(&t);
    read_back(&p, &r, &(struct log_run){0});
    EXPECT_STR(p.problem, "");
    EXPECT_EQ(r.verdict, LOG_PASS);
    for (size_t i = 0; i < 3 && i < p.count; i++) {
        tap_clean_desc(want, sizeof want, descs[i]);
        EXPECT_STR(p.points[i].desc, want);
    }
    log_parse_free(&p);
}

TEST(tap_all_skipped_is_nothing)
{
    struct tap t;
    struct log_parse p;
    struct log_result r;
    begin(&t);
    tap_plan(&t, 1);
    check(&t, TAP_SKIP, "00:04.0 BAR2 decode-toggle", "no device", NULL);
    tap_summary(&t);
    read_back(&p, &r, &(struct log_run){.has_exit_status = true, .exit_status = (3 << 1) | 1});
    EXPECT_EQ(r.verdict, LOG_NOTHING);
    EXPECT_STR(r.detail, "");
    expect_same_counts(&t, &p);
    log_parse_free(&p);
}

TEST(tap_bail_names_the_running_check)
{
    struct tap t;
    struct log_parse p;
    struct log_result r;
    begin(&t);
    tap_plan(&t, 3);
    check(&t, TAP_PASS, "00:04.0 BAR2 decode-toggle", NULL, NULL);
    tap_running(&t, "selftest-fault");
    tap_bail(&t, "exception #UD at rip=%#llx\nin selftest-fault", 0x101234ULL);
    read_back(&p, &r, &(struct log_run){.has_exit_status = true, .exit_status = (2 << 1) | 1});
    EXPECT_EQ(r.verdict, LOG_BAIL);
    EXPECT_STR(r.detail, "bail out in check 2 - selftest-fault: exception #UD at "
                         "rip=0x101234 in selftest-fault");
    expect_same_counts(&t, &p);
    log_parse_free(&p);
}

TEST(tap_hang_names_the_running_check)
{
    struct tap t;
    struct log_parse p;
    struct log_result r;
    begin(&t);
    tap_plan(&t, 2);
    check(&t, TAP_PASS, "00:04.0 BAR2 decode-toggle", NULL, NULL);
    tap_running(&t, "selftest-hang");
    read_back(&p, &r, &(struct log_run){.timed_out = true});
    EXPECT_EQ(r.verdict, LOG_TIMEOUT);
    EXPECT_STR(r.detail, "timed out in check 2 - selftest-hang");
    log_parse_free(&p);
}

TEST(tap_duplicate_ids_are_caught)
{
    struct tap t;
    struct log_parse p;
    struct log_result r;
    begin(&t);
    tap_plan(&t, 2);
    check(&t, TAP_PASS, "00:04.0 BAR2 move-up", NULL, NULL);
    check(&t, TAP_PASS, "00:04.0 bar2 move_up", NULL, NULL);
    tap_summary(&t);
    read_back(&p, &r, &(struct log_run){0});
    EXPECT_EQ(r.verdict, LOG_FAIL);
    EXPECT(strstr(r.detail, "duplicate description") != NULL);
    log_parse_free(&p);
}

/* The runner itself: its exit code must be the one the checker expects from the log. */
static jmp_buf guest_exited;
static int guest_exit_code;

static void exit_guest(int code)
{
    guest_exit_code = code;
    longjmp(guest_exited, 1); /* barmove_exit() does not return either */
}

static void passes(unsigned i, struct check_result *r) { (void)i; check_pass(r); }
static void fails(unsigned i, struct check_result *r) { (void)i; check_fail(r, "observed %s", "x"); }
static void skips(unsigned i, struct check_result *r) { (void)i; check_skip(r, "no device"); }
static void crashes(unsigned i, struct check_result *r)
{
    (void)i;
    (void)r;
    runner_bail("exception #UD at rip=%#x", 0x1234u);
}

static const struct check checks[] = {
    {.id = "00:04.0 BAR2 decode-toggle", .run = passes},
    {.id = "00:05.0 BAR0 move-up", .run = fails},
    {.id = "00:06.0 BAR0 msix-follows", .level = CHECK_STRICT, .run = fails},
    {.id = "no-device", .run = skips},
    {.id = "selftest-fault", .selftest = "fault", .run = crashes},
};

/* runs the runner with cmdline, judges its output with QEMU's exit status */
static void run_guest(const char *cmdline, struct log_parse *p, struct log_result *r)
{
    static struct options o;
    static struct tap t;
    char err[128];
    EXPECT_EQ(options_parse(cmdline, &o, err, sizeof err), 0);
    struct runner rn = {.tap = &t, .options = &o, .exit = exit_guest};
    output_len = 0;
    guest_exit_code = -1;
    tap_begin(&t, to_buffer);
    if (setjmp(guest_exited) == 0)
        guest_exit_code = runner_run(&rn, checks, checks + sizeof checks / sizeof checks[0]);
    read_back(p, r, &(struct log_run){.has_exit_status = true,
                                      .exit_status = (guest_exit_code << 1) | 1});
}

TEST(tap_runner_exit_code_agrees_with_the_log)
{
    const char *cmdlines[] = {"", "only=00:04.0*", "only=no-device", "only=*msix*",
                              "level=strict only=*msix*", "only=nothing-matches"};
    for (size_t i = 0; i < sizeof cmdlines / sizeof cmdlines[0]; i++) {
        struct log_parse p;
        struct log_result r;
        run_guest(cmdlines[i], &p, &r);
        EXPECT_STR(p.problem, "");
        EXPECT_EQ(log_verdict_exit_code(r.verdict), guest_exit_code);
        EXPECT(strstr(r.detail, "disagrees") == NULL);
        log_parse_free(&p);
    }
}

TEST(tap_runner_bail_names_the_check_once)
{
    struct log_parse p;
    struct log_result r;
    run_guest("selftest=fault only=no-such", &p, &r);
    EXPECT_EQ(guest_exit_code, 2);
    EXPECT_EQ(r.verdict, LOG_BAIL);
    EXPECT_STR(r.detail, "bail out in check 1 - selftest-fault: exception #UD at rip=0x1234");
    log_parse_free(&p);
}
