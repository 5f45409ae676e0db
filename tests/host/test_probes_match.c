/* drivers/probes.c probe_find and the match callbacks: which probe fits
 * which BAR, read from the enumeration record and, for virtio, from the
 * vendor capabilities through the seam. */
#include "../../drivers/probes.h"
#include "fake_pci.h"
#include "harness.h"

static struct pci_function fn;
static struct probe probe;

static const struct pci_function *record(struct pci_bdf f)
{
    pci_function_read(f, &fn, NULL);
    return &fn;
}

static const char *type_of(struct pci_bdf f, unsigned bar_num)
{
    probe_find(record(f), bar_num, &probe);
    return probe.type->name;
}

TEST(probe_ivshmem_ram_matches_bar2_only_at_its_last_word)
{
    fake_pci_reset();
    fake_dev_ivshmem(BDF(0, 3, 0), 0x240000000ull);
    EXPECT(probe_find(record(BDF(0, 3, 0)), 2, &probe));
    EXPECT_STR(probe.type->name, "ivshmem-ram");
    EXPECT_EQ(probe.type->strength, PROBE_SCRATCH);
    EXPECT_EQ(probe.offset, FAKE_IVSHMEM_SIZE - 8);
    EXPECT_EQ(probe.width, 8);
    EXPECT_EQ(probe.bar_size, FAKE_IVSHMEM_SIZE);
    EXPECT(!probe_find(&fn, 0, &probe)); /* its register BAR */
    EXPECT_STR(probe.reason, "no probe for this BAR");
}

TEST(probe_nvme_matches_by_class_on_bar0)
{
    fake_pci_reset();
    int h = fake_dev_nvme(BDF(0, 5, 0), 0xfeb00000u, false);
    fake_pci_poke(h, PCI_VENDOR_ID, 2, 0x144d); /* another vendor's controller */
    EXPECT(probe_find(record(BDF(0, 5, 0)), 0, &probe));
    EXPECT_STR(probe.type->name, "nvme-aqa");
    EXPECT_EQ(probe.offset, 0x24);
    EXPECT_EQ(probe.keep, 0x0fff0fff);
}

TEST(probe_edu_liveness_matches_bar0)
{
    fake_pci_reset();
    fake_dev_edu(BDF(0, 4, 0), 0xfea00000u);
    EXPECT_STR(type_of(BDF(0, 4, 0), 0), "edu-liveness");
    EXPECT(probe.type->reads_inverted);
    EXPECT_EQ(probe.offset, 4);
    EXPECT_EQ(probe.width, 4);
}

TEST(probe_virtio_common_cfg_is_found_through_the_vendor_capabilities)
{
    fake_pci_reset();
    fake_dev_virtio(BDF(0, 6, 0), 0x1000, 0x800000000ull);
    EXPECT(probe_find(record(BDF(0, 6, 0)), 4, &probe));
    EXPECT_STR(probe.type->name, "virtio-dfselect");
    EXPECT_EQ(probe.offset, 0);
    EXPECT_EQ(probe.width, 4);
    EXPECT(!probe_find(&fn, 1, &probe)); /* the MSI-X BAR */
    EXPECT_STR(probe.reason, "no probe for this BAR");
}

TEST(probe_virtio_common_cfg_offset_and_bar_come_from_the_capability)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 7, 0), 0x1af4, 0x1044, 0x00ff00); /* modern-only virtio-rng */
    fake_pci_bar_mem32(h, 2, 0x4000, 0xfe800000u, false);
    fake_virtio_cap(h, 0x40, 1, 2, 0x2000, 0x38);
    EXPECT(probe_find(record(BDF(0, 7, 0)), 2, &probe));
    EXPECT_EQ(probe.offset, 0x2000);
}

TEST(probe_virtio_skips_malformed_common_cfg_capabilities_as_a_driver_must)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 7, 0), 0x1af4, 0x1044, 0x00ff00);
    fake_pci_bar_mem32(h, 2, 0x4000, 0xfe800000u, false);
    fake_virtio_cap(h, 0x40, 1, 7, 0x0000, 0x38);  /* reserved BAR number */
    fake_virtio_cap(h, 0x50, 1, 2, 0x4000, 0x38);  /* past the end of the BAR */
    fake_virtio_cap(h, 0x60, 1, 2, 0x0002, 0x38);  /* misaligned */
    fake_virtio_cap(h, 0x70, 1, 0, 0x0000, 0x38);  /* BAR0 is not implemented */
    fake_virtio_cap(h, 0x80, 1, 2, 0x1000, 0x38);  /* the usable one */
    EXPECT(probe_find(record(BDF(0, 7, 0)), 2, &probe));
    EXPECT_EQ(probe.offset, 0x1000);
}

