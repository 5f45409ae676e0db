/* libFuzzer target: PCI enumeration, BAR sizing, bridge and capability
 * walkers (drivers/pci_*.c), the listing and the consistency checks,
 * unchanged, against a config space served from the fuzz input through the
 * seam: this file implements drivers/hw.h as tests/host/fake_hw.c does, but
 * driven by the input bytes.
 *
 * Input: one byte of roots (bits 0-1: 1-4 root buses), the roots' bus
 * numbers (one byte each; root 4 is on segment (byte 0 bit 7)), then
 * function records:
 *   u8 bus, u8 devfn, u8 flags, u8 len, u8 bar_spec[6], len bytes of config
 * config bytes past len read 0x00 (flags bit 0 clear) or 0xff (set), in the
 * 4 KiB of extended config space too; absent functions read all-ones; a
 * later record for the same bdf is ignored.
 * Writes: register bits change only where writable: BAR n's mask from
 * bar_spec[n] (bits 0-5: k, mask = ~(2^k - 1) above the flag bits; bit 6: a
 * hole at bit k + 3; bit 7: the BAR ignores writes), the flag bits never;
 * COMMAND writable unless flags bit 1; every other register read-only unless
 * flags bit 2; flags bit 7: segment 1; flags bits 3-6: the function vanishes (reads all-ones) after
 * that many x 16 config accesses to it (0: never), a device hot-unplugged
 * mid-walk.
 * Checks: the walk terminates within a bounded number of accesses, every
 * access is one the seam allows, the results respect pci.h's bounds, and
 * every BAR and COMMAND of a function that did not vanish reads as found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/pci.h"
#include "../../drivers/pci_consistency.h"

#define CFG_SIZE 4096
#define MAX_FABRIC 64
#define ACCESS_LIMIT 1000000 /* a full walk of 256 functions takes well under 100000 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake_fn {
    struct pci_bdf bdf;
    uint8_t flags;
    uint8_t cfg[CFG_SIZE];
    uint8_t found[CFG_SIZE]; /* as set up, for the "nothing left moved" check */
    uint8_t writable[CFG_SIZE];
    unsigned accesses, vanish_after; /* 0: never */
};

static struct fake_fn fabric[MAX_FABRIC];
static unsigned fabric_count;
static unsigned long accesses;

#define FUZZ_TARGET "fuzz_pci"
#include "fuzz_check.h"

static struct fake_fn *lookup(struct pci_bdf f)
{
    for (unsigned i = 0; i < fabric_count; i++)
        if (fabric[i].bdf.segment == f.segment && fabric[i].bdf.bus == f.bus &&
            fabric[i].bdf.device == f.device && fabric[i].bdf.function == f.function)
            return &fabric[i];
    return NULL;
}

/* the seam's rules (hw.h): widths 1, 2, 4, naturally aligned, below 4 KiB */
static bool access_ok(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width)
{
    check(m == HW_CFG_DEFAULT, "PCI code uses HW_CFG_DEFAULT");
    check(width == 1 || width == 2 || width == 4, "config width 1, 2 or 4");
    check(offset % width == 0, "config access naturally aligned");
    check(f.device < 32 && f.function < 8, "device < 32, function < 8");
    check(++accesses < ACCESS_LIMIT, "walk ends within the access limit");
    return offset < CFG_SIZE;
}

static bool gone(struct fake_fn *fn)
{
    fn->accesses++;
    return fn->vanish_after && fn->accesses > fn->vanish_after;
}

bool hw_cfg_read(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                 uint32_t *value)
{
    if (!access_ok(m, f, offset, width))
        return false;
    struct fake_fn *fn = lookup(f);
    bool absent = !fn || gone(fn); /* once per access: a function never vanishes mid-dword */
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)(absent ? 0xff : fn->cfg[offset + i]) << (8 * i);
    *value = v;
    return true;
}

bool hw_cfg_write(enum hw_cfg_mechanism m, struct pci_bdf f, uint16_t offset, unsigned width,
                  uint32_t value)
{
    if (!access_ok(m, f, offset, width))
        return false;
    struct fake_fn *fn = lookup(f);
    if (!fn || gone(fn))
        return true;
    for (unsigned i = 0; i < width; i++) {
        uint8_t w = fn->writable[offset + i], b = (uint8_t)(value >> (8 * i));
        fn->cfg[offset + i] = (uint8_t)((fn->cfg[offset + i] & ~w) | (b & w));
    }
    return true;
}

