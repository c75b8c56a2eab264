/* SysTick model, driven through its device ops on a real event queue. */
#include <check.h>

#include "check_main.h"
#include "periph_harness.h"

#define CSR   0x0u
#define RVR   0x4u
#define CVR   0x8u
#define CALIB 0xCu

#define ENABLE    0x1u
#define TICKINT   0x2u
#define CLKSOURCE 0x4u
#define COUNTFLAG (1u << 16)

/* SysTick pulses its line: record when each pulse came. */
static struct {
    bool level;
    int n;
    uint64_t at[64];
} pulses;

static void pulse_set(void *ctx, int line, bool level)
{
    (void)ctx;
    (void)line;
    if (level && !pulses.level && pulses.n < 64) {
        pulses.at[pulses.n++] = now;
    }
    pulses.level = level;
}

static systick *st;

static void make(uint64_t hz, uint64_t ref_hz)
{
    clk.hz = hz;
    st = systick_create(&clk, ref_hz, (irq_line){pulse_set, NULL, 15});
    dev = systick_device(st);
}

static void setup(void)
{
    harness_setup(64000000);
    pulses.n = 0;
    pulses.level = false;
    make(64000000, 1000000);
}

static void remake(uint64_t hz, uint64_t ref_hz)
{
    dev.ops->destroy(dev.state);
    make(hz, ref_hz);
}

START_TEST(device_and_reset_values)
{
    ck_assert_str_eq(dev.name, "systick");
    ck_assert_uint_eq(dev.base, 0xE000E010);
    ck_assert_uint_eq(dev.size, 0x10);
    ck_assert_uint_eq(dev.widths, DEV_W32);
    ck_assert_uint_eq(rd(CSR), 0);
    ck_assert_uint_eq(rd(RVR), 0);
    ck_assert_uint_eq(rd(CVR), 0);
    /* 1 MHz reference: 10 ms is exactly 10000 clocks. */
    ck_assert_uint_eq(rd(CALIB), 9999);
    wr(RVR, 0xFFFFFFFF);
    ck_assert_uint_eq(rd(RVR), 0xFFFFFF);
    wr(CSR, 0xFFFFFFFF);
    ck_assert_uint_eq(rd(CSR) & ~COUNTFLAG, 0x7);
    dev.ops->reset(dev.state);
    ck_assert_uint_eq(rd(CSR), 0);
    ck_assert_uint_eq(rd(RVR), 0);
    ck_assert_uint_eq(evq_size(q), 0);
}
END_TEST

START_TEST(calib_reports_skew_and_noref)
{
    remake(64000000, 32768);
    ck_assert_uint_eq(rd(CALIB), (1u << 30) | 326); /* 327.68 clocks per 10 ms */
    remake(64000000, 0);
    ck_assert_uint_eq(rd(CALIB), 1u << 31);
    ck_assert_uint_eq(rd(CSR), CLKSOURCE); /* no reference: CLKSOURCE RAO/WI */
    wr(CSR, 0);
    ck_assert_uint_eq(rd(CSR), CLKSOURCE);
}
END_TEST

START_TEST(period_is_rvr_plus_one)
{
    wr(RVR, 99);
    wr(CVR, 0);
    wr(CSR, ENABLE | TICKINT | CLKSOURCE);
    now = 1;
    ck_assert_uint_eq(rd(CVR), 99); /* reloaded on the first clock */
    now = 50;
    ck_assert_uint_eq(rd(CVR), 50);
    run_until(350);
    ck_assert_int_eq(pulses.n, 3);
    ck_assert_uint_eq(pulses.at[0], 100);
    ck_assert_uint_eq(pulses.at[1], 200);
    ck_assert_uint_eq(pulses.at[2], 300);
    ck_assert(!pulses.level); /* a pulse, not a level */
}
END_TEST

START_TEST(countflag_is_cleared_by_reading_csr)
{
    wr(RVR, 9);
    wr(CSR, ENABLE | CLKSOURCE);
    ck_assert_uint_eq(evq_size(q), 0); /* no TICKINT: nothing scheduled */
    now = 5;
    ck_assert_uint_eq(rd(CSR) & COUNTFLAG, 0);
    now = 10; /* CVR went 0 -> 9 at 1, reaches 0 at 10 */
    ck_assert_uint_eq(rd(CVR), 0);
    ck_assert_uint_eq(rd(CSR), COUNTFLAG | ENABLE | CLKSOURCE);
    ck_assert_uint_eq(rd(CSR) & COUNTFLAG, 0);
    now = 1000;
    ck_assert_uint_eq(rd(CSR) & COUNTFLAG, COUNTFLAG);
    ck_assert_int_eq(pulses.n, 0);
}
END_TEST

