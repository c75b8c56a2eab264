/* PendSV context switch and the thread body for pendsv_switch. */
#include "regs.h"

    .equ EXC_RETURN_PSP, 0xFFFFFFFD @ return to thread mode, process stack

    .syntax unified
    .thumb
    .text

/* Saves r4-r11 of the outgoing thread below its hardware frame on PSP,
 * asks C for the next thread, restores that thread's r4-r11 and returns
 * into it on PSP.  thread_current is -1 before the first switch, which
 * comes from main on MSP and has nothing to save. */
    .global pendsv_handler
    .type pendsv_handler, %function
    .thumb_func
pendsv_handler:
    ldr r2, =thread_current @ r2 = &thread_current (r0-r3, r12 are ours: the frame holds them)
    ldr r3, [r2]            @ r3 = index of the outgoing thread
    cmp r3, #0              @ -1: first switch, from main
    blt 1f                  @ nothing to save
    mrs r0, psp             @ outgoing thread's stack, hardware frame on top
    stmdb r0!, {r4-r11}     @ push its callee-saved registers below the frame
    ldr r1, =thread_sp      @ table of saved stack pointers
    str r0, [r1, r3, lsl #2] @ thread_sp[current] = its context
1:  push {r2, lr}           @ keep &thread_current and EXC_RETURN (8 bytes: MSP stays aligned)
    bl pendsv_pick_next     @ C picks the incoming thread: r0 = its index
    pop {r2, lr}            @ restore them
    str r0, [r2]            @ thread_current = incoming
    ldr r1, =thread_sp      @ table of saved stack pointers
    ldr r0, [r1, r0, lsl #2] @ r0 = incoming thread's context
    ldmia r0!, {r4-r11}     @ its callee-saved registers
    msr psp, r0             @ its hardware frame is now on top of PSP
    ldr lr, =EXC_RETURN_PSP @ thread mode on PSP, also after the first switch from MSP
    bx lr                   @ exception return pops the incoming thread's frame
    .ltorg                  @ literal pool for the loads above

/* Checks that \reg still holds signature word \off of this thread
 * (r11 = signature base + 11). */
    .macro CHECK_SIG reg, off
    sub r0, r11, #(11 - \off) @ expected value of \reg
    cmp \reg, r0            @ unchanged across the switch?
    bne thread_corrupted    @ no: report it
    .endm

/* void thread_entry(uint32_t id): first entered through PendSV's return.
 * Holds per-thread signatures in r2-r12 and checks them after every
 * switch; thread_step (C) logs and ends the test after the last round. */
    .global thread_entry
    .type thread_entry, %function
    .thumb_func
thread_entry:
    adds r0, r0, #1         @ id + 1, so the two threads get different bases
    lsls r0, r0, #28        @ signature base = (id + 1) << 28
    add r4, r0, #4          @ r4..r10 = base + 4..10
    add r5, r0, #5          @ signature
    add r6, r0, #6          @ signature
    add r7, r0, #7          @ signature
    add r8, r0, #8          @ signature
    add r9, r0, #9          @ signature
    add r10, r0, #10        @ signature
    add r11, r0, #11        @ base + 11; also tells us our id
thread_loop:
    lsrs r0, r11, #28       @ id + 1
    subs r0, r0, #1         @ id
    bl thread_step          @ log this round (preserves r4-r11 per AAPCS)
    sub r2, r11, #9         @ r2 = base + 2: caller-saved, so only the frame keeps it
    sub r3, r11, #8         @ r3 = base + 3: likewise
    add r12, r11, #1        @ r12 = base + 12: likewise
    ldr r0, =SCB_ICSR_ADDR  @ Interrupt Control and State Register
    ldr r1, =ICSR_PENDSVSET @ PendSV set-pending bit
    str r1, [r0]            @ request the switch
    dsb                     @ the write reaches the SCB
    isb                     @ PendSV is taken here; the other thread runs meanwhile
    CHECK_SIG r2, 2
    CHECK_SIG r3, 3
    add r0, r11, #1         @ expected r12
    cmp r12, r0             @ unchanged across the switch?
    bne thread_corrupted    @ no: report it
    CHECK_SIG r4, 4
    CHECK_SIG r5, 5
    CHECK_SIG r6, 6
    CHECK_SIG r7, 7
    CHECK_SIG r8, 8
    CHECK_SIG r9, 9
    CHECK_SIG r10, 10
    b thread_loop           @ next round
thread_corrupted:
    mov r0, r11             @ which thread noticed
    bl thread_corrupt       @ C reports and ends the test; does not return
    b .                     @ not reached
    .ltorg                  @ literal pool for the thread's loads
