/* hardfault_escalation: faults that cannot use their own handler become
 * HardFaults.
 *
 * Asserts, each time: one HardFault (IPSR 3) with HFSR.FORCED, the
 * configurable fault's own CFSR bit still set, and the right stacked PC:
 * - BusFault disabled in SHCSR: load from 0x60000000 -> PRECISERR |
 *   BFARVALID, BFAR 0x60000000, stacked PC at the load;
 * - UsageFault disabled: UDF -> UNDEFINSTR, stacked PC at the UDF;
 * - SVC with PRIMASK set: CFSR 0, stacked PC after the SVC;
 * - BusFault enabled but raised inside the SVC handler, whose priority
 *   (0x00) is higher than BusFault's (0x80): PRECISERR | BFARVALID, the
 *   HardFault handler sees EXC_RETURN 0xFFFFFFF1 (it interrupted a handler).
 * The handler resumes after the instruction and clears CFSR and HFSR by
 * writing their bits back. */
#include "fw.h"

#define SVC_PRIO          0x00u
#define BUSFAULT_PRIO     0x80u
#define SHPR1_BUSFAULT(p) ((uint32_t)(p) << 8)

uint32_t fault_load(uint32_t addr);
void fault_udf(void);
void fault_svc(void);
extern const char fault_load_insn[], fault_udf_insn[], fault_svc_insn[];

static struct {
    unsigned count;
    uint32_t cfsr, hfsr, bfar, pc, ipsr, exc_return;
} seen;
static bool skip_insn;
static unsigned busfaults;

void hardfault_dispatch(exc_frame *f, uint32_t exc_return)
{
    seen.count++;
    seen.cfsr = SCB_CFSR;
    seen.hfsr = SCB_HFSR;
    seen.bfar = SCB_BFAR;
    seen.pc = f->pc;
    seen.ipsr = get_ipsr();
    seen.exc_return = exc_return;
    SCB_CFSR = seen.cfsr; /* write-one-to-clear */
    SCB_HFSR = seen.hfsr;
    if (skip_insn) {
        f->pc += thumb_insn_size(f->pc);
    }
}

EXC_FRAME_HANDLER(hardfault_handler, hardfault_dispatch)

/* Never expected: the escalation must win. */
void busfault_handler(void)
{
    busfaults++;
}

void svc_handler(void)
{
    fault_load(UNMAPPED_ADDR);
}

static uint32_t addr_of(const void *p)
{
    return (uint32_t)(uintptr_t)p & ~1u;
}

static void check_hardfault(const char *what, uint32_t cfsr, uint32_t pc, uint32_t exc_return)
{
    uart_puts(what);
    print_kv_dec("count", seen.count);
    print_kv_hex("hfsr", seen.hfsr);
    print_kv_hex("cfsr", seen.cfsr);
    print_kv_hex("bfar", (seen.cfsr & CFSR_BFARVALID) ? seen.bfar : 0);
    print_kv_hex("pc", seen.pc);
    print_kv_hex("exc_return", seen.exc_return);
    print_nl();
    CHECK(seen.count == 1, "one HardFault");
    CHECK(seen.ipsr == EXC_HARDFAULT, "IPSR 3");
    CHECK(seen.hfsr == HFSR_FORCED, "HFSR = FORCED");
    CHECK(seen.cfsr == cfsr, "CFSR keeps the escalated fault's bit");
    CHECK(!(cfsr & CFSR_BFARVALID) || seen.bfar == UNMAPPED_ADDR, "BFAR = 0x60000000");
    CHECK(seen.pc == pc, "stacked PC");
    CHECK(seen.exc_return == exc_return, "EXC_RETURN");
    CHECK(SCB_CFSR == 0 && SCB_HFSR == 0, "CFSR and HFSR cleared by writing ones");
    seen.count = 0;
}

static void test_disabled_faults(void)
{
    skip_insn = true;
    fault_load(UNMAPPED_ADDR);
    check_hardfault("busfault_disabled", CFSR_PRECISERR | CFSR_BFARVALID, addr_of(fault_load_insn),
                    EXC_RETURN_THREAD_MSP);
    fault_udf();
    check_hardfault("usagefault_disabled", CFSR_UNDEFINSTR, addr_of(fault_udf_insn),
                    EXC_RETURN_THREAD_MSP);
}

static void test_svc_masked(void)
{
    skip_insn = false;                      /* the SVC's return address is already past it */
    __asm volatile("cpsid i" ::: "memory"); /* PRIMASK = 1: SVC cannot be taken */
    fault_svc();
    __asm volatile("cpsie i" ::: "memory"); /* unmask again */
    check_hardfault("svc_primask", 0, addr_of(fault_svc_insn) + 2, EXC_RETURN_THREAD_MSP);
}

static void test_priority_escalation(void)
{
    skip_insn = true;
    SCB_SHPR1 = SHPR1_BUSFAULT(BUSFAULT_PRIO);
    SCB_SHPR2 = SVC_PRIO << 24;
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    barrier();
    fault_svc();
    check_hardfault("busfault_in_svc", CFSR_PRECISERR | CFSR_BFARVALID, addr_of(fault_load_insn),
                    EXC_RETURN_HANDLER);
    CHECK(busfaults == 0, "the BusFault handler never ran");
}

int main(void)
{
    test_begin("hardfault_escalation");
    SCB_SHCSR &= ~(SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA | SHCSR_MEMFAULTENA);
    barrier();
    test_disabled_faults();
    test_svc_masked();
    test_priority_escalation();
    test_end();
}
