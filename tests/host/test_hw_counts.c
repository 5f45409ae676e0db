/* drivers/hw_counts.c: the guest's count of its own config writes by kind
 * (issue 9's benchmark), classified from the COMMAND and header type that
 * earlier reads showed, one uncounted read where none did. */
#include "../../drivers/hw_counts.h"
#include "harness.h"

#include <string.h>

static unsigned raw_calls;
static uint32_t raw_command = 0x0006, raw_header = 0x00000000; /* decode on, type 0 */

static uint32_t raw(struct pci_bdf f, uint16_t offset, unsigned width)
{
    (void)f;
    (void)width;
    raw_calls++;
    return offset == 0x04 ? raw_command : raw_header;
}

static struct hw_counts delta(const struct hw_counts *before)
{
    const struct hw_counts *c = hw_counts();
    return (struct hw_counts){c->mse_toggles - before->mse_toggles, c->bar_dark - before->bar_dark,
                              c->bar_live - before->bar_live, c->bridge_win - before->bridge_win,
                              c->other_cfg - before->other_cfg, c->cfg_reads - before->cfg_reads,
                              c->mmio_reads - before->mmio_reads, c->mmio_writes - before->mmio_writes,
                              c->classify_reads - before->classify_reads};
}

TEST(hw_counts_classify_endpoint_writes)
{
    struct pci_bdf f = {0, 7, 3, 0};
    struct hw_counts before = *hw_counts();
    raw_calls = 0;
    hw_counts_cfg_read(f, 0x0c, 4, 0x00800000); /* header type 0, multi-function */
    hw_counts_cfg_read(f, 0x04, 2, 0x0006);     /* memory decode on */
    hw_counts_cfg_write(f, 0x10, 4, 0xfe000000, raw); /* live */
    hw_counts_cfg_write(f, 0x04, 2, 0x0004, raw);     /* decode off: a toggle */
    hw_counts_cfg_write(f, 0x10, 4, 0xfe100000, raw); /* dark */
    hw_counts_cfg_write(f, 0x24, 4, 0, raw);          /* BAR5: dark */
    hw_counts_cfg_write(f, 0x04, 2, 0x0000, raw);     /* bus master off only: other */
    hw_counts_cfg_write(f, 0x04, 4, 0x0002, raw);     /* dword COMMAND, decode on: a toggle */
    hw_counts_cfg_write(f, 0x3c, 1, 0x0b, raw);       /* interrupt line: other */
    struct hw_counts d = delta(&before);
    EXPECT_EQ(d.cfg_reads, 2);
    EXPECT_EQ(d.mse_toggles, 2);
    EXPECT_EQ(d.bar_live, 1);
    EXPECT_EQ(d.bar_dark, 2);
    EXPECT_EQ(d.other_cfg, 2);
    EXPECT_EQ(d.bridge_win, 0);
    EXPECT_EQ(d.classify_reads, 0);
    EXPECT_EQ(raw_calls, 0);
}

TEST(hw_counts_classify_bridge_writes)
{
    struct pci_bdf f = {0, 7, 4, 0};
    struct hw_counts before = *hw_counts();
    hw_counts_cfg_read(f, 0x0e, 1, 0x01); /* a bridge */
    hw_counts_cfg_read(f, 0x04, 2, 0x0007);
    hw_counts_cfg_write(f, 0x20, 2, 0xfe00, raw); /* memory base */
    hw_counts_cfg_write(f, 0x2c, 4, 0, raw);      /* prefetchable limit upper 32 */
    hw_counts_cfg_write(f, 0x04, 2, 0x0003, raw); /* I/O off, memory stays: a bridge COMMAND write */
    hw_counts_cfg_write(f, 0x14, 4, 0, raw);      /* BAR1 of a type 1 header */
    hw_counts_cfg_write(f, 0x18, 4, 0, raw);      /* bus numbers: not a BAR there */
    struct hw_counts d = delta(&before);
    EXPECT_EQ(d.bridge_win, 3);
    EXPECT_EQ(d.bar_live, 1);
    EXPECT_EQ(d.other_cfg, 1);
    EXPECT_EQ(d.mse_toggles, 0);
}

