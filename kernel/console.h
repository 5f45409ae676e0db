/* The kernel's console: COM1 only (the TAP stream). */
#ifndef BARMOVE_CONSOLE_H
#define BARMOVE_CONSOLE_H
#include <stddef.h>

void console_init(void);
void console_write(const char *s, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_drain(void);

#endif
