/* usagefault: each UsageFault cause, with UsageFault enabled in SHCSR.
 *
 * Asserts, for every case, exactly one UsageFault (IPSR 6), the single
 * expected CFSR bit, and the stacked PC at the faulting instruction:
 * - UDF (16-bit and 32-bit): UNDEFINSTR;
 * - SDIV and UDIV by zero with CCR.DIV_0_TRP: DIVBYZERO (without the
 *   trap they return 0 and do not fault);
 * - an unaligned LDR with CCR.UNALIGN_TRP: UNALIGNED (without it the load
 *   just works); an unaligned LDM: UNALIGNED.  The architecture faults an
 *   unaligned LDM whatever CCR says; Bulwark only checks it while a CCR trap
 *   is enabled (a known limitation, see README), so it is run with
 *   UNALIGN_TRP set, where both must agree;
 * - BLX to an address with bit 0 clear: INVSTATE, with the stacked PC at
 *   the branch target and the stacked xPSR T bit clear.
 * The handler resumes after the instruction (or at the caller for
 * INVSTATE) and clears CFSR by writing the bits back. */
#include "fw.h"

#define XPSR_THUMB (1u << 24)

uint32_t fault_load(uint32_t addr);
uint32_t fault_ldm(uint32_t addr);
void fault_udf(void);
void fault_udf_wide(void);
int32_t fault_sdiv(int32_t a, int32_t b);
uint32_t fault_udiv(uint32_t a, uint32_t b);
void fault_blx(uint32_t target);
extern const char fault_load_insn[], fault_ldm_insn[], fault_udf_insn[], fault_udf_wide_insn[];
extern const char fault_sdiv_insn[], fault_udiv_insn[];

static struct {
    unsigned count;
    uint32_t cfsr, pc, ipsr, xpsr;
} seen;

static uint32_t words[2] = {0x11223344u, 0x55667788u};

void usagefault_dispatch(exc_frame *f, uint32_t exc_return)
{
    (void)exc_return;
    seen.count++;
    seen.cfsr = SCB_CFSR;
    seen.pc = f->pc;
    seen.ipsr = get_ipsr();
    seen.xpsr = f->xpsr;
    SCB_CFSR = seen.cfsr; /* write-one-to-clear */
    if (seen.cfsr & CFSR_INVSTATE) {
        /* Resume at the caller of the bad BLX, in Thumb state again. */
        f->pc = f->lr & ~1u;
        f->xpsr |= XPSR_THUMB;
    } else {
        f->pc += thumb_insn_size(f->pc);
    }
}

EXC_FRAME_HANDLER(usagefault_handler, usagefault_dispatch)

static uint32_t addr_of(const void *p)
{
    return (uint32_t)(uintptr_t)p & ~1u;
}

static void check_fault(const char *what, uint32_t cfsr_bit, uint32_t pc)
{
    uart_puts(what);
    print_kv_dec("count", seen.count);
    print_kv_hex("cfsr", seen.cfsr);
    print_kv_hex("pc", seen.pc);
    print_kv_dec("ipsr", seen.ipsr);
    print_kv_dec("xpsr_t", (seen.xpsr >> 24) & 1u);
    print_nl();
    CHECK(seen.count == 1, what);
    CHECK(seen.cfsr == cfsr_bit, "CFSR holds exactly the expected cause");
    CHECK(seen.pc == pc, "stacked PC = the faulting instruction");
    CHECK(seen.ipsr == EXC_USAGEFAULT, "IPSR 6");
    CHECK(SCB_CFSR == 0, "CFSR cleared by writing ones");
    seen.count = 0;
}

static void test_undefined(void)
{
    fault_udf();
    check_fault("udf", CFSR_UNDEFINSTR, addr_of(fault_udf_insn));
    fault_udf_wide();
    check_fault("udf_wide", CFSR_UNDEFINSTR, addr_of(fault_udf_wide_insn));
}

static void test_divide(void)
{
    int32_t q = fault_sdiv(7, 0);
    uint32_t uq = fault_udiv(7, 0);
    uart_puts("div0_no_trap");
    print_kv_dec("count", seen.count);
    print_kv_dec("sdiv", (uint32_t)q);
    print_kv_dec("udiv", uq);
    print_nl();
    CHECK(seen.count == 0 && q == 0 && uq == 0, "division by zero gives 0 without the trap");
    SCB_CCR |= CCR_DIV_0_TRP;
    barrier();
    fault_sdiv(7, 0);
    check_fault("sdiv0", CFSR_DIVBYZERO, addr_of(fault_sdiv_insn));
    fault_udiv(7, 0);
    check_fault("udiv0", CFSR_DIVBYZERO, addr_of(fault_udiv_insn));
    CHECK(fault_sdiv(-9, 3) == -3, "non-zero divisor still divides");
    SCB_CCR &= ~CCR_DIV_0_TRP;
}

static void test_unaligned(void)
{
    uint32_t odd = (uint32_t)(uintptr_t)words + 1;
    uint32_t v = fault_load(odd);
    uart_puts("unaligned_no_trap");
    print_kv_dec("count", seen.count);
    print_kv_hex("value", v);
    print_nl();
    CHECK(seen.count == 0 && v == 0x88112233u, "unaligned LDR works without the trap");
    SCB_CCR |= CCR_UNALIGN_TRP;
    barrier();
    fault_load(odd);
    check_fault("unaligned_trap", CFSR_UNALIGNED, addr_of(fault_load_insn));
    fault_ldm(odd);
    check_fault("unaligned_ldm", CFSR_UNALIGNED, addr_of(fault_ldm_insn));
    SCB_CCR &= ~CCR_UNALIGN_TRP;
    barrier();
}

static void invstate_target(void) {}

static void test_invstate(void)
{
    uint32_t target = addr_of((const void *)(uintptr_t)invstate_target);
    fault_blx(target);
    CHECK(!(seen.xpsr & XPSR_THUMB), "stacked xPSR has T clear");
    check_fault("invstate", CFSR_INVSTATE, target);
}

int main(void)
{
    test_begin("usagefault");
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    barrier();
    test_undefined();
    test_divide();
    test_unaligned();
    test_invstate();
    test_end();
}
