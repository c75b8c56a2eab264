/* System-call dispatch (see syscall.h). */
#include "syscall.h"

#include "abi.h"
#include "driver.h"
#include "grant.h"
#include "upcall.h"

static void ret_fail2(uint32_t *r, uint32_t err, uint32_t a, uint32_t b)
{
    r[0] = RV_FAILURE_2U32;
    r[1] = err;
    r[2] = a;
    r[3] = b;
}

static void ret_success2(uint32_t *r, uint32_t a, uint32_t b)
{
    r[0] = RV_SUCCESS_2U32;
    r[1] = a;
    r[2] = b;
}

/* No wrap-around: addr is checked first, then the length against what is
 * left up to the end. */
static bool inside(uint32_t addr, uint32_t len, uint32_t start, uint32_t end)
{
    return addr >= start && addr <= end && len <= end - addr;
}

bool syscall_in_ram(const struct proc *p, uint32_t addr, uint32_t len)
{
    return inside(addr, len, proc_block(p), p->brk);
}

bool syscall_in_flash(const struct proc *p, uint32_t addr, uint32_t len)
{
    return inside(addr, len, p->tbf, proc_flash_end(p));
}

/* ---- yield ------------------------------------------------------------------ */

static enum sc_result yield_wait_for(struct proc *p, uint32_t *r)
{
    int drv = driver_find(r[1]);
    uint32_t args[3];
    if (drv >= 0 && r[2] < kernel_drivers[drv]->subscribes &&
        upcall_take(p, (unsigned)drv, r[2], args)) {
        r[0] = args[0];
        r[1] = args[1];
        r[2] = args[2];
        return SC_RESUME;
    }
    /* An unknown driver or number waits forever, as asked. */
    p->wait_drv = (uint8_t)(drv >= 0 ? drv : 0xFF);
    p->wait_sub = (uint8_t)(r[2] < 0xFF ? r[2] : 0xFF);
    p->state = PS_YIELDED_FOR;
    return SC_BLOCK;
}

static enum sc_result yield(struct proc *p, uint32_t *r)
{
    switch (r[0]) {
    case YIELD_NO_WAIT: {
        uint32_t flag = r[1]; /* delivery rewrites r1 */
        bool ran = upcall_deliver_next(p, r);
        if (syscall_in_ram(p, flag, 1)) {
            *(uint8_t *)kmem(flag) = ran;
        }
        return SC_RESUME;
    }
    case YIELD_WAIT:
        if (upcall_deliver_next(p, r)) {
            return SC_RESUME;
        }
        p->state = PS_YIELDED;
        return SC_BLOCK;
    case YIELD_WAIT_FOR:
        return yield_wait_for(p, r);
    default:
        return SC_RESUME; /* TRD104: an unknown yield returns at once */
    }
}

/* ---- subscribe ----------------------------------------------------------------- */

static bool upcall_fn_ok(const struct proc *p, uint32_t fn)
{
    uint32_t addr = fn & ~1u;
    return fn == 0 || (addr >= proc_code_start(p) && addr < p->code_end);
}

static void subscribe(struct proc *p, uint32_t *r)
{
    int drv = driver_find(r[0]);
    if (drv < 0) {
        ret_fail2(r, E_NODEVICE, r[2], r[3]);
    } else if (r[1] >= kernel_drivers[drv]->subscribes) {
        ret_fail2(r, E_NOSUPPORT, r[2], r[3]);
    } else if (!upcall_fn_ok(p, r[2])) {
        ret_fail2(r, E_INVALID, r[2], r[3]);
    } else {
        uint32_t err = 0;
        uint32_t *base = grant_base(p, (unsigned)drv, r[2] != 0, &err);
        if (base == NULL && err != 0) {
            ret_fail2(r, err, r[2], r[3]);
            return;
        }
        uint32_t old_fn = 0, old_data = 0;
        if (base != NULL) {
            uint32_t *slot = grant_upcall_slots(base) + 2 * r[1];
            old_fn = slot[0];
            old_data = slot[1];
            slot[0] = r[2];
            slot[1] = r[3];
        }
        upcall_purge(p, (unsigned)drv, r[1]);
        ret_success2(r, old_fn, old_data);
    }
}

/* ---- allow ------------------------------------------------------------------------ */

static unsigned allow_count(const driver *d, unsigned kind)
{
    return kind == UBUF_RW ? d->allows_rw : kind == UBUF_RO ? d->allows_ro : d->allows_ur;
}

static bool allow_ok(const struct proc *p, unsigned kind, uint32_t addr, uint32_t len)
{
    if (len == 0) {
        return true; /* TRD104: a zero-length buffer may have any address */
    }
    return syscall_in_ram(p, addr, len) || (kind == UBUF_RO && syscall_in_flash(p, addr, len));
}

static void allow(struct proc *p, unsigned kind, uint32_t *r)
{
    int drv = driver_find(r[0]);
    if (drv < 0) {
        ret_fail2(r, E_NODEVICE, r[2], r[3]);
    } else if (r[1] >= allow_count(kernel_drivers[drv], kind)) {
        ret_fail2(r, E_NOSUPPORT, r[2], r[3]);
    } else if (!allow_ok(p, kind, r[2], r[3])) {
        ret_fail2(r, E_INVALID, r[2], r[3]);
    } else {
        uint32_t err = 0;
        bool empty = r[2] == 0 && r[3] == 0;
        uint32_t *base = grant_base(p, (unsigned)drv, !empty, &err);
        if (base == NULL) {
            if (err != 0) {
                ret_fail2(r, err, r[2], r[3]);
            } else {
                ret_success2(r, 0, 0);
            }
            return;
        }
        uint32_t *slot = grant_allow_slot(base, kernel_drivers[drv], kind, r[1]);
        uint32_t old_addr = slot[0], old_len = slot[1];
        slot[0] = r[2];
        slot[1] = r[3];
        ret_success2(r, old_addr, old_len);
    }
}

/* ---- command, exit, dispatch -------------------------------------------------------- */

static void command(struct proc *p, uint32_t *r)
{
    int drv = driver_find(r[0]);
    if (drv < 0) {
        ret_fail(r, E_NODEVICE);
    } else {
        kernel_drivers[drv]->command(p->id, r[1], r[2], r[3], r);
    }
}

static enum sc_result exit_call(struct proc *p, uint32_t *r)
{
    if (r[0] != EXIT_TERMINATE && r[0] != EXIT_RESTART) {
        ret_fail(r, E_NOSUPPORT);
        return SC_RESUME;
    }
    p->flags |= r[0] == EXIT_RESTART ? PF_RESTART_PENDING : PF_EXIT_PENDING;
    return SC_BLOCK;
}

enum sc_result syscall_dispatch(struct proc *p, unsigned cls, uint32_t *r)
{
    switch (cls) {
    case SYS_YIELD:
        return yield(p, r);
    case SYS_SUBSCRIBE:
        subscribe(p, r);
        return SC_RESUME;
    case SYS_COMMAND:
        command(p, r);
        return SC_RESUME;
    case SYS_ALLOW_RW:
        allow(p, UBUF_RW, r);
        return SC_RESUME;
    case SYS_ALLOW_RO:
        allow(p, UBUF_RO, r);
        return SC_RESUME;
    case SYS_ALLOW_UR:
        allow(p, UBUF_UR, r);
        return SC_RESUME;
    case SYS_MEMOP:
        memop_dispatch(p, r);
        return SC_RESUME;
    case SYS_EXIT:
        return exit_call(p, r);
    default:
        ret_fail(r, E_NOSUPPORT);
        return SC_RESUME;
    }
}