/* the PCI code under test makes no MMIO, port or DMA access: any is a finding */
int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *value)
{
    (void)phys, (void)width, (void)value;
    check(0, "no MMIO read during enumeration");
    return 0;
}

int hw_mmio_write(uint64_t phys, unsigned width, uint64_t value)
{
    (void)phys, (void)width, (void)value;
    check(0, "no MMIO write during enumeration");
    return 0;
}

void hw_mmio_refresh(uint64_t phys)
{
    (void)phys;
}

uint32_t hw_port_in(uint16_t port, unsigned width)
{
    (void)port, (void)width;
    check(0, "no port read during enumeration");
    return 0;
}

void hw_port_out(uint16_t port, unsigned width, uint32_t value)
{
    (void)port, (void)width, (void)value;
    check(0, "no port write during enumeration");
}

void *hw_dma_alloc(size_t size, size_t align, uint64_t *phys)
{
    (void)size, (void)align, (void)phys;
    return NULL;
}

uint64_t hw_time_ns(void)
{
    static uint64_t now;
    return now += 1000;
}

static void set_writable(struct fake_fn *fn, unsigned offset, unsigned width, uint32_t mask)
{
    for (unsigned i = 0; i < width; i++)
        fn->writable[offset + i] = (uint8_t)(mask >> (8 * i));
}

static uint32_t bar_mask(uint8_t spec, uint32_t value)
{
    if (spec & 0x80)
        return 0;
    unsigned k = spec & 0x3f;
    uint32_t mask = k >= 32 ? 0 : 0xffffffffu << k;
    if (spec & 0x40)
        mask ^= 1u << ((k + 3) & 31);
    return mask & ~(value & 1 ? 0x3u : 0xfu);
}

/* one function record; the number of bytes it took, 0 at the end of the input */
static size_t add_record(const uint8_t *p, size_t left)
{
    if (left < 10)
        return 0;
    size_t len = p[3] < left - 10 ? p[3] : left - 10;
    struct pci_bdf bdf = {(uint16_t)(p[2] >> 7), p[0], (uint8_t)(p[1] >> 3), (uint8_t)(p[1] & 7)};
    if (lookup(bdf) || fabric_count == MAX_FABRIC)
        return 10 + len;
    struct fake_fn *fn = &fabric[fabric_count++];
    fn->bdf = bdf;
    fn->flags = p[2];
    fn->accesses = 0;
    fn->vanish_after = 16u * ((p[2] >> 3) & 0xf);
    memset(fn->cfg, p[2] & 1 ? 0xff : 0x00, sizeof fn->cfg);
    memcpy(fn->cfg, p + 10, len);
    memset(fn->writable, p[2] & 4 ? 0xff : 0x00, sizeof fn->writable);
    set_writable(fn, PCI_COMMAND, 2, p[2] & 2 ? 0 : 0xffff);
    set_writable(fn, PCI_STATUS, 2, 0);
    set_writable(fn, PCI_VENDOR_ID, 4, 0);
    set_writable(fn, PCI_CLASS_REVISION, 4, 0);
    set_writable(fn, PCI_HEADER_TYPE, 1, 0);
    for (unsigned n = 0; n < PCI_MAX_BARS; n++) {
        unsigned at = PCI_BAR0 + 4 * n;
        uint32_t value = fn->cfg[at] | fn->cfg[at + 1] << 8 | fn->cfg[at + 2] << 16 |
                         (uint32_t)fn->cfg[at + 3] << 24;
        set_writable(fn, at, 4, bar_mask(p[4 + n], value));
    }
    memcpy(fn->found, fn->cfg, sizeof fn->cfg);
    return 10 + len;
}

static void line(const char *text)
{
    check(text != NULL, "listing line");
}

static void warn(const char *text)
{
    check(text != NULL && strlen(text) < 200, "warning is a short string");
}

static void report(void *ctx, const char *text)
{
    (void)ctx;
    check(text != NULL, "report line");
}

