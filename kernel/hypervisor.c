#include "hypervisor.h"

#include <string.h>

#include "cpu.h"

static char name[13];

static int present(void)
{
    return (cpuid(1, 0).ecx >> 31) & 1;
}

uint32_t hypervisor_max_leaf(void)
{
    if (!present())
        return 0;
    uint32_t max = cpuid(0x40000000, 0).eax;
    return max >= 0x40000000 && max < 0x40010000 ? max : 0;
}

const char *hypervisor_name(void)
{
    if (!present())
        return "none";
    struct cpuid_regs r = cpuid(0x40000000, 0);
    memcpy(name, &r.ebx, 4);
    memcpy(name + 4, &r.ecx, 4);
    memcpy(name + 8, &r.edx, 4);
    name[12] = '\0';
    for (unsigned i = 0; i < 12 && name[i]; i++)
        if (name[i] < 0x21 || name[i] > 0x7e) /* keep the header line printable */
            name[i] = '_';
    return name[0] ? name : "unknown";
}
