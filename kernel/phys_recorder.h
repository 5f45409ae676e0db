/* A recording phys reader: wraps a phys_reader_fn, remembers every range read
 * through it, then prints those ranges as fixture lines. bootinfo_dump() and
 * acpi_dump() parse through it, so real firmware data becomes a host test
 * fixture; replaying the mem lines as physical memory gives the same parse.
 *
 * Lines (no newline, PREFIX is e.g. "bootinfo-dump" or "acpi-dump"):
 *   PREFIX mem 0xADDR HEXBYTES     <= 32 bytes a line, ranges in address order
 *   PREFIX error range no longer readable
 *   PREFIX error more ranges read than recorded */
#ifndef BARMOVE_PHYS_RECORDER_H
#define BARMOVE_PHYS_RECORDER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"

#define PHYS_RECORDER_MAX_RANGES 64 /* RSDP, root and tables: adjacent ones merge */
#define PHYS_RECORDER_BYTES_PER_LINE 32
#define PHYS_RECORDER_PREFIX_MAX 24 /* longest PREFIX printed whole */

struct phys_recorder {
    phys_reader_fn read; /* the reader being recorded */
    void *ctx;
    struct { uint64_t base, end; } ranges[PHYS_RECORDER_MAX_RANGES]; /* end exclusive */
    unsigned count;
    bool overflow; /* a range did not fit: the dump misses it */
};

/* Empty recorder in front of read(ctx, ...). ~1 KiB: keep it off the kernel stack. */
void phys_recorder_init(struct phys_recorder *r, phys_reader_fn read, void *ctx);

/* A phys_reader_fn (ctx: the recorder): reads through the wrapped reader and
 * records what it returned, merged with every range it overlaps or touches,
 * so reads byte by byte or header then body come out as one range. */
const void *phys_recorder_read(void *ctx, uint64_t phys, size_t len);

/* Every recorded range in address order (sorts r->ranges), re-read through
 * the wrapped reader, then the overflow line if a range was lost. */
void phys_recorder_print(struct phys_recorder *r, const char *prefix,
                         void (*line)(const char *text));

/* n bytes already in hand as mem lines at address at. */
void phys_recorder_print_bytes(const char *prefix, uint64_t at, const uint8_t *bytes, size_t n,
                               void (*line)(const char *text));

#endif
