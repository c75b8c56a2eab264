/* The interface between the kernel core and capsules (system-call drivers).
 *
 * A capsule is const configuration, mutable state and one const `driver`
 * table.  It never sees a raw pointer into a process: the core validates
 * every allow and hands out buffer handles (ubuf), per-process state lives
 * in grants reached only inside grant_enter()'s callback, and upcalls go
 * through upcall_schedule(). */
#ifndef BULWARK_DRIVER_H
#define BULWARK_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "process.h"

typedef struct driver {
    uint32_t num;        /* Tock driver number */
    uint8_t subscribes;  /* upcall slots 0 .. subscribes-1 */
    uint8_t allows_rw;   /* read-write allow slots */
    uint8_t allows_ro;   /* read-only allow slots */
    uint8_t allows_ur;   /* userspace-readable allow slots */
    uint16_t grant_size; /* capsule data per process, bytes */
    /* Command `cmd` (0 = exists) from process pid; writes the result
     * registers r0-r3 into ret. */
    void (*command)(proc_id pid, uint32_t cmd, uint32_t arg1, uint32_t arg2, uint32_t ret[4]);
} driver;

/* The board's drivers, provided by capsules/ (or by a test). */
extern const driver *const kernel_drivers[];
extern const unsigned kernel_driver_count;
/* The board's capsules: set-up at boot and the bottom halves of the
 * interrupt events (EV_* of arch.h), both run by the kernel loop. */
void capsules_init(void);
void capsules_events(uint32_t events);

/* The index of a driver number in kernel_drivers, or -1. */
int driver_find(uint32_t num);
int driver_index(const driver *d);
/* The driver of a number, or NULL: at once when the table keeps a low
 * number at its own index (as the board's table does for 0x0-0x3). */
static inline const driver *driver_get(uint32_t num)
{
    if (num < kernel_driver_count && kernel_drivers[num]->num == num) {
        return kernel_drivers[num];
    }
    int i = driver_find(num);
    return i >= 0 ? kernel_drivers[i] : NULL;
}

/* Result registers. */
static inline void ret_success(uint32_t ret[4])
{
    ret[0] = RV_SUCCESS;
}
static inline void ret_u32(uint32_t ret[4], uint32_t v)
{
    ret[0] = RV_SUCCESS_U32;
    ret[1] = v;
}
static inline void ret_fail(uint32_t ret[4], uint32_t err)
{
    ret[0] = RV_FAILURE;
    ret[1] = err;
}

/* ---- grants -------------------------------------------------------------- */

/* Runs fn with the capsule's data for process pid, allocating (zeroed) on
 * first use from the top of the process's block.  The pointer is valid only
 * during the call.  Returns 0, E_NOMEM (that process's block is full) or
 * E_INVALID (no such process). */
typedef void grant_fn(void *data, void *ctx);
uint32_t grant_enter(proc_id pid, const driver *d, grant_fn *fn, void *ctx);
/* Calls fn for every live process that has this driver's grant. */
typedef void grant_each_fn(proc_id pid, void *data, void *ctx);
void grant_each(const driver *d, grant_each_fn *fn, void *ctx);

/* ---- upcalls ------------------------------------------------------------- */

/* Queue upcall `sub` of driver d for process pid with three arguments.
 * Returns 0, or E_INVALID (no such process or subscription number),
 * E_OFF (nothing subscribed: dropped), E_NOMEM (queue full: dropped). */
uint32_t upcall_schedule(proc_id pid, const driver *d, unsigned sub, uint32_t a0, uint32_t a1,
                         uint32_t a2);

/* ---- buffers --------------------------------------------------------------- */

enum ubuf_kind { UBUF_RW = 0, UBUF_RO = 1, UBUF_UR = 2 };

/* A handle on an allowed buffer: (process incarnation, driver, slot).  It
 * is looked up on every use, so a re-allow, an exit or a restart simply
 * makes it shorter or empty. */
typedef struct ubuf {
    proc_id pid;
    uint8_t drv;
    uint8_t kind : 2;
    uint8_t num : 6;
} ubuf;

ubuf ubuf_get(proc_id pid, const driver *d, enum ubuf_kind kind, unsigned num);
uint32_t ubuf_len(ubuf b);
/* Copy out of / into the buffer from offset off; returns bytes copied
 * (short at the end of the buffer, 0 when it is gone; never writes RO). */
uint32_t ubuf_read(ubuf b, uint32_t off, void *dst, uint32_t n);
uint32_t ubuf_write(ubuf b, uint32_t off, const void *src, uint32_t n);

#endif
