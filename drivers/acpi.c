#include "acpi.h"

#include "../kernel/physmem.h"

#define EBDA_SEGMENT_PTR 0x40E
#define BIOS_AREA 0xE0000
#define BIOS_AREA_LEN 0x20000

static int scan_legacy(phys_reader_fn read, acpi_warn_fn warn, struct acpi_info *out)
{
    const uint16_t *ebda_seg = physmem_read(NULL, EBDA_SEGMENT_PTR, 2);
    uint64_t ebda = ebda_seg ? (uint64_t)*ebda_seg << 4 : 0;
    if (ebda >= 0x80000 && ebda < 0xA0000) {
        const uint8_t *p = physmem_read(NULL, ebda, 1024);
        long off = p ? acpi_scan_rsdp(p, 1024) : -1;
        if (off >= 0)
            return acpi_parse(p + off, 1024 - (size_t)off, ebda + (uint64_t)off, read,
                              NULL, warn, out);
    }
    const uint8_t *bios = physmem_read(NULL, BIOS_AREA, BIOS_AREA_LEN);
    long off = bios ? acpi_scan_rsdp(bios, BIOS_AREA_LEN) : -1;
    if (off < 0)
        return -1;
    return acpi_parse(bios + off, BIOS_AREA_LEN - (size_t)off, BIOS_AREA + (uint64_t)off,
                      read, NULL, warn, out);
}

int acpi_init(const struct bootinfo *bi, phys_reader_fn read, acpi_warn_fn warn, struct acpi_info *out)
{
    if (!read)
        read = physmem_read;
    if (bi->rsdp_tag && acpi_parse(bi->rsdp, bi->rsdp_length, 0, read, NULL, warn, out) == 0)
        return 0;
    return scan_legacy(read, warn, out);
}
