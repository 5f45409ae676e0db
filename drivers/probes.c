/* The probe registry (which probe fits which BAR), the wrappers the engine
 * calls, the callbacks every SCRATCH type shares, and the NONE types. A BAR
 * that no registry line fits falls back to its function's MSI-X table when
 * it holds it (drivers/probe_msix.c). */
#include "probes.h"

#include <string.h>

#define ANY_VENDOR 0xffffu
#define NO_CLASS 0xffffffffu
/* prepare's round-trip value: alternating bits catch stuck lanes both ways */
#define PREPARE_PATTERN 0xa5c3a5c35a3c5a3cull
#define NONCE_TRIES 8 /* at most 3 values are unusable: 0, all-ones, the original */
/* an access the device could not take as one naturally aligned transaction is
 * refused before it reaches the bus, reported as an alignment check (#AC) */
#define PROBE_MISALIGNED (PROBE_FAULTED | 17)

/* one line of the registry: vendor and a device range, or a class code */
struct probe_entry {
    uint16_t vendor;
    uint16_t device_first, device_last;
    uint32_t class_code; /* NO_CLASS: match by IDs only */
    const struct probe_type *type;
};

/* First match wins; a device may have several entries (one per BAR kind). */
static const struct probe_entry registry[] = {
    {0x1af4, 0x1110, 0x1110, NO_CLASS, &probe_ivshmem_ram},     /* ivshmem-plain */
    {ANY_VENDOR, 0, 0, 0x010802, &probe_nvme_aqa},              /* NVMe, any vendor */
    {0x1af4, 0x1000, 0x107f, NO_CLASS, &probe_virtio_dfselect}, /* virtio-pci modern */
    {0x1234, 0x11e8, 0x11e8, NO_CLASS, &probe_edu_liveness},    /* QEMU edu */
    {0x1b36, 0x0005, 0x0005, NO_CLASS, &probe_empty_region},    /* pci-testdev membar */
    {0x8086, 0x100c, 0x100f, NO_CLASS, &probe_e1000_rdbal},     /* e1000 82544GC .. 82545EM */
    {0x1234, 0x1111, 0x1111, NO_CLASS, &probe_vga_framebuffer}, /* std VGA (QEMU, Bochs) */
    {ANY_VENDOR, 0, 0, 0x0c0310, &probe_ohci_hcca},             /* OHCI, any vendor */
    {ANY_VENDOR, 0, 0, 0x0c0320, &probe_ehci_periodic},         /* EHCI, any vendor */
    {ANY_VENDOR, 0, 0, 0x0c0330, &probe_xhci_dcbaap},           /* xHCI, any vendor */
};

static bool entry_fits(const struct probe_entry *e, const struct pci_function *f)
{
    if (e->class_code != NO_CLASS)
        return f->class_code == e->class_code;
    return f->vendor == e->vendor && f->device >= e->device_first && f->device <= e->device_last;
}

uint64_t probe_width_mask(unsigned width)
{
    return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1;
}

bool probe_bar_is_memory(const struct pci_function *f, unsigned bar_num)
{
    if (bar_num >= f->bar_count || bar_num >= PCI_MAX_BARS)
        return false;
    const struct pci_bar *b = &f->bars[bar_num];
    return (b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64) && b->size && !b->problem;
}

bool probe_place_register(const struct pci_function *f, unsigned bar_num, unsigned want, struct probe *p,
                          uint32_t offset, uint64_t keep)
{
    if (bar_num != want || !probe_bar_is_memory(f, bar_num))
        return false;
    p->offset = offset;
    p->width = 4;
    p->keep = keep;
    return true;
}

#define RAM_WORD 8

bool probe_place_last_word(struct probe *p, const char *too_big)
{
    if (p->bar_size < RAM_WORD)
        return false;
    if (p->bar_size - RAM_WORD > UINT32_MAX) { /* offsets are 32-bit */
        p->reason = too_big;
        return false;
    }
    p->offset = (uint32_t)(p->bar_size - RAM_WORD);
    p->width = RAM_WORD;
    p->keep = ~0ull; /* RAM keeps every bit */
    return true;
}

