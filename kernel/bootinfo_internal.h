/* Shared by the boot information parser's files (not an interface):
 * bootinfo.c (entry points, errors, ranges, the dump), bootinfo_mb1.c and
 * bootinfo_mb2.c (one protocol each). */
#ifndef BARMOVE_BOOTINFO_INTERNAL_H
#define BARMOVE_BOOTINFO_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bootinfo.h"

struct parse {
    phys_reader_fn read;
    void *ctx;
    struct bootinfo *out;
    char *err;
    size_t err_size;
    bool have_meminfo, have_mmap; /* mem_lower/mem_upper only count without a map */
    uint32_t mem_lower_kib, mem_upper_kib;
};

/* Fields are loaded with memcpy: the block is the loader's and nothing
 * guarantees a field's alignment. */
static inline uint32_t load_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint64_t load_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Formats the one-line error into ps->err; returns -1. */
int mb_fail(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keeps only the first oddity in out->warning: it is the one that explains the others. */
void mb_warn(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a range; past BOOTINFO_MAX_RANGES, a warning instead. */
void mb_add_range(struct parse *ps, uint64_t base, uint64_t length, uint32_t type);
/* Without a memory map: the RAM ranges mem_lower/mem_upper describe. */
void mb_ranges_from_meminfo(struct parse *ps);

/* One protocol's block at info: 0, or -1 with ps->err set. */
int mb1_parse(struct parse *ps, uint64_t info);
int mb2_parse(struct parse *ps, uint64_t info);

#endif
