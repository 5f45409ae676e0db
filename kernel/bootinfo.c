/* Multiboot boot information (bootinfo.h). Fields are loaded with memcpy:
 * the block is the loader's and nothing guarantees a field's alignment. */
#include "bootinfo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "format.h"

/* mb1 flags (Multiboot 0.6.96 §3.3) and the info size that covers each field. */
#define MB1_MEM (1u << 0)     /* mem_lower, mem_upper: info bytes 4..11 */
#define MB1_CMDLINE (1u << 2) /* cmdline: 16..19 */
#define MB1_MMAP (1u << 6)    /* mmap_length, mmap_addr: 44..51 */
#define MB1_LOADER (1u << 9)  /* boot_loader_name: 64..67 */

enum mb2_tag {
    TAG_END = 0, TAG_CMDLINE = 1, TAG_LOADER = 2, TAG_MEMINFO = 4, TAG_MMAP = 6,
    TAG_ACPI_OLD = 14, TAG_ACPI_NEW = 15, TAG_LAST_KNOWN = 21,
};

struct parse {
    phys_reader_fn read;
    void *ctx;
    struct bootinfo *out;
    char *err;
    size_t err_size;
    bool have_meminfo, have_mmap; /* mem_lower/mem_upper only count without a map */
    uint32_t mem_lower_kib, mem_upper_kib;
};

static uint32_t load_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint64_t load_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int fail(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *ps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_v(ps->err, ps->err_size, fmt, ap);
    va_end(ap);
    return -1;
}

