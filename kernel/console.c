#include "console.h"

#include <stdarg.h>

#include "../drivers/uart16550.h"
#include "format.h"

void console_init(void)
{
    uart_init();
}

void console_write(const char *s, size_t n)
{
    uart_write(s, n);
}

int kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = format_v(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t len = n < (int)sizeof buf ? (size_t)n : sizeof buf - 1;
    console_write(buf, len);
    return n;
}

void console_drain(void)
{
    uart_drain();
}
