/* Upcall queue and delivery (see upcall.h and driver.h). */
#include "upcall.h"

#include "driver.h"
#include "grant.h"

static upcall_entry *entry(struct proc *p, unsigned i)
{
    return &proc_queue(p)[(p->q_head + i) % PROC_QUEUE];
}

static void remove_at(struct proc *p, unsigned i)
{
    for (; i + 1 < p->q_count; i++) {
        *entry(p, i) = *entry(p, i + 1);
    }
    p->q_count--;
}

void upcall_purge(struct proc *p, unsigned drv, unsigned sub)
{
    for (unsigned i = 0; i < p->q_count;) {
        upcall_entry *e = entry(p, i);
        if (e->drv == drv && e->sub == sub) {
            remove_at(p, i);
        } else {
            i++;
        }
    }
}

/* The subscription {fn, data} of (drv, sub), or NULL. */
static uint32_t *subscription(struct proc *p, unsigned drv, unsigned sub)
{
    uint32_t *base = grant_base(p, drv, false, NULL);
    return base != NULL ? grant_upcall_slots(base) + 2 * sub : NULL;
}

bool upcall_deliver_next(struct proc *p, uint32_t *frame)
{
    while (p->q_count != 0) {
        upcall_entry e = *entry(p, 0);
        p->q_head = (uint8_t)((p->q_head + 1u) % PROC_QUEUE);
        p->q_count--;
        uint32_t *s = subscription(p, e.drv, e.sub);
        if (s != NULL && s[0] != 0) {
            arch_frame_upcall(frame, s[0], e.arg[0], e.arg[1], e.arg[2], s[1]);
            return true;
        }
    }
    return false;
}

bool upcall_take(struct proc *p, unsigned drv, unsigned sub, uint32_t args[3])
{
    for (unsigned i = 0; i < p->q_count; i++) {
        upcall_entry *e = entry(p, i);
        if (e->drv == drv && e->sub == sub) {
            for (unsigned k = 0; k < 3; k++) {
                args[k] = e->arg[k];
            }
            remove_at(p, i);
            return true;
        }
    }
    return false;
}

/* A process blocked in yield-wait-for (drv, sub) gets the arguments as the
 * yield's results, without running the upcall function. */
static bool wake_waiter(struct proc *p, unsigned drv, unsigned sub, const uint32_t args[3])
{
    if (p->state != PS_YIELDED_FOR || p->wait_drv != drv || p->wait_sub != sub) {
        return false;
    }
    uint32_t *frame = arch_frame(&p->ctx);
    for (unsigned k = 0; k < 3; k++) {
        frame[FR_R0 + k] = args[k];
    }
    p->state = PS_RUNNING;
    return true;
}

static uint32_t enqueue(struct proc *p, unsigned drv, unsigned sub, const uint32_t args[3])
{
    uint32_t *s = subscription(p, drv, sub);
    if (s == NULL || s[0] == 0) {
        return E_OFF;
    }
    if (p->q_count == PROC_QUEUE) {
        p->flags |= PF_QUEUE_OVERFLOW;
        return E_NOMEM;
    }
    upcall_entry *e = entry(p, p->q_count++);
    *e = (upcall_entry){.drv = (uint8_t)drv, .sub = (uint8_t)sub};
    for (unsigned k = 0; k < 3; k++) {
        e->arg[k] = args[k];
    }
    if (p->state == PS_YIELDED && upcall_deliver_next(p, arch_frame(&p->ctx))) {
        p->state = PS_RUNNING;
    }
    return 0;
}

uint32_t upcall_schedule(proc_id pid, const driver *d, unsigned sub, uint32_t a0, uint32_t a1,
                         uint32_t a2)
{
    struct proc *p = proc_get(pid);
    int drv = driver_index(d);
    if (p == NULL || drv < 0 || sub >= d->subscribes) {
        return E_INVALID;
    }
    const uint32_t args[3] = {a0, a1, a2};
    if (wake_waiter(p, (unsigned)drv, sub, args)) {
        return 0;
    }
    return enqueue(p, (unsigned)drv, sub, args);
}
