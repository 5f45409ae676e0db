/* kernel/bootinfo.c, multiboot2: a GRUB block field by field, then
 * malformed blocks built in memory (see bootinfo_fake.h). */
#include <stdio.h>

#include "../../kernel/bootinfo.h"
#include "../../kernel/memmap.h"
#include "../../kernel/options.h"
#include "bootinfo_fake.h"
#include "harness.h"

#define AT 0x10000u

static struct fake_phys mem;
static struct bootinfo bi;
static struct mb2_block b;
static char err[200];

/* places b at AT in a fresh memory and parses it */
static int parse_block(void)
{
    fake_phys_free(&mem);
    mb2_place(&mem, &b, AT);
    strcpy(err, "untouched");
    return bootinfo_parse(MB2_BOOT_MAGIC, AT, fake_phys_read, &mem, &bi, err, sizeof err);
}

TEST(mb2_grub_block_every_field)
{
    fake_phys_free(&mem);
    build_grub_mb2(&mem);
    EXPECT_EQ(bootinfo_parse(MB2_BOOT_MAGIC, GRUB_MB2_INFO, fake_phys_read, &mem, &bi, err,
                             sizeof err),
              0);
    EXPECT_STR(err, "");
    EXPECT_EQ(bi.protocol, 2);
    EXPECT_STR(bi.cmdline, GRUB_MB2_CMDLINE);
    EXPECT_STR(bi.loader, GRUB_MB2_LOADER);
    EXPECT_EQ(bi.range_count, 10);
    for (unsigned i = 0; i < 10; i++) {
        EXPECT_EQ(bi.ranges[i].base, grub_mb2_ranges[i].base);
        EXPECT_EQ(bi.ranges[i].length, grub_mb2_ranges[i].length);
        EXPECT_EQ(bi.ranges[i].type, grub_mb2_ranges[i].type);
    }
    EXPECT_EQ(bi.rsdp_tag, 15); /* preferred over the 14 that came first */
    EXPECT_EQ(bi.rsdp_length, 36);
    EXPECT(memcmp(bi.rsdp, grub_rsdp_v2, 36) == 0);
    EXPECT_STR(bi.warning, "");
    EXPECT_EQ(mem.refused, 0);
    char why[200];
    EXPECT_EQ(memmap_check(bi.ranges, bi.range_count, why, sizeof why), 0);
    struct options o;
    EXPECT_EQ(options_parse(bi.cmdline, &o, err, sizeof err), 0);
    EXPECT(o.level == LEVEL_STRICT && o.seed == 0x1234 && o.only_count == 1);
    fake_phys_free(&mem);
}

TEST(mb2_minimal_block_is_empty)
{
    mb2_begin(&b);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.protocol, 2);
    EXPECT_STR(bi.cmdline, "");
    EXPECT_EQ(bi.range_count, 0);
    EXPECT_EQ(bi.rsdp_tag, 0);
    EXPECT_STR(bi.warning, "");
    fake_phys_free(&mem);
}

TEST(mb2_info_misaligned_or_unreadable)
{
    mb2_begin(&b);
    mb2_finish(&b);
    parse_block();
    EXPECT_EQ(bootinfo_parse(MB2_BOOT_MAGIC, AT + 4, fake_phys_read, &mem, &bi, err, sizeof err), -1);
    EXPECT_STR(err, "mb2 info at 0x0000000000010004 is not 8-byte aligned");
    EXPECT_EQ(bootinfo_parse(MB2_BOOT_MAGIC, 0x7fff0000, fake_phys_read, &mem, &bi, err, sizeof err), -1);
    EXPECT_STR(err, "mb2 info at 0x000000007fff0000 is unreadable");
    fake_phys_free(&mem);
}

TEST(mb2_total_size_out_of_bounds)
{
    mb2_begin(&b);
    mb2_finish(&b);
    put_u32(b.bytes, 8); /* no room for an end tag */
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "mb2 total_size 8 outside 16..262144");
    put_u32(b.bytes, 0);
    EXPECT_EQ(parse_block(), -1);
    put_u32(b.bytes, 0xfffffff8u);
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "mb2 total_size 4294967288 outside 16..262144");
    put_u32(b.bytes, 4096); /* plausible, but past the end of the block */
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "mb2 info at 0x0000000000010000: 4096 bytes (total_size) unreadable");
    fake_phys_free(&mem);
}

