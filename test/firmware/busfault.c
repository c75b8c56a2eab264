/* busfault: precise BusFaults on loads from unmapped memory.
 *
 * Asserts: with BusFault enabled in SHCSR, a 16-bit load from 0x60000000
 * enters the BusFault handler (IPSR 5, BUSFAULTACT set) with CFSR =
 * PRECISERR | BFARVALID, BFAR = 0x60000000 and the stacked PC at the
 * load; the handler skips the load, replaces its result through the
 * stacked r0 and returns; writing the bits back clears CFSR.  A 32-bit
 * load from 0x60000000 + 4 reports BFAR 0x60000004 and resumes after the
 * 4-byte instruction.  Execution continues normally afterwards. */
#include "fw.h"

#define HANDLER_RESULT 0xB0B0CAFEu

uint32_t fault_load(uint32_t addr);
uint32_t fault_load_wide(uint32_t addr);
extern const char fault_load_insn[], fault_load_wide_insn[];

static struct {
    unsigned count;
    uint32_t cfsr, bfar, pc, ipsr, shcsr, skipped;
} seen;

void busfault_dispatch(exc_frame *f, uint32_t exc_return)
{
    (void)exc_return;
    seen.count++;
    seen.cfsr = SCB_CFSR;
    seen.bfar = SCB_BFAR;
    seen.pc = f->pc;
    seen.ipsr = get_ipsr();
    seen.shcsr = SCB_SHCSR;
    seen.skipped = thumb_insn_size(f->pc);
    SCB_CFSR = seen.cfsr; /* write-one-to-clear */
    f->pc += seen.skipped;
    f->r0 = HANDLER_RESULT;
}

EXC_FRAME_HANDLER(busfault_handler, busfault_dispatch)

static void check_fault(const char *what, uint32_t result, const char *insn, uint32_t addr,
                        uint32_t size)
{
    uint32_t insn_addr = (uint32_t)(uintptr_t)insn & ~1u;
    uart_puts(what);
    print_kv_dec("count", seen.count);
    print_kv_hex("cfsr", seen.cfsr);
    print_kv_hex("bfar", seen.bfar);
    print_kv_hex("pc", seen.pc);
    print_kv_dec("ipsr", seen.ipsr);
    print_kv_dec("busfaultact", (seen.shcsr & SHCSR_BUSFAULTACT) != 0);
    print_kv_dec("skipped", seen.skipped);
    print_kv_hex("result", result);
    print_kv_hex("cfsr_after", SCB_CFSR);
    print_nl();
    CHECK(seen.count == 1, "one BusFault");
    CHECK(seen.cfsr == (CFSR_PRECISERR | CFSR_BFARVALID), "CFSR = PRECISERR | BFARVALID");
    CHECK(seen.bfar == addr, "BFAR = the faulting address");
    CHECK(seen.pc == insn_addr, "stacked PC = the faulting load");
    CHECK(seen.ipsr == EXC_BUSFAULT, "IPSR 5");
    CHECK(seen.skipped == size, "instruction size");
    CHECK(seen.shcsr & SHCSR_BUSFAULTACT, "BUSFAULTACT while handling");
    CHECK(result == HANDLER_RESULT, "resumed after the load with the handler's r0");
    CHECK(SCB_CFSR == 0, "CFSR cleared by writing ones");
    seen.count = 0;
}

int main(void)
{
    test_begin("busfault");
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    barrier();
    uint32_t r = fault_load(UNMAPPED_ADDR);
    check_fault("load", r, fault_load_insn, UNMAPPED_ADDR, 2);
    r = fault_load_wide(UNMAPPED_ADDR);
    check_fault("load_wide", r, fault_load_wide_insn, UNMAPPED_ADDR + 4, 4);
    uart_puts("after");
    print_kv_dec("busfaultact", (SCB_SHCSR & SHCSR_BUSFAULTACT) != 0);
    print_nl();
    CHECK(!(SCB_SHCSR & SHCSR_BUSFAULTACT), "BUSFAULTACT clear after return");
    test_end();
}
