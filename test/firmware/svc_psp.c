/* svc_psp: unprivileged thread mode on the process stack.
 *
 * Asserts: after CONTROL = SPSEL|nPRIV the thread reads CONTROL 3; an SVC
 * from it enters with EXC_RETURN 0xFFFFFFFD and the frame at PSP (inside
 * the thread's stack) with its r0-r3; MSR PRIMASK and MSR CONTROL are
 * ignored unprivileged; a store to NVIC ISER and a load from it are
 * precise BusFaults (CFSR printed, stacked PC = the access, BFAR = the
 * register) that leave ISER unchanged; an SVC restores privilege. */
#include "fw.h"

#define PSP_STACK_WORDS 256
#define TEST_IRQ        20
#define SVC_ECHO        1
#define SVC_GET_PRIMASK 2
#define SVC_PRIVILEGE   3
#define CONTROL_NPRIV   1u
#define CONTROL_SPSEL   2u
#define BAD_LOAD_RESULT 0xBADBAD00u

void run_unprivileged(void (*body)(void), uint32_t psp_top);
uint32_t svc_echo(uint32_t a, uint32_t b, uint32_t c, uint32_t d);
uint32_t svc_get_primask(void);
void svc_privilege(void);
void unpriv_try_set_primask(void);
void unpriv_try_clear_npriv(void);
void scs_store(uint32_t addr, uint32_t value);
uint32_t scs_load(uint32_t addr);
extern const char scs_store_insn[], scs_load_insn[];

static uint64_t psp_stack[PSP_STACK_WORDS / 2]; /* 8-byte aligned */

static struct {
    uint32_t exc_return, frame_addr, psp;
    exc_frame frame;
} svc_seen;

static struct {
    unsigned count;
    uint32_t cfsr, bfar, pc, exc_return;
} bus_seen;

static uint32_t addr_of(const void *p)
{
    return (uint32_t)(uintptr_t)p & ~1u;
}

void svc_dispatch(exc_frame *f, uint32_t exc_return)
{
    uint32_t number = ((const uint16_t *)(uintptr_t)f->pc)[-1] & 0xFFu;
    svc_seen.exc_return = exc_return;
    svc_seen.frame_addr = (uint32_t)(uintptr_t)f;
    svc_seen.psp = get_psp();
    svc_seen.frame = *f;
    if (number == SVC_ECHO) {
        f->r0 = f->r0 ^ f->r1 ^ f->r2 ^ f->r3;
    } else if (number == SVC_GET_PRIMASK) {
        f->r0 = get_primask();
    } else if (number == SVC_PRIVILEGE) {
        __asm volatile("msr control, %0" /* clear nPRIV; SPSEL comes back from EXC_RETURN */
                       ::"r"(get_control() & ~CONTROL_NPRIV));
    }
}

void busfault_dispatch(exc_frame *f, uint32_t exc_return)
{
    bus_seen.count++;
    bus_seen.cfsr = SCB_CFSR;
    bus_seen.bfar = SCB_BFAR;
    bus_seen.pc = f->pc;
    bus_seen.exc_return = exc_return;
    SCB_CFSR = bus_seen.cfsr; /* write-one-to-clear */
    f->r0 = BAD_LOAD_RESULT;
    f->pc += thumb_insn_size(f->pc);
}

EXC_FRAME_HANDLER(svc_handler, svc_dispatch)
EXC_FRAME_HANDLER(busfault_handler, busfault_dispatch)

