/* Arm CMSDK AHB GPIO (Cortex-M System Design Kit TRM, "AHB GPIO"), 16 pins:
 *
 *   0x000 DATA        read: pin levels; write: DATAOUT
 *   0x004 DATAOUT     output register
 *   0x010/0x014       OUTENSET / OUTENCLR   (read: OUTEN)
 *   0x018/0x01C       ALTFUNCSET / ALTFUNCCLR (read: ALTFUNC; no effect here)
 *   0x020/0x024       INTENSET / INTENCLR
 *   0x028/0x02C       INTTYPESET / INTTYPECLR (1 = edge, 0 = level)
 *   0x030/0x034       INTPOLSET / INTPOLCLR   (1 = high / rising)
 *   0x038             INTSTATUS (read) / INTCLEAR (write 1s)
 *   0x400-0x7FC       MASKLOWBYTE: address bits [9:2] mask pins 7..0
 *   0x800-0xBFC       MASKHIGHBYTE: address bits [9:2] mask pins 15..8
 *   0xFD0-0xFFC       peripheral and component ID
 *
 * Status follows the RTL: a pin's status bit is set while its (enabled)
 * condition holds and a write of 1 to INTCLEAR clears it only when the
 * condition no longer holds, so a level interrupt stays pending while the
 * level lasts.  Edges are detected against the last level seen while any
 * pin is edge-triggered.  GPIOINT[n] is the status bit, COMBINT their OR.
 *
 * A pin's level is DATAOUT where OUTEN is set (the pad is driven), else the
 * level the host drives from outside.  The RTL's two-flop input
 * synchroniser (two FCLK cycles) is not modelled: levels change at once. */
#include "gpio.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define GPIO_SIZE 0x1000u
#define PIN_MASK  0xFFFFu

#define R_DATA       0x000u
#define R_DATAOUT    0x004u
#define R_OUTENSET   0x010u
#define R_OUTENCLR   0x014u
#define R_ALTSET     0x018u
#define R_ALTCLR     0x01Cu
#define R_INTENSET   0x020u
#define R_INTENCLR   0x024u
#define R_INTTYPESET 0x028u
#define R_INTTYPECLR 0x02Cu
#define R_INTPOLSET  0x030u
#define R_INTPOLCLR  0x034u
#define R_INTSTATUS  0x038u
#define R_MASKLOW    0x400u
#define R_MASKHIGH   0x800u
#define R_MASKEND    0xC00u
#define R_PID4       0xFD0u

