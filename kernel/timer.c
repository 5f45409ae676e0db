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
/* the ACPI PM timer, read at both ends of every PIT window: the TSC rate as a
 * second, independent clock sees it over the same intervals (tsc-calibration
 * compares the two without waiting again); 0 when there is no PM timer */
static uint16_t pm_port;
static uint32_t pm_mask;
static uint64_t pm_hz_of_tsc;

static uint32_t pm_now(void)
{
    return pm_port ? inl(pm_port) & pm_mask : 0;
}

/* PIT channel 2's current count, latched (counter latch command) */
static uint16_t pit_count(void)
{
    outb(PIT_MODE, 0x80); /* channel 2, latch */
    uint8_t lo = inb(PIT_CH2);
    return (uint16_t)(lo | inb(PIT_CH2) << 8);
}

/* TSC rate over at least ms milliseconds of PIT channel 2, from the PIT ticks
 * that really elapsed between two latched reads (not from waiting for the
 * countdown's end: a vCPU descheduled across it would stretch the window);
 * *pm_ticks gets the PM-timer ticks over about the same TSC interval */
static uint64_t pit_window_hz(unsigned ms, uint32_t *pm_ticks, uint64_t *tsc_ticks)
{
    uint16_t want = (uint16_t)(PIT_HZ / 1000 * ms), c0, c;
    uint8_t b = inb(PORT_B);
    outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    outb(PIT_MODE, 0xB0); /* channel 2, lobyte/hibyte, mode 0, binary */
    outb(PIT_CH2, 0xff);
    outb(PIT_CH2, 0xff);
    c0 = pit_count();
    uint64_t start = rdtsc();
    uint32_t pm0 = pm_now();
    uint32_t i = 0;
    do
        c = pit_count();
    while ((uint16_t)(c0 - c) < want && ++i < PIT_POLL_LIMIT);
    uint64_t end = rdtsc();
    *pm_ticks = (pm_now() - pm0) & pm_mask;
    outb(PORT_B, b);
    uint16_t elapsed = (uint16_t)(c0 - c);
    *tsc_ticks = end - start;
    return elapsed ? (end - start) * PIT_HZ / elapsed : 0;
}

uint64_t timer_measure_pit_hz(unsigned rounds, unsigned ms)
{
    uint64_t v[16], pm[16];
    unsigned pm_n = 0;
    if (rounds > 16)
        rounds = 16;
    for (unsigned i = 0; i < rounds; i++) {
        uint32_t pm_ticks = 0;
        uint64_t ticks = 0;
        v[i] = pit_window_hz(ms, &pm_ticks, &ticks);
        if (pm_ticks)
            pm[pm_n++] = ticks * PM_TIMER_HZ / pm_ticks;
    }
    sort_u64(v, rounds);
    sort_u64(pm, pm_n);
    pm_hz_of_tsc = pm_n == rounds ? pm[pm_n / 2] : 0;
    return v[rounds / 2];
}

uint64_t timer_tsc_hz_by_pm_timer(void)
{
    return pm_hz_of_tsc;
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

void timer_init(uint16_t pm_timer_port, bool pm_timer_32bit)
{
    pm_port = pm_timer_port;
    pm_mask = pm_timer_32bit ? 0xffffffffu : 0xffffffu;
    if ((tsc_hz = cpuid_15_hz()))
        source = TSC_FROM_CPUID_15;
    else if ((tsc_hz = hypervisor_tsc_hz()))
        source = TSC_FROM_HYPERVISOR;
    else {
        /* median of 3 windows of 1 ms: 1193 PIT ticks each, counted between
         * two latched reads (a tick is 0.08 % of a window, far inside
         * tsc-calibration's 2 %; the exits of the latch reads under KVM fall
         * at both ends alike); tsc-calibration checks the result against the
         * PM timer read over the same windows. 2 ms windows cost the suite
         * 3 ms more on every boot (make bench: 1 % of a whole run) */
        tsc_hz = timer_measure_pit_hz(3, 1);
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