TEST(mb2_zero_size_tag_is_refused_not_looped_on)
{
    mb2_begin(&b);
    mb2_add_string(&b, 1, "verbose");
    mb2_finish(&b);
    put_u32(b.bytes + 12, 0);
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "tag type 1 at offset 8 has size 0 (below 8)");
    put_u32(b.bytes + 12, 7);
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "tag type 1 at offset 8 has size 7 (below 8)");
    fake_phys_free(&mem);
}

TEST(mb2_tag_running_past_total_size)
{
    mb2_begin(&b);
    mb2_add_string(&b, 2, "loader");
    mb2_finish(&b);
    put_u32(b.bytes + 12, 0x1000);
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "tag type 2 at offset 8: size 4096 runs past total_size 32");
    put_u32(b.bytes + 12, 25); /* one byte into the end tag */
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "tag type 2 at offset 8: size 25 runs past total_size 32");
    fake_phys_free(&mem);
}

TEST(mb2_missing_end_tag_is_a_warning)
{
    mb2_begin(&b);
    mb2_add_string(&b, 1, "verbose");
    put_u32(b.bytes, b.len); /* total_size ends right after the cmdline */
    EXPECT_EQ(parse_block(), 0);
    EXPECT_STR(bi.cmdline, "verbose");
    EXPECT_STR(bi.warning, "no end tag within total_size 24");
    b.len += 4; /* 4 stray bytes where the end tag would be */
    put_u32(b.bytes, b.len);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_STR(bi.warning, "no end tag within total_size 28");
    fake_phys_free(&mem);
}

TEST(mb2_cmdline_unterminated_or_too_long)
{
    mb2_begin(&b);
    uint8_t *tag = mb2_add_tag(&b, 1, "level=strict", 12); /* no NUL in the tag */
    mb2_finish(&b);
    tag[20] = 'X'; /* and the padding after it is not a NUL either */
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "cmdline tag is not NUL-terminated");
    char line[1025];
    memset(line, 'x', 1024);
    line[1024] = '\0';
    mb2_begin(&b);
    mb2_add_string(&b, 1, line);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "cmdline of 1024 bytes is longer than 1023");
    line[1023] = '\0';
    mb2_begin(&b);
    mb2_add_string(&b, 1, line);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(strlen(bi.cmdline), 1023);
    fake_phys_free(&mem);
}

TEST(mb2_second_cmdline_is_refused)
{
    mb2_begin(&b);
    mb2_add_string(&b, 1, "level=strict");
    mb2_add_string(&b, 1, "level=required");
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "two cmdline tags");
    fake_phys_free(&mem);
}

TEST(mb2_mmap_entry_size_zero_small_or_huge)
{
    static const uint32_t bad[] = {0, 8, 16, 20, 0x10000, 0xffffffffu};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mb2_begin(&b);
        mb2_add_mmap(&b, grub_mb2_ranges, 2, 24);
        mb2_finish(&b);
        put_u32(b.bytes + 16, bad[i]);
        EXPECT_EQ(parse_block(), -1);
        char want[80];
        snprintf(want, sizeof want, "mmap entry_size %u outside 24..4096", bad[i]);
        EXPECT_STR(err, want);
    }
    mb2_begin(&b);
    mb2_add_tag(&b, 6, NULL, 4); /* too short for entry_size and version */
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), -1);
    EXPECT_STR(err, "mmap tag of 12 bytes has no entry_size");
    fake_phys_free(&mem);
}

TEST(mb2_mmap_wider_entries_and_trailing_bytes)
{
    mb2_begin(&b);
    mb2_add_mmap(&b, grub_mb2_ranges, 3, 40);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.range_count, 3);
    EXPECT_EQ(bi.ranges[2].base, grub_mb2_ranges[2].base);
    EXPECT_EQ(bi.ranges[2].type, MEM_NVS);
    EXPECT_STR(bi.warning, "");
    mb2_begin(&b);
    mb2_add_mmap(&b, grub_mb2_ranges, 3, 24);
    mb2_finish(&b);
    put_u32(b.bytes + 12, 16 + 3 * 24 - 4); /* the third entry is cut */
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.range_count, 2);
    EXPECT_STR(bi.warning, "mmap tag: 20 trailing bytes ignored");
    fake_phys_free(&mem);
}

