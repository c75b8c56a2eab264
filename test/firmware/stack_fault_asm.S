/* Thread-mode halves of the stack_fault tests: each switches the thread to
 * the process stack, makes the exception happen, and is resumed by the
 * BusFault handler through a frame the C side crafted at a good address. */
    .syntax unified
    .thumb
    .text

/* void stkerr_probe(uint32_t bad_psp): SVC with PSP pointing at nothing. */
    .global stkerr_probe
    .type stkerr_probe, %function
    .thumb_func
stkerr_probe:
    push {r4-r11, lr}       @ callee-saved state lives on MSP meanwhile
    msr psp, r0             @ the process stack: unmapped memory
    movs r1, #2             @ CONTROL.SPSEL = 1, still privileged
    msr control, r1         @ thread mode now uses PSP
    isb                     @ the SVC below must stack onto PSP
    svc #0                  @ stacking fails: BusFault (STKERR) instead
    .global stack_fault_resume
    .thumb_func
stack_fault_resume:         @ the crafted frame returns here, on PSP
    movs r1, #0             @ CONTROL.SPSEL = 0: back to MSP
    msr control, r1         @ privileged thread mode may clear it
    isb                     @ the pop below must use MSP
    pop {r4-r11, pc}        @ back to the C caller

/* void unstkerr_probe(uint32_t good_psp): SVC whose handler breaks PSP. */
    .global unstkerr_probe
    .type unstkerr_probe, %function
    .thumb_func
unstkerr_probe:
    push {r4-r11, lr}       @ callee-saved state lives on MSP meanwhile
    msr psp, r0             @ a valid process stack for the SVC's frame
    movs r1, #2             @ CONTROL.SPSEL = 1
    msr control, r1         @ thread mode now uses PSP
    isb                     @ the SVC below stacks onto PSP
    svc #1                  @ the handler points PSP at nothing before returning
    b stack_fault_resume    @ not reached: unstacking fails, the frame resumes us
