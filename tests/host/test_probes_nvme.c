/* drivers/probe_nvme.c: AQA as scratch while the controller is disabled,
 * VS and CAP as signature when it runs. */
#include "../../drivers/probes.h"
#include "fake_pci.h"
#include "harness.h"

#define NVME_AT 0xfeb00000u
#define NVME_AQA 0x24

static struct pci_function fn;

static struct probe nvme_probe(bool enabled, int *handle)
{
    struct probe p;
    fake_pci_reset();
    *handle = fake_dev_nvme(BDF(0, 5, 0), NVME_AT, enabled);
    pci_function_read(BDF(0, 5, 0), &fn, NULL);
    EXPECT(probe_find(&fn, 0, &p));
    return p;
}

TEST(probe_nvme_disabled_plants_a_nonce_masked_to_asqs_and_acqs)
{
    int h;
    struct probe p = nvme_probe(false, &h);
    EXPECT(probe_prepare(&p, NVME_AT) == NULL);
    EXPECT_STR(p.type->name, "nvme-aqa");
    uint64_t nonce = probe_usable_nonce(&p, 0xdeadbeef);
    EXPECT_EQ(nonce, 0x0ead0eef);
    EXPECT(probe_plant(&p, NVME_AT, 0xdeadbeef)); /* unmasked: plant masks it itself */
    EXPECT_EQ(p.expect, 0x0ead0eef);
    uint64_t seen = 0;
    EXPECT(probe_look(&p, NVME_AT, &seen));
    EXPECT_EQ(seen, 0x0ead0eef);
    EXPECT(probe_restore(&p, NVME_AT));
    EXPECT_EQ(fake_mmio_peek(h, 0, NVME_AQA, 4), 0);
}

/* prepare halts a running controller (CC.EN cleared); this fake's CSTS.RDY
 * never falls, so the halt times out and the probe falls back to the
 * signature, having written CC once and AQA never */
TEST(probe_nvme_enabled_falls_back_to_signature_and_never_writes_aqa)
{
    int h;
    struct probe p = nvme_probe(true, &h);
    unsigned long writes = fake_mmio_stats()->writes;
    EXPECT(probe_prepare(&p, NVME_AT) == NULL);
    EXPECT_STR(p.type->name, "nvme-signature");
    EXPECT_EQ(p.type->strength, PROBE_SIGNATURE);
    EXPECT_STR(p.reason, "controller still ready (CSTS.RDY=1): AQA must not change while it runs");
    EXPECT_EQ(fake_mmio_stats()->writes, writes + 1); /* CC.EN cleared */
    writes = fake_mmio_stats()->writes;
    EXPECT_EQ(p.signature[0], FAKE_NVME_VS);
    EXPECT_EQ(p.signature[1], FAKE_NVME_CAP);
    EXPECT(probe_plant(&p, NVME_AT, 0x1234));
    uint64_t seen = 0;
    EXPECT(probe_look(&p, NVME_AT, &seen));
    EXPECT_EQ(seen, FAKE_NVME_VS);
    EXPECT(!probe_look(&p, NVME_AT + 0x4000, &seen));
    EXPECT(probe_restore(&p, NVME_AT));
    EXPECT_EQ(fake_mmio_stats()->writes, writes);
    EXPECT_EQ(fake_mmio_peek(h, 0, NVME_AQA, 4), 0x001f001f);
}

TEST(probe_nvme_signature_is_not_seen_with_decode_off)
{
    int h;
    struct probe p = nvme_probe(true, &h);
    EXPECT(probe_prepare(&p, NVME_AT) == NULL);
    fake_pci_set_command(h, 0);
    uint64_t seen = 1;
    EXPECT(!probe_look(&p, NVME_AT, &seen));
    EXPECT_EQ(seen, 0);
}

TEST(probe_nvme_still_ready_after_disable_is_not_written_either)
{
    int h;
    struct probe p = nvme_probe(false, &h);
    fake_mmio_poke(h, 0, 0x1c, 4, 1); /* CSTS.RDY still set: shutting down */
    EXPECT(probe_prepare(&p, NVME_AT) == NULL);
    EXPECT_STR(p.type->name, "nvme-signature");
    EXPECT_STR(p.reason, "controller still ready (CSTS.RDY=1): AQA must not change while it runs");
}

TEST(probe_nvme_without_a_readable_signature_becomes_none)
{
    int h;
    struct probe p = nvme_probe(true, &h);
    const char *why = probe_prepare(&p, 0xfe000000u); /* nothing decodes there: reads 0 */
    EXPECT_STR(why, "NVMe signature (VS, CAP) reads 0 or all-ones");
    EXPECT_EQ(p.type->strength, PROBE_NONE);
    uint64_t seen = 0;
    EXPECT(!probe_look(&p, NVME_AT, &seen));
}

/* works-after-move drives the admin queues through the planted AQA: no nonce
 * may leave a queue size at 0 (seen once on OVMF: AQA 0x062c0000) */
TEST(probe_nvme_nonce_never_has_an_empty_queue_size)
{
    struct probe p = {.type = &probe_nvme_aqa, .width = 4, .keep = 0x0fff0fff, .original = 0x001f001f};
    static const uint64_t randoms[] = {0x062c0000, 0x00000abc, 0, 0xf000f000, 0x0fff0000};
    for (unsigned i = 0; i < sizeof randoms / sizeof randoms[0]; i++) {
        uint64_t n = probe_usable_nonce(&p, randoms[i]);
        EXPECT((n & 0xfff) != 0);
        EXPECT((n & 0x0fff0000) != 0);
        EXPECT_EQ(n & ~0x0fff0fffull, 0);
    }
}

static bool taken_by_list(const struct probe *p, uint64_t nonce, const void *ctx)
{
    const struct probe *const *list = ctx;
    for (unsigned i = 0; list[i]; i++)
        if (probe_nonce_clashes(p, nonce, list[i]))
            return true;
    return false;
}

/* Many controllers of one kind share the AQA register: two planted with the
 * same nonce look alike, and one is "seen" at the other's address (measured:
 * a false rebalance failure at 100 NVMe). Even from a constant random source,
 * every nonce differs from every other planted one. */
TEST(probe_distinct_nonce_keeps_many_controllers_apart)
{
    static struct probe probes[64];
    const struct probe *planted[65] = {NULL};
    for (unsigned i = 0; i < 64; i++) {
        probes[i] = (struct probe){.type = &probe_nvme_aqa, .width = 4, .keep = 0x0fff0fff, .original = 0};
        uint64_t n = probe_distinct_nonce(&probes[i], 0xdeadbeef, taken_by_list, planted);
        probes[i].planted = true;
        probes[i].nonce = n;
        probes[i].expect = n;
        for (unsigned j = 0; j < i; j++)
            EXPECT(probes[j].expect != n);
        planted[i] = &probes[i];
    }
    /* the control: without taken(), the same source gives one nonce to all */
    EXPECT_EQ(probe_distinct_nonce(&probes[1], 0xdeadbeef, NULL, NULL), probes[0].expect);
    EXPECT(probe_nonce_clashes(&probes[1], probes[0].expect, &probes[0]));
    /* a probe of another register never clashes */
    struct probe other = probes[0];
    other.offset += 4;
    EXPECT(!probe_nonce_clashes(&other, probes[0].expect, &probes[0]));
}
