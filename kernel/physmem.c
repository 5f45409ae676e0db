#include "physmem.h"

#include "paging.h"

const void *physmem_read(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    if (phys == 0 || len == 0 || phys + len < phys)
        return NULL;
    if (!paging_map_mmio(phys, len))
        return NULL;
    return (const void *)(uintptr_t)phys;
}
