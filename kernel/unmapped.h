/* What a read of an address nothing decodes returns on this machine, learned
 * at start (DESIGN §3, BUGS.md unmapped-read-value): 0 on QEMU, all-ones on
 * Bochs, stale bytes on some hypervisors, or a fault. barmove never assumes
 * it: the header reports it, and probes never plant a nonce equal to it (a
 * look that reads it would otherwise "see" a BAR that is not there). */
#ifndef BARMOVE_UNMAPPED_H
#define BARMOVE_UNMAPPED_H
#include <stdbool.h>
#include <stdint.h>

#include "../drivers/addrmap.h"

struct unmapped_read {
    bool found;      /* a free address was read */
    uint64_t addr;   /* the first address read */
    uint32_t value;  /* what it read (dword) */
    int fault;       /* 0, or PROBE_FAULTED | vector (drivers/hw.h) */
    bool consistent; /* a second free address read the same (else value is stale bytes) */
};

/* Reads a dword at two addresses of the first free interval of the map (below
 * 4 GiB when there is one): read-only, nothing decodes there by the map's
 * account. u->found is false when the map has no free space at all. */
void unmapped_read_learn(const struct addrmap *map, struct unmapped_read *u);

/* "0xffffffff", "0xffffffff (differs at 0x...)", "a fault (vector 14)" or
 * "unknown (no free address)" */
void unmapped_read_describe(const struct unmapped_read *u, char *out, unsigned size);

#endif
