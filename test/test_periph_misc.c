/* FPGA IO, DWT, simulation control and dual timer models, driven through
 * their device ops on a real event queue. */
#include <check.h>

#include "check_main.h"
#include "periph_harness.h"

static void setup(void)
{
    harness_setup(25000000);
}

/* ---- FPGA IO ---------------------------------------------------------- */

static struct {
    int calls;
    uint32_t leds;
    uint64_t cycle;
} led_log;

static void leds_changed(void *ctx, uint32_t leds, uint64_t cycle)
{
    ck_assert_ptr_eq(ctx, &led_log);
    led_log.calls++;
    led_log.leds = leds;
    led_log.cycle = cycle;
}

static fpgaio *make_fpgaio(void)
{
    led_log.calls = 0;
    fpgaio *f =
        fpgaio_create("fpgaio", 0x40028000, &clk, 2, 2, (fpgaio_observer){leds_changed, &led_log});
    dev = fpgaio_device(f);
    return f;
}

START_TEST(fpgaio_leds_notify_on_change)
{
    fpgaio *f = make_fpgaio();
    ck_assert_uint_eq(dev.size, 0x1000);
    now = 123;
    wr(0x00, 0xFF); /* two LEDs: only two bits stick */
    ck_assert_int_eq(led_log.calls, 1);
    ck_assert_uint_eq(led_log.leds, 3);
    ck_assert_uint_eq(led_log.cycle, 123);
    ck_assert_uint_eq(rd(0x00), 3);
    now = 200;
    wr(0x00, 3); /* no change, no call */
    ck_assert_int_eq(led_log.calls, 1);
    wr(0x00, 1);
    ck_assert_int_eq(led_log.calls, 2);
    ck_assert_uint_eq(led_log.cycle, 200);
    ck_assert_uint_eq(fpgaio_leds(f), 1);
    now = 300;
    dev.ops->reset(dev.state);
    ck_assert_int_eq(led_log.calls, 3);
    ck_assert_uint_eq(led_log.leds, 0);
    ck_assert_uint_eq(fpgaio_leds(f), 0);
}
END_TEST

START_TEST(fpgaio_buttons_and_switches)
{
    fpgaio *f = make_fpgaio();
    ck_assert_uint_eq(rd(0x08), 0);
    fpgaio_set_button(f, 1, true);
    ck_assert_uint_eq(rd(0x08), 2);
    fpgaio_set_button(f, 0, true);
    fpgaio_set_button(f, 7, true); /* no such button */
    ck_assert_uint_eq(rd(0x08), 3);
    wr(0x08, 0); /* read-only */
    ck_assert_uint_eq(rd(0x08), 3);
    fpgaio_set_button(f, 1, false);
    ck_assert_uint_eq(rd(0x08), 1);
    fpgaio_set_switches(f, 0xA5);
    ck_assert_uint_eq(rd(0x28), 0xA5);
    dev.ops->reset(dev.state); /* physical inputs survive a reset */
    ck_assert_uint_eq(rd(0x08), 1);
    ck_assert_uint_eq(rd(0x28), 0xA5);
    wr(0x4C, 0x3FF);
    ck_assert_uint_eq(rd(0x4C), 0x3FF);
    ck_assert_uint_eq(rd(0x04), 0);
    ck_assert_uint_eq(rd(0x800), 0);
}
END_TEST

START_TEST(fpgaio_slow_clocks)
{
    make_fpgaio();
    now = 249999;
    ck_assert_uint_eq(rd(0x14), 0);
    now = 250000; /* 25 MHz / 100 */
    ck_assert_uint_eq(rd(0x14), 1);
    now = 25000000;
    ck_assert_uint_eq(rd(0x10), 1);
    ck_assert_uint_eq(rd(0x14), 100);
    wr(0x14, 7);
    now += 250000 * 3;
    ck_assert_uint_eq(rd(0x14), 10);
    ck_assert_uint_eq(rd(0x10), 1);
}
END_TEST

