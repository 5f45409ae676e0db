/* libFuzzer target: the multiboot1 and multiboot2 boot information parser
 * (kernel/bootinfo.c, bootinfo_mb1.c, bootinfo_mb2.c) and its fixture dump,
 * unchanged; the command line it finds goes on to options_parse, as in
 * kernel/main.c.
 *
 * Input: one byte choosing the magic (even: multiboot1, odd: multiboot2;
 * 0xff: a bad magic), then physical memory (fuzz_phys.h segments); the info
 * block is at the first segment's base. Every result is checked against
 * bootinfo.h's promises: strings terminated, counts bounded, an error
 * message on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/bootinfo.h"
#include "../../kernel/options.h"
#include "fuzz_phys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TARGET "fuzz_bootinfo"
#include "fuzz_check.h"

static void dump_line(const char *text)
{
    check(strncmp(text, "bootinfo-dump ", 14) == 0, "dump lines start with bootinfo-dump");
}

static int terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bootinfo bi;
    static struct options opt;
    char err[160], opt_err[160];
    struct fuzz_phys mem;
    if (size < 1)
        return 0;
    uint32_t magic = data[0] == 0xff ? 0x12345678u : (data[0] & 1) ? MB2_BOOT_MAGIC : MB1_BOOT_MAGIC;
    fuzz_phys_load(&mem, data + 1, size - 1);
    uint64_t info = mem.count ? mem.seg[0].base : 0;
    memset(err, 'x', sizeof err);
    int rc = bootinfo_parse(magic, info, fuzz_phys_read, &mem, &bi, err, sizeof err);
    check(rc == 0 || rc == -1, "bootinfo_parse returns 0 or -1");
    check(terminated(err, sizeof err), "error message terminated");
    check(terminated(bi.warning, sizeof bi.warning), "warning terminated");
    if (rc == 0) {
        check(err[0] == '\0', "no error message on success");
        check(bi.protocol == (magic == MB1_BOOT_MAGIC ? 1u : 2u), "protocol follows the magic");
        check(terminated(bi.cmdline, sizeof bi.cmdline), "cmdline terminated");
        check(terminated(bi.loader, sizeof bi.loader), "loader terminated");
        check(bi.range_count <= BOOTINFO_MAX_RANGES, "range_count bounded");
        check(bi.rsdp_length <= sizeof bi.rsdp, "rsdp_length bounded");
        check(bi.rsdp_tag == 0 || bi.rsdp_tag == 14 || bi.rsdp_tag == 15, "rsdp_tag 0, 14, 15");
        int orc = options_parse(bi.cmdline, &opt, opt_err, sizeof opt_err);
        check(orc == 0 || (orc == -1 && opt_err[0] && terminated(opt_err, sizeof opt_err)),
              "options_parse: 0, or -1 with a message");
    } else {
        check(err[0] != '\0', "an error message on failure");
    }
    fuzz_phys_free(&mem);
    /* the dump parses again through its recorder: same memory, fresh copies */
    fuzz_phys_load(&mem, data + 1, size - 1);
    bootinfo_dump(magic, info, fuzz_phys_read, &mem, dump_line);
    fuzz_phys_free(&mem);
    return 0;
}
