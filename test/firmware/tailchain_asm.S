/* tailchain: an SVC handler pends IRQ A and IRQ B (equal priority, lower
 * than SVC); A tail-chains from the SVC, B from A, then B returns to the
 * thread.  Written in assembly so that the instructions around every
 * timestamp are known exactly:
 *   r4  = cycle counter address (DWT CYCCNT, or a zero word in QEMU)
 *   r11 = struct tc_results *
 * The core never changes r4-r11 on exception entry, return or
 * tail-chain, so the handlers share them with the thread.  Each
 * timestamp load is preceded by a non-memory instruction so that it
 * never pipelines behind another load/store (it costs 2 cycles). */
#include "regs.h"

    .equ T_THREAD_BEFORE, 0  @ offsets in struct tc_results
    .equ T_SVC_ENTRY, 4
    .equ T_SVC_EXIT, 8
    .equ T_A_ENTRY, 12
    .equ T_A_EXIT, 16
    .equ T_B_ENTRY, 20
    .equ T_B_EXIT, 24
    .equ T_THREAD_AFTER, 28
    .equ ORDER, 32
    .equ LR_SVC, 36
    .equ LR_A, 40
    .equ LR_B, 44
    .equ IPSR_A, 48
    .equ IPSR_B, 52
    .equ ISPR_IN_A, 56
    .equ IABR_IN_B, 60

    .equ IRQ_A, 20
    .equ IRQ_B, 21

    .syntax unified
    .thumb
    .text

/* Appends hex digit \id to results->order (uses r0). */
    .macro LOG_ORDER id
    ldr r0, [r11, #ORDER]   @ order so far
    lsls r0, r0, #4         @ make room for one hex digit
    adds r0, r0, #\id       @ append who ran
    str r0, [r11, #ORDER]   @ store it back
    .endm

/* void tailchain_run(struct tc_results *res, volatile uint32_t *counter) */
    .global tailchain_run
    .type tailchain_run, %function
    .thumb_func
tailchain_run:
    push {r3-r11, lr}       @ callee-saved registers (r3 keeps SP 8-aligned)
    mov r11, r0             @ results, shared with the handlers
    mov r4, r1              @ counter address, shared with the handlers
    nop                     @ keep the timestamp load from pipelining
    ldr r5, [r4]            @ t0: thread, just before the SVC (2 cycles)
    svc #0                  @ entry (12); the handler pends A and B
    ldr r9, [r4]            @ t7: first thread instruction after B returns
    LOG_ORDER 0xF           @ the thread runs only now
    str r5, [r11, #T_THREAD_BEFORE] @ timestamps kept in registers
    str r6, [r11, #T_SVC_EXIT]      @ written by the SVC handler
    str r7, [r11, #T_A_EXIT]        @ written by IRQ A's handler
    str r8, [r11, #T_B_EXIT]        @ written by IRQ B's handler
    str r9, [r11, #T_THREAD_AFTER]  @ ours
    pop {r3-r11, pc}        @ return

    .global svc_handler
    .type svc_handler, %function
    .thumb_func
svc_handler:
    ldr r0, [r4]            @ t1: first instruction of the SVC handler
    str r0, [r11, #T_SVC_ENTRY] @ keep it
    str lr, [r11, #LR_SVC]  @ EXC_RETURN seen by the SVC handler
    LOG_ORDER 0x1           @ the SVC handler ran
    ldr r0, =NVIC_ISPR0_ADDR @ set-pending register for IRQs 0-31
    ldr r1, =((1 << IRQ_A) | (1 << IRQ_B)) @ both at once
    str r1, [r0]            @ pend A and B; both wait: lower priority than SVC
    dsb                     @ the write reaches the NVIC before we return
    nop                     @ keep the timestamp load from pipelining
    ldr r6, [r4]            @ t2: last timestamp in the SVC handler
    bx lr                   @ return (3) tail-chains into A (6)

    .global irq20_handler
    .type irq20_handler, %function
    .thumb_func
irq20_handler:
    ldr r0, [r4]            @ t3: first instruction of A
    str r0, [r11, #T_A_ENTRY] @ keep it
    str lr, [r11, #LR_A]    @ EXC_RETURN seen by A
    mrs r0, ipsr            @ exception number of A
    str r0, [r11, #IPSR_A]  @ keep it
    ldr r0, =NVIC_ISPR0_ADDR @ pending IRQs
    ldr r0, [r0]            @ B must still be pending, A no longer
    str r0, [r11, #ISPR_IN_A] @ keep it
    LOG_ORDER 0xA           @ A ran
    nop                     @ keep the timestamp load from pipelining
    ldr r7, [r4]            @ t4: last timestamp in A
    bx lr                   @ return (3) tail-chains into B (6)

    .global irq21_handler
    .type irq21_handler, %function
    .thumb_func
irq21_handler:
    ldr r0, [r4]            @ t5: first instruction of B
    str r0, [r11, #T_B_ENTRY] @ keep it
    str lr, [r11, #LR_B]    @ EXC_RETURN seen by B
    mrs r0, ipsr            @ exception number of B
    str r0, [r11, #IPSR_B]  @ keep it
    ldr r0, =NVIC_IABR0_ADDR @ active IRQs
    ldr r0, [r0]            @ only B may be active: A finished
    str r0, [r11, #IABR_IN_B] @ keep it
    LOG_ORDER 0xB           @ B ran
    nop                     @ keep the timestamp load from pipelining
    ldr r8, [r4]            @ t6: last timestamp in B
    bx lr                   @ return (3) to the thread (10)
    .ltorg                  @ literal pool for the loads above
