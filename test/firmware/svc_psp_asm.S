/* Mode switching and exact call sites for svc_psp. */
    .syntax unified
    .thumb
    .text

/* void run_unprivileged(void (*body)(void), uint32_t psp_top)
 * Runs body in unprivileged thread mode on the process stack.  body must
 * end with the privilege SVC; then we go back to MSP and return. */
    .global run_unprivileged
    .type run_unprivileged, %function
    .thumb_func
run_unprivileged:
    push {r4, lr}           @ kept on MSP, found again once we switch back
    msr psp, r1             @ the thread's own stack
    movs r2, #3             @ CONTROL.SPSEL = 1 (PSP), CONTROL.nPRIV = 1 (unprivileged)
    msr control, r2         @ privileged thread mode may change both
    isb                     @ instructions after this use the new SP and privilege
    blx r0                  @ the body; it regains privilege with an SVC before returning
    movs r2, #0             @ SPSEL = 0: back to MSP, still privileged
    msr control, r2         @ only works because the body's last SVC cleared nPRIV
    isb                     @ the pop below must use MSP
    pop {r4, pc}            @ return to the privileged caller

/* uint32_t svc_echo(uint32_t a, uint32_t b, uint32_t c, uint32_t d) */
    .global svc_echo
    .type svc_echo, %function
    .thumb_func
svc_echo:
    svc #1                  @ arguments in r0-r3; the handler returns a value in r0
    bx lr                   @ r0 = handler's result

/* uint32_t svc_get_primask(void) */
    .global svc_get_primask
    .type svc_get_primask, %function
    .thumb_func
svc_get_primask:
    svc #2                  @ the handler reads PRIMASK privileged and returns it
    bx lr                   @ r0 = PRIMASK as the handler saw it

/* void svc_privilege(void) */
    .global svc_privilege
    .type svc_privilege, %function
    .thumb_func
svc_privilege:
    svc #3                  @ the handler clears CONTROL.nPRIV
    bx lr                   @ back in privileged thread mode

/* void unpriv_try_set_primask(void): MSR PRIMASK must be ignored */
    .global unpriv_try_set_primask
    .type unpriv_try_set_primask, %function
    .thumb_func
unpriv_try_set_primask:
    movs r0, #1             @ PRIMASK.PM = 1 would mask every configurable interrupt
    msr primask, r0         @ ignored when unprivileged (no fault either)
    bx lr                   @ return

/* void unpriv_try_clear_npriv(void): MSR CONTROL must be ignored */
    .global unpriv_try_clear_npriv
    .type unpriv_try_clear_npriv, %function
    .thumb_func
unpriv_try_clear_npriv:
    movs r0, #2             @ keep SPSEL = 1, try nPRIV = 0
    msr control, r0         @ ignored when unprivileged
    isb                     @ as after any CONTROL write
    bx lr                   @ return

/* void scs_store(uint32_t addr, uint32_t value): the store at scs_store_insn */
    .global scs_store, scs_store_insn
    .type scs_store, %function
    .thumb_func
scs_store:
scs_store_insn:
    str r1, [r0]            @ 16-bit store; unprivileged SCS access is a BusFault
    bx lr                   @ the fault handler resumes here

/* uint32_t scs_load(uint32_t addr): the load at scs_load_insn */
    .global scs_load, scs_load_insn
    .type scs_load, %function
    .thumb_func
scs_load:
scs_load_insn:
    ldr r0, [r0]            @ 16-bit load; unprivileged SCS access is a BusFault
    bx lr                   @ r0 = what the fault handler left in the stacked r0
