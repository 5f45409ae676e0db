/* kernel/bootinfo.c, multiboot1: a QEMU -kernel block field by field, then
 * the ways a loader can get it wrong. Blocks live in a fake physical memory
 * whose reader returns exact-size heap copies (ASan sees any over-read). */
#include "../../kernel/bootinfo.h"
#include "../../kernel/memmap.h"
#include "../../kernel/options.h"
#include "bootinfo_fake.h"
#include "harness.h"

static struct fake_phys mem;
static struct bootinfo bi;
static char err[200];

static int parse_at(uint32_t magic, uint64_t info)
{
    strcpy(err, "untouched");
    return bootinfo_parse(magic, info, fake_phys_read, &mem, &bi, err, sizeof err);
}

static int parse_mb1(void)
{
    return parse_at(MB1_BOOT_MAGIC, QEMU_MB1_INFO);
}

/* the QEMU block, then lets the test edit the info before parsing */
static uint8_t *qemu_info(void)
{
    fake_phys_free(&mem);
    build_qemu_mb1(&mem);
    return mem.segments[0].bytes;
}

TEST(mb1_qemu_kernel_block_every_field)
{
    qemu_info();
    EXPECT_EQ(parse_mb1(), 0);
    EXPECT_STR(err, "");
    EXPECT_EQ(bi.protocol, 1);
    EXPECT_STR(bi.cmdline, QEMU_MB1_CMDLINE);
    EXPECT_STR(bi.loader, "qemu");
    EXPECT_EQ(bi.range_count, 9);
    for (unsigned i = 0; i < 9; i++) {
        EXPECT_EQ(bi.ranges[i].base, qemu_mb1_ranges[i].base);
        EXPECT_EQ(bi.ranges[i].length, qemu_mb1_ranges[i].length);
        EXPECT_EQ(bi.ranges[i].type, qemu_mb1_ranges[i].type);
    }
    EXPECT_EQ(bi.rsdp_tag, 0);
    EXPECT_EQ(bi.rsdp_length, 0);
    EXPECT_STR(bi.warning, "");
    EXPECT_EQ(mem.refused, 0);
    char why[200];
    EXPECT_EQ(memmap_check(bi.ranges, bi.range_count, why, sizeof why), 0);
    struct options o;
    EXPECT_EQ(options_parse(bi.cmdline, &o, err, sizeof err), 0);
    EXPECT_EQ(o.level, LEVEL_STRICT);
    fake_phys_free(&mem);
}

TEST(bootinfo_rejects_bad_magic_and_null_info)
{
    qemu_info();
    EXPECT_EQ(parse_at(0x1BADB002, QEMU_MB1_INFO), -1); /* the header magic, not the boot one */
    EXPECT_STR(err, "boot magic 0x1badb002 is neither multiboot1 (0x2badb002) nor "
                    "multiboot2 (0x36d76289)");
    EXPECT_EQ(parse_at(0, QEMU_MB1_INFO), -1);
    EXPECT_EQ(parse_at(MB1_BOOT_MAGIC, 0), -1);
    EXPECT_STR(err, "boot information pointer is null");
    EXPECT_EQ(parse_at(MB2_BOOT_MAGIC, 0), -1);
    EXPECT_STR(err, "boot information pointer is null");
    fake_phys_free(&mem);
}

TEST(mb1_unreadable_or_short_info)
{
    qemu_info();
    EXPECT_EQ(parse_at(MB1_BOOT_MAGIC, 0x123400), -1);
    EXPECT_STR(err, "mb1 info at 0x0000000000123400 is unreadable");
    /* only the flags word exists, but they announce the loader name at +64 */
    fake_phys_free(&mem);
    put_u32(fake_phys_add(&mem, 0x5000, 4), 0x200);
    EXPECT_EQ(parse_at(MB1_BOOT_MAGIC, 0x5000), -1);
    EXPECT_STR(err, "mb1 info at 0x0000000000005000 is unreadable");
    /* flags 0: the flags word is all there is to read */
    put_u32(mem.segments[0].bytes, 0);
    EXPECT_EQ(parse_at(MB1_BOOT_MAGIC, 0x5000), 0);
    EXPECT_EQ(bi.range_count, 0);
    EXPECT_STR(bi.cmdline, "");
    EXPECT_STR(bi.loader, "");
    fake_phys_free(&mem);
}

/* found by tests/fuzz/fuzz_bootinfo (crashes/bootinfo/mb1-flags-fetched-twice):
 * the flags were read twice, once to size the info read and again from it;
 * memory that changed in between (here: the 4-byte read and the 52-byte one
 * served by different segments) announced the loader name at +64 past the
 * 52 bytes read. The flags that sized the read are the ones used. */
