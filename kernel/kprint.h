/* Kernel output on the console.  Every kernel line starts with "[kernel] "
 * (kernel/ABI.md, "Kernel output"); klog() adds that prefix and the newline.
 * Formats: %s %.*s %c %u %d %x %X with the flags '-' and '0' and a width
 * (%08x, %-12s), and %% — all on 32-bit values. */
#ifndef BULWARK_KPRINT_H
#define BULWARK_KPRINT_H

#include <stdarg.h>

#define KLOG_PREFIX "[kernel] "

/* No printf format checking: every number is a 32-bit value, which the
 * target spells `unsigned long` (uint32_t) and the host `unsigned int`. */
void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);
void klog(const char *fmt, ...);

#endif
