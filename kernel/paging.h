/* Identity paging after boot: the low 4 GiB stay mapped (RAM write-back,
 * everything else uncached, PCD|PWT), and any physical address below
 * 2^phys-bits can be mapped uncached on demand for MMIO (BARs parked high,
 * ECAM). 2 MiB pages, 1 GiB pages above 4 GiB only when CPUID offers them. */
#ifndef BARMOVE_PAGING_H
#define BARMOVE_PAGING_H
#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"

void paging_init(const struct mem_range *ranges, unsigned count);
unsigned paging_phys_bits(void);
/* false if [phys, phys+len) is not below 2^phys-bits or tables ran out */
bool paging_map_mmio(uint64_t phys, uint64_t len);

#endif
