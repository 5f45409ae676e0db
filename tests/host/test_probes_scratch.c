/* The SCRATCH probes' life on the fake MMIO model: prepare, plant, look,
 * restore; where look must see nothing; two devices told apart. */
#include "../../drivers/probes.h"
#include "fake_pci.h"
#include "harness.h"

#define SHM_AT 0x240000000ull
#define SHM_LAST (FAKE_IVSHMEM_SIZE - 8)
#define EDU_AT 0xfea00000u
#define VIRTIO_AT 0x800000000ull

static struct pci_function fn;

static struct probe found(struct pci_bdf f, unsigned bar_num)
{
    struct probe p;
    pci_function_read(f, &fn, NULL);
    EXPECT(probe_find(&fn, bar_num, &p));
    return p;
}

/* prepare at home, plant a nonce made usable, and say what was planted */
static uint64_t planted(struct probe *p, uint64_t home, uint64_t random)
{
    EXPECT(probe_prepare(p, home) == NULL);
    uint64_t nonce = probe_usable_nonce(p, random);
    EXPECT(probe_plant(p, home, nonce));
    return nonce;
}

static bool seen_at(const struct probe *p, uint64_t base)
{
    uint64_t seen = 0;
    return probe_look(p, base, &seen);
}

TEST(probe_ivshmem_round_trip_plants_looks_and_restores_the_original_word)
{
    fake_pci_reset();
    int h = fake_dev_ivshmem(BDF(0, 3, 0), SHM_AT);
    fake_mmio_poke(h, 2, SHM_LAST, 8, 0x0123456789abcdefull); /* a peer's data */
    struct probe p = found(BDF(0, 3, 0), 2);
    uint64_t nonce = planted(&p, SHM_AT, 0xfeedfacecafebeefull);
    EXPECT_EQ(p.original, 0x0123456789abcdefull);
    EXPECT_EQ(fake_mmio_peek(h, 2, SHM_LAST, 8), nonce);
    uint64_t seen = 0;
    EXPECT(probe_look(&p, SHM_AT, &seen));
    EXPECT_EQ(seen, nonce);
    EXPECT(probe_restore(&p, SHM_AT));
    EXPECT_EQ(fake_mmio_peek(h, 2, SHM_LAST, 8), 0x0123456789abcdefull);
    EXPECT_EQ(fake_mmio_stats()->bad_accesses, 0);
}

TEST(probe_look_sees_nothing_at_a_wrong_address_or_with_decode_off)
{
    fake_pci_reset();
    int h = fake_dev_ivshmem(BDF(0, 3, 0), SHM_AT);
    struct probe p = found(BDF(0, 3, 0), 2);
    planted(&p, SHM_AT, 0x1234);
    EXPECT(seen_at(&p, SHM_AT));
    EXPECT(!seen_at(&p, SHM_AT + FAKE_IVSHMEM_SIZE));
    EXPECT(!seen_at(&p, SHM_AT & 0xffffffffu)); /* the high dword dropped */
    fake_pci_set_command(h, 0);
    EXPECT(!seen_at(&p, SHM_AT));
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    EXPECT(seen_at(&p, SHM_AT)); /* RAM kept the nonce while dark */
}

TEST(probe_look_follows_the_bar_and_never_writes)
{
    fake_pci_reset();
    fake_dev_virtio(BDF(0, 6, 0), 0x1000, VIRTIO_AT);
    struct probe p = found(BDF(0, 6, 0), 4);
    planted(&p, VIRTIO_AT, 0xabcdef01);
    unsigned long writes = fake_mmio_stats()->writes;
    EXPECT(pci_bar_set_addr(BDF(0, 6, 0), 4, 0x900000000ull));
    EXPECT(!seen_at(&p, VIRTIO_AT));
    EXPECT(seen_at(&p, 0x900000000ull));
    EXPECT_EQ(fake_mmio_stats()->writes, writes);
}

TEST(probe_two_devices_with_different_nonces_are_told_apart)
{
    fake_pci_reset();
    fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    fake_dev_edu(BDF(0, 5, 0), EDU_AT + (1 << 20));
    struct probe a = found(BDF(0, 4, 0), 0), b = found(BDF(0, 5, 0), 0);
    planted(&a, EDU_AT, 0x11111111);
    planted(&b, EDU_AT + (1 << 20), 0x22222222);
    EXPECT(seen_at(&a, EDU_AT) && !seen_at(&b, EDU_AT));
    EXPECT(seen_at(&b, EDU_AT + (1 << 20)) && !seen_at(&a, EDU_AT + (1 << 20)));
    /* b moved over a while a is dark: at a's address only b answers */
    fake_pci_set_command(0, 0);
    EXPECT(pci_bar_set_addr(BDF(0, 5, 0), 0, EDU_AT));
    EXPECT(!seen_at(&a, EDU_AT));
    EXPECT(seen_at(&b, EDU_AT));
}

