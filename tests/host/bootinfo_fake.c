/* Fake physical memory and multiboot block builders (bootinfo_fake.h). */
#include "bootinfo_fake.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void fake_phys_init(struct fake_phys *m)
{
    memset(m, 0, sizeof *m);
}

void fake_phys_free(struct fake_phys *m)
{
    for (unsigned i = 0; i < m->count; i++)
        free(m->segments[i].bytes);
    for (size_t i = 0; i < m->copy_count; i++)
        free(m->copies[i]);
    free(m->copies);
    fake_phys_init(m);
}

uint8_t *fake_phys_add(struct fake_phys *m, uint64_t base, size_t len)
{
    if (m->count == FAKE_MAX_SEGMENTS)
        abort();
    struct fake_segment *s = &m->segments[m->count++];
    s->base = base;
    s->len = len;
    s->bytes = calloc(1, len ? len : 1);
    return s->bytes;
}

const void *fake_phys_read(void *ctx, uint64_t phys, size_t len)
{
    struct fake_phys *m = ctx;
    for (unsigned i = 0; i < m->count; i++) {
        const struct fake_segment *s = &m->segments[i];
        if (phys < s->base || phys - s->base > s->len || len > s->len - (phys - s->base))
            continue;
        void *copy = malloc(len ? len : 1);
        memcpy(copy, s->bytes + (phys - s->base), len);
        m->copies = realloc(m->copies, (m->copy_count + 1) * sizeof *m->copies);
        m->copies[m->copy_count++] = copy;
        return copy;
    }
    m->refused++;
    return NULL;
}

void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void put_u64(uint8_t *p, uint64_t v)
{
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

void mb2_begin(struct mb2_block *b)
{
    memset(b, 0, sizeof *b);
    b->len = 8;
}

uint8_t *mb2_add_tag(struct mb2_block *b, uint32_t type, const void *payload, uint32_t payload_len)
{
    uint8_t *tag = b->bytes + b->len;
    put_u32(tag, type);
    put_u32(tag + 4, 8 + payload_len);
    if (payload)
        memcpy(tag + 8, payload, payload_len);
    b->len += (8 + payload_len + 7) & ~7u;
    return tag;
}

void mb2_add_string(struct mb2_block *b, uint32_t type, const char *s)
{
    mb2_add_tag(b, type, s, (uint32_t)strlen(s) + 1);
}

void mb2_add_mmap(struct mb2_block *b, const struct mem_range *r, unsigned n, uint32_t entry_size)
{
    uint8_t *tag = mb2_add_tag(b, 6, NULL, 8 + n * entry_size);
    put_u32(tag + 8, entry_size);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = tag + 16 + i * entry_size;
        put_u64(e, r[i].base);
        put_u64(e + 8, r[i].length);
        put_u32(e + 16, r[i].type);
    }
}

void mb2_finish(struct mb2_block *b)
{
    mb2_add_tag(b, 0, NULL, 0);
    put_u32(b->bytes, b->len);
}

void mb2_place(struct fake_phys *m, const struct mb2_block *b, uint64_t phys)
{
    memcpy(fake_phys_add(m, phys, b->len), b->bytes, b->len);
}

uint32_t mb1_place_mmap(struct fake_phys *m, uint64_t phys, const struct mem_range *r,
                        unsigned n)
{
    uint8_t *map = fake_phys_add(m, phys, 24 * (size_t)n);
    for (unsigned i = 0; i < n; i++) {
        put_u32(map + 24 * i, 20);
        put_u64(map + 24 * i + 4, r[i].base);
        put_u64(map + 24 * i + 12, r[i].length);
        put_u32(map + 24 * i + 20, r[i].type);
    }
    return 24 * n;
}

/* "mem 0xADDR HEX": appended to the last segment when it continues it. */
static int load_mem_line(struct fake_phys *m, const char *rest)
{
    uint64_t addr;
    int used = 0;
    if (sscanf(rest, "0x%" SCNx64 " %n", &addr, &used) != 1 || used == 0)
        return -1;
    const char *hex = rest + used;
    size_t digits = strspn(hex, "0123456789abcdefABCDEF");
    if (digits == 0 || digits % 2 || (hex[digits] && hex[digits] != '\n' && hex[digits] != '\r'))
        return -1;
    struct fake_segment *last = m->count ? &m->segments[m->count - 1] : NULL;
    uint8_t *dst;
    if (last && last->base + last->len == addr) {
        last->bytes = realloc(last->bytes, last->len + digits / 2);
        dst = last->bytes + last->len;
        last->len += digits / 2;
    } else {
        dst = fake_phys_add(m, addr, digits / 2);
    }
    for (size_t i = 0; i < digits / 2; i++) {
        unsigned byte;
        sscanf(hex + 2 * i, "%2x", &byte);
        dst[i] = (uint8_t)byte;
    }
    return 0;
}

static int load_line(struct fake_phys *m, const char *line, uint32_t *magic, uint64_t *info,
                     char *end_status, size_t end_size)
{
    if (strncmp(line, "# ", 2) == 0)
        line += 2;
    if (strncmp(line, "bootinfo-dump ", 14) != 0)
        return 0;
    line += 14;
    if (strncmp(line, "magic=", 6) == 0)
        return sscanf(line, "magic=0x%" SCNx32 " info=0x%" SCNx64, magic, info) == 2 ? 0 : -1;
    if (strncmp(line, "mem ", 4) == 0)
        return load_mem_line(m, line + 4);
    if (strncmp(line, "end ", 4) == 0) {
        snprintf(end_status, end_size, "%.*s", (int)strcspn(line + 4, "\r\n"), line + 4);
        return 0;
    }
    return -1;
}

