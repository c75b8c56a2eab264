/* mpu_itblock: a load inside an IT block, from a 1 KiB page that an MPU
 * region edge cuts, so the simulator decides the access precisely and steps
 * through it.  The instructions after it in the IT block must still run
 * only as their conditions say: the load's "then" (add) runs, the "else"
 * (mov #0) does not. */
#include "fw.h"
#include "mpu_common.h"

static volatile uint32_t table[4] __attribute__((aligned(1024)));

__attribute__((noinline)) static uint32_t pick(const volatile uint32_t *base, uint32_t i)
{
    uint32_t r = 7;
    __asm volatile("cmp %1, #15\n\t"                /* i <= 15: take the "then" pair */
                   "itte ls\n\t"                    /* ldr, add if LS; mov if HI */
                   "ldrls %0, [%2, %1, lsl #2]\n\t" /* the access on the cut page */
                   "addls %0, %0, #1\n\t"           /* must run after the load */
                   "movhi %0, #0\n\t"               /* must not run */
                   : "+&r"(r)
                   : "r"(i), "r"(base)
                   : "cc", "memory");
    return r;
}

int main(void)
{
    test_begin("mpu_itblock");
    table[0] = 41;
    print_line_dec("no_edge", pick(table, 0));
    /* A 32-byte no-access region 512 bytes into table's page. */
    MPU_RNR = 7;
    MPU_RBAR = ((uint32_t)(uintptr_t)table + 512) | RBAR_VALID | 7;
    MPU_RASR = RASR_XN | RASR_SIZE(5) | RASR_ENABLE;
    MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
    barrier();
    uint32_t v = pick(table, 0);
    print_line_dec("edge_on_page", v);
    CHECK(v == 42, "the IT block ran as written around a stepped load");
    MPU_CTRL = 0;
    barrier();
    test_end();
}
