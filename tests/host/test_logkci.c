/* tools/logkci.c: the KernelCI-style flat result list. */
#include <stdio.h>

#include "../../tools/logparse.h"
#include "harness.h"

static void kci(const char *log, const struct log_run *run, char *out, size_t size)
{
    struct log_parse p;
    struct log_result r;
    log_parse_whole(&p, log, strlen(log));
    log_judge(&p, run, &r);
    FILE *f = fmemopen(out, size, "w");
    log_write_kci(f, "iso-q35", &p, &r);
    fclose(f);
    log_parse_free(&p);
}

TEST(logkci_one_entry_per_point_with_dotted_folded_paths)
{
    char out[2048];
    const struct log_run none = {0};
    kci("TAP version 14\n1..4\nok 1 - memory-map\nnot ok 2 - 00:03.0 BAR2 move-dark\n"
        "ok 3 - 00:04.0 BAR0 size-on # SKIP no slot\nnot ok 4 - 00:04.0 BAR0 move-on-lo-hi # TODO strict\n"
        "barmove: 1 passed, 1 failed, 1 skipped, 1 todo\n",
        &none, out, sizeof out);
    EXPECT_STR(out, "[\n"
                    "  {\"path\": \"barmove.iso_q35.memory_map\", \"status\": \"PASS\"},\n"
                    "  {\"path\": \"barmove.iso_q35.00_03_0_bar2.move_dark\", \"status\": \"FAIL\"},\n"
                    "  {\"path\": \"barmove.iso_q35.00_04_0_bar0.size_on\", \"status\": \"SKIP\"},\n"
                    "  {\"path\": \"barmove.iso_q35.00_04_0_bar0.move_on_lo_hi\", \"status\": \"SKIP\"}\n"
                    "]\n");
}

TEST(logkci_harness_error_is_an_error_entry_on_the_running_check)
{
    char out[2048];
    const struct log_run timed_out = {.timed_out = true};
    kci("TAP version 14\n1..2\nok 1 - memory-map\n# running 2 - 00:03.0 BAR2 move-dark\n", &timed_out, out,
        sizeof out);
    EXPECT(strstr(out, "{\"path\": \"barmove.iso_q35.00_03_0_bar2.move_dark\", \"status\": \"ERROR\"}") != NULL);
    const struct log_run none = {0};
    kci("", &none, out, sizeof out);
    EXPECT(strstr(out, "\"status\": \"ERROR\"") != NULL); /* an empty log: the run itself errs */
}
