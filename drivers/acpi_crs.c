/* The host bridges' memory windows from their _CRS (ACPI 6.x §6.4, §19.6.x).
 *
 * No AML interpreter: the DSDT and SSDTs are searched for the two shapes a
 * _CRS takes in practice:
 *   Name (_CRS, ResourceTemplate () {...})   NameOp(0x08) "_CRS" BufferOp(0x11)
 *   Method (_CRS) { Name (X, ResourceTemplate...) / Return (ResourceTemplate...) }
 *      MethodOp(0x14) PkgLength "_CRS" flags, then a BufferOp after a NameOp
 *      and a NameSeg, or after ReturnOp(0xA4), anywhere in the method body.
 * A buffer is PkgLength, BufferSize (a constant), then the template bytes.
 * QEMU 7.2 (q35 and pc, SeaBIOS and OVMF) uses the first shape. A method that
 * builds its template from buffers named outside its body (ConcatenateResTemplate
 * of CRES and CR64, as old SeaBIOS DSDTs did) is not followed: such firmware
 * needs window= options.
 *
 * Only templates with a bus-number address descriptor (resource type 2) are a
 * host bridge's; a device's own _CRS (HPET, serial ports) has none. */
#include <string.h>

#include "../kernel/format.h"
#include "acpi_tables.h"

#define AML_NAME_OP 0x08
#define AML_BUFFER_OP 0x11
#define AML_METHOD_OP 0x14
#define AML_RETURN_OP 0xA4

#define RES_LARGE 0x80
#define RES_SMALL_END 0x0F  /* small item type of the end tag (0x79) */
#define RES_FIXED_MEM32 0x06 /* 0x86 */
#define RES_DWORD_ADDR 0x07  /* 0x87 */
#define RES_WORD_ADDR 0x08   /* 0x88 */
#define RES_QWORD_ADDR 0x0A  /* 0x8A */
#define RES_TYPE_MEMORY 0
#define RES_TYPE_BUS 2

struct item {
    unsigned large_type;  /* 0 for a small item */
    const uint8_t *body;
    size_t len;
    size_t offset;        /* of the tag, in the template */
};

typedef void (*item_fn)(const struct item *it, void *ctx);

/* Calls fn on every large item up to the end tag. -1 (and why) if an item
 * runs past the buffer or there is no end tag. Every item is at least one
 * byte long, so the walk ends. */
static int walk_items(const uint8_t *buf, size_t len, item_fn fn, void *ctx, const char **why)
{
    for (size_t off = 0; off < len;) {
        uint8_t tag = buf[off];
        size_t head = tag & RES_LARGE ? 3 : 1;
        size_t ilen = tag & RES_LARGE ? (off + 3 <= len ? acpi_get16(buf + off + 1) : SIZE_MAX)
                                      : (size_t)(tag & 7);
        if (ilen == SIZE_MAX || ilen > len - off - head) {
            *why = "an item runs past the buffer";
            return -1;
        }
        if (!(tag & RES_LARGE) && (tag >> 3 & 0x0F) == RES_SMALL_END)
            return 0;
        if (tag & RES_LARGE) {
            struct item it = {tag & 0x7F, buf + off + head, ilen, off};
            fn(&it, ctx);
        }
        off += head + ilen;
    }
    *why = "no end tag";
    return -1;
}

/* Word/DWord/QWord address space descriptor: field width in bytes, or 0 */
static unsigned address_width(const struct item *it)
{
    unsigned w = it->large_type == RES_WORD_ADDR    ? 2
                 : it->large_type == RES_DWORD_ADDR ? 4
                 : it->large_type == RES_QWORD_ADDR ? 8
                                                    : 0;
    /* resource type, flags, type flags, then _GRA _MIN _MAX _TRA _LEN */
    return w && it->len >= 3 + 5 * (size_t)w ? w : 0;
}

static uint64_t field(const struct item *it, unsigned width, unsigned index)
{
    const uint8_t *p = it->body + 3 + index * width;
    return width == 2 ? acpi_get16(p) : width == 4 ? acpi_get32(p) : acpi_get64(p);
}

