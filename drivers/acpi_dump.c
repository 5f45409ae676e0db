/* acpi_dump(): real firmware tables as a host-test fixture (format in
 * acpi_tables.h). Same idea and line format as bootinfo_dump(): parse
 * through a recording reader (kernel/phys_recorder.h), then print what it read. */
#include "../kernel/format.h"
#include "../kernel/phys_recorder.h"
#include "acpi_tables.h"

/* the RSDP the kernel used: read from memory, or the boot loader's copy */
static const uint8_t *find_rsdp(const struct acpi_info *found, const struct bootinfo *bi,
                                struct phys_recorder *r, size_t *len)
{
    if (found->rsdp)
        return acpi_read_rsdp(found->rsdp, phys_recorder_read, r, len);
    if (!bi || !bi->rsdp_tag || bi->rsdp_length > sizeof bi->rsdp)
        return NULL;
    *len = bi->rsdp_length;
    return bi->rsdp;
}

void acpi_dump(const struct acpi_info *found, const struct bootinfo *bi, phys_reader_fn read,
               void *ctx, void (*line)(const char *text))
{
    static struct phys_recorder r; /* ~1 KiB each: kept off the kernel stack */
    static struct acpi_info parsed;
    char text[80];
    size_t len = 0;
    phys_recorder_init(&r, read, ctx);
    const uint8_t *rsdp = find_rsdp(found, bi, &r, &len);
    format(text, sizeof text, "acpi-dump rsdp 0x%llx", (unsigned long long)found->rsdp);
    line(text);
    if (!rsdp) {
        line("acpi-dump end error no RSDP");
        return;
    }
    if (!found->rsdp) /* the copy, replayed at address 0 */
        phys_recorder_print_bytes("acpi-dump", 0, rsdp, len, line);
    int rc = acpi_parse(rsdp, len, found->rsdp, phys_recorder_read, &r, NULL, &parsed);
    phys_recorder_print(&r, "acpi-dump", line);
    line(rc == 0 ? "acpi-dump end ok" : "acpi-dump end error no valid RSDT or XSDT");
}