/* the register a match chose lies inside the BAR, naturally aligned */
static bool register_fits(const struct probe *p)
{
    bool width_ok = p->width == 1 || p->width == 2 || p->width == 4 || p->width == 8;
    return width_ok && p->offset % p->width == 0 && (uint64_t)p->offset + p->width <= p->bar_size;
}

static void start_record(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    memset(p, 0, sizeof *p);
    p->type = &probe_none;
    p->bdf = f->bdf;
    p->bar_num = bar_num;
    p->bar_size = probe_bar_is_memory(f, bar_num) ? f->bars[bar_num].size : 0;
}

/* type's match for *p; on a refusal *reason becomes the type's reason, or
 * otherwise when it gave none */
static bool try_type(const struct probe_type *type, const struct pci_function *f,
                     unsigned bar_num, struct probe *p, const char **reason, const char *otherwise)
{
    struct probe candidate = *p;
    candidate.type = type;
    bool matched = type->match(f, bar_num, &candidate);
    if (matched && (type->strength == PROBE_NONE || register_fits(&candidate))) {
        *p = candidate;
        return true;
    }
    *reason = candidate.reason ? candidate.reason : otherwise;
    return false;
}

bool probe_find(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    start_record(f, bar_num, p);
    if (!p->bar_size) {
        p->reason = "not a usable memory BAR";
        return false;
    }
    const char *reason = "no probe for this device";
    for (unsigned i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (entry_fits(&registry[i], f) &&
            try_type(registry[i].type, f, bar_num, p, &reason, "no probe for this BAR"))
            return p->type->strength != PROBE_NONE;
    /* no device-specific probe: the MSI-X table, when this BAR holds it (a
     * BAR without one keeps the registry's reason) */
    if (try_type(&probe_msix_table, f, bar_num, p, &reason, reason))
        return true;
    p->reason = reason;
    return false;
}

bool probe_find_msix(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    const char *reason = "not a usable memory BAR";
    start_record(f, bar_num, p);
    if (p->bar_size && try_type(&probe_msix_table, f, bar_num, p, &reason,
                                "no MSI-X table in this BAR"))
        return true;
    p->reason = reason;
    return false;
}

/* ---- wrappers ---- */

static void become_none(struct probe *p, const char *reason)
{
    p->type = &probe_none;
    p->reason = reason;
    p->planted = false;
}

const char *probe_prepare(struct probe *p, uint64_t base)
{
    if (p->type->strength == PROBE_NONE)
        return p->reason ? p->reason : "no probe for this device";
    const char *refused = p->type->prepare(p, base);
    if (refused && p->type->fallback) {
        p->type = p->type->fallback;
        p->reason = refused; /* kept: says why this BAR is only SIGNATURE */
        const char *again = p->type->prepare(p, base);
        if (again)
            become_none(p, again);
        return again;
    }
    if (refused)
        become_none(p, refused);
    return refused;
}

bool probe_plant(struct probe *p, uint64_t base, uint64_t nonce)
{
    return p->type->plant(p, base, nonce);
}

bool probe_look(const struct probe *p, uint64_t base, uint64_t *seen)
{
    return p->type->look(p, base, seen);
}

bool probe_restore(struct probe *p, uint64_t base)
{
    return p->type->restore(p, base);
}

int probe_read_register(const struct probe *p, uint64_t base, uint64_t *value)
{
    *value = 0;
    if (!p->width)
        return 0;
    return probe_mmio_read(base, p->offset, p->width, value);
}

const char *probe_strength_name(enum probe_strength s)
{
    return s == PROBE_SCRATCH ? "scratch" : s == PROBE_SIGNATURE ? "signature" : "none";
}

/* ---- nonces ---- */

/* what a read returns after written was written */
static uint64_t readback_of(const struct probe *p, uint64_t written)
{
    uint64_t v = p->type->reads_inverted ? ~written : written;
    return v & probe_width_mask(p->width);
}

static bool nonce_is_usable(const struct probe *p, uint64_t n)
{
    uint64_t ones = probe_width_mask(p->width), back = readback_of(p, n);
    for (unsigned i = 0; i < 2; i++)
        if (p->type->nonzero_fields[i] && !(n & p->type->nonzero_fields[i]))
            return false;
    return n != 0 && n != ones && back != 0 && back != ones && back != p->original;
}

/* the next value made of keep's bits only: counts through them, carrying over the gaps */
static uint64_t next_in_mask(uint64_t n, uint64_t keep)
{
    return ((n | ~keep) + 1) & keep;
}

uint64_t probe_usable_nonce(const struct probe *p, uint64_t random)
{
    if (p->type->strength != PROBE_SCRATCH)
        return random;
    uint64_t n = random & p->keep;
    for (unsigned i = 0; i < 2; i++) { /* an empty field gets its lowest bit */
        uint64_t field = p->type->nonzero_fields[i] & p->keep;
        if (field && !(n & field))
            n |= field & (~field + 1);
    }
    for (unsigned i = 0; i < NONCE_TRIES && !nonce_is_usable(p, n); i++)
        n = next_in_mask(n, p->keep);
    return n;
}

bool probe_nonce_clashes(const struct probe *p, uint64_t nonce, const struct probe *other)
{
    return other != p && other->planted && other->type->strength == PROBE_SCRATCH &&
           p->type->strength == PROBE_SCRATCH && other->offset == p->offset && other->width == p->width &&
           other->expect == readback_of(p, nonce & p->keep);
}

#define DISTINCT_DRAWS 64 /* 64 BARs in a 24-bit register: a clash per draw is ~4e-6 */

uint64_t probe_distinct_nonce(const struct probe *p, uint64_t random,
                              bool (*taken)(const struct probe *p, uint64_t nonce, const void *ctx),
                              const void *ctx)
{
    uint64_t n = probe_usable_nonce(p, random);
    for (unsigned i = 1; taken && i < DISTINCT_DRAWS && taken(p, n, ctx); i++)
        n = probe_usable_nonce(p, random + i * 0x9e3779b97f4a7c15ull);
    return n;
}

/* ---- MMIO at the register's width ---- */

#define READ_CACHE_SLOTS 4096 /* direct-mapped (128 KiB); a miss only costs the read it saves */

struct cached_read {
    uint64_t at;
    uint64_t value;
    unsigned width;
    unsigned generation; /* valid while equal to read_cache_generation */
    int fault;
};

static struct cached_read read_cache[READ_CACHE_SLOTS];
static unsigned read_cache_generation; /* odd while a look phase is on */

void probe_read_cache_begin(void)
{
    read_cache_generation |= 1;
}

void probe_read_cache_end(void)
{
    read_cache_generation = (read_cache_generation | 1) + 1; /* even: off; every slot stale */
}

void probe_read_cache_invalidate(void)
{
    read_cache_generation += 2;
}

static struct cached_read *cache_slot(uint64_t at)
{
    /* Fibonacci hashing: every address bit counts (a 64-bit BAR's transients
     * differ from its address in the upper dword only) */
    return &read_cache[(at * 0x9e3779b97f4a7c15ull) >> 52 & (READ_CACHE_SLOTS - 1)];
}

int probe_mmio_read(uint64_t base, uint32_t offset, unsigned width, uint64_t *value)
{
    *value = 0;
    uint64_t at = base + offset;
    if (!width || at % width) /* never split or misalign a device access */
        return PROBE_MISALIGNED;
    bool phase = read_cache_generation & 1;
    struct cached_read *c = cache_slot(at);
    if (phase && c->generation == read_cache_generation && c->at == at && c->width == width) {
        *value = c->value;
        return c->fault;
    }
    int r = hw_mmio_read(at, width, value);
    if (r)
        *value = 0;
    if (phase)
        *c = (struct cached_read){.at = at, .value = *value, .width = width,
                                  .generation = read_cache_generation, .fault = r};
    return r;
}

int probe_mmio_write(uint64_t base, uint32_t offset, unsigned width, uint64_t value)
{
    uint64_t at = base + offset;
    if (!width || at % width)
        return PROBE_MISALIGNED;
    if (read_cache_generation & 1) /* a write in a look phase: what was read may have changed */
        probe_read_cache_invalidate();
    return hw_mmio_write(at, width, value & probe_width_mask(width));
}

/* ---- the shared SCRATCH callbacks ---- */

/* writes the value that reads back as wanted (edu stores the inverse) */
static bool write_to_read(const struct probe *p, uint64_t base, uint64_t wanted)
{
    uint64_t written = p->type->reads_inverted ? ~wanted : wanted;
    return probe_mmio_write(base, p->offset, p->width, written) == 0;
}

const char *probe_scratch_prepare(struct probe *p, uint64_t base)
{
    p->planted = false;
    if (probe_mmio_read(base, p->offset, p->width, &p->original))
        return "reading the scratch register faulted";
    uint64_t test = probe_usable_nonce(p, PREPARE_PATTERN), back = 0;
    bool wrote = probe_mmio_write(base, p->offset, p->width, test) == 0;
    bool read = probe_mmio_read(base, p->offset, p->width, &back) == 0;
    bool restored = probe_scratch_restore(p, base);
    if (!wrote || !read || back != readback_of(p, test))
        return "the scratch register does not keep a written value";
    if (!restored)
        return "the scratch register did not take its original value back";
    return NULL;
}

bool probe_scratch_plant(struct probe *p, uint64_t base, uint64_t nonce)
{
    p->nonce = nonce & p->keep;
    p->expect = readback_of(p, p->nonce);
    p->planted = probe_mmio_write(base, p->offset, p->width, p->nonce) == 0;
    return p->planted;
}

bool probe_scratch_look(const struct probe *p, uint64_t base, uint64_t *seen)
{
    if (probe_mmio_read(base, p->offset, p->width, seen))
        return false; /* a fault is "not seen"; *seen is 0 */
    return p->planted && *seen == p->expect;
}

bool probe_scratch_restore(struct probe *p, uint64_t base)
{
    uint64_t back = 0;
    p->planted = false;
    if (!write_to_read(p, base, p->original))
        return false;
    return probe_mmio_read(base, p->offset, p->width, &back) == 0 && back == p->original;
}

/* ---- NONE: nothing to look at ---- */

static bool none_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    (void)f, (void)bar_num, (void)p;
    return false;
}