static void note_bus(const struct item *it, void *ctx)
{
    if (address_width(it) && it->body[0] == RES_TYPE_BUS)
        *(bool *)ctx = true;
}

struct collect {
    const char *where;
    acpi_warn_fn warn;
    struct acpi_info *out;
    int added;
};

static void add_window(struct collect *c, uint64_t base, uint64_t end, size_t offset)
{
    struct acpi_info *out = c->out;
    for (unsigned i = 0; i < out->window_count; i++)
        if (out->windows[i].base == base && out->windows[i].end == end)
            return; /* the same window described twice */
    if (out->window_count == ACPI_MAX_WINDOWS) {
        acpi_warnf(c->warn, "ACPI _CRS in %s+0x%zx: more than %u windows: 0x%016llx-0x%016llx "
                   "ignored", c->where, offset, ACPI_MAX_WINDOWS, (unsigned long long)base,
                   (unsigned long long)end);
        return;
    }
    out->windows[out->window_count].base = base;
    out->windows[out->window_count++].end = end;
    c->added++;
}

static void address_window(struct collect *c, const struct item *it, unsigned w)
{
    uint64_t min = field(it, w, 1), max = field(it, w, 2), tra = field(it, w, 3);
    uint64_t len = field(it, w, 4);
    const char *drop = NULL;
    /* _MIN/_MAX are bus addresses; a BAR is probed at the CPU address, which
     * differs by _TRA: no guest here can use such a window as it is */
    if (tra)
        drop = "nonzero translation offset";
    else if (min > max)
        drop = "_MIN above _MAX";
    else if (len && min + len - 1 < min)
        drop = "_MIN + _LEN wraps past 2^64";
    if (drop) {
        acpi_warnf(c->warn, "ACPI _CRS in %s+0x%zx: window 0x%016llx-0x%016llx: %s: ignored",
                   c->where, it->offset, (unsigned long long)min, (unsigned long long)max, drop);
        return;
    }
    if (len && max - min != len - 1) {
        acpi_warnf(c->warn, "ACPI _CRS in %s+0x%zx: window 0x%016llx-0x%016llx disagrees with "
                   "_LEN 0x%llx: using 0x%016llx-0x%016llx",
                   c->where, it->offset, (unsigned long long)min, (unsigned long long)max,
                   (unsigned long long)len, (unsigned long long)min,
                   (unsigned long long)(min + len - 1));
        max = min + len - 1;
    }
    add_window(c, min, max, it->offset);
}

static void collect_window(const struct item *it, void *ctx)
{
    struct collect *c = ctx;
    unsigned w = address_width(it);
    if (w && it->body[0] == RES_TYPE_MEMORY) {
        address_window(c, it, w);
    } else if (it->large_type == RES_FIXED_MEM32 && it->len >= 9) {
        uint64_t base = acpi_get32(it->body + 1), size = acpi_get32(it->body + 5);
        if (size)
            add_window(c, base, base + size - 1, it->offset);
    }
}

int acpi_parse_resource_template(const uint8_t *buf, size_t len, const char *where,
                                 acpi_warn_fn warn, struct acpi_info *out)
{
    const char *why = NULL;
    bool has_bus = false;
    if (walk_items(buf, len, note_bus, &has_bus, &why) != 0) {
        acpi_warnf(warn, "ACPI _CRS in %s: malformed resource template (%s): ignored", where, why);
        return -1;
    }
    if (!has_bus)
        return 0;
    struct collect c = {where, warn, out, 0};
    walk_items(buf, len, collect_window, &c, &why);
    return c.added;
}

/* ---- finding the templates in AML ---- */

/* PkgLength at p (ACPI 6.x §20.2.4): bits 7:6 of the lead byte count 0-3
 * more bytes; the length counts those bytes too. */
static bool pkg_length(const uint8_t *p, const uint8_t *end, size_t *length, size_t *bytes)
{
    if (p >= end)
        return false;
    size_t n = 1 + (size_t)(p[0] >> 6);
    if ((size_t)(end - p) < n || (n > 1 && (p[0] & 0x30)))
        return false; /* bits 5:4 are zero when more bytes follow */
    size_t v = n == 1 ? p[0] & 0x3Fu : p[0] & 0x0Fu;
    for (size_t i = 1; i < n; i++)
        v |= (size_t)p[i] << (4 + 8 * (i - 1));
    *length = v;
    *bytes = n;
    return v >= n;
}

