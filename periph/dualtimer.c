/* CMSDK APB dual timer (Arm DDI0479C, "APB dual-input timers"; an SP804),
 * as on MPS2 AN385/AN386.  Two identical counters, Timer1 at 0x00 and
 * Timer2 at 0x20:
 *
 *   +0x00 Load     write: reload value, and the counter restarts from it
 *   +0x04 Value    current count (read-only)
 *   +0x08 Control  [0] one-shot [1] 32-bit [3:2] prescale 1/16/256 (3 acts
 *                  as 256) [5] IntEnable [6] periodic [7] enable
 *   +0x0C IntClr   write: clear the interrupt
 *   +0x10 RIS      raw interrupt status
 *   +0x14 MIS      RIS & IntEnable
 *   +0x18 BGLoad   reload value, without restarting the counter
 *   0xF00 ITCR     [0] integration test mode: the output is driven by ITOP
 *   0xF04 ITOP     [0] Timer1 output [1] Timer2 output (write-only)
 *   0xFD0-0xFFC    PID4..7, PID0..3, CID0..3 (part number 0x823)
 *
 * The counter steps down once per prescaled PCLK while enabled.  Stepping
 * from 1 to 0 sets RIS; on the next step a periodic counter reloads Load, a
 * free-running one wraps to 0xFFFF / 0xFFFFFFFF, and a one-shot counter
 * stays at 0 until Load is written.  As in QEMU, the period is therefore
 * Load + 1 steps, and in 16-bit mode Value's upper half keeps the upper half
 * of the last loaded value.  The one irq line is TIMINTC, the OR of both
 * MIS bits.  Reset: Control = 0x20, Load = 0, Value = 0xFFFFFFFF.
 *
 * Counts are computed from elapsed prescaled ticks (counted from cycle 0),
 * and one event per counter is scheduled for its next 1 -> 0 step while its
 * interrupt is enabled. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "downcounter.h"
#include "periph.h"

#define DUALTIMER_SIZE 0x1000u
#define MODULE_STRIDE  0x20u

#define R_LOAD    0x00u
#define R_VALUE   0x04u
#define R_CONTROL 0x08u
#define R_INTCLR  0x0Cu
#define R_RIS     0x10u
#define R_MIS     0x14u
#define R_BGLOAD  0x18u
#define R_ITCR    0xF00u
#define R_ITOP    0xF04u
#define R_PID4    0xFD0u
#define R_CID3    0xFFCu

#define CTL_ONESHOT        (1u << 0)
#define CTL_SIZE32         (1u << 1)
#define CTL_PRESCALE_SHIFT 2
#define CTL_INTEN          (1u << 5)
#define CTL_PERIODIC       (1u << 6)
#define CTL_ENABLE         (1u << 7)
#define CTL_MASK           0xEFu

/* PID4..PID7, PID0..PID3, CID0..CID3. */
static const uint8_t dualtimer_id[12] = {0x04, 0x00, 0x00, 0x00, 0x23, 0xB8,
                                         0x1B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

struct dt_module {
    struct cmsdk_dualtimer *owner;
    uint32_t ctrl, load;
    bool ris;
    uint32_t count;     /* counter (16 or 32 bits) at sync_tick */
    uint32_t value_hi;  /* upper half of Value in 16-bit mode */
    uint64_t sync_tick; /* prescaled ticks since cycle 0 */
    uint64_t wrap_tick;
    struct event wrap;
};

struct cmsdk_dualtimer {
    char name[32];
    uint32_t base;
    const vclock *clk;
    uint64_t pclk_hz;
    irq_line irq;
    bool irq_level;
    bool itcr;
    uint32_t itop;
    struct dt_module mod[2];
};

/* ---- clocks ----------------------------------------------------------- */

static uint64_t divisor(const struct dt_module *m)
{
    static const uint64_t div[4] = {1, 16, 256, 256};
    return div[(m->ctrl >> CTL_PRESCALE_SHIFT) & 3u];
}

static uint64_t tick_at(const struct dt_module *m, uint64_t cycle)
{
    const cmsdk_dualtimer *t = m->owner;
    return downcounter_tick_at(cycle, t->clk->hz, t->pclk_hz) / divisor(m);
}

static uint64_t cycle_of(const struct dt_module *m, uint64_t tick)
{
    const cmsdk_dualtimer *t = m->owner;
    return downcounter_cycle_of(tick * divisor(m), t->clk->hz, t->pclk_hz);
}

static uint64_t now_tick(const struct dt_module *m)
{
    return tick_at(m, vclock_now(m->owner->clk));
}

/* ---- one counter ------------------------------------------------------ */

static uint32_t width_mask(const struct dt_module *m)
{
    return (m->ctrl & CTL_SIZE32) ? UINT32_MAX : 0xFFFFu;
}

/* What the step after 0 loads: a one-shot counter stays at 0, which is what
 * a reload of 0 does. */
static uint32_t reload_value(const struct dt_module *m)
{
    if (m->ctrl & CTL_ONESHOT) {
        return 0;
    }
    return (m->ctrl & CTL_PERIODIC) ? m->load & width_mask(m) : width_mask(m);
}

static void settle_to(struct dt_module *m, uint64_t tick)
{
    if (tick <= m->sync_tick) {
        return;
    }
    if ((m->ctrl & CTL_ENABLE) &&
        downcounter_advance(&m->count, reload_value(m), tick - m->sync_tick)) {
        m->ris = true;
    }
    m->sync_tick = tick;
}

static bool masked(const struct dt_module *m)
{
    return m->ris && (m->ctrl & CTL_INTEN);
}

static void update_irq(cmsdk_dualtimer *t)
{
    bool level = t->itcr ? t->itop != 0 : masked(&t->mod[0]) || masked(&t->mod[1]);
    if (level != t->irq_level) {
        t->irq_level = level;
        irq_set_level(t->irq, level);
    }
}

static void schedule(struct dt_module *m)
{
    evq *q = m->owner->clk->events;
    uint64_t wrap_tick = downcounter_next_wrap(m->count, reload_value(m), m->sync_tick);
    if (!(m->ctrl & CTL_ENABLE) || !(m->ctrl & CTL_INTEN) || wrap_tick == DOWNCOUNTER_NEVER) {
        evq_cancel(q, &m->wrap);
        return;
    }
    m->wrap_tick = wrap_tick;
    evq_schedule(q, &m->wrap, cycle_of(m, m->wrap_tick));
}

static void wrapped(void *ctx, uint64_t when)
{
    struct dt_module *m = ctx;
    (void)when;
    settle_to(m, m->wrap_tick);
    update_irq(m->owner);
    schedule(m);
}

static void write_control(struct dt_module *m, uint32_t value)
{
    uint32_t old = m->ctrl;
    m->ctrl = value & CTL_MASK;
    if ((old ^ m->ctrl) & CTL_SIZE32) {
        if (m->ctrl & CTL_SIZE32) {
            m->count = m->value_hi << 16 | m->count;
        } else {
            m->value_hi = m->count >> 16;
            m->count &= 0xFFFFu;
        }
    }
    m->sync_tick = now_tick(m); /* the prescaler may have changed */
}

static void write_load(struct dt_module *m, uint32_t value)
{
    m->load = value;
    m->count = value & width_mask(m);
    m->value_hi = value >> 16;
}

static uint32_t read_value(const struct dt_module *m)
{
    if (m->ctrl & CTL_SIZE32) {
        return m->count;
    }
    return m->value_hi << 16 | m->count;
}

/* ---- registers -------------------------------------------------------- */

static uint32_t module_read(struct dt_module *m, uint32_t reg)
{
    settle_to(m, now_tick(m));
    switch (reg) {
    case R_LOAD:
    case R_BGLOAD:
        return m->load;
    case R_VALUE:
        return read_value(m);
    case R_CONTROL:
        return m->ctrl;
    case R_RIS:
        return m->ris;
    case R_MIS:
        return masked(m);
    default:
        return 0;
    }
}

static void module_write(struct dt_module *m, uint32_t reg, uint32_t value)
{
    settle_to(m, now_tick(m));
    switch (reg) {
    case R_LOAD:
        write_load(m, value);
        break;
    case R_BGLOAD:
        m->load = value;
        break;
    case R_CONTROL:
        write_control(m, value);
        break;
    case R_INTCLR:
        m->ris = false;
        break;
    default:
        break;
    }
}

static uint32_t dualtimer_read_reg(cmsdk_dualtimer *t, uint32_t reg)
{
    if (reg < 2 * MODULE_STRIDE) {
        struct dt_module *m = &t->mod[reg / MODULE_STRIDE];
        uint32_t v = module_read(m, reg % MODULE_STRIDE);
        update_irq(t);
        schedule(m);
        return v;
    }
    if (reg == R_ITCR) {
        return t->itcr;
    }
    if (reg >= R_PID4 && reg <= R_CID3) {
        return dualtimer_id[(reg - R_PID4) / 4];
    }
    return 0;
}

static uint32_t dualtimer_read(void *dev, uint32_t offset, unsigned size)
{
    uint32_t v = dualtimer_read_reg(dev, offset & ~3u) >> (8u * (offset & 3u));
    return size >= 4 ? v : v & ((1u << (8u * size)) - 1u);
}

static void dualtimer_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    cmsdk_dualtimer *t = dev;
    (void)size;
    if ((offset & 3u) != 0) {
        return;
    }
    if (offset < 2 * MODULE_STRIDE) {
        struct dt_module *m = &t->mod[offset / MODULE_STRIDE];
        module_write(m, offset % MODULE_STRIDE, value);
        schedule(m);
    } else if (offset == R_ITCR) {
        t->itcr = value & 1u;
    } else if (offset == R_ITOP) {
        t->itop = value & 3u;
    }
    update_irq(t);
}

