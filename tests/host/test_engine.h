/* The relocation engine's host tests (test_engine.c, test_engine_mutants.c):
 * an edu-like 32-bit BAR (00:02.0 BAR0, edu-liveness probe) and an
 * ivshmem-like 64-bit RAM BAR (00:03.0 BAR2, ivshmem-ram probe, below 4 GiB)
 * on bus 0 of the fake fabric, driven with the guest's step sequences
 * (tests/guest/checks_*.c) as a local check table through kernel/runner.c,
 * with the TAP captured: exactly what a user reads. */
#ifndef BARMOVE_TEST_ENGINE_H
#define BARMOVE_TEST_ENGINE_H
#include "fake_pci.h"

#define EDU_HOME 0xfe000000ull
#define EDU_NEW 0xfd000000ull  /* 1 MiB, below 4 GiB */
#define SHM_HOME 0xe8000000ull /* 64 MiB; the high dword is 0 */
#define SHM_HIGH 0x8e0000000ull  /* above 4 GiB; transients 0xe0000000, 0x8e8000000 */
#define SHM_LOW 0xe4000000ull    /* in home's 4 GiB block */
#define SHM_BLOCK 0x8e8000000ull /* home's low dword in another 4 GiB block */

/* runs the table at level=strict plus options (e.g. "only=move-dark"): on
 * one fabric shared by every point when faults is NULL (as the guest does),
 * else on a fresh fabric per point with *faults switched on after setup.
 * Returns the exit code; engine_tap() holds the TAP. */
int engine_table_run(const char *options, const struct fake_faults *faults);
const char *engine_tap(void);
/* the value of the first YAML line "  key: value", "" when there is none */
const char *engine_yaml(const char *key);
/* the descriptions of the points that said "not ok", "; "-separated */
const char *engine_failed_points(void);
/* every key of the failure's YAML is there (step, latency_ns, target,
 * readback, recorded, expected, observed, read) */
void engine_expect_yaml_keys(const char *file, int line);

#endif
