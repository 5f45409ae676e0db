/* The local APIC: xAPIC through MMIO, or x2APIC through MSRs where firmware
 * left it in that mode. Set up for the watchdog only: software-enabled with a
 * spurious vector, nothing left in service, its timer one-shot. The timer's
 * rate (the bus clock) is unknown, so it is measured against the TSC. */
#ifndef BARMOVE_LAPIC_H
#define BARMOVE_LAPIC_H
#include <stdbool.h>
#include <stdint.h>

#define LAPIC_SPURIOUS_VECTOR 0xff

/* false if the CPU has no local APIC or it is globally disabled (the 8259
 * then drives INTR itself); true once set up and its timer measured (after
 * timer_init: the TSC rate is needed) */
bool lapic_init(void);
bool lapic_is_x2apic(void);
uint64_t lapic_timer_hz(void);
/* one interrupt at vector after about ns nanoseconds (at most ~1 s is asked) */
void lapic_timer_oneshot(uint8_t vector, uint64_t ns);
void lapic_timer_stop(void);
/* is vector in service at the local APIC (accepted, not yet EOI'd)? */
bool lapic_in_service(unsigned vector);
void lapic_eoi(void);

#endif
