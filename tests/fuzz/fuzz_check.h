/* The invariant check every fuzz target makes (tests/fuzz/fuzz_*.c): a broken
 * one names itself and aborts, so libFuzzer keeps the input as a crash.
 * Define FUZZ_TARGET ("fuzz_acpi", ...) before including. */
#ifndef BARMOVE_FUZZ_CHECK_H
#define BARMOVE_FUZZ_CHECK_H
#include <stdio.h>
#include <stdlib.h>

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, FUZZ_TARGET ": invariant broken: %s\n", what);
        abort();
    }
}

#endif