TEST(hw_counts_unseen_function_costs_one_uncounted_look)
{
    struct pci_bdf f = {0, 9, 1, 2};
    struct hw_counts before = *hw_counts();
    raw_calls = 0;
    hw_counts_cfg_write(f, 0x04, 2, 0x0004, raw); /* raw COMMAND 0x0006: a toggle */
    hw_counts_cfg_write(f, 0x10, 4, 0, raw);      /* now known dark */
    struct hw_counts d = delta(&before);
    EXPECT_EQ(d.classify_reads, 1);
    EXPECT_EQ(raw_calls, 2); /* COMMAND and header type, once */
    EXPECT_EQ(d.mse_toggles, 1);
    EXPECT_EQ(d.bar_dark, 1);
    EXPECT_EQ(d.cfg_reads, 0);
    char line[256];
    hw_counts_format(line, sizeof line);
    EXPECT(strncmp(line, "writes: mse-toggles=", 20) == 0);
    EXPECT(strstr(line, " classify-reads=") != NULL);
}

TEST(hw_counts_mmio_reads_and_writes)
{
    struct hw_counts before = *hw_counts();
    hw_counts_mmio(0);
    hw_counts_mmio(1);
    hw_counts_mmio(1);
    struct hw_counts d = delta(&before);
    EXPECT_EQ(d.mmio_reads, 1);
    EXPECT_EQ(d.mmio_writes, 2);
}

/* 100 written functions do not fit in one TAP comment: the list goes on over
 * as many lines as it takes, each within its size, none lost or repeated */
TEST(hw_counts_by_device_lines_hold_every_function)
{
    for (unsigned d = 0; d < 100; d++) {
        struct pci_bdf f = {0, 1, (uint8_t)(d / 8), (uint8_t)(d % 8)};
        hw_counts_cfg_read(f, 0x0c, 4, 0x00800000);
        hw_counts_cfg_read(f, 0x04, 2, 0x0006);
        hw_counts_cfg_write(f, 0x04, 2, 0x0004, raw); /* decode off: one toggle */
    }
    char line[300];
    unsigned next = 0, lines = 0, on_bus1 = 0;
    do {
        if (!hw_counts_format_by_device(line, sizeof line, &next))
            break;
        lines++;
        EXPECT(strlen(line) < sizeof line - 1);
        EXPECT(!strncmp(line, "writes by device:", 17));
        for (const char *p = line; (p = strstr(p, " 01:")); p++)
            on_bus1++;
    } while (next && lines < 100);
    EXPECT(lines > 1);
    EXPECT_EQ(on_bus1, 100);
}

/* An enumeration reads the vendor ID (16 bits, 0xffff) of many empty slots:
 * they take no entry, so a real function behind them is still classified
 * from what was read of it, with no extra read */
TEST(hw_counts_absent_functions_take_no_entry)
{
    for (unsigned bus = 2; bus < 60; bus++)
        for (unsigned d = 0; d < 32; d++)
            hw_counts_cfg_read((struct pci_bdf){0, (uint8_t)bus, (uint8_t)d, 0}, 0x00, 2, 0xffff);
    struct pci_bdf f = {0, 61, 0, 0};
    hw_counts_cfg_read(f, 0x0c, 4, 0x00000000);
    hw_counts_cfg_read(f, 0x04, 2, 0x0006);
    struct hw_counts before = *hw_counts();
    hw_counts_cfg_write(f, 0x04, 2, 0x0004, raw);
    struct hw_counts d = delta(&before);
    EXPECT_EQ(d.mse_toggles, 1);
    EXPECT_EQ(d.classify_reads, 0);
}
