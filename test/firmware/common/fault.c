/* Fault decoding, and what every vector the firmware does not define ends
 * in (startup.c): anything unexpected is reported and fails the test. */
#include "fw.h"

void fault_report(const char *what, const exc_frame *f)
{
    uart_puts(what);
    print_kv_hex("cfsr", SCB_CFSR);
    print_kv_hex("hfsr", SCB_HFSR);
    print_kv_hex("mmfar", SCB_MMFAR);
    print_kv_hex("bfar", SCB_BFAR);
    print_kv_hex("pc", f->pc);
    print_kv_hex("lr", f->lr);
    print_kv_hex("xpsr", f->xpsr);
    print_nl();
}

uint32_t thumb_insn_size(uint32_t addr)
{
    uint16_t first = *(const volatile uint16_t *)(uintptr_t)addr;
    /* 0b11101, 0b11110 and 0b11111 in bits 15:11 start a 32-bit encoding. */
    return (first >> 11) >= 0x1Du ? 4u : 2u;
}

void fault_unexpected(const exc_frame *f, uint32_t exc_return)
{
    uint32_t exc = get_ipsr() & ICSR_VECTACTIVE_MASK;
    uart_puts("unexpected exception");
    print_kv_dec("number", exc);
    print_kv_hex("exc_return", exc_return);
    print_nl();
    fault_report(exc == EXC_HARDFAULT ? "hardfault" : "fault", f);
    check_failed("unexpected exception", FW_FILE, __LINE__);
    test_end();
}