static const char *none_prepare(struct probe *p, uint64_t base)
{
    (void)base;
    return p->reason ? p->reason : "no probe for this device";
}

static bool none_plant(struct probe *p, uint64_t base, uint64_t nonce)
{
    (void)p, (void)base, (void)nonce;
    return false;
}

static bool none_look(const struct probe *p, uint64_t base, uint64_t *seen)
{
    (void)p, (void)base;
    *seen = 0;
    return false;
}

static bool none_restore(struct probe *p, uint64_t base)
{
    (void)p, (void)base;
    return true; /* nothing was written */
}

/* pci-testdev's membar (QEMU hw/misc/pci-testdev.c) is a container with no
 * subregions: reads return what unassigned memory returns, writes vanish */
static bool empty_region_match(const struct pci_function *f, unsigned bar_num, struct probe *p)
{
    (void)f;
    if (bar_num != 2)
        return false;
    p->reason = "empty region: no register to identify it by";
    return true;
}

const struct probe_type probe_none = {
    .name = "none", .strength = PROBE_NONE, .match = none_match, .prepare = none_prepare,
    .plant = none_plant, .look = none_look, .restore = none_restore,
};

const struct probe_type probe_empty_region = {
    .name = "none", .strength = PROBE_NONE, .match = empty_region_match,
    .prepare = none_prepare, .plant = none_plant, .look = none_look, .restore = none_restore,
};
