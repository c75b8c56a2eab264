/* Bulwark flash controller: a Bulwark-only device (no hardware has it) that
 * lets firmware program and erase the board's flash, which the CPU itself
 * can only read.  It sits at 0x4002D000 on both boards; 32-bit accesses only.
 *
 *   0x000 ID      R   FLASHCTL_ID_VALUE, 0x464C5348 ("FLSH")
 *   0x004 ADDR    RW  the flash address DATA and ERASE act on
 *   0x008 DATA    W   program the word at ADDR, then ADDR += 4; flash
 *                     semantics: bits only go 1 -> 0, so the word becomes
 *                     old AND value (reads 0)
 *   0x00C ERASE   W   any value: set the 1 KiB page holding ADDR to 0xFF
 *                     (reads 0)
 *   0x010 STATUS  R   bit 0 BUSY (always 0: every operation completes at
 *                     once), sticky error bits FLASHCTL_ERR_*; writing a
 *                     1 to an error bit clears it
 *   0x014 KEY     RW  writing FLASHCTL_KEY_VALUE unlocks DATA and ERASE,
 *                     any other value locks them; reads 1 while unlocked
 *   all other offsets up to 0xFFF: read as zero, writes ignored
 *
 * A refused DATA or ERASE (locked, ADDR outside flash, DATA at an unaligned
 * ADDR) changes nothing but STATUS.  Reset locks and clears ADDR and STATUS. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "periph.h"

#define FLASHCTL_SIZE 0x1000u

#define R_ID     0x000u
#define R_ADDR   0x004u
#define R_DATA   0x008u
#define R_ERASE  0x00Cu
#define R_STATUS 0x010u
#define R_KEY    0x014u

#define ERR_MASK (FLASHCTL_ERR_RANGE | FLASHCTL_ERR_ALIGN | FLASHCTL_ERR_LOCKED)

struct flashctl {
    char name[32];
    uint32_t base;
    uint32_t flash_base, flash_size;
    flashctl_host host;
    uint32_t addr, status;
    bool unlocked;
};

static uint32_t flashctl_read(void *dev, uint32_t offset, unsigned size)
{
    flashctl *f = dev;
    (void)size;
    switch (offset) {
    case R_ID:
        return FLASHCTL_ID_VALUE;
    case R_ADDR:
        return f->addr;
    case R_STATUS:
        return f->status;
    case R_KEY:
        return f->unlocked;
    default:
        return 0;
    }
}

/* May DATA or ERASE act at ADDR (aligned to `align`)?  Sets the error bit if not. */
static bool allowed(flashctl *f, uint32_t align)
{
    uint32_t error = 0;
    if (!f->unlocked) {
        error = FLASHCTL_ERR_LOCKED;
    } else if (f->addr < f->flash_base || f->addr - f->flash_base >= f->flash_size) {
        error = FLASHCTL_ERR_RANGE;
    } else if (f->addr % align != 0) {
        error = FLASHCTL_ERR_ALIGN;
    }
    f->status |= error;
    return error == 0;
}

static void program(flashctl *f, uint32_t value)
{
    if (!allowed(f, 4)) {
        return;
    }
    uint8_t old[4], now[4];
    f->host.read(f->host.ctx, f->addr, old, 4);
    for (unsigned i = 0; i < 4; i++) {
        now[i] = old[i] & (uint8_t)(value >> (8 * i)); /* little-endian word */
    }
    f->host.write(f->host.ctx, f->addr, now, 4);
    f->addr += 4;
}

static void erase(flashctl *f)
{
    if (!allowed(f, 1)) {
        return;
    }
    uint8_t page[FLASHCTL_PAGE];
    memset(page, 0xFF, sizeof page);
    uint32_t start = f->addr & ~(FLASHCTL_PAGE - 1u);
    uint32_t end = f->flash_base + f->flash_size;
    uint32_t len = end - start < FLASHCTL_PAGE ? end - start : FLASHCTL_PAGE;
    f->host.write(f->host.ctx, start, page, len);
}

static void flashctl_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    flashctl *f = dev;
    (void)size;
    switch (offset) {
    case R_ADDR:
        f->addr = value;
        break;
    case R_DATA:
        program(f, value);
        break;
    case R_ERASE:
        erase(f);
        break;
    case R_STATUS:
        f->status &= ~(value & ERR_MASK);
        break;
    case R_KEY:
        f->unlocked = value == FLASHCTL_KEY_VALUE;
        break;
    default:
        break;
    }
}

static void flashctl_reset(void *dev)
{
    flashctl *f = dev;
    f->addr = 0;
    f->status = 0;
    f->unlocked = false;
}

static void flashctl_destroy(void *dev)
{
    free(dev);
}

static const device_ops flashctl_ops = {
    .read = flashctl_read,
    .write = flashctl_write,
    .reset = flashctl_reset,
    .destroy = flashctl_destroy,
};

flashctl *flashctl_create(const char *name, uint32_t base, uint32_t flash_base, uint32_t flash_size,
                          flashctl_host host)
{
    flashctl *f = calloc(1, sizeof(*f));
    assert(f != NULL);
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->base = base;
    f->flash_base = flash_base;
    f->flash_size = flash_size;
    f->host = host;
    return f;
}

device flashctl_device(flashctl *f)
{
    return (device){
        .name = f->name,
        .base = f->base,
        .size = FLASHCTL_SIZE,
        .widths = DEV_W32,
        .ops = &flashctl_ops,
        .state = f,
    };
}
