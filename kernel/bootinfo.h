/* Multiboot1 and multiboot2 boot information, parsed defensively.
 *
 * The block comes from a boot loader or hypervisor we are testing, so every
 * byte is read through a phys_reader_fn and only after its bounds were
 * checked: mb2 total_size within limits and 8-byte aligned tags of size >= 8
 * inside the block; mmap entry sizes sane; strings NUL-terminated inside
 * their tag; every mb1 pointer non-null and read through the reader. */
#ifndef BARMOVE_BOOTINFO_H
#define BARMOVE_BOOTINFO_H
#include <stddef.h>
#include <stdint.h>

#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB2_BOOT_MAGIC 0x36D76289u

/* E820 / multiboot types; other values are kept as-is and mean reserved. */
enum mem_type { MEM_RAM = 1, MEM_RESERVED = 2, MEM_ACPI = 3, MEM_NVS = 4, MEM_BAD = 5 };

struct mem_range {
    uint64_t base, length; /* bytes */
    uint32_t type;         /* enum mem_type or another loader-given value */
};

#define BOOTINFO_MAX_RANGES 128
#define BOOTINFO_MAX_MB2_SIZE (256u * 1024) /* mb2 total_size limit */
#define BOOTINFO_MAX_MB1_MMAP (64u * 1024)  /* mb1 mmap_length limit */

struct bootinfo {
    unsigned protocol;  /* 1 or 2 */
    char cmdline[1024]; /* "" if none */
    char loader[64];    /* boot loader name, "" if none */
    struct mem_range ranges[BOOTINFO_MAX_RANGES]; /* as given, in loader order */
    unsigned range_count;
    uint8_t rsdp[64];     /* copy of the RSDP from mb2 tag 14 or 15 */
    unsigned rsdp_length; /* bytes stored in rsdp (<= 64) */
    unsigned rsdp_tag;    /* 14 (ACPI 1.0) or 15 (2.0+, preferred); 0 = none */
    char warning[160];    /* first non-fatal oddity, or "" */
};

/* Reads physical memory: returns a pointer to len readable bytes at phys, or
 * NULL if that range must not be read. */
typedef const void *(*phys_reader_fn)(void *ctx, uint64_t phys, size_t len);

/* 0 on success; -1 with a one-line message in err when the block is unusable:
 * bad magic, null or unreadable pointer, total_size out of bounds, a tag or
 * mmap entry outside its container, an unterminated or over-long cmdline
 * (options are never cut). Oddities that lose nothing that matters go to
 * out->warning instead (a cut loader name, an unknown tag, a duplicate tag,
 * more than BOOTINFO_MAX_RANGES ranges: the first ones are kept). With mb1
 * and no mmap but mem_lower/mem_upper, two RAM ranges are made from those. */
int bootinfo_parse(uint32_t magic, uint64_t info_phys, phys_reader_fn read, void *ctx,
                   struct bootinfo *out, char *err, size_t err_size);

/* Parses as above through a recording reader, then emits through line() (no
 * newline, no "# "):
 *   bootinfo-dump magic=0xMAGIC info=0xINFO
 *   bootinfo-dump mem 0xADDR HEXBYTES        every range the parser read, <= 32 bytes a line
 *   bootinfo-dump end ok | bootinfo-dump end error MESSAGE
 * Replaying the mem lines as physical memory gives the same parse: that is
 * how real boot information becomes a host test fixture. */
void bootinfo_dump(uint32_t magic, uint64_t info_phys, phys_reader_fn read, void *ctx,
                   void (*line)(const char *text));

#endif
