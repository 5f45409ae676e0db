#include "interrupts.h"

#include "lapic.h"
#include "pic.h"

static interrupt_handler handlers[256];
static unsigned long strays;
static unsigned last_stray;

void interrupt_route(unsigned vector, interrupt_handler handler)
{
    if (vector >= 32 && vector < 256)
        handlers[vector] = handler;
}

/* the end of interrupt goes where the interrupt was accepted: the local APIC
 * if it holds the vector in service (a fixed interrupt: no nesting here, so
 * it is the only one), else the PICs (through ExtINT, or with no local APIC);
 * the APIC's spurious vector is owed none */
static void acknowledge(unsigned vector)
{
    if (vector == LAPIC_SPURIOUS_VECTOR)
        return;
    if (lapic_in_service(vector))
        lapic_eoi();
    else if (vector >= PIC_VECTOR_BASE && vector < PIC_VECTOR_END)
        pic_ack(vector);
}

void interrupt_dispatch(struct exception_frame *f)
{
    unsigned v = (unsigned)f->vector;
    acknowledge(v);
    if (handlers[v]) {
        handlers[v](f);
        return;
    }
    strays++;
    last_stray = v;
}

unsigned long interrupt_strays(unsigned *last_vector)
{
    *last_vector = last_stray;
    return strays;
}
