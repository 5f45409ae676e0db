#include "lapic.h"

#include "cpu.h"
#include "paging.h"
#include "timer.h"

#define IA32_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_ADDR 0x000ffffffffff000ull
#define CPUID_1_EDX_APIC (1u << 9)

#define REG_TPR 0x80
#define REG_EOI 0xb0
#define REG_SVR 0xf0
#define REG_ISR 0x100 /* eight 32-bit registers, 0x10 apart */
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INITIAL 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3e0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16) /* one-shot mode: bits 17-18 clear */
#define DIVIDE_BY_16 0x3
#define CALIBRATION_US 2000 /* the rate only paces wake-ups: the deadline is in TSC ticks */

static volatile uint32_t *mmio;
static bool x2apic;
static uint64_t timer_hz;

static uint32_t reg_read(unsigned reg)
{
    return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : mmio[reg / 4];
}

static void reg_write(unsigned reg, uint32_t v)
{
    if (x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        mmio[reg / 4] = v;
}

bool lapic_in_service(unsigned vector)
{
    return (mmio || x2apic) && (reg_read(REG_ISR + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

void lapic_eoi(void)
{
    reg_write(REG_EOI, 0);
}

static bool any_in_service(void)
{
    for (unsigned i = 0; i < 8; i++)
        if (reg_read(REG_ISR + i * 0x10))
            return true;
    return false;
}

/* TSC ticks over which the timer counted down from 2^32-1, masked */
static void measure(void)
{
    uint64_t tsc_hz = timer_tsc_hz();
    reg_write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
    reg_write(REG_LVT_TIMER, LVT_MASKED | LAPIC_SPURIOUS_VECTOR);
    reg_write(REG_TIMER_INITIAL, 0xffffffffu);
    uint64_t t0 = rdtsc(), want = tsc_hz / 1000000 * CALIBRATION_US, t1;
    uint32_t left;
    do {
        left = reg_read(REG_TIMER_CURRENT);
        t1 = rdtsc();
    } while (t1 - t0 < want);
    reg_write(REG_TIMER_INITIAL, 0);
    uint64_t counted = 0xffffffffu - left;
    timer_hz = t1 > t0 ? (uint64_t)((unsigned __int128)counted * tsc_hz / (t1 - t0)) : 0;
}

bool lapic_init(void)
{
    if (!(cpuid(1, 0).edx & CPUID_1_EDX_APIC))
        return false;
    uint64_t base = rdmsr(IA32_APIC_BASE);
    if (!(base & APIC_BASE_EN))
        return false;
    x2apic = base & APIC_BASE_EXTD;
    if (!x2apic) {
        uint64_t phys = base & APIC_BASE_ADDR;
        if (!paging_map_mmio(phys, 4096))
            return false;
        mmio = (volatile uint32_t *)phys;
    }
    reg_write(REG_SVR, (reg_read(REG_SVR) & ~0xffu) | SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    reg_write(REG_TPR, 0); /* accept every priority class */
    /* firmware may have left an interrupt in service: it would hold off ours */
    for (unsigned i = 0; i < 256 && any_in_service(); i++)
        lapic_eoi();
    measure();
    if (!timer_hz) {
        mmio = NULL;
        x2apic = false;
        return false;
    }
    return true;
}

bool lapic_is_x2apic(void)
{
    return x2apic;
}

uint64_t lapic_timer_hz(void)
{
    return timer_hz;
}

void lapic_timer_oneshot(uint8_t vector, uint64_t ns)
{
    uint64_t count = (uint64_t)((unsigned __int128)ns * timer_hz / 1000000000u);
    if (count == 0)
        count = 1;
    if (count > 0xffffffffu)
        count = 0xffffffffu;
    reg_write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
    reg_write(REG_LVT_TIMER, vector); /* unmasked, one-shot */
    reg_write(REG_TIMER_INITIAL, (uint32_t)count);
}

void lapic_timer_stop(void)
{
    reg_write(REG_LVT_TIMER, LVT_MASKED | LAPIC_SPURIOUS_VECTOR);
    reg_write(REG_TIMER_INITIAL, 0);
}
