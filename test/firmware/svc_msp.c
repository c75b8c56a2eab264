/* svc_msp: SVC from privileged thread mode on the main stack.
 *
 * Asserts: the handler sees the caller's r0-r3 in the stacked frame on
 * MSP, EXC_RETURN 0xFFFFFFF9, IPSR 11 and SVCALLACT; the SVC number is
 * decoded from the instruction before the stacked PC; a value written to
 * the stacked r0 is returned to the caller; with SP = 4 (mod 8) the frame
 * is padded to 8 bytes and xPSR bit 9 says so, and SP is restored. */
#include "fw.h"

uint32_t svc_call42(uint32_t a, uint32_t b, uint32_t c, uint32_t d);
uint32_t svc_call0(uint32_t a, uint32_t b, uint32_t c, uint32_t d);
uint32_t svc_call255(uint32_t a, uint32_t b, uint32_t c, uint32_t d);
uint32_t svc_call_misaligned(uint32_t a, uint32_t b, uint32_t c, uint32_t d);
extern const char svc_call42_insn[];
extern uint32_t __stack_top[];

/* The main stack lies in the top of RAM; this test never goes deeper. */
#define MAIN_STACK_SPAN 1024u

#define SVC_INSN_HIGH_BYTE 0xDFu
#define XPSR_STACK_PADDED  (1u << 9)
#define XPSR_THUMB         (1u << 24)

uint32_t svc_sp_before, svc_sp_after;

static struct svc_seen {
    uint32_t number;
    uint32_t insn_high;
    uint32_t exc_return;
    uint32_t frame_addr;
    uint32_t ipsr;
    uint32_t shcsr;
    exc_frame frame;
} seen;

void svc_dispatch(exc_frame *f, uint32_t exc_return)
{
    uint16_t insn = ((const uint16_t *)(uintptr_t)f->pc)[-1];
    seen.number = insn & 0xFFu;
    seen.insn_high = insn >> 8;
    seen.exc_return = exc_return;
    seen.frame_addr = (uint32_t)(uintptr_t)f;
    seen.ipsr = get_ipsr();
    seen.shcsr = SCB_SHCSR;
    seen.frame = *f;
    /* The result travels back in the stacked r0. */
    f->r0 = f->r0 + f->r1 + f->r2 + f->r3 + seen.number;
}

EXC_FRAME_HANDLER(svc_handler, svc_dispatch)

static void print_seen(uint32_t ret)
{
    uart_puts("svc");
    print_kv_dec("num", seen.number);
    print_kv_hex("r0", seen.frame.r0);
    print_kv_hex("r1", seen.frame.r1);
    print_kv_hex("r2", seen.frame.r2);
    print_kv_hex("r3", seen.frame.r3);
    print_kv_hex("exc_return", seen.exc_return);
    print_kv_dec("ipsr", seen.ipsr);
    print_kv_hex("ret", ret);
    print_nl();
}

static void check_call(uint32_t number, uint32_t ret, const uint32_t args[4])
{
    const uint32_t stack_top = (uint32_t)(uintptr_t)__stack_top;
    print_seen(ret);
    CHECK(seen.number == number, "SVC number decoded from the instruction");
    CHECK(seen.insn_high == SVC_INSN_HIGH_BYTE, "stacked PC follows an SVC instruction");
    CHECK(seen.frame.r0 == args[0] && seen.frame.r1 == args[1], "stacked r0/r1 are the arguments");
    CHECK(seen.frame.r2 == args[2] && seen.frame.r3 == args[3], "stacked r2/r3 are the arguments");
    CHECK(seen.exc_return == EXC_RETURN_THREAD_MSP, "EXC_RETURN is 0xFFFFFFF9");
    CHECK(seen.ipsr == EXC_SVCALL, "IPSR is 11 in the SVC handler");
    CHECK(seen.shcsr & SHCSR_SVCALLACT, "SHCSR.SVCALLACT set while in the handler");
    CHECK(seen.frame_addr < stack_top && seen.frame_addr >= stack_top - MAIN_STACK_SPAN,
          "frame sits on the main stack");
    CHECK(seen.frame.xpsr & XPSR_THUMB, "stacked xPSR has the Thumb bit");
    CHECK(ret == args[0] + args[1] + args[2] + args[3] + number, "stacked r0 is returned");
}

static void test_numbers(void)
{
    static const uint32_t a[4] = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u};
    static const uint32_t b[4] = {1, 2, 3, 4};
    static const uint32_t c[4] = {0xFFFFFFFFu, 0, 0x80000000u, 7};

    check_call(42, svc_call42(a[0], a[1], a[2], a[3]), a);
    CHECK(seen.frame.pc == ((uint32_t)(uintptr_t)svc_call42_insn & ~1u) + 2,
          "stacked PC is the instruction after the SVC");
    check_call(0, svc_call0(b[0], b[1], b[2], b[3]), b);
    check_call(255, svc_call255(c[0], c[1], c[2], c[3]), c);
    CHECK(!(SCB_SHCSR & SHCSR_SVCALLACT), "SVCALLACT clear after return");
}

static void test_misaligned(void)
{
    static const uint32_t d[4] = {5, 6, 7, 8};
    check_call(7, svc_call_misaligned(d[0], d[1], d[2], d[3]), d);
    uart_puts("misaligned");
    print_kv_dec("sp_mod8", svc_sp_before % 8);
    print_kv_dec("frame_below_sp", svc_sp_before - seen.frame_addr);
    print_kv_dec("xpsr_bit9", (seen.frame.xpsr >> 9) & 1u);
    print_nl();
    CHECK(svc_sp_before % 8 == 4, "SP was 4 mod 8 at the SVC");
    CHECK(seen.frame_addr % 8 == 0, "frame is 8-byte aligned");
    CHECK(svc_sp_before - seen.frame_addr == 36, "frame padded by one word");
    CHECK(seen.frame.xpsr & XPSR_STACK_PADDED, "stacked xPSR bit 9 flags the padding");
    CHECK(svc_sp_after == svc_sp_before, "SP restored after the return");
}

int main(void)
{
    test_begin("svc_msp");
    REQUIRE(get_control() == 0, "starts privileged on MSP");
    test_numbers();
    test_misaligned();
    test_end();
}
