/* Corrupted copies of firmware data for the hostile-firmware selftests
 * (kernel/hostile_selftests.h). Kernel only: the host tests feed the parsers
 * malformed bytes directly (tests/host fixtures, tests/fuzz). */
#include "hostile_selftests.h"

#include <string.h>

#include "physmem.h"

#define HEADER_LEN 36
#define LENGTH_OFFSET 4
#define CHECKSUM_OFFSET 9
#define COPY_MAX 4096

static enum { NONE, BAD_CHECKSUM, BAD_LENGTH } corruption;
static uint8_t copy[COPY_MAX];

/* a read that starts an MCFG comes from a corrupted copy; everything else as is */
static const void *corrupting_read(void *ctx, uint64_t phys, size_t len)
{
    const uint8_t *real = physmem_read(ctx, phys, len < HEADER_LEN ? len : HEADER_LEN);
    if (!real || len < 4 || memcmp(real, "MCFG", 4))
        return physmem_read(ctx, phys, len);
    uint32_t real_len;
    memcpy(&real_len, real + LENGTH_OFFSET, 4);
    if (corruption == BAD_LENGTH && len > real_len)
        return NULL; /* past the end of what is there: what a reader of RAM's end returns */
    const uint8_t *whole = physmem_read(ctx, phys, len);
    if (!whole || len > COPY_MAX)
        return whole;
    memcpy(copy, whole, len);
    if (corruption == BAD_CHECKSUM && len > CHECKSUM_OFFSET)
        copy[CHECKSUM_OFFSET]++;
    if (corruption == BAD_LENGTH && len >= HEADER_LEN) {
        uint32_t bogus = 0x7ffffff0u;
        memcpy(copy + LENGTH_OFFSET, &bogus, 4);
    }
    return copy;
}

phys_reader_fn hostile_acpi_reader(const char *selftest)
{
    corruption = !strcmp(selftest, "acpi-bad-checksum") ? BAD_CHECKSUM
                 : !strcmp(selftest, "acpi-bad-length")  ? BAD_LENGTH
                                                         : NONE;
    return corruption == NONE ? physmem_read : corrupting_read;
}

static void add(struct bootinfo *bi, uint64_t base, uint64_t length, uint32_t type)
{
    if (bi->range_count < BOOTINFO_MAX_RANGES)
        bi->ranges[bi->range_count++] = (struct mem_range){base, length, type};
}

int hostile_memmap(const char *selftest, struct bootinfo *bi)
{
    if (strcmp(selftest, "memmap-hostile"))
        return 0;
    for (unsigned i = 0; i < bi->range_count; i++) {
        const struct mem_range r = bi->ranges[i];
        if (r.type != MEM_RAM || r.base < 0x100000 || r.length < 0x400000)
            continue;
        add(bi, r.base + r.length / 2, r.length, MEM_RAM);       /* overlaps it, runs past its end */
        add(bi, r.base + 0x200000, 0x100000, MEM_RESERVED);      /* a hole punched in it */
        break;
    }
    add(bi, 0xfffffffffff00000ull, 0x200000, MEM_RAM); /* wraps past 2^64 */
    return 1;
}
