/* SysTick, the Armv7-M system timer (Armv7-M ARM B3.3), at 0xE000E010.
 *
 *   0x0 CSR    [0] ENABLE [1] TICKINT [2] CLKSOURCE (1 = core clock)
 *              [16] COUNTFLAG: set on each 1 -> 0 step, cleared by a read
 *                   of CSR and by any write to CVR
 *   0x4 RVR    [23:0] reload value
 *   0x8 CVR    [23:0] current value; any write clears it and COUNTFLAG
 *   0xC CALIB  [31] NOREF [30] SKEW [23:0] TENMS (read-only)
 *
 * Reset values (the architecture leaves RVR and CVR UNKNOWN; we use 0, as
 * QEMU does): CSR = 0, or 0x4 when there is no reference clock (ref_hz = 0:
 * CLKSOURCE then reads as one and ignores writes, and CALIB.NOREF is set);
 * RVR = 0; CVR = 0.
 *
 * The counter decrements on each clock of the selected source while ENABLE
 * is set.  Stepping from 1 to 0 sets COUNTFLAG and, with TICKINT, pulses
 * the exception line; the clock after it reaches 0 reloads RVR, so the
 * period is RVR + 1 clocks and RVR = 0 holds the counter at 0.  Setting
 * ENABLE continues from the current CVR (hence the usual sequence: write
 * RVR, write CVR, then enable).
 *
 * CALIB.TENMS = ref_hz / 100 - 1 (0 if that does not fit in 24 bits); SKEW
 * is set when TENMS + 1 reference clocks are not exactly 10 ms, which is
 * what QEMU reports too.
 *
 * Nothing is ticked: CVR is (value at sync_tick, sync_tick) in ticks of the
 * selected clock counted from cycle 0, and one event is scheduled for the
 * next 1 -> 0 step while ENABLE and TICKINT are set. */
#include <assert.h>
#include <stdlib.h>

#include "downcounter.h"
#include "periph.h"

#define SYSTICK_BASE 0xE000E010u
#define SYSTICK_SIZE 0x10u

#define R_CSR   0x0u
#define R_RVR   0x4u
#define R_CVR   0x8u
#define R_CALIB 0xCu

#define CSR_ENABLE    (1u << 0)
#define CSR_TICKINT   (1u << 1)
#define CSR_CLKSOURCE (1u << 2)
#define CSR_COUNTFLAG (1u << 16)
#define CSR_RW_MASK   0x7u

#define CALIB_NOREF  (1u << 31)
#define CALIB_SKEW   (1u << 30)
#define COUNTER_MASK 0xFFFFFFu

struct systick {
    const vclock *clk;
    uint64_t ref_hz;
    irq_line exception;

    uint32_t csr; /* ENABLE, TICKINT, CLKSOURCE */
    bool countflag;
    uint32_t rvr;
    uint32_t cvr;       /* CVR at sync_tick */
    uint64_t sync_tick; /* ticks of the selected clock since cycle 0 */
    uint64_t wrap_tick;
    struct event wrap;
};

static uint32_t lane(uint32_t word, uint32_t offset, unsigned size)
{
    word >>= 8u * (offset & 3u);
    return size >= 4 ? word : word & ((1u << (8u * size)) - 1u);
}

/* ---- selected clock <-> core cycles ----------------------------------- */

static uint64_t rate(const systick *s)
{
    return (s->csr & CSR_CLKSOURCE) ? s->clk->hz : s->ref_hz;
}

static uint64_t tick_at(const systick *s, uint64_t cycle)
{
    return downcounter_tick_at(cycle, s->clk->hz, rate(s));
}

static uint64_t cycle_of(const systick *s, uint64_t tick)
{
    return downcounter_cycle_of(tick, s->clk->hz, rate(s));
}

/* ---- the counter ------------------------------------------------------ */

static void settle_to(systick *s, uint64_t tick)
{
    if (tick <= s->sync_tick) {
        return;
    }
    if ((s->csr & CSR_ENABLE) && downcounter_advance(&s->cvr, s->rvr, tick - s->sync_tick)) {
        s->countflag = true;
        if (s->csr & CSR_TICKINT) {
            irq_pulse(s->exception);
        }
    }
    s->sync_tick = tick;
}

static void settle(systick *s)
{
    settle_to(s, tick_at(s, vclock_now(s->clk)));
}

