/* bootinfo_dump(): the recorded text replays into the same parse, so real
 * boot information captured from a serial log becomes a fixture. Every
 * tests/host/fixtures/bootinfo-*.txt is replayed here. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../kernel/bootinfo.h"
#include "bootinfo_fake.h"
#include "harness.h"

/* Replays text: loads it, parses, and checks the outcome the dump recorded,
 * then that dumping the replayed memory gives the same dump lines. */
static void expect_replay(const char *text, struct bootinfo *bi)
{
    struct fake_phys m;
    uint32_t magic;
    uint64_t info;
    char end[200], err[200], want_end[220];
    fake_phys_init(&m);
    EXPECT_EQ(fake_phys_load_dump(&m, text, &magic, &info, end, sizeof end), 0);
    int rc = bootinfo_parse(magic, info, fake_phys_read, &m, bi, err, sizeof err);
    snprintf(want_end, sizeof want_end, rc == 0 ? "ok" : "error %s", err);
    EXPECT_STR(end, want_end);
    EXPECT_EQ(m.refused, 0); /* the parser read nothing the dump did not record */
    char *again = dump_to_text(magic, info, fake_phys_read, &m);
    /* the same lines, whatever surrounded them ("# " prefixes, TAP lines) */
    const char *first = strstr(text, "bootinfo-dump magic=");
    EXPECT(first != NULL);
    for (const char *line = again; first && *line;) {
        size_t n = strcspn(line, "\n");
        EXPECT(strncmp(first, line, n) == 0);
        line += n + (line[n] == '\n');
        first = strstr(first + n, "bootinfo-dump ");
    }
    free(again);
    fake_phys_free(&m);
}

static void expect_same_bootinfo(const struct bootinfo *a, const struct bootinfo *b)
{
    EXPECT_EQ(a->protocol, b->protocol);
    EXPECT_STR(a->cmdline, b->cmdline);
    EXPECT_STR(a->loader, b->loader);
    EXPECT_STR(a->warning, b->warning);
    EXPECT_EQ(a->range_count, b->range_count);
    EXPECT(memcmp(a->ranges, b->ranges, sizeof a->ranges) == 0);
    EXPECT_EQ(a->rsdp_tag, b->rsdp_tag);
    EXPECT_EQ(a->rsdp_length, b->rsdp_length);
    EXPECT(memcmp(a->rsdp, b->rsdp, sizeof a->rsdp) == 0);
}

static void round_trip(void (*build)(struct fake_phys *), uint32_t magic, uint64_t info)
{
    static struct bootinfo direct, replayed;
    struct fake_phys m;
    char err[200];
    fake_phys_init(&m);
    build(&m);
    EXPECT_EQ(bootinfo_parse(magic, info, fake_phys_read, &m, &direct, err, sizeof err), 0);
    char *text = dump_to_text(magic, info, fake_phys_read, &m);
    expect_replay(text, &replayed);
    expect_same_bootinfo(&direct, &replayed);
    free(text);
    fake_phys_free(&m);
}

TEST(dump_mb1_round_trip)
{
    round_trip(build_qemu_mb1, MB1_BOOT_MAGIC, QEMU_MB1_INFO);
}

TEST(dump_mb2_round_trip)
{
    round_trip(build_grub_mb2, MB2_BOOT_MAGIC, GRUB_MB2_INFO);
}

TEST(dump_line_format)
{
    struct fake_phys m;
    fake_phys_init(&m);
    build_qemu_mb1(&m);
    char *text = dump_to_text(MB1_BOOT_MAGIC, QEMU_MB1_INFO, fake_phys_read, &m);
    const char *head = "bootinfo-dump magic=0x2badb002 info=0x9500\n"
                       "bootinfo-dump mem 0x9500 4f0200007f020000"; /* flags, mem_lower */
    EXPECT(strncmp(text, head, strlen(head)) == 0);
    /* the cmdline, read byte by byte, comes out as one range up to its NUL */
    EXPECT(strstr(text, "\nbootinfo-dump mem 0x9600 6275696c642f") != NULL);
    EXPECT(strstr(text, "\nbootinfo-dump mem 0x9620 00\n") != NULL);
    EXPECT(strstr(text, "\nbootinfo-dump mem 0x9680 71656d7500\n") != NULL);
    const char *tail = "\nbootinfo-dump end ok\n";
    size_t n = strlen(text);
    EXPECT(n > strlen(tail) && strcmp(text + n - strlen(tail), tail) == 0);
    uint64_t last = 0;
    unsigned lines = 0;
    for (const char *l = strstr(text, "\nbootinfo-dump mem "); l; l = strstr(l + 1, "\nbootinfo-dump mem ")) {
        uint64_t addr = strtoull(l + 19, NULL, 16);
        EXPECT(addr > last || lines == 0); /* ascending */
        last = addr;
        size_t hex = strcspn(strchr(l + 19, ' ') + 1, "\n");
        EXPECT(hex >= 2 && hex <= 64 && hex % 2 == 0);
        lines++;
    }
    EXPECT(lines >= 10); /* info 68 bytes, cmdline 33, loader 5, mmap 216 */
    free(text);
    fake_phys_free(&m);
}

