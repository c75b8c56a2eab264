/* PMSAv7 region matching (ARM DDI 0403 B3.5) on a table of cases. */
#include <check.h>

#include "check_main.h"
#include "mpu.h"

#define RAM 0x20000000u
#define RW  (MPU_R | MPU_W)
#define RWX (MPU_R | MPU_W | MPU_X)
#define RX  (MPU_R | MPU_X)

static mpu *m;

static void setup(void)
{
    m = mpu_create((mpu_observer){0});
}

static void teardown(void)
{
    device d = mpu_device(m);
    d.ops->destroy(d.state);
}

/* RASR for a region of 2^log2 bytes. */
static uint32_t rasr(unsigned log2, unsigned ap, bool xn, uint8_t srd)
{
    return 1u | ((log2 - 1u) << 1) | ((uint32_t)srd << 8) | (ap << 24) | (xn ? 1u << 28 : 0);
}

START_TEST(every_ap_encoding)
{
    /* {ap, privileged perms, unprivileged perms} with XN clear, in RAM. */
    static const unsigned table[8][3] = {
        {0, 0, 0},  {1, RWX, 0}, {2, RWX, RX}, {3, RWX, RWX}, {4, 0, 0} /* reserved */,
        {5, RX, 0}, {6, RX, RX}, {7, RX, RX},
    };
    mpu_set_ctrl(m, MPU_CTRL_ENABLE);
    for (unsigned i = 0; i < 8; i++) {
        mpu_set_region(m, 0, RAM, rasr(12, table[i][0], false, 0));
        ck_assert_msg(mpu_perms(m, RAM + 8, true, true) == table[i][1], "AP %u privileged", i);
        ck_assert_msg(mpu_perms(m, RAM + 8, false, true) == table[i][2], "AP %u unprivileged", i);
        /* XN removes execution only. */
        mpu_set_region(m, 0, RAM, rasr(12, table[i][0], true, 0));
        ck_assert_uint_eq(mpu_perms(m, RAM + 8, true, true), table[i][1] & ~MPU_X);
        ck_assert_uint_eq(mpu_perms(m, RAM + 8, false, true), table[i][2] & ~MPU_X);
    }
}
END_TEST

START_TEST(exact_region_bounds)
{
    mpu_set_ctrl(m, MPU_CTRL_ENABLE);
    mpu_set_region(m, 1, RAM + 0x40, rasr(5, 3, true, 0)); /* 32 bytes */
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x3F, false, true), 0);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x40, false, true), RW);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x5F, false, true), RW);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x60, false, true), 0);
    ck_assert_int_eq(mpu_match(m, RAM + 0x5F), 1);
    ck_assert_int_eq(mpu_match(m, RAM + 0x60), -1);
}
END_TEST

START_TEST(subregions)
{
    mpu_set_ctrl(m, MPU_CTRL_ENABLE);
    /* 2 KiB region, subregions of 256 bytes; disable the 2nd and the 8th. */
    mpu_set_region(m, 0, RAM, rasr(11, 3, true, 0x82));
    ck_assert_uint_eq(mpu_perms(m, RAM + 0xFF, false, true), RW);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x100, false, true), 0);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x1FF, false, true), 0);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x200, false, true), RW);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x6FF, false, true), RW);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x700, false, true), 0);
    /* A disabled subregion falls through to a lower-numbered region. */
    mpu_set_region(m, 0, RAM, rasr(16, 6, true, 0));    /* 64 KiB RO */
    mpu_set_region(m, 1, RAM, rasr(11, 3, true, 0x02)); /* RW, 2nd subregion off */
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x100, false, true), MPU_R);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x200, false, true), RW);
    /* Under 256 bytes, SRD is ignored. */
    mpu_set_region(m, 2, RAM + 0x1000, rasr(7, 3, true, 0xFF));
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x1000, false, true), RW);
}
END_TEST

START_TEST(highest_region_wins)
{
    mpu_set_ctrl(m, MPU_CTRL_ENABLE);
    mpu_set_region(m, 2, RAM, rasr(16, 3, false, 0));        /* RWX for all */
    mpu_set_region(m, 5, RAM + 0x800, rasr(10, 1, true, 0)); /* privileged only, XN */
    mpu_set_region(m, 3, RAM + 0x800, rasr(10, 0, true, 0)); /* lower: loses */
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x900, true, true), RW);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x900, false, true), 0);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x7FF, false, true), RWX);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0xC00, false, true), RWX);
}
END_TEST

START_TEST(background_and_off)
{
    mpu_set_region(m, 0, RAM, rasr(10, 3, true, 0));
    /* MPU off: the default map for everybody. */
    ck_assert_uint_eq(mpu_perms(m, 0x00001000u, false, false), RWX);
    ck_assert_uint_eq(mpu_perms(m, 0x40004000u, false, false), RW); /* peripherals are XN */
    ck_assert_uint_eq(mpu_perms(m, 0xE000E000u, true, false), RW);
    /* On without PRIVDEFENA: no match means no access, even privileged. */
    mpu_set_ctrl(m, MPU_CTRL_ENABLE);
    ck_assert_uint_eq(mpu_perms(m, 0x00001000u, true, true), 0);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x10, true, true), RW);
    /* PRIVDEFENA: the default map as background for privileged code only. */
    mpu_set_ctrl(m, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    ck_assert_uint_eq(mpu_perms(m, 0x00001000u, true, true), RWX);
    ck_assert_uint_eq(mpu_perms(m, 0x00001000u, false, true), 0);
    ck_assert_uint_eq(mpu_perms(m, 0xA0000000u, true, true), RW);
}
END_TEST