TEST(probe_virtio_without_a_usable_common_cfg_has_no_probe_and_says_why)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 7, 0), 0x1af4, 0x1044, 0x00ff00);
    fake_pci_bar_mem32(h, 2, 0x4000, 0xfe800000u, false);
    fake_virtio_cap(h, 0x40, 1, 2, 0x0000, 0x38);
    fake_pci_poke(h, 0x42, 1, 8); /* cap_len too short to hold offset and length */
    fake_virtio_cap(h, 0x50, 3, 2, 0x1000, 0x4); /* ISR only */
    EXPECT(!probe_find(record(BDF(0, 7, 0)), 2, &probe));
    EXPECT_STR(probe.type->name, "none");
    EXPECT_STR(probe.reason, "virtio: no usable common configuration capability");
}

TEST(probe_virtio_capability_list_that_loops_is_bounded)
{
    fake_pci_reset();
    int h = fake_dev_virtio(BDF(0, 6, 0), 0x1041, 0x800000000ull);
    fake_pci_poke(h, 0x41, 1, 0x84); /* common's next points back to the PCI cfg cap */
    EXPECT(probe_find(record(BDF(0, 6, 0)), 4, &probe));
    EXPECT(fake_pci_stats()->accesses < 400);
}

TEST(probe_pci_testdev_membar_is_none_with_the_empty_region_reason)
{
    fake_pci_reset();
    fake_dev_testdev(BDF(0, 8, 0), 0x900000000ull);
    EXPECT(!probe_find(record(BDF(0, 8, 0)), 2, &probe));
    EXPECT_EQ(probe.type->strength, PROBE_NONE);
    EXPECT_STR(probe.reason, "empty region: no register to identify it by");
    EXPECT(!probe_find(&fn, 0, &probe));
    EXPECT_STR(probe.reason, "no probe for this BAR");
}

TEST(probe_unknown_devices_and_non_memory_bars_get_none)
{
    fake_pci_reset();
    int h = fake_pci_add(BDF(0, 9, 0), 0x10ec, 0x8139, 0x020000); /* rtl8139: no probe */
    fake_pci_bar_mem32(h, 0, 0x20000, 0xfeb80000u, false);
    fake_pci_bar_io(h, 1, 0x40, 0xc000, 32);
    EXPECT(!probe_find(record(BDF(0, 9, 0)), 0, &probe));
    EXPECT_STR(probe.reason, "no probe for this device");
    EXPECT(!probe_find(&fn, 1, &probe));
    EXPECT_STR(probe.reason, "not a usable memory BAR");
    EXPECT(!probe_find(&fn, 7, &probe)); /* out of range */
}

TEST(probe_types_do_not_match_each_others_devices)
{
    fake_pci_reset();
    fake_dev_ivshmem(BDF(0, 3, 0), 0x240000000ull);
    fake_dev_edu(BDF(0, 4, 0), 0xfea00000u);
    fake_dev_nvme(BDF(0, 5, 0), 0xfeb00000u, false);
    fake_dev_virtio(BDF(0, 6, 0), 0x1000, 0x800000000ull);
    fake_dev_testdev(BDF(0, 8, 0), 0x900000000ull);
    const struct probe_type *types[] = {&probe_ivshmem_ram, &probe_edu_liveness,
                                        &probe_nvme_aqa, &probe_virtio_dfselect};
    const struct pci_bdf owners[] = {BDF(0, 3, 0), BDF(0, 4, 0), BDF(0, 5, 0), BDF(0, 6, 0)};
    const struct pci_bdf all[] = {BDF(0, 3, 0), BDF(0, 4, 0), BDF(0, 5, 0), BDF(0, 6, 0),
                                  BDF(0, 8, 0)};
    for (unsigned d = 0; d < 5; d++)
        for (unsigned bar = 0; bar < PCI_MAX_BARS; bar++) {
            probe_find(record(all[d]), bar, &probe);
            for (unsigned t = 0; t < 4; t++)
                if (probe.type == types[t])
                    EXPECT(owners[t].device == all[d].device);
        }
    EXPECT_STR(type_of(BDF(0, 3, 0), 2), "ivshmem-ram");
    EXPECT_STR(type_of(BDF(0, 6, 0), 4), "virtio-dfselect");
}

TEST(probe_strength_names_are_the_listing_words)
{
    EXPECT_STR(probe_strength_name(PROBE_SCRATCH), "scratch");
    EXPECT_STR(probe_strength_name(PROBE_SIGNATURE), "signature");
    EXPECT_STR(probe_strength_name(PROBE_NONE), "none");
}
