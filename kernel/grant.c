/* Grants (see grant.h and driver.h). */
#include "grant.h"

#include <string.h>

uint32_t grant_bytes(const driver *d)
{
    uint32_t slots = d->subscribes + d->allows_rw + d->allows_ro + d->allows_ur;
    return slots * 8u + ((d->grant_size + 3u) & ~3u);
}

uint32_t *grant_allow_slots(uint32_t *base, const driver *d)
{
    return base + 2u * d->subscribes;
}

uint32_t *grant_allow_slot(uint32_t *base, const driver *d, unsigned kind, unsigned num)
{
    unsigned index = num;
    if (kind >= UBUF_RO) {
        index += d->allows_rw;
    }
    if (kind >= UBUF_UR) {
        index += d->allows_ro;
    }
    return grant_allow_slots(base, d) + 2u * index;
}

void *grant_data(uint32_t *base, const driver *d)
{
    return grant_allow_slots(base, d) + 2u * (d->allows_rw + d->allows_ro + d->allows_ur);
}

static uint32_t *grant_alloc(struct proc *p, unsigned drv, uint32_t *err)
{
    uint32_t size = grant_bytes(kernel_drivers[drv]);
    if (size == 0) {
        size = 4; /* a driver with nothing per process still gets a mark */
    }
    if (p->grant_lo - p->brk < size) {
        if (err != NULL) {
            *err = E_NOMEM;
        }
        return NULL;
    }
    p->grant_lo -= size;
    memset(kmem(p->grant_lo), 0, size);
    proc_grant_table(p)[drv] = (uint16_t)(p->grant_lo - proc_block(p));
    return kmem(p->grant_lo);
}

uint32_t *grant_base(struct proc *p, unsigned drv, bool alloc, uint32_t *err)
{
    uint16_t off = proc_grant_table(p)[drv];
    if (off != 0) {
        return kmem(proc_block(p) + off);
    }
    return alloc ? grant_alloc(p, drv, err) : NULL;
}

uint32_t grant_enter(proc_id pid, const driver *d, grant_fn *fn, void *ctx)
{
    struct proc *p = proc_get(pid);
    int drv = driver_index(d);
    if (p == NULL || drv < 0) {
        return E_INVALID;
    }
    uint32_t err = 0;
    uint32_t *base = grant_base(p, (unsigned)drv, true, &err);
    if (base == NULL) {
        return err;
    }
    fn(grant_data(base, d), ctx);
    return 0;
}

void grant_each(const driver *d, grant_each_fn *fn, void *ctx)
{
    int drv = driver_index(d);
    for (unsigned slot = 0; drv >= 0 && slot < PROC_MAX; slot++) {
        struct proc *p = proc_slot(slot);
        if (p == NULL || proc_get(p->id) == NULL) {
            continue;
        }
        uint32_t *base = grant_base(p, (unsigned)drv, false, NULL);
        if (base != NULL) {
            fn(p->id, grant_data(base, d), ctx);
        }
    }
}
