/* drivers/probes.c's look-phase read cache: one device read per register and
 * address within a phase, none reused across phases or after a write. */
#include "../../drivers/probes.h"
#include "fake_pci.h"
#include "harness.h"

#define EDU_AT 0xfea00000u

static unsigned long device_reads(void)
{
    return fake_mmio_stats()->reads;
}

TEST(probe_read_cache_reads_once_per_address_in_a_phase)
{
    uint64_t v = 0;
    fake_pci_reset();
    fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    unsigned long before = device_reads();
    probe_read_cache_begin();
    EXPECT_EQ(probe_mmio_read(EDU_AT, 0, 4, &v), 0);
    EXPECT_EQ(v, FAKE_EDU_IDENT);
    EXPECT_EQ(probe_mmio_read(EDU_AT, 0, 4, &v), 0);
    EXPECT_EQ(v, FAKE_EDU_IDENT);
    EXPECT_EQ(device_reads() - before, 1);
    EXPECT_EQ(probe_mmio_read(EDU_AT, 4, 4, &v), 0); /* another register: read */
    EXPECT_EQ(device_reads() - before, 2);
    probe_read_cache_invalidate();
    EXPECT_EQ(probe_mmio_read(EDU_AT, 0, 4, &v), 0); /* forgotten: read again */
    EXPECT_EQ(device_reads() - before, 3);
    probe_read_cache_end();
    EXPECT_EQ(probe_mmio_read(EDU_AT, 0, 4, &v), 0); /* outside a phase: always read */
    EXPECT_EQ(probe_mmio_read(EDU_AT, 0, 4, &v), 0);
    EXPECT_EQ(device_reads() - before, 5);
    probe_read_cache_begin(); /* a new phase reuses nothing of the last */
    EXPECT_EQ(probe_mmio_read(EDU_AT, 0, 4, &v), 0);
    EXPECT_EQ(device_reads() - before, 6);
    EXPECT_EQ(probe_mmio_write(EDU_AT, 4, 4, 0x1234), 0); /* a write empties it */
    EXPECT_EQ(probe_mmio_read(EDU_AT, 0, 4, &v), 0);
    EXPECT_EQ(device_reads() - before, 7);
    probe_read_cache_end();
}
