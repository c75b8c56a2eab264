/* mpu_ppb: the Private Peripheral Bus ignores the MPU.
 *
 * Process-like set-up, then unprivileged loads of MPU_TYPE (0xE000ED90),
 * SCB CPUID (0xE000ED00) and DWT_CTRL (0xE0001000) and a store to
 * MPU_CTRL, three times: with no region over the PPB, with a region
 * 0xE0000000 / 1 MiB granting full access (AP 3), and with a region over
 * the whole 4 GiB granting full access.  Each time every access must be a
 * BusFault (IPSR 5), never a MemManage, with CFSR = PRECISERR | BFARVALID,
 * BFAR = the register, the stacked PC at the access, the load's
 * destination unchanged and MPU_CTRL unchanged by the store.  The 4 GiB
 * region does open ordinary memory: an unprivileged load from RAM outside
 * the process's regions works.  Privileged code with a region over the PPB
 * that denies everything (AP 0) still reads MPU_TYPE (8 data regions,
 * unified: 0x00000800) and CPUID without a fault. */
#include "mpu_common.h"

#define REGION_PPB 2
#define PPB_BASE   0xE0000000u
#define PPB_LG2    20
#define ALL_LG2    32

#define SENTINEL 0x5E5E5E5Eu

static uint32_t outside_word = 0x0BADF00Du;

MPU_HANDLERS_DEFAULT

static void observe(const char *what, const char *reg, uint32_t value)
{
    uart_puts(what);
    uart_puts(reg);
    print_kv_hex("value", value);
    print_fault();
    print_nl();
}

static void unpriv_load(const char *what, const char *reg, uint32_t addr)
{
    uint32_t v = unpriv_call(probe_ldr, addr, SENTINEL);
    observe(what, reg, v);
    EXPECT_FAULT(EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, addr, probe_ldr_insn);
    CHECK(v == SENTINEL, "the load's destination unchanged");
}

static void unpriv_accesses(const char *what)
{
    uint32_t ctrl = MPU_CTRL;
    unpriv_load(what, " type", MPU_TYPE_ADDR);
    unpriv_load(what, " cpuid", SCB_CPUID_ADDR);
    unpriv_load(what, " dwt_ctrl", DWT_CTRL_ADDR);
    unpriv_call(probe_str, MPU_CTRL_ADDR, 0);
    observe(what, " ctrl_store", MPU_CTRL);
    EXPECT_FAULT(EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, MPU_CTRL_ADDR, probe_str_insn);
    CHECK(MPU_CTRL == ctrl, "MPU_CTRL unchanged by the unprivileged store");
}

static void test_unprivileged(void)
{
    unpriv_accesses("no_region");
    mpu_set(REGION_PPB, PPB_BASE,
            RASR_ENABLE | RASR_SIZE(PPB_LG2) | RASR_AP(AP_FULL) | RASR_XN | RASR_DEVICE);
    unpriv_accesses("ppb_region");
    /* Not XN: being the highest-numbered region, it also decides code memory. */
    mpu_set(REGION_PPB, 0, RASR_ENABLE | RASR_SIZE(ALL_LG2) | RASR_AP(AP_FULL));
    unpriv_accesses("whole_map_region");
    uint32_t v = unpriv_call(probe_ldr, addr_of(&outside_word), SENTINEL);
    observe("whole_map_region", " ram", v);
    EXPECT_NO_FAULT();
    CHECK(v == outside_word, "the 4 GiB region opens RAM to unprivileged code");
    mpu_off(REGION_PPB);
}

static void test_privileged(void)
{
    mpu_set(REGION_PPB, PPB_BASE,
            RASR_ENABLE | RASR_SIZE(PPB_LG2) | RASR_AP(AP_NONE) | RASR_XN | RASR_DEVICE);
    uint32_t type = probe_ldr(MPU_TYPE_ADDR, SENTINEL);
    observe("privileged_denying_region", " type", type);
    EXPECT_NO_FAULT();
    CHECK(type == MPU_TYPE_8_UNIFIED, "MPU_TYPE: 8 regions, unified");
    uint32_t cpuid = probe_ldr(SCB_CPUID_ADDR, SENTINEL);
    uart_puts("privileged_denying_region cpuid");
    print_fault();
    print_nl();
    EXPECT_NO_FAULT();
    CHECK(cpuid != SENTINEL, "CPUID read");
    mpu_off(REGION_PPB);
}

int main(void)
{
    test_begin("mpu_ppb");
    mpu_process_setup();
    test_unprivileged();
    test_privileged();
    mpu_reset();
    test_end();
}
