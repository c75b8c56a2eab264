/* The debug descriptor (kernel/ABI.md, "Debug descriptor"): where the
 * process table is and where each control-block field sits, so that a
 * debugger or the simulator can read processes from outside without
 * knowing how this kernel was compiled.  It is constant and lives in flash;
 * the kernel itself never reads it. */
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "process.h"

#define DEBUG_MAGIC   0x47424442u /* "BDBG" little-endian */
#define DEBUG_VERSION 1u

typedef struct debug_descriptor {
    uint32_t magic, version;
    uint32_t proc_table, proc_max, proc_size;
    uint32_t queue_bytes;       /* the upcall queue below the control block */
    uint32_t driver_count_addr; /* &kernel_driver_count: the grant table holds
                                 * one 16-bit slot per driver, rounded to 8 */
    uint8_t off_psp, off_brk, off_grant_lo, off_tbf;
    uint8_t off_name_off, off_stack_hint, off_heap_hint, off_id;
    uint8_t off_state, off_flags, off_block_log2, off_restarts;
    uint8_t off_name_len, off_slot, unused[2];
} debug_descriptor;

#ifdef BULWARK_HOST
#define DEBUG_SECTION
#else
#define DEBUG_SECTION __attribute__((section(".kdebug"), used))
#endif

DEBUG_SECTION const debug_descriptor bulwark_debug = {
    .magic = DEBUG_MAGIC,
    .version = DEBUG_VERSION,
    .proc_table = (uint32_t)(uintptr_t)proc_table,
    .proc_max = PROC_MAX,
    .proc_size = sizeof(struct proc),
    .queue_bytes = PROC_QUEUE * sizeof(upcall_entry),
    .driver_count_addr = (uint32_t)(uintptr_t)&kernel_driver_count,
    .off_psp = offsetof(struct proc, ctx) + offsetof(arch_ctx, psp),
    .off_brk = offsetof(struct proc, brk),
    .off_grant_lo = offsetof(struct proc, grant_lo),
    .off_tbf = offsetof(struct proc, tbf),
    .off_name_off = offsetof(struct proc, name_off),
    .off_stack_hint = offsetof(struct proc, stack_hint),
    .off_heap_hint = offsetof(struct proc, heap_hint),
    .off_id = offsetof(struct proc, id),
    .off_state = offsetof(struct proc, state),
    .off_flags = offsetof(struct proc, flags),
    .off_block_log2 = offsetof(struct proc, block_log2),
    .off_restarts = offsetof(struct proc, restarts),
    .off_name_len = offsetof(struct proc, name_len),
    .off_slot = offsetof(struct proc, slot),
};
