/* The cycle table and access decoding, on instruction encodings checked
 * against arm-none-eabi-as. */
#include <check.h>

#include "cycles.h"
#include "check_main.h"

static cycle_decoder *dec;

static insn_info decode(uint32_t addr, uint16_t h0, uint16_t h1)
{
    uint8_t code[4] = {(uint8_t)h0, (uint8_t)(h0 >> 8), (uint8_t)h1, (uint8_t)(h1 >> 8)};
    insn_info in;
    unsigned n = cycle_decode(dec, code, sizeof(code), addr, &in);
    ck_assert_uint_eq(n, in.size);
    return in;
}

static void setup(void)
{
    dec = cycle_decoder_create();
}

static void teardown(void)
{
    cycle_decoder_destroy(dec);
}

START_TEST(data_processing_and_multiply)
{
    insn_info mov = decode(0, 0x2001, 0); /* movs r0, #1 */
    ck_assert_uint_eq(mov.cycles, 1);
    ck_assert_uint_eq(mov.size, 2);
    ck_assert_uint_eq(mov.writes, 1u << 0);
    ck_assert_uint_eq(decode(0, 0x4348, 0).cycles, 1);      /* muls r0, r1 */
    ck_assert_uint_eq(decode(0, 0xFB01, 0x3002).cycles, 2); /* mla r0, r1, r2, r3 */
    insn_info div = decode(0, 0xFB91, 0xF0F2);              /* sdiv r0, r1, r2 */
    ck_assert_uint_eq(div.cycles, CYCLES_DIVIDE);
    ck_assert(div.flags & INSN_DIVIDE);
    ck_assert_int_eq(div.index, 2);
    ck_assert_uint_eq(div.size, 4);
}
END_TEST

START_TEST(loads_and_stores)
{
    insn_info ld = decode(0, 0x6813, 0); /* ldr r3, [r2] */
    ck_assert_uint_eq(ld.cycles, 2);
    ck_assert_uint_eq(ld.mem, MEM_LOAD);
    ck_assert_int_eq(ld.base, 2);
    ck_assert_uint_eq(ld.access, 4);
    ck_assert_uint_eq(ld.writes, 1u << 3);
    insn_info st = decode(0, 0x6090, 0); /* str r0, [r2, #8] */
    ck_assert_uint_eq(st.mem, MEM_STORE);
    ck_assert_int_eq(st.disp, 8);
    ck_assert_uint_eq(st.writes, 0);
    /* Neighbouring single loads/stores pipeline: the second costs 1. */
    ck_assert_uint_eq(cycle_cost(&ld, &st), 1);
    ck_assert_uint_eq(cycle_cost(NULL, &st), 2);
    insn_info post = decode(0, 0xF852, 0x3B04); /* ldr.w r3, [r2], #4 */
    ck_assert_uint_eq(post.writes, (1u << 3) | (1u << 2));
    ck_assert_int_eq(post.disp, 0);
    insn_info d = decode(0, 0xE9D2, 0x0100); /* ldrd r0, r1, [r2] */
    ck_assert_uint_eq(d.access, 8);
    ck_assert_uint_eq(d.cycles, 3);
    ck_assert_uint_eq(cycle_cost(&ld, &d), 3); /* a doubleword does not pipeline */
}
END_TEST

START_TEST(multiple_transfers)
{
    insn_info push = decode(0, 0xB510, 0); /* push {r4, lr} */
    ck_assert_uint_eq(push.cycles, 3);
    ck_assert_uint_eq(push.mode, AM_DB);
    ck_assert_int_eq(push.base, 13);
    ck_assert_uint_eq(push.count, 2);
    insn_info pop = decode(0, 0xBD10, 0); /* pop {r4, pc}: 1 + N + refill */
    ck_assert_uint_eq(pop.cycles, 1 + 2 + CYCLES_REFILL);
    ck_assert(pop.flags & INSN_WRITES_PC);
    insn_info ldm = decode(0, 0xCB07, 0); /* ldmia r3!, {r0, r1, r2} */
    ck_assert_uint_eq(ldm.cycles, 4);
    ck_assert_uint_eq(ldm.writes, 0x0Fu);
    insn_info stm = decode(0, 0xE904, 0x0060); /* stmdb r4, {r5, r6} */
    ck_assert_uint_eq(stm.mode, AM_DB);
    ck_assert_uint_eq(stm.count, 2);
    ck_assert_uint_eq(stm.writes, 0);
}
END_TEST

START_TEST(branches)
{
    insn_info b = decode(0x0E, 0xE7FE, 0); /* b . */
    ck_assert_uint_eq(b.cycles, 1 + CYCLES_REFILL);
    ck_assert(b.flags & INSN_BRANCH);
    ck_assert_uint_eq(b.branch_target, 0x0E);
    insn_info beq = decode(0x10, 0xD002, 0); /* beq 0x18: 1 untaken, refill added when taken */
    ck_assert_uint_eq(beq.cycles, 1);
    ck_assert(beq.flags & INSN_COND_BRANCH);
    ck_assert_uint_eq(beq.branch_target, 0x18);
    insn_info bx = decode(0, 0x4770, 0); /* bx lr */
    ck_assert_uint_eq(bx.cycles, 1 + CYCLES_REFILL);
    insn_info tbb = decode(0x34, 0xE8DF, 0xF001); /* tbb [pc, r1] */
    ck_assert_uint_eq(tbb.cycles, 2 + CYCLES_REFILL);
}
END_TEST

START_TEST(system_instructions)
{
    ck_assert(decode(0, 0xB662, 0).flags & INSN_MASK_CHANGE); /* cpsie i */
    ck_assert(decode(0, 0xDF05, 0).flags & INSN_SVC);         /* svc 5 */
    ck_assert(decode(0, 0xBF30, 0).flags & INSN_WFI);         /* wfi */
    insn_info bad;
    uint8_t undefined[2] = {0xFF, 0xFF}; /* half of a 32-bit encoding */
    ck_assert_uint_eq(cycle_decode(dec, undefined, 2, 0, &bad), 0);
    ck_assert_uint_eq(bad.cycles, 1);
}
END_TEST

START_TEST(access_ranges)
{
    uint32_t r[16] = {0};
    uint32_t lo, len;
    r[1] = 0x20000100;
    r[2] = 3;
    insn_info idx = decode(0x2E, 0xF851, 0x0022); /* ldr.w r0, [r1, r2, lsl #2] */
    ck_assert(insn_access_range(&idx, r, &lo, &len));
    ck_assert_uint_eq(lo, 0x2000010C);
    ck_assert_uint_eq(len, 4);
    insn_info lit = decode(0x26, 0x4902, 0); /* ldr r1, [pc, #8]: Align(PC,4) + 8 */
    ck_assert(insn_access_range(&lit, r, &lo, &len));
    ck_assert_uint_eq(lo, 0x30);
    r[13] = 0x20001000;
    insn_info push = decode(0, 0xB510, 0);
    ck_assert(insn_access_range(&push, r, &lo, &len));
    ck_assert_uint_eq(lo, 0x20000FF8);
    ck_assert_uint_eq(len, 8);
    insn_info mov = decode(0, 0x2001, 0);
    ck_assert(!insn_access_range(&mov, r, &lo, &len));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cycles");
    TCase *tc = tcase_create("table");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, data_processing_and_multiply);
    tcase_add_test(tc, loads_and_stores);
    tcase_add_test(tc, multiple_transfers);
    tcase_add_test(tc, branches);
    tcase_add_test(tc, system_instructions);
    tcase_add_test(tc, access_ranges);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
