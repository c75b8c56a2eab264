/* mpu_edge_ldrd: an LDRD whose first destination is its base register
 * ("ldrd r0, r1, [r0]"), crossing from a page the process may use whole
 * into a page an MPU region edge cuts.
 *
 * Process-like set-up plus, in a 4 KiB RAM arena, LOW (1 KiB, RW for
 * everyone) right below EDGE (256 bytes, RW for everyone) at the start of
 * a page whose other 768 bytes are denied to unprivileged code and hold a
 * secret word.  Unprivileged code:
 * - LDRD of the last word of LOW and the first of EDGE: both loads work
 *   (the second word is returned), no fault;
 * - the same LDRD followed, in the same block, by a load of the secret:
 *   the LDRD works and the load of the secret is a MemManage (IPSR 4,
 *   CFSR = DACCVIOL | MMARVALID, MMFAR = the secret, stacked PC = that
 *   load), its destination keeps the sentinel;
 * - LDRD of the last word of EDGE and the first denied word: MemManage
 *   with MMFAR = the first denied word, stacked PC = the LDRD. */
#include "mpu_common.h"

#define ARENA_BYTES 4096
#define LOW_OFF     0x400u /* LOW: [0x400, 0x800) */
#define EDGE_OFF    0x800u /* EDGE: [0x800, 0x900), the rest of the page denied */
#define SECRET_OFF  0xA00u

#define SENTINEL    0x5E5E5E5Eu
#define SECOND      0x11111111u
#define SECRET      0x05EC12E7u
#define REGION_LOW  2
#define REGION_EDGE 3

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(ARENA_BYTES)));

uint32_t ldrd_then_load(uint32_t addr, uint32_t other);
uint32_t ldrd_second(uint32_t addr, uint32_t sentinel);
extern const char ldrd_then_load_insn[], ldrd_second_insn[];

MPU_HANDLERS_DEFAULT

static uint32_t at(uint32_t off)
{
    return addr_of(arena) + off;
}

static void put(uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)at(off) = v;
}

static void result(const char *name, uint32_t v)
{
    uart_puts(name);
    print_kv_hex("value", v);
    print_fault();
    print_nl();
}

int main(void)
{
    test_begin("mpu_edge_ldrd");
    /* The first word is an address the process may use, far from EDGE. */
    put(EDGE_OFF - 4u, at(LOW_OFF));
    put(EDGE_OFF, SECOND);
    put(EDGE_OFF + 0xFCu, at(LOW_OFF));
    put(SECRET_OFF, SECRET);
    mpu_process_setup();
    mpu_set(REGION_LOW, at(LOW_OFF), RASR_ENABLE | RASR_SIZE(10) | RASR_AP(AP_FULL) | RASR_NORMAL);
    mpu_set(REGION_EDGE, at(EDGE_OFF), RASR_ENABLE | RASR_SIZE(8) | RASR_AP(AP_FULL) | RASR_NORMAL);

    uint32_t v = unpriv_call(ldrd_second, at(EDGE_OFF - 4u), SENTINEL);
    result("ldrd across", v);
    EXPECT_NO_FAULT();
    CHECK(v == SECOND, "the LDRD loads both words");

    v = unpriv_call(ldrd_then_load, at(EDGE_OFF - 4u), at(SECRET_OFF));
    result("ldrd then secret", v);
    EXPECT_MM_DATA(at(SECRET_OFF), ldrd_then_load_insn);
    CHECK(v == SENTINEL, "the secret is not read");

    v = unpriv_call(ldrd_second, at(EDGE_OFF + 0xFCu), SENTINEL);
    result("ldrd past edge", v);
    EXPECT_MM_DATA(at(EDGE_OFF + 0x100u), ldrd_second_insn);
    mpu_reset();
    test_end();
}
