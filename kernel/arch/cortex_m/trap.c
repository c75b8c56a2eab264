/* The C side of the traps of switch.S: system calls, preemption, process
 * faults.  The portable core decides; this file only translates. */
#include "../../bench.h"
#include "../../kernel.h"
#include "cm.h"
#include "fault_record.h"
#include "regs.h"

#include <stddef.h>

arch_cpu_state arch_cpu;
volatile uint8_t arch_slice_expired;

/* The control block starts with its arch_ctx (process.h). */
static struct proc *proc_of(arch_ctx *ctx)
{
    return (struct proc *)(void *)ctx;
}

static arch_ctx *ctx_of(struct proc *p)
{
    return p != NULL ? &p->ctx : NULL;
}

/* System calls go from svc_handler straight to kernel_syscall (the class
 * is the svc's immediate, read there from the process's own code): the
 * control block starts with its context, so the same pointer serves both. */
_Static_assert(offsetof(struct proc, ctx) == 0, "switch.S passes proc and ctx alike");

#ifdef KERNEL_BENCH
uint32_t bench_t_in; /* written by svc_handler */

void bench_record(struct proc *p, unsigned cls, const uint32_t *frame)
{
    bench_svc(bench_t_in, p->slot, cls, frame[FR_R0], frame[FR_R1]);
}
#endif

arch_ctx *arch_trap_c(uint32_t reason)
{
#ifdef KERNEL_BENCH
    bench_other_trap();
#endif
    return ctx_of(kernel_trap(proc_of(arch_cpu.running), (enum trap_reason)reason));
}

/* A fault while an svc was being entered (its frame could not be pushed)
 * leaves that SVCall pending: it belongs to the faulted process and must
 * not be taken later from the kernel loop, where it would look like
 * arch_run's own svc. */
arch_ctx *arch_process_fault_c(uint32_t *frame, uint32_t exc_return)
{
    SCB_SHCSR &= ~SHCSR_SVCALLPENDED;
    struct proc *p = proc_of(arch_cpu.running);
    fault_record_take(frame, exc_return, proc_block(p), proc_block_end(p));
    return ctx_of(kernel_trap(p, TRAP_FAULT));
}

_Noreturn void arch_kernel_fault_c(uint32_t *frame, uint32_t exc_return)
{
    fault_record_take(frame, exc_return, 0x20000000u, arch_appmem_start());
    fault_record_print_kernel();
    kernel_panic("kernel fault");
}

bool arch_slice_take_expired(void)
{
    bool expired = arch_slice_expired != 0;
    arch_slice_expired = 0;
    return expired;
}
