/* Bulwark userspace: system calls of the Tock 2.x ABI (kernel/ABI.md) and
 * the helpers that turn their return variants into plain status codes.
 * Our own code, following libtock-c's conventions. */
#ifndef BULWARK_TOCK_H
#define BULWARK_TOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Driver numbers. */
#define DRIVER_ALARM   0x0u
#define DRIVER_CONSOLE 0x1u
#define DRIVER_LED     0x2u
#define DRIVER_BUTTON  0x3u

/* Return variants (r0 after a system call). */
#define TOCK_FAILURE         0u
#define TOCK_FAILURE_U32     1u
#define TOCK_FAILURE_2U32    2u
#define TOCK_FAILURE_U64     3u
#define TOCK_SUCCESS         128u
#define TOCK_SUCCESS_U32     129u
#define TOCK_SUCCESS_2U32    130u
#define TOCK_SUCCESS_U64     131u
#define TOCK_SUCCESS_3U32    132u
#define TOCK_SUCCESS_U32_U64 133u

/* Status codes returned by the library: 0, or the negated kernel error. */
enum {
    TOCK_OK = 0,
    TOCK_EFAIL = -1,
    TOCK_EBUSY = -2,
    TOCK_EALREADY = -3,
    TOCK_EOFF = -4,
    TOCK_ERESERVE = -5,
    TOCK_EINVAL = -6,
    TOCK_ESIZE = -7,
    TOCK_ECANCEL = -8,
    TOCK_ENOMEM = -9,
    TOCK_ENOSUPPORT = -10,
    TOCK_ENODEVICE = -11,
    TOCK_EUNINSTALLED = -12,
    TOCK_ENOACK = -13,
    /* the kernel answered with a variant this call never returns */
    TOCK_EBADRVAL = -1024,
};

/* r0-r3 as the kernel left them. */
typedef struct syscall_return {
    uint32_t variant;
    uint32_t data[3];
} syscall_return;

/* An upcall runs as fn(arg0, arg1, arg2, userdata) during a yield. */
typedef void upcall_fn(uint32_t arg0, uint32_t arg1, uint32_t arg2, void *userdata);

/* Class 0: yield.  yield() waits until an upcall has run; yield_no_wait()
 * runs one if pending and says whether it did; yield_wait_for() waits for
 * one upcall of (driver, subscribe) and returns its arguments in data[]
 * instead of running the upcall function. */
void yield(void);
bool yield_no_wait(void);
syscall_return yield_wait_for(uint32_t driver, uint32_t subscribe_num);

/* Classes 1-5 and 7: previous upcall/buffer come back in data[0..1]. */
syscall_return subscribe(uint32_t driver, uint32_t subscribe_num, upcall_fn *fn, void *userdata);
syscall_return command(uint32_t driver, uint32_t command_num, uint32_t arg1, uint32_t arg2);
syscall_return allow_rw(uint32_t driver, uint32_t allow_num, void *buf, size_t len);
syscall_return allow_ro(uint32_t driver, uint32_t allow_num, const void *buf, size_t len);
syscall_return allow_userspace_r(uint32_t driver, uint32_t allow_num, void *buf, size_t len);
syscall_return memop(uint32_t op, uint32_t arg);

/* Class 6: exit.  Terminate, or ask the kernel to restart us. */
_Noreturn void tock_exit(uint32_t completion_code);
_Noreturn void tock_restart(uint32_t completion_code);

/* Memop operations. */
#define MEMOP_BRK         0u
#define MEMOP_SBRK        1u
#define MEMOP_RAM_START   2u
#define MEMOP_RAM_END     3u
#define MEMOP_FLASH_START 4u
#define MEMOP_FLASH_END   5u
#define MEMOP_GRANT_START 6u

/* Any success -> TOCK_OK; a failure variant -> its negated error code. */
int tock_status(syscall_return r);
/* TOCK_SUCCESS_U32 -> *value and TOCK_OK; otherwise as tock_status, with
 * TOCK_EBADRVAL for a success of the wrong shape. */
int tock_status_u32(syscall_return r, uint32_t *value);
/* Memory the kernel reports (memop 2-6), or 0 if it refuses. */
uint32_t tock_memop_u32(uint32_t op);
/* Moves the break by increment bytes; returns the old break, or NULL. */
void *tock_sbrk(int32_t increment);

#endif
