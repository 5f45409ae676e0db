#include "uart16550.h"

#include "../kernel/cpu.h"

#define COM1 0x3F8
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
/* a dead or absent UART must not hang the kernel: give up on a byte after this many polls */
#define POLL_LIMIT 1000000

void uart_init(void)
{
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_8N1);
    outb(COM1 + REG_FCR, 0x07); /* FIFO on, both cleared */
    outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
}

static void wait_lsr(unsigned char bit)
{
    for (unsigned i = 0; i < POLL_LIMIT; i++)
        if (inb(COM1 + REG_LSR) & bit)
            return;
}

static void put_byte(char c)
{
    wait_lsr(LSR_THRE);
    outb(COM1 + REG_DATA, (unsigned char)c);
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
