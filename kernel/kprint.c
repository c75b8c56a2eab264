/* A small printf for kernel lines (see kprint.h).  Output is gathered into
 * a stack buffer and handed to the console in pieces. */
#include "kprint.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

typedef struct out {
    char buf[48];
    unsigned len;
} out;

static void out_flush(out *o)
{
    if (o->len != 0) {
        arch_console_write(o->buf, o->len);
        o->len = 0;
    }
}

static void out_char(out *o, char c)
{
    if (o->len == sizeof o->buf) {
        out_flush(o);
    }
    o->buf[o->len++] = c;
}

static void out_pad(out *o, unsigned n)
{
    while (n-- > 0) {
        out_char(o, ' ');
    }
}

/* s, at most max bytes (max < 0: all), padded to width (left: pad after).
 * Strings can come from images (package names) or console input: a control
 * character is printed as '?', so no process can forge a [kernel] line. */
static void out_str(out *o, const char *s, int max, unsigned width, bool left)
{
    unsigned len = 0;
    while (s[len] != '\0' && (max < 0 || len < (unsigned)max)) {
        len++;
    }
    if (!left && width > len) {
        out_pad(o, width - len);
    }
    for (unsigned i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        out_char(o, c < 0x20 || c >= 0x7F ? '?' : (char)c);
    }
    if (left && width > len) {
        out_pad(o, width - len);
    }
}

static void out_number(out *o, uint32_t v, unsigned base, bool upper, unsigned width, char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[12];
    unsigned n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    while (width > n) {
        out_char(o, pad);
        width--;
    }
    while (n > 0) {
        out_char(o, tmp[--n]);
    }
}

/* One conversion after '%'; returns the format position after it. */
static const char *convert(out *o, const char *f, va_list *ap)
{
    char pad = ' ';
    unsigned width = 0;
    int precision = -1;
    bool left = false;
    if (*f == '-') {
        left = true;
        f++;
    }
    if (*f == '0') {
        pad = '0';
        f++;
    }
    while (*f >= '0' && *f <= '9') {
        width = width * 10u + (unsigned)(*f++ - '0');
    }
    if (f[0] == '.' && f[1] == '*') {
        precision = va_arg(*ap, int);
        f += 2;
    }
    switch (*f) {
    case 's':
        out_str(o, va_arg(*ap, const char *), precision, width, left);
        break;
    case 'c':
        out_char(o, (char)va_arg(*ap, int));
        break;
    case 'u':
        out_number(o, va_arg(*ap, unsigned), 10, false, width, pad);
        break;
    case 'd': {
        int v = va_arg(*ap, int);
        if (v < 0) {
            out_char(o, '-');
        }
        out_number(o, v < 0 ? 0u - (unsigned)v : (unsigned)v, 10, false, width, pad);
        break;
    }
    case 'x':
    case 'X':
        out_number(o, va_arg(*ap, unsigned), 16, *f == 'X', width, pad);
        break;
    default:
        out_char(o, *f);
        break;
    }
    return *f != '\0' ? f + 1 : f;
}

static void format(out *o, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            out_char(o, *fmt++);
        } else {
            fmt = convert(o, fmt + 1, &copy);
        }
    }
    va_end(copy);
}

void kvprintf(const char *fmt, va_list ap)
{
    out o = {.len = 0};
    format(&o, fmt, ap);
    out_flush(&o);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void klog(const char *fmt, ...)
{
    out o = {.len = 0};
    out_str(&o, KLOG_PREFIX, -1, 0, false);
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    out_char(&o, '\n');
    out_flush(&o);
}