/* PID4..PID7, PID0..PID3, CID0..CID3 of the CMSDK GPIO. */
static const uint8_t gpio_ids[12] = {0x04, 0, 0, 0, 0x21, 0xB8, 0x1B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

struct cmsdk_gpio {
    char name[32];
    uint32_t base;
    int index;
    const vclock *clk;
    irq_line combined;
    irq_line pin_irq[CMSDK_GPIO_PINS];
    gpio_observer obs;

    uint32_t input; /* driven from outside; survives reset */
    uint32_t dout, outen, altfunc, inten, inttype, intpol, intstat;
    uint32_t last_levels;  /* for edge detection */
    uint32_t shown_levels; /* what the observer was last told */
    uint32_t irq_out;      /* lines as last driven */
};

uint32_t cmsdk_gpio_levels(const cmsdk_gpio *g)
{
    return ((g->dout & g->outen) | (g->input & ~g->outen)) & PIN_MASK;
}

uint32_t cmsdk_gpio_output_enables(const cmsdk_gpio *g)
{
    return g->outen;
}

static void drive_irqs(cmsdk_gpio *g)
{
    uint32_t changed = g->intstat ^ g->irq_out;
    for (unsigned n = 0; n < CMSDK_GPIO_PINS; n++) {
        if (changed & (1u << n)) {
            irq_set_level(g->pin_irq[n], (g->intstat >> n) & 1u);
        }
    }
    if ((g->intstat != 0) != (g->irq_out != 0)) {
        irq_set_level(g->combined, g->intstat != 0);
    }
    g->irq_out = g->intstat;
}

/* Re-evaluate the interrupt conditions after anything that affects them;
 * `clear` holds the INTCLEAR bits of this write (0 otherwise). */
static void update(cmsdk_gpio *g, uint32_t clear)
{
    uint32_t lv = cmsdk_gpio_levels(g), last = g->last_levels;
    uint32_t level = ~g->inttype & ((lv & g->intpol) | (~lv & ~g->intpol));
    uint32_t edge = g->inttype & ((lv & ~last & g->intpol) | (~lv & last & ~g->intpol));
    uint32_t hit = (level | edge) & g->inten & PIN_MASK;
    g->intstat = (g->intstat & ~(clear & ~hit)) | hit;
    if (g->inttype != 0) {
        g->last_levels = lv;
    }
    drive_irqs(g);
    if (lv != g->shown_levels) {
        g->shown_levels = lv;
        if (g->obs.pins_changed != NULL) {
            g->obs.pins_changed(g->obs.ctx, g->index, lv, vclock_now(g->clk));
        }
    }
}

void cmsdk_gpio_set_input(cmsdk_gpio *g, unsigned pin, bool level)
{
    if (pin >= CMSDK_GPIO_PINS) {
        return;
    }
    g->input = level ? g->input | (1u << pin) : g->input & ~(1u << pin);
    update(g, 0);
}

static uint32_t masked_read(const cmsdk_gpio *g, uint32_t offset)
{
    uint32_t mask = (offset >> 2) & 0xFFu;
    return cmsdk_gpio_levels(g) & (offset < R_MASKHIGH ? mask : mask << 8);
}

static uint32_t gpio_read_reg(const cmsdk_gpio *g, uint32_t offset)
{
    if (offset >= R_MASKLOW && offset < R_MASKEND) {
        return masked_read(g, offset);
    }
    if (offset >= R_PID4) {
        return gpio_ids[(offset - R_PID4) / 4u];
    }
    switch (offset) {
    case R_DATA:
        return cmsdk_gpio_levels(g);
    case R_DATAOUT:
        return g->dout;
    case R_OUTENSET:
    case R_OUTENCLR:
        return g->outen;
    case R_ALTSET:
    case R_ALTCLR:
        return g->altfunc;
    case R_INTENSET:
    case R_INTENCLR:
        return g->inten;
    case R_INTTYPESET:
    case R_INTTYPECLR:
        return g->inttype;
    case R_INTPOLSET:
    case R_INTPOLCLR:
        return g->intpol;
    case R_INTSTATUS:
        return g->intstat;
    default:
        return 0;
    }
}

static uint32_t gpio_read(void *dev, uint32_t offset, unsigned size)
{
    uint32_t v = gpio_read_reg(dev, offset & ~3u) >> (8u * (offset & 3u));
    return size >= 4 ? v : v & ((1u << (8u * size)) - 1u);
}

/* A SET/CLR pair: the written 1s of the enabled byte lanes set or clear. */
static void set_clr(uint32_t *reg, uint32_t bits, bool set)
{
    *reg = set ? *reg | bits : *reg & ~bits;
}

static void masked_write(cmsdk_gpio *g, uint32_t offset, uint32_t value, uint32_t lanes)
{
    uint32_t mask = (offset >> 2) & 0xFFu;
    mask = offset < R_MASKHIGH ? mask & lanes : (mask << 8) & lanes & 0xFF00u;
    g->dout = (g->dout & ~mask) | (value & mask);
}

static void gpio_write_reg(cmsdk_gpio *g, uint32_t offset, uint32_t value, uint32_t lanes)
{
    uint32_t bits = value & lanes & PIN_MASK, clear = 0;
    if (offset >= R_MASKLOW && offset < R_MASKEND) {
        masked_write(g, offset, value, lanes);
    } else if (offset == R_DATA || offset == R_DATAOUT) {
        g->dout = (g->dout & ~(lanes & PIN_MASK)) | bits;
    } else if (offset >= R_OUTENSET && offset <= R_INTPOLCLR) {
        static const size_t field[] = {
            offsetof(cmsdk_gpio, outen),  offsetof(cmsdk_gpio, altfunc),
            offsetof(cmsdk_gpio, inten),  offsetof(cmsdk_gpio, inttype),
            offsetof(cmsdk_gpio, intpol),
        };
        uint32_t *reg = (uint32_t *)(void *)((char *)g + field[(offset - R_OUTENSET) / 8u]);
        set_clr(reg, bits, (offset & 4u) == 0);
    } else if (offset == R_INTSTATUS) {
        clear = bits;
    } else {
        return; /* IDs are read-only; the rest is reserved */
    }
    update(g, clear);
}

static void gpio_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    uint32_t shift = 8u * (offset & 3u);
    uint32_t lanes = (size >= 4 ? UINT32_MAX : (1u << (8u * size)) - 1u) << shift;
    gpio_write_reg(dev, offset & ~3u, value << shift, lanes);
}

static void gpio_reset(void *dev)
{
    cmsdk_gpio *g = dev;
    g->dout = g->outen = g->altfunc = 0;
    g->inten = g->inttype = g->intpol = g->intstat = 0;
    g->last_levels = 0;
    update(g, 0);
}

static void gpio_destroy(void *dev)
{
    free(dev);
}

static const device_ops gpio_ops = {
    .read = gpio_read,
    .write = gpio_write,
    .reset = gpio_reset,
    .destroy = gpio_destroy,
};

cmsdk_gpio *cmsdk_gpio_create(const char *name, uint32_t base, int index, const vclock *clk,
                              irq_line combined, const irq_line *pin_irqs, gpio_observer obs)
{
    cmsdk_gpio *g = calloc(1, sizeof(*g));
    assert(g != NULL);
    snprintf(g->name, sizeof(g->name), "%s", name);
    g->base = base;
    g->index = index;
    g->clk = clk;
    g->combined = combined;
    for (unsigned n = 0; pin_irqs != NULL && n < CMSDK_GPIO_PINS; n++) {
        g->pin_irq[n] = pin_irqs[n];
    }
    g->obs = obs;
    return g; /* reset state: all zero */
}

device cmsdk_gpio_device(cmsdk_gpio *g)
{
    return (device){
        .name = g->name,
        .base = g->base,
        .size = GPIO_SIZE,
        .widths = DEV_WALL,
        .ops = &gpio_ops,
        .state = g,
    };
}
