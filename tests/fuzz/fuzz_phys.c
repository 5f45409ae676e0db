/* Physical memory served from a fuzz input: fuzz_phys.h. */
#include "fuzz_phys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a parser asking for more than this in one input is a runaway loop */
#define FUZZ_PHYS_MAX_COPIED (256u << 20)

uint64_t fuzz_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void fuzz_phys_load(struct fuzz_phys *m, const uint8_t *data, size_t size)
{
    memset(m, 0, sizeof *m);
    size_t at = 0;
    while (m->count < FUZZ_PHYS_MAX_SEGMENTS && size - at >= FUZZ_PHYS_SEGMENT_HEADER) {
        uint64_t base = fuzz_le(data + at, 8);
        size_t len = (size_t)fuzz_le(data + at + 8, 4);
        at += FUZZ_PHYS_SEGMENT_HEADER;
        if (len > size - at)
            len = size - at;
        m->seg[m->count].base = base;
        m->seg[m->count].bytes = data + at;
        m->seg[m->count].len = len;
        m->count++;
        at += len;
    }
}

const void *fuzz_phys_read(void *ctx, uint64_t phys, size_t len)
{
    struct fuzz_phys *m = ctx;
    if (len == 0)
        return NULL;
    for (unsigned i = 0; i < m->count; i++) {
        uint64_t base = m->seg[i].base;
        size_t slen = m->seg[i].len;
        if (phys < base || phys - base > slen || len > slen - (phys - base))
            continue;
        if (m->copied + len > FUZZ_PHYS_MAX_COPIED) {
            fprintf(stderr, "fuzz_phys: more than %u bytes read: a runaway parser\n",
                    FUZZ_PHYS_MAX_COPIED);
            abort();
        }
        if (m->copy_count == m->copy_cap) {
            m->copy_cap = m->copy_cap ? 2 * m->copy_cap : 64;
            m->copies = realloc(m->copies, m->copy_cap * sizeof *m->copies);
            if (!m->copies)
                abort();
        }
        void *copy = malloc(len);
        if (!copy)
            abort();
        memcpy(copy, m->seg[i].bytes + (phys - base), len);
        m->copies[m->copy_count++] = copy;
        m->copied += len;
        return copy;
    }
    return NULL;
}

void fuzz_phys_free(struct fuzz_phys *m)
{
    for (size_t i = 0; i < m->copy_count; i++)
        free(m->copies[i]);
    free(m->copies);
    m->copies = NULL;
    m->copy_count = m->copy_cap = 0;
}
