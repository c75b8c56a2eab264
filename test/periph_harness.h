/* Harness shared by the peripheral model tests: a clock we move by hand over
 * a real event queue, the device under test reached through its ops, and an
 * IRQ probe that records rising edges.
 *
 * The state is `static` on purpose: each test program includes this header
 * once and gets its own copy. */
#ifndef BULWARK_TEST_PERIPH_HARNESS_H
#define BULWARK_TEST_PERIPH_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "periph.h"

static uint64_t now; /* the cycle the models see; tests set it directly */
static evq *q;
static vclock clk;
static device dev; /* the model under test; harness_teardown() destroys it */

static inline uint64_t harness_now(void *ctx)
{
    (void)ctx;
    return now;
}

/* Start each test at cycle 0 on an empty queue, with the core at `core_hz`. */
static inline void harness_setup(uint64_t core_hz)
{
    now = 0;
    q = evq_create();
    clk = (vclock){.now = harness_now, .ctx = NULL, .events = q, .hz = core_hz};
}

static inline void harness_teardown(void)
{
    dev.ops->destroy(dev.state);
    ck_assert_uint_eq(evq_size(q), 0); /* destroy cancelled everything */
    evq_destroy(q);
}

/* Run every event up to `t`, with the clock at each event's own cycle. */
static inline void run_until(uint64_t t)
{
    while (evq_next(q) <= t) {
        now = evq_next(q);
        evq_run_due(q, now);
    }
    now = t;
}

static inline uint32_t rd(uint32_t off)
{
    return dev.ops->read(dev.state, off, 4);
}

static inline void wr(uint32_t off, uint32_t v)
{
    dev.ops->write(dev.state, off, v, 4);
}

/* An IRQ line's far end: counts rising edges and notes the last one's cycle. */
struct probe {
    bool level;
    int rises;
    uint64_t last_rise;
};

static inline void probe_set(void *ctx, int line, bool level)
{
    struct probe *p = ctx;
    (void)line;
    if (level && !p->level) {
        p->rises++;
        p->last_rise = now;
    }
    p->level = level;
}

#endif
