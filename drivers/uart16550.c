#include "uart16550.h"

#include "../kernel/cpu.h"

#define COM1 0x3F8
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_IIR 2 /* read side of FCR */
#define IIR_FIFO_ON 0xc0 /* both bits: a 16550A with its FIFO working */
#define FIFO_DEPTH 16
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
/* a dead or absent UART must not hang the kernel: give up on a byte after this many polls */
#define POLL_LIMIT 1000000

/* bytes the transmitter can still take without looking at LSR: once THRE
 * says it is empty, a whole FIFO's worth (one LSR read per 16 bytes, not per
 * byte: under emulation every port access is an exit) */
static unsigned burst = 1, room;

void uart_init(void)
{
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_8N1);
    outb(COM1 + REG_FCR, 0x07); /* FIFO on, both cleared */
    outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
    /* a 16550A says its FIFO is on; a 16450 (or a UART without one) takes a
     * byte at a time */
    burst = (inb(COM1 + REG_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON ? FIFO_DEPTH : 1;
}

static void wait_lsr(unsigned char bit)
{
    for (unsigned i = 0; i < POLL_LIMIT; i++)
        if (inb(COM1 + REG_LSR) & bit)
            return;
}

static void put_byte(char c)
{
    if (!room) {
        wait_lsr(LSR_THRE);
        room = burst;
    }
    outb(COM1 + REG_DATA, (unsigned char)c);
    room--;
}

void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put_byte('\r');
        put_byte(s[i]);
    }
}

void uart_drain(void)
{
    wait_lsr(LSR_TEMT);
}
