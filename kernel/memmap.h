/* Sanity of the boot memory map, checked before anything is placed in RAM. */
#ifndef BARMOVE_MEMMAP_H
#define BARMOVE_MEMMAP_H
#include <stddef.h>

#include "bootinfo.h"

/* 0 when the map is usable: no zero-length or wrapping range, no two ranges
 * overlapping (whatever their types), RAM below 1 MiB and RAM at or above
 * 1 MiB. -1 otherwise, with the first offence in why (64-bit hex addresses,
 * ranges as [first, last] inclusive). n may be at most BOOTINFO_MAX_RANGES. */
int memmap_check(const struct mem_range *r, unsigned n, char *why, size_t why_size);

#endif
