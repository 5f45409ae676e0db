/* The recording phys reader behind bootinfo_dump() and acpi_dump() (phys_recorder.h). */
#include "phys_recorder.h"

#include <string.h>

#include "format.h"

void phys_recorder_init(struct phys_recorder *r, phys_reader_fn read, void *ctx)
{
    memset(r, 0, sizeof *r);
    r->read = read;
    r->ctx = ctx;
}

/* Adds [base, end), merged with every range it overlaps or touches. */
static void note_range(struct phys_recorder *r, uint64_t base, uint64_t end)
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
    if (r->count == PHYS_RECORDER_MAX_RANGES) {
        r->overflow = true;
        return;
    }
    r->ranges[r->count].base = base;
    r->ranges[r->count++].end = end;
}

const void *phys_recorder_read(void *ctx, uint64_t phys, size_t len)
{
    struct phys_recorder *r = ctx;
    const void *p = r->read(r->ctx, phys, len);
    if (p && len && phys + len > phys)
        note_range(r, phys, phys + len);
    return p;
}

void phys_recorder_print_bytes(const char *prefix, uint64_t at, const uint8_t *bytes, size_t n,
                               void (*line)(const char *text))
{
    char text[PHYS_RECORDER_PREFIX_MAX + 32 + 2 * PHYS_RECORDER_BYTES_PER_LINE];
    for (size_t done = 0; done < n; done += PHYS_RECORDER_BYTES_PER_LINE) {
        size_t count = n - done;
        if (count > PHYS_RECORDER_BYTES_PER_LINE)
            count = PHYS_RECORDER_BYTES_PER_LINE;
        int used = format(text, sizeof text, "%s mem 0x%llx ", prefix,
                          (unsigned long long)(at + done));
        for (size_t i = 0; i < count && (size_t)used < sizeof text; i++)
            used += format(text + used, sizeof text - (size_t)used, "%02x", bytes[done + i]);
        line(text);
    }
}

static void print_error(const char *prefix, const char *what, void (*line)(const char *text))
{
    char text[PHYS_RECORDER_PREFIX_MAX + 48];
    format(text, sizeof text, "%s error %s", prefix, what);
    line(text);
}

/* Re-reads [base, end) a line at a time: the bytes as they are now. The
 * walk counts what is left, never at + 32 against end: a range that ends
 * within 32 bytes of 2^64 would wrap at back to 0 and walk forever. */
static void print_range(const struct phys_recorder *r, uint64_t base, uint64_t end,
                        const char *prefix, void (*line)(const char *text))
{
    for (uint64_t at = base; at < end;) {
        uint64_t left = end - at;
        size_t n = left < PHYS_RECORDER_BYTES_PER_LINE ? (size_t)left
                                                       : PHYS_RECORDER_BYTES_PER_LINE;
        const uint8_t *bytes = r->read(r->ctx, at, n);
        if (bytes)
            phys_recorder_print_bytes(prefix, at, bytes, n, line);
        else
            print_error(prefix, "range no longer readable", line);
        if (left <= PHYS_RECORDER_BYTES_PER_LINE)
            break;
        at += PHYS_RECORDER_BYTES_PER_LINE;
    }
}

/* Selection sort by base: a few dozen ranges at most. */
static void sort_ranges(struct phys_recorder *r)
{
    for (unsigned done = 0; done < r->count; done++) {
        unsigned low = done;
        for (unsigned i = done + 1; i < r->count; i++)
            if (r->ranges[i].base < r->ranges[low].base)
                low = i;
        uint64_t base = r->ranges[low].base, end = r->ranges[low].end;
        r->ranges[low] = r->ranges[done];
        r->ranges[done].base = base;
        r->ranges[done].end = end;
    }
}

/* in address order, so a fixture reads like a memory listing */
void phys_recorder_print(struct phys_recorder *r, const char *prefix,
                         void (*line)(const char *text))
{
    sort_ranges(r);
    for (unsigned i = 0; i < r->count; i++)
        print_range(r, r->ranges[i].base, r->ranges[i].end, prefix, line);
    if (r->overflow)
        print_error(prefix, "more ranges read than recorded", line);
}
