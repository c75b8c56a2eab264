/* Grants, seen from inside the kernel: one per (process, driver), carved
 * from the top of the process's block on first use and recorded as a
 * 16-bit offset in the process's grant table.  Layout of one grant:
 *
 *   subscribes x {upcall fn, app data}
 *   (allows_rw + allows_ro + allows_ur) x {address, length}
 *   the capsule's own data (grant_size bytes, zeroed)
 *
 * Overhead beyond the data: 2 bytes in the table and up to 3 bytes of
 * rounding. */
#ifndef BULWARK_GRANT_H
#define BULWARK_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include "driver.h"
#include "process.h"

/* Bytes of one grant of driver d. */
uint32_t grant_bytes(const driver *d);
/* The grant of driver index drv for p, allocated when alloc; NULL when it
 * is not there (and *err = E_NOMEM when allocation failed, if err). */
uint32_t *grant_base(struct proc *p, unsigned drv, bool alloc, uint32_t *err);
static inline uint32_t *grant_upcall_slots(uint32_t *base)
{
    return base;
}
uint32_t *grant_allow_slots(uint32_t *base, const driver *d);
/* The {address, length} slot of an allow of that kind and number. */
uint32_t *grant_allow_slot(uint32_t *base, const driver *d, unsigned kind, unsigned num);
void *grant_data(uint32_t *base, const driver *d);

#endif
