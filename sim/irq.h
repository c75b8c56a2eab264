/* An interrupt line as a value: a device is handed one and raises or lowers
 * it without knowing what is on the other end (the NVIC, a test probe). */
#ifndef BULWARK_IRQ_H
#define BULWARK_IRQ_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*irq_set_fn)(void *ctx, int line, bool level);

typedef struct irq_line {
    irq_set_fn set; /* NULL: not connected, raising it does nothing */
    void *ctx;
    int line;
} irq_line;

static inline void irq_set_level(irq_line l, bool level)
{
    if (l.set != NULL) {
        l.set(l.ctx, l.line, level);
    }
}

/* A one-shot request: pends the interrupt once (edge), as for SysTick. */
static inline void irq_pulse(irq_line l)
{
    irq_set_level(l, true);
    irq_set_level(l, false);
}

#endif
