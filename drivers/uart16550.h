/* COM1 16550: 115200 8N1, polled. Every byte waits for THRE (Bochs sends at
 * the emulated baud rate and drops bytes written into a full holding
 * register); uart_drain waits for TEMT before anything that ends the run. */
#ifndef BARMOVE_UART16550_H
#define BARMOVE_UART16550_H
#include <stddef.h>

void uart_init(void);
void uart_write(const char *s, size_t n);
void uart_drain(void);

#endif
