/* CMSDK APB timer (Arm DDI0479C, "APB timer"), as on MPS2 AN385/AN386.
 *
 *   0x000 CTRL       [0] EN [1] external input as enable
 *                    [2] external input as clock [3] INTEN
 *   0x004 VALUE      down counter, decremented every PCLK while enabled
 *   0x008 RELOAD     loaded into VALUE on the PCLK after VALUE is 0
 *   0x00C INTSTATUS  R: [0] interrupt  W: INTCLEAR (write 1 to clear)
 *   0xFD0-0xFFC      PID4..7, PID0..3, CID0..3
 *
 * As in the RTL: INTSTATUS is set when VALUE steps from 1 to 0 while INTEN
 * is set (so the period is RELOAD + 1 PCLKs, and RELOAD = 0 never
 * interrupts); TIMERINT is INTSTATUS itself, a level held until cleared.
 *
 * The EXTIN pin is not connected on the boards we model, so it reads as
 * low: a timer with bit 1 (external enable) or bit 2 (external clock) set
 * does not count.
 *
 * Time is never ticked: VALUE is kept as (value at sync_tick, sync_tick) in
 * PCLK ticks counted from cycle 0, brought up to date on every register
 * access, and one event is scheduled for the next 1 -> 0 step when the
 * interrupt is enabled. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "downcounter.h"
#include "periph.h"

#define TIMER_SIZE 0x1000u

#define R_CTRL      0x000u
#define R_VALUE     0x004u
#define R_RELOAD    0x008u
#define R_INTSTATUS 0x00Cu
#define R_PID4      0xFD0u
#define R_CID3      0xFFCu

#define CTRL_EN     (1u << 0)
#define CTRL_EXTEN  (1u << 1)
#define CTRL_EXTCLK (1u << 2)
#define CTRL_INTEN  (1u << 3)
#define CTRL_MASK   0xFu

/* PID4..PID7, PID0..PID3, CID0..CID3: part number 0x822. */
static const uint8_t timer_id[12] = {0x04, 0x00, 0x00, 0x00, 0x22, 0xB8,
                                     0x1B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

struct cmsdk_timer {
    char name[32];
    uint32_t base;
    const vclock *clk;
    uint64_t pclk_hz;
    irq_line irq;
    bool irq_level;

    uint32_t ctrl, reload, intstatus;
    uint32_t value;     /* VALUE at sync_tick */
    uint64_t sync_tick; /* PCLK ticks since cycle 0 */
    uint64_t wrap_tick; /* tick of the scheduled 1 -> 0 step */
    struct event wrap;
};

static uint32_t lane(uint32_t word, uint32_t offset, unsigned size)
{
    word >>= 8u * (offset & 3u);
    return size >= 4 ? word : word & ((1u << (8u * size)) - 1u);
}

/* ---- PCLK <-> core cycles, exact integer arithmetic -------------------- */

static uint64_t tick_at(const cmsdk_timer *t, uint64_t cycle)
{
    return downcounter_tick_at(cycle, t->clk->hz, t->pclk_hz);
}

static uint64_t cycle_of(const cmsdk_timer *t, uint64_t tick)
{
    return downcounter_cycle_of(tick, t->clk->hz, t->pclk_hz);
}

/* ---- the reload counter ----------------------------------------------- */

static bool counting(const cmsdk_timer *t)
{
    /* EXTIN reads low: external enable/clock modes never count. */
    return (t->ctrl & (CTRL_EN | CTRL_EXTEN | CTRL_EXTCLK)) == CTRL_EN;
}

static void settle_to(cmsdk_timer *t, uint64_t tick)
{
    if (tick <= t->sync_tick) {
        return;
    }
    if (counting(t) && downcounter_advance(&t->value, t->reload, tick - t->sync_tick) &&
        (t->ctrl & CTRL_INTEN)) {
        t->intstatus = 1;
    }
    t->sync_tick = tick;
}

static void settle(cmsdk_timer *t)
{
    settle_to(t, tick_at(t, vclock_now(t->clk)));
}

static void update_irq(cmsdk_timer *t)
{
    bool level = t->intstatus != 0;
    if (level != t->irq_level) {
        t->irq_level = level;
        irq_set_level(t->irq, level);
    }
}

static void schedule(cmsdk_timer *t)
{
    uint64_t wrap_tick = downcounter_next_wrap(t->value, t->reload, t->sync_tick);
    if (!counting(t) || !(t->ctrl & CTRL_INTEN) || wrap_tick == DOWNCOUNTER_NEVER) {
        evq_cancel(t->clk->events, &t->wrap);
        return;
    }
    t->wrap_tick = wrap_tick;
    evq_schedule(t->clk->events, &t->wrap, cycle_of(t, t->wrap_tick));
}

static void wrapped(void *ctx, uint64_t when)
{
    cmsdk_timer *t = ctx;
    (void)when;
    settle_to(t, t->wrap_tick);
    update_irq(t);
    schedule(t);
}

/* ---- registers -------------------------------------------------------- */

static uint32_t timer_read_reg(const cmsdk_timer *t, uint32_t reg)
{
    switch (reg) {
    case R_CTRL:
        return t->ctrl;
    case R_VALUE:
        return t->value;
    case R_RELOAD:
        return t->reload;
    case R_INTSTATUS:
        return t->intstatus;
    default:
        if (reg >= R_PID4 && reg <= R_CID3) {
            return timer_id[(reg - R_PID4) / 4];
        }
        return 0;
    }
}

static uint32_t timer_read(void *dev, uint32_t offset, unsigned size)
{
    cmsdk_timer *t = dev;
    settle(t);
    update_irq(t);
    schedule(t);
    return lane(timer_read_reg(t, offset & ~3u), offset, size);
}

static void timer_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    cmsdk_timer *t = dev;
    (void)size;
    settle(t);
    switch (offset) {
    case R_CTRL:
        t->ctrl = value & CTRL_MASK;
        break;
    case R_VALUE:
        t->value = value;
        break;
    case R_RELOAD:
        t->reload = value;
        break;
    case R_INTSTATUS:
        if (value & 1u) {
            t->intstatus = 0;
        }
        break;
    default:
        break; /* ID registers are read-only; the rest is reserved */
    }
    update_irq(t);
    schedule(t);
}