START_TEST(fpgaio_prescaled_counter)
{
    make_fpgaio();
    now = 1000; /* PRESCALE = 0: COUNTER counts every cycle */
    ck_assert_uint_eq(rd(0x18), 1000);
    now = 2000;
    wr(0x1C, 4);
    wr(0x20, 4);
    wr(0x18, 0);
    now = 2004;
    ck_assert_uint_eq(rd(0x20), 0);
    ck_assert_uint_eq(rd(0x18), 0);
    now = 2005; /* reload one cycle after reaching 0, COUNTER steps */
    ck_assert_uint_eq(rd(0x20), 4);
    ck_assert_uint_eq(rd(0x18), 1);
    now = 2050;
    ck_assert_uint_eq(rd(0x18), 10);
    now = 2053;
    ck_assert_uint_eq(rd(0x20), 1);
    ck_assert_uint_eq(rd(0x1C), 4);
    ck_assert_uint_eq(evq_size(q), 0);
}
END_TEST

/* ---- DWT -------------------------------------------------------------- */

static dwt *make_dwt(void)
{
    dwt *d = dwt_create(&clk);
    dev = dwt_device(d);
    return d;
}

START_TEST(dwt_identity)
{
    make_dwt();
    ck_assert_uint_eq(dev.base, 0xE0001000);
    ck_assert_uint_eq(dev.size, 0x1000);
    ck_assert_uint_eq(rd(0x000), 0x40000000);
    wr(0x000, 0xFFFFFFFF); /* NUMCOMP is read-only */
    ck_assert_uint_eq(rd(0x000) >> 28, 4);
    for (uint32_t off = 0x008; off <= 0x01C; off += 4) {
        ck_assert_uint_eq(rd(off), 0);
    }
    wr(0xFB0, 0xC5ACCE55);
    ck_assert_uint_eq(rd(0xFB0), 0);
    ck_assert_uint_eq(rd(0xFB4), 0);
    ck_assert_uint_eq(rd(0xFE0), 0x02);
    ck_assert_uint_eq(rd(0xFF4), 0xE0);
}
END_TEST

START_TEST(dwt_cyccnt_needs_trcena_and_cyccntena)
{
    dwt *d = make_dwt();
    wr(0x000, 1); /* CYCCNTENA, but TRCENA is off */
    now = 100;
    ck_assert_uint_eq(rd(0x004), 0);
    dwt_set_trace_enable(d, true);
    now = 250;
    ck_assert_uint_eq(rd(0x004), 150);
    wr(0x000, 0);
    now = 400;
    ck_assert_uint_eq(rd(0x004), 150);
    wr(0x000, 1);
    now = 410;
    ck_assert_uint_eq(rd(0x004), 160);
    dwt_set_trace_enable(d, false);
    now = 1000;
    ck_assert_uint_eq(rd(0x004), 160);
    ck_assert_uint_eq(evq_size(q), 0);
}
END_TEST

START_TEST(dwt_cyccnt_is_writable_and_wraps)
{
    dwt *d = make_dwt();
    dwt_set_trace_enable(d, true);
    now = 7;
    wr(0x004, 0xFFFFFF00);
    wr(0x000, 1);
    now = 7 + 0x100 + 5;
    ck_assert_uint_eq(rd(0x004), 5);
    now += 0x100000000ull; /* a full 2^32 later: same value */
    ck_assert_uint_eq(rd(0x004), 5);
    dev.ops->reset(dev.state);
    ck_assert_uint_eq(rd(0x000), 0x40000000);
    ck_assert_uint_eq(rd(0x004), 0);
}
END_TEST

/* ---- simulation control ----------------------------------------------- */

static struct {
    int calls;
    uint32_t code;
    void *ctx;
} exits;

static void host_exit(void *ctx, uint32_t code)
{
    exits.calls++;
    exits.code = code;
    exits.ctx = ctx;
}

static void make_simctrl(void)
{
    exits.calls = 0;
    simctrl *s = simctrl_create("simctrl", 0x4002E000, &clk, (simctrl_host){host_exit, &exits});
    dev = simctrl_device(s);
}

START_TEST(simctrl_id_and_exit)
{
    make_simctrl();
    ck_assert_uint_eq(dev.base, 0x4002E000);
    ck_assert_uint_eq(dev.size, 0x1000);
    ck_assert_uint_eq(dev.widths, DEV_W32);
    ck_assert_uint_eq(rd(0x00), SIMCTRL_ID_VALUE);
    ck_assert_uint_eq(rd(0x00), 0x42554C57);
    wr(0x00, 0); /* read-only */
    ck_assert_uint_eq(rd(0x00), SIMCTRL_ID_VALUE);
    ck_assert_uint_eq(rd(0x04), 0);
    ck_assert_int_eq(exits.calls, 0);
    wr(0x04, 42);
    ck_assert_int_eq(exits.calls, 1);
    ck_assert_uint_eq(exits.code, 42);
    ck_assert_ptr_eq(exits.ctx, &exits);
    wr(0x10, 1);
    wr(0xFFC, 1);
    ck_assert_int_eq(exits.calls, 1);
    ck_assert_uint_eq(rd(0x10), 0);
}
END_TEST

