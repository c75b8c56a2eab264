/* Process fault policy and dump (see fault.h). */
#include "fault.h"

#include "kernel.h"
#include "kprint.h"

enum fault_action fault_decide(uint32_t policy, uint32_t restarts, uint32_t max_restarts)
{
    switch (policy) {
    case FAULT_RESTART:
        return FA_RESTART;
    case FAULT_RESTART_N:
        return restarts < max_restarts ? FA_RESTART : FA_STOP;
    case FAULT_PANIC:
        return FA_PANIC;
    default:
        return FA_STOP;
    }
}

static void map_edge(uaddr addr, const char *note)
{
    klog("  0x%08x +----------------------------- %s", addr, note);
}

static void map_area(const char *what, uint32_t bytes)
{
    klog("             | %-24s %6u", what, bytes);
}

/* Stack from the block start up to the stack hint (memop 10), data and
 * heap up to the break, free space, grants, the kernel's top area. */
static void print_ram(struct proc *p)
{
    uaddr block = proc_block(p), end = proc_block_end(p);
    uaddr kernel_lo = end - proc_kernel_area();
    uaddr stack_top = p->stack_hint != 0 ? block + p->stack_hint : block;
    uaddr heap = p->heap_hint != 0 ? block + p->heap_hint : stack_top;
    uint32_t sp = arch_ctx_sp(&p->ctx);
    map_edge(end, "block end");
    map_area("control block, upcalls", end - kernel_lo);
    map_edge(kernel_lo, "");
    map_area("grants", kernel_lo - p->grant_lo);
    map_edge(p->grant_lo, "grant start");
    map_area("free", p->grant_lo - p->brk);
    map_edge(p->brk, "break");
    if (heap >= stack_top && heap <= p->brk) {
        map_area("heap", p->brk - heap);
        map_edge(heap, "heap start");
        map_area("data, bss", heap - stack_top);
    }
    map_edge(stack_top, "stack top");
    if (p->stack_hint == 0) {
        klog("             | stack: sp 0x%08x (no stack hint from the process)", sp);
    } else if (sp >= block && sp <= stack_top) {
        klog("             | stack: %u of %u bytes used", stack_top - sp, stack_top - block);
    } else {
        klog("             | stack: sp 0x%08x lies outside [0x%08x, 0x%08x]", sp, block, stack_top);
    }
    map_edge(block, "block start");
}

void fault_print_map(struct proc *p)
{
    unsigned len;
    const char *name = proc_name(p, &len);
    klog(" memory map of %.*s: RAM block %u bytes, break 0x%08x", (int)len, name,
         proc_block_size(p), p->brk);
    print_ram(p);
    klog("  flash 0x%08x-0x%08x, code 0x%08x-0x%08x", p->tbf, proc_flash_end(p), proc_code_start(p),
         p->code_end);
}

static void apply(struct proc *p, enum fault_action action, uint32_t policy, uint32_t max)
{
    unsigned len;
    const char *name = proc_name(p, &len);
    if (action == FA_PANIC) {
        klog(" policy: panic");
        klog("end of dump");
        kernel_panic("a process faulted and its fault policy is panic");
    }
    if (action == FA_RESTART) {
        p->restarts++;
        if (policy == FAULT_RESTART_N) {
            klog(" policy: restart (%u of %u)", p->restarts, max);
        } else {
            klog(" policy: restart");
        }
        klog("end of dump");
        proc_start(p);
        klog("%.*s restarted", (int)len, name);
        return;
    }
    klog(" policy: stop%s", policy == FAULT_RESTART_N ? " (restart limit reached)" : "");
    klog("end of dump");
}

void fault_handle(struct proc *p, bool forced)
{
    unsigned len;
    const char *name = proc_name(p, &len);
    p->flags &= (uint8_t)~PF_FAULT_PENDING;
    klog("process %.*s faulted", (int)len, name);
    arch_fault_print(&p->ctx, forced);
    fault_print_map(p);
    uint32_t max = 0;
    uint32_t policy = kconfig_fault_policy(name, len, &max);
    proc_mark_faulted(p);
    apply(p, fault_decide(policy, p->restarts, max), policy, max);
}
