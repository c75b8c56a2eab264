/* System-call dispatch, exactly per Tock 2.x (TRD104) and kernel/ABI.md.
 * Every pointer and length is checked against the caller's own memory
 * before a capsule sees it; numbers are range-checked before any table
 * lookup. */
#ifndef BULWARK_SYSCALL_H
#define BULWARK_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "process.h"

enum sc_result {
    SC_RESUME, /* results are in regs: the process goes on */
    SC_BLOCK,  /* the process does not continue now (yield, exit) */
};

/* System call cls of p; regs is its exception frame (r0-r3 in and out). */
enum sc_result syscall_dispatch(struct proc *p, unsigned cls, uint32_t *regs);

/* [addr, addr + len) inside [block, brk) (RAM) or p's image (flash). */
bool syscall_in_ram(const struct proc *p, uint32_t addr, uint32_t len);
bool syscall_in_flash(const struct proc *p, uint32_t addr, uint32_t len);

/* memop (memop.c). */
void memop_dispatch(struct proc *p, uint32_t *regs);

#endif
