/* mpu_overlap: region registers, priority among overlapping regions, and
 * regions the architecture leaves UNPREDICTABLE.
 *
 * - Registers: MPU_TYPE reads 0x00000800 (8 unified regions); an RBAR
 *   write with VALID set selects the region (RNR follows) and RBAR reads
 *   back the base with REGION = RNR and VALID clear; the RBAR_A1/RASR_A1
 *   aliases program the region their VALID/REGION fields name, read back
 *   through RNR.
 * - Overlap, unprivileged stores with a process-like set-up: region 2 (1
 *   KiB, RW for all) and region 5 (256 bytes inside it, read-only for all):
 *   inside region 5 a store is a MemManage (DACCVIOL | MMARVALID, MMFAR =
 *   the word, memory unchanged), beside it the store works; with the APs
 *   swapped the opposite holds; with region 5 as large as region 2 but
 *   one subregion disabled, region 2 decides in that subregion only (done
 *   last: after such an access QEMU wrongly applies region 2 to the rest
 *   of the 1 KiB page until the MPU is reprogrammed).
 * - Invalid regions, RW for all, over memory no other region covers:
 *   SIZE fields 0..4 (under 32 bytes is UNPREDICTABLE) and a 1 KiB region
 *   whose base is not 1 KiB-aligned.  What an unprivileged load does there
 *   is printed, not asserted: the QEMU diff decides.  The valid SIZE 4 (32
 *   bytes) must work. */
#include "mpu_common.h"

#define ARENA_BYTES    4096
#define LOW_REGION     2
#define HIGH_REGION    5
#define ALIAS_REGION   6
#define INVALID_REGION 7
#define INNER_OFF      0x100u
#define OUTER_LG2      10
#define INNER_LG2      8
#define SRD_SUB        1 /* 128-byte subregion 1 of a 1 KiB region */
#define INVALID_OFF    0x800u
#define MISALIGNED_OFF 0xA00u

#define SENTINEL 0x5E5E5E5Eu

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(ARENA_BYTES)));
static uint32_t next_value = 0x51000000u;

MPU_HANDLERS_DEFAULT

static uint32_t at(uint32_t off)
{
    return addr_of(arena) + off;
}

static uint32_t rw_all(unsigned lg2)
{
    return RASR_ENABLE | RASR_SIZE(lg2) | RASR_AP(AP_FULL) | RASR_XN | RASR_NORMAL;
}

static uint32_t ro_all(unsigned lg2)
{
    return RASR_ENABLE | RASR_SIZE(lg2) | RASR_AP(AP_RO) | RASR_XN | RASR_NORMAL;
}

static void test_registers(void)
{
    uint32_t type = MPU_TYPE;
    print_line_hex("type", type);
    CHECK(type == MPU_TYPE_8_UNIFIED, "8 unified regions");
    MPU_RNR = 0;
    MPU_RBAR = at(0) | RBAR_VALID | HIGH_REGION;
    MPU_RASR = ro_all(OUTER_LG2);
    uint32_t rnr = MPU_RNR, rbar = MPU_RBAR, rasr = MPU_RASR;
    uart_puts("rbar_valid");
    print_kv_dec("rnr", rnr);
    print_kv_hex("rbar", rbar);
    print_kv_hex("rasr", rasr);
    print_nl();
    CHECK(rnr == HIGH_REGION, "RBAR.VALID selects the region");
    CHECK(rbar == (at(0) | HIGH_REGION), "RBAR reads base | REGION, VALID clear");
    CHECK(rasr == ro_all(OUTER_LG2), "RASR reads back");
    MPU_RBAR_A(1) = at(INNER_OFF) | RBAR_VALID | ALIAS_REGION;
    MPU_RASR_A(1) = rw_all(INNER_LG2);
    MPU_RNR = ALIAS_REGION;
    rbar = MPU_RBAR;
    rasr = MPU_RASR_A(3);
    uart_puts("alias");
    print_kv_hex("rbar", rbar);
    print_kv_hex("rasr_a3", rasr);
    print_nl();
    CHECK(rbar == (at(INNER_OFF) | ALIAS_REGION), "alias RBAR_A1 programmed the region");
    CHECK(rasr == rw_all(INNER_LG2), "RASR_A3 reads the region's RASR");
    mpu_off(HIGH_REGION);
    mpu_off(ALIAS_REGION);
}

