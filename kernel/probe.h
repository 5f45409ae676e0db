/* Recoverable probes (kernel/probe.S): an access to an address the
 * hypervisor may not back, or a non-canonical one, returns an error instead of
 * crashing the run. The address must already be mapped if it should succeed
 * (paging_map_mmio); an unmapped one faults with #PF and is reported here. */
#ifndef BARMOVE_PROBE_H
#define BARMOVE_PROBE_H
#include <stdint.h>

#include "../drivers/hw.h" /* PROBE_FAULTED: result = PROBE_FAULTED | vector */

int probe_read8(uint64_t addr, uint8_t *out);
int probe_read16(uint64_t addr, uint16_t *out);
int probe_read32(uint64_t addr, uint32_t *out);
int probe_read64(uint64_t addr, uint64_t *out);
int probe_write8(uint64_t addr, uint8_t value);
int probe_write16(uint64_t addr, uint16_t value);
int probe_write32(uint64_t addr, uint32_t value);
int probe_write64(uint64_t addr, uint64_t value);

#endif
