/* Runs every TEST() linked into the binary, optionally only those whose name
 * or file contains argv[1]. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

extern const struct host_test __start_host_tests[], __stop_host_tests[];

static unsigned checks_in_test, failures_in_test;

void host_expect(bool ok, const char *what, const char *file, int line)
{
    checks_in_test++;
    if (!ok) {
        failures_in_test++;
        printf("  # FAILED %s:%d: %s\n", file, line, what);
    }
}

void host_expect_u64(uint64_t got, uint64_t want, const char *what, const char *file, int line)
{
    checks_in_test++;
    if (got != want) {
        failures_in_test++;
        printf("  # FAILED %s:%d: %s: got 0x%" PRIx64 " (%" PRIu64 "), want 0x%" PRIx64
               " (%" PRIu64 ")\n",
               file, line, what, got, got, want, want);
    }
}

void host_expect_str(const char *got, const char *want, const char *what, const char *file,
                     int line)
{
    checks_in_test++;
    if (!got || !want || strcmp(got, want) != 0) {
        failures_in_test++;
        printf("  # FAILED %s:%d: %s:\n  #   got  \"%s\"\n  #   want \"%s\"\n", file, line,
               what, got ? got : "(null)", want ? want : "(null)");
    }
}

unsigned char *host_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("BARMOVE_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/host/fixtures", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        host_expect(false, path, "fixture", 0);
        *len = 0;
        return NULL;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    unsigned passed = 0, failed = 0, number = 0;
    printf("TAP version 14\n");
    for (const struct host_test *t = __start_host_tests; t < __stop_host_tests; t++) {
        if (filter && !strstr(t->name, filter) && !strstr(t->file, filter))
            continue;
        checks_in_test = failures_in_test = 0;
        t->fn();
        if (checks_in_test == 0) {
            printf("  # FAILED: the test checked nothing\n");
            failures_in_test = 1;
        }
        number++;
        printf("%s %u - %s: %s\n", failures_in_test ? "not ok" : "ok", number, t->file, t->name);
        if (failures_in_test)
            failed++;
        else
            passed++;
    }
    printf("1..%u\n", number);
    printf("host: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