START_TEST(simctrl_cycle_counter_latches_high_half)
{
    make_simctrl();
    now = 0x123456789ull;
    ck_assert_uint_eq(rd(0x08), 0x23456789);
    now = 0x200000000ull;
    ck_assert_uint_eq(rd(0x0C), 0x1); /* latched by the LO read */
    ck_assert_uint_eq(rd(0x08), 0);
    ck_assert_uint_eq(rd(0x0C), 0x2);
    dev.ops->reset(dev.state);
    ck_assert_uint_eq(rd(0x0C), 0);
}
END_TEST

/* ---- dual timer ------------------------------------------------------- */

#define DT_LOAD    0x00u
#define DT_VALUE   0x04u
#define DT_CONTROL 0x08u
#define DT_INTCLR  0x0Cu
#define DT_RIS     0x10u
#define DT_MIS     0x14u
#define DT_BGLOAD  0x18u
#define DT2        0x20u

#define DT_ONESHOT  0x01u
#define DT_SIZE32   0x02u
#define DT_DIV16    0x04u
#define DT_INTEN    0x20u
#define DT_PERIODIC 0x40u
#define DT_ENABLE   0x80u

static struct probe dt_probe;

static void make_dualtimer(void)
{
    dt_probe = (struct probe){0};
    cmsdk_dualtimer *t = cmsdk_dualtimer_create("dualtimer", 0x40002000, &clk, 0,
                                                (irq_line){probe_set, &dt_probe, 10});
    dev = cmsdk_dualtimer_device(t);
}

START_TEST(dualtimer_reset_values)
{
    make_dualtimer();
    for (uint32_t m = 0; m <= DT2; m += DT2) {
        ck_assert_uint_eq(rd(m + DT_CONTROL), 0x20);
        ck_assert_uint_eq(rd(m + DT_VALUE), 0xFFFFFFFF);
        ck_assert_uint_eq(rd(m + DT_LOAD), 0);
        ck_assert_uint_eq(rd(m + DT_RIS), 0);
    }
    ck_assert_uint_eq(rd(0xFE0), 0x23);
    ck_assert_uint_eq(rd(0xFFC), 0xB1);
    now = 1000;
    ck_assert_uint_eq(rd(DT_VALUE), 0xFFFFFFFF); /* not enabled */
}
END_TEST

START_TEST(dualtimer_periodic_interrupts)
{
    make_dualtimer();
    wr(DT_LOAD, 99);
    wr(DT_CONTROL, DT_ENABLE | DT_PERIODIC | DT_SIZE32 | DT_INTEN);
    now = 40;
    ck_assert_uint_eq(rd(DT_VALUE), 59);
    run_until(98);
    ck_assert(!dt_probe.level);
    run_until(99);
    ck_assert(dt_probe.level);
    ck_assert_uint_eq(rd(DT_RIS), 1);
    ck_assert_uint_eq(rd(DT_MIS), 1);
    wr(DT_INTCLR, 0);
    ck_assert(!dt_probe.level);
    run_until(198);
    ck_assert(!dt_probe.level);
    run_until(199); /* period Load + 1 */
    ck_assert(dt_probe.level);
    wr(DT_INTCLR, 1);
    wr(DT_CONTROL, DT_ENABLE | DT_PERIODIC | DT_SIZE32); /* masked */
    run_until(299);
    ck_assert(!dt_probe.level);
    ck_assert_uint_eq(rd(DT_RIS), 1);
    ck_assert_uint_eq(rd(DT_MIS), 0);
    ck_assert_uint_eq(evq_size(q), 0);
}
END_TEST

START_TEST(dualtimer_free_running_16bit_wraps)
{
    make_dualtimer();
    wr(DT_CONTROL, DT_ENABLE | DT_INTEN);
    now = 0x10;
    ck_assert_uint_eq(rd(DT_VALUE), 0xFFFFFFEF);
    run_until(0xFFFE);
    ck_assert(!dt_probe.level);
    run_until(0xFFFF);
    ck_assert(dt_probe.level);
    now = 0x10000;
    ck_assert_uint_eq(rd(DT_VALUE), 0xFFFFFFFF); /* wrapped to 0xFFFF */
}
END_TEST

