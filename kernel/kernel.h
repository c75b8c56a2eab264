/* The kernel core: what the architecture calls, and the kernel loop. */
#ifndef BULWARK_KERNEL_H
#define BULWARK_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "process.h"

/* Why a running process came back to the kernel (other than a syscall). */
enum trap_reason {
    TRAP_INTERRUPT, /* a device interrupt needs the kernel loop */
    TRAP_TIMESLICE, /* SysTick: the timeslice is over */
    TRAP_FAULT,     /* the process faulted (the arch recorded the details) */
};

/* Both are called by the arch in handler mode, with the process's r4-r11
 * still in the CPU (saved only if the answer is another process or NULL).
 *
 * System call `cls` with the process's r0-r3 in regs (its exception frame;
 * results are written there).  Returns p to resume it, another process to
 * switch to, or NULL to return to the kernel loop. */
struct proc *kernel_syscall(struct proc *p, unsigned cls, uint32_t *regs);
/* A process trapped for `reason`; same answers as kernel_syscall. */
struct proc *kernel_trap(struct proc *p, enum trap_reason reason);

/* Boot: load the images and run the kernel loop; never returns. */
_Noreturn void kernel_main(void);
/* One turn of the kernel loop (tests): handle events and pending process
 * work; returns the process to run next, or NULL. */
struct proc *kernel_turn(void);

/* Something needs the kernel loop (process exit, fault, shell command). */
void kernel_request_service(void);
bool kernel_service_pending(void);

/* Kernel panic: print why, dump, end the run.  Never returns. */
_Noreturn void kernel_panic(const char *why);

#endif
