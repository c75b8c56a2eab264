/* MPS2 FPGA IO block (Arm AN385/AN386 "FPGA system control and I/O"; QEMU
 * hw/misc/mps2-fpgaio.c is the reference for the counters).
 *
 *   0x000 LED0      [num_leds-1:0] user LEDs, read/write
 *   0x008 BUTTON    [num_buttons-1:0] user push buttons, read-only, 1 = pressed
 *   0x010 CLK1HZ    counts up at 1 Hz; writable
 *   0x014 CLK100HZ  counts up at 100 Hz; writable
 *   0x018 COUNTER   increments each time PSCNTR reloads; writable
 *   0x01C PRESCALE  reload value of PSCNTR
 *   0x020 PSCNTR    counts down at the core clock from PRESCALE; writable
 *   0x028 SWITCH    user switches, read-only (see below)
 *   0x04C MISC      board control bits (SPI, CLCD chip selects); read back as
 *                   written, no effect
 *   everything else: read as zero, writes ignored
 *
 * AN385/AN386 have no SWITCH register in this block (their switches are
 * read through the SCC/MCC).  We put the switches at 0x028, where the same
 * FPGA IO block of the later MPS2 images (AN505 and after) has its SWITCH
 * register, rather than mixing them into MISC, whose bits read back as
 * written.  QEMU's AN386 reads 0x028 as zero, so firmware that leaves the
 * switches alone sees the same value on both.
 *
 * PSCNTR and COUNTER follow QEMU: PSCNTR steps down once per core cycle;
 * one cycle after it reaches 0 it reloads PRESCALE and COUNTER increments
 * (with PRESCALE = 0, COUNTER increments every cycle).  All counters are
 * computed from elapsed cycles when read; the block schedules no events.
 *
 * Reset: LED0, MISC, PRESCALE, PSCNTR, COUNTER, CLK1HZ, CLK100HZ = 0.  The
 * buttons and switches are physical inputs driven by the host and keep
 * their state across a reset. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "periph.h"

#define FPGAIO_SIZE      0x1000u
#define FPGAIO_MAX_LINES 32u

#define R_LED0     0x000u
#define R_BUTTON   0x008u
#define R_CLK1HZ   0x010u
#define R_CLK100HZ 0x014u
#define R_COUNTER  0x018u
#define R_PRESCALE 0x01Cu
#define R_PSCNTR   0x020u
#define R_SWITCH   0x028u
#define R_MISC     0x04Cu

/* An up counter at `hz`, anchored at a cycle where it held `start`. */
struct slow_counter {
    uint32_t start;
    uint64_t sync;
};

struct fpgaio {
    char name[32];
    uint32_t base;
    const vclock *clk;
    uint32_t led_mask, button_mask;
    fpgaio_observer obs;

    uint32_t leds, buttons, switches, misc;
    struct slow_counter clk1hz, clk100hz;
    uint32_t prescale, pscntr, counter;
    uint64_t ps_sync; /* cycle up to which pscntr/counter are current */
};

static uint32_t low_bits(unsigned n)
{
    return n >= 32 ? UINT32_MAX : (1u << n) - 1u;
}

/* ---- counters --------------------------------------------------------- */

static uint32_t slow_read(const fpgaio *f, const struct slow_counter *c, uint64_t hz)
{
    uint64_t d = vclock_now(f->clk) - c->sync, core = f->clk->hz;
    uint64_t ticks = d / core * hz + d % core * hz / core;
    return c->start + (uint32_t)ticks;
}

static void slow_write(const fpgaio *f, struct slow_counter *c, uint32_t value)
{
    c->start = value;
    c->sync = vclock_now(f->clk);
}

/* Bring PSCNTR and COUNTER up to the current cycle. */
static void resync_prescaler(fpgaio *f)
{
    uint64_t now = vclock_now(f->clk);
    uint64_t ticks = now - f->ps_sync;
    f->ps_sync = now;
    if (ticks == 0) {
        return;
    }
    if (ticks < f->pscntr) {
        f->pscntr -= (uint32_t)ticks;
    } else if (f->prescale == 0) {
        f->counter += (uint32_t)(ticks - f->pscntr);
        f->pscntr = 0;
    } else {
        /* Ticks since PSCNTR last held PRESCALE, counting a virtual start
         * PRESCALE - PSCNTR ticks before the real one. */
        uint64_t y = ticks - f->pscntr + f->prescale;
        uint64_t period = (uint64_t)f->prescale + 1;
        f->pscntr = f->prescale - (uint32_t)(y % period);
        f->counter += (uint32_t)(y / period);
    }
}

