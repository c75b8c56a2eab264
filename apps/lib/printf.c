/* A small printf for apps: enough conversions to print numbers, strings and
 * pointers, buffered so that a line costs one console write. */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "tock.h"

#define OUT_BUFFER 64
#define NUM_DIGITS 12 /* 4294967295 and a sign, or ffffffff */

typedef struct out {
    char buf[OUT_BUFFER];
    size_t len;
    int total;
    int status; /* first console error, if any */
} out;

typedef struct spec {
    bool left;      /* '-' */
    char pad;       /* ' ' or '0' */
    unsigned width; /* minimum field width */
} spec;

static void flush(out *o)
{
    if (o->len != 0 && o->status == TOCK_OK) {
        int r = console_write(o->buf, o->len);
        o->status = r < 0 ? r : TOCK_OK;
    }
    o->len = 0;
}

static void put(out *o, char c)
{
    if (o->len == OUT_BUFFER) {
        flush(o);
    }
    o->buf[o->len++] = c;
    o->total++;
}

static void put_padding(out *o, unsigned n, char pad)
{
    while (n-- > 0) {
        put(o, pad);
    }
}

/* A field: prefix (sign or "0x"), then body, padded to the width. */
static void put_field(out *o, const spec *s, const char *prefix, const char *body, unsigned len)
{
    unsigned plen = 0;
    while (prefix[plen] != '\0') {
        plen++;
    }
    unsigned fill = s->width > plen + len ? s->width - plen - len : 0;
    if (!s->left && s->pad == ' ') {
        put_padding(o, fill, ' ');
    }
    for (unsigned i = 0; i < plen; i++) {
        put(o, prefix[i]);
    }
    if (!s->left && s->pad == '0') {
        put_padding(o, fill, '0');
    }
    for (unsigned i = 0; i < len; i++) {
        put(o, body[i]);
    }
    if (s->left) {
        put_padding(o, fill, ' ');
    }
}

static void put_number(out *o, const spec *s, uint32_t v, unsigned base, bool upper,
                       const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[NUM_DIGITS];
    unsigned n = NUM_DIGITS;
    do {
        tmp[--n] = digits[v % base];
        v /= base;
    } while (v != 0);
    put_field(o, s, prefix, tmp + n, NUM_DIGITS - n);
}

static void put_string(out *o, const spec *s, const char *str)
{
    unsigned len = 0;
    str = str != NULL ? str : "(null)";
    while (str[len] != '\0') {
        len++;
    }
    spec plain = *s;
    plain.pad = ' ';
    put_field(o, &plain, "", str, len);
}

/* One conversion after its flags and width; returns false if unknown. */
static bool convert(out *o, const spec *s, char c, va_list *ap)
{
    if (c == 'd' || c == 'i') {
        int v = va_arg(*ap, int); /* long is the same size here */
        put_number(o, s, v < 0 ? 0u - (unsigned)v : (unsigned)v, 10, false, v < 0 ? "-" : "");
    } else if (c == 'u' || c == 'x' || c == 'X') {
        put_number(o, s, va_arg(*ap, unsigned), c == 'u' ? 10 : 16, c == 'X', "");
    } else if (c == 'p') {
        put_number(o, s, (uint32_t)va_arg(*ap, void *), 16, false, "0x");
    } else if (c == 's') {
        put_string(o, s, va_arg(*ap, const char *));
    } else if (c == 'c') {
        char ch = (char)va_arg(*ap, int);
        spec plain = *s;
        plain.pad = ' ';
        put_field(o, &plain, "", &ch, 1);
    } else if (c == '%') {
        put(o, '%');
    } else {
        return false;
    }
    return true;
}

/* Parses flags, width and 'l' at *fmt; returns the conversion character. */
static char parse_spec(const char **fmt, spec *s)
{
    const char *p = *fmt;
    *s = (spec){false, ' ', 0};
    for (; *p == '-' || *p == '0'; p++) {
        s->left |= *p == '-';
        s->pad = *p == '0' ? '0' : s->pad;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        s->width = s->width * 10 + (unsigned)(*p - '0');
    }
    while (*p == 'l') {
        p++; /* long is 32 bits here */
    }
    *fmt = *p != '\0' ? p + 1 : p;
    return *p;
}

int vprintf(const char *fmt, va_list ap)
{
    out o = {.status = TOCK_OK};
    va_list args;
    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        spec s;
        char c = parse_spec(&fmt, &s);
        if (c != '\0' && !convert(&o, &s, c, &args)) {
            put(&o, '%'); /* unknown conversion: show it as written */
            put(&o, c);
        }
    }
    va_end(args);
    flush(&o);
    return o.status == TOCK_OK ? o.total : o.status;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
