/* The MMIO bus: every device is mapped through here.  Pages covered by
 * devices are handed to Unicorn with uc_mmio_map; an access is dispatched
 * to the smallest device containing it, after the width check every device
 * shares.  An access the bus cannot serve (bad width, a hole inside a
 * mapped page) is reported to the machine, which raises a BusFault. */
#ifndef BULWARK_BUS_H
#define BULWARK_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "device.h"

typedef struct bus_observer {
    /* Around every device access: the machine uses it to time the access
     * to the instruction that made it. */
    void (*access_begin)(void *ctx, uint32_t addr, unsigned size, bool is_write);
    void (*access_end)(void *ctx);
    /* Width not accepted by the device, or no device at addr. */
    void (*error)(void *ctx, uint32_t addr, unsigned size, bool is_write, const char *why);
    void *ctx;
} bus_observer;

typedef struct bus bus;

bus *bus_create(uc_engine *uc, bus_observer obs);
void bus_destroy(bus *b);
/* Register a device; returns -1 if it overlaps one of the same size class
 * (a device may sit inside a larger one, e.g. SysTick inside the SCS). */
int bus_add(bus *b, device dev);
/* Map every device page into Unicorn; call once after all bus_add(). */
int bus_map(bus *b);
void bus_reset(bus *b);
const device *bus_find(const bus *b, uint32_t addr);
unsigned bus_device_count(const bus *b);
const device *bus_device(const bus *b, unsigned i);
/* Put ops/state in place of those of the device named `name` (the fault
 * injector wraps a device this way); *old gets the device as it was.
 * Returns -1 when no device has that name. */
int bus_wrap_device(bus *b, const char *name, const device_ops *ops, void *state, device *old);
/* The 1 KiB pages mapped for devices. */
unsigned bus_window_count(const bus *b);
uint32_t bus_window_base(const bus *b, unsigned i);
/* Direct access for the host side (debugger, tests): no width check. */
uint32_t bus_read(bus *b, uint32_t addr, unsigned size, bool *ok);
void bus_write(bus *b, uint32_t addr, uint32_t value, unsigned size, bool *ok);

#endif
