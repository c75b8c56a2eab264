/* Shared by the mpu_* firmware: running a function unprivileged on the
 * process stack, and one-access probes whose access sits at a known label
 * (probe_X_insn), so a fault handler can check the stacked PC and skip
 * exactly that instruction.  Loads start with the destination holding a
 * sentinel: a load that faulted and was skipped returns the sentinel. */
#include "mpu_common.h"

    .syntax unified
    .thumb
    .text

/* uint32_t unpriv_call(unpriv_fn fn, uint32_t a, uint32_t b) */
    FUNC unpriv_call
    push {r4, lr}                   @ on MSP, out of the unprivileged code's reach
    mov r4, r0                      @ fn, kept in a callee-saved register across the switch
    ldr r3, =proc_stack + PROC_STACK_BYTES @ top of the process stack
    msr psp, r3                     @ every call starts on an empty process stack
    mov r0, r1                      @ fn's first argument
    mov r1, r2                      @ fn's second argument
    movs r2, #3                     @ CONTROL.nPRIV = 1 (unprivileged), SPSEL = 1 (PSP)
    msr control, r2                 @ privileged thread mode may change both
    isb                             @ what follows runs unprivileged on PSP
    blx r4                          @ fn(a, b); its result stays in r0
    svc #SVC_PRIVILEGE              @ only an exception can clear nPRIV again
    movs r2, #0                     @ SPSEL = 0: back to MSP
    msr control, r2                 @ allowed now that the SVC made us privileged
    isb                             @ the pop below must use MSP
    pop {r4, pc}                    @ return fn's result
    .ltorg                          @ the literal for proc_stack's top

/* uint32_t probe_ldrb(uint32_t addr, uint32_t sentinel) */
    FUNC probe_ldrb
    INSN_LABEL probe_ldrb_insn
    ldrb r1, [r0]                   @ the access; r1 keeps the sentinel if it is skipped
    mov r0, r1                      @ return the loaded value or the sentinel
    bx lr                           @ return

/* uint32_t probe_ldrh(uint32_t addr, uint32_t sentinel) */
    FUNC probe_ldrh
    INSN_LABEL probe_ldrh_insn
    ldrh r1, [r0]                   @ the access; r1 keeps the sentinel if it is skipped
    mov r0, r1                      @ return the loaded value or the sentinel
    bx lr                           @ return

/* uint32_t probe_ldr(uint32_t addr, uint32_t sentinel) */
    FUNC probe_ldr
    INSN_LABEL probe_ldr_insn
    ldr r1, [r0]                    @ the access (any alignment); r1 keeps the sentinel if skipped
    mov r0, r1                      @ return the loaded value or the sentinel
    bx lr                           @ return

/* uint32_t probe_strb(uint32_t addr, uint32_t value) */
    FUNC probe_strb
    INSN_LABEL probe_strb_insn
    strb r1, [r0]                   @ the access
    bx lr                           @ return (r0 = addr)

/* uint32_t probe_strh(uint32_t addr, uint32_t value) */
    FUNC probe_strh
    INSN_LABEL probe_strh_insn
    strh r1, [r0]                   @ the access
    bx lr                           @ return (r0 = addr)

/* uint32_t probe_str(uint32_t addr, uint32_t value) */
    FUNC probe_str
    INSN_LABEL probe_str_insn
    str r1, [r0]                    @ the access (any alignment)
    bx lr                           @ return (r0 = addr)

/* uint32_t probe_ldm(uint32_t addr, uint32_t sentinel): the second word */
    FUNC probe_ldm
    mov r2, r1                      @ both destinations start as the sentinel
    INSN_LABEL probe_ldm_insn
    ldmia r0!, {r1, r2}             @ the access: two words, base written back
    mov r0, r2                      @ return the second word (or the sentinel)
    bx lr                           @ return

/* uint32_t probe_ldm_base(uint32_t addr, uint32_t sentinel): the base after */
    FUNC probe_ldm_base
    mov r2, r1                      @ both destinations start as the sentinel
    INSN_LABEL probe_ldm_base_insn
    ldmia r0!, {r1, r2}             @ the access: two words, base written back
    bx lr                           @ return r0: addr + 8 if it completed, addr if not

/* uint32_t probe_stm(uint32_t addr, uint32_t value): the base after */
    FUNC probe_stm
    mvns r2, r1                     @ the second word is ~value
    INSN_LABEL probe_stm_insn
    stmia r0!, {r1, r2}             @ the access: two words, base written back
    bx lr                           @ return r0: addr + 8 if it completed, addr if not

/* uint32_t probe_call(uint32_t target, uint32_t sentinel) */
    FUNC probe_call
    push {r4, lr}                   @ keep our return address; r4 holds the target
    orr r4, r0, #1                  @ Thumb bit, so the BLX stays in Thumb state
    mov r0, r1                      @ the callee's r0 starts as the sentinel
    blx r4                          @ run the code at target (a fetch fault returns here)
    INSN_LABEL probe_call_ret
    pop {r4, pc}                    @ return the callee's r0, or the sentinel
