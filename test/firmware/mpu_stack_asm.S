/* Thread halves of mpu_stack: each runs unprivileged (through
 * unpriv_call), moves its stack pointer somewhere the MPU will refuse for
 * the exception frame, and makes an exception happen.  r4 keeps the good
 * stack pointer: exception entry and the C handlers preserve r4-r11, so
 * whichever way the thread is resumed at stack_probe_resume, it finds its
 * stack again. */
#include "mpu_common.h"

    .syntax unified
    .thumb
    .text

/* uint32_t stack_probe_svc(uint32_t bad_sp, uint32_t unused) */
    .global stack_probe_svc
    .type stack_probe_svc, %function
    .thumb_func
stack_probe_svc:
    push {r4, lr}           @ on the good process stack
    mov r4, sp              @ the good stack pointer, preserved across the fault
    mov sp, r0              @ the frame would go just below the stack region
    svc #1                  @ stacking fails: MemManage (MSTKERR) is taken instead
    .global stack_probe_resume
stack_probe_resume:         @ the handler's crafted frame resumes us here
    mov sp, r4              @ back on the good stack
    pop {r4, pc}            @ return r0 (from the crafted frame) to unpriv_call

/* uint32_t stack_probe_irq(uint32_t bad_sp, uint32_t timer_ctrl_addr) */
    .global stack_probe_irq
    .type stack_probe_irq, %function
    .thumb_func
stack_probe_irq:
    push {r4, lr}           @ on the good process stack
    mov r4, sp              @ the good stack pointer, preserved across the fault
    movs r2, #9             @ timer CTRL: EN (bit 0) | IRQEN (bit 3)
    mov sp, r0              @ the frame would go just below the stack region
    str r2, [r1]            @ start the timer: its interrupt must stack onto the bad SP
1:  b 1b                    @ wait; the handler resumes us at stack_probe_resume

/* uint32_t unstack_probe(uint32_t stack_top, uint32_t unused) */
    .global unstack_probe
    .type unstack_probe, %function
    .thumb_func
unstack_probe:
    push {r4, lr}           @ on the good process stack
    mov r4, sp              @ the good stack pointer
    mov sp, r0              @ a stack in the region the SVC handler takes away
    svc #2                  @ its return cannot unstack: MemManage (MUNSTKERR)
    mov sp, r4              @ resumed from the original frame once it is readable again
    pop {r4, pc}            @ return r0 as the SVC handler set it
