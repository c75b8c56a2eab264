/* The per-process upcall queue, seen from inside the kernel.  Upcalls are
 * delivered only while the process is in yield; a successful subscribe
 * purges what was queued for that (driver, number), and a restart or exit
 * empties the queue (and the id changes, so late schedules are refused). */
#ifndef BULWARK_UPCALL_H
#define BULWARK_UPCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "process.h"

/* Removes every queued upcall of (drv, sub). */
void upcall_purge(struct proc *p, unsigned drv, unsigned sub);
/* Pops the oldest upcall and makes the frame return into it; false if the
 * queue is empty.  frame is the process's exception frame. */
bool upcall_deliver_next(struct proc *p, uint32_t *frame);
/* Takes the oldest upcall of (drv, sub) out of the queue into args. */
bool upcall_take(struct proc *p, unsigned drv, unsigned sub, uint32_t args[3]);

#endif