static void module_reset(struct dt_module *m)
{
    evq_cancel(m->owner->clk->events, &m->wrap);
    m->ctrl = CTL_INTEN;
    m->load = 0;
    m->ris = false;
    m->count = 0xFFFFu;
    m->value_hi = 0xFFFFu;
    m->sync_tick = now_tick(m);
}

static void dualtimer_reset(void *dev)
{
    cmsdk_dualtimer *t = dev;
    module_reset(&t->mod[0]);
    module_reset(&t->mod[1]);
    t->itcr = false;
    t->itop = 0;
    update_irq(t);
}

static void dualtimer_destroy(void *dev)
{
    cmsdk_dualtimer *t = dev;
    evq_cancel(t->clk->events, &t->mod[0].wrap);
    evq_cancel(t->clk->events, &t->mod[1].wrap);
    free(t);
}

static const device_ops dualtimer_ops = {
    .read = dualtimer_read,
    .write = dualtimer_write,
    .reset = dualtimer_reset,
    .destroy = dualtimer_destroy,
};

cmsdk_dualtimer *cmsdk_dualtimer_create(const char *name, uint32_t base, const vclock *clk,
                                        uint64_t pclk_hz, irq_line irq)
{
    pclk_hz = downcounter_pclk(clk->hz, pclk_hz);
    cmsdk_dualtimer *t = calloc(1, sizeof(*t));
    assert(t != NULL);
    snprintf(t->name, sizeof(t->name), "%s", name);
    t->base = base;
    t->clk = clk;
    t->pclk_hz = pclk_hz;
    t->irq = irq;
    for (int i = 0; i < 2; i++) {
        struct dt_module *m = &t->mod[i];
        m->owner = t;
        event_init(&m->wrap, wrapped, m);
        m->ctrl = CTL_INTEN;
        m->count = 0xFFFFu;
        m->value_hi = 0xFFFFu;
    }
    return t; /* reset state, synchronised to cycle 0 */
}

device cmsdk_dualtimer_device(cmsdk_dualtimer *t)
{
    return (device){
        .name = t->name,
        .base = t->base,
        .size = DUALTIMER_SIZE,
        .widths = DEV_WALL,
        .ops = &dualtimer_ops,
        .state = t,
    };
}
