/* Scheduling decisions, kept free of any mechanism so they can be tested
 * on their own.
 *
 *   round robin   the previous process goes on unless its timeslice ran
 *                 out or it stopped being runnable; then the next runnable
 *                 one after it in slot order
 *   cooperative   the same, without timeslices: a process runs until it
 *                 yields (interrupts still pass through the kernel)
 *   priority      always the runnable process with the lowest slot (the
 *                 first image in flash has the highest priority)
 *
 * Inline: the direct switch (kernel_syscall) decides on every yield. */
#ifndef BULWARK_SCHED_H
#define BULWARK_SCHED_H

#include <stdbool.h>

#include "kconfig.h"
#include "process.h"

/* The first runnable process after slot `after` (wrapping round, `after`
 * itself last); after = PROC_MAX - 1 starts at slot 0. */
#define SCHED_INLINE static inline __attribute__((always_inline))

SCHED_INLINE struct proc *sched_next_after(unsigned after)
{
    for (unsigned i = 1; i <= PROC_MAX; i++) {
        struct proc *p = proc_slot((after + i) % PROC_MAX);
        if (p != NULL && proc_runnable(p)) {
            return p;
        }
    }
    return NULL;
}

/* The process to run next given the previous one (NULL if none) and
 * whether its timeslice is over; NULL when nothing is runnable. */
SCHED_INLINE struct proc *sched_pick(enum sched_kind kind, struct proc *prev, bool expired)
{
    if (kind == SCHED_PRIORITY) {
        return sched_next_after(PROC_MAX - 1);
    }
    if (kind == SCHED_COOPERATIVE) {
        expired = false;
    }
    if (prev != NULL && proc_runnable(prev) && !expired) {
        return prev;
    }
    return sched_next_after(prev != NULL ? prev->slot : PROC_MAX - 1);
}

#endif
