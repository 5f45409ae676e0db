/* Counting the guest's hardware accesses by kind (hw_counts.h). */
#include "hw_counts.h"

#include "../kernel/format.h"

#define PCI_COMMAND_OFFSET 0x04
#define PCI_HEADER_TYPE_OFFSET 0x0e
#define CMD_MEMORY 0x02
#define SLOT_BITS 10
#define SLOTS (1u << SLOT_BITS) /* functions remembered: open addressing, linear probing */

struct seen {
    uint32_t key; /* 0 = free; else 1 + segment:bus:device.function */
    uint8_t command, header;
    uint8_t command_known, header_known;
    uint32_t mse, dark, live; /* this function's share of the counts (the floor replays them) */
};

static struct seen table[SLOTS];
static struct hw_counts counts;

static uint32_t key_of(struct pci_bdf f)
{
    return 1u + ((uint32_t)f.segment << 16 | (uint32_t)f.bus << 8 | (uint32_t)f.device << 3 | f.function);
}

/* the function's entry, made on first use; NULL when the table is full */
static struct seen *entry(struct pci_bdf f)
{
    uint32_t key = key_of(f);
    /* Fibonacci hashing: the product's top bits (its low bits repeat every 4 buses) */
    for (unsigned i = 0, h = (key * 2654435761u) >> (32 - SLOT_BITS); i < SLOTS; i++, h = (h + 1) % SLOTS) {
        if (table[h].key == key)
            return &table[h];
        if (!table[h].key) {
            table[h].key = key;
            return &table[h];
        }
    }
    return NULL;
}

/* the byte at `at` of an access of `width` at `offset` holding `value`, if covered */
static int byte_of(uint16_t offset, unsigned width, uint32_t value, uint16_t at, uint8_t *out)
{
    if (at < offset || at >= offset + width)
        return 0;
    *out = (uint8_t)(value >> (8 * (at - offset)));
    return 1;
}

static void learn(struct seen *s, uint16_t offset, unsigned width, uint32_t value)
{
    uint8_t b;
    if (!s)
        return;
    if (byte_of(offset, width, value, PCI_COMMAND_OFFSET, &b)) {
        s->command = b;
        s->command_known = 1;
    }
    if (byte_of(offset, width, value, PCI_HEADER_TYPE_OFFSET, &b)) {
        s->header = b & 0x7f;
        s->header_known = 1;
    }
}

void hw_counts_cfg_read(struct pci_bdf f, uint16_t offset, unsigned width, uint32_t value)
{
    counts.cfg_reads++;
    uint32_t ones = width >= 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
    uint8_t b;
    /* absent functions read all-ones at any width: no entry for them (an
     * enumeration's vendor-ID reads of empty slots would fill the table) */
    if (value != ones && (byte_of(offset, width, value, PCI_COMMAND_OFFSET, &b) ||
                          byte_of(offset, width, value, PCI_HEADER_TYPE_OFFSET, &b)))
        learn(entry(f), offset, width, value);
}

static uint16_t bar_end(uint8_t header)
{
    return header == 0 ? 0x28 : header == 1 ? 0x18 : 0x14;
}

static int is_bridge_window(uint16_t offset)
{
    return offset >= 0x1c && offset < 0x30; /* I/O, memory and prefetchable base/limit (+ upper) */
}

void hw_counts_cfg_write(struct pci_bdf f, uint16_t offset, unsigned width, uint32_t value,
                         hw_counts_raw_read raw)
{
    struct seen *s = entry(f), fallback = {0};
    if (!s)
        s = &fallback;
    if (!s->command_known || !s->header_known) {
        counts.classify_reads++;
        learn(s, 0x04, 4, raw(f, 0x04, 4));
        learn(s, 0x0c, 4, raw(f, 0x0c, 4));
    }
    uint8_t cmd;
    if (byte_of(offset, width, value, PCI_COMMAND_OFFSET, &cmd)) {
        if ((cmd ^ s->command) & CMD_MEMORY) {
            counts.mse_toggles++;
            s->mse++;
        }
        else if (s->header == 1)
            counts.bridge_win++;
        else
            counts.other_cfg++;
        s->command = cmd;
    } else if (offset >= 0x10 && offset < bar_end(s->header)) {
        if (s->command & CMD_MEMORY) {
            counts.bar_live++;
            s->live++;
        } else {
            counts.bar_dark++;
            s->dark++;
        }
    } else if (s->header == 1 && is_bridge_window(offset)) {
        counts.bridge_win++;
    } else {
        counts.other_cfg++;
    }
}

void hw_counts_mmio(int write)
{
    if (write)
        counts.mmio_writes++;
    else
        counts.mmio_reads++;
}

const struct hw_counts *hw_counts(void)
{
    return &counts;
}

void hw_counts_format(char *buf, size_t size)
{
    const struct hw_counts *c = &counts;
    int n = format(buf, size,
                   "writes: mse-toggles=%llu bar-dark=%llu bar-live=%llu bridge-win=%llu other-cfg=%llu "
                   "cfg-reads=%llu mmio-reads=%llu mmio-writes=%llu",
                   (unsigned long long)c->mse_toggles, (unsigned long long)c->bar_dark,
                   (unsigned long long)c->bar_live, (unsigned long long)c->bridge_win,
                   (unsigned long long)c->other_cfg, (unsigned long long)c->cfg_reads,
                   (unsigned long long)c->mmio_reads, (unsigned long long)c->mmio_writes);
    if (c->classify_reads && n > 0 && (size_t)n < size)
        format(buf + n, size - (size_t)n, " classify-reads=%llu", (unsigned long long)c->classify_reads);
}

bool hw_counts_format_by_device(char *buf, size_t size, unsigned *next)
{
    size_t used = (size_t)format(buf, size, "writes by device:");
    bool any = false;
    for (unsigned i = *next; i < SLOTS; i++) {
        const struct seen *s = &table[i];
        if (!s->key || s->header != 0 || !(s->mse + s->dark + s->live))
            continue;
        uint32_t k = s->key - 1;
        char one[48];
        size_t n = (size_t)format(one, sizeof one, " %02x:%02x.%x=%u,%u,%u", k >> 8 & 0xff, k >> 3 & 0x1f,
                                  k & 7, s->mse, s->dark, s->live);
        if (used + n >= size) {
            *next = i;
            return any;
        }
        format(buf + used, size - used, "%s", one);
        used += n;
        any = true;
    }
    *next = 0;
    return any;
}
