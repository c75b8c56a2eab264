/* The benchmark kernel of compute: an xorshift32 generator driving
 * loads and stores into a 256-word table.  16 instructions per
 * iteration, no calls, no exceptions. */
    .syntax unified
    .thumb
    .text

/* uint32_t compute_run(uint32_t *table, uint32_t iterations, uint32_t seed)
 * Returns a checksum; updates the table. */
    .global compute_run
    .type compute_run, %function
    .thumb_func
compute_run:
    push {r4-r7, lr}        @ callee-saved registers we use (5 words; lr kept for the return)
    sub sp, sp, #4          @ keep SP 8-aligned (AAPCS)
    movs r3, #0             @ r3 = checksum
1:  eor r2, r2, r2, lsl #13 @ xorshift32 step 1
    eor r2, r2, r2, lsr #17 @ xorshift32 step 2
    eor r2, r2, r2, lsl #5  @ xorshift32 step 3
    and r4, r2, #0xFF       @ table index from the low bits
    ldr r5, [r0, r4, lsl #2] @ load a table word
    add r5, r5, r2          @ mix in the random value
    ror r5, r5, #7          @ rotate so bits move around
    str r5, [r0, r4, lsl #2] @ store it back
    lsr r6, r2, #24         @ second index from the high bits
    ldr r7, [r0, r6, lsl #2] @ load another word
    eor r3, r3, r7          @ fold it into the checksum
    add r3, r3, r5          @ and the updated word
    ror r3, r3, #3          @ keep the checksum order-sensitive
    mul r7, r7, r2          @ a multiply, as real code has
    subs r1, r1, #1         @ count down iterations
    bne 1b                  @ loop (taken branch)
    mov r0, r3              @ return the checksum
    add sp, sp, #4          @ undo the alignment pad
    pop {r4-r7, pc}         @ return
