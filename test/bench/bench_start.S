/* Minimal start-up shared by the benchmark firmware: vector table, .data
 * copy, .bss clear, then main(); main's return value is the exit code.
 * Built with -DBENCH_MPU, main runs unprivileged under a process-like MPU
 * configuration (flash read/execute, RAM read/write, everything else
 * denied) and ends the run through an SVC. */
    .syntax unified
    .thumb
    .section .vectors, "a"
    .word _stack_top
    .word reset_handler
    .rept 9
    .word default_handler       /* NMI .. reserved: a fault is a bench bug */
    .endr
    .word svc_entry             /* 11 SVCall */
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
4:
#ifdef BENCH_MPU
    bl mpu_process_setup        /* regions, then unprivileged thread mode */
    bl main
    svc #255                    /* only a privileged handler may end the run */
#else
    bl main
    ldr r1, =0x4002E004         /* simulation control EXIT: ends the run */
    str r0, [r1]
#endif
5:  b 5b

#ifdef BENCH_MPU
/* Region 0: flash 256 KiB, read-only for all (AP=6), executable.
 * Region 1: RAM 64 KiB, read/write for all (AP=3), execute-never.
 * PRIVDEFENA keeps the default map for the privileged handlers. */
    .thumb_func
mpu_process_setup:
    ldr r1, =0xE000ED9C         /* MPU_RBAR: an STM fills RBAR/RASR pairs */
    ldr r2, =0x00000010         /* base 0, VALID, region 0 */
    ldr r3, =0x06000023         /* AP=6, SIZE=17 (256 KiB), ENABLE */
    ldr r12, =0x20000011        /* base 0x20000000, VALID, region 1 */
    str r2, [r1]                /* RBAR */
    str r3, [r1, #4]            /* RASR */
    ldr r3, =0x1300001F         /* XN, AP=3, SIZE=15 (64 KiB), ENABLE */
    str r12, [r1, #8]           /* RBAR_A1 */
    str r3, [r1, #12]           /* RASR_A1 */
    ldr r1, =0xE000ED94         /* MPU_CTRL */
    movs r2, #5                 /* ENABLE | PRIVDEFENA */
    str r2, [r1]
    dsb                         /* the new map must be in force ... */
    isb                         /* ... before the next instruction */
    mrs r0, msp                 /* the thread keeps the same stack, on PSP */
    msr psp, r0
    movs r0, #3                 /* CONTROL: SPSEL (PSP) | nPRIV */
    msr control, r0
    isb                         /* run on with the new stack and privilege */
    bx lr
#endif

/* SVC: #255 ends the run with r0 as the exit code; any other number is a
 * bare round trip. */
    .thumb_func
svc_entry:
    tst lr, #4                  /* which stack holds the caller's frame */
    ite eq
    mrseq r1, msp
    mrsne r1, psp
    ldr r2, [r1, #24]           /* stacked PC: just after the SVC */
    ldrb r2, [r2, #-2]          /* the SVC's immediate */
    cmp r2, #255
    bne svc_handler             /* a plain call: the firmware's own handler */
    ldr r0, [r1]                /* stacked r0: the exit code */
    ldr r1, =0x4002E004         /* simulation control EXIT */
    str r0, [r1]
6:  b 6b

    .thumb_func
    .weak svc_handler, pendsv_handler
svc_handler:
pendsv_handler:
    bx lr                       /* round trip only: entry + return */

    .thumb_func
default_handler:
    b default_handler
    .ltorg
