/* Probes for mpu_edge_ldrd: an LDRD whose first destination is its own
 * base register, at the start of a translated block (each is reached by a
 * branch), optionally followed in the same block by a load elsewhere. */
#include "mpu_common.h"

    .syntax unified
    .thumb
    .text

/* uint32_t ldrd_then_load(uint32_t addr, uint32_t other): LDRD r0, r1 from
 * addr, then LDR from other; returns what the LDR loaded or the sentinel. */
    FUNC ldrd_then_load
    mov r3, r1                      @ the second load's address
    ldr r2, =0x5E5E5E5E             @ its destination starts as the sentinel
    b 1f                            @ the LDRD starts a new block
1:  ldrd r0, r1, [r0]               @ r0 is both the base and the first destination
    INSN_LABEL ldrd_then_load_insn
    ldr r2, [r3]                    @ same block: the load elsewhere
    mov r0, r2                      @ return it (or the sentinel)
    bx lr                           @ return
    .ltorg

/* uint32_t ldrd_second(uint32_t addr, uint32_t sentinel): LDRD r0, r1 from
 * addr; returns the second word (r1), or the sentinel if it faulted. */
    FUNC ldrd_second
    b 1f                            @ the LDRD starts a new block
1:  INSN_LABEL ldrd_second_insn
    ldrd r0, r1, [r0]               @ r0 is both the base and the first destination
    mov r0, r1                      @ return the second word (or the sentinel)
    bx lr                           @ return