int fake_phys_load_dump(struct fake_phys *m, const char *text, uint32_t *magic, uint64_t *info,
                        char *end_status, size_t end_size)
{
    *magic = 0;
    *info = 0;
    end_status[0] = '\0';
    for (const char *line = text; *line;) {
        if (load_line(m, line, magic, info, end_status, end_size) != 0)
            return -1;
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : line + strlen(line);
    }
    return 0;
}

static char *dump_text;

static void collect_line(const char *text)
{
    size_t have = dump_text ? strlen(dump_text) : 0;
    dump_text = realloc(dump_text, have + strlen(text) + 2);
    memcpy(dump_text + have, text, strlen(text));
    memcpy(dump_text + have + strlen(text), "\n", 2);
}

char *dump_to_text(uint32_t magic, uint64_t info, phys_reader_fn read, void *ctx)
{
    dump_text = NULL;
    bootinfo_dump(magic, info, read, ctx, collect_line);
    char *text = dump_text;
    dump_text = NULL;
    return text ? text : calloc(1, 1);
}

/* QEMU 7.2 -kernel (multiboot.bin) on q35 with SeaBIOS and 128 MiB: flags
 * mem, boot device, cmdline, mods (none), mmap, loader name. */
const struct mem_range qemu_mb1_ranges[9] = {
    {0x0, 0x9fc00, MEM_RAM},
    {0x9fc00, 0x400, MEM_RESERVED},
    {0xf0000, 0x10000, MEM_RESERVED},
    {0x100000, 0x7ee0000, MEM_RAM},
    {0x7fe0000, 0x20000, MEM_RESERVED},
    {0xb0000000, 0x10000000, MEM_RESERVED},
    {0xfed1c000, 0x4000, MEM_RESERVED},
    {0xfffc0000, 0x40000, MEM_RESERVED},
    {0xfd00000000, 0x300000000, MEM_RESERVED},
};

void build_qemu_mb1(struct fake_phys *m)
{
    uint8_t *info = fake_phys_add(m, QEMU_MB1_INFO, 88);
    put_u32(info, 0x24f);
    put_u32(info + 4, 639);      /* mem_lower, KiB */
    put_u32(info + 8, 130048);   /* mem_upper, KiB */
    put_u32(info + 12, 0x8000ffffu); /* boot_device */
    put_u32(info + 16, 0x9600);  /* cmdline */
    put_u32(info + 24, 0x9700);  /* mods_addr, mods_count 0 */
    put_u32(info + 44, mb1_place_mmap(m, 0x9800, qemu_mb1_ranges, 9));
    put_u32(info + 48, 0x9800);
    put_u32(info + 64, 0x9680); /* boot_loader_name */
    strcpy((char *)fake_phys_add(m, 0x9600, 0x80), QEMU_MB1_CMDLINE);
    strcpy((char *)fake_phys_add(m, 0x9680, 0x10), "qemu");
}

/* GRUB 2.06 multiboot2 on q35 + OVMF, 128 MiB, boot services exited. */
const struct mem_range grub_mb2_ranges[10] = {
    {0x0, 0xa0000, MEM_RAM},
    {0x100000, 0x700000, MEM_RAM},
    {0x800000, 0x8000, MEM_NVS},
    {0x808000, 0x8000, MEM_RAM},
    {0x810000, 0xf0000, MEM_NVS},
    {0x900000, 0x7454000, MEM_RAM},
    {0x7d54000, 0x1a0000, MEM_RESERVED},
    {0x7ef4000, 0x8000, MEM_ACPI},
    {0xb0000000, 0x10000000, MEM_RESERVED},
    {0xffc00000, 0x400000, MEM_RESERVED},
};
const uint8_t grub_rsdp_v1[20] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0x4e, 'B', 'O',
                                  'C', 'H', 'S', ' ', 0, 0x14, 0xa0, 0xef, 0x07};
const uint8_t grub_rsdp_v2[36] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0x4e, 'B', 'O', 'C',
                                  'H', 'S', ' ', 2, 0x14, 0xa0, 0xef, 0x07, 36, 0, 0, 0,
                                  0xe8, 0xa0, 0xef, 0x07, 0, 0, 0, 0, 0x8b, 0, 0, 0};

void build_grub_mb2(struct fake_phys *m)
{
    struct mb2_block b;
    uint8_t bootdev[12] = {0xe0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t meminfo[8], elf_sections[12] = {0};
    put_u32(meminfo, 640);
    put_u32(meminfo + 4, 130048);
    mb2_begin(&b);
    mb2_add_string(&b, 1, GRUB_MB2_CMDLINE);
    mb2_add_string(&b, 2, GRUB_MB2_LOADER);
    mb2_add_tag(&b, 4, meminfo, sizeof meminfo);
    mb2_add_tag(&b, 5, bootdev, sizeof bootdev);
    mb2_add_tag(&b, 9, elf_sections, sizeof elf_sections); /* 20 bytes: padding follows */
    mb2_add_mmap(&b, grub_mb2_ranges, 10, 24);
    mb2_add_tag(&b, 14, grub_rsdp_v1, sizeof grub_rsdp_v1);
    mb2_add_tag(&b, 15, grub_rsdp_v2, sizeof grub_rsdp_v2);
    mb2_finish(&b);
    mb2_place(m, &b, GRUB_MB2_INFO);
}
