/* Console driver (0x1): formatted output and line input over the kernel's
 * virtualised UART0 console. */
#ifndef BULWARK_CONSOLE_H
#define BULWARK_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

/* Writes len bytes (buf may be in flash or RAM: it is copied to a RAM buffer
 * first); returns len or a negative TOCK_E* status. */
int console_write(const char *buf, size_t len);
int console_puts(const char *s); /* no newline added */

/* Reads up to len bytes into buf (RAM) and waits until the kernel reports
 * the read done; returns the byte count or a negative TOCK_E* status. */
int console_read(char *buf, size_t len);

/* printf with %s %d %i %u %x %X %c %p %%, flags '-' and '0', a width, and
 * an ignored 'l'.  Returns the bytes written or a negative status. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
