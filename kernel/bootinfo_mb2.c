/* Multiboot2 boot information: the tag walk and the tags barmove uses
 * (cmdline, loader name, basic meminfo, mmap, ACPI RSDP copies). */
#include <stdbool.h>
#include <string.h>

#include "bootinfo_internal.h"

enum mb2_tag {
    TAG_END = 0, TAG_CMDLINE = 1, TAG_LOADER = 2, TAG_MEMINFO = 4, TAG_MMAP = 6,
    TAG_ACPI_OLD = 14, TAG_ACPI_NEW = 15, TAG_LAST_KNOWN = 21,
};

/* Copies len bytes + NUL; over-long: fatal when must_fit, else cut with a warning. */
static int keep_string(struct parse *ps, const char *what, const char *s, size_t len, char *dst,
                       size_t cap, bool must_fit)
{
    if (len >= cap) {
        if (must_fit)
            return mb_fail(ps, "%s of %zu bytes is longer than %zu", what, len, cap - 1);
        mb_warn(ps, "%s cut to %zu bytes", what, cap - 1);
        len = cap - 1;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 0;
}

static int mb2_string(struct parse *ps, const char *what, const uint8_t *tag, uint32_t size,
                      char *dst, size_t cap, bool must_fit)
{
    const char *s = (const char *)tag + 8;
    size_t len = strnlen(s, size - 8);
    if (len == size - 8) {
        if (must_fit)
            return mb_fail(ps, "%s tag is not NUL-terminated", what);
        mb_warn(ps, "%s tag is not NUL-terminated", what);
    }
    return keep_string(ps, what, s, len, dst, cap, must_fit);
}

static int mb2_mmap(struct parse *ps, const uint8_t *tag, uint32_t size)
{
    if (size < 16)
        return mb_fail(ps, "mmap tag of %u bytes has no entry_size", size);
    uint32_t entry_size = load_u32(tag + 8);
    if (entry_size < 24 || entry_size > 4096)
        return mb_fail(ps, "mmap entry_size %u outside 24..4096", entry_size);
    uint32_t payload = size - 16;
    if (payload % entry_size)
        mb_warn(ps, "mmap tag: %u trailing bytes ignored", payload % entry_size);
    for (uint32_t off = 16; size - off >= entry_size; off += entry_size)
        mb_add_range(ps, load_u64(tag + off), load_u64(tag + off + 8), load_u32(tag + off + 16));
    ps->have_mmap = true;
    return 0;
}

/* Tag 15 (ACPI 2.0+) wins over 14 in either order; a repeated tag is ignored. */
static void mb2_rsdp(struct parse *ps, uint32_t type, const uint8_t *tag, uint32_t size)
{
    struct bootinfo *out = ps->out;
    uint32_t len = size - 8;
    if (len < 20) {
        mb_warn(ps, "ACPI tag %u of %u bytes is too short for an RSDP", type, size);
        return;
    }
    if (out->rsdp_tag == type)
        mb_warn(ps, "second ACPI tag %u ignored", type);
    if (out->rsdp_tag >= type)
        return;
    if (len > sizeof out->rsdp) {
        mb_warn(ps, "ACPI tag %u: RSDP cut to %zu bytes", type, sizeof out->rsdp);
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
            return mb_fail(ps, "two cmdline tags");
        return mb2_string(ps, "cmdline", tag, size, out->cmdline, sizeof out->cmdline, true);
    case TAG_LOADER:
        if (out->loader[0]) {
            mb_warn(ps, "second boot loader name tag ignored");
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
        mb_warn(ps, "second mmap tag ignored");
        return 0;
    case TAG_ACPI_OLD:
    case TAG_ACPI_NEW:
        mb2_rsdp(ps, type, tag, size);
        return 0;
    default:
        if (type > TAG_LAST_KNOWN)
            mb_warn(ps, "unknown tag type %u ignored", type);
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
            return mb_fail(ps, "tag type %u at offset %u has size %u (below 8)", type, off, size);
        if (size > total - off)
            return mb_fail(ps, "tag type %u at offset %u: size %u runs past total_size %u", type,
                           off, size, total);
        if (type == TAG_END)
            return 0;
        if (mb2_tag(ps, type, block + off, size) != 0)
            return -1;
    }
    mb_warn(ps, "no end tag within total_size %u", total);
    return 0;
}

int mb2_parse(struct parse *ps, uint64_t info)
{
    if (info % 8)
        return mb_fail(ps, "mb2 info at 0x%016llx is not 8-byte aligned", (unsigned long long)info);
    const uint8_t *head = ps->read(ps->ctx, info, 8);
    if (!head)
        return mb_fail(ps, "mb2 info at 0x%016llx is unreadable", (unsigned long long)info);
    uint32_t total = load_u32(head);
    if (total < 16 || total > BOOTINFO_MAX_MB2_SIZE)
        return mb_fail(ps, "mb2 total_size %u outside 16..%u", total, BOOTINFO_MAX_MB2_SIZE);
    const uint8_t *block = ps->read(ps->ctx, info, total);
    if (!block)
        return mb_fail(ps, "mb2 info at 0x%016llx: %u bytes (total_size) unreadable",
                       (unsigned long long)info, total);
    if (mb2_walk(ps, block, total) != 0)
        return -1;
    mb_ranges_from_meminfo(ps);
    return 0;
}
