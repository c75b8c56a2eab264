/* exc_heavy: SVC round trips in a tight loop, and the smallest handler
 * that does observable work. */
    .syntax unified
    .thumb
    .text

/* uint32_t exc_heavy_run(uint32_t rounds): returns how many SVCs the
 * handler counted (the handler increments the caller's r0). */
    .global exc_heavy_run
    .type exc_heavy_run, %function
    .thumb_func
exc_heavy_run:
    mov r1, r0              @ r1 = rounds left
    movs r0, #0             @ r0 = count, incremented by the handler
1:  svc #0                  @ one exception entry and return
    subs r1, r1, #1         @ one round done
    bne 1b                  @ more to go
    bx lr                   @ r0 = count

    .global svc_handler
    .type svc_handler, %function
    .thumb_func
svc_handler:
    ldr r0, [sp]            @ stacked r0 (the thread runs on MSP: frame at SP)
    adds r0, r0, #1         @ count this SVC
    str r0, [sp]            @ the caller sees it in r0 after the return
    bx lr                   @ exception return
