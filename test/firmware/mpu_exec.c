/* mpu_exec: instruction fetches under the MPU.
 *
 * Process-like set-up; a 4 KiB-aligned RAM arena holds copies of a tiny
 * function ("movs r0, #42; bx lr") under different regions, and each is
 * called (probe_call, r0 = a sentinel) unprivileged and privileged:
 * - EXEC (1 KiB, AP 3, XN 0): runs for both, returns 42, no fault; the
 *   same region then made XN: the code that already ran now faults as NX
 *   below; XN cleared again: it runs again;
 * - NX (1 KiB, AP 3, XN 1): MemManage (IPSR 4) with CFSR = IACCVIOL only
 *   (no MMARVALID) for both, stacked PC = the target, stacked LR = the
 *   return address of the BLX, r0 still the sentinel;
 * - NOREAD (1 KiB, AP 1, XN 0: privileged RW, no unprivileged access):
 *   IACCVIOL unprivileged, runs privileged;
 * - no region at all: IACCVIOL unprivileged, runs privileged (PRIVDEFENA:
 *   the default map lets privileged code execute from SRAM);
 * - running off the end of EXEC into NX: the instructions before the edge
 *   run (r0 = 2), the first one past it faults (IACCVIOL, stacked PC = the
 *   edge); a 32-bit instruction whose second halfword lies past the edge
 *   faults with the stacked PC at its first halfword and r0 = 1;
 * - running off the end of a 256-byte executable region in the middle of
 *   a 1 KiB page into memory no region covers: the same, unprivileged.
 *   Bulwark only: QEMU checks fetch permission where a translated block
 *   starts and at 1 KiB page crossings, so it runs on past such an edge. */
#include "mpu_common.h"

#define ARENA_BYTES 4096
#define EXEC_OFF    0x000u
#define NX_OFF      0x400u
#define NOREAD_OFF  0x800u
#define NONE_OFF    0xC00u /* no region: code at NONE_OFF itself */
#define MID_OFF     0xD00u /* 256-byte executable region, ends mid-page */
#define MID_LG2     8

#define REGION_EXEC   2
#define REGION_NX     3
#define REGION_NOREAD 4
#define REGION_MID    5

#define SENTINEL 0x5E5E5E5Eu
#define ANSWER   42u

/* Thumb encodings of the code copied into RAM. */
#define T_MOVS_R0(imm) (0x2000u | (imm)) /* movs r0, #imm */
#define T_BX_LR        0x4770u           /* bx lr */
#define T_MOVW_R0_7_HI 0xF240u           /* movw r0, #7 (first halfword) */
#define T_MOVW_R0_7_LO 0x0007u           /* movw r0, #7 (second halfword) */

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(ARENA_BYTES)));

MPU_HANDLERS_DEFAULT

static uint32_t at(uint32_t off)
{
    return addr_of(arena) + off;
}

/* Writes Thumb halfwords at arena + off and makes the core fetch them. */
static void put_code(uint32_t off, const uint16_t *code, unsigned n)
{
    volatile uint16_t *dst = (volatile uint16_t *)(uintptr_t)at(off);
    for (unsigned i = 0; i < n; i++) {
        dst[i] = code[i];
    }
    barrier();
}

static void put_answer(uint32_t off)
{
    static const uint16_t code[] = {T_MOVS_R0(ANSWER), T_BX_LR};
    put_code(off, code, 2);
}

static void region(unsigned n, uint32_t off, unsigned lg2, uint32_t ap, uint32_t xn)
{
    mpu_set(n, at(off), RASR_ENABLE | RASR_SIZE(lg2) | RASR_AP(ap) | xn | RASR_NORMAL);
}

static uint32_t call(bool privileged, uint32_t target)
{
    if (privileged) {
        return probe_call(target, SENTINEL);
    }
    return unpriv_call(probe_call, target, SENTINEL);
}

/* Starts every observation line: BULWARK_ONLY while a check runs that
 * QEMU cannot do (see test_run_off_the_end). */
static const char *line_start = "";

static void observe(const char *what, bool privileged, uint32_t target, uint32_t result)
{
    uart_puts(line_start);
    uart_puts(what);
    uart_puts(privileged ? " priv" : " unpriv");
    print_kv_hex("target", target);
    print_kv_hex("result", result);
    print_fault();
    if (fault_seen.count != 0) {
        print_kv_hex("pc", fault_seen.frame.pc);
    }
    print_nl();
}

static void expect_runs(const char *what, bool privileged, uint32_t target)
{
    uint32_t r = call(privileged, target);
    observe(what, privileged, target, r);
    EXPECT_NO_FAULT();
    CHECK(r == ANSWER, "the code ran");
}

