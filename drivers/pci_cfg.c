/* Typed config access on the default mechanism, and COMMAND updates. */
#include "pci.h"

static uint32_t cfg_read(struct pci_bdf f, uint16_t offset, unsigned width)
{
    uint32_t value;
    if (!hw_cfg_read(HW_CFG_DEFAULT, f, offset, width, &value))
        return 0xffffffffu; /* unreachable reads like an absent function */
    return value;
}

uint8_t pci_cfg_read8(struct pci_bdf f, uint16_t offset)
{
    return (uint8_t)cfg_read(f, offset, 1);
}

uint16_t pci_cfg_read16(struct pci_bdf f, uint16_t offset)
{
    return (uint16_t)cfg_read(f, offset, 2);
}

uint32_t pci_cfg_read32(struct pci_bdf f, uint16_t offset)
{
    return cfg_read(f, offset, 4);
}

bool pci_cfg_write8(struct pci_bdf f, uint16_t offset, uint8_t value)
{
    return hw_cfg_write(HW_CFG_DEFAULT, f, offset, 1, value);
}

bool pci_cfg_write16(struct pci_bdf f, uint16_t offset, uint16_t value)
{
    return hw_cfg_write(HW_CFG_DEFAULT, f, offset, 2, value);
}

bool pci_cfg_write32(struct pci_bdf f, uint16_t offset, uint32_t value)
{
    return hw_cfg_write(HW_CFG_DEFAULT, f, offset, 4, value);
}

/* 16-bit only: STATUS (offset 6) has write-1-to-clear error bits that a
 * dword write of COMMAND would clear as a side effect */
static uint16_t command_update(struct pci_bdf f, uint16_t set, uint16_t clear)
{
    uint16_t old = pci_cfg_read16(f, PCI_COMMAND);
    uint16_t new = (uint16_t)((old | set) & ~clear);
    if (new != old)
        pci_cfg_write16(f, PCI_COMMAND, new);
    return old;
}

uint16_t pci_command_set(struct pci_bdf f, uint16_t bits)
{
    return command_update(f, bits, 0);
}

uint16_t pci_command_clear(struct pci_bdf f, uint16_t bits)
{
    return command_update(f, 0, bits);
}
