/* Cheaper page-permission changes in Unicorn 2.0.1, for the page guard.
 *
 * Unicorn rebuilds its whole memory map, and flushes the TLB, every time a
 * RAM region's write permission changes (about 10 us here): uc_mem_protect
 * marks the region read-only in QEMU's map, so that stores miss the TLB.
 * That mark is not needed for checking: every load or store that misses
 * the TLB, and every store to RAM (whose TLB entries make it take the slow
 * path until a store was allowed), is checked against the region's
 * permission before it happens.  What the rebuild really provides is the
 * TLB flush, which drops entries made while more was allowed.
 *
 * So the guard's own permission changes leave RAM writable in the map and
 * flush the TLB themselves when they take a right away.  The library calls
 * the functions involved through its PLT or GOT, so the definitions in
 * guard_unicorn.c take their place and forward to the real ones.  The CPU
 * to flush is learned from the first rebuild (which flushes it); until
 * then, and with a Unicorn build that does not call these functions,
 * changes are made the ordinary way.  Rebuilds that still happen inside a
 * batch are deferred to its end. */
#ifndef BULWARK_GUARD_UNICORN_H
#define BULWARK_GUARD_UNICORN_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

void guard_unicorn_batch_begin(void);
void guard_unicorn_batch_end(void);
bool guard_unicorn_batch_open(void);

/* uc_mem_protect; with *cpu known, RAM stays writable in the map (the
 * caller flushes the TLB when taking rights away), else *cpu learns the
 * CPU if the change rebuilt the map. */
void guard_unicorn_protect(uc_engine *uc, uint64_t addr, size_t size, uint32_t perms, void **cpu);
void guard_unicorn_flush_tlb(void *cpu);
/* Only the entries of the page holding addr, in every MMU index. */
void guard_unicorn_flush_tlb_page(void *cpu, uint32_t addr);

#endif