/* The initializer bytes of the Buffer whose BufferOp is at op; NULL if it
 * is well formed, else why not. */
static const char *buffer_data(const uint8_t *op, const uint8_t *end, const uint8_t **data,
                               size_t *len)
{
    size_t plen, pbytes;
    if (!pkg_length(op + 1, end, &plen, &pbytes))
        return "bad PkgLength";
    if (plen > (size_t)(end - op - 1))
        return "PkgLength runs past the table";
    const uint8_t *size = op + 1 + pbytes, *pkg_end = op + 1 + plen;
    /* BufferSize: BytePrefix, WordPrefix, DWordPrefix constant, or Zero/One/Ones */
    size_t size_bytes = size >= pkg_end ? 0
                        : *size == 0x0A ? 2
                        : *size == 0x0B ? 3
                        : *size == 0x0C ? 5
                        : (*size == 0x00 || *size == 0x01 || *size == 0xFF) ? 1
                                                                           : 0;
    if (!size_bytes || size_bytes > (size_t)(pkg_end - size))
        return "BufferSize is not a constant inside the buffer";
    *data = size + size_bytes;
    *len = (size_t)(pkg_end - *data);
    return NULL;
}

static void template_at(const uint8_t *aml, size_t len, size_t op, const char *where,
                        acpi_warn_fn warn, struct acpi_info *out)
{
    char place[32];
    const uint8_t *data;
    size_t dlen;
    /* offsets in messages are the table's, as a disassembler shows them */
    format(place, sizeof place, "%.4s+0x%zx", where, op + ACPI_HEADER_LENGTH);
    const char *why = buffer_data(aml + op, aml + len, &data, &dlen);
    if (why) {
        acpi_warnf(warn, "ACPI _CRS in %s: buffer not understood (%s): ignored", place, why);
        return;
    }
    acpi_parse_resource_template(data, dlen, place, warn, out);
}

static bool is_name_seg(const uint8_t *p)
{
    for (int i = 0; i < 4; i++)
        if (!(p[i] == '_' || (p[i] >= 'A' && p[i] <= 'Z') || (i && p[i] >= '0' && p[i] <= '9')))
            return false;
    return true;
}

/* If "_CRS" at name is the name of a Method, the end of its body; else 0. */
static size_t method_end(const uint8_t *aml, size_t len, size_t name)
{
    for (size_t k = 1; k <= 4 && k < name; k++) {
        size_t plen, pbytes;
        if (aml[name - k - 1] == AML_METHOD_OP &&
            pkg_length(aml + name - k, aml + len, &plen, &pbytes) && pbytes == k &&
            plen <= len - (name - k) && name - k + plen > name + 5)
            return name - k + plen;
    }
    return 0;
}

static void scan_method(const uint8_t *aml, size_t len, size_t name, const char *where,
                        acpi_warn_fn warn, struct acpi_info *out)
{
    size_t end = method_end(aml, len, name);
    for (size_t j = name + 5; j < end; j++) { /* after the name and the MethodFlags */
        if (aml[j] != AML_BUFFER_OP)
            continue;
        if (aml[j - 1] == AML_RETURN_OP ||
            (j >= name + 10 && aml[j - 5] == AML_NAME_OP && is_name_seg(aml + j - 4)))
            template_at(aml, end, j, where, warn, out);
    }
}

void acpi_scan_crs(const uint8_t *aml, size_t len, const char *where, acpi_warn_fn warn,
                   struct acpi_info *out)
{
    for (size_t i = 0; i + 5 <= len; i++) {
        if (memcmp(aml + i, "_CRS", 4) != 0)
            continue;
        if (aml[i + 4] == AML_BUFFER_OP)
            template_at(aml, len, i + 4, where, warn, out);
        else
            scan_method(aml, len, i, where, warn, out);
    }
}