START_TEST(dualtimer_one_shot_stops_until_loaded)
{
    make_dualtimer();
    wr(DT_LOAD, 10);
    wr(DT_CONTROL, DT_ENABLE | DT_ONESHOT | DT_SIZE32 | DT_INTEN);
    run_until(10);
    ck_assert(dt_probe.level);
    wr(DT_INTCLR, 1);
    run_until(1000);
    ck_assert(!dt_probe.level);
    ck_assert_uint_eq(rd(DT_VALUE), 0);
    ck_assert_uint_eq(evq_size(q), 0);
    wr(DT_LOAD, 5);
    run_until(1005);
    ck_assert(dt_probe.level);
    ck_assert_uint_eq(dt_probe.last_rise, 1005);
}
END_TEST

START_TEST(dualtimer_prescale_and_bgload)
{
    make_dualtimer();
    wr(DT_LOAD, 9);
    wr(DT_CONTROL, DT_ENABLE | DT_PERIODIC | DT_SIZE32 | DT_INTEN | DT_DIV16);
    run_until(143);
    ck_assert(!dt_probe.level);
    run_until(144); /* 9 ticks of 16 cycles */
    ck_assert(dt_probe.level);
    wr(DT_INTCLR, 1);
    now = 176;        /* tick 11: reloaded to 9 at tick 10 */
    wr(DT_BGLOAD, 1); /* next reload, without restarting */
    ck_assert_uint_eq(rd(DT_VALUE), 8);
    ck_assert_uint_eq(rd(DT_LOAD), 1);
    run_until(16 * 19 - 1);
    ck_assert(!dt_probe.level);
    run_until(16 * 19);
    ck_assert(dt_probe.level);
    wr(DT_INTCLR, 1);
    run_until(16 * 21); /* now every 2 ticks */
    ck_assert(dt_probe.level);
}
END_TEST

START_TEST(dualtimer_both_counters_share_the_line)
{
    make_dualtimer();
    wr(DT_LOAD, 10);
    wr(DT_CONTROL, DT_ENABLE | DT_ONESHOT | DT_SIZE32 | DT_INTEN);
    wr(DT2 + DT_LOAD, 20);
    wr(DT2 + DT_CONTROL, DT_ENABLE | DT_ONESHOT | DT_SIZE32 | DT_INTEN);
    run_until(20);
    ck_assert(dt_probe.level);
    ck_assert_int_eq(dt_probe.rises, 1);
    wr(DT_INTCLR, 1);
    ck_assert(dt_probe.level); /* timer 2 still pending */
    wr(DT2 + DT_INTCLR, 1);
    ck_assert(!dt_probe.level);
    wr(0xF00, 1); /* integration test mode drives the line from ITOP */
    wr(0xF04, 2);
    ck_assert(dt_probe.level);
    wr(0xF00, 0);
    ck_assert(!dt_probe.level);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("periph_misc");
    TCase *tc = tcase_create("misc");
    tcase_add_checked_fixture(tc, setup, harness_teardown);
    tcase_add_test(tc, fpgaio_leds_notify_on_change);
    tcase_add_test(tc, fpgaio_buttons_and_switches);
    tcase_add_test(tc, fpgaio_slow_clocks);
    tcase_add_test(tc, fpgaio_prescaled_counter);
    tcase_add_test(tc, dwt_identity);
    tcase_add_test(tc, dwt_cyccnt_needs_trcena_and_cyccntena);
    tcase_add_test(tc, dwt_cyccnt_is_writable_and_wraps);
    tcase_add_test(tc, simctrl_id_and_exit);
    tcase_add_test(tc, simctrl_cycle_counter_latches_high_half);
    tcase_add_test(tc, dualtimer_reset_values);
    tcase_add_test(tc, dualtimer_periodic_interrupts);
    tcase_add_test(tc, dualtimer_free_running_16bit_wraps);
    tcase_add_test(tc, dualtimer_one_shot_stops_until_loaded);
    tcase_add_test(tc, dualtimer_prescale_and_bgload);
    tcase_add_test(tc, dualtimer_both_counters_share_the_line);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
