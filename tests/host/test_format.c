/* kernel/format.c against the host's snprintf (the trusted reference). */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <stdio.h>

#include "../../kernel/format.h"
#include "harness.h"

TEST(format_matches_libc_basic)
{
    char got[128], want[128];
#define SAME(...)                                        \
    do {                                                 \
        int gn = format(got, sizeof got, __VA_ARGS__);   \
        int wn = snprintf(want, sizeof want, __VA_ARGS__); \
        EXPECT_STR(got, want);                           \
        EXPECT_EQ(gn, wn);                               \
    } while (0)
    SAME("plain");
    SAME("%d %i %u", -42, 17, 4000000000u);
    SAME("%x %X %#x %#X %o %#o", 0xbeefu, 0xbeefu, 0x1234u, 0xabu, 8u, 8u);
    SAME("%lx %llx %zu", 0xffffffffffffffffUL, 0x100000000ULL, (size_t)12345);
    SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
    SAME("[%.3d] [%8.3d] [%.0d]", 7, 7, 0);
    SAME("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
    SAME("[%c] [%3c] [%-3c] %%", 'x', 'y', 'z');
    SAME("%016llx", 0x240000000ULL);
    SAME("%*d|%-*d|%.*s", 6, 1, 4, 2, 3, "abcdef");
    SAME("%hhu %hd", 300, 70000);
    SAME("%lld", -9223372036854775807LL - 1);
    SAME("%p", (void *)0x1000);
}

TEST(format_truncates_like_snprintf)
{
    char got[8], want[8];
    int gn = format(got, sizeof got, "0123456789%d", 42);
    int wn = snprintf(want, sizeof want, "0123456789%d", 42);
    EXPECT_STR(got, want);
    EXPECT_EQ(gn, wn);
    EXPECT_EQ(format(NULL, 0, "abc%d", 5), 4);
}
