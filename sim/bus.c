#include "bus.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define BUS_MAX_DEVICES 64
#define BUS_PAGE        0x400u /* Unicorn's page size on M-profile */

#define BUS_MAX_WINDOWS 256

/* The guest side: one mapped 1 KiB page per window. */
typedef struct bus_window {
    struct bus *bus;
    uint32_t base;
} bus_window;

struct bus {
    uc_engine *uc;
    bus_observer obs;
    device devs[BUS_MAX_DEVICES];
    unsigned count;
    bus_window windows[BUS_MAX_WINDOWS]; /* handed to Unicorn: never moves */
    unsigned num_windows;
};

bus *bus_create(uc_engine *uc, bus_observer obs)
{
    bus *b = calloc(1, sizeof(*b));
    assert(b != NULL);
    b->uc = uc;
    b->obs = obs;
    return b;
}

void bus_destroy(bus *b)
{
    if (b == NULL) {
        return;
    }
    for (unsigned i = 0; i < b->count; i++) {
        if (b->devs[i].ops->destroy != NULL) {
            b->devs[i].ops->destroy(b->devs[i].state);
        }
    }
    free(b);
}

static bool contains(const device *d, uint32_t addr)
{
    return addr - d->base < d->size;
}

const device *bus_find(const bus *b, uint32_t addr)
{
    const device *best = NULL;
    for (unsigned i = 0; i < b->count; i++) {
        const device *d = &b->devs[i];
        if (contains(d, addr) && (best == NULL || d->size < best->size)) {
            best = d;
        }
    }
    return best;
}

int bus_add(bus *b, device dev)
{
    if (b->count == BUS_MAX_DEVICES || dev.size == 0) {
        return -1;
    }
    for (unsigned i = 0; i < b->count; i++) {
        const device *d = &b->devs[i];
        bool overlap = dev.base < d->base + d->size && d->base < dev.base + dev.size;
        bool nested = (contains(d, dev.base) && contains(d, dev.base + dev.size - 1)) ||
                      (contains(&dev, d->base) && contains(&dev, d->base + d->size - 1));
        if (overlap && (!nested || d->size == dev.size)) {
            return -1;
        }
    }
    b->devs[b->count++] = dev;
    return 0;
}

unsigned bus_device_count(const bus *b)
{
    return b->count;
}

const device *bus_device(const bus *b, unsigned i)
{
    return i < b->count ? &b->devs[i] : NULL;
}

int bus_wrap_device(bus *b, const char *name, const device_ops *ops, void *state, device *old)
{
    for (unsigned i = 0; i < b->count; i++) {
        if (b->devs[i].name != NULL && strcmp(b->devs[i].name, name) == 0) {
            *old = b->devs[i];
            b->devs[i].ops = ops;
            b->devs[i].state = state;
            return 0;
        }
    }
    return -1;
}

static unsigned width_bit(unsigned size)
{
    return size == 1 ? DEV_W8 : size == 2 ? DEV_W16 : size == 4 ? DEV_W32 : 0;
}

uint32_t bus_read(bus *b, uint32_t addr, unsigned size, bool *ok)
{
    const device *d = bus_find(b, addr);
    *ok = d != NULL;
    return d ? d->ops->read(d->state, addr - d->base, size) : 0;
}

void bus_write(bus *b, uint32_t addr, uint32_t value, unsigned size, bool *ok)
{
    const device *d = bus_find(b, addr);
    *ok = d != NULL;
    if (d) {
        d->ops->write(d->state, addr - d->base, value, size);
    }
}

static const device *checked(bus *b, uint32_t addr, unsigned size, bool is_write)
{
    const device *d = bus_find(b, addr);
    if (d == NULL) {
        b->obs.error(b->obs.ctx, addr, size, is_write, "no device at this address");
        return NULL;
    }
    if (!(d->widths & width_bit(size)) || addr - d->base + size > d->size) {
        b->obs.error(b->obs.ctx, addr, size, is_write, "access width not supported by device");
        return NULL;
    }
    return d;
}

static uint64_t window_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    (void)uc;
    bus_window *w = user;
    bus *b = w->bus;
    uint32_t addr = w->base + (uint32_t)offset;
    b->obs.access_begin(b->obs.ctx, addr, size, false);
    const device *d = checked(b, addr, size, false);
    uint32_t v = d ? d->ops->read(d->state, addr - d->base, size) : 0;
    b->obs.access_end(b->obs.ctx);
    return v;
}

static void window_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    bus_window *w = user;
    bus *b = w->bus;
    uint32_t addr = w->base + (uint32_t)offset;
    b->obs.access_begin(b->obs.ctx, addr, size, true);
    const device *d = checked(b, addr, size, true);
    if (d) {
        d->ops->write(d->state, addr - d->base, (uint32_t)value, size);
    }
    b->obs.access_end(b->obs.ctx);
}

/* One Unicorn mapping per 1 KiB page: page protection (privilege, MPU)
 * is then applied to whole mappings and never splits a window, which would
 * shift the offsets Unicorn hands to the callbacks. */
static int map_page(bus *b, uint32_t page)
{
    if (b->num_windows == BUS_MAX_WINDOWS) {
        return -1;
    }
    bus_window *w = &b->windows[b->num_windows++];
    w->bus = b;
    w->base = page;
    uc_err e = uc_mmio_map(b->uc, page, BUS_PAGE, window_read, w, window_write, w);
    return e == UC_ERR_OK ? 0 : -1;
}

static bool page_mapped_before(const bus *b, unsigned upto, uint32_t page)
{
    for (unsigned i = 0; i < upto; i++) {
        const device *d = &b->devs[i];
        if (page < d->base + d->size && d->base < page + BUS_PAGE) {
            return true;
        }
    }
    return false;
}

int bus_map(bus *b)
{
    for (unsigned i = 0; i < b->count; i++) {
        const device *d = &b->devs[i];
        uint64_t first = d->base & ~(BUS_PAGE - 1);
        uint64_t last = (uint64_t)d->base + d->size - 1;
        for (uint64_t p = first; p <= last; p += BUS_PAGE) {
            if (!page_mapped_before(b, i, (uint32_t)p) && map_page(b, (uint32_t)p) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

void bus_reset(bus *b)
{
    for (unsigned i = 0; i < b->count; i++) {
        if (b->devs[i].ops->reset != NULL) {
            b->devs[i].ops->reset(b->devs[i].state);
        }
    }
}

unsigned bus_window_count(const bus *b)
{
    return b->num_windows;
}

uint32_t bus_window_base(const bus *b, unsigned i)
{
    return i < b->num_windows ? b->windows[i].base : 0;
}
