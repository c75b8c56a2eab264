/* The bench app of the kernel self-measurement (kernel/bench.h), loaded
 * twice.  Each copy subscribes to the bench driver's wake-up and then loops:
 *   command(led, exists)      the null command
 *   command(bench, wake)      queue an upcall for the other copy
 *   yield-wait                sleep until the other copy wakes us
 * The instructions between the svcs are priced in kernel/bench.h
 * (BENCH_APP_AFTER_*): change one and change the other.  No stack of its
 * own: each svc pushes its frame just below the initial break. */
    .syntax unified
    .thumb
    .text

    .equ SVC_YIELD, 0
    .equ SVC_SUBSCRIBE, 1
    .equ SVC_COMMAND, 2
    .equ YIELD_WAIT, 1
    .equ DRIVER_LED, 2
    .equ DRIVER_BENCH, 0xBE0
    .equ CMD_EXISTS, 0
    .equ CMD_WAKE, 1

    .global _start
    .type _start, %function
    .thumb_func
_start:
    movw r0, #DRIVER_BENCH    @ subscribe(bench, 0, on_wake, 0)
    movs r1, #0               @ upcall 0: woken by the other copy
    adr r2, on_wake           @ the upcall function, in our own flash
    movs r3, #0               @ no app data
    svc #SVC_SUBSCRIBE        @
loop:
    movs r0, #DRIVER_LED      @ the null command: led exists
    movs r1, #CMD_EXISTS      @
    svc #SVC_COMMAND          @ measured: svc to the movw below
    movw r0, #DRIVER_BENCH    @ 1 cycle
    movs r1, #CMD_WAKE        @ 1 cycle
    svc #SVC_COMMAND          @ wake the other copy
    movs r0, #YIELD_WAIT      @
    svc #SVC_YIELD            @ measured: svc to the other copy's first svc
    b loop                    @ 3 cycles (after on_wake's 3)

    .align 2                  @ adr needs a word-aligned target
    .type on_wake, %function
    .thumb_func
on_wake:
    bx lr                     @ 3 cycles: back after the svc of the yield
