/* vsnprintf subset; tests/host/test_format.c compares it with the host libc. */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct sink {
    char *buf;
    size_t size;
    size_t len; /* characters the full output needs */
};

struct spec {
    bool left, zero, plus, space, alt;
    int width;
    int precision; /* -1: none */
    int length;    /* 0, 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't' */
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void pad(struct sink *s, char c, int n)
{
    while (n-- > 0)
        put(s, c);
}

static void put_string(struct sink *s, const struct spec *sp, const char *str)
{
    if (!str)
        str = "(null)";
    size_t n = sp->precision >= 0 ? strnlen(str, (size_t)sp->precision) : strlen(str);
    int fill = sp->width > (int)n ? sp->width - (int)n : 0;
    if (!sp->left)
        pad(s, ' ', fill);
    for (size_t i = 0; i < n; i++)
        put(s, str[i]);
    if (sp->left)
        pad(s, ' ', fill);
}

/* digits of v in base, most significant first; returns the count */
static int to_digits(char *out, uintmax_t v, unsigned base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[32];
    int n = 0;
    do {
        tmp[n++] = set[v % base];
        v /= base;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static void put_number(struct sink *s, const struct spec *sp, uintmax_t v, bool negative,
                       unsigned base, bool upper, bool is_signed)
{
    char digits[32];
    int n = to_digits(digits, v, base, upper);
    if (sp->precision == 0 && v == 0)
        n = 0;
    char prefix[3] = {0};
    int plen = 0;
    if (is_signed && negative)
        prefix[plen++] = '-';
    else if (is_signed && sp->plus)
        prefix[plen++] = '+';
    else if (is_signed && sp->space)
        prefix[plen++] = ' ';
    if (sp->alt && base == 16 && v != 0) {
        prefix[plen++] = '0';
        prefix[plen++] = upper ? 'X' : 'x';
    }
    int zeros = sp->precision > n ? sp->precision - n : 0;
    if (sp->alt && base == 8 && zeros == 0 && (n == 0 || digits[0] != '0'))
        zeros = 1;
    int body = plen + zeros + n;
    int fill = sp->width > body ? sp->width - body : 0;
    if (sp->zero && !sp->left && sp->precision < 0) {
        zeros += fill;
        fill = 0;
    }
    if (!sp->left)
        pad(s, ' ', fill);
    for (int i = 0; i < plen; i++)
        put(s, prefix[i]);
    pad(s, '0', zeros);
    for (int i = 0; i < n; i++)
        put(s, digits[i]);
    if (sp->left)
        pad(s, ' ', fill);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.precision = -1};
    for (;; f++) {
        if (*f == '-') sp->left = true;
        else if (*f == '0') sp->zero = true;
        else if (*f == '+') sp->plus = true;
        else if (*f == ' ') sp->space = true;
        else if (*f == '#') sp->alt = true;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->precision = sp->precision * 10 + (*f++ - '0');
    }
    if (f[0] == 'h' && f[1] == 'h') sp->length = 'H', f += 2;
    else if (f[0] == 'l' && f[1] == 'l') sp->length = 'L', f += 2;
    else if (*f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' || *f == 't') sp->length = *f++;
    return f;
}

static intmax_t signed_arg(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 'H': return (signed char)va_arg(*ap, int);
    case 'h': return (short)va_arg(*ap, int);
    case 'l': return va_arg(*ap, long);
    case 'L': return va_arg(*ap, long long);
    case 'z': return (intmax_t)va_arg(*ap, size_t);
    case 'j': return va_arg(*ap, intmax_t);
    case 't': return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static uintmax_t unsigned_arg(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 'H': return (unsigned char)va_arg(*ap, unsigned);
    case 'h': return (unsigned short)va_arg(*ap, unsigned);
    case 'l': return va_arg(*ap, unsigned long);
    case 'L': return va_arg(*ap, unsigned long long);
    case 'z': return va_arg(*ap, size_t);
    case 'j': return va_arg(*ap, uintmax_t);
    case 't': return (uintmax_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

static void convert(struct sink *s, char conv, struct spec *sp, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        intmax_t v = signed_arg(sp, ap);
        uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
        put_number(s, sp, mag, v < 0, 10, false, true);
        break;
    }
    case 'u': put_number(s, sp, unsigned_arg(sp, ap), false, 10, false, false); break;
    case 'x': put_number(s, sp, unsigned_arg(sp, ap), false, 16, false, false); break;
    case 'X': put_number(s, sp, unsigned_arg(sp, ap), false, 16, true, false); break;
    case 'o': put_number(s, sp, unsigned_arg(sp, ap), false, 8, false, false); break;
    case 'p':
        sp->alt = true;
        put_number(s, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false, false);
        break;
    case 'c': {
        char c = (char)va_arg(*ap, int);
        int fill = sp->width > 1 ? sp->width - 1 : 0;
        if (!sp->left)
            pad(s, ' ', fill);
        put(s, c);
        if (sp->left)
            pad(s, ' ', fill);
        break;
    }
    case 's': put_string(s, sp, va_arg(*ap, const char *)); break;
    case '%': put(s, '%'); break;
    default: /* unknown conversion: print it as written, never consume an argument */
        put(s, '%');
        if (conv)
            put(s, conv);
        break;
    }
}

int format_v(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {buf, size, 0};
    va_list args;
    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&s, *fmt++);
            continue;
        }
        struct spec sp;
        fmt = parse_spec(fmt + 1, &sp, &args);
        char conv = *fmt;
        if (conv)
            fmt++;
        convert(&s, conv, &sp, &args);
    }
    va_end(args);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

int format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = format_v(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
