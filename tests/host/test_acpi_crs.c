/* Host bridge _CRS on hand-built resource templates and AML: each descriptor
 * kind, each way a template or its Buffer can be malformed, each PkgLength
 * encoding, and _CRS as a Method. (Real DSDTs: test_acpi_crs_real.c.) */
#include "harness.h"
#include "test_acpi_fixture.h"

struct bytes {
    uint8_t b[2048];
    size_t n;
};

static struct acpi_info info;
static char warnings[2048];

static void collect(const char *w)
{
    strncat(warnings, w, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static void reset(void)
{
    memset(&info, 0, sizeof info);
    warnings[0] = '\0';
}

static void add(struct bytes *t, const void *p, size_t n)
{
    memcpy(t->b + t->n, p, n);
    t->n += n;
}

static void add_le(struct bytes *t, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++)
        t->b[t->n++] = (uint8_t)(v >> (8 * i));
}

/* Word (2), DWord (4) or QWord (8) address space descriptor */
static void address(struct bytes *t, unsigned width, uint8_t type, uint64_t min, uint64_t max,
                    uint64_t tra, uint64_t len)
{
    static const uint8_t tag[9] = {[2] = 0x88, [4] = 0x87, [8] = 0x8A};
    t->b[t->n++] = tag[width];
    add_le(t, 3 + 5 * width, 2);
    add(t, (uint8_t[]){type, 0x0C, 0}, 3);
    add_le(t, 0, width);
    add_le(t, min, width);
    add_le(t, max, width);
    add_le(t, tra, width);
    add_le(t, len, width);
}

static void bus(struct bytes *t) { address(t, 2, 2, 0, 0xFF, 0, 0x100); }
static void mem(struct bytes *t, unsigned w, uint64_t min, uint64_t max)
{
    address(t, w, 0, min, max, 0, max - min + 1);
}
static void end_tag(struct bytes *t) { add(t, (uint8_t[]){0x79, 0}, 2); }

static int parse(const struct bytes *t)
{
    return acpi_parse_resource_template(t->b, t->n, "DSDT+0x10", collect, &info);
}

TEST(acpi_crs_collects_word_dword_qword_and_fixed_memory)
{
    struct bytes t = {0};
    reset();
    bus(&t);
    add(&t, (uint8_t[]){0x47, 1, 0xF8, 0x0C, 0xF8, 0x0C, 1, 8}, 8); /* IO 0xcf8 (small item) */
    address(&t, 2, 1, 0, 0xCF7, 0, 0xCF8);                          /* WordIO: not memory */
    mem(&t, 2, 0xA000, 0xAFFF);
    mem(&t, 4, 0xC0000000, 0xFEBFFFFF);
    mem(&t, 8, 0x100000000, 0x8FFFFFFFF);
    add(&t, (uint8_t[]){0x86, 9, 0, 1, 0, 0, 0, 0xFE, 0, 0x10, 0, 0}, 12); /* Memory32Fixed */
    end_tag(&t);
    EXPECT_EQ(parse(&t), 4);
    EXPECT_STR(warnings, "");
    EXPECT(acpi_has_window(&info, 0xA000, 0xAFFF));
    EXPECT(acpi_has_window(&info, 0xC0000000, 0xFEBFFFFF));
    EXPECT(acpi_has_window(&info, 0x100000000, 0x8FFFFFFFF));
    EXPECT(acpi_has_window(&info, 0xFE000000, 0xFE000FFF));
    EXPECT_EQ(parse(&t), 0); /* the same windows again are not added twice */
    EXPECT_EQ(info.window_count, 4);
}

TEST(acpi_crs_without_bus_number_is_not_a_host_bridge)
{
    struct bytes t = {0};
    reset();
    mem(&t, 4, 0xFED00000, 0xFED003FF); /* e.g. a device's own _CRS */
    end_tag(&t);
    EXPECT_EQ(parse(&t), 0);
    EXPECT_EQ(info.window_count, 0);
    EXPECT_STR(warnings, "");
}

TEST(acpi_crs_len_disagreeing_with_max_is_trusted_and_reported)
{
    struct bytes t = {0};
    reset();
    bus(&t);
    address(&t, 4, 0, 0xC0000000, 0xFEBFFFFF, 0, 0x10000000);
    end_tag(&t);
    EXPECT_EQ(parse(&t), 1);
    EXPECT(acpi_has_window(&info, 0xC0000000, 0xCFFFFFFF));
    EXPECT_STR(warnings, "ACPI _CRS in DSDT+0x10+0x10: window 0x00000000c0000000-0x00000000febfffff "
                         "disagrees with _LEN 0x10000000: using 0x00000000c0000000-0x00000000cfffffff\n");
}

TEST(acpi_crs_translated_inverted_and_wrapping_windows_are_dropped)
{
    struct bytes t = {0};
    reset();
    bus(&t);
    address(&t, 8, 0, 0x100000000, 0x1FFFFFFFF, 0x1000, 0x100000000);
    address(&t, 4, 0, 0xD0000000, 0xC0000000, 0, 0);
    address(&t, 8, 0, 0xFFFFFFFFFFFF0000, 0xFFFFFFFFFFFFFFFF, 0, 0x20000);
    mem(&t, 4, 0xE0000000, 0xEFFFFFFF);
    end_tag(&t);
    EXPECT_EQ(parse(&t), 1);
    EXPECT(strstr(warnings, "nonzero translation offset: ignored"));
    EXPECT(strstr(warnings, "window 0x00000000d0000000-0x00000000c0000000: _MIN above _MAX"));
    EXPECT(strstr(warnings, "_MIN + _LEN wraps past 2^64: ignored"));
    EXPECT(acpi_has_window(&info, 0xE0000000, 0xEFFFFFFF));
}

TEST(acpi_crs_descriptor_past_the_buffer_rejects_the_template)
{
    struct bytes t = {0};
    reset();
    bus(&t);
    mem(&t, 4, 0xC0000000, 0xFEBFFFFF);
    mem(&t, 8, 0x100000000, 0x8FFFFFFFF);
    end_tag(&t);
    t.b[16 + 26 + 1] = 0x40; /* the QWord says 64 bytes; 45 are left */
    EXPECT_EQ(parse(&t), -1);
    EXPECT_STR(warnings, "ACPI _CRS in DSDT+0x10: malformed resource template (an item runs "
                         "past the buffer): ignored\n");
    EXPECT_EQ(info.window_count, 0); /* nothing from a template that lied once */
    reset();
    t.n = 16 + 26 + 2; /* cut inside the QWord's 3-byte header */
    EXPECT_EQ(parse(&t), -1);
    reset();
    t.n = 16 + 26;
    EXPECT_EQ(parse(&t), -1);
    EXPECT(strstr(warnings, "(no end tag)"));
}

TEST(acpi_crs_zero_length_items_still_advance)
{
    struct bytes t = {0};
    reset();
    bus(&t);
    add(&t, (uint8_t[]){0x38}, 1);          /* EndDependentFn: small, length 0 */
    add(&t, (uint8_t[]){0x84, 0, 0}, 3);    /* a large item of length 0 */
    add(&t, (uint8_t[]){0x86, 0, 0}, 3);    /* Memory32Fixed too short to use */
    mem(&t, 4, 0xC0000000, 0xFEBFFFFF);
    end_tag(&t);
    EXPECT_EQ(parse(&t), 1);
    EXPECT_STR(warnings, "");
}

TEST(acpi_crs_more_windows_than_kept_are_reported)
{
    struct bytes t = {0};
    reset();
    bus(&t);
    for (uint64_t i = 0; i < ACPI_MAX_WINDOWS + 2; i++)
        mem(&t, 8, (i + 1) << 32, ((i + 1) << 32) + 0xFFFF);
    end_tag(&t);
    EXPECT_EQ(parse(&t), ACPI_MAX_WINDOWS);
    EXPECT(strstr(warnings, "more than 32 windows: 0x0000002100000000-0x000000210000ffff ignored"));
}

/* ---- finding templates in AML ---- */

static struct bytes host_bridge_template(void)
{
    struct bytes t = {0};
    bus(&t);
    mem(&t, 4, 0xC0000000, 0xFEBFFFFF);
    end_tag(&t);
    return t;
}

/* Buffer (BufferOp, PkgLength in pkg_bytes bytes, BytePrefix size) */
static void buffer(struct bytes *aml, const struct bytes *t, unsigned pkg_bytes)
{
    size_t len = pkg_bytes + 2 + t->n;
    aml->b[aml->n++] = 0x11;
    aml->b[aml->n++] = (uint8_t)((pkg_bytes - 1) << 6 | (pkg_bytes == 1 ? len : len & 0x0F));
    for (unsigned i = 1; i < pkg_bytes; i++)
        aml->b[aml->n++] = (uint8_t)(len >> (4 + 8 * (i - 1)));
    add(aml, (uint8_t[]){0x0A, (uint8_t)t->n}, 2);
    add(aml, t->b, t->n);
}

TEST(acpi_crs_name_with_every_pkglength_encoding)
{
    struct bytes t = host_bridge_template();
    for (unsigned k = 1; k <= 4; k++) {
        struct bytes aml = {0};
        reset();
        add(&aml, (uint8_t[]){0x10, 0x05, '_', 'S', 'B', '_'}, 6); /* a Scope before it */
        add(&aml, "\x08_CRS", 5);
        buffer(&aml, &t, k);
        acpi_scan_crs(aml.b, aml.n, "SSDT", collect, &info);
        EXPECT_EQ(info.window_count, 1);
        EXPECT_STR(warnings, "");
    }
}

TEST(acpi_crs_buffer_running_past_the_table_is_reported)
{
    struct bytes t = host_bridge_template(), aml = {0};
    reset();
    add(&aml, "\x08_CRS", 5);
    buffer(&aml, &t, 2);
    acpi_scan_crs(aml.b, aml.n - 1, "DSDT", collect, &info);
    EXPECT_STR(warnings, "ACPI _CRS in DSDT+0x29: buffer not understood (PkgLength runs past "
                         "the table): ignored\n");
    reset();
    aml.b[6] |= 0x30; /* a 2-byte PkgLength with bits 5:4 set */
    acpi_scan_crs(aml.b, aml.n, "DSDT", collect, &info);
    EXPECT(strstr(warnings, "(bad PkgLength)"));
    reset();
    aml.b[6] = (uint8_t)(0x40 | ((2 + 2 + t.n) & 0x0F));
    aml.b[8] = 0x5B; /* BufferSize computed at run time */
    acpi_scan_crs(aml.b, aml.n, "DSDT", collect, &info);
    EXPECT(strstr(warnings, "(BufferSize is not a constant inside the buffer)"));
    EXPECT_EQ(info.window_count, 0);
}

TEST(acpi_crs_method_body_buffers_are_found)
{
    /* Method (_CRS) { Name (BUF0, ResourceTemplate () {...}) Return (BUF0) }
     * and Method (_CRS) { Return (ResourceTemplate () {...}) } */
    struct bytes t = host_bridge_template(), body = {0}, aml = {0};
    reset();
    add(&body, "\x08" "BUF0", 5);
    buffer(&body, &t, 1);
    add(&body, "\xA4" "BUF0", 5);
    aml.b[aml.n++] = 0x14;
    aml.b[aml.n++] = (uint8_t)(0x40 | ((2 + 5 + body.n) & 0x0F));
    aml.b[aml.n++] = (uint8_t)((2 + 5 + body.n) >> 4);
    add(&aml, "_CRS\x00", 5);
    add(&aml, body.b, body.n);
    acpi_scan_crs(aml.b, aml.n, "DSDT", collect, &info);
    EXPECT_EQ(info.window_count, 1);
    t.n = 0; /* another window */
    bus(&t);
    mem(&t, 4, 0xD0000000, 0xDFFFFFFF);
    end_tag(&t);
    body.n = 0;
    aml.n = 0;
    body.b[body.n++] = 0xA4;
    buffer(&body, &t, 1);
    add(&aml, (uint8_t[]){0x14, (uint8_t)(1 + 5 + body.n)}, 2);
    add(&aml, "_CRS\x00", 5);
    add(&aml, body.b, body.n);
    acpi_scan_crs(aml.b, aml.n, "DSDT", collect, &info);
    EXPECT_EQ(info.window_count, 2);
    EXPECT_STR(warnings, "");
}