static void timer_reset(void *dev)
{
    cmsdk_timer *t = dev;
    evq_cancel(t->clk->events, &t->wrap);
    t->ctrl = 0;
    t->reload = 0;
    t->value = 0;
    t->intstatus = 0;
    t->sync_tick = tick_at(t, vclock_now(t->clk));
    update_irq(t);
}

static void timer_destroy(void *dev)
{
    cmsdk_timer *t = dev;
    evq_cancel(t->clk->events, &t->wrap);
    free(t);
}

static const device_ops timer_ops = {
    .read = timer_read,
    .write = timer_write,
    .reset = timer_reset,
    .destroy = timer_destroy,
};

cmsdk_timer *cmsdk_timer_create(const char *name, uint32_t base, const vclock *clk,
                                uint64_t pclk_hz, irq_line irq)
{
    pclk_hz = downcounter_pclk(clk->hz, pclk_hz);
    cmsdk_timer *t = calloc(1, sizeof(*t));
    assert(t != NULL);
    snprintf(t->name, sizeof(t->name), "%s", name);
    t->base = base;
    t->clk = clk;
    t->pclk_hz = pclk_hz;
    t->irq = irq;
    event_init(&t->wrap, wrapped, t);
    return t; /* reset state: all zero, synchronised to cycle 0 */
}

device cmsdk_timer_device(cmsdk_timer *t)
{
    return (device){
        .name = t->name,
        .base = t->base,
        .size = TIMER_SIZE,
        .widths = DEV_WALL,
        .ops = &timer_ops,
        .state = t,
    };
}
