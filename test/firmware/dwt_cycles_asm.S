/* Timed instruction sequences for dwt_cycles.  Each case is
 *   uint32_t case(volatile uint32_t *cyccnt, uint32_t *scratch)
 * and returns CYCCNT(end) - CYCCNT(start).  CYCCNT is read at the start
 * of the reading instruction, so the result is the start load itself
 * (2 cycles: it follows a NOP, so it is not pipelined) plus the sequence.
 * r6-r9 start as scratch[0..3] (non-zero: the divides need a divisor). */
    .syntax unified
    .thumb
    .text

    .macro CASE name
    .global \name
    .type \name, %function
    .thumb_func
\name:
    push {r3-r9, lr}        @ callee-saved registers we use (r3 keeps SP 8-aligned)
    mov r4, r0              @ r4 = CYCCNT address
    mov r5, r1              @ r5 = scratch memory
    ldmia r5, {r6-r9}       @ known operands
    nop                     @ so the start load does not pipeline behind the LDM
    ldr r0, [r4]            @ start timestamp (2 cycles)
    .endm

    .macro END_CASE
    ldr r1, [r4]            @ end timestamp, taken at the start of this load
    subs r0, r1, r0         @ elapsed cycles
    pop {r3-r9, pc}         @ return it
    .endm

    CASE dwt_case_empty     @ expected 2: the start load only
    END_CASE

    CASE dwt_case_alu4      @ expected 2 + 4
    adds r6, r6, #1         @ data processing: 1
    eors r7, r7, r6         @ data processing: 1
    lsls r8, r8, #2         @ data processing: 1
    mov r9, r6              @ data processing: 1
    END_CASE

    CASE dwt_case_ldr       @ expected 2 + 1 + 2
    nop                     @ 1; keeps the load below from pipelining
    ldr r6, [r5]            @ single load: 2
    END_CASE

    CASE dwt_case_ldr_ldr   @ expected 2 + 1 + 2 + 1
    nop                     @ 1
    ldr r6, [r5]            @ single load: 2
    ldr r7, [r5, #4]        @ directly after a load: pipelined, 1
    END_CASE

    CASE dwt_case_ldr_str   @ expected 2 + 1 + 2 + 1
    nop                     @ 1
    ldr r6, [r5]            @ single load: 2
    str r6, [r5, #16]       @ store directly after a load: pipelined, 1
    END_CASE

    CASE dwt_case_ldr_alu_ldr @ expected 2 + 1 + 2 + 1 + 2
    nop                     @ 1
    ldr r6, [r5]            @ single load: 2
    adds r6, r6, #1         @ data processing: 1, breaks the pipelining
    ldr r7, [r5, #4]        @ single load again: 2
    END_CASE

    CASE dwt_case_str       @ expected 2 + 1 + 2
    nop                     @ 1
    str r6, [r5, #16]       @ single store: 2
    END_CASE

    CASE dwt_case_ldr_after_start @ expected 2 + 1
    ldr r6, [r5]            @ directly after the start load: pipelined, 1
    END_CASE

    CASE dwt_case_ldm4      @ expected 2 + 1 + 5
    nop                     @ 1
    ldmia r5, {r6-r9}       @ LDM of 4 registers: 1 + 4
    END_CASE

    CASE dwt_case_push_pop  @ expected 2 + 1 + 3 + 3
    nop                     @ 1
    push {r6, r7}           @ 1 + 2
    pop {r6, r7}            @ 1 + 2
    END_CASE

    CASE dwt_case_b         @ expected 2 + 3
    b 1f                    @ taken branch: 1 + P
1:
    END_CASE

    CASE dwt_case_bcond_not_taken @ expected 2 + 1 + 1 + 1
    movs r6, #0             @ 1
    cmp r6, #1              @ 1; not equal
    beq 1f                  @ not taken: 1
1:
    END_CASE

    CASE dwt_case_bcond_taken @ expected 2 + 1 + 1 + 3
    movs r6, #1             @ 1
    cmp r6, #1              @ 1; equal
    beq 1f                  @ taken: 1 + P
    nop                     @ skipped
1:
    END_CASE

    CASE dwt_case_bl_bx     @ expected 2 + 3 + 3
    bl dwt_leaf             @ BL: 1 + P
    END_CASE

    CASE dwt_case_pop_pc    @ expected 2 + 3 + 3 + 5
    bl dwt_leaf_pop         @ BL: 1 + P
    END_CASE

    CASE dwt_case_mul       @ expected 2 + 1
    muls r6, r7, r6         @ MUL: 1
    END_CASE

    CASE dwt_case_mla       @ expected 2 + 2
    mla r6, r7, r8, r9      @ MLA: 2
    END_CASE

    CASE dwt_case_mls       @ expected 2 + 2
    mls r6, r7, r8, r9      @ MLS: 2
    END_CASE

    CASE dwt_case_umull     @ expected 2 + 1
    umull r6, r7, r8, r9    @ UMULL: 1
    END_CASE

    CASE dwt_case_sdiv      @ expected 2 + 12
    sdiv r6, r7, r8         @ SDIV: 12 in the model
    END_CASE

    CASE dwt_case_udiv      @ expected 2 + 12
    udiv r6, r7, r8         @ UDIV: 12 in the model
    END_CASE

    CASE dwt_case_ldr_literal @ expected 2 + 1 + 2
    nop                     @ 1
    ldr r6, =0x12345678     @ PC-relative single load: 2
    END_CASE
    .ltorg                  @ literal pool for the case above

    .type dwt_leaf, %function
    .thumb_func
dwt_leaf:
    bx lr                   @ BX: 1 + P

    .type dwt_leaf_pop, %function
    .thumb_func
dwt_leaf_pop:
    push {r6, lr}           @ 1 + 2
    pop {r6, pc}            @ 1 + 2, + P for writing PC
