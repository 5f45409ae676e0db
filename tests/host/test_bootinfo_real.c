/* kernel/bootinfo.c on boot information captured from real loaders
 * (scripts/capture-bootinfo.sh): QEMU's own multiboot1 loader and GRUB 2.06
 * with multiboot1 and multiboot2, under SeaBIOS and OVMF. */
#include <stdlib.h>

#include "../../kernel/memmap.h"
#include "bootinfo_fake.h"
#include "harness.h"

static int parse_fixture(const char *name, struct bootinfo *bi)
{
    size_t len;
    unsigned char *bytes = host_fixture(name, &len);
    if (!bytes)
        return -2;
    char *text = calloc(1, len + 1);
    memcpy(text, bytes, len);
    struct fake_phys m;
    fake_phys_init(&m);
    uint32_t magic = 0;
    uint64_t info = 0;
    char end[128], err[160];
    int r = fake_phys_load_dump(&m, text, &magic, &info, end, sizeof end);
    if (r == 0)
        r = bootinfo_parse(magic, info, fake_phys_read, &m, bi, err, sizeof err);
    fake_phys_free(&m);
    free(text);
    free(bytes);
    return r;
}

static void expect_sane_map(const struct bootinfo *bi)
{
    char why[200] = "";
    EXPECT(bi->range_count >= 3);
    EXPECT_EQ(memmap_check(bi->ranges, bi->range_count, why, sizeof why), 0);
}

TEST(real_qemu_kernel_multiboot1)
{
    static struct bootinfo bi;
    EXPECT_EQ(parse_fixture("bootinfo-qemu-kernel-mb1.txt", &bi), 0);
    EXPECT_EQ(bi.protocol, 1);
    EXPECT_STR(bi.loader, "qemu");
    EXPECT(strstr(bi.cmdline, "barmove32.elf selftest=bootinfo-dump only=none") != NULL);
    EXPECT_EQ(bi.rsdp_tag, 0);
    expect_sane_map(&bi);
}

TEST(real_grub_multiboot1_and_2_under_seabios)
{
    static struct bootinfo bi;
    EXPECT_EQ(parse_fixture("bootinfo-grub-seabios-mb1.txt", &bi), 0);
    EXPECT_EQ(bi.protocol, 1);
    EXPECT_STR(bi.loader, "GRUB 2.06-13+deb12u2");
    EXPECT(strstr(bi.cmdline, "selftest=bootinfo-dump only=none") != NULL);
    expect_sane_map(&bi);
    EXPECT_EQ(parse_fixture("bootinfo-grub-seabios-mb2.txt", &bi), 0);
    EXPECT_EQ(bi.protocol, 2);
    EXPECT_STR(bi.loader, "GRUB 2.06-13+deb12u2");
    EXPECT_STR(bi.cmdline, "selftest=bootinfo-dump only=none");
    EXPECT(bi.rsdp_tag == 14 || bi.rsdp_tag == 15); /* GRUB copies SeaBIOS's RSDP */
    EXPECT(bi.rsdp_length >= 20 && memcmp(bi.rsdp, "RSD PTR ", 8) == 0);
    expect_sane_map(&bi);
}

TEST(real_grub_multiboot2_under_ovmf_carries_the_rsdp)
{
    static struct bootinfo bi;
    EXPECT_EQ(parse_fixture("bootinfo-grub-ovmf-mb2.txt", &bi), 0);
    EXPECT_EQ(bi.protocol, 2);
    EXPECT_STR(bi.cmdline, "selftest=bootinfo-dump only=none");
    EXPECT_EQ(bi.rsdp_tag, 15); /* OVMF: ACPI 2.0+, and only through this tag */
    EXPECT(bi.rsdp_length >= 36 && memcmp(bi.rsdp, "RSD PTR ", 8) == 0);
    expect_sane_map(&bi);
}