START_TEST(cvr_write_clears_value_and_countflag)
{
    wr(RVR, 999);
    wr(CSR, ENABLE | TICKINT | CLKSOURCE);
    run_until(1500); /* pulse at 1000 */
    ck_assert_int_eq(pulses.n, 1);
    ck_assert_uint_eq(rd(CVR), 500);
    wr(CVR, 12345);
    ck_assert_uint_eq(rd(CVR), 0);
    ck_assert_uint_eq(rd(CSR) & COUNTFLAG, 0);
    now = 1501;
    ck_assert_uint_eq(rd(CVR), 999);
    run_until(2500);
    ck_assert_int_eq(pulses.n, 2);
    ck_assert_uint_eq(pulses.at[1], 2500);
}
END_TEST

START_TEST(disable_stops_and_enable_continues)
{
    wr(RVR, 999);
    wr(CSR, ENABLE | TICKINT | CLKSOURCE);
    now = 301;
    wr(CSR, TICKINT | CLKSOURCE);
    ck_assert_uint_eq(evq_size(q), 0);
    now = 5000;
    ck_assert_uint_eq(rd(CVR), 699);
    wr(CSR, ENABLE | TICKINT | CLKSOURCE);
    run_until(5699);
    ck_assert_int_eq(pulses.n, 1);
    ck_assert_uint_eq(pulses.at[0], 5699);
}
END_TEST

START_TEST(reference_clock_with_exact_ratio)
{
    remake(1000, 250); /* one reference clock every 4 core cycles */
    wr(RVR, 9);
    wr(CSR, ENABLE | TICKINT);
    now = 4;
    ck_assert_uint_eq(rd(CVR), 9);
    run_until(100);
    ck_assert_int_eq(pulses.n, 2);
    ck_assert_uint_eq(pulses.at[0], 40);
    ck_assert_uint_eq(pulses.at[1], 80);
}
END_TEST

START_TEST(reference_clock_with_fractional_ratio)
{
    remake(1000, 300); /* reference edge n at cycle ceil(n * 10 / 3) */
    wr(RVR, 9);
    wr(CSR, ENABLE | TICKINT);
    run_until(1000);
    ck_assert_int_eq(pulses.n, 30);
    ck_assert_uint_eq(pulses.at[0], 34);  /* tick 10 at 33.3 */
    ck_assert_uint_eq(pulses.at[1], 67);  /* tick 20 at 66.7 */
    ck_assert_uint_eq(pulses.at[2], 100); /* tick 30 exactly */
    ck_assert_uint_eq(pulses.at[29], 1000);
}
END_TEST

START_TEST(switching_clock_source_keeps_the_count)
{
    remake(1000, 100); /* reference is 10x slower */
    wr(RVR, 999);
    wr(CSR, ENABLE | CLKSOURCE);
    now = 100;
    ck_assert_uint_eq(rd(CVR), 900);
    wr(CSR, ENABLE); /* to the slow reference */
    now = 200;       /* ten reference clocks later */
    ck_assert_uint_eq(rd(CVR), 890);
}
END_TEST

START_TEST(rvr_zero_holds_at_zero)
{
    wr(RVR, 4);
    wr(CSR, ENABLE | TICKINT | CLKSOURCE);
    run_until(5); /* 0 -> 4 at cycle 1, 4 -> 0 at cycle 5 */
    ck_assert_int_eq(pulses.n, 1);
    wr(RVR, 0);
    run_until(100000);
    ck_assert_int_eq(pulses.n, 1);
    ck_assert_uint_eq(rd(CVR), 0);
    ck_assert_uint_eq(evq_size(q), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("periph_systick");
    TCase *tc = tcase_create("systick");
    tcase_add_checked_fixture(tc, setup, harness_teardown);
    tcase_add_test(tc, device_and_reset_values);
    tcase_add_test(tc, calib_reports_skew_and_noref);
    tcase_add_test(tc, period_is_rvr_plus_one);
    tcase_add_test(tc, countflag_is_cleared_by_reading_csr);
    tcase_add_test(tc, cvr_write_clears_value_and_countflag);
    tcase_add_test(tc, disable_stops_and_enable_continues);
    tcase_add_test(tc, reference_clock_with_exact_ratio);
    tcase_add_test(tc, reference_clock_with_fractional_ratio);
    tcase_add_test(tc, switching_clock_source_keeps_the_count);
    tcase_add_test(tc, rvr_zero_holds_at_zero);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
