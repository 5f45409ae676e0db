#include "timer.h"

#include "cpu.h"
#include "hypervisor.h"
#include "sort.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define PIT_POLL_LIMIT 100000000u

static uint64_t tsc_hz;
static enum tsc_source source;

/* TSC ticks for one PIT channel 2 countdown of ms milliseconds (mode 0) */
static uint64_t pit_window(unsigned ms)
{
    uint32_t count = PIT_HZ / 1000 * ms;
    uint8_t b = inb(PORT_B);
    outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    outb(PIT_MODE, 0xB0); /* channel 2, lobyte/hibyte, mode 0, binary */
    outb(PIT_CH2, (uint8_t)count);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    uint64_t start = rdtsc();
    for (uint32_t i = 0; i < PIT_POLL_LIMIT && !(inb(PORT_B) & PORT_B_OUT2); i++)
        ;
    uint64_t end = rdtsc();
    outb(PORT_B, b);
    return end - start;
}

uint64_t timer_measure_pit_hz(unsigned rounds, unsigned ms)
{
    uint64_t v[16];
    if (rounds > 16)
        rounds = 16;
    for (unsigned i = 0; i < rounds; i++)
        v[i] = pit_window(ms) * 1000 / ms;
    sort_u64(v, rounds);
    return v[rounds / 2];
}

static uint64_t cpuid_15_hz(void)
{
    if (cpuid(0, 0).eax < 0x15)
        return 0;
    struct cpuid_regs r = cpuid(0x15, 0);
    if (!r.eax || !r.ebx || !r.ecx)
        return 0;
    return (uint64_t)r.ecx * r.ebx / r.eax;
}

static uint64_t hypervisor_tsc_hz(void)
{
    if (hypervisor_max_leaf() < 0x40000010)
        return 0;
    return (uint64_t)cpuid(0x40000010, 0).eax * 1000; /* kHz */
}

void timer_init(void)
{
    if ((tsc_hz = cpuid_15_hz()))
        source = TSC_FROM_CPUID_15;
    else if ((tsc_hz = hypervisor_tsc_hz()))
        source = TSC_FROM_HYPERVISOR;
    else {
        /* median of 5 windows of 5 ms: 5966 PIT ticks each, so a tick is
         * 0.02 % of a window; under KVM each port read is an exit (~15 us of
         * polling granularity, 0.3 %); tsc-calibration checks the result */
        tsc_hz = timer_measure_pit_hz(5, 5);
        source = TSC_FROM_PIT;
    }
    if (!tsc_hz) /* a broken PIT and no CPUID leaf: keep going with a plausible guess */
        tsc_hz = 1000000000ull;
}

uint64_t timer_tsc_hz(void)
{
    return tsc_hz;
}

enum tsc_source timer_tsc_source(void)
{
    return source;
}

const char *timer_source_name(enum tsc_source s)
{
    switch (s) {
    case TSC_FROM_CPUID_15: return "cpuid-15";
    case TSC_FROM_HYPERVISOR: return "cpuid-40000010";
    default: return "pit";
    }
}

void timer_skew_for_selftest(unsigned percent)
{
    tsc_hz += tsc_hz / 100 * percent;
}

uint64_t timer_ns(void)
{
    unsigned __int128 t = rdtsc();
    return (uint64_t)(t * 1000000000u / tsc_hz);
}

void timer_delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
    while (rdtsc() < end)
        ;
}