/* Keeps only the first oddity: it is the one that explains the others. */
static void warn(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct parse *ps, const char *fmt, ...)
{
    if (ps->out->warning[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    format_v(ps->out->warning, sizeof ps->out->warning, fmt, ap);
    va_end(ap);
}

static void add_range(struct parse *ps, uint64_t base, uint64_t length, uint32_t type)
{
    struct bootinfo *out = ps->out;
    if (out->range_count == BOOTINFO_MAX_RANGES) {
        warn(ps, "more than %u memory ranges: kept the first %u", BOOTINFO_MAX_RANGES,
             BOOTINFO_MAX_RANGES);
        return;
    }
    out->ranges[out->range_count++] = (struct mem_range){base, length, type};
}

/* The classic pair when a loader gives no map: RAM below 640K and above 1M. */
static void ranges_from_meminfo(struct parse *ps)
{
    if (ps->have_mmap || !ps->have_meminfo)
        return;
    warn(ps, "no memory map: ranges made from mem_lower/mem_upper");
    if (ps->mem_lower_kib)
        add_range(ps, 0, (uint64_t)ps->mem_lower_kib * 1024, MEM_RAM);
    if (ps->mem_upper_kib)
        add_range(ps, 0x100000, (uint64_t)ps->mem_upper_kib * 1024, MEM_RAM);
}

/* Copies len bytes + NUL; over-long: fatal when must_fit, else cut with a warning. */
static int keep_string(struct parse *ps, const char *what, const char *s, size_t len, char *dst,
                       size_t cap, bool must_fit)
{
    if (len >= cap) {
        if (must_fit)
            return fail(ps, "%s of %zu bytes is longer than %zu", what, len, cap - 1);
        warn(ps, "%s cut to %zu bytes", what, cap - 1);
        len = cap - 1;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

/* ---- multiboot2 ---- */

static int mb2_string(struct parse *ps, const char *what, const uint8_t *tag, uint32_t size,
                      char *dst, size_t cap, bool must_fit)
{
    const char *s = (const char *)tag + 8;
    size_t len = strnlen(s, size - 8);
    if (len == size - 8) {
        if (must_fit)
            return fail(ps, "%s tag is not NUL-terminated", what);
        warn(ps, "%s tag is not NUL-terminated", what);
    }
    return keep_string(ps, what, s, len, dst, cap, must_fit);
}

static int mb2_mmap(struct parse *ps, const uint8_t *tag, uint32_t size)
{
    if (size < 16)
        return fail(ps, "mmap tag of %u bytes has no entry_size", size);
    uint32_t entry_size = load_u32(tag + 8);
    if (entry_size < 24 || entry_size > 4096)
        return fail(ps, "mmap entry_size %u outside 24..4096", entry_size);
    uint32_t payload = size - 16;
    if (payload % entry_size)
        warn(ps, "mmap tag: %u trailing bytes ignored", payload % entry_size);
    for (uint32_t off = 16; size - off >= entry_size; off += entry_size)
        add_range(ps, load_u64(tag + off), load_u64(tag + off + 8), load_u32(tag + off + 16));
    ps->have_mmap = true;
    return 0;
}

/* Tag 15 (ACPI 2.0+) wins over 14 in either order; a repeated tag is ignored. */
static void mb2_rsdp(struct parse *ps, uint32_t type, const uint8_t *tag, uint32_t size)
{
    struct bootinfo *out = ps->out;
    uint32_t len = size - 8;
    if (len < 20) {
        warn(ps, "ACPI tag %u of %u bytes is too short for an RSDP", type, size);
        return;
    }
    if (out->rsdp_tag == type)
        warn(ps, "second ACPI tag %u ignored", type);
    if (out->rsdp_tag >= type)
        return;
    if (len > sizeof out->rsdp) {
        warn(ps, "ACPI tag %u: RSDP cut to %zu bytes", type, sizeof out->rsdp);
        len = sizeof out->rsdp;
    }
    memcpy(out->rsdp, tag + 8, len);
    out->rsdp_length = len;
    out->rsdp_tag = type;
}

static int mb2_tag(struct parse *ps, uint32_t type, const uint8_t *tag, uint32_t size)
{
    struct bootinfo *out = ps->out;
    switch (type) {
    case TAG_CMDLINE:
        if (out->cmdline[0])
            return fail(ps, "two cmdline tags");
        return mb2_string(ps, "cmdline", tag, size, out->cmdline, sizeof out->cmdline, true);
    case TAG_LOADER:
        if (out->loader[0]) {
            warn(ps, "second boot loader name tag ignored");
            return 0;
        }
        return mb2_string(ps, "boot loader name", tag, size, out->loader, sizeof out->loader,
                          false);
    case TAG_MEMINFO:
        ps->have_meminfo = size >= 16;
        ps->mem_lower_kib = size >= 16 ? load_u32(tag + 8) : 0;
        ps->mem_upper_kib = size >= 16 ? load_u32(tag + 12) : 0;
        return 0;
    case TAG_MMAP:
        if (!ps->have_mmap)
            return mb2_mmap(ps, tag, size);
        warn(ps, "second mmap tag ignored");
        return 0;
    case TAG_ACPI_OLD:
    case TAG_ACPI_NEW:
        mb2_rsdp(ps, type, tag, size);
        return 0;
    default:
        if (type > TAG_LAST_KNOWN)
            warn(ps, "unknown tag type %u ignored", type);
        return 0;
    }
}

/* Tags start at offset 8, each 8-byte aligned, size >= 8, inside total_size
 * (<= BOOTINFO_MAX_MB2_SIZE, so off + 8 cannot wrap). */
static int mb2_walk(struct parse *ps, const uint8_t *block, uint32_t total)
{
    for (uint32_t off = 8, size; off + 8 <= total; off += (size + 7) & ~7u) {
        uint32_t type = load_u32(block + off);
        size = load_u32(block + off + 4);
        if (size < 8)
            return fail(ps, "tag type %u at offset %u has size %u (below 8)", type, off, size);
        if (size > total - off)
            return fail(ps, "tag type %u at offset %u: size %u runs past total_size %u", type,
                        off, size, total);
        if (type == TAG_END)
            return 0;
        if (mb2_tag(ps, type, block + off, size) != 0)
            return -1;
    }
    warn(ps, "no end tag within total_size %u", total);
    return 0;
}

static int parse_mb2(struct parse *ps, uint64_t info)
{
    if (info % 8)
        return fail(ps, "mb2 info at 0x%016llx is not 8-byte aligned", (unsigned long long)info);
    const uint8_t *head = ps->read(ps->ctx, info, 8);
    if (!head)
        return fail(ps, "mb2 info at 0x%016llx is unreadable", (unsigned long long)info);
    uint32_t total = load_u32(head);
    if (total < 16 || total > BOOTINFO_MAX_MB2_SIZE)
        return fail(ps, "mb2 total_size %u outside 16..%u", total, BOOTINFO_MAX_MB2_SIZE);
    const uint8_t *block = ps->read(ps->ctx, info, total);
    if (!block)
        return fail(ps, "mb2 info at 0x%016llx: %u bytes (total_size) unreadable",
                    (unsigned long long)info, total);
    if (mb2_walk(ps, block, total) != 0)
        return -1;
    ranges_from_meminfo(ps);
    return 0;
}

/* ---- multiboot1 ---- */

/* mb1 strings carry no length: read byte by byte up to the NUL, at most cap
 * bytes. Returns the length (cap: no NUL within cap) or -1 if unreadable. */
static long mb1_string(struct parse *ps, uint32_t phys, char *dst, size_t cap)
{
    for (size_t i = 0; i < cap; i++) {
        const char *c = ps->read(ps->ctx, (uint64_t)phys + i, 1);
        if (!c)
            return -1;
        dst[i] = *c;
        if (!*c)
            return (long)i;
    }
    return (long)cap;
}

static int mb1_cmdline(struct parse *ps, uint32_t phys)
{
    struct bootinfo *out = ps->out;
    if (!phys)
        return fail(ps, "mb1 flags announce a cmdline at null");
    long len = mb1_string(ps, phys, out->cmdline, sizeof out->cmdline);
    if (len < 0)
        return fail(ps, "mb1 cmdline at 0x%08x is unreadable", phys);
    if ((size_t)len == sizeof out->cmdline)
        return fail(ps, "mb1 cmdline is longer than %zu bytes", sizeof out->cmdline - 1);
    return 0;
}

static void mb1_loader(struct parse *ps, uint32_t phys)
{
    struct bootinfo *out = ps->out;
    long len = phys ? mb1_string(ps, phys, out->loader, sizeof out->loader) : -1;
    if (len < 0) {
        out->loader[0] = '\0';
        warn(ps, "mb1 boot loader name at 0x%08x is unreadable", phys);
    } else if ((size_t)len == sizeof out->loader) {
        out->loader[sizeof out->loader - 1] = '\0';
        warn(ps, "boot loader name cut to %zu bytes", sizeof out->loader - 1);
    }
}

/* Entries: u32 size (not counting itself, >= 20), u64 base, u64 length, u32 type. */
static int mb1_mmap(struct parse *ps, uint32_t phys, uint32_t length)
{
    if (length > BOOTINFO_MAX_MB1_MMAP)
        return fail(ps, "mb1 mmap_length %u above %u", length, BOOTINFO_MAX_MB1_MMAP);
    if (length && !phys)
        return fail(ps, "mb1 flags announce a memory map at null");
    const uint8_t *map = length ? ps->read(ps->ctx, phys, length) : NULL;
    if (length && !map)
        return fail(ps, "mb1 mmap at 0x%08x (%u bytes) is unreadable", phys, length);
    for (uint32_t off = 0; off < length;) {
        uint32_t size = length - off >= 4 ? load_u32(map + off) : 0;
        if (size < 20 || size > length - off - 4)
            return fail(ps, "mb1 mmap entry at offset %u (size %u) does not fit 20..%u bytes",
                        off, size, length - off >= 4 ? length - off - 4 : 0);
        add_range(ps, load_u64(map + off + 4), load_u64(map + off + 12), load_u32(map + off + 20));
        off += 4 + size;
    }
    ps->have_mmap = true;
    return 0;
}

/* Read no more of the info than the flags say is there. */
static size_t mb1_info_size(uint32_t flags)
{
    if (flags & MB1_LOADER)
        return 68;
    if (flags & MB1_MMAP)
        return 52;
    if (flags & MB1_CMDLINE)
        return 20;
    return flags & MB1_MEM ? 12 : 4;
}

static int parse_mb1(struct parse *ps, uint64_t info)
{
    const uint8_t *head = ps->read(ps->ctx, info, 4);
    const uint8_t *mbi = head ? ps->read(ps->ctx, info, mb1_info_size(load_u32(head))) : NULL;
    if (!mbi)
        return fail(ps, "mb1 info at 0x%016llx is unreadable", (unsigned long long)info);
    uint32_t flags = load_u32(mbi);
    if (flags & MB1_MEM) {
        ps->have_meminfo = true;
        ps->mem_lower_kib = load_u32(mbi + 4);
        ps->mem_upper_kib = load_u32(mbi + 8);
    }
    if ((flags & MB1_CMDLINE) && mb1_cmdline(ps, load_u32(mbi + 16)) != 0)
        return -1;
    if ((flags & MB1_MMAP) && mb1_mmap(ps, load_u32(mbi + 48), load_u32(mbi + 44)) != 0)
        return -1;
    if (flags & MB1_LOADER)
        mb1_loader(ps, load_u32(mbi + 64));
    ranges_from_meminfo(ps);
    return 0;
}

int bootinfo_parse(uint32_t magic, uint64_t info_phys, phys_reader_fn read, void *ctx,
                   struct bootinfo *out, char *err, size_t err_size)
{
    struct parse ps = {read, ctx, out, err, err_size, false, false, 0, 0};
    memset(out, 0, sizeof *out);
    if (err_size)
        err[0] = '\0';
    if (magic != MB1_BOOT_MAGIC && magic != MB2_BOOT_MAGIC)
        return fail(&ps, "boot magic 0x%08x is neither multiboot1 (0x%08x) nor multiboot2 (0x%08x)",
                    magic, MB1_BOOT_MAGIC, MB2_BOOT_MAGIC);
    if (!info_phys)
        return fail(&ps, "boot information pointer is null");
    out->protocol = magic == MB1_BOOT_MAGIC ? 1 : 2;
    return out->protocol == 1 ? parse_mb1(&ps, info_phys) : parse_mb2(&ps, info_phys);
}

/* ---- recording reader for fixtures ---- */

#define DUMP_MAX_RANGES 16
#define DUMP_BYTES_PER_LINE 32

struct recorder {
    phys_reader_fn read;
    void *ctx;
    struct { uint64_t base, end; } ranges[DUMP_MAX_RANGES]; /* end exclusive */
    unsigned count;
    bool overflow;
};

/* Adds [base, end), merged with every range it overlaps or touches: mb1
 * strings are read byte by byte and must come out as one range. */
static void note_range(struct recorder *r, uint64_t base, uint64_t end)
{
    for (unsigned i = 0; i < r->count;) {
        if (base <= r->ranges[i].end && end >= r->ranges[i].base) {
            base = base < r->ranges[i].base ? base : r->ranges[i].base;
            end = end > r->ranges[i].end ? end : r->ranges[i].end;
            r->ranges[i] = r->ranges[--r->count];
            i = 0;
        } else {
            i++;
        }
    }
    if (r->count == DUMP_MAX_RANGES) {
        r->overflow = true;
        return;
    }
    r->ranges[r->count].base = base;
    r->ranges[r->count++].end = end;
}

static const void *recording_read(void *ctx, uint64_t phys, size_t len)
{
    struct recorder *r = ctx;
    const void *p = r->read(r->ctx, phys, len);
    if (p && len && phys + len > phys)
        note_range(r, phys, phys + len);
    return p;
}

static void dump_range(const struct recorder *r, uint64_t base, uint64_t end,
                       void (*line)(const char *text))
{
    char text[48 + 2 * DUMP_BYTES_PER_LINE];
    for (uint64_t at = base; at < end; at += DUMP_BYTES_PER_LINE) {
        size_t n = end - at < DUMP_BYTES_PER_LINE ? (size_t)(end - at) : DUMP_BYTES_PER_LINE;
        const uint8_t *bytes = r->read(r->ctx, at, n);
        int used = format(text, sizeof text, "bootinfo-dump mem 0x%llx ", (unsigned long long)at);
        for (size_t i = 0; bytes && i < n; i++)
            used += format(text + used, sizeof text - (size_t)used, "%02x", bytes[i]);
        line(bytes ? text : "bootinfo-dump error range no longer readable");
    }
}

void bootinfo_dump(uint32_t magic, uint64_t info_phys, phys_reader_fn read, void *ctx,
                   void (*line)(const char *text))
{
    static struct bootinfo parsed; /* 4 KiB: kept off the kernel stack */
    struct recorder r = {.read = read, .ctx = ctx};
    char text[200], err[160];
    int rc = bootinfo_parse(magic, info_phys, recording_read, &r, &parsed, err, sizeof err);

    format(text, sizeof text, "bootinfo-dump magic=0x%08x info=0x%llx", magic,
           (unsigned long long)info_phys);
    line(text);
    /* in address order, so a fixture reads like a memory listing */
    for (unsigned done = 0; done < r.count; done++) {
        unsigned low = done;
        for (unsigned i = done + 1; i < r.count; i++)
            if (r.ranges[i].base < r.ranges[low].base)
                low = i;
        uint64_t base = r.ranges[low].base, end = r.ranges[low].end;
        r.ranges[low] = r.ranges[done];
        dump_range(&r, base, end, line);
    }
    if (r.overflow)
        line("bootinfo-dump error more ranges read than recorded");
    format(text, sizeof text, "bootinfo-dump end %s%s", rc == 0 ? "ok" : "error ",
           rc == 0 ? "" : err);
    line(text);
}
