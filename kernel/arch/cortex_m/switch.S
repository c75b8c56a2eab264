/* Context switch and the exception entries that lead to it.
 *
 * The kernel loop runs in thread mode, privileged, on MSP; processes run in
 * thread mode, unprivileged, on PSP.  The kernel loop enters a process with
 * arch_run() (an svc of its own); a process comes back through svc_handler,
 * pendsv_handler, systick_handler or fault_handler.  Each of these asks the
 * C side which process runs next and then:
 *   - the same one: returns straight into it (nothing saved or restored);
 *   - another one: saves r4-r11 and PSP of the one that trapped, and enters
 *     the other directly (enter_process), without the kernel loop;
 *   - none (NULL): saves it and returns into the kernel loop, after the svc
 *     in arch_run.
 * arch_cpu = {running context, context whose MPU configuration is loaded}. */
#include "regs.h"

    .syntax unified
    .thumb
    .text

    .equ CTX_PSP, 32          @ offsetof(arch_ctx, psp)
    .equ CTX_MPU, 36          @ the MPU pairs follow the context (struct proc)
    .equ CPU_RUNNING, 0       @ offsetof(arch_cpu, running)
    .equ CPU_MPU_OWNER, 4     @ offsetof(arch_cpu, mpu_owner)
    .equ TRAP_INTERRUPT, 0    @ enum trap_reason (kernel.h)
    .equ TRAP_TIMESLICE, 1

#ifdef KERNEL_BENCH
/* Bench build: bench_record(proc, class, frame) with r0-r2 kept.  The same
 * sequence runs in bench_probe, which times it so it can be subtracted. */
    .macro BENCH_RECORD
    push {r0-r2, lr}          @ the arguments of kernel_syscall, and EXC_RETURN
    bl bench_record           @ C: reads bench_t_in, stores one sample
    pop {r0-r2, lr}           @ back as they were
    .endm

/* uint32_t bench_probe(arch_ctx *ctx, unsigned cls, uint32_t *frame):
 * cycles taken by BENCH_RECORD (boot-time calibration). */
    .global bench_probe
    .type bench_probe, %function
    .thumb_func
bench_probe:
    push {r4, r5, r6, lr}     @ r4-r6: the DWT address and the first stamp
    ldr r4, =DWT_CYCCNT_ADDR  @ the cycle counter
    ldr r5, [r4]              @ before
    BENCH_RECORD              @ exactly what svc_handler runs
    ldr r6, [r4]              @ after
    subs r0, r6, r5           @ cycles in between (the two loads add 1-2)
    pop {r4, r5, r6, pc}      @ r0 = the cycles; return
    .size bench_probe, . - bench_probe
#endif

/* void arch_run(arch_ctx *ctx): from the kernel loop into a process; returns
 * when a trap hands control back to the kernel loop. */
    .global arch_run
    .type arch_run, %function
    .thumb_func
arch_run:
    push {r4-r11, lr}         @ the kernel's callee-saved registers: processes overwrite them
    svc #0                    @ svc_handler sees MSP in EXC_RETURN and enters r0
    pop {r4-r11, pc}          @ back here once a process traps to the kernel loop
    .size arch_run, . - arch_run

/* Programs the MPU with the regions of the context in r0 unless they are
 * the ones loaded.  Uses r1-r3 and r12 only: r4-r11 hold the process's
 * values here (the same process goes on after a brk).  enter_process has
 * r4-r11 free and does the same in two bursts. */
    .type mpu_load, %function
    .thumb_func
