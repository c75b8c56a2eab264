/* Processes: one contiguous RAM block each, a power of two in size and
 * aligned to it, laid out low to high as
 *
 *   stack (grows down toward the block start, so an overflow faults)
 *   data, bss, heap                      up to the break (brk)
 *   free
 *   grants                               growing down from grant_lo
 *   grant table, upcall queue, control block (struct proc) at the very top
 *
 * The process may touch [block, brk) only; brk is kept a multiple of the MPU
 * granule, so that the MPU opens exactly that.  The kernel keeps only a
 * pointer per process in its own RAM: the control block lives in the
 * process's block and is part of what the process's TBF asked for. */
#ifndef BULWARK_PROCESS_H
#define BULWARK_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "tbf.h"

#define PROC_MAX      16u /* processes the kernel tracks (slots) */
#define PROC_QUEUE    8u  /* pending upcalls per process */
#define PROC_MIN_LOG2 10u /* smallest block: 1 KiB */
#define PROC_MAX_LOG2 16u /* largest: 64 KiB (grant offsets are 16-bit) */

/* Identifies one incarnation of a process: slot in the low 4 bits, a
 * generation above, so an id goes stale when its process restarts. */
typedef uint16_t proc_id;
#define PROC_ID_NONE 0u

enum proc_state {
    PS_FREE = 0,
    PS_RUNNING,     /* runnable (or running) */
    PS_YIELDED,     /* in yield-wait: waits for any upcall */
    PS_YIELDED_FOR, /* in yield-wait-for: waits for one (wait_drv, wait_sub) */
    PS_FAULTED,
    PS_TERMINATED,
};

enum proc_flag {
    PF_STOPPED = 1u << 0,         /* stopped from the process console */
    PF_FAULT_PENDING = 1u << 1,   /* faulted; the kernel loop applies the policy */
    PF_QUEUE_OVERFLOW = 1u << 2,  /* an upcall was dropped: queue full */
    PF_EXIT_PENDING = 1u << 3,    /* exit-terminate: the kernel loop finishes it */
    PF_RESTART_PENDING = 1u << 4, /* exit-restart: the kernel loop restarts it */
    PF_FORCED = 1u << 5,          /* the fault was asked for on the console */
};
#define PF_PENDING (PF_FAULT_PENDING | PF_EXIT_PENDING | PF_RESTART_PENDING)

/* One queued upcall; the function and its data are those of the
 * subscription at delivery time (a new subscribe purges the queue). */
typedef struct upcall_entry {
    uint8_t drv, sub;
    uint16_t unused;
    uint32_t arg[3];
} upcall_entry;

/* The process control block: at most 128 bytes (checked). */
struct proc {
    arch_ctx ctx;      /* must stay first: the context switch uses it */
    arch_mpu_cfg mpu;  /* must follow ctx: the context switch programs it */
    uaddr brk;         /* end of what the process may touch */
    uaddr grant_lo;    /* lowest byte of kernel-owned memory */
    uaddr tbf;         /* the image in flash */
    uaddr code_end;    /* end of the app binary (executable flash) */
    uint16_t code_off; /* start of the app binary, from tbf */
    uint16_t id;
    uint16_t name_off;   /* package name, from tbf (0: unnamed) */
    uint16_t stack_hint; /* memop 10/11, offsets from the block (dump) */
    uint16_t heap_hint;
    uint8_t state;
    uint8_t flags;
    uint8_t block_log2;
    uint8_t restarts;
    uint8_t q_head, q_count; /* upcall queue ring */
    uint8_t wait_drv, wait_sub;
    uint8_t name_len;
    uint8_t slot;
};

_Static_assert(sizeof(struct proc) <= 128, "process control block over 128 bytes");
_Static_assert(sizeof(struct proc) % 8 == 0, "control block keeps the block top aligned");

/* ---- the table --------------------------------------------------------- */

extern struct proc *proc_table[PROC_MAX];

/* Any non-free process in slot, or NULL. */
static inline __attribute__((always_inline)) struct proc *proc_slot(unsigned slot)
{
    return slot < PROC_MAX ? proc_table[slot] : NULL;
}
struct proc *proc_get(proc_id id); /* NULL when id is stale */
unsigned proc_count(void);         /* slots in use */
/* A process by package name (exact match), or NULL. */
struct proc *proc_find(const char *name, unsigned len);
/* Forget every process (tests). */
void proc_table_reset(void);

/* ---- layout ------------------------------------------------------------ */

uaddr proc_block(const struct proc *p);
uaddr proc_block_end(const struct proc *p);
uint32_t proc_block_size(const struct proc *p);
/* Bytes of the top area: control block, upcall queue, grant table. */
uint32_t proc_kernel_area(void);
/* The block a TBF's minimum RAM needs, as log2 of its size; 0 if too big. */
unsigned proc_block_log2_for(uint32_t min_ram);
upcall_entry *proc_queue(struct proc *p);
uint16_t *proc_grant_table(struct proc *p);
/* Package name (not NUL-terminated, may be empty). */
const char *proc_name(const struct proc *p, unsigned *len);
const char *proc_state_name(const struct proc *p);

/* ---- lifecycle ----------------------------------------------------------- */

/* Puts a new process for the image at tbf into the block and starts it;
 * returns it, or NULL when every slot is taken. */
struct proc *proc_create(uaddr tbf, const tbf_info *info, uaddr block, unsigned log2);
/* (Re)start from the entry point with zeroed RAM, no grants, no upcalls
 * and a new id. */
void proc_start(struct proc *p);
/* Stop for good: reclaim grants and upcalls; the block stays reserved. */
void proc_terminate(struct proc *p);
/* Mark faulted (grants and upcalls reclaimed as on terminate). */
void proc_mark_faulted(struct proc *p);
static inline __attribute__((always_inline)) bool proc_runnable(const struct proc *p)
{
    return p->state == PS_RUNNING && (p->flags & (PF_STOPPED | PF_PENDING)) == 0;
}

/* The app binary: the process's executable flash starts here. */
static inline uaddr proc_code_start(const struct proc *p)
{
    return p->tbf + p->code_off;
}
/* The completion code of the exit it made (while PF_EXIT/RESTART_PENDING):
 * r1 of that system call, still in its exception frame. */
uint32_t proc_exit_code(const struct proc *p);

/* The process's TBF header parsed again (false if the flash changed). */
bool proc_tbf(const struct proc *p, tbf_info *info);
/* End of the process's flash (the image). */
uaddr proc_flash_end(const struct proc *p);

/* Move the break (memop brk/sbrk rules); returns 0 or an error code. */
uint32_t proc_set_brk(struct proc *p, uaddr new_brk);
/* The highest end of a buffer the process has allowed in RAM (or block). */
uaddr proc_highest_allow(struct proc *p);

#endif
