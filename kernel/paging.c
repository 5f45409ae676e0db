#include "paging.h"

#include <string.h>

#include "cpu.h"

#define PTE_P 0x001ull
#define PTE_RW 0x002ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_PS 0x080ull
#define PTE_ADDR 0x000ffffffffff000ull
#define UNCACHED (PTE_PCD | PTE_PWT)
#define SIZE_4K 0x1000ull
#define SIZE_2M 0x200000ull
#define SIZE_1G 0x40000000ull
#define SIZE_4G 0x100000000ull
#define TABLE_POOL 96

extern uint64_t boot_pml4[512], boot_pdpt[512], boot_pd[4 * 512];

static uint64_t pool[TABLE_POOL][512] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t first_2m[512] __attribute__((aligned(4096)));
static const struct mem_range *ram;
static unsigned ram_count;
static unsigned phys_bits = 36;
static bool has_1g_pages;

/* is [base, base+size) entirely RAM in the boot memory map? */
static bool all_ram(uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < ram_count; i++) {
        const struct mem_range *r = &ram[i];
        if (r->type == MEM_RAM && r->base <= base && base + size <= r->base + r->length)
            return true;
    }
    return false;
}

static uint64_t leaf_attributes(uint64_t base, uint64_t size)
{
    return PTE_P | PTE_RW | (all_ram(base, size) ? 0 : UNCACHED);
}

static uint64_t *new_table(void)
{
    if (pool_used == TABLE_POOL)
        return NULL;
    uint64_t *t = pool[pool_used++];
    memset(t, 0, SIZE_4K);
    return t;
}

static void detect_cpu(void)
{
    struct cpuid_regs r = cpuid(0x80000000, 0);
    if (r.eax >= 0x80000008)
        phys_bits = cpuid(0x80000008, 0).eax & 0xff;
    if (r.eax >= 0x80000001)
        has_1g_pages = (cpuid(0x80000001, 0).edx >> 26) & 1;
}

void paging_init(const struct mem_range *ranges, unsigned count)
{
    ram = ranges;
    ram_count = count;
    detect_cpu();
    /* first 2 MiB in 4 KiB pages: the kernel sits at 1 MiB, the legacy holes below it */
    for (unsigned i = 0; i < 512; i++)
        first_2m[i] = (i * SIZE_4K) | leaf_attributes(i * SIZE_4K, SIZE_4K);
    boot_pd[0] = (uint64_t)first_2m | PTE_P | PTE_RW;
    for (unsigned i = 1; i < 4 * 512; i++)
        boot_pd[i] = (i * SIZE_2M) | PTE_PS | leaf_attributes(i * SIZE_2M, SIZE_2M);
    write_cr3(read_cr3()); /* flush everything the boot tables cached */
}

unsigned paging_phys_bits(void)
{
    return phys_bits;
}

/* the next-level table under entry e, made on first use */
static uint64_t *next_level(uint64_t *e)
{
    if (*e & PTE_P)
        return (*e & PTE_PS) ? NULL : (uint64_t *)(*e & PTE_ADDR);
    uint64_t *t = new_table();
    if (t)
        *e = (uint64_t)t | PTE_P | PTE_RW;
    return t;
}

static bool map_one(uint64_t page)
{
    uint64_t *pdpt = next_level(&boot_pml4[(page >> 39) & 511]);
    if (!pdpt)
        return false;
    uint64_t *pdpte = &pdpt[(page >> 30) & 511];
    if (*pdpte & PTE_P && *pdpte & PTE_PS)
        return true;
    if (has_1g_pages && !(*pdpte & PTE_P)) {
        uint64_t base = page & ~(SIZE_1G - 1);
        *pdpte = base | PTE_PS | leaf_attributes(base, SIZE_1G);
        return true;
    }
    uint64_t *pd = next_level(pdpte);
    if (!pd)
        return false;
    uint64_t base = page & ~(SIZE_2M - 1);
    uint64_t *pde = &pd[(page >> 21) & 511];
    if (!(*pde & PTE_P)) {
        *pde = base | PTE_PS | leaf_attributes(base, SIZE_2M);
        invlpg(base);
    }
    return true;
}

bool paging_map_mmio(uint64_t phys, uint64_t len)
{
    uint64_t limit = 1ull << phys_bits;
    if (len == 0 || phys >= limit || len > limit - phys)
        return false;
    if (phys + len <= SIZE_4G)
        return true; /* the low 4 GiB are always mapped */
    uint64_t step = has_1g_pages ? SIZE_1G : SIZE_2M;
    for (uint64_t page = phys & ~(step - 1); page < phys + len; page += step)
        if (!map_one(page))
            return false;
    return true;
}
