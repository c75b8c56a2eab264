/* Hostile processes for the kernel's isolation tests: one binary, five
 * entry points 0x40 apart (mktbf.py --init-offset picks one).  Each does
 * one forbidden thing at once; the kernel must stop only that process and
 * name the fault.  Entry registers: r1 = RAM block start, r2 = its size. */
    .syntax unified
    .thumb
    .text

    .equ KERNEL_RAM, 0x20001000
    .equ KERNEL_CODE, 0x00000101
    .equ SVC_COMMAND, 2

    .global _start
    .thumb_func
_start:                       /* 0x00: the stack runs off the bottom of the block */
    mov sp, r1                @ sp = block start: nothing of ours below it
    push {r0-r7}              @ a store below the block: MemManage (data)
    b .                       @ not reached

    .org 0x40
    .thumb_func
svc_low:                      /* 0x40: a system call with no room for the frame */
    mov sp, r1                @ sp = block start
    movs r0, #2               @ command(led, exists): any call would do
    movs r1, #0               @
    svc #SVC_COMMAND          @ the frame would go below the block: stacking fault
    b .                       @ not reached

    .org 0x80
    .thumb_func
svc_kernel:                   /* 0x80: a system call with sp in kernel RAM */
    ldr r4, =KERNEL_RAM       @ kernel data
    mov sp, r4                @ claim it as the stack
    movs r0, #2               @ command(led, exists)
    movs r1, #0               @
    svc #SVC_COMMAND          @ stacking into kernel RAM: refused by the MPU
    b .                       @ not reached
    .ltorg                    @ literal pool for the ldr= above

    .org 0xC0
    .thumb_func
jump_kernel:                  /* 0xC0: run the kernel's code */
    ldr r4, =KERNEL_CODE      @ somewhere in kernel flash (Thumb bit set)
    bx r4                     @ fetch from memory it may not execute
    b .                       @ not reached
    .ltorg                    @ literal pool for the ldr= above

    .org 0x100
    .thumb_func
poke_next:                    /* 0x100: write into the next process's block */
    add r4, r1, r2            @ the end of our block: the next block starts there
    adds r4, #64              @ well inside it
    movs r5, #0x42            @ a value
    str r5, [r4]              @ another process's RAM: MemManage (data)
    b .                       @ not reached
