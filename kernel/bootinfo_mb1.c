/* Multiboot1 boot information (Multiboot 0.6.96): the info block and the
 * strings and memory map it points to, each read through the reader. */
#include <stdbool.h>
#include <string.h>

#include "bootinfo_internal.h"

/* mb1 flags (Multiboot 0.6.96 §3.3) and the info size that covers each field. */
#define MB1_MEM (1u << 0)     /* mem_lower, mem_upper: info bytes 4..11 */
#define MB1_CMDLINE (1u << 2) /* cmdline: 16..19 */
#define MB1_MMAP (1u << 6)    /* mmap_length, mmap_addr: 44..51 */
#define MB1_LOADER (1u << 9)  /* boot_loader_name: 64..67 */

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
        return mb_fail(ps, "mb1 flags announce a cmdline at null");
    long len = mb1_string(ps, phys, out->cmdline, sizeof out->cmdline);
    if (len < 0)
        return mb_fail(ps, "mb1 cmdline at 0x%08x is unreadable", phys);
    if ((size_t)len == sizeof out->cmdline)
        return mb_fail(ps, "mb1 cmdline is longer than %zu bytes", sizeof out->cmdline - 1);
    return 0;
}

static void mb1_loader(struct parse *ps, uint32_t phys)
{
    struct bootinfo *out = ps->out;
    long len = phys ? mb1_string(ps, phys, out->loader, sizeof out->loader) : -1;
    if (len < 0) {
        out->loader[0] = '\0';
        mb_warn(ps, "mb1 boot loader name at 0x%08x is unreadable", phys);
    } else if ((size_t)len == sizeof out->loader) {
        out->loader[sizeof out->loader - 1] = '\0';
        mb_warn(ps, "boot loader name cut to %zu bytes", sizeof out->loader - 1);
    }
}

/* Entries: u32 size (not counting itself, >= 20), u64 base, u64 length, u32 type. */
static int mb1_mmap(struct parse *ps, uint32_t phys, uint32_t length)
{
    if (length > BOOTINFO_MAX_MB1_MMAP)
        return mb_fail(ps, "mb1 mmap_length %u above %u", length, BOOTINFO_MAX_MB1_MMAP);
    if (length && !phys)
        return mb_fail(ps, "mb1 flags announce a memory map at null");
    const uint8_t *map = length ? ps->read(ps->ctx, phys, length) : NULL;
    if (length && !map)
        return mb_fail(ps, "mb1 mmap at 0x%08x (%u bytes) is unreadable", phys, length);
    for (uint32_t off = 0; off < length;) {
        uint32_t size = length - off >= 4 ? load_u32(map + off) : 0;
        if (size < 20 || size > length - off - 4)
            return mb_fail(ps, "mb1 mmap entry at offset %u (size %u) does not fit 20..%u bytes",
                           off, size, length - off >= 4 ? length - off - 4 : 0);
        mb_add_range(ps, load_u64(map + off + 4), load_u64(map + off + 12),
                     load_u32(map + off + 20));
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

int mb1_parse(struct parse *ps, uint64_t info)
{
    /* flags are fetched once: the size read below covers the fields these
     * flags announce, whatever a second look at the same memory would say */
    const uint8_t *head = ps->read(ps->ctx, info, 4);
    uint32_t flags = head ? load_u32(head) : 0;
    const uint8_t *mbi = head ? ps->read(ps->ctx, info, mb1_info_size(flags)) : NULL;
    if (!mbi)
        return mb_fail(ps, "mb1 info at 0x%016llx is unreadable", (unsigned long long)info);
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
    mb_ranges_from_meminfo(ps);
    return 0;
}
