/* Process entry (kernel/ABI.md, "Process entry"): the kernel starts us
 * unprivileged on PSP with
 *   r0 = start of the app binary (our crt0 header, see app.ld)
 *   r1 = start of our RAM block, r2 = its size
 *   r3 = the initial break; sp = whatever the kernel left there.
 * We set the break, put the stack at the bottom of the block, point r9 at
 * the GOT, let crt0_relocate() copy and relocate .got/.data and zero .bss,
 * then run main() and exit with its return value. */
    .syntax unified
    .thumb

/* Offsets of crt0 header words (ten words, app.ld). */
    .equ HDR_GOT_START, 4
    .equ HDR_BSS_START, 24
    .equ HDR_BSS_SIZE, 28
    .equ HDR_STACK_SIZE, 36

    .equ SVC_MEMOP, 5
    .equ SVC_EXIT, 6
    .equ MEMOP_BRK, 0
    .equ MEMOP_STACK_HINT, 10
    .equ MEMOP_HEAP_HINT, 11
    .equ EXIT_TERMINATE, 0
    .equ RETURN_SUCCESS, 128
    /* completion code when the kernel refuses our break: no RAM to run in */
    .equ EXIT_CODE_NO_RAM, 0xB00

    .section .start, "ax"
    .global _start
    .type _start, %function
    .thumb_func
_start:
    ldr r4, [r0, #HDR_STACK_SIZE]   @ r4 = stack size from the crt0 header
    add r4, r4, r1                  @ stack top = RAM start + stack size
    bic r4, r4, #7                  @ AAPCS: sp 8-byte aligned (rounding down stays in the stack)
    ldr r5, [r0, #HDR_BSS_START]    @ r5 = .bss offset in RAM
    ldr r6, [r0, #HDR_BSS_SIZE]     @ r6 = .bss size
    add r5, r5, r6                  @ r5 = end of .bss, the break we need, as an offset
    add r5, r5, r1                  @ ... as an address
    mov r6, r0                      @ r6 = binary start, kept across the calls below
    mov r7, r1                      @ r7 = RAM start, likewise
    cmp r5, r3                      @ does the kernel's break already cover our stack?
    bhi 1f                          @ no: the stack is not ours yet, move sp after brk
    mov sp, r4                      @ yes: use our stack from the first svc on
1:
    movs r0, #MEMOP_BRK             @ memop 0: set the break
    mov r1, r5                      @ to the end of .bss
    svc #SVC_MEMOP                  @ r0 = return variant
    cmp r0, #RETURN_SUCCESS         @ refused (no such RAM)?
    bne 2f                          @ then we cannot run at all
    mov sp, r4                      @ the stack is accessible now
    movs r0, #MEMOP_STACK_HINT      @ memop 10: tell the kernel where the stack starts
    mov r1, r4                      @ (for fault dumps only; the result does not matter)
    svc #SVC_MEMOP                  @ debug hint
    movs r0, #MEMOP_HEAP_HINT       @ memop 11: and where the heap starts
    mov r1, r5                      @ the break we just set
    svc #SVC_MEMOP                  @ debug hint
    ldr r0, [r6, #HDR_GOT_START]    @ r0 = .got offset in RAM
    add r9, r0, r7                  @ r9 = GOT address: the PIC base of -msingle-pic-base
    mov r0, r6                      @ crt0_relocate(header, ram start)
    mov r1, r7                      @ second argument: RAM start
    bl crt0_relocate                @ copy .got/.data, apply relocations, zero .bss
    bl main                         @ r0 = main's return value
    mov r1, r0                      @ exit completion code = main's return value
    movs r0, #EXIT_TERMINATE        @ exit 0: terminate
    svc #SVC_EXIT                   @ does not return
    b .                             @ only reached if the kernel returned from exit
2:
    movs r0, #EXIT_TERMINATE        @ exit 0: terminate
    movw r1, #EXIT_CODE_NO_RAM      @ tell why in the completion code
    svc #SVC_EXIT                   @ does not return
    b .                             @ only reached if the kernel returned from exit
    .size _start, . - _start
