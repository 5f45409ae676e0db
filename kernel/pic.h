/* The legacy 8259 PICs and PIT channel 0. Both PICs are moved to vectors
 * 0x20-0x2f (firmware leaves the master at 0x08, where IRQ0 would pass for a
 * #DF) and masked: nothing in the kernel uses them, except the watchdog's
 * fallback where there is no usable local APIC, PIT channel 0 ticking on IRQ0. */
#ifndef BARMOVE_PIC_H
#define BARMOVE_PIC_H
#include <stdbool.h>

#define PIC_VECTOR_BASE 0x20
#define PIC_VECTOR_END 0x30

void pic_init(void);
/* end of interrupt for a vector from the PICs, unless it was spurious (IRQ7/15
 * raised and withdrawn: nothing in service, and no EOI is owed) */
void pic_ack(unsigned vector);
/* PIT channel 0 at about hz interrupts per second on IRQ0 (unmasked), or off */
void pic_pit_tick_start(unsigned hz);
void pic_pit_tick_stop(void);

#endif
