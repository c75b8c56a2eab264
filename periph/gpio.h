/* Arm CMSDK AHB GPIO (as on MPS2 AN385/AN386 at 0x40010000 and
 * 0x40011000): 16 pins per port, per-pin and combined interrupts.  The
 * register map and behaviour are in gpio.c. */
#ifndef BULWARK_PERIPH_GPIO_H
#define BULWARK_PERIPH_GPIO_H

#include <stdbool.h>
#include <stdint.h>

#include "../sim/device.h"
#include "../sim/irq.h"
#include "../sim/vclock.h"

#define CMSDK_GPIO_PINS 16

typedef struct gpio_observer {
    /* The pins' levels changed (bit n = pin n), by firmware or by the host. */
    void (*pins_changed)(void *ctx, int index, uint32_t levels, uint64_t cycle);
    void *ctx;
} gpio_observer;

typedef struct cmsdk_gpio cmsdk_gpio;
/* `pin_irqs` is NULL or CMSDK_GPIO_PINS lines (GPIOINT[n]); `combined` is
 * COMBINT, the OR of them.  Lines not connected have .set = NULL. */
cmsdk_gpio *cmsdk_gpio_create(const char *name, uint32_t base, int index, const vclock *clk,
                              irq_line combined, const irq_line *pin_irqs, gpio_observer obs);
device cmsdk_gpio_device(cmsdk_gpio *g);
/* The level the outside world drives on a pin (seen while its output
 * driver is off).  Keeps its value across a reset, like a wire. */
void cmsdk_gpio_set_input(cmsdk_gpio *g, unsigned pin, bool level);
/* Pin levels now: the output where OUTEN is set, else the outside input. */
uint32_t cmsdk_gpio_levels(const cmsdk_gpio *g);
/* Pins whose output driver is on (OUTEN). */
uint32_t cmsdk_gpio_output_enables(const cmsdk_gpio *g);

#endif