/* A fetch fault at fault_pc for code entered at target; `result` is what
 * r0 must hold (the instructions before the fault ran, the faulting one
 * did not). */
static void expect_fetch_fault(const char *what, bool privileged, uint32_t target,
                               uint32_t fault_pc, uint32_t result)
{
    uint32_t r = call(privileged, target);
    observe(what, privileged, target, r);
    if (fault_seen.count == 1) {
        CHECK(fault_seen.frame.pc == fault_pc, "stacked PC = the first instruction not to run");
        CHECK(fault_seen.frame.lr == (addr_of(probe_call_ret) | 1u),
              "stacked LR = the BLX's return");
        CHECK(fault_seen.exc_return == (privileged ? EXC_RETURN_THREAD_MSP : EXC_RETURN_THREAD_PSP),
              "EXC_RETURN of the calling thread");
    }
    EXPECT_FAULT(EXC_MEMMANAGE, CFSR_IACCVIOL, 0, NULL);
    CHECK(r == result, "r0 as the last instruction before the fault left it");
}

static void test_permissions(void)
{
    expect_runs("exec", false, at(EXEC_OFF));
    expect_runs("exec", true, at(EXEC_OFF));
    /* The same code, already run, in the same region made XN, then not. */
    region(REGION_EXEC, EXEC_OFF, 10, AP_FULL, RASR_XN);
    expect_fetch_fault("exec_made_xn", false, at(EXEC_OFF), at(EXEC_OFF), SENTINEL);
    expect_fetch_fault("exec_made_xn", true, at(EXEC_OFF), at(EXEC_OFF), SENTINEL);
    region(REGION_EXEC, EXEC_OFF, 10, AP_FULL, 0);
    expect_runs("exec_xn_cleared", false, at(EXEC_OFF));
    expect_runs("exec_xn_cleared", true, at(EXEC_OFF));
    expect_fetch_fault("xn", false, at(NX_OFF), at(NX_OFF), SENTINEL);
    expect_fetch_fault("xn", true, at(NX_OFF), at(NX_OFF), SENTINEL);
    expect_fetch_fault("noread", false, at(NOREAD_OFF), at(NOREAD_OFF), SENTINEL);
    expect_runs("noread", true, at(NOREAD_OFF));
    expect_fetch_fault("no_region", false, at(NONE_OFF), at(NONE_OFF), SENTINEL);
    expect_runs("no_region", true, at(NONE_OFF));
}

/* Code that starts 4 bytes before `edge_off` and runs across it. */
static void put_across(uint32_t edge_off)
{
    static const uint16_t code[] = {T_MOVS_R0(1), T_MOVS_R0(2), T_MOVS_R0(3), T_BX_LR};
    put_code(edge_off - 4, code, 4);
}

static void put_wide_across(uint32_t edge_off)
{
    static const uint16_t code[] = {T_MOVS_R0(1), T_MOVW_R0_7_HI, T_MOVW_R0_7_LO, T_BX_LR};
    put_code(edge_off - 4, code, 4);
}

static void test_run_off_the_end(void)
{
    uint32_t edge = at(NX_OFF);
    put_across(NX_OFF);
    expect_fetch_fault("off_end", false, edge - 4, edge, 2);
    expect_fetch_fault("off_end", true, edge - 4, edge, 2);
    put_wide_across(NX_OFF);
    expect_fetch_fault("wide_across_edge", false, edge - 4, edge - 2, 1);
    if (!on_bulwark()) {
        /* QEMU checks fetch permission where a translated block starts
         * and then per 1 KiB page: a block runs on past an edge inside a
         * page. */
        return;
    }
    line_start = BULWARK_ONLY;
    uint32_t mid_end = at(MID_OFF) + (1u << MID_LG2);
    put_across(mid_end - at(0));
    expect_fetch_fault("off_mid_page_end", false, mid_end - 4, mid_end, 2);
    put_wide_across(mid_end - at(0));
    expect_fetch_fault("wide_across_mid_page_end", false, mid_end - 4, mid_end - 2, 1);
    line_start = "";
}

int main(void)
{
    test_begin("mpu_exec");
    put_answer(EXEC_OFF);
    put_answer(NX_OFF);
    put_answer(NOREAD_OFF);
    put_answer(NONE_OFF);
    mpu_process_setup();
    region(REGION_EXEC, EXEC_OFF, 10, AP_FULL, 0);
    region(REGION_NX, NX_OFF, 10, AP_FULL, RASR_XN);
    region(REGION_NOREAD, NOREAD_OFF, 10, AP_PRIV_RW, 0);
    region(REGION_MID, MID_OFF, MID_LG2, AP_FULL, 0);
    test_permissions();
    test_run_off_the_end();
    mpu_reset();
    test_end();
}
