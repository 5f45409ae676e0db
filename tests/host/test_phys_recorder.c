/* kernel/phys_recorder.c: the recording reader behind bootinfo_dump() and
 * acpi_dump(). Ranges merge, print in address order 32 bytes a line, and
 * what could not be kept or re-read is said in an error line. */
#include <stdio.h>
#include <stdlib.h>

#include "../../kernel/phys_recorder.h"
#include "bootinfo_fake.h"
#include "harness.h"

static char *printed;

static void print_line(const char *text)
{
    size_t have = printed ? strlen(printed) : 0;
    char *grown = realloc(printed, have + strlen(text) + 2);
    if (!grown)
        abort();
    printed = grown;
    sprintf(printed + have, "%s\n", text);
}

static void fill(uint8_t *p, size_t n, uint8_t first)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(first + i);
}

TEST(recorder_merges_touching_reads_and_prints_in_address_order)
{
    static struct phys_recorder r;
    struct fake_phys m;
    fake_phys_init(&m);
    fill(fake_phys_add(&m, 0x2000, 40), 40, 0x10);
    fill(fake_phys_add(&m, 0x1000, 4), 4, 0xa0);
    phys_recorder_init(&r, fake_phys_read, &m);
    EXPECT(phys_recorder_read(&r, 0x2000, 8) != NULL); /* a header... */
    EXPECT(phys_recorder_read(&r, 0x2000, 40) != NULL); /* ...then the whole body */
    for (uint64_t at = 0x1000; at < 0x1004; at++) /* byte by byte, like an mb1 string */
        EXPECT(phys_recorder_read(&r, at, 1) != NULL);
    EXPECT_EQ(r.count, 2);
    printed = NULL;
    phys_recorder_print(&r, "test-dump", print_line);
    EXPECT_STR(printed, "test-dump mem 0x1000 a0a1a2a3\n"
                        "test-dump mem 0x2000 "
                        "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\n"
                        "test-dump mem 0x2020 3031323334353637\n");
    free(printed);
    fake_phys_free(&m);
}

TEST(recorder_keeps_no_refused_read_and_reports_overflow)
{
    static struct phys_recorder r;
    struct fake_phys m;
    fake_phys_init(&m);
    fake_phys_add(&m, 0, 4 * PHYS_RECORDER_MAX_RANGES + 4);
    phys_recorder_init(&r, fake_phys_read, &m);
    EXPECT(phys_recorder_read(&r, 0x100000, 1) == NULL);
    EXPECT_EQ(r.count, 0);
    for (unsigned i = 0; i <= PHYS_RECORDER_MAX_RANGES; i++) /* one too many, none touching */
        EXPECT(phys_recorder_read(&r, 4 * i, 1) != NULL);
    EXPECT_EQ(r.count, PHYS_RECORDER_MAX_RANGES);
    EXPECT(r.overflow);
    printed = NULL;
    phys_recorder_print(&r, "test-dump", print_line);
    const char *tail = "test-dump mem 0xfc 00\ntest-dump error more ranges read than recorded\n";
    size_t n = strlen(printed);
    EXPECT(n > strlen(tail) && strcmp(printed + n - strlen(tail), tail) == 0);
    EXPECT(strncmp(printed, "test-dump mem 0x0 00\ntest-dump mem 0x4 00\n", 42) == 0);
    free(printed);
    fake_phys_free(&m);
}

TEST(recorder_says_when_a_range_is_no_longer_readable)
{
    static struct phys_recorder r;
    struct fake_phys m;
    fake_phys_init(&m);
    fake_phys_add(&m, 0x3000, 16);
    phys_recorder_init(&r, fake_phys_read, &m);
    EXPECT(phys_recorder_read(&r, 0x3000, 16) != NULL);
    m.segments[0].base = 0x9000; /* the memory went away */
    printed = NULL;
    phys_recorder_print(&r, "test-dump", print_line);
    EXPECT_STR(printed, "test-dump error range no longer readable\n");
    free(printed);
    fake_phys_free(&m);
}

TEST(recorder_prints_bytes_in_hand_32_a_line)
{
    uint8_t bytes[36];
    fill(bytes, sizeof bytes, 0);
    printed = NULL;
    phys_recorder_print_bytes("test-dump", 0, bytes, sizeof bytes, print_line);
    EXPECT_STR(printed, "test-dump mem 0x0 "
                        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
                        "test-dump mem 0x20 20212223\n");
    free(printed);
}

/* found by tests/fuzz/fuzz_bootinfo (crashes/bootinfo/recorder-print-wraps-at-2-64):
 * a range ending within 32 bytes of 2^64 made the print loop's address wrap
 * to 0 and walk the whole 64-bit space, a line every 32 bytes */
TEST(recorder_prints_a_range_ending_just_below_2_64_once)
{
    static struct phys_recorder r;
    struct fake_phys m;
    const uint64_t base = UINT64_MAX - 52; /* [base, base + 52) ends at 2^64 - 1 */
    fake_phys_init(&m);
    fill(fake_phys_add(&m, base, 52), 52, 0);
    phys_recorder_init(&r, fake_phys_read, &m);
    EXPECT(phys_recorder_read(&r, base, 52) != NULL);
    EXPECT_EQ(r.count, 1);
    printed = NULL;
    phys_recorder_print(&r, "test-dump", print_line);
    EXPECT_STR(printed, "test-dump mem 0xffffffffffffffcb "
                        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
                        "test-dump mem 0xffffffffffffffeb "
                        "202122232425262728292a2b2c2d2e2f30313233\n");
    free(printed);
    fake_phys_free(&m);
}
