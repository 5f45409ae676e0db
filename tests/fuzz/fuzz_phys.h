/* Physical memory served from a fuzz input (tests/fuzz/fuzz_acpi.c,
 * fuzz_bootinfo.c), in the shape of tests/host/bootinfo_fake.h's fake_phys:
 *
 *   segment*   each: u64 base (LE), u32 length (LE), then length bytes
 *              (a length past the input's end takes what is left)
 *
 * The reader (a phys_reader_fn) hands out a fresh heap copy of exactly the
 * bytes asked for, so ASan catches any byte a parser reads beyond what it
 * asked for; a range not wholly inside one segment (or wrapping 2^64) is
 * refused with NULL. tests/fuzz/mkseeds.py writes the same format from the
 * host fixtures' "acpi-dump"/"bootinfo-dump" lines. */
#ifndef BARMOVE_FUZZ_PHYS_H
#define BARMOVE_FUZZ_PHYS_H
#include <stddef.h>
#include <stdint.h>

#define FUZZ_PHYS_MAX_SEGMENTS 64
#define FUZZ_PHYS_SEGMENT_HEADER 12

struct fuzz_phys {
    struct {
        uint64_t base;
        const uint8_t *bytes; /* into the fuzz input */
        size_t len;
    } seg[FUZZ_PHYS_MAX_SEGMENTS];
    unsigned count;
    void **copies; /* handed out by fuzz_phys_read, freed by fuzz_phys_free */
    size_t copy_count, copy_cap;
    size_t copied; /* bytes handed out: bounded, so a parser cannot make the fuzzer run out */
};

uint64_t fuzz_le(const uint8_t *p, unsigned bytes);
/* parses the segment list; segments of length 0 are kept (they refuse everything) */
void fuzz_phys_load(struct fuzz_phys *m, const uint8_t *data, size_t size);
const void *fuzz_phys_read(void *ctx, uint64_t phys, size_t len);
void fuzz_phys_free(struct fuzz_phys *m);

#endif
