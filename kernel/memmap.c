/* Memory map sanity (memmap.h): each range alone, then overlaps on a copy
 * sorted by base, then where the RAM is. */
#include "memmap.h"

#include <stdbool.h>
#include <stdint.h>

#include "format.h"

#define ONE_MIB 0x100000ull

typedef unsigned long long ull; /* what %llx takes, whatever uint64_t is */

static uint64_t last_byte(const struct mem_range *r)
{
    return r->base + r->length - 1;
}

static int check_each(const struct mem_range *r, unsigned n, char *why, size_t why_size)
{
    for (unsigned i = 0; i < n; i++) {
        if (r[i].length == 0) {
            format(why, why_size, "range %u at 0x%016llx has zero length", i, (ull)r[i].base);
            return -1;
        }
        if (last_byte(&r[i]) < r[i].base) {
            format(why, why_size, "range %u at 0x%016llx of 0x%llx bytes wraps past 2^64", i,
                   (ull)r[i].base, (ull)r[i].length);
            return -1;
        }
    }
    return 0;
}

static void sort_by_base(struct mem_range *r, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        struct mem_range moving = r[i];
        unsigned j = i;
        for (; j > 0 && r[j - 1].base > moving.base; j--)
            r[j] = r[j - 1];
        r[j] = moving;
    }
}

/* On the sorted copy: a range overlaps when it starts at or below the
 * furthest end seen so far (which need not be its direct predecessor's). */
static int check_overlaps(const struct mem_range *sorted, unsigned n, char *why,
                          size_t why_size)
{
    unsigned reach = 0; /* the range ending furthest so far */
    for (unsigned i = 1; i < n; i++) {
        const struct mem_range *a = &sorted[reach], *b = &sorted[i];
        if (b->base <= last_byte(a)) {
            format(why, why_size,
                   "ranges [0x%016llx, 0x%016llx] type %u and [0x%016llx, 0x%016llx] type %u overlap",
                   (ull)a->base, (ull)last_byte(a), a->type, (ull)b->base, (ull)last_byte(b),
                   b->type);
            return -1;
        }
        if (last_byte(b) > last_byte(a))
            reach = i;
    }
    return 0;
}

static int check_ram(const struct mem_range *r, unsigned n, char *why, size_t why_size)
{
    bool low = false, high = false;
    for (unsigned i = 0; i < n; i++) {
        if (r[i].type != MEM_RAM)
            continue;
        low = low || r[i].base < ONE_MIB;
        high = high || last_byte(&r[i]) >= ONE_MIB;
    }
    if (!low || !high) {
        format(why, why_size, "no RAM %s 1 MiB (0x%016llx)", low ? "at or above" : "below",
               ONE_MIB);
        return -1;
    }
    return 0;
}

int memmap_check(const struct mem_range *r, unsigned n, char *why, size_t why_size)
{
    struct mem_range sorted[BOOTINFO_MAX_RANGES];
    if (why_size)
        why[0] = '\0';
    if (n > BOOTINFO_MAX_RANGES) {
        format(why, why_size, "%u ranges, more than %u", n, BOOTINFO_MAX_RANGES);
        return -1;
    }
    if (check_each(r, n, why, why_size) != 0)
        return -1;
    for (unsigned i = 0; i < n; i++)
        sorted[i] = r[i];
    sort_by_base(sorted, n);
    if (check_overlaps(sorted, n, why, why_size) != 0)
        return -1;
    return check_ram(r, n, why, why_size);
}
