/* mpu_stack: the MPU refusing the exception engine's own stack accesses.
 *
 * Process-like set-up plus THREAD, a 1 KiB region (RW for everyone) with
 * 1 KiB of canaries just below it, and for the interrupt case a region
 * opening TIMER0's registers to unprivileged code.
 * - stacking, SVC: unprivileged code sets SP to THREAD's base and executes
 *   SVC.  The frame would lie below the region: MemManage (IPSR 4) with
 *   CFSR = MSTKERR only (no MMARVALID), EXC_RETURN 0xFFFFFFFD, PSP moved
 *   down by the 32-byte frame, nothing written below the region.  The
 *   handler prints whether the SVC stayed pending (SHCSR.SVCALLPENDED; the
 *   QEMU diff compares it), drops it and resumes the thread through a
 *   frame crafted on the good stack.
 * - stacking, interrupt: the same with SP at THREAD's base while TIMER0's
 *   interrupt arrives (the thread starts the timer itself, after moving
 *   SP, and spins): MSTKERR as above; the IRQ's pending and active bits
 *   at that moment are printed; once the thread is back on a good stack
 *   the IRQ runs exactly once.
 * - unstacking: an SVC taken on THREAD's stack, whose handler makes THREAD
 *   privileged-only (AP 1) before returning: the return cannot read the
 *   frame unprivileged: MemManage with CFSR = MUNSTKERR only, EXC_RETURN
 *   0xFFFFFFFD, PSP still at the frame, SVCall no longer active.  The
 *   handler gives THREAD back (AP 3) and returns, which unstacks the very
 *   same frame: the thread resumes after its SVC with the r0 the SVC
 *   handler put there. */
#include "mpu_common.h"

#define ARENA_BYTES 2048
#define THREAD_OFF  1024u
#define THREAD_LG2  10
#define TIMER0_LG2  12
#define TIMER_TICKS 1000u
#define FRAME_BYTES 32u
#define XPSR_THUMB  (1u << 24)
#define SVC_UNSTACK 2
#define UNSTACK_R0  0x0A11CE55u
#define RESUMED_R0  0x2E5D0E00u
#define CANARY      0xC3u

#define REGION_THREAD 2
#define REGION_TIMER  3

uint32_t stack_probe_svc(uint32_t bad_sp, uint32_t unused);
uint32_t stack_probe_irq(uint32_t bad_sp, uint32_t timer_ctrl_addr);
uint32_t unstack_probe(uint32_t stack_top, uint32_t unused);
extern const char stack_probe_resume[];

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(1024)));

static struct {
    uint32_t irq_pending, irq_active;
    unsigned irq_runs;
} seen;

MPU_HANDLERS_DEFAULT

static uint32_t thread_base(void)
{
    return addr_of(arena) + THREAD_OFF;
}

static void thread_region(uint32_t ap)
{
    mpu_set(REGION_THREAD, thread_base(),
            RASR_ENABLE | RASR_SIZE(THREAD_LG2) | RASR_AP(ap) | RASR_XN | RASR_NORMAL);
}

/* A frame at the bottom of the process stack that resumes the thread. */
static uint32_t crafted_frame(void)
{
    exc_frame *f = (exc_frame *)(void *)proc_stack;
    *f = (exc_frame){.r0 = RESUMED_R0, .pc = addr_of(stack_probe_resume), .xpsr = XPSR_THUMB};
    return addr_of(f);
}

static bool stack_hook(exc_frame *f, uint32_t exc_return)
{
    (void)f;
    (void)exc_return;
    if (fault_seen.cfsr & CFSR_MSTKERR) {
        seen.irq_pending = nvic_is_pending(TIMER0_IRQ);
        seen.irq_active = nvic_is_active(TIMER0_IRQ);
        /* The SVC's frame is lost: drop the SVC. */
        SCB_SHCSR &= ~SHCSR_SVCALLPENDED;
        __asm volatile("msr psp, %0" ::"r"(crafted_frame())); /* resume on a good stack */
        return true;
    }
    if (fault_seen.cfsr & CFSR_MUNSTKERR) {
        thread_region(AP_FULL); /* returning now unstacks the same frame */
        return true;
    }
    return false;
}

static void svc_unstack(exc_frame *f, uint32_t number)
{
    if (number == SVC_UNSTACK) {
        f->r0 = UNSTACK_R0;
        thread_region(AP_PRIV_RW);
    }
}

