/* libFuzzer target: the serial-log checker's library (tools/logparse.c,
 * logparse_lines.c, logverdict.c, logwrite.c, logexpect.c; the reporter's
 * kernel/format.c and kernel/tap.c), unchanged.
 *
 * Input: byte 0: bit 0 the run timed out, bit 1 the exit status is known;
 * byte 1: the emulator's exit status; then text: with a NUL in it, the part
 * before is an expected-verdict file (tests/matrix/expected/README) and the
 * part after the serial log; without one, all of it is the log.
 * The log is parsed line by line and whole, judged, written as JUnit (which
 * must hold only printable ASCII, tab and newline: log_xml_escape's promise)
 * and TAP 13 (to /dev/null), and compared with the expected verdicts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/logexpect.h"
#include "../../tools/logparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TARGET "fuzz_logparse"
#include "fuzz_check.h"

static FILE *null_out(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    check(f != NULL, "/dev/null opens");
    return f;
}

/* exact-size copy: ASan sees every read past the end */
static char *copy(const uint8_t *p, size_t n)
{
    char *c = malloc(n ? n : 1);
    if (!c)
        abort();
    memcpy(c, p, n);
    return c;
}

static void judge_and_write(const struct log_parse *p, const struct log_run *run)
{
    struct log_result r;
    char verdict[2048];
    log_judge(p, run, &r);
    check(memchr(r.detail, '\0', sizeof r.detail) != NULL, "detail terminated");
    int code = log_verdict_exit_code(r.verdict);
    check(code >= 0 && code <= 3, "exit code 0..3");
    check(log_verdict_name(r.verdict) != NULL, "verdict has a name");
    log_format_verdict(verdict, sizeof verdict, "fuzz", p, &r);
    check(memchr(verdict, '\0', sizeof verdict) != NULL, "verdict line terminated");

    char *xml = NULL;
    size_t xml_len = 0;
    FILE *f = open_memstream(&xml, &xml_len);
    check(f != NULL, "open_memstream");
    log_write_junit(f, "fuzz", p, &r);
    fclose(f);
    for (size_t i = 0; i < xml_len; i++) {
        unsigned char c = (unsigned char)xml[i];
        check((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t', "JUnit is printable ASCII");
    }
    free(xml);
    log_write_tap13(null_out(), p, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    struct log_run run = {0};
    run.timed_out = (data[0] & 1) != 0;
    run.has_exit_status = (data[0] & 2) != 0;
    run.exit_status = data[1];
    const uint8_t *text = data + 2;
    size_t len = size - 2;
    const uint8_t *nul = memchr(text, '\0', len);
    size_t elen = nul ? (size_t)(nul - text) : 0;
    const uint8_t *log = nul ? nul + 1 : text;
    size_t llen = nul ? len - elen - 1 : len;

    /* whole */
    struct log_parse p;
    char *ltext = copy(log, llen);
    log_parse_whole(&p, ltext, llen);
    check(p.count <= p.points_cap && p.line_count <= p.lines_cap, "arrays within capacity");
    check(memchr(p.problem, '\0', sizeof p.problem) != NULL, "problem terminated");
    judge_and_write(&p, &run);

    if (nul) {
        struct expect_file ef;
        char *etext = copy(text, elen);
        if (expect_parse(&ef, etext, elen)) {
            struct expect_outcome o;
            bool same = expect_compare(&ef, &p, null_out(), &o);
            check(same == (o.lost == 0 && o.unlisted == 0), "compare agrees with its counts");
            check(o.matched + o.lost == ef.count, "every row matched or lost");
        } else {
            check(ef.error[0] != '\0', "a malformed file says why");
        }
        expect_free(&ef);
        free(etext);
    }
    log_parse_free(&p);

    /* line by line, as a caller reading a pipe would (it also feeds an
     * unfinished last line, which log_parse_text drops): must not crash either */
    struct log_parse q;
    log_parse_init(&q);
    for (size_t at = 0; at < llen;) {
        const char *nl = memchr(ltext + at, '\n', llen - at);
        size_t n = nl ? (size_t)(nl - (ltext + at)) : llen - at;
        char *one = copy((const uint8_t *)ltext + at, n);
        log_parse_line(&q, one, n);
        free(one);
        at += n + 1;
    }
    log_parse_finish(&q);
    judge_and_write(&q, &run);
    log_parse_free(&q);
    free(ltext);
    return 0;
}
