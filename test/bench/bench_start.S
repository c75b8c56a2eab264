/* Minimal start-up shared by the benchmark firmware: vector table, .data
 * copy, .bss clear, then main(); main's return value is the exit code. */
    .syntax unified
    .thumb
    .section .vectors, "a"
    .word _stack_top
    .word reset_handler
    .rept 9
    .word default_handler       /* NMI .. reserved: a fault is a bench bug */
    .endr
    .word svc_handler           /* 11 SVCall */
    .word default_handler, 0
    .word pendsv_handler        /* 14 PendSV */
    .word default_handler       /* 15 SysTick */

    .text
    .thumb_func
    .global reset_handler
reset_handler:
    ldr r0, =_sdata             /* copy initialised data from flash */
    ldr r1, =_edata
    ldr r2, =_sidata
1:  cmp r0, r1
    bhs 2f
    ldr r3, [r2], #4
    str r3, [r0], #4
    b 1b
2:  ldr r0, =_sbss              /* zero .bss */
    ldr r1, =_ebss
    movs r3, #0
3:  cmp r0, r1
    bhs 4f
    str r3, [r0], #4
    b 3b
4:  bl main
    ldr r1, =0x4002E004         /* simulation control EXIT: ends the run */
    str r0, [r1]
5:  b 5b

    .thumb_func
    .weak svc_handler, pendsv_handler
svc_handler:
pendsv_handler:
    bx lr                       /* round trip only: entry + return */

    .thumb_func
default_handler:
    b default_handler
    .ltorg