START_TEST(region_cannot_make_device_space_executable)
{
    mpu_set_ctrl(m, MPU_CTRL_ENABLE);
    mpu_set_region(m, 0, 0x40000000u, rasr(20, 3, false, 0));
    ck_assert_uint_eq(mpu_perms(m, 0x40004000u, false, true), RW);
}
END_TEST

START_TEST(invalid_programming_never_matches)
{
    mpu_set_ctrl(m, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    /* SIZE 0 never matches; SIZE 1..3 (4 to 16 bytes, UNPREDICTABLE in the
     * architecture) match as small regions, as in QEMU. */
    mpu_set_region(m, 0, RAM, 1u | (3u << 24)); /* SIZE field 0 */
    ck_assert_int_eq(mpu_match(m, RAM), -1);
    mpu_set_region(m, 0, RAM, rasr(4, 3, false, 0)); /* 16 bytes */
    ck_assert_int_eq(mpu_match(m, RAM + 15), 0);
    ck_assert_int_eq(mpu_match(m, RAM + 16), -1);
    mpu_set_region(m, 0, RAM, 0);
    mpu_set_region(m, 1, RAM + 0x100, rasr(10, 3, false, 0)); /* base not aligned to 1 KiB */
    ck_assert_int_eq(mpu_match(m, RAM + 0x100), -1);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x100, false, true), 0);
    uint32_t rasr_off = rasr(10, 3, false, 0) & ~1u; /* not enabled */
    mpu_set_region(m, 2, RAM, rasr_off);
    ck_assert_int_eq(mpu_match(m, RAM), -1);
}
END_TEST

START_TEST(uniform_spans)
{
    mpu_set_ctrl(m, MPU_CTRL_ENABLE);
    mpu_set_region(m, 0, RAM, rasr(12, 3, true, 0));         /* 4 KiB RW */
    mpu_set_region(m, 1, RAM + 0x1000, rasr(8, 3, true, 0)); /* 256 B RW, adjacent */
    /* Same permissions across the seam: one span up to 0x1100. */
    ck_assert_uint_eq(mpu_uniform_until(m, RAM, RAM + 0x2000ull, false, true), RAM + 0x1100ull);
    /* Page [0x1000, 0x1400) is cut at 0x1100. */
    ck_assert_uint_eq(mpu_uniform_until(m, RAM + 0x1000, RAM + 0x1400ull, false, true),
                      RAM + 0x1100ull);
    ck_assert_uint_eq(mpu_uniform_until(m, RAM + 0x1100, RAM + 0x1400ull, false, true),
                      RAM + 0x1400ull);
    /* Subregion edges cut too. */
    mpu_set_region(m, 2, RAM + 0x2000, rasr(11, 3, true, 0x01)); /* first 256 B off */
    ck_assert_uint_eq(mpu_uniform_until(m, RAM + 0x2000, RAM + 0x2400ull, false, true),
                      RAM + 0x2100ull);
    /* Off: uniform up to the default map's own edges. */
    ck_assert_uint_eq(mpu_uniform_until(m, 0x3FFFFC00u, 0x40000400ull, false, false),
                      0x40000000ull);
}
END_TEST

static unsigned reg_read(device d, uint32_t off)
{
    return d.ops->read(d.state, off, 4);
}

static void reg_write(device d, uint32_t off, uint32_t v)
{
    d.ops->write(d.state, off, v, 4);
}

START_TEST(registers_and_aliases)
{
    device d = mpu_device(m);
    ck_assert_uint_eq(reg_read(d, 0x00), 8u << 8); /* TYPE: 8 unified regions */
    /* One STM over RBAR, RASR, RBAR_A1, RASR_A1 programs two regions. */
    reg_write(d, 0x0C, RAM | 0x10 | 3);
    reg_write(d, 0x10, rasr(10, 3, true, 0));
    reg_write(d, 0x14, (RAM + 0x400) | 0x10 | 4);
    reg_write(d, 0x18, rasr(10, 6, true, 0));
    reg_write(d, 0x08, 3);
    ck_assert_uint_eq(reg_read(d, 0x0C), RAM | 3);
    ck_assert_uint_eq(reg_read(d, 0x10), rasr(10, 3, true, 0));
    reg_write(d, 0x08, 4);
    ck_assert_uint_eq(reg_read(d, 0x24), (RAM + 0x400) | 4); /* RBAR_A3 reads the same */
    reg_write(d, 0x04, MPU_CTRL_ENABLE);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x500, false, true), MPU_R);
    ck_assert_uint_eq(mpu_perms(m, RAM + 0x100, false, true), RW);
    /* A region number past the implemented ones is ignored. */
    reg_write(d, 0x0C, 0x30000000u | 0x10 | 9);
    ck_assert_uint_eq(reg_read(d, 0x08), 4);
}
END_TEST

static Suite *mpu_suite(void)
{
    Suite *s = suite_create("mpu");
    TCase *tc = tcase_create("pmsav7");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_ap_encoding);
    tcase_add_test(tc, exact_region_bounds);
    tcase_add_test(tc, subregions);
    tcase_add_test(tc, highest_region_wins);
    tcase_add_test(tc, background_and_off);
    tcase_add_test(tc, region_cannot_make_device_space_executable);
    tcase_add_test(tc, invalid_programming_never_matches);
    tcase_add_test(tc, uniform_spans);
    tcase_add_test(tc, registers_and_aliases);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(mpu_suite());
}
