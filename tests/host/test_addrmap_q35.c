/* The q35 + SeaBIOS address map of a 128 MiB QEMU 7.2 guest, shared by the
 * addrmap tests: the e820 map, MCFG, the MADT's APICs, HPET, the _CRS windows
 * and a few firmware-placed BARs. Owners: function index << 8 | BAR number. */
#include "../../drivers/addrmap.h"
#include "harness.h"

void q35_seabios_map(struct addrmap *m);

void q35_seabios_map(struct addrmap *m)
{
    static const struct mem_range e820[] = {
        {0, 0x9fc00, MEM_RAM},
        {0x9fc00, 0x400, MEM_RESERVED},
        {0xf0000, 0x10000, MEM_RESERVED},
        {0x100000, 0x7ee0000, MEM_RAM},
        {0x7fe0000, 0x20000, MEM_RESERVED},
        {0xfeffc000, 0x4000, MEM_RESERVED},
        {0xfffc0000, 0x40000, MEM_RESERVED},
    };
    addrmap_init(m, 40);
    bool ok = addrmap_add_memory_map(m, e820, sizeof e820 / sizeof e820[0]);
    ok &= addrmap_add(m, 0xb0000000, 0xbfffffff, ADDRMAP_ECAM, 0);
    ok &= addrmap_add(m, 0xfee00000, 0xfee00fff, ADDRMAP_LAPIC, 0);
    ok &= addrmap_add(m, 0xfec00000, 0xfec00fff, ADDRMAP_IOAPIC, 0);
    ok &= addrmap_add(m, 0xfed00000, 0xfed003ff, ADDRMAP_HPET, 0);
    ok &= addrmap_add(m, 0xc0000000, 0xfebfffff, ADDRMAP_WINDOW, 0);
    ok &= addrmap_add(m, 0x100000000, 0x8ffffffff, ADDRMAP_WINDOW, 0);
    ok &= addrmap_add(m, 0xfe000000, 0xfe003fff, ADDRMAP_BAR, 0x0100); /* nvme BAR0 16 KiB */
    ok &= addrmap_add(m, 0xfeb00000, 0xfeb3ffff, ADDRMAP_BAR, 0x0206); /* e1000 ROM-sized */
    ok &= addrmap_add(m, 0xfeb40000, 0xfeb40fff, ADDRMAP_BAR, 0x0201);
    ok &= addrmap_add(m, 0xfeb41000, 0xfeb410ff, ADDRMAP_BAR, 0x0300); /* EHCI 256 B */
    EXPECT(ok);
}
