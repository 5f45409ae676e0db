/* TSC timing. The rate comes from CPUID (leaf 0x15, or the hypervisor's
 * 0x40000010) where offered, else from PIT channel 2; tests/guest/tsc_check.c checks
 * it against the ACPI PM timer, a clock it was not calibrated with. */
#ifndef BARMOVE_TIMER_H
#define BARMOVE_TIMER_H
#include <stdbool.h>
#include <stdint.h>

/* the ACPI PM timer's fixed rate (ACPI spec, "PM Timer") */
#define PM_TIMER_HZ 3579545ull

enum tsc_source { TSC_FROM_PIT, TSC_FROM_CPUID_15, TSC_FROM_HYPERVISOR };

/* pm_timer_port: the ACPI PM timer (0: none), read alongside the PIT */
void timer_init(uint16_t pm_timer_port, bool pm_timer_32bit);
uint64_t timer_tsc_hz(void);
enum tsc_source timer_tsc_source(void);
const char *timer_source_name(enum tsc_source s);
/* for selftest=tsc-skew: a deliberately wrong rate the check must catch */
void timer_skew_for_selftest(unsigned percent);
uint64_t timer_ns(void);
void timer_delay_us(uint64_t us);
/* median TSC rate over rounds windows of ms each of PIT channel 2 */
uint64_t timer_measure_pit_hz(unsigned rounds, unsigned ms);
/* the median TSC rate the PM timer saw over those same windows (0: the rate
 * did not come from the PIT, or there is no PM timer) */
uint64_t timer_tsc_hz_by_pm_timer(void);

#endif
