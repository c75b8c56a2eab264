/* Page guard: the MPU's decisions (and the PPB's privileged-only rule) as
 * Unicorn page permissions, so that permitted accesses run at full speed
 * and only forbidden ones, or ones on a page that a region edge cuts, stop
 * in a hook.  Unicorn pages are 1 KiB on M-profile.
 *
 * Permissions are computed per protection context (privileged or not, MPU
 * applying or not), cached until the MPU is reprogrammed, and applied as
 * differences against what Unicorn currently has.  Changing read or execute
 * permission is cheap in Unicorn 2.0.1; changing write permission rebuilds
 * its memory map (about 10 us), so runs of pages are changed together, and
 * once the guard knows Unicorn's CPU it changes permissions without any
 * rebuild, flushing the TLB itself when rights are taken away
 * (guard_unicorn.h). */
#ifndef BULWARK_GUARD_H
#define BULWARK_GUARD_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "mpu.h"

#define GUARD_PAGE 0x400u

enum {
    GUARD_PRIVILEGED = 1, /* context bits */
    GUARD_MPU_APPLIES = 2,
    GUARD_CONTEXTS = 4,
};

enum {
    GUARD_DATA_EDGE = 1, /* page where read/write permission is not uniform */
    GUARD_EXEC_EDGE = 2, /* page where execute permission is not uniform */
};

typedef struct guard guard;

guard *guard_create(uc_engine *uc, const mpu *m);
void guard_destroy(guard *g);
/* Pages [base, base+size) mapped with at most `cap` (UC_PROT_*).  `ppb`:
 * the System PPB rule instead of the MPU (privileged RW, else nothing). */
int guard_add_area(guard *g, uint32_t base, uint32_t size, unsigned cap, bool ppb);
/* The MPU was reprogrammed: every cached context is stale. */
void guard_invalidate(guard *g);
/* Make Unicorn's permissions those of context `ctx`.  Returns how many
 * uc_mem_protect calls it made. */
unsigned guard_apply(guard *g, int ctx);
int guard_context(const guard *g);
/* Any page in the current context whose execute permission is cut by an
 * MPU edge (then blocks on such pages need a precise check). */
bool guard_has_exec_edges(const guard *g);
/* May code on the page holding addr run at all in the current context?
 * (Unicorn checks execute permission only when it translates a block, so
 * blocks translated earlier are checked against this.) */
bool guard_page_executable(const guard *g, uint32_t addr);
/* GUARD_*_EDGE flags of the page holding addr in the current context. */
unsigned guard_edges(const guard *g, uint32_t addr);
/* Give the pages covering [addr, addr+len) their full `cap` for one
 * instruction; guard_reclose() puts the context's permissions back. */
void guard_open(guard *g, uint32_t addr, uint32_t len);
void guard_reclose(guard *g);

typedef struct guard_stats {
    uint64_t applies; /* context switches or reprogramming applied */
    uint64_t protect_calls;
    uint64_t recomputes; /* contexts computed from the MPU registers */
} guard_stats;
const guard_stats *guard_get_stats(const guard *g);

#endif