static void unpriv_svc(void)
{
    uint32_t lo = addr_of(psp_stack);
    uint32_t hi = lo + sizeof(psp_stack);
    uint32_t ret = svc_echo(0xA5A5A5A5u, 0x0F0F0F0Fu, 0x00FF00FFu, 0x12345678u);
    uart_puts("svc");
    print_kv_hex("exc_return", svc_seen.exc_return);
    print_kv_hex("r0", svc_seen.frame.r0);
    print_kv_hex("r3", svc_seen.frame.r3);
    print_kv_hex("ret", ret);
    print_kv_dec("frame_at_psp", svc_seen.frame_addr == svc_seen.psp);
    print_nl();
    CHECK(svc_seen.exc_return == EXC_RETURN_THREAD_PSP, "EXC_RETURN is 0xFFFFFFFD");
    CHECK(svc_seen.frame_addr == svc_seen.psp, "frame at PSP");
    CHECK(svc_seen.frame_addr >= lo && svc_seen.frame_addr + 32 <= hi, "frame on thread stack");
    CHECK(svc_seen.frame.r1 == 0x0F0F0F0Fu && svc_seen.frame.r2 == 0x00FF00FFu, "stacked r1/r2");
    CHECK(ret == (0xA5A5A5A5u ^ 0x0F0F0F0Fu ^ 0x00FF00FFu ^ 0x12345678u), "result via stacked r0");
}

static void unpriv_msr(void)
{
    unpriv_try_set_primask();
    uint32_t primask = svc_get_primask();
    unpriv_try_clear_npriv();
    uint32_t control = get_control();
    uart_puts("unprivileged msr");
    print_kv_dec("primask", primask);
    print_kv_dec("control", control);
    print_nl();
    CHECK(primask == 0, "unprivileged MSR PRIMASK ignored");
    CHECK(control == (CONTROL_NPRIV | CONTROL_SPSEL), "unprivileged MSR CONTROL ignored");
}

static void report_busfault(const char *what, const char *insn)
{
    uart_puts(what);
    print_kv_dec("count", bus_seen.count);
    print_kv_hex("cfsr", bus_seen.cfsr);
    print_kv_hex("bfar", bus_seen.bfar);
    print_kv_hex("exc_return", bus_seen.exc_return);
    print_kv_dec("pc_is_access", bus_seen.pc == addr_of(insn));
    print_nl();
    CHECK(bus_seen.count == 1, "exactly one BusFault");
    CHECK(bus_seen.cfsr == (CFSR_PRECISERR | CFSR_BFARVALID), "CFSR = PRECISERR | BFARVALID");
    CHECK(bus_seen.bfar == NVIC_ISER0_ADDR, "BFAR = NVIC_ISER0");
    CHECK(bus_seen.pc == addr_of(insn), "stacked PC = the faulting access");
    CHECK(bus_seen.exc_return == EXC_RETURN_THREAD_PSP, "BusFault came from the PSP thread");
    bus_seen.count = 0;
}

static void unpriv_scs_access(void)
{
    scs_store(NVIC_ISER0_ADDR, 1u << TEST_IRQ);
    report_busfault("busfault store", scs_store_insn);
    uint32_t v = scs_load(NVIC_ISER0_ADDR);
    report_busfault("busfault load", scs_load_insn);
    CHECK(v == BAD_LOAD_RESULT, "the handler's r0 replaced the load result");
}

static void unprivileged_body(void)
{
    uint32_t control = get_control();
    uart_puts("thread");
    print_kv_dec("control", control);
    print_nl();
    CHECK(control == (CONTROL_NPRIV | CONTROL_SPSEL), "CONTROL = nPRIV | SPSEL");
    unpriv_svc();
    unpriv_msr();
    unpriv_scs_access();
    svc_privilege();
}

int main(void)
{
    test_begin("svc_psp");
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    nvic_disable(TEST_IRQ);
    run_unprivileged(unprivileged_body, addr_of(psp_stack) + sizeof(psp_stack));
    uint32_t control = get_control();
    uart_puts("back");
    print_kv_dec("control", control);
    print_kv_dec("iser_bit", (NVIC_ISER(0) >> TEST_IRQ) & 1u);
    print_nl();
    CHECK(control == 0, "privileged on MSP again");
    CHECK(!((NVIC_ISER(0) >> TEST_IRQ) & 1u), "unprivileged ISER write had no effect");
    test_end();
}
