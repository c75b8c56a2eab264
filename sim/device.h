/* The one interface between the MMIO bus and every device model.
 *
 * A device is an opaque state pointer, a const ops table and an address
 * range.  The bus checks the access width against `widths` once, for every
 * device, before calling the model; offsets are relative to `base`. */
#ifndef BULWARK_DEVICE_H
#define BULWARK_DEVICE_H

#include <stdint.h>

enum {
    DEV_W8 = 1u << 0,
    DEV_W16 = 1u << 1,
    DEV_W32 = 1u << 2,
    DEV_WALL = DEV_W8 | DEV_W16 | DEV_W32,
};

typedef struct device_ops {
    uint32_t (*read)(void *dev, uint32_t offset, unsigned size);
    void (*write)(void *dev, uint32_t offset, uint32_t value, unsigned size);
    void (*reset)(void *dev);
    void (*destroy)(void *dev);
} device_ops;

typedef struct device {
    const char *name;
    uint32_t base;
    uint32_t size;
    unsigned widths; /* DEV_W* mask of allowed access sizes */
    const device_ops *ops;
    void *state;
} device;

#endif
