/* System call wrappers: one svc per class, arguments in r0-r3, results back
 * in r0-r3 (kernel/ABI.md, "System calls"). */
#include "tock.h"

#define SVC_ARGS(a, b, c, d)                                                                       \
    register uint32_t r0 __asm__("r0") = (a);                                                      \
    register uint32_t r1 __asm__("r1") = (b);                                                      \
    register uint32_t r2 __asm__("r2") = (c);                                                      \
    register uint32_t r3 __asm__("r3") = (d)

#define SVC_RESULT ((syscall_return){r0, {r1, r2, r3}})

#define YIELD_NO_WAIT  0u
#define YIELD_WAIT     1u
#define YIELD_WAIT_FOR 2u
#define EXIT_TERMINATE 0u
#define EXIT_RESTART   1u

void yield(void)
{
    register uint32_t r0 __asm__("r0") = YIELD_WAIT;
    /* An upcall runs inside this svc and returns to the next instruction
     * like a normal call would: whatever AAPCS lets a callee clobber is gone. */
    __asm__ volatile("svc #0" /* class 0: yield */
                     : "+r"(r0)
                     :
                     : "r1", "r2", "r3", "r12", "lr", "cc", "memory");
}

bool yield_no_wait(void)
{
    volatile uint8_t upcall_ran = 0;
    register uint32_t r0 __asm__("r0") = YIELD_NO_WAIT;
    register uint32_t r1 __asm__("r1") = (uint32_t)&upcall_ran; /* kernel writes 0 or 1 here */
    __asm__ volatile("svc #0"                                   /* class 0: yield */
                     : "+r"(r0), "+r"(r1)
                     :
                     : "r2", "r3", "r12", "lr", "cc", "memory");
    return upcall_ran != 0;
}

syscall_return yield_wait_for(uint32_t driver, uint32_t subscribe_num)
{
    SVC_ARGS(YIELD_WAIT_FOR, driver, subscribe_num, 0);
    __asm__ volatile("svc #0" /* class 0: yield; upcall arguments come back in r0-r2 */
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "r12", "lr", "cc", "memory");
    /* No return variant here (Tock 2.2): the upcall's three arguments are
     * r0-r2, handed back in data[0..2]. */
    return (syscall_return){TOCK_SUCCESS_3U32, {r0, r1, r2}};
}

syscall_return subscribe(uint32_t driver, uint32_t subscribe_num, upcall_fn *fn, void *userdata)
{
    SVC_ARGS(driver, subscribe_num, (uint32_t)fn, (uint32_t)userdata);
    __asm__ volatile("svc #1" /* class 1: subscribe */
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return SVC_RESULT;
}

syscall_return command(uint32_t driver, uint32_t command_num, uint32_t arg1, uint32_t arg2)
{
    SVC_ARGS(driver, command_num, arg1, arg2);
    __asm__ volatile("svc #2" /* class 2: command */
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return SVC_RESULT;
}

syscall_return allow_rw(uint32_t driver, uint32_t allow_num, void *buf, size_t len)
{
    SVC_ARGS(driver, allow_num, (uint32_t)buf, len);
    __asm__ volatile("svc #3" /* class 3: read-write allow */
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return SVC_RESULT;
}

syscall_return allow_ro(uint32_t driver, uint32_t allow_num, const void *buf, size_t len)
{
    SVC_ARGS(driver, allow_num, (uint32_t)buf, len);
    __asm__ volatile("svc #4" /* class 4: read-only allow */
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return SVC_RESULT;
}

syscall_return allow_userspace_r(uint32_t driver, uint32_t allow_num, void *buf, size_t len)
{
    SVC_ARGS(driver, allow_num, (uint32_t)buf, len);
    __asm__ volatile("svc #7" /* class 7: userspace-readable allow */
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return SVC_RESULT;
}

syscall_return memop(uint32_t op, uint32_t arg)
{
    SVC_ARGS(op, arg, 0, 0);
    __asm__ volatile("svc #5" /* class 5: memop */
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return SVC_RESULT;
}

static _Noreturn void exit_with(uint32_t how, uint32_t completion_code)
{
    register uint32_t r0 __asm__("r0") = how;
    register uint32_t r1 __asm__("r1") = completion_code;
    __asm__ volatile("svc #6" /* class 6: exit; never returns */
                     :
                     : "r"(r0), "r"(r1)
                     : "memory");
    for (;;) {
        /* a kernel that returned from exit: nothing sensible left to do */
    }
}

_Noreturn void tock_exit(uint32_t completion_code)
{
    exit_with(EXIT_TERMINATE, completion_code);
}

_Noreturn void tock_restart(uint32_t completion_code)
{
    exit_with(EXIT_RESTART, completion_code);
}

int tock_status(syscall_return r)
{
    if (r.variant >= TOCK_SUCCESS && r.variant <= TOCK_SUCCESS_U32_U64) {
        return TOCK_OK;
    }
    if (r.variant <= TOCK_FAILURE_U64) {
        return -(int)r.data[0];
    }
    return TOCK_EBADRVAL;
}

int tock_status_u32(syscall_return r, uint32_t *value)
{
    if (r.variant == TOCK_SUCCESS_U32) {
        *value = r.data[0];
        return TOCK_OK;
    }
    int status = tock_status(r);
    return status == TOCK_OK ? TOCK_EBADRVAL : status;
}

uint32_t tock_memop_u32(uint32_t op)
{
    uint32_t value = 0;
    return tock_status_u32(memop(op, 0), &value) == TOCK_OK ? value : 0;
}

void *tock_sbrk(int32_t increment)
{
    uint32_t old_break;
    syscall_return r = memop(MEMOP_SBRK, (uint32_t)increment);
    return tock_status_u32(r, &old_break) == TOCK_OK ? (void *)old_break : NULL;
}
