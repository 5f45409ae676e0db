/* A small vsnprintf for the kernel and the host tools (same code in both).
 * Conversions: %d %i %u %x %X %o %c %s %p %%; flags '-', '0', '+', ' ', '#';
 * field width and precision (also '*'); length modifiers hh h l ll z j t.
 * Returns what snprintf returns: the length the full output would have. */
#ifndef BARMOVE_FORMAT_H
#define BARMOVE_FORMAT_H
#include <stdarg.h>
#include <stddef.h>

int format_v(char *buf, size_t size, const char *fmt, va_list ap);
int format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
