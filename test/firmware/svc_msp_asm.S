/* SVC call sites for svc_msp: fixed immediates and a known stack layout,
 * which compiled C could not guarantee. */
    .syntax unified
    .thumb
    .text

/* uint32_t svc_call42(uint32_t a, uint32_t b, uint32_t c, uint32_t d) */
    .global svc_call42, svc_call42_insn
    .type svc_call42, %function
    .thumb_func
svc_call42:
svc_call42_insn:
    svc #42                 @ arguments already in r0-r3 (AAPCS); result comes back in r0
    bx lr                   @ return the value the handler wrote into the stacked r0

/* uint32_t svc_call0(uint32_t a, uint32_t b, uint32_t c, uint32_t d) */
    .global svc_call0
    .type svc_call0, %function
    .thumb_func
svc_call0:
    svc #0                  @ smallest SVC number
    bx lr                   @ r0 holds the handler's result

/* uint32_t svc_call255(uint32_t a, uint32_t b, uint32_t c, uint32_t d) */
    .global svc_call255
    .type svc_call255, %function
    .thumb_func
svc_call255:
    svc #255                @ largest SVC number
    bx lr                   @ r0 holds the handler's result

/* uint32_t svc_call_misaligned(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
 * Takes the SVC with SP = 4 (mod 8), so the core must pad the frame and
 * flag it in bit 9 of the stacked xPSR.  Records SP before and after. */
    .global svc_call_misaligned
    .type svc_call_misaligned, %function
    .thumb_func
svc_call_misaligned:
    push {r4, lr}           @ AAPCS keeps SP 8-aligned here; two words keep it so
    sub sp, sp, #4          @ now SP = 4 (mod 8): forces the alignment padding
    mov r4, sp              @ copy SP: it cannot be stored directly
    ldr r12, =svc_sp_before @ r12 is free scratch and not an argument register
    str r4, [r12]           @ SP as the SVC sees it
    svc #7                  @ the handler checks where the frame landed
    mov r4, sp              @ SP after the exception return
    ldr r12, =svc_sp_after  @ scratch again (r0 holds the result)
    str r4, [r12]           @ must equal svc_sp_before: padding removed on return
    add sp, sp, #4          @ undo the misalignment
    pop {r4, pc}            @ return with r0 = the handler's result
    .ltorg                  @ literal pool for the ldr r12, =... above