TEST(dump_records_a_refused_block_too)
{
    struct fake_phys m;
    struct mb2_block b;
    static struct bootinfo bi;
    fake_phys_init(&m);
    mb2_begin(&b);
    mb2_add_string(&b, 1, "verbose");
    mb2_finish(&b);
    put_u32(b.bytes + 12, 0); /* zero-size tag */
    mb2_place(&m, &b, 0x8000);
    char *text = dump_to_text(MB2_BOOT_MAGIC, 0x8000, fake_phys_read, &m);
    EXPECT(strstr(text, "bootinfo-dump end error tag type 1 at offset 8 has size 0 (below 8)\n") != NULL);
    expect_replay(text, &bi);
    free(text);
    fake_phys_free(&m);
}

TEST(dump_loader_reads_serial_logs_and_rejects_garbage)
{
    const char *log = "TAP version 14\n"
                      "# barmove 0.1\n"
                      "# bootinfo-dump magic=0x36d76289 info=0x8000\r\n"
                      "# bootinfo-dump mem 0x8000 1000000000000000\r\n"
                      "# bootinfo-dump mem 0x8008 0000000008000000\r\n"
                      "# bootinfo-dump end ok\r\n"
                      "1..0\n";
    struct fake_phys m;
    uint32_t magic;
    uint64_t info;
    char end[64];
    static struct bootinfo bi;
    char err[200];
    fake_phys_init(&m);
    EXPECT_EQ(fake_phys_load_dump(&m, log, &magic, &info, end, sizeof end), 0);
    EXPECT_EQ(magic, MB2_BOOT_MAGIC);
    EXPECT_EQ(info, 0x8000);
    EXPECT_STR(end, "ok");
    EXPECT_EQ(m.count, 1); /* contiguous lines make one segment */
    EXPECT_EQ(m.segments[0].len, 16);
    EXPECT_EQ(bootinfo_parse(magic, info, fake_phys_read, &m, &bi, err, sizeof err), 0);
    fake_phys_free(&m);
    EXPECT_EQ(fake_phys_load_dump(&m, "bootinfo-dump mem 0x8000 123\n", &magic, &info, end, sizeof end), -1);
    EXPECT_EQ(fake_phys_load_dump(&m, "bootinfo-dump mem zz 12\n", &magic, &info, end, sizeof end), -1);
    EXPECT_EQ(fake_phys_load_dump(&m, "bootinfo-dump what\n", &magic, &info, end, sizeof end), -1);
    fake_phys_free(&m);
}

TEST(dump_fixtures_replay)
{
    const char *dir_name = getenv("BARMOVE_FIXTURES");
    DIR *dir = opendir(dir_name ? dir_name : "tests/host/fixtures");
    EXPECT(dir != NULL);
    unsigned replayed = 0;
    for (struct dirent *e; dir && (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "bootinfo-", 9) != 0 || n < 4 || strcmp(e->d_name + n - 4, ".txt"))
            continue;
        size_t len;
        unsigned char *bytes = host_fixture(e->d_name, &len);
        char *text = calloc(1, len + 1);
        memcpy(text, bytes, len);
        static struct bootinfo bi;
        printf("  # replaying %s\n", e->d_name);
        expect_replay(text, &bi);
        free(text);
        free(bytes);
        replayed++;
    }
    if (dir)
        closedir(dir);
    EXPECT(replayed >= 1); /* at least the handmade one */
}
