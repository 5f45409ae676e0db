/* The standard capability list: a bounded walk (Zephyr's capability walker
 * tests are the model: a list that loops on itself must still end). */
#include "pci.h"

#define CAP_POINTER_CARDBUS 0x14
#define CAP_FIRST_VALID 0x40 /* below this is the header: a pointer there ends the list */
#define MSIX_CONTROL 2
#define MSIX_TABLE 4
#define MSIX_PBA 8
#define MSIX_TABLE_SIZE_MASK 0x7ff
#define MSIX_BIR_MASK 0x7u
#define PCIE_FLAGS 2
#define PCIE_FLAGS_TYPE_SHIFT 4

static void read_msix(struct pci_bdf f, uint8_t cap, struct pci_msix_info *out)
{
    uint16_t control = pci_cfg_read16(f, (uint16_t)(cap + MSIX_CONTROL));
    uint32_t table = pci_cfg_read32(f, (uint16_t)(cap + MSIX_TABLE));
    uint32_t pba = pci_cfg_read32(f, (uint16_t)(cap + MSIX_PBA));
    out->table_size = (uint16_t)((control & MSIX_TABLE_SIZE_MASK) + 1);
    out->table_bir = (uint8_t)(table & MSIX_BIR_MASK);
    out->table_offset = table & ~MSIX_BIR_MASK;
    out->pba_bir = (uint8_t)(pba & MSIX_BIR_MASK);
    out->pba_offset = pba & ~MSIX_BIR_MASK;
}

static void record_vendor(uint8_t cap, struct pci_caps *out)
{
    if (out->vendor_count < PCI_MAX_VENDOR_CAPS)
        out->vendor[out->vendor_count++] = cap;
    else
        out->problem = "more vendor-specific capabilities than recorded";
}

/* the first instance of each kind is the one that counts, as for Linux's pci_find_capability() */
static void record_cap(struct pci_bdf f, uint8_t id, uint8_t cap, struct pci_caps *out)
{
    if (id == PCI_CAP_ID_MSI && !out->msi) {
        out->msi = cap;
    } else if (id == PCI_CAP_ID_MSIX && !out->msix) {
        out->msix = cap;
        read_msix(f, cap, &out->msix_info);
    } else if (id == PCI_CAP_ID_EXP && !out->pcie) {
        out->pcie = cap;
        uint16_t flags = pci_cfg_read16(f, (uint16_t)(cap + PCIE_FLAGS));
        out->pcie_type = (uint8_t)((flags >> PCIE_FLAGS_TYPE_SHIFT) & 0xf);
    } else if (id == PCI_CAP_ID_VENDOR) {
        record_vendor(cap, out);
    }
}

static uint8_t first_cap_pointer(struct pci_bdf f, uint8_t header_type)
{
    uint16_t at = header_type == PCI_HEADER_CARDBUS ? CAP_POINTER_CARDBUS : PCI_CAPABILITY_LIST;
    return pci_cfg_read8(f, at);
}

void pci_caps_read(struct pci_bdf f, uint8_t header_type, uint16_t status, struct pci_caps *out)
{
    *out = (struct pci_caps){0};
    if (!(status & PCI_STATUS_CAP_LIST))
        return;
    /* one bit per dword slot 0x40..0xfc: a revisited slot is a cycle */
    uint64_t seen = 0;
    uint8_t cap = first_cap_pointer(f, header_type) & 0xfc;
    for (unsigned walked = 0; cap >= CAP_FIRST_VALID; walked++) {
        uint64_t slot = 1ull << ((cap - CAP_FIRST_VALID) / 4);
        if ((seen & slot) || walked >= PCI_MAX_CAPS) {
            out->problem = "capability list loops";
            return;
        }
        seen |= slot;
        uint16_t id_next = pci_cfg_read16(f, cap);
        if (id_next == 0xffff) {
            out->problem = "capability reads all-ones";
            return;
        }
        record_cap(f, (uint8_t)id_next, cap, out);
        cap = (uint8_t)(id_next >> 8) & 0xfc;
    }
}