TEST(probe_edu_inversion_is_expected_and_restore_writes_the_inverse)
{
    fake_pci_reset();
    int h = fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    fake_mmio_poke(h, 0, 4, 4, 0x5a5a0000); /* what the liveness register reads now */
    struct probe p = found(BDF(0, 4, 0), 0);
    uint64_t nonce = planted(&p, EDU_AT, 0x00c0ffee);
    EXPECT_EQ(nonce, 0x00c0ffee);
    EXPECT_EQ(p.expect, 0xff3f0011u);
    uint64_t seen = 0;
    EXPECT(probe_look(&p, EDU_AT, &seen));
    EXPECT_EQ(seen, 0xff3f0011u);
    EXPECT(probe_restore(&p, EDU_AT));
    EXPECT_EQ(fake_mmio_peek(h, 0, 4, 4), 0x5a5a0000);
}

TEST(probe_look_before_any_plant_or_after_restore_sees_nothing)
{
    fake_pci_reset();
    fake_dev_virtio(BDF(0, 6, 0), 0x1000, VIRTIO_AT);
    struct probe p = found(BDF(0, 6, 0), 4);
    EXPECT(probe_prepare(&p, VIRTIO_AT) == NULL);
    /* unmapped space reads 0 on QEMU: an unplanted probe must not "see" it */
    EXPECT(!seen_at(&p, 0x700000000ull));
    EXPECT(!seen_at(&p, VIRTIO_AT));
    EXPECT(probe_plant(&p, VIRTIO_AT, probe_usable_nonce(&p, 7)));
    EXPECT(probe_restore(&p, VIRTIO_AT));
    EXPECT(!seen_at(&p, VIRTIO_AT));
}

TEST(probe_a_fault_is_not_seen)
{
    fake_pci_reset();
    fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    struct probe p = found(BDF(0, 4, 0), 0);
    planted(&p, EDU_AT, 0x1234);
    fake_mmio_fault_at(EDU_AT + 4);
    uint64_t seen = 1, raw = 1;
    EXPECT(!probe_look(&p, EDU_AT, &seen));
    EXPECT_EQ(seen, 0);
    EXPECT_EQ(probe_read_register(&p, EDU_AT, &raw), PROBE_FAULTED | 14);
}

TEST(probe_prepare_refuses_a_register_that_does_not_keep_values)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 4, 0), 0x1234, 0x11e8, 0x00ff00); /* edu without liveness */
    fake_pci_bar_mem32(h, 0, 1 << 20, EDU_AT, false);
    fake_pci_set_command(h, PCI_COMMAND_MEMORY);
    struct probe p = found(BDF(0, 4, 0), 0);
    EXPECT_STR(probe_prepare(&p, EDU_AT), "the scratch register does not keep a written value");
    EXPECT_EQ(p.type->strength, PROBE_NONE);
    EXPECT_STR(p.reason, "the scratch register does not keep a written value");
    EXPECT(!probe_plant(&p, EDU_AT, 1));
}

TEST(probe_usable_nonce_avoids_zero_all_ones_and_the_original)
{
    fake_pci_reset();
    int h = fake_dev_edu(BDF(0, 4, 0), EDU_AT);
    fake_mmio_poke(h, 0, 4, 4, 0x12345678);
    struct probe p = found(BDF(0, 4, 0), 0);
    EXPECT(probe_prepare(&p, EDU_AT) == NULL);
    const uint64_t bad[] = {0, 0xffffffffu, ~0x12345678u & 0xffffffffu, 0xffffffff00000000ull};
    for (unsigned i = 0; i < 4; i++) {
        uint64_t n = probe_usable_nonce(&p, bad[i]), back = ~n & 0xffffffffu;
        EXPECT(n != 0 && n <= 0xffffffffu && n != 0xffffffffu);
        EXPECT(back != 0 && back != 0xffffffffu && back != 0x12345678u);
    }
    EXPECT_EQ(probe_usable_nonce(&p, 0x0badf00d), 0x0badf00d); /* a good one stays */
}
