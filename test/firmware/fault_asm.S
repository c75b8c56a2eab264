/* Faulting instructions at known addresses, for the fault tests.  Each
 * function is one instruction and a return; the *_insn label marks the
 * instruction that faults, which is the PC the core must stack. */
    .syntax unified
    .thumb
    .text

    .macro FAULT_FN name
    .global \name, \name\()_insn
    .type \name, %function
    .thumb_func
\name:
\name\()_insn:
    .endm

/* uint32_t fault_load(uint32_t addr) */
    FAULT_FN fault_load
    ldr r0, [r0]            @ 16-bit LDR; faults on an unmapped address
    bx lr                   @ r0 = loaded value (or what a handler left in it)

/* uint32_t fault_load_wide(uint32_t addr): loads from addr + 4 */
    FAULT_FN fault_load_wide
    ldr.w r0, [r0, #4]      @ 32-bit LDR encoding, so a handler must skip 4 bytes
    bx lr                   @ r0 = loaded value (or what a handler left in it)

/* uint32_t fault_ldm(uint32_t addr): LDM always faults when unaligned */
    FAULT_FN fault_ldm
    ldmia r0, {r0, r1}      @ multiple load; UNALIGNED whatever CCR says
    bx lr                   @ return

/* void fault_udf(void) */
    FAULT_FN fault_udf
    udf #0                  @ permanently undefined, 16-bit
    bx lr                   @ the handler skips the UDF and lands here

/* void fault_udf_wide(void) */
    FAULT_FN fault_udf_wide
    udf.w #0                @ permanently undefined, 32-bit
    bx lr                   @ the handler skips the UDF and lands here

/* int32_t fault_sdiv(int32_t a, int32_t b) */
    FAULT_FN fault_sdiv
    sdiv r0, r0, r1         @ b = 0: result 0, or DIVBYZERO with CCR.DIV_0_TRP
    bx lr                   @ return the quotient

/* uint32_t fault_udiv(uint32_t a, uint32_t b) */
    FAULT_FN fault_udiv
    udiv r0, r0, r1         @ b = 0: result 0, or DIVBYZERO with CCR.DIV_0_TRP
    bx lr                   @ return the quotient

/* void fault_blx(uint32_t target): call with the target's Thumb bit as given */
    FAULT_FN fault_blx
    push {r4, lr}           @ keep our return address (r4: SP stays 8-aligned)
    blx r0                  @ bit 0 clear: EPSR.T = 0, INVSTATE at the target
    pop {r4, pc}            @ return

/* void fault_svc(void) */
    FAULT_FN fault_svc
    svc #0                  @ escalates to HardFault when it cannot be taken
    bx lr                   @ return