static void schedule(systick *s)
{
    uint64_t wrap_tick = downcounter_next_wrap(s->cvr, s->rvr, s->sync_tick);
    bool armed = (s->csr & (CSR_ENABLE | CSR_TICKINT)) == (CSR_ENABLE | CSR_TICKINT);
    if (!armed || wrap_tick == DOWNCOUNTER_NEVER) {
        evq_cancel(s->clk->events, &s->wrap);
        return;
    }
    s->wrap_tick = wrap_tick;
    evq_schedule(s->clk->events, &s->wrap, cycle_of(s, s->wrap_tick));
}

static void wrapped(void *ctx, uint64_t when)
{
    systick *s = ctx;
    (void)when;
    settle_to(s, s->wrap_tick);
    schedule(s);
}

/* ---- registers -------------------------------------------------------- */

static uint32_t calib(const systick *s)
{
    if (s->ref_hz == 0) {
        return CALIB_NOREF;
    }
    uint64_t tenms = s->ref_hz / 100;
    if (tenms == 0 || tenms - 1 > COUNTER_MASK) {
        return CALIB_SKEW; /* TENMS = 0: not known */
    }
    return (uint32_t)(tenms - 1) | (s->ref_hz % 100 ? CALIB_SKEW : 0);
}

static uint32_t read_csr(systick *s)
{
    uint32_t v = s->csr | (s->countflag ? CSR_COUNTFLAG : 0);
    s->countflag = false;
    return v;
}

static uint32_t systick_read(void *dev, uint32_t offset, unsigned size)
{
    systick *s = dev;
    uint32_t v = 0;
    settle(s);
    switch (offset & ~3u) {
    case R_CSR:
        v = read_csr(s);
        break;
    case R_RVR:
        v = s->rvr;
        break;
    case R_CVR:
        v = s->cvr;
        break;
    case R_CALIB:
        v = calib(s);
        break;
    }
    schedule(s);
    return lane(v, offset, size);
}

static void write_csr(systick *s, uint32_t value)
{
    uint32_t old = s->csr;
    s->csr = value & CSR_RW_MASK;
    if (s->ref_hz == 0) {
        s->csr |= CSR_CLKSOURCE;
    }
    if ((old ^ s->csr) & CSR_CLKSOURCE) {
        /* Count the new clock from now on. */
        s->sync_tick = tick_at(s, vclock_now(s->clk));
    }
}

static void systick_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    systick *s = dev;
    (void)size;
    settle(s);
    switch (offset) {
    case R_CSR:
        write_csr(s, value);
        break;
    case R_RVR:
        s->rvr = value & COUNTER_MASK;
        break;
    case R_CVR:
        s->cvr = 0;
        s->countflag = false;
        break;
    default:
        break; /* CALIB is read-only */
    }
    schedule(s);
}

static void systick_reset(void *dev)
{
    systick *s = dev;
    evq_cancel(s->clk->events, &s->wrap);
    s->csr = s->ref_hz == 0 ? CSR_CLKSOURCE : 0;
    s->countflag = false;
    s->rvr = 0;
    s->cvr = 0;
    s->sync_tick = tick_at(s, vclock_now(s->clk));
}

static void systick_destroy(void *dev)
{
    systick *s = dev;
    evq_cancel(s->clk->events, &s->wrap);
    free(s);
}

static const device_ops systick_ops = {
    .read = systick_read,
    .write = systick_write,
    .reset = systick_reset,
    .destroy = systick_destroy,
};

systick *systick_create(const vclock *clk, uint64_t ref_hz, irq_line exception)
{
    /* Rates below 2^32 Hz keep the tick arithmetic within 64 bits. */
    assert(clk->hz > 0 && clk->hz <= UINT32_MAX);
    assert(ref_hz <= UINT32_MAX);
    systick *s = calloc(1, sizeof(*s));
    assert(s != NULL);
    s->clk = clk;
    s->ref_hz = ref_hz;
    s->exception = exception;
    s->csr = ref_hz == 0 ? CSR_CLKSOURCE : 0;
    event_init(&s->wrap, wrapped, s);
    return s; /* synchronised to cycle 0 */
}

device systick_device(systick *s)
{
    return (device){
        .name = "systick",
        .base = SYSTICK_BASE,
        .size = SYSTICK_SIZE,
        .widths = DEV_W32,
        .ops = &systick_ops,
        .state = s,
    };
}