void timer0_handler(void)
{
    seen.irq_runs++;
    TIMER_CTRL(TIMER0_BASE) = 0;
    TIMER_INTSTATUS(TIMER0_BASE) = 1; /* write one to clear */
}

static bool canaries_intact(void)
{
    for (uint32_t i = 0; i < THREAD_OFF; i++) {
        if (arena[i] != CANARY) {
            return false;
        }
    }
    return true;
}

static void report(const char *what, uint32_t r)
{
    uart_puts(what);
    print_kv_hex("cfsr", fault_seen.cfsr);
    print_kv_dec("count", fault_seen.count);
    print_kv_hex("exc_return", fault_seen.exc_return);
    print_kv_hex("psp", fault_seen.psp);
    print_kv_dec("memfaultact", (fault_seen.shcsr & SHCSR_MEMFAULTACT) != 0);
    print_kv_dec("svc_pending", (fault_seen.shcsr & SHCSR_SVCALLPENDED) != 0);
    print_kv_dec("svc_active", (fault_seen.shcsr & SHCSR_SVCALLACT) != 0);
    print_kv_hex("r0", r);
    print_nl();
}

static void check_stacking(uint32_t r)
{
    CHECK(fault_seen.exc == EXC_MEMMANAGE, "MemManage");
    CHECK(fault_seen.exc_return == EXC_RETURN_THREAD_PSP, "EXC_RETURN of the PSP thread");
    CHECK(fault_seen.psp == thread_base() - FRAME_BYTES, "PSP moved down by the frame");
    CHECK(canaries_intact(), "nothing written below the region");
    CHECK(r == RESUMED_R0, "resumed through the crafted frame");
    EXPECT_FAULT(EXC_MEMMANAGE, CFSR_MSTKERR, 0, NULL);
}

static void test_stacking_svc(void)
{
    uint32_t r = unpriv_call(stack_probe_svc, thread_base(), 0);
    report("stacking_svc", r);
    check_stacking(r);
}

static void test_stacking_irq(void)
{
    mpu_set(REGION_TIMER, TIMER0_BASE,
            RASR_ENABLE | RASR_SIZE(TIMER0_LG2) | RASR_AP(AP_FULL) | RASR_XN | RASR_DEVICE);
    TIMER_CTRL(TIMER0_BASE) = 0;
    TIMER_RELOAD(TIMER0_BASE) = TIMER_TICKS;
    TIMER_VALUE(TIMER0_BASE) = TIMER_TICKS;
    TIMER_INTSTATUS(TIMER0_BASE) = 1;
    nvic_unpend(TIMER0_IRQ);
    nvic_enable(TIMER0_IRQ);
    uint32_t r = unpriv_call(stack_probe_irq, thread_base(), TIMER0_BASE);
    report("stacking_irq", r);
    uart_puts("stacking_irq_state");
    print_kv_dec("irq_pending", seen.irq_pending);
    print_kv_dec("irq_active", seen.irq_active);
    print_kv_dec("irq_runs", seen.irq_runs);
    print_nl();
    check_stacking(r);
    CHECK(seen.irq_runs == 1, "the interrupt ran once, on a good stack");
    nvic_disable(TIMER0_IRQ);
    mpu_off(REGION_TIMER);
}

static void test_unstacking(void)
{
    uint32_t top = thread_base() + (1u << THREAD_LG2);
    uint32_t r = unpriv_call(unstack_probe, top, 0);
    report("unstacking", r);
    CHECK(fault_seen.exc_return == EXC_RETURN_THREAD_PSP, "EXC_RETURN of the PSP thread");
    CHECK(fault_seen.psp == top - FRAME_BYTES, "PSP still at the frame");
    CHECK(!(fault_seen.shcsr & SHCSR_SVCALLACT), "SVCall no longer active");
    CHECK(r == UNSTACK_R0, "the thread resumed from its own frame");
    EXPECT_FAULT(EXC_MEMMANAGE, CFSR_MUNSTKERR, 0, NULL);
}

int main(void)
{
    test_begin("mpu_stack");
    for (uint32_t i = 0; i < ARENA_BYTES; i++) {
        arena[i] = CANARY;
    }
    mpu_process_setup();
    thread_region(AP_FULL);
    fault_hook = stack_hook;
    svc_hook = svc_unstack;
    test_stacking_svc();
    test_stacking_irq();
    test_unstacking();
    mpu_reset();
    test_end();
}
