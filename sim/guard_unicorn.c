/* RTLD_NEXT: the library's own definitions, found past ours. */
#define _GNU_SOURCE
#include "guard_unicorn.h"

#include <assert.h>
#include <dlfcn.h>
#include <stdlib.h>

/* Unicorn 2.0.1's internal functions (ARM build). */
typedef void commit_fn(void *mr);
typedef void readonly_fn(void *mr, bool readonly);
typedef void tlb_flush_fn(void *cpu);
typedef void tlb_flush_page_fn(void *cpu, uint32_t addr); /* target_ulong: 32 bits */

void memory_region_transaction_commit_arm(void *mr);
void memory_region_set_readonly_arm(void *mr, bool readonly);
void tlb_flush_arm(void *cpu);

/* Everything is per thread: machines on different threads never meet. */
static _Thread_local bool batch;
static _Thread_local void *batch_pending; /* a region, for the deferred rebuild */
static _Thread_local bool writable;       /* keep regions writable in the map */
static _Thread_local void *flushed_cpu;   /* the CPU the last TLB flush was for */

static void *real(const char *name)
{
    void *fn = dlsym(RTLD_NEXT, name);
    assert(fn != NULL); /* only Unicorn calls these, and it defines them */
    return fn;
}

static commit_fn *real_commit(void)
{
    static _Thread_local commit_fn *fn;
    if (fn == NULL) {
        *(void **)&fn = real("memory_region_transaction_commit_arm");
    }
    return fn;
}

static tlb_flush_fn *real_flush(void)
{
    static _Thread_local tlb_flush_fn *fn;
    if (fn == NULL) {
        *(void **)&fn = real("tlb_flush_arm");
    }
    return fn;
}

void memory_region_transaction_commit_arm(void *mr)
{
    if (batch) {
        batch_pending = mr;
        return;
    }
    real_commit()(mr);
}

void memory_region_set_readonly_arm(void *mr, bool readonly)
{
    static _Thread_local readonly_fn *fn;
    if (readonly && writable) {
        return;
    }
    if (fn == NULL) {
        *(void **)&fn = real("memory_region_set_readonly_arm");
    }
    fn(mr, readonly);
}

void tlb_flush_arm(void *cpu)
{
    flushed_cpu = cpu;
    real_flush()(cpu);
}

void guard_unicorn_batch_begin(void)
{
    batch = true;
}

void guard_unicorn_batch_end(void)
{
    batch = false;
    if (batch_pending != NULL) {
        void *mr = batch_pending;
        batch_pending = NULL;
        real_commit()(mr);
    }
}

bool guard_unicorn_batch_open(void)
{
    return batch;
}

void guard_unicorn_protect(uc_engine *uc, uint64_t addr, size_t size, uint32_t perms, void **cpu)
{
    writable = *cpu != NULL;
    flushed_cpu = NULL;
    bool batched = batch;
    if (*cpu == NULL && batched) {
        guard_unicorn_batch_end(); /* a rebuild now shows the CPU */
    }
    uc_mem_protect(uc, addr, size, perms);
    writable = false;
    if (*cpu == NULL) {
        *cpu = flushed_cpu;
        if (batched) {
            guard_unicorn_batch_begin();
        }
    }
}

void guard_unicorn_flush_tlb(void *cpu)
{
    real_flush()(cpu);
}

void guard_unicorn_flush_tlb_page(void *cpu, uint32_t addr)
{
    static _Thread_local tlb_flush_page_fn *fn;
    if (fn == NULL) {
        *(void **)&fn = real("tlb_flush_page_arm");
    }
    fn(cpu, addr);
}
