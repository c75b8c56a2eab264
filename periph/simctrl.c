/* Bulwark simulation control: a Bulwark-only device (no hardware has it) that
 * lets firmware end the run and read the model's cycle counter.  It sits at
 * 0x4002E000 on both boards; 32-bit accesses only.
 *
 *   0x000 ID         R   SIMCTRL_ID_VALUE, 0x42554C57 ("BULW")
 *   0x004 EXIT       W   end the run; the value is the exit code (reads 0)
 *   0x008 CYCLES_LO  R   model cycle counter bits [31:0]; reading it latches
 *                        bits [63:32] for CYCLES_HI
 *   0x00C CYCLES_HI  R   bits [63:32] latched by the last CYCLES_LO read
 *   all other offsets up to 0xFFF: read as zero, writes ignored
 *
 * Reading LO then HI gives a consistent 64-bit value even if the counter
 * carries between the two reads.  Reset clears the latch. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "periph.h"

#define SIMCTRL_SIZE 0x1000u

#define R_ID        0x000u
#define R_EXIT      0x004u
#define R_CYCLES_LO 0x008u
#define R_CYCLES_HI 0x00Cu

struct simctrl {
    char name[32];
    uint32_t base;
    const vclock *clk;
    simctrl_host host;
    uint32_t cycles_hi; /* latched by a CYCLES_LO read */
};

static uint32_t simctrl_read(void *dev, uint32_t offset, unsigned size)
{
    simctrl *s = dev;
    (void)size;
    switch (offset) {
    case R_ID:
        return SIMCTRL_ID_VALUE;
    case R_CYCLES_LO: {
        uint64_t now = vclock_now(s->clk);
        s->cycles_hi = (uint32_t)(now >> 32);
        return (uint32_t)now;
    }
    case R_CYCLES_HI:
        return s->cycles_hi;
    default:
        return 0;
    }
}

static void simctrl_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    simctrl *s = dev;
    (void)size;
    if (offset == R_EXIT && s->host.exit != NULL) {
        s->host.exit(s->host.ctx, value);
    }
}

static void simctrl_reset(void *dev)
{
    simctrl *s = dev;
    s->cycles_hi = 0;
}

static void simctrl_destroy(void *dev)
{
    free(dev);
}

static const device_ops simctrl_ops = {
    .read = simctrl_read,
    .write = simctrl_write,
    .reset = simctrl_reset,
    .destroy = simctrl_destroy,
};

simctrl *simctrl_create(const char *name, uint32_t base, const vclock *clk, simctrl_host host)
{
    simctrl *s = calloc(1, sizeof(*s));
    assert(s != NULL);
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->base = base;
    s->clk = clk;
    s->host = host;
    return s;
}

device simctrl_device(simctrl *s)
{
    return (device){
        .name = s->name,
        .base = s->base,
        .size = SIMCTRL_SIZE,
        .widths = DEV_W32,
        .ops = &simctrl_ops,
        .state = s,
    };
}
