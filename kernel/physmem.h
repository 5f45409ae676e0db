/* The kernel's phys_reader_fn: identity-mapped physical memory, mapped on
 * demand above 4 GiB; refuses address 0, wrapping ranges and anything past
 * the CPU's physical address width. */
#ifndef BARMOVE_PHYSMEM_H
#define BARMOVE_PHYSMEM_H
#include <stddef.h>
#include <stdint.h>

const void *physmem_read(void *ctx, uint64_t phys, size_t len);

#endif
