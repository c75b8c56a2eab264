/* stack_fault: faults of the exception engine's own stack accesses.
 *
 * - stacking: an SVC taken while PSP points at unmapped memory.  Asserts a
 *   BusFault with STKERR and no BFARVALID, EXC_RETURN 0xFFFFFFFD, PSP moved
 *   down by the frame size as if it had been written; prints whether the SVC
 *   stayed pending (the QEMU comparison checks that).
 * - unstacking: an SVC handler points PSP at unmapped memory and returns.
 *   Asserts a BusFault with UNSTKERR, EXC_RETURN 0xFFFFFFFD, PSP untouched.
 * The BusFault handler never reads the broken frame: it moves PSP to a
 * frame crafted here, which resumes the thread. */
#include "fw.h"

#define BAD_STACK          0x60000100u /* unmapped in Bulwark and in QEMU */
#define SHCSR_SVCALLPENDED (1u << 15)
#define CFSR_UNSTKERR      (1u << 11)
#define CFSR_STKERR        (1u << 12)
#define XPSR_THUMB         (1u << 24)

void stkerr_probe(uint32_t bad_psp);
void unstkerr_probe(uint32_t good_psp);
extern const char stack_fault_resume[];

static uint32_t thread_stack[64] __attribute__((aligned(8)));
static volatile uint32_t fix_psp;
static volatile struct {
    uint32_t count, cfsr, shcsr, exc_return, psp;
} bf;

/* A frame that returns to stack_fault_resume in thread mode. */
static uint32_t craft_frame(void)
{
    exc_frame *f = (exc_frame *)&thread_stack[64 - 8];
    *f = (exc_frame){.pc = (uint32_t)(uintptr_t)stack_fault_resume & ~1u, .xpsr = XPSR_THUMB};
    return (uint32_t)(uintptr_t)f;
}

void busfault_handler(void)
{
    uint32_t lr = (uint32_t)(uintptr_t)__builtin_return_address(0);
    bf.count++;
    bf.cfsr = SCB_CFSR;
    bf.shcsr = SCB_SHCSR;
    bf.exc_return = lr;
    bf.psp = get_psp();
    SCB_CFSR = bf.cfsr;                           /* write one to clear */
    SCB_SHCSR &= ~SHCSR_SVCALLPENDED;             /* the SVC's frame is gone: drop it */
    __asm volatile("msr psp, %0" ::"r"(fix_psp)); /* resume through the crafted frame */
}

void svc_handler(void)
{
    __asm volatile("msr psp, %0" ::"r"(BAD_STACK)); /* unstacking must fail */
}

static void report(const char *name)
{
    uart_puts(name);
    print_kv_dec("count", bf.count);
    print_kv_hex("cfsr", bf.cfsr);
    print_kv_dec("svc_pending", (bf.shcsr & SHCSR_SVCALLPENDED) != 0);
    print_kv_dec("busfaultact", (bf.shcsr & SHCSR_BUSFAULTACT) != 0);
    print_kv_hex("exc_return", bf.exc_return);
    print_kv_hex("psp", bf.psp);
    print_nl();
}

static void test_stacking(void)
{
    bf.count = 0;
    fix_psp = craft_frame();
    stkerr_probe(BAD_STACK);
    report("stacking");
    CHECK(bf.count == 1, "one BusFault");
    CHECK(bf.cfsr == CFSR_STKERR, "CFSR is exactly STKERR (no BFARVALID)");
    CHECK(bf.exc_return == 0xFFFFFFFDu, "EXC_RETURN of the thread on PSP");
    CHECK(bf.psp == BAD_STACK - 32u, "PSP moved down by the frame");
    CHECK(get_control() == 0, "back on MSP, privileged");
}

static void test_unstacking(void)
{
    bf.count = 0;
    fix_psp = craft_frame();
    unstkerr_probe((uint32_t)(uintptr_t)&thread_stack[32]);
    report("unstacking");
    CHECK(bf.count == 1, "one BusFault");
    CHECK(bf.cfsr == CFSR_UNSTKERR, "CFSR is exactly UNSTKERR");
    CHECK(bf.exc_return == 0xFFFFFFFDu, "the BusFault returns where the SVC would have");
    CHECK(bf.psp == BAD_STACK, "PSP not moved by the failed unstacking");
}

int main(void)
{
    test_begin("stack_fault");
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    barrier();
    test_stacking();
    test_unstacking();
    test_end();
}
