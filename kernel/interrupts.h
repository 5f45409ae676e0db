/* Interrupts, vectors 32-255. The kernel runs with interrupts off except
 * while a check runs under the watchdog (kernel/watchdog.h), and the only
 * interrupt it asks for is the watchdog's timer. Anything else that arrives
 * then (a PIC's spurious IRQ, a line firmware left unmasked) is a stray:
 * acknowledged where it came from, counted, and otherwise ignored. */
#ifndef BARMOVE_INTERRUPTS_H
#define BARMOVE_INTERRUPTS_H
#include <stdint.h>

#include "exceptions.h"

typedef void (*interrupt_handler)(struct exception_frame *f);

/* handler for vector (after the end of interrupt has been sent) */
void interrupt_route(unsigned vector, interrupt_handler handler);
/* from exception_dispatch() for vectors 32-255 */
void interrupt_dispatch(struct exception_frame *f);
/* strays so far, and the vector of the last one */
unsigned long interrupt_strays(unsigned *last_vector);

#endif
