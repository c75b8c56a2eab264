/* Stand-in kernel: the SVC entry and the first switch to the process. */
    .syntax unified
    .thumb
    .text

    .equ CONTROL_NPRIV, 1
    .equ SVC_LAUNCH, 255

/* SVCall: from the process (frame on PSP) it is a system call for
 * harness_syscall(frame); from the harness itself (MSP) it starts the
 * process whose first frame harness_launch() put on PSP. */
    .global svc_handler
    .type svc_handler, %function
    .thumb_func
svc_handler:
    tst lr, #4                  @ EXC_RETURN bit 2: was the caller on PSP (the process)?
    beq 1f                      @ no: the harness asking to launch
    mrs r0, psp                 @ argument: the process's stacked r0-r3, r12, lr, pc, xPSR
    b harness_syscall           @ tail call; it returns through lr = EXC_RETURN
1:
    movs r0, #CONTROL_NPRIV     @ thread mode unprivileged from now on
    msr control, r0             @ written in handler mode, takes effect on return
    isb                         @ as after any CONTROL write
    mvn lr, #2                  @ lr = 0xFFFFFFFD: return to thread mode on PSP
    bx lr                       @ unstack the first frame: the process starts
    .size svc_handler, . - svc_handler

/* void harness_launch(uint32_t psp): psp points at the first frame. */
    .global harness_launch
    .type harness_launch, %function
    .thumb_func
harness_launch:
    msr psp, r0                 @ the frame the SVC return will unstack
    svc #SVC_LAUNCH             @ svc_handler sees MSP and launches
    b .                         @ never reached: the harness lives on in handlers only
    .size harness_launch, . - harness_launch
