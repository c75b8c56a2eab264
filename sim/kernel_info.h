/* The Bulwark kernel's process table, read from outside like a debugger
 * does: the kernel exports a descriptor at the symbol `bulwark_debug`
 * (kernel/ABI.md, "Debug descriptor") that says where the table is and
 * where each field sits in a control block.  Nothing here runs guest code
 * or changes guest state. */
#ifndef BULWARK_KERNEL_INFO_H
#define BULWARK_KERNEL_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"

#define KINFO_MAX_PROCS 16
#define KINFO_NAME_MAX  32

/* One process as the kernel sees it now.  RAM areas, low to high:
 *   [block, stack_top)      stack (grows down from stack_top)
 *   [stack_top, heap_start) data and bss
 *   [heap_start, brk)       heap
 *   [brk, grant_lo)         free
 *   [grant_lo, kernel_lo)   grants
 *   [kernel_lo, block_end)  grant table, upcall queue, control block
 * stack_top/heap_start come from the process's memop 10/11 hints; without
 * them stack_top = block (no known stack) and heap_start = stack_top. */
typedef struct kinfo_proc {
    char name[KINFO_NAME_MAX]; /* package name, NUL-terminated */
    unsigned slot;
    uint16_t id;
    const char *state; /* "running", "yielded", "faulted", "terminated", "stopped" */
    unsigned restarts;
    uint32_t block, block_end;
    uint32_t stack_top, heap_start, brk, grant_lo;
    uint32_t kernel_lo;              /* [kernel_lo, block_end): control block, upcall
                                      * queue, grant table; grants are [grant_lo, kernel_lo) */
    uint32_t flash_start, flash_end; /* the TBF image */
    uint32_t sp;                     /* saved stack pointer (valid when not running) */
} kinfo_proc;

/* Fills out[0..max) with the slots in use, in slot order; returns how many,
 * or -1 with a reason in err when the kernel has no (valid) descriptor. */
int kinfo_procs(machine *m, kinfo_proc *out, int max, char *err, size_t errlen);
/* The named process, or -1 (err says why: no such process, no descriptor). */
int kinfo_proc_named(machine *m, const char *name, kinfo_proc *out, char *err, size_t errlen);
/* The kernel's own RAM areas from its ELF symbols (linker script names):
 * data+bss [data_lo, data_hi) and stack [stack_lo, stack_hi). */
typedef struct kinfo_kernel {
    uint32_t data_lo, data_hi;
    uint32_t stack_lo, stack_hi;
} kinfo_kernel;
int kinfo_kernel_areas(const machine *m, kinfo_kernel *out, char *err, size_t errlen);

#endif
