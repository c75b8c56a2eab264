/* The kernel loop and the decisions taken when a process traps (see
 * kernel.h).  Handler-mode paths (kernel_syscall, kernel_trap) only pick
 * what runs next; everything slow or that changes a process's life
 * (exit, restart, faults, console commands) happens in the kernel loop,
 * after the arch has saved the process's registers. */
#include "kernel.h"

#include "abi.h"
#include "bench.h"
#include "driver.h"
#include "fault.h"
#include "kconfig.h"
#include "kprint.h"
#include "loader.h"
#include "sched.h"
#include "shell.h"
#include "syscall.h"

static struct proc *last;     /* the process that ran last */
static bool last_expired;     /* its timeslice is over */
static bool last_interrupted; /* it was only interrupted: it may go on */
static volatile bool service_pending;
static uint8_t sched_kind;

/* The direct switch on a yield is the hot path of the kernel: these are
 * forced inline into it. */
#define HOT_INLINE static inline __attribute__((always_inline))

void kernel_request_service(void)
{
    service_pending = true;
}

HOT_INLINE bool service_needed(void)
{
    return service_pending || arch_events_pending();
}

bool kernel_service_pending(void)
{
    return service_needed();
}

/* The scheduler's choice, with a fresh timeslice unless the same process
 * simply goes on after an interrupt. */
HOT_INLINE struct proc *choose(void)
{
    struct proc *n = sched_pick((enum sched_kind)sched_kind, last, last_expired);
    if (n != NULL && (n != last || !last_interrupted)) {
        arch_slice_restart();
    }
    last_expired = false;
    last_interrupted = false;
    if (n != NULL) {
        last = n;
    }
    return n;
}

HOT_INLINE struct proc *next_direct(void)
{
    return service_needed() ? NULL : choose();
}

/* The process stopped running: who runs next. */
HOT_INLINE struct proc *after_block(struct proc *p)
{
    if (p->flags & PF_PENDING) {
        service_pending = true;
    }
    last = p;
    last_interrupted = false;
    return next_direct();
}

/* The two calls the benchmarks of the kernel issue time, command and
 * yield-wait with nothing queued, take a short path; everything else (and
 * their error cases) goes through syscall_dispatch. */
struct proc *kernel_syscall(struct proc *p, unsigned cls, uint32_t *regs)
{
    if (cls == SYS_COMMAND) {
        const driver *d = driver_get(regs[0]);
        if (d != NULL) {
            d->command(p->id, regs[1], regs[2], regs[3], regs);
            return p;
        }
    } else if (cls == SYS_YIELD && regs[0] == YIELD_WAIT && p->q_count == 0) {
        p->state = PS_YIELDED;
        return after_block(p);
    }
    if (syscall_dispatch(p, cls, regs) == SC_RESUME) {
        return p;
    }
    return after_block(p);
}

struct proc *kernel_trap(struct proc *p, enum trap_reason reason)
{
    last = p;
    last_interrupted = reason == TRAP_INTERRUPT;
    if (reason == TRAP_TIMESLICE) {
        last_expired = true;
        return next_direct();
    }
    if (reason == TRAP_FAULT) {
        p->flags |= PF_FAULT_PENDING;
        service_pending = true;
    }
    return NULL;
}

/* Exits, restarts and faults the handler-mode paths left for us. */
static void service_processes(void)
{
    for (unsigned slot = 0; slot < PROC_MAX; slot++) {
        struct proc *p = proc_slot(slot);
        if (p == NULL || (p->flags & PF_PENDING) == 0) {
            continue;
        }
        unsigned len;
        const char *name = proc_name(p, &len);
        last_expired = true; /* a restarted process queues up behind the others */
        if (p->flags & PF_FAULT_PENDING) {
            bool forced = (p->flags & PF_FORCED) != 0;
            p->flags &= (uint8_t)~PF_FORCED;
            fault_handle(p, forced);
        } else if (p->flags & PF_RESTART_PENDING) {
            klog("%.*s asked to restart (code %u)", (int)len, name, proc_exit_code(p));
            proc_start(p);
        } else {
            klog("%.*s exited (code %u)", (int)len, name, proc_exit_code(p));
            proc_terminate(p);
        }
    }
}

struct proc *kernel_turn(void)
{
    service_pending = false;
    uint32_t events = arch_take_events();
    if (events != 0) {
        capsules_events(events);
    }
    service_processes();
    if (arch_slice_take_expired()) {
        last_expired = true;
    }
#ifdef KERNEL_BENCH
    bench_poll();
#endif
    return choose();
}

static void boot_banner(void)
{
    static const char *const sched_names[] = {"round robin", "cooperative", "priority"};
    const volatile kconfig *c = kconfig_get();
    klog("Bulwark kernel, clock %u Hz, %s scheduler, timeslice %u us", arch_clock_hz(),
         sched_kind <= SCHED_PRIORITY ? sched_names[sched_kind] : "?", c->timeslice_us);
}

_Noreturn void kernel_main(void)
{
    const volatile kconfig *c = kconfig_get();
    sched_kind = c->magic == KCONFIG_MAGIC && c->sched <= SCHED_PRIORITY ? (uint8_t)c->sched
                                                                         : SCHED_ROUND_ROBIN;
    arch_slice_config(sched_kind == SCHED_ROUND_ROBIN ? c->timeslice_us : 0);
    boot_banner();
    capsules_init();
    loader_scan();
    for (;;) {
        struct proc *p = kernel_turn();
        if (p != NULL) {
            arch_run(&p->ctx);
        } else {
            arch_idle();
            last_interrupted = false; /* whoever runs next gets a whole slice */
        }
    }
}

_Noreturn void kernel_panic(const char *why)
{
    klog("panic: %s", why);
    shell_list();
    klog("end of dump");
    arch_console_flush();
    arch_exit(1);
}