/* An unprivileged store at arena + off: true if it worked. */
static bool store(const char *what, uint32_t off)
{
    uint32_t addr = at(off);
    uint32_t before = *(volatile uint32_t *)(uintptr_t)addr;
    uint32_t value = next_value++;
    unpriv_call(probe_str, addr, value);
    uint32_t after = *(volatile uint32_t *)(uintptr_t)addr;
    uart_puts(what);
    print_kv_hex("addr", addr);
    print_kv_dec("stored", after == value);
    print_fault();
    print_nl();
    bool worked = fault_seen.count == 0;
    if (worked) {
        CHECK(after == value, "the store happened");
        EXPECT_NO_FAULT();
    } else {
        CHECK(after == before, "the denied store changed nothing");
        EXPECT_MM_DATA(addr, probe_str_insn);
    }
    return worked;
}

static void test_overlap(void)
{
    mpu_set(LOW_REGION, at(0), rw_all(OUTER_LG2));
    mpu_set(HIGH_REGION, at(INNER_OFF), ro_all(INNER_LG2));
    CHECK(!store("high_ro_inside", INNER_OFF), "the higher region (RO) wins");
    CHECK(store("high_ro_beside", 0), "only the lower region (RW) here");
    mpu_set(LOW_REGION, at(0), ro_all(OUTER_LG2));
    mpu_set(HIGH_REGION, at(INNER_OFF), rw_all(INNER_LG2));
    CHECK(store("high_rw_inside", INNER_OFF), "the higher region (RW) wins");
    CHECK(!store("high_rw_beside", 0), "only the lower region (RO) here");
    mpu_set(LOW_REGION, at(0), rw_all(OUTER_LG2));
    mpu_set(HIGH_REGION, at(0), ro_all(OUTER_LG2) | RASR_SRD(1u << SRD_SUB));
    /* The hole last: QEMU, having let region 2 decide an address in a
     * disabled subregion, caches region 2's permissions for the whole
     * 1 KiB page until the MPU is next written. */
    CHECK(!store("high_srd_rest", 0), "the higher region wins outside its disabled subregion");
    CHECK(!store("high_srd_next", (SRD_SUB + 1) * 128u), "the next subregion is the higher one's");
    CHECK(store("high_srd_hole", SRD_SUB * 128u),
          "a disabled subregion lets the lower region decide");
    mpu_off(LOW_REGION);
    mpu_off(HIGH_REGION);
}

static void try_invalid(const char *what, uint32_t rbar, uint32_t rasr, uint32_t probe_off)
{
    mpu_set(INVALID_REGION, rbar, rasr);
    uint32_t rbar_back = MPU_RBAR, rasr_back = MPU_RASR;
    uint32_t v = unpriv_call(probe_ldr, at(probe_off), SENTINEL);
    uart_puts(what);
    print_kv_hex("rbar", rbar_back);
    print_kv_hex("rasr", rasr_back);
    print_kv_hex("addr", at(probe_off));
    print_kv_dec("loaded", v != SENTINEL);
    print_fault();
    print_nl();
    fault_reset();
    mpu_off(INVALID_REGION);
}

static void test_invalid(void)
{
    static const char *const names[] = {"size_field_0", "size_field_1", "size_field_2",
                                        "size_field_3", "size_field_4"};
    for (unsigned field = 0; field <= 4; field++) {
        uint32_t rasr = RASR_ENABLE | field << 1 | RASR_AP(AP_FULL) | RASR_XN | RASR_NORMAL;
        try_invalid(names[field], at(INVALID_OFF), rasr, INVALID_OFF);
    }
    mpu_set(INVALID_REGION, at(INVALID_OFF), RASR_ENABLE | 4u << 1 | RASR_AP(AP_FULL) | RASR_XN);
    uint32_t v = unpriv_call(probe_ldr, at(INVALID_OFF), SENTINEL);
    EXPECT_NO_FAULT();
    CHECK(v != SENTINEL, "a 32-byte region (SIZE 4) works");
    mpu_off(INVALID_REGION);
    try_invalid("misaligned_base_at_base", at(MISALIGNED_OFF), rw_all(10), MISALIGNED_OFF);
    try_invalid("misaligned_base_aligned_down", at(MISALIGNED_OFF), rw_all(10), INVALID_OFF);
}

int main(void)
{
    test_begin("mpu_overlap");
    mpu_process_setup();
    test_registers();
    test_overlap();
    test_invalid();
    mpu_reset();
    test_end();
}