/* ---- LEDs, buttons, switches ------------------------------------------ */

static void set_leds(fpgaio *f, uint32_t value)
{
    value &= f->led_mask;
    if (value == f->leds) {
        return;
    }
    f->leds = value;
    if (f->obs.leds_changed != NULL) {
        f->obs.leds_changed(f->obs.ctx, value, vclock_now(f->clk));
    }
}

void fpgaio_set_button(fpgaio *f, unsigned index, bool pressed)
{
    if (index >= FPGAIO_MAX_LINES || !(f->button_mask & (1u << index))) {
        return; /* no such button on this board */
    }
    if (pressed) {
        f->buttons |= 1u << index;
    } else {
        f->buttons &= ~(1u << index);
    }
}

void fpgaio_set_switches(fpgaio *f, uint32_t switches)
{
    f->switches = switches;
}

uint32_t fpgaio_leds(const fpgaio *f)
{
    return f->leds;
}

/* ---- registers -------------------------------------------------------- */

static uint32_t fpgaio_read_reg(fpgaio *f, uint32_t reg)
{
    switch (reg) {
    case R_LED0:
        return f->leds;
    case R_BUTTON:
        return f->buttons;
    case R_CLK1HZ:
        return slow_read(f, &f->clk1hz, 1);
    case R_CLK100HZ:
        return slow_read(f, &f->clk100hz, 100);
    case R_COUNTER:
        resync_prescaler(f);
        return f->counter;
    case R_PRESCALE:
        return f->prescale;
    case R_PSCNTR:
        resync_prescaler(f);
        return f->pscntr;
    case R_SWITCH:
        return f->switches;
    case R_MISC:
        return f->misc;
    default:
        return 0;
    }
}

static uint32_t fpgaio_read(void *dev, uint32_t offset, unsigned size)
{
    uint32_t v = fpgaio_read_reg(dev, offset & ~3u) >> (8u * (offset & 3u));
    return size >= 4 ? v : v & ((1u << (8u * size)) - 1u);
}

static void fpgaio_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    fpgaio *f = dev;
    (void)size;
    switch (offset) {
    case R_LED0:
        set_leds(f, value);
        break;
    case R_CLK1HZ:
        slow_write(f, &f->clk1hz, value);
        break;
    case R_CLK100HZ:
        slow_write(f, &f->clk100hz, value);
        break;
    case R_COUNTER:
        resync_prescaler(f);
        f->counter = value;
        break;
    case R_PRESCALE:
        resync_prescaler(f);
        f->prescale = value;
        break;
    case R_PSCNTR:
        resync_prescaler(f);
        f->pscntr = value;
        break;
    case R_MISC:
        f->misc = value;
        break;
    default:
        break; /* BUTTON and SWITCH are read-only; the rest is reserved */
    }
}

static void fpgaio_reset(void *dev)
{
    fpgaio *f = dev;
    uint64_t now = vclock_now(f->clk);
    set_leds(f, 0);
    f->misc = 0;
    f->prescale = 0;
    f->pscntr = 0;
    f->counter = 0;
    f->ps_sync = now;
    f->clk1hz = (struct slow_counter){.start = 0, .sync = now};
    f->clk100hz = (struct slow_counter){.start = 0, .sync = now};
}

static void fpgaio_destroy(void *dev)
{
    free(dev);
}

static const device_ops fpgaio_ops = {
    .read = fpgaio_read,
    .write = fpgaio_write,
    .reset = fpgaio_reset,
    .destroy = fpgaio_destroy,
};

fpgaio *fpgaio_create(const char *name, uint32_t base, const vclock *clk, unsigned num_leds,
                      unsigned num_buttons, fpgaio_observer obs)
{
    assert(num_leds <= FPGAIO_MAX_LINES && num_buttons <= FPGAIO_MAX_LINES);
    assert(clk->hz > 0 && clk->hz <= UINT32_MAX);
    fpgaio *f = calloc(1, sizeof(*f));
    assert(f != NULL);
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->base = base;
    f->clk = clk;
    f->led_mask = low_bits(num_leds);
    f->button_mask = low_bits(num_buttons);
    f->obs = obs;
    return f; /* reset state, synchronised to cycle 0 */
}

device fpgaio_device(fpgaio *f)
{
    return (device){
        .name = f->name,
        .base = f->base,
        .size = FPGAIO_SIZE,
        .widths = DEV_WALL,
        .ops = &fpgaio_ops,
        .state = f,
    };
}
