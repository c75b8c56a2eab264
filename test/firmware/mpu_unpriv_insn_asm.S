/* Probes for mpu_unpriv_insn: one LDRT/STRT-family access each, at a known
 * label, the load's destination starting as a sentinel (a skipped load
 * returns it). */
#include "mpu_common.h"

    .syntax unified
    .thumb
    .text

/* uint32_t probe_ldrt(uint32_t addr, uint32_t sentinel) */
    FUNC probe_ldrt
    INSN_LABEL probe_ldrt_insn
    ldrt r1, [r0]                   @ the access, with unprivileged rights
    mov r0, r1                      @ the loaded value or the sentinel
    bx lr                           @ return

/* uint32_t probe_ldrbt(uint32_t addr, uint32_t sentinel) */
    FUNC probe_ldrbt
    INSN_LABEL probe_ldrbt_insn
    ldrbt r1, [r0]                  @ the access, with unprivileged rights
    mov r0, r1                      @ the loaded value or the sentinel
    bx lr                           @ return

/* uint32_t probe_strt(uint32_t addr, uint32_t value) */
    FUNC probe_strt
    INSN_LABEL probe_strt_insn
    strt r1, [r0]                   @ the access, with unprivileged rights
    bx lr                           @ return

/* uint32_t probe_strht(uint32_t addr, uint32_t value) */
    FUNC probe_strht
    INSN_LABEL probe_strht_insn
    strht r1, [r0]                  @ the access, with unprivileged rights
    bx lr                           @ return

/* uint32_t probe_ldr_ldrt(uint32_t addr, uint32_t sentinel): an ordinary
 * load and then an LDRT of the same word, in one straight-line run. */
    FUNC probe_ldr_ldrt
    ldr r2, [r0]                    @ privileged rights: allowed
    INSN_LABEL probe_ldr_ldrt_insn
    ldrt r1, [r0]                   @ the same word with unprivileged rights
    mov r0, r1                      @ the loaded value or the sentinel
    bx lr                           @ return
