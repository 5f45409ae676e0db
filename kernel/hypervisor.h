/* Hypervisor identification through CPUID 0x40000000 (when CPUID.1:ECX.31 says one is there). */
#ifndef BARMOVE_HYPERVISOR_H
#define BARMOVE_HYPERVISOR_H
#include <stdint.h>

/* "KVMKVMKVM", "TCGTCGTCGTCG", "Microsoft Hv", ...; "none" on bare metal, "unknown" if unnamed */
const char *hypervisor_name(void);
/* the largest hypervisor CPUID leaf, 0 if none */
uint32_t hypervisor_max_leaf(void);

#endif
