/* Decoded translation blocks: for every block Unicorn runs, its instructions
 * with their cycle costs and memory accesses, cached by start address.  The
 * block hook charges a whole block at once; the rest of the machine uses
 * the per-instruction detail to place events inside a block. */
#ifndef BULWARK_BLOCKS_H
#define BULWARK_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "cycles.h"

typedef struct block_info {
    uint32_t start;
    uint32_t size;
    uint32_t cycles; /* all instructions, pipelining included */
    uint32_t ninsns;
    uint16_t flags; /* OR of the instructions' INSN_* flags */
    bool ends_cond_branch;
    uint32_t cond_target; /* taken target of a final conditional branch */
    uint8_t *code;        /* a copy of the bytes, kept for blocks in writable memory */
    insn_info *insns;
    uint32_t *prefix;     /* prefix[i]: cycles of insns[0..i-1]; [ninsns] = cycles */
    uint32_t checked_gen; /* may run in protection context generation (0: none) */
    bool unpriv_access;   /* holds an LDRT/STRT-family instruction */
} block_info;

typedef struct block_cache block_cache;

block_cache *block_cache_create(void);
void block_cache_destroy(block_cache *c);
/* The decoded block at addr of `size` bytes, or NULL if not decoded yet. */
block_info *block_cache_find(const block_cache *c, uint32_t addr, uint32_t size);
/* For a block kept with its bytes: are they still what was decoded? */
bool block_cache_current(const block_info *b, uc_engine *uc);
/* Decode the block (again).  `writable`: it lies in memory the CPU can
 * store to, so its bytes are kept and compared on every use (code copied
 * into RAM and then replaced must not be timed or checked as the old). */
block_info *block_cache_add(block_cache *c, uc_engine *uc, uint32_t addr, uint32_t size,
                            bool writable);
void block_cache_flush(block_cache *c);
unsigned block_cache_count(const block_cache *c);

/* Is the 32-bit Thumb instruction starting at `code` one of LDRT, STRT
 * and their byte/halfword forms, which access memory as unprivileged code
 * does whatever the privilege? */
bool block_insn_unprivileged(const uint8_t code[4]);

/* Index of the instruction at pc, or -1. */
int block_insn_index(const block_info *b, uint32_t pc);
/* Which instruction (index >= from) made an access of `kind` to `addr`,
 * given registers as they stand just before it: -1 when none fits. */
int block_find_access(const block_info *b, const uint32_t r[16], uint32_t addr, int kind, int from);
/* An LDRD whose first destination is its base register (index >= from)
 * that faulted on its second word: Unicorn has already written the first
 * word, `first_word`, to the base, so block_find_access cannot see it. */
int block_find_clobbered_ldrd(const block_info *b, const uint32_t r[16], uint32_t first_word,
                              int from);

#endif
