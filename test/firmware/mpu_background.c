/* mpu_background: PRIVDEFENA, the default memory map as a background
 * region for privileged code.
 *
 * Regions: code memory (256 KiB, read-only, executable), all of the first
 * 64 KiB of RAM (privileged RW, XN) except one 8 KiB subregion, which is
 * exactly the `hole` array (disabled with SRD).  The MemManage handler's
 * code, stack and data lie inside those regions, so it runs either way.
 * Privileged thread code then accesses, with CTRL = ENABLE alone and then
 * with CTRL = ENABLE | PRIVDEFENA:
 * - a load and a store in the hole, a call of code copied into the hole,
 *   and a load from the FPGA IO LED register (no region covers either);
 *   with PRIVDEFENA all work; without it each is a MemManage (IPSR 4):
 *   DACCVIOL | MMARVALID with MMFAR = the address, stacked PC = the access,
 *   destination and memory unchanged; IACCVIOL with stacked PC = the code;
 * - a load from RAM inside the region and from SCB CPUID (the PPB, which
 *   the MPU never decides): they work both ways. */
#include "mpu_common.h"

#define RAM_BASE     0x20000000u
#define RAM_LG2      16
#define HOLE_BYTES   8192u /* one subregion of the RAM region */
#define CODE_LG2     18
#define FPGAIO_LED   0x40028000u
#define CODE_OFF     0x100u
#define DATA_OFF     0x200u
#define STACK_SUBREG 7 /* the main stack's subregion (top of RAM) */

#define REGION_RAM 1

#define SENTINEL 0x5E5E5E5Eu
#define ANSWER   42u
#define STORED   0x600DF00Du

#define T_MOVS_R0(imm) (0x2000u | (imm)) /* movs r0, #imm */
#define T_BX_LR        0x4770u           /* bx lr */

static uint8_t hole[HOLE_BYTES] __attribute__((aligned(HOLE_BYTES)));
static uint32_t inside_word = 0x1A51DE00u;

MPU_HANDLERS_DEFAULT

static const uint32_t with_background = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;

static uint32_t hole_at(uint32_t off)
{
    return addr_of(hole) + off;
}

static void set_up(void)
{
    unsigned sub = (addr_of(hole) - RAM_BASE) / HOLE_BYTES;
    REQUIRE(sub < STACK_SUBREG, "the hole is not the stack's subregion");
    volatile uint16_t *code = (volatile uint16_t *)(uintptr_t)hole_at(CODE_OFF);
    code[0] = T_MOVS_R0(ANSWER);
    code[1] = T_BX_LR;
    *(volatile uint32_t *)(uintptr_t)hole_at(DATA_OFF) = 0xD0D0D0D0u;
    barrier();
    mpu_reset();
    mpu_set(REGION_CODE, 0, RASR_ENABLE | RASR_SIZE(CODE_LG2) | RASR_AP(AP_RO) | RASR_NORMAL);
    mpu_set(REGION_RAM, RAM_BASE,
            RASR_ENABLE | RASR_SIZE(RAM_LG2) | RASR_SRD(1u << sub) | RASR_AP(AP_PRIV_RW) | RASR_XN |
                RASR_NORMAL);
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    fault_reset();
}

static void observe(const char *what, uint32_t ctrl, uint32_t value)
{
    uart_puts(what);
    print_kv_dec("privdefena", (ctrl & MPU_CTRL_PRIVDEFENA) != 0);
    print_kv_hex("value", value);
    print_fault();
    print_nl();
}

/* One privileged probe with CTRL = ctrl; printed with the background
 * region back on (the UART is in no region). */
static uint32_t probe(uint32_t ctrl, unpriv_fn fn, uint32_t a, uint32_t b)
{
    mpu_ctrl(ctrl);
    uint32_t v = fn(a, b);
    mpu_ctrl(with_background);
    return v;
}

static void outside_regions(uint32_t ctrl)
{
    bool denied = !(ctrl & MPU_CTRL_PRIVDEFENA);
    uint32_t addr = hole_at(DATA_OFF);
    uint32_t before = *(volatile uint32_t *)(uintptr_t)addr;
    uint32_t v = probe(ctrl, probe_ldr, addr, SENTINEL);
    observe("hole_load", ctrl, v);
    if (denied) {
        EXPECT_MM_DATA(addr, probe_ldr_insn);
        CHECK(v == SENTINEL, "destination unchanged");
    } else {
        EXPECT_NO_FAULT();
        CHECK(v == before, "loaded");
    }
    probe(ctrl, probe_str, addr, STORED);
    uint32_t after = *(volatile uint32_t *)(uintptr_t)addr;
    observe("hole_store", ctrl, after);
    if (denied) {
        EXPECT_MM_DATA(addr, probe_str_insn);
        CHECK(after == before, "memory unchanged");
    } else {
        EXPECT_NO_FAULT();
        CHECK(after == STORED, "stored");
    }
    v = probe(ctrl, probe_call, hole_at(CODE_OFF), SENTINEL);
    observe("hole_call", ctrl, v);
    if (denied) {
        CHECK(fault_seen.frame.pc == hole_at(CODE_OFF), "stacked PC = the code");
        EXPECT_FAULT(EXC_MEMMANAGE, CFSR_IACCVIOL, 0, NULL);
        CHECK(v == SENTINEL, "the code did not run");
    } else {
        EXPECT_NO_FAULT();
        CHECK(v == ANSWER, "the code ran");
    }
    v = probe(ctrl, probe_ldr, FPGAIO_LED, SENTINEL);
    observe("fpgaio_load", ctrl, v == SENTINEL ? v : 0);
    if (denied) {
        EXPECT_MM_DATA(FPGAIO_LED, probe_ldr_insn);
    } else {
        EXPECT_NO_FAULT();
    }
}

static void inside_regions(uint32_t ctrl)
{
    uint32_t v = probe(ctrl, probe_ldr, addr_of(&inside_word), SENTINEL);
    observe("ram_region_load", ctrl, v);
    EXPECT_NO_FAULT();
    CHECK(v == inside_word, "RAM inside the region readable");
    v = probe(ctrl, probe_ldr, SCB_CPUID_ADDR, SENTINEL);
    observe("ppb_load", ctrl, v == SENTINEL ? v : 0);
    EXPECT_NO_FAULT();
}

int main(void)
{
    test_begin("mpu_background");
    set_up();
    /* Denied first: the hole's code has never run when its fetch is refused. */
    outside_regions(MPU_CTRL_ENABLE);
    inside_regions(MPU_CTRL_ENABLE);
    outside_regions(with_background);
    inside_regions(with_background);
    mpu_reset();
    test_end();
}
