/* mpu_perms: every AP encoding, for privileged and unprivileged reads,
 * writes and instruction fetches.
 *
 * Process-like set-up plus one 1 KiB region (XN clear) over a RAM arena
 * holding a word of data and a tiny function.  For AP = 0..7 in turn the
 * firmware does a privileged and an unprivileged LDR, STR and call, and
 * prints one line "ap=N pr=. pw=. px=. ur=. uw=. ux=." (1 = allowed, 0 =
 * MemManage).  Every denied access must be exactly one MemManage (IPSR 4):
 * for data CFSR = DACCVIOL | MMARVALID, MMFAR = the word, stacked PC = the
 * LDR/STR, the load's register and the memory unchanged; for fetches CFSR
 * = IACCVIOL, stacked PC = the function.  Every allowed access must read
 * the memory, write it, or run the function.  The permissions asserted
 * are the architecture's (privileged / unprivileged): 0 none/none, 1
 * RW/none, 2 RW/RO, 3 RW/RW, 5 RO/none, 6 and 7 RO/RO, execution wherever
 * reading is allowed.  AP 4 is reserved: its line is only printed (the
 * QEMU diff decides).  The AP 6 line is the read-only region (unprivileged
 * read works, unprivileged write faults), AP 5 and 6 also fault privileged
 * writes, AP 1 faults the unprivileged read while privileged code reads
 * and writes. */
#include "mpu_common.h"

#define ARENA_BYTES 1024
#define CODE_OFF    0x000u
#define DATA_OFF    0x100u
#define REGION_TEST 2

#define SENTINEL 0x5E5E5E5Eu
#define ANSWER   42u

#define T_MOVS_R0(imm) (0x2000u | (imm)) /* movs r0, #imm */
#define T_BX_LR        0x4770u           /* bx lr */

enum { OUTCOME_DENIED = 0, OUTCOME_ALLOWED = 1, OUTCOME_WRONG = 2 };

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(ARENA_BYTES)));
static uint32_t next_value = 0x10203040u;

MPU_HANDLERS_DEFAULT

/* Architectural permissions per AP: bit 0 priv read, 1 priv write,
 * 2 unpriv read, 3 unpriv write; AP 4 (reserved) is not checked. */
static const uint8_t expected[8] = {0x0, 0x3, 0x7, 0xF, 0x0, 0x1, 0x5, 0x5};

static uint32_t data_addr(void)
{
    return addr_of(arena) + DATA_OFF;
}

static volatile uint32_t *data_word(void)
{
    return (volatile uint32_t *)(uintptr_t)data_addr();
}

/* The data word as memory holds it, whatever the MPU says. */
static uint32_t peek(void)
{
    mpu_ctrl(0);
    uint32_t v = *data_word();
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    return v;
}

static uint32_t run(bool privileged, unpriv_fn fn, uint32_t a, uint32_t b)
{
    return privileged ? fn(a, b) : unpriv_call(fn, a, b);
}

/* A denied access must be exactly the expected MemManage. */
static unsigned denied(uint32_t cfsr, uint32_t pc, uint32_t addr)
{
    bool ok = fault_seen.count == 1 && fault_seen.exc == EXC_MEMMANAGE && fault_seen.cfsr == cfsr &&
              fault_seen.frame.pc == pc;
    if (cfsr & CFSR_MMARVALID) {
        ok = ok && fault_seen.mmfar == addr;
    }
    return ok ? OUTCOME_DENIED : OUTCOME_WRONG;
}

static unsigned try_read(bool privileged)
{
    uint32_t before = peek();
    fault_reset();
    uint32_t v = run(privileged, probe_ldr, data_addr(), SENTINEL);
    if (fault_seen.count == 0) {
        return v == before ? OUTCOME_ALLOWED : OUTCOME_WRONG;
    }
    unsigned r = denied(CFSR_DACCVIOL | CFSR_MMARVALID, addr_of(probe_ldr_insn), data_addr());
    return v == SENTINEL ? r : OUTCOME_WRONG;
}

static unsigned try_write(bool privileged)
{
    uint32_t before = peek();
    uint32_t value = next_value++;
    fault_reset();
    run(privileged, probe_str, data_addr(), value);
    uint32_t after = peek();
    if (fault_seen.count == 0) {
        return after == value ? OUTCOME_ALLOWED : OUTCOME_WRONG;
    }
    unsigned r = denied(CFSR_DACCVIOL | CFSR_MMARVALID, addr_of(probe_str_insn), data_addr());
    return after == before ? r : OUTCOME_WRONG;
}

static unsigned try_exec(bool privileged)
{
    uint32_t target = addr_of(arena) + CODE_OFF;
    fault_reset();
    uint32_t v = run(privileged, probe_call, target, SENTINEL);
    if (fault_seen.count == 0) {
        return v == ANSWER ? OUTCOME_ALLOWED : OUTCOME_WRONG;
    }
    unsigned r = denied(CFSR_IACCVIOL, target, 0);
    return v == SENTINEL ? r : OUTCOME_WRONG;
}

static void test_ap(unsigned ap)
{
    mpu_set(REGION_TEST, addr_of(arena), RASR_ENABLE | RASR_SIZE(10) | RASR_AP(ap) | RASR_NORMAL);
    unsigned pr = try_read(true), pw = try_write(true), px = try_exec(true);
    unsigned ur = try_read(false), uw = try_write(false), ux = try_exec(false);
    fault_reset();
    uart_puts("ap=");
    print_dec(ap);
    print_kv_dec("pr", pr);
    print_kv_dec("pw", pw);
    print_kv_dec("px", px);
    print_kv_dec("ur", ur);
    print_kv_dec("uw", uw);
    print_kv_dec("ux", ux);
    print_nl();
    unsigned got = pr | pw << 1 | ur << 2 | uw << 3;
    CHECK(pr != OUTCOME_WRONG && pw != OUTCOME_WRONG && px != OUTCOME_WRONG &&
              ur != OUTCOME_WRONG && uw != OUTCOME_WRONG && ux != OUTCOME_WRONG,
          "each access either works or is exactly the expected MemManage");
    if (ap != AP_RESERVED) {
        CHECK(got == expected[ap], "read/write permissions of this AP");
        CHECK(px == pr && ux == ur, "execution allowed exactly where reading is");
    }
}

int main(void)
{
    test_begin("mpu_perms");
    volatile uint16_t *code = (volatile uint16_t *)(uintptr_t)(addr_of(arena) + CODE_OFF);
    code[0] = T_MOVS_R0(ANSWER);
    code[1] = T_BX_LR;
    *data_word() = 0xC0DEC0DEu;
    barrier();
    mpu_process_setup();
    for (unsigned ap = 0; ap < 8; ap++) {
        test_ap(ap);
    }
    mpu_reset();
    test_end();
}
