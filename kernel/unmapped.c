/* Learning what unmapped reads return (kernel/unmapped.h). */
#include "unmapped.h"

#include "../drivers/hw.h"
#include "format.h"

#define PAGE 0x1000ull

/* the first free interval, below 4 GiB if there is one there */
static bool first_free(const struct addrmap *map, uint64_t *first, uint64_t *last)
{
    struct addrmap_constraint low = addrmap_below_4g(), any = addrmap_anywhere();
    return addrmap_next_free(map, &low, 0, first, last) ||
           addrmap_next_free(map, &any, 0, first, last);
}

void unmapped_read_learn(const struct addrmap *map, struct unmapped_read *u)
{
    uint64_t first, last, second, value = 0, other = 0;
    *u = (struct unmapped_read){0};
    if (!first_free(map, &first, &last))
        return;
    /* page-aligned inside the interval; the second read half-way along it */
    u->addr = (first + PAGE - 1) & ~(PAGE - 1);
    if (u->addr < first || u->addr + 3 > last)
        u->addr = (first + 3) & ~3ull;
    if (u->addr + 3 > last)
        return;
    second = (u->addr + (last - u->addr) / 2) & ~3ull;
    u->found = true;
    u->fault = hw_mmio_read(u->addr, 4, &value);
    u->value = (uint32_t)value;
    int fault2 = hw_mmio_read(second, 4, &other);
    u->consistent = fault2 == u->fault && (uint32_t)other == u->value;
}

void unmapped_read_describe(const struct unmapped_read *u, char *out, unsigned size)
{
    if (!u->found)
        format(out, size, "unknown (no free address to read)");
    else if (u->fault)
        format(out, size, "a fault (vector %d) at 0x%llx", u->fault & 0xff,
               (unsigned long long)u->addr);
    else
        format(out, size, "0x%08x at 0x%llx%s", u->value, (unsigned long long)u->addr,
               u->consistent ? "" : " (another free address reads otherwise: stale bytes?)");
}
