/* Buffer handles (see driver.h): every use looks the allow up again, so a
 * capsule can never reach memory the process has not currently allowed. */
#include <string.h>

#include "driver.h"
#include "grant.h"

ubuf ubuf_get(proc_id pid, const driver *d, enum ubuf_kind kind, unsigned num)
{
    int drv = driver_index(d);
    return (ubuf){.pid = pid, .drv = (uint8_t)(drv < 0 ? 0xFF : drv), .kind = kind, .num = num};
}

/* The {address, length} slot behind a handle, or NULL. */
static const uint32_t *slot_of(ubuf b)
{
    struct proc *p = proc_get(b.pid);
    if (p == NULL || b.drv >= kernel_driver_count) {
        return NULL;
    }
    const driver *d = kernel_drivers[b.drv];
    unsigned count = b.kind == UBUF_RW   ? d->allows_rw
                     : b.kind == UBUF_RO ? d->allows_ro
                                         : d->allows_ur;
    uint32_t *base = grant_base(p, b.drv, false, NULL);
    return base != NULL && b.num < count ? grant_allow_slot(base, d, b.kind, b.num) : NULL;
}

uint32_t ubuf_len(ubuf b)
{
    const uint32_t *s = slot_of(b);
    return s != NULL ? s[1] : 0;
}

/* How much of [off, off + n) lies inside the buffer. */
static uint32_t clamp(const uint32_t *s, uint32_t off, uint32_t n)
{
    if (s == NULL || off >= s[1]) {
        return 0;
    }
    return n < s[1] - off ? n : s[1] - off;
}

uint32_t ubuf_read(ubuf b, uint32_t off, void *dst, uint32_t n)
{
    const uint32_t *s = slot_of(b);
    n = clamp(s, off, n);
    if (n != 0) {
        memcpy(dst, kmem(s[0] + off), n);
    }
    return n;
}

uint32_t ubuf_write(ubuf b, uint32_t off, const void *src, uint32_t n)
{
    const uint32_t *s = b.kind == UBUF_RO ? NULL : slot_of(b);
    n = clamp(s, off, n);
    if (n != 0) {
        memcpy(kmem(s[0] + off), src, n);
    }
    return n;
}
