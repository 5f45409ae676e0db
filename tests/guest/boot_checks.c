/* Checks of the platform the conformance checks stand on: if any of these
 * fails, nothing later can be trusted. */
#include "../../kernel/check.h"
#include "../../kernel/memmap.h"
#include "../../kernel/platform.h"
#include "../../kernel/probe.h"

/* Hazard: a loader that passes a garbled memory map would let the address
 * allocator place BARs over RAM. Expect RAM below and above 1 MiB and no two
 * ranges overlapping. */
static void run_memory_map(unsigned i, struct check_result *r)
{
    (void)i;
    const struct bootinfo *b = &platform()->boot;
    char why[200];
    check_diag(r, "ranges", "%u", b->range_count);
    if (memmap_check(b->ranges, b->range_count, why, sizeof why) != 0)
        check_fail(r, "memory map not sane: %s", why);
    else
        check_pass(r);
}

CHECK(memory_map) = {.id = "memory-map", .level = CHECK_REQUIRED, .run = run_memory_map};

#define NON_CANONICAL 0x8000000000000000ull
#define VECTOR_GP 13

/* Hazard: later checks probe addresses the hypervisor may not back; if a
 * fault there is not recovered, one missing mapping ends the whole run.
 * Expect a read and a write of a non-canonical address to return #GP. */
static void run_recoverable_probe(unsigned i, struct check_result *r)
{
    (void)i;
    uint32_t value = 0;
    int read = probe_read32(NON_CANONICAL, &value);
    int write = probe_write32(NON_CANONICAL, 0x5a5a5a5a);
    check_diag(r, "read_result", "0x%x", read);
    check_diag(r, "write_result", "0x%x", write);
    if (read != (PROBE_FAULTED | VECTOR_GP) || write != (PROBE_FAULTED | VECTOR_GP))
        check_fail(r, "a non-canonical access did not come back as #GP");
    else
        check_pass(r);
}

CHECK(recoverable_probe) = {.id = "recoverable-probe", .level = CHECK_REQUIRED,
                            .run = run_recoverable_probe};
