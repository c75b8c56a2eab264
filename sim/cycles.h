/* The Cortex-M4 cycle model (ARM Cortex-M4 TRM, "Processor instruction
 * timings"), applied per decoded Thumb instruction.  The same decode also
 * describes each instruction's memory access, so that the machine can tell
 * which instruction of a translated block touched a device or faulted. */
#ifndef BULWARK_CYCLES_H
#define BULWARK_CYCLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Pipeline refill after a taken branch or a write to PC (TRM: 1..3). */
#define CYCLES_REFILL     2
#define CYCLES_EXC_ENTRY  12
#define CYCLES_EXC_RETURN 10
#define CYCLES_TAIL_CHAIN 6
#define CYCLES_DIVIDE     12 /* SDIV/UDIV: 2..12 with early termination; worst case */

enum insn_mem { MEM_NONE, MEM_LOAD, MEM_STORE };
enum insn_addr_mode {
    AM_OFFSET, /* base + (index << shift) * sign + disp */
    AM_IA,     /* increment after: base .. base + 4n */
    AM_DB,     /* decrement before: base - 4n .. base */
};

enum insn_flags {
    INSN_COND_BRANCH = 1u << 0, /* taken or not decided at run time */
    INSN_BRANCH = 1u << 1,      /* unconditional change of flow */
    INSN_WRITES_PC = 1u << 2,
    INSN_SINGLE_LDST = 1u << 3, /* LDR/STR family: may pipeline with a neighbour */
    INSN_MASK_CHANGE = 1u << 4, /* CPS, MSR PRIMASK/BASEPRI/FAULTMASK/CONTROL */
    INSN_SVC = 1u << 5,
    INSN_WFI = 1u << 6,
    INSN_DIVIDE = 1u << 7,
    INSN_ALIGNED_ONLY = 1u << 8, /* faults UNALIGNED whatever CCR says (LDM, LDRD, LDREX...) */
};

typedef struct insn_info {
    uint32_t addr;
    uint32_t branch_target; /* direct branch target, 0 if none/indirect */
    int32_t disp;
    uint16_t writes; /* mask of r0..r15 written (incl. base writeback) */
    uint16_t list;   /* register list of LDM/STM/PUSH/POP */
    uint16_t flags;
    uint8_t size;   /* 2 or 4 bytes */
    uint8_t cycles; /* static cost, before pipelining and refills */
    uint8_t mem;    /* enum insn_mem */
    uint8_t mode;   /* enum insn_addr_mode */
    int8_t base;    /* register number or -1 */
    int8_t index;   /* register number or -1; the divisor of SDIV/UDIV */
    int8_t sign;    /* +1 / -1 for the index */
    uint8_t shift;  /* left shift of the index */
    uint8_t access; /* bytes per transfer */
    uint8_t count;  /* transfers (LDM/STM/PUSH/POP), 1 otherwise */
} insn_info;

typedef struct cycle_decoder cycle_decoder;

cycle_decoder *cycle_decoder_create(void);
void cycle_decoder_destroy(cycle_decoder *d);
/* Decode one Thumb instruction at `addr`.  Returns its size in bytes, or 0
 * when the bytes are not a valid instruction (info then describes a 1-cycle
 * 2-byte unknown). */
unsigned cycle_decode(cycle_decoder *d, const uint8_t *code, size_t len, uint32_t addr,
                      insn_info *info);
/* Cost of instruction `cur` given the instruction before it in the same
 * block (NULL at a block start): single loads/stores pipeline. */
unsigned cycle_cost(const insn_info *prev, const insn_info *cur);
/* The byte range [*lo, *lo + *len) an instruction accesses, given register
 * values r[0..15] as they stand before it executes (r[15] = its address). */
bool insn_access_range(const insn_info *in, const uint32_t r[16], uint32_t *lo, uint32_t *len);

#endif