TEST(mb2_more_ranges_than_kept)
{
    static struct mem_range many[BOOTINFO_MAX_RANGES + 1];
    for (unsigned i = 0; i < BOOTINFO_MAX_RANGES + 1; i++)
        many[i] = (struct mem_range){0x1000 * (uint64_t)i, 0x1000, MEM_RAM};
    mb2_begin(&b);
    mb2_add_mmap(&b, many, BOOTINFO_MAX_RANGES + 1, 24);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.range_count, BOOTINFO_MAX_RANGES);
    EXPECT_EQ(bi.ranges[BOOTINFO_MAX_RANGES - 1].base, 0x1000 * (BOOTINFO_MAX_RANGES - 1));
    EXPECT_STR(bi.warning, "more than 128 memory ranges: kept the first 128");
    fake_phys_free(&mem);
}

TEST(mb2_meminfo_only_when_no_mmap)
{
    uint8_t meminfo[8];
    put_u32(meminfo, 640);
    put_u32(meminfo + 4, 0x3fc00);
    mb2_begin(&b);
    mb2_add_tag(&b, 4, meminfo, 8);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.range_count, 2);
    EXPECT_EQ(bi.ranges[0].length, 640 * 1024);
    EXPECT_EQ(bi.ranges[1].base, 0x100000);
    EXPECT_EQ(bi.ranges[1].length, 0x3fc00ull * 1024);
    EXPECT_STR(bi.warning, "no memory map: ranges made from mem_lower/mem_upper");
    mb2_begin(&b); /* with a map, mem_lower/mem_upper are not used */
    mb2_add_tag(&b, 4, meminfo, 8);
    mb2_add_mmap(&b, grub_mb2_ranges, 1, 24);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.range_count, 1);
    EXPECT_STR(bi.warning, "");
    fake_phys_free(&mem);
}

TEST(mb2_rsdp_tags)
{
    mb2_begin(&b); /* ACPI 1.0 only (SeaBIOS) */
    mb2_add_tag(&b, 14, grub_rsdp_v1, 20);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.rsdp_tag, 14);
    EXPECT_EQ(bi.rsdp_length, 20);
    EXPECT(memcmp(bi.rsdp, grub_rsdp_v1, 20) == 0);
    mb2_begin(&b); /* new before old: new still wins, silently */
    mb2_add_tag(&b, 15, grub_rsdp_v2, 36);
    mb2_add_tag(&b, 14, grub_rsdp_v1, 20);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.rsdp_tag, 15);
    EXPECT_EQ(bi.rsdp_length, 36);
    EXPECT_STR(bi.warning, "");
    mb2_begin(&b); /* too short to be an RSDP */
    mb2_add_tag(&b, 15, grub_rsdp_v2, 12);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.rsdp_tag, 0);
    EXPECT_STR(bi.warning, "ACPI tag 15 of 20 bytes is too short for an RSDP");
    mb2_begin(&b); /* longer than we keep: cut, and rsdp_length says what we kept */
    mb2_add_tag(&b, 15, NULL, 100);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(bi.rsdp_tag, 15);
    EXPECT_EQ(bi.rsdp_length, 64);
    EXPECT_STR(bi.warning, "ACPI tag 15: RSDP cut to 64 bytes");
    fake_phys_free(&mem);
}

TEST(mb2_oddities_are_warnings)
{
    mb2_begin(&b);
    mb2_add_tag(&b, 8, NULL, 30); /* framebuffer: known, ignored silently */
    mb2_add_string(&b, 2, "first");
    mb2_add_string(&b, 2, "second");
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_STR(bi.loader, "first");
    EXPECT_STR(bi.warning, "second boot loader name tag ignored");
    mb2_begin(&b);
    mb2_add_tag(&b, 99, NULL, 3);
    mb2_add_tag(&b, 2, "GRUB", 4); /* unterminated, cut name still usable */
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_STR(bi.loader, "GRUB");
    EXPECT_STR(bi.warning, "unknown tag type 99 ignored"); /* the first oddity only */
    char name[100];
    memset(name, 'n', 99);
    name[99] = '\0';
    mb2_begin(&b);
    mb2_add_string(&b, 2, name);
    mb2_finish(&b);
    EXPECT_EQ(parse_block(), 0);
    EXPECT_EQ(strlen(bi.loader), 63);
    EXPECT_STR(bi.warning, "boot loader name cut to 63 bytes");
    fake_phys_free(&mem);
}
