/* What a device sees of virtual time: the current cycle (exact to the
 * instruction when asked from a register access), the core clock rate, and
 * the event queue to schedule its own work on. */
#ifndef BULWARK_VCLOCK_H
#define BULWARK_VCLOCK_H

#include <stdint.h>

#include "evq.h"

typedef struct vclock {
    uint64_t (*now)(void *ctx);
    void *ctx;
    evq *events;
    uint64_t hz; /* core clock in Hz */
} vclock;

static inline uint64_t vclock_now(const vclock *c)
{
    return c->now(c->ctx);
}

#endif
