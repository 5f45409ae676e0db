#include "pic.h"

#include "cpu.h"

#define MASTER_CMD 0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD 0xa0
#define SLAVE_DATA 0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define OCW2_EOI 0x20
#define OCW3_READ_ISR 0x0b
#define SLAVE_ON_IRQ2 0x04
#define SLAVE_ID 0x02
#define IRQ0_ONLY 0xfe

#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_MODE 0x43
#define PIT_CH0_RATE_GENERATOR 0x34 /* channel 0, lobyte/hibyte, mode 2, binary */

static uint8_t master_mask = 0xff;

void pic_init(void)
{
    outb(MASTER_CMD, ICW1_INIT_ICW4);
    outb(SLAVE_CMD, ICW1_INIT_ICW4);
    outb(MASTER_DATA, PIC_VECTOR_BASE);
    outb(SLAVE_DATA, PIC_VECTOR_BASE + 8);
    outb(MASTER_DATA, SLAVE_ON_IRQ2);
    outb(SLAVE_DATA, SLAVE_ID);
    outb(MASTER_DATA, ICW4_8086);
    outb(SLAVE_DATA, ICW4_8086);
    outb(MASTER_DATA, master_mask);
    outb(SLAVE_DATA, 0xff);
}

static bool in_service(uint16_t cmd, unsigned irq)
{
    outb(cmd, OCW3_READ_ISR);
    return (inb(cmd) >> irq) & 1;
}

void pic_ack(unsigned vector)
{
    unsigned irq = vector - PIC_VECTOR_BASE;
    if (irq < 8) {
        if (in_service(MASTER_CMD, irq))
            outb(MASTER_CMD, OCW2_EOI);
        return;
    }
    if (in_service(SLAVE_CMD, irq - 8))
        outb(SLAVE_CMD, OCW2_EOI);
    outb(MASTER_CMD, OCW2_EOI); /* the master saw IRQ2 either way */
}

void pic_pit_tick_start(unsigned hz)
{
    unsigned count = PIT_HZ / hz;
    outb(PIT_MODE, PIT_CH0_RATE_GENERATOR);
    outb(PIT_CH0, (uint8_t)count);
    outb(PIT_CH0, (uint8_t)(count >> 8));
    master_mask = IRQ0_ONLY;
    outb(MASTER_DATA, master_mask);
}

void pic_pit_tick_stop(void)
{
    master_mask = 0xff;
    outb(MASTER_DATA, master_mask);
}