TEST(mb1_flags_are_fetched_once)
{
    fake_phys_init(&mem);
    put_u32(fake_phys_add(&mem, 0x5000, 4), 0x40);  /* what the first look sees: mmap */
    put_u32(fake_phys_add(&mem, 0x5000, 52), 0x200); /* the second: the loader name */
    EXPECT_EQ(parse_at(MB1_BOOT_MAGIC, 0x5000), 0);
    EXPECT_EQ(bi.range_count, 0);
    EXPECT_STR(bi.loader, "");
    fake_phys_free(&mem);
}

TEST(mb1_cmdline_pointer_null_or_unreadable)
{
    put_u32(qemu_info() + 16, 0);
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 flags announce a cmdline at null");
    put_u32(qemu_info() + 16, 0x400000);
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 cmdline at 0x00400000 is unreadable");
    fake_phys_free(&mem);
}

TEST(mb1_cmdline_length_limits)
{
    put_u32(qemu_info() + 16, 0x20000);
    char *line = (char *)fake_phys_add(&mem, 0x20000, 2048);
    memset(line, 'x', 1023);
    EXPECT_EQ(parse_mb1(), 0); /* 1023 characters and the NUL fit */
    EXPECT_EQ(strlen(bi.cmdline), 1023);
    line[1023] = 'x';
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 cmdline is longer than 1023 bytes");
    /* no NUL before the end of readable memory */
    memset(line, 'y', 2048);
    put_u32(mem.segments[0].bytes + 16, 0x20000 + 2048 - 10);
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 cmdline at 0x000207f6 is unreadable");
    fake_phys_free(&mem);
}

TEST(mb1_mmap_length_not_a_multiple_of_entries)
{
    uint8_t *info = qemu_info();
    put_u32(info + 44, 9 * 24 - 4); /* the last entry runs past mmap_length */
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 mmap entry at offset 192 (size 20) does not fit 20..16 bytes");
    put_u32(info + 44, 8 * 24 + 2); /* two stray bytes after 8 entries */
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 mmap entry at offset 192 (size 0) does not fit 20..0 bytes");
    fake_phys_free(&mem);
}

TEST(mb1_mmap_entry_size_zero_or_huge)
{
    qemu_info();
    uint8_t *map = mem.segments[1].bytes;
    put_u32(map + 24, 0); /* would loop forever if not refused */
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 mmap entry at offset 24 (size 0) does not fit 20..188 bytes");
    put_u32(map + 24, 19);
    EXPECT_EQ(parse_mb1(), -1);
    put_u32(map + 24, 0xfffffff0u); /* 4 + size would wrap a 32-bit offset */
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 mmap entry at offset 24 (size 4294967280) does not fit 20..188 bytes");
    fake_phys_free(&mem);
}

TEST(mb1_mmap_wider_entries_are_stepped_by_their_size)
{
    uint8_t *info = qemu_info();
    uint8_t *map = fake_phys_add(&mem, 0x30000, 2 * 32);
    for (int i = 0; i < 2; i++) {
        put_u32(map + 32 * i, 28); /* 8 bytes more than the classic entry */
        put_u64(map + 32 * i + 4, i ? 0x100000 : 0);
        put_u64(map + 32 * i + 12, i ? 0x7f00000 : 0x9fc00);
        put_u32(map + 32 * i + 20, MEM_RAM);
        put_u32(map + 32 * i + 24, 0xdeadbeef);
    }
    put_u32(info + 44, 64);
    put_u32(info + 48, 0x30000);
    EXPECT_EQ(parse_mb1(), 0);
    EXPECT_EQ(bi.range_count, 2);
    EXPECT_EQ(bi.ranges[1].base, 0x100000);
    EXPECT_EQ(bi.ranges[1].length, 0x7f00000);
    fake_phys_free(&mem);
}

TEST(mb1_mmap_pointer_and_length_limits)
{
    uint8_t *info = qemu_info();
    put_u32(info + 48, 0);
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 flags announce a memory map at null");
    put_u32(info + 48, 0x9800);
    put_u32(info + 44, 0x10001);
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 mmap_length 65537 above 65536");
    put_u32(info + 44, 0x1000); /* more than the segment holds */
    EXPECT_EQ(parse_mb1(), -1);
    EXPECT_STR(err, "mb1 mmap at 0x00009800 (4096 bytes) is unreadable");
    put_u32(info + 44, 0); /* an empty map is kept empty: memmap_check judges it */
    EXPECT_EQ(parse_mb1(), 0);
    EXPECT_EQ(bi.range_count, 0);
    fake_phys_free(&mem);
}

