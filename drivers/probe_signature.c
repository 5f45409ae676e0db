/* The SIGNATURE callbacks the register-pair fallbacks share (e1000, OHCI,
 * EHCI, xHCI): two read-only (or never-written) dwords at p->offset and
 * p->offset + 4, learned at the firmware address by prepare and looked for
 * read-only afterwards. A SCRATCH probe that refuses because its device is
 * busy (a USB controller firmware left running, an e1000 receiving) falls
 * back to one, so the BAR is still moved and checked with a weaker identity
 * instead of counting as "does not answer". The type's prepare sets
 * p->offset, then calls probe_pair_prepare. */
#include "probes.h"

static bool read_pair(uint64_t base, uint32_t offset, uint64_t *lo, uint64_t *hi)
{
    return probe_mmio_read(base, offset, 4, lo) == 0 && probe_mmio_read(base, offset + 4, 4, hi) == 0;
}

/* both dwords 0 or both all-ones is what an unbacked address reads (QEMU, Bochs): no proof */
const char *probe_pair_prepare(struct probe *p, uint64_t base)
{
    uint64_t lo = 0, hi = 0;
    p->planted = false;
    p->width = 4;
    p->keep = 0;
    if ((uint64_t)p->offset + 8 > p->bar_size)
        return "the signature registers lie outside the BAR";
    if (!read_pair(base, p->offset, &lo, &hi))
        return "reading the signature registers faulted";
    if ((lo == 0 && hi == 0) || (lo == 0xffffffffu && hi == 0xffffffffu))
        return "the signature registers read 0 or all-ones";
    p->signature[0] = lo;
    p->signature[1] = hi;
    p->original = lo;
    p->expect = lo;
    return NULL;
}

bool probe_pair_plant(struct probe *p, uint64_t base, uint64_t nonce)
{
    (void)p, (void)base, (void)nonce;
    return true; /* read-only values: nothing to plant, expect stays the signature */
}

bool probe_pair_look(const struct probe *p, uint64_t base, uint64_t *seen)
{
    uint64_t hi = 0;
    if (!read_pair(base, p->offset, seen, &hi))
        return false;
    bool learned = p->signature[0] || p->signature[1];
    return learned && *seen == p->signature[0] && hi == p->signature[1];
}

bool probe_pair_restore(struct probe *p, uint64_t base)
{
    (void)p, (void)base;
    return true; /* nothing was written */
}
