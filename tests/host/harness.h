/* Host unit tests: each TEST() registers itself in a linker section (no
 * central list); tests/host/main.c runs them all and prints TAP plus the
 * line "host: N passed, N failed". A test that checks nothing fails. */
#ifndef BARMOVE_HOST_HARNESS_H
#define BARMOVE_HOST_HARNESS_H
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct host_test {
    const char *name;
    const char *file;
    void (*fn)(void);
};

#define TEST(name)                                                                         \
    static void name(void);                                                                \
    static const struct host_test name##_entry                                            \
        __attribute__((used, section("host_tests"), aligned(8))) = {#name, __FILE__, name}; \
    static void name(void)

void host_expect(bool ok, const char *what, const char *file, int line);
void host_expect_u64(uint64_t got, uint64_t want, const char *what, const char *file, int line);
void host_expect_str(const char *got, const char *want, const char *what, const char *file,
                     int line);
/* path relative to tests/host/fixtures; returns malloc'd bytes (NULL + failure if missing) */
unsigned char *host_fixture(const char *name, size_t *len);

#define EXPECT(cond) host_expect((cond), #cond, __FILE__, __LINE__)
#define EXPECT_EQ(got, want) host_expect_u64((uint64_t)(got), (uint64_t)(want), #got " == " #want, __FILE__, __LINE__)
#define EXPECT_STR(got, want) host_expect_str((got), (want), #got " == " #want, __FILE__, __LINE__)

#endif