TEST(mb1_more_ranges_than_kept)
{
    static struct mem_range many[BOOTINFO_MAX_RANGES + 3];
    for (unsigned i = 0; i < BOOTINFO_MAX_RANGES + 3; i++)
        many[i] = (struct mem_range){0x1000 * (uint64_t)i, 0x1000, MEM_RAM};
    uint8_t *info = qemu_info();
    put_u32(info + 44, mb1_place_mmap(&mem, 0x40000, many, BOOTINFO_MAX_RANGES + 3));
    put_u32(info + 48, 0x40000);
    EXPECT_EQ(parse_mb1(), 0);
    EXPECT_EQ(bi.range_count, BOOTINFO_MAX_RANGES);
    EXPECT_EQ(bi.ranges[BOOTINFO_MAX_RANGES - 1].base, 0x1000 * (BOOTINFO_MAX_RANGES - 1));
    EXPECT_STR(bi.warning, "more than 128 memory ranges: kept the first 128");
    fake_phys_free(&mem);
}

TEST(mb1_without_mmap_uses_mem_lower_upper)
{
    uint8_t *info = qemu_info();
    put_u32(info, 0x1 | 0x4); /* mem + cmdline only */
    EXPECT_EQ(parse_mb1(), 0);
    EXPECT_EQ(bi.range_count, 2);
    EXPECT_EQ(bi.ranges[0].base, 0);
    EXPECT_EQ(bi.ranges[0].length, 639 * 1024);
    EXPECT_EQ(bi.ranges[1].base, 0x100000);
    EXPECT_EQ(bi.ranges[1].length, 130048ull * 1024);
    EXPECT_EQ(bi.ranges[1].type, MEM_RAM);
    EXPECT_STR(bi.warning, "no memory map: ranges made from mem_lower/mem_upper");
    EXPECT_STR(bi.loader, "");
    fake_phys_free(&mem);
}

TEST(mb1_loader_name_problems_are_warnings)
{
    uint8_t *info = qemu_info();
    put_u32(info + 64, 0);
    EXPECT_EQ(parse_mb1(), 0);
    EXPECT_STR(bi.loader, "");
    EXPECT_STR(bi.warning, "mb1 boot loader name at 0x00000000 is unreadable");
    char *name = (char *)fake_phys_add(&mem, 0x50000, 100);
    memset(name, 'L', 99);
    put_u32(info + 64, 0x50000);
    EXPECT_EQ(parse_mb1(), 0);
    EXPECT_EQ(strlen(bi.loader), 63);
    EXPECT_STR(bi.warning, "boot loader name cut to 63 bytes");
    EXPECT_STR(bi.cmdline, QEMU_MB1_CMDLINE);
    fake_phys_free(&mem);
}

TEST(mb1_reads_only_the_fields_its_flags_announce)
{
    /* each info block is exactly as long as its last flagged field: a parser
     * reading further gets NULL (refused) or trips ASan on the copy */
    static const struct { uint32_t flags; size_t size; } cases[] = {
        {0x1, 12}, {0x4, 20}, {0x40, 52}, {0x200, 68}, {0x5, 20}, {0x45, 52},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_phys_free(&mem);
        uint8_t *info = fake_phys_add(&mem, 0x6000, cases[i].size);
        put_u32(info, cases[i].flags);
        if (cases[i].flags & 0x1)
            put_u32(info + 8, 1024);
        if (cases[i].flags & 0x4) {
            put_u32(info + 16, 0x7000);
            strcpy((char *)fake_phys_add(&mem, 0x7000, 8), "verbose");
        }
        if (cases[i].flags & 0x40) {
            put_u32(info + 44, mb1_place_mmap(&mem, 0x8000, qemu_mb1_ranges, 4));
            put_u32(info + 48, 0x8000);
        }
        if (cases[i].flags & 0x200) {
            put_u32(info + 64, 0x7100);
            strcpy((char *)fake_phys_add(&mem, 0x7100, 5), "GRUB");
        }
        EXPECT_EQ(parse_at(MB1_BOOT_MAGIC, 0x6000), 0);
        EXPECT_EQ(mem.refused, 0);
        EXPECT_STR(bi.cmdline, cases[i].flags & 0x4 ? "verbose" : "");
        EXPECT_STR(bi.loader, cases[i].flags & 0x200 ? "GRUB" : "");
        EXPECT_EQ(bi.range_count, cases[i].flags & 0x40 ? 4 : cases[i].flags & 0x1 ? 1 : 0);
    }
    fake_phys_free(&mem);
}
