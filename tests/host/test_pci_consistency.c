/* drivers/pci_consistency.c: a sound topology passes, and each kind of
 * inconsistency is reported (the negative controls of the guest's
 * topology checks). */
#include <stdio.h>

#include "../../drivers/pci_consistency.h"
#include "harness.h"

static char reports[4096];

static void collect(void *ctx, const char *text)
{
    (void)ctx;
    strncat(reports, text, sizeof reports - strlen(reports) - 2);
    strcat(reports, "\n");
}

static struct pci_function *add(struct pci_topology *t, uint8_t bus, uint8_t dev, int upstream)
{
    struct pci_function *f = &t->functions[t->count++];
    memset(f, 0, sizeof *f);
    f->bdf = (struct pci_bdf){0, bus, dev, 0};
    f->vendor = 0x1b36;
    f->bar_count = 6;
    f->command = PCI_COMMAND_MEMORY;
    f->upstream = upstream;
    return f;
}

static void bar(struct pci_function *f, unsigned i, enum pci_bar_kind kind, uint64_t addr,
                uint64_t size, bool pref)
{
    f->bars[i] = (struct pci_bar){.kind = kind, .index = (uint8_t)i, .addr = addr, .size = size,
                                  .prefetchable = pref};
}

static void window(struct pci_window *w, uint64_t base, uint64_t limit)
{
    *w = (struct pci_window){.base = base, .limit = limit, .bits = 64, .closed = limit < base};
}

/* root bus: 00:01.0 with a mem32 BAR, 00:02.0 a root port with 01:00.0 behind it */
static void sound(struct pci_topology *t)
{
    memset(t, 0, sizeof *t);
    reports[0] = '\0';
    bar(add(t, 0, 1, PCI_NO_UPSTREAM), 0, PCI_BAR_MEM32, 0xfea00000, 0x1000, false);
    struct pci_function *rp = add(t, 0, 2, PCI_NO_UPSTREAM);
    rp->is_bridge = true;
    rp->bar_count = 2;
    window(&rp->bridge.mem, 0xfe800000, 0xfe9fffff);
    window(&rp->bridge.pref, 0x800000000, 0x8ffffffff);
    window(&rp->bridge.io, 1, 0);
    struct pci_function *ep = add(t, 1, 0, 1);
    bar(ep, 0, PCI_BAR_MEM64, 0xfe800000, 0x4000, false);
    bar(ep, 2, PCI_BAR_MEM64, 0x800000000, 0x4000000, true);
}

static const struct acpi_window crs[] = {{0xc0000000, 0xfebfffff}, {0x100000000, 0x8ffffffff}};

TEST(consistency_sound_topology_has_no_problems)
{
    struct pci_topology t;
    sound(&t);
    EXPECT_EQ(pci_check_bars_disjoint(&t, collect, NULL), 0);
    EXPECT_EQ(pci_check_bars_in_bridge_windows(&t, collect, NULL), 0);
    EXPECT_EQ(pci_check_inside_host_windows(&t, crs, 2, collect, NULL), 0);
    EXPECT_STR(reports, "");
}

TEST(consistency_overlapping_bars_are_reported)
{
    struct pci_topology t;
    sound(&t);
    bar(&t.functions[0], 2, PCI_BAR_MEM32, 0xfe803000, 0x1000, false); /* inside 01:00.0 BAR0 */
    EXPECT_EQ(pci_check_bars_disjoint(&t, collect, NULL), 1);
    EXPECT(strstr(reports, "00:01.0 BAR2 at 0x00000000fe803000 overlaps 01:00.0 BAR0") != NULL);
}

TEST(consistency_dark_or_zero_bars_never_overlap)
{
    struct pci_topology t;
    sound(&t);
    bar(&t.functions[0], 2, PCI_BAR_MEM32, 0xfe803000, 0x1000, false);
    t.functions[2].command = 0; /* 01:00.0 decode off: overlap allowed */
    EXPECT_EQ(pci_check_bars_disjoint(&t, collect, NULL), 0);
    sound(&t);
    bar(&t.functions[0], 3, PCI_BAR_MEM32, 0, 0x1000, false);
    bar(&t.functions[0], 4, PCI_BAR_MEM32, 0, 0x1000, false);
    EXPECT_EQ(pci_check_bars_disjoint(&t, collect, NULL), 0);
}

TEST(consistency_bar_outside_its_bridge_window_is_reported)
{
    struct pci_topology t;
    sound(&t);
    t.functions[2].bars[0].addr = 0xfea10000; /* not in the root port's memory window */
    EXPECT_EQ(pci_check_bars_in_bridge_windows(&t, collect, NULL), 1);
    EXPECT(strstr(reports, "01:00.0 BAR0 at 0x00000000fea10000 size 0x4000 is outside the windows of bridge 00:02.0") != NULL);
    sound(&t);
    t.functions[2].bars[2].prefetchable = false; /* a non-prefetchable BAR in the pref window */
    EXPECT_EQ(pci_check_bars_in_bridge_windows(&t, collect, NULL), 1);
    sound(&t);
    window(&t.functions[1].bridge.pref, 1, 0); /* closed */
    EXPECT_EQ(pci_check_bars_in_bridge_windows(&t, collect, NULL), 1);
}

TEST(consistency_outside_the_host_windows_is_reported)
{
    struct pci_topology t;
    sound(&t);
    t.functions[0].bars[0].addr = 0x80000000; /* RAM side of the hole */
    window(&t.functions[1].bridge.pref, 0x900000000, 0x9ffffffff);
    EXPECT_EQ(pci_check_inside_host_windows(&t, crs, 2, collect, NULL), 2);
    EXPECT(strstr(reports, "00:01.0 BAR0 at 0x0000000080000000") != NULL);
    EXPECT(strstr(reports, "bridge 00:02.0 prefetchable window") != NULL);
}
