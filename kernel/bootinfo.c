/* Multiboot boot information (bootinfo.h): the entry points, what both
 * protocols share (errors, warnings, ranges) and the fixture dump. One
 * protocol a file: bootinfo_mb1.c, bootinfo_mb2.c (bootinfo_internal.h). */
#include "bootinfo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "bootinfo_internal.h"
#include "format.h"
#include "phys_recorder.h"

int mb_fail(struct parse *ps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_v(ps->err, ps->err_size, fmt, ap);
    va_end(ap);
    return -1;
}

void mb_warn(struct parse *ps, const char *fmt, ...)
{
    if (ps->out->warning[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    format_v(ps->out->warning, sizeof ps->out->warning, fmt, ap);
    va_end(ap);
}

void mb_add_range(struct parse *ps, uint64_t base, uint64_t length, uint32_t type)
{
    struct bootinfo *out = ps->out;
    if (out->range_count == BOOTINFO_MAX_RANGES) {
        mb_warn(ps, "more than %u memory ranges: kept the first %u", BOOTINFO_MAX_RANGES,
                BOOTINFO_MAX_RANGES);
        return;
    }
    out->ranges[out->range_count++] = (struct mem_range){base, length, type};
}

/* The classic pair when a loader gives no map: RAM below 640K and above 1M. */
void mb_ranges_from_meminfo(struct parse *ps)
{
    if (ps->have_mmap || !ps->have_meminfo)
        return;
    mb_warn(ps, "no memory map: ranges made from mem_lower/mem_upper");
    if (ps->mem_lower_kib)
        mb_add_range(ps, 0, (uint64_t)ps->mem_lower_kib * 1024, MEM_RAM);
    if (ps->mem_upper_kib)
        mb_add_range(ps, 0x100000, (uint64_t)ps->mem_upper_kib * 1024, MEM_RAM);
}

int bootinfo_parse(uint32_t magic, uint64_t info_phys, phys_reader_fn read, void *ctx,
                   struct bootinfo *out, char *err, size_t err_size)
{
    struct parse ps = {read, ctx, out, err, err_size, false, false, 0, 0};
    memset(out, 0, sizeof *out);
    if (err_size)
        err[0] = '\0';
    if (magic != MB1_BOOT_MAGIC && magic != MB2_BOOT_MAGIC)
        return mb_fail(&ps,
                       "boot magic 0x%08x is neither multiboot1 (0x%08x) nor multiboot2 (0x%08x)",
                       magic, MB1_BOOT_MAGIC, MB2_BOOT_MAGIC);
    if (!info_phys)
        return mb_fail(&ps, "boot information pointer is null");
    out->protocol = magic == MB1_BOOT_MAGIC ? 1 : 2;
    return out->protocol == 1 ? mb1_parse(&ps, info_phys) : mb2_parse(&ps, info_phys);
}

void bootinfo_dump(uint32_t magic, uint64_t info_phys, phys_reader_fn read, void *ctx,
                   void (*line)(const char *text))
{
    static struct bootinfo parsed; /* 4 KiB: kept off the kernel stack */
    static struct phys_recorder r; /* ~1 KiB: likewise */
    char text[200], err[160];
    phys_recorder_init(&r, read, ctx);
    int rc = bootinfo_parse(magic, info_phys, phys_recorder_read, &r, &parsed, err, sizeof err);

    format(text, sizeof text, "bootinfo-dump magic=0x%08x info=0x%llx", magic,
           (unsigned long long)info_phys);
    line(text);
    phys_recorder_print(&r, "bootinfo-dump", line);
    format(text, sizeof text, "bootinfo-dump end %s%s", rc == 0 ? "ok" : "error ",
           rc == 0 ? "" : err);
    line(text);
}