mpu_load:
    ldr r1, =arch_cpu         @ r1 = &arch_cpu
    ldr r2, [r1, #CPU_MPU_OWNER] @ whose regions are programmed?
    cmp r2, r0                @ this context's already?
    it eq                     @ the return below only if they are
    bxeq lr                   @ yes: skip reprogramming
    str r0, [r1, #CPU_MPU_OWNER] @ they will be
    add r1, r0, #CTX_MPU      @ r1 = its RBAR/RASR pairs (regions 0-6)
    ldr r2, =MPU_RBAR_ADDR    @ RBAR, RASR and the A1-A3 aliases are consecutive words
    .rept 4                   @ regions 0-3: RBAR/RASR, then aliases 1-3
    ldmia r1!, {r3, r12}      @ one RBAR/RASR pair; each RBAR carries VALID and its number
    stmia r2!, {r3, r12}      @ into the next alias pair
    .endr
    ldr r2, =MPU_RBAR_ADDR    @ regions 4-6 through RBAR/RASR and aliases 1-2
    .rept 3                   @ regions 4-6
    ldmia r1!, {r3, r12}      @ one RBAR/RASR pair
    stmia r2!, {r3, r12}      @ into the next alias pair
    .endr
    dsb                       @ the new map is in place before the process runs
    bx lr                     @ back to the caller (a bl: not an exception return)
    .size mpu_load, . - mpu_load

/* Enters the process whose context is r0 (handler mode, r4-r11 free).  Does
 * not return: ends in the exception return into the process. */
    .type enter_process, %function
    .thumb_func
enter_process:
    ldr r1, =arch_cpu         @ r1 = &arch_cpu
    str r0, [r1, #CPU_RUNNING] @ this process runs from now on
    ldr r2, [r1, #CPU_MPU_OWNER] @ whose regions are programmed?
    cmp r2, r0                @ this one's already (the same process again)?
    beq 1f                    @ yes: skip reprogramming
    str r0, [r1, #CPU_MPU_OWNER] @ they will be
    add r1, r0, #CTX_MPU      @ r1 = its seven RBAR/RASR pairs
    ldr r2, =MPU_RBAR_ADDR    @ RBAR, RASR and the A1-A3 aliases are consecutive words
    ldmia r1!, {r4-r11}       @ regions 0-3 (r4-r11 are free until the ldmia below)
    stmia r2, {r4-r11}        @ each RBAR carries VALID and its region number
    ldmia r1, {r4-r9}         @ regions 4-6
    stmia r2, {r4-r9}         @ through RBAR/RASR and aliases 1-2 again
    dsb                       @ the new map is in place before the process runs
1:  ldr r1, [r0, #CTX_PSP]    @ the process's stack, its exception frame on top
    msr psp, r1               @ the exception return pops that frame
    ldmia r0, {r4-r11}        @ its callee-saved registers
    movs r1, #1               @ CONTROL.nPRIV = 1: thread mode becomes unprivileged
    msr control, r1           @ (SPSEL is set by the EXC_RETURN below)
    mvn lr, #2                @ lr = 0xFFFFFFFD: thread mode, process stack
    bx lr                     @ exception return into the process
    .size enter_process, . - enter_process

/* svc from a process: a system call, handled in C with the caller's frame
 * (its r0-r3 are the arguments and become the results).  svc from the
 * kernel loop: enter the process in r0. */
    .global svc_handler
    .type svc_handler, %function
    .thumb_func
svc_handler:
#ifdef KERNEL_BENCH
    ldr r3, =DWT_CYCCNT_ADDR  @ bench build: stamp the cycle this svc came in
    ldr r3, [r3]              @ (r2, r3 are stacked; only r0 matters below)
    ldr r2, =bench_t_in       @ read by arch_svc_c
    str r3, [r2]              @ bench_record reads it
#endif
    tst lr, #4                @ EXC_RETURN bit 2: did the caller use PSP?
    beq enter_process         @ no: arch_run asks to enter r0
    mrs r2, psp               @ r2 = the caller's exception frame: r0-r3 in and out
    ldr r1, [r2, #24]         @ the stacked pc, just past the svc
    ldrb r1, [r1, #-2]        @ r1 = the svc's immediate: the system-call class
    ldr r0, =arch_cpu         @ r0 = the caller: its context heads its control block
    ldr r0, [r0, #CPU_RUNNING] @ (struct proc *) == (arch_ctx *)
#ifdef KERNEL_BENCH
    BENCH_RECORD              @ bench build: note this svc for kernel/bench.c
#endif
    push {r4, lr}             @ keep EXC_RETURN; r4 keeps MSP 8-byte aligned
    bl kernel_syscall         @ r0 = process to run next (or NULL: kernel loop)
    pop {r4, lr}              @ EXC_RETURN back in lr; r4-r11 are still the caller's
    /* fall through */

/* r0 = context to run next or NULL; lr = EXC_RETURN of the trapping process;
 * r4-r11 and PSP still hold that process's values. */
trap_exit:
    ldr r1, =arch_cpu         @ r1 = &arch_cpu
    ldr r2, [r1, #CPU_RUNNING] @ r2 = the process that trapped
    cmp r0, r2                @ does it simply go on?
    bne 2f                    @ no: switch
    ldr r3, [r1, #CPU_MPU_OWNER] @ yes; are its regions still the loaded ones?
    cmp r3, r0                @ (a brk changes them)
    it eq                     @ the return below only if they are
    bxeq lr                   @ yes: return straight into it
    push {r0, lr}             @ no: keep EXC_RETURN (two words keep MSP aligned)
    bl mpu_load               @ program its new regions
    pop {r0, pc}              @ exception return into it
2:  mrs r3, psp               @ switching: save the one that trapped, stack pointer ...
    stmia r2, {r4-r11}        @ ... and callee-saved registers, into its context
    str r3, [r2, #CTX_PSP]    @ ... and where its frame is
    cbz r0, to_kernel         @ NULL: back to the kernel loop
    b enter_process           @ otherwise enter the next process directly
to_kernel:
    str r0, [r1, #CPU_RUNNING] @ no process runs (r0 is 0)
    msr control, r0           @ CONTROL = 0: the kernel loop runs privileged
    mvn lr, #6                @ lr = 0xFFFFFFF9: thread mode, main stack
    bx lr                     @ pops the kernel's frame: arch_run returns
    .size svc_handler, . - svc_handler

/* PendSV: an interrupt left work for the kernel loop.  If a process was
 * running, hand it over; if the kernel loop was, it sees the events itself. */
    .global pendsv_handler
    .type pendsv_handler, %function
    .thumb_func
pendsv_handler:
    tst lr, #4                @ did it interrupt a process (PSP)?
    it eq                     @ the return below only then
    bxeq lr                   @ no: the kernel loop was running, nothing to do
    movs r0, #TRAP_INTERRUPT  @ reason for arch_trap_c
    b trap_common             @ shared with SysTick
    .size pendsv_handler, . - pendsv_handler

/* SysTick: the running process's timeslice is over. */
    .global systick_handler
    .type systick_handler, %function
    .thumb_func
systick_handler:
    tst lr, #4                @ did it interrupt a process (PSP)?
    beq 1f                    @ no: remember it for the kernel loop
    movs r0, #TRAP_TIMESLICE  @ reason for arch_trap_c
trap_common:
    push {r4, lr}             @ keep EXC_RETURN; r4 keeps MSP 8-byte aligned
    bl arch_trap_c            @ r0 = context to run next (or NULL: kernel loop)
    pop {r4, lr}              @ EXC_RETURN back in lr
    b trap_exit               @ same exit as a system call
1:  ldr r0, =arch_slice_expired @ the kernel loop ran out the slice
    movs r1, #1               @ true
    strb r1, [r0]             @ arch_slice_take_expired() reports it
    bx lr                     @ back to the kernel loop
    .size systick_handler, . - systick_handler

/* MemManage, BusFault, UsageFault, HardFault.  From a process: record it and
 * go back to the kernel loop, which applies the process's fault policy.
 * From the kernel: panic. */
    .global fault_handler
    .type fault_handler, %function
    .thumb_func
fault_handler:
    tst lr, #4                @ did a process (PSP) fault?
    beq 1f                    @ no: the kernel did
    mrs r0, psp               @ r0 = the process's frame (unusable after a stacking fault)
    mov r1, lr                @ r1 = EXC_RETURN
    push {r4, lr}             @ keep EXC_RETURN; r4 keeps MSP 8-byte aligned
    bl arch_process_fault_c   @ records the fault; r0 = NULL (the kernel loop)
    pop {r4, lr}              @ EXC_RETURN back in lr
    b trap_exit               @ saves the process and returns to the kernel loop
1:  mov r0, sp                @ r0 = the kernel's frame (MSP)
    mov r1, lr                @ r1 = EXC_RETURN
    bl arch_kernel_fault_c    @ prints the panic dump and ends the run
    b .                       @ not reached
    .size fault_handler, . - fault_handler

    .ltorg                    @ literal pool for the ldr= above
