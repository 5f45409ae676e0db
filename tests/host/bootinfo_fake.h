/* Test support for kernel/bootinfo.c: a fake physical memory, builders for
 * multiboot1/2 blocks, and the loader of "bootinfo-dump" fixtures.
 *
 * The fake reader hands out a fresh heap copy of exactly the bytes asked
 * for, so ASan catches any byte the parser reads beyond what it asked the
 * reader for; a range not wholly inside one segment is refused (NULL). */
#ifndef BARMOVE_HOST_BOOTINFO_FAKE_H
#define BARMOVE_HOST_BOOTINFO_FAKE_H
#include <stddef.h>
#include <stdint.h>

#include "../../kernel/bootinfo.h"

#define FAKE_MAX_SEGMENTS 64

struct fake_phys {
    struct fake_segment {
        uint64_t base;
        size_t len;
        uint8_t *bytes;
    } segments[FAKE_MAX_SEGMENTS];
    unsigned count;
    void **copies; /* handed out by fake_phys_read, freed by fake_phys_free */
    size_t copy_count;
    unsigned refused; /* reads answered with NULL */
};

void fake_phys_init(struct fake_phys *m);
void fake_phys_free(struct fake_phys *m);
/* zeroed bytes at [base, base + len): fill them through the pointer */
uint8_t *fake_phys_add(struct fake_phys *m, uint64_t base, size_t len);
const void *fake_phys_read(void *ctx, uint64_t phys, size_t len);

void put_u16(uint8_t *p, uint16_t v);
void put_u32(uint8_t *p, uint32_t v);
void put_u64(uint8_t *p, uint64_t v);

/* A multiboot2 block under construction: header, tags, end tag. */
struct mb2_block {
    uint8_t bytes[8192];
    uint32_t len;
};
void mb2_begin(struct mb2_block *b);
/* appends a tag of 8 + payload_len bytes (payload may be NULL: zeroes), padded to 8 */
uint8_t *mb2_add_tag(struct mb2_block *b, uint32_t type, const void *payload, uint32_t payload_len);
void mb2_add_string(struct mb2_block *b, uint32_t type, const char *s);
void mb2_add_mmap(struct mb2_block *b, const struct mem_range *r, unsigned n, uint32_t entry_size);
/* appends the end tag and writes total_size */
void mb2_finish(struct mb2_block *b);
/* copies the block into m at phys */
void mb2_place(struct fake_phys *m, const struct mb2_block *b, uint64_t phys);

/* multiboot1 mmap entries (size field 20) at phys; returns the byte length */
uint32_t mb1_place_mmap(struct fake_phys *m, uint64_t phys, const struct mem_range *r,
                        unsigned n);

/* Loads "bootinfo-dump" lines (optionally after "# ", other lines ignored)
 * into m. Returns 0, or -1 if a dump line is malformed. end_status gets the
 * text after "bootinfo-dump end " ("ok" or "error MESSAGE"). */
int fake_phys_load_dump(struct fake_phys *m, const char *text, uint32_t *magic, uint64_t *info,
                        char *end_status, size_t end_size);

/* Runs bootinfo_dump and returns its lines joined with '\n' (malloc'd). */
char *dump_to_text(uint32_t magic, uint64_t info, phys_reader_fn read, void *ctx);

/* Realistic blocks, every field checked in test_bootinfo_mb1.c / _mb2.c. */
#define QEMU_MB1_INFO 0x9500u
#define QEMU_MB1_CMDLINE "build/barmove32.elf level=strict"
extern const struct mem_range qemu_mb1_ranges[9];
void build_qemu_mb1(struct fake_phys *m);

#define GRUB_MB2_INFO 0x7fe1000u
#define GRUB_MB2_CMDLINE "/boot/barmove.elf level=strict seed=0x1234 only=*BAR2*"
#define GRUB_MB2_LOADER "GRUB 2.06-13+deb12u2"
extern const struct mem_range grub_mb2_ranges[10];
extern const uint8_t grub_rsdp_v1[20], grub_rsdp_v2[36];
void build_grub_mb2(struct fake_phys *m);

#endif