static int power_of_two(uint64_t v)
{
    return v && !(v & (v - 1));
}

static void check_topology(const struct pci_topology *t)
{
    check(t->count <= PCI_MAX_FUNCTIONS, "function count bounded");
    for (unsigned i = 0; i < t->count; i++) {
        const struct pci_function *fn = &t->functions[i];
        check(fn->bar_count <= PCI_MAX_BARS, "bar_count bounded");
        check(fn->upstream == PCI_NO_UPSTREAM || (fn->upstream >= 0 && (unsigned)fn->upstream < i),
              "upstream is an earlier function");
        if (fn->upstream != PCI_NO_UPSTREAM) {
            const struct pci_function *up = &t->functions[fn->upstream];
            check(up->is_bridge && fn->depth == up->depth + 1, "depth one below the bridge");
            check(fn->bdf.bus == up->bridge.secondary, "behind its bridge's secondary bus");
        }
        check(fn->depth < PCI_MAX_BRIDGE_DEPTH, "depth bounded");
        for (unsigned n = 0; n < fn->bar_count; n++) {
            const struct pci_bar *b = &fn->bars[n];
            check(b->index == n, "BAR index");
            check(b->size == 0 || power_of_two(b->size), "BAR size 0 or a power of two");
            if (b->kind == PCI_BAR_MEM64)
                check(n + 1 < fn->bar_count && fn->bars[n + 1].kind == PCI_BAR_MEM64_UPPER,
                      "a 64-bit BAR is followed by its upper dword");
            if (b->kind == PCI_BAR_INVALID)
                check(b->problem != NULL, "an invalid BAR says why");
            if (b->kind == PCI_BAR_UNUSED || b->kind == PCI_BAR_MEM64_UPPER)
                check(b->size == 0, "unused BARs have no size");
        }
        const struct pci_caps *c = &fn->caps;
        check(c->vendor_count <= PCI_MAX_VENDOR_CAPS, "vendor caps bounded");
        check((!c->msi || c->msi >= 0x40) && (!c->msix || c->msix >= 0x40) &&
                  (!c->pcie || c->pcie >= 0x40),
              "capabilities above the header");
        for (unsigned v = 0; v < c->vendor_count; v++)
            check(c->vendor[v] >= 0x40 && c->vendor[v] % 4 == 0, "vendor caps dword-aligned");
    }
}

/* nothing left moved: BARs and COMMAND of every function still there read as found */
static void check_as_found(void)
{
    for (unsigned i = 0; i < fabric_count; i++) {
        struct fake_fn *fn = &fabric[i];
        if (fn->vanish_after)
            continue;
        check(!memcmp(fn->cfg + PCI_COMMAND, fn->found + PCI_COMMAND, 2), "COMMAND as found");
        check(!memcmp(fn->cfg + PCI_BAR0, fn->found + PCI_BAR0, 4 * PCI_MAX_BARS),
              "every BAR register as found");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pci_topology topo;
    struct pci_root roots[4];
    if (size < 1)
        return 0;
    unsigned root_count = 1 + (data[0] & 3);
    uint16_t segment = data[0] >> 7;
    if (size < 1 + root_count)
        return 0;
    for (unsigned i = 0; i < root_count; i++)
        roots[i] = (struct pci_root){(uint16_t)(i == 3 ? segment : 0), data[1 + i]};
    fabric_count = 0;
    accesses = 0;
    for (size_t at = 1 + root_count, n; (n = add_record(data + at, size - at)) != 0; at += n)
        ;
    int count = pci_enumerate(roots, root_count, &topo, warn);
    check(count >= 0 && (unsigned)count == topo.count, "pci_enumerate returns the count");
    check_as_found();
    check_topology(&topo);
    pci_print_topology(&topo, line);
    pci_check_bars_disjoint(&topo, report, NULL);
    pci_check_bars_in_bridge_windows(&topo, report, NULL);
    static const struct acpi_window host[] = {{0x80000000, 0xafffffff}, {0xc0000000, 0xfebfffff},
                                              {0x800000000, 0xfffffffff}};
    pci_check_inside_host_windows(&topo, host, 3, report, NULL);
    return 0;
}
