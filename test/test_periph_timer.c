/* CMSDK APB timer model, driven through its device ops on a real event queue. */
#include <check.h>

#include "check_main.h"
#include "periph_harness.h"

#define CTRL      0x00u
#define VALUE     0x04u
#define RELOAD    0x08u
#define INTSTATUS 0x0Cu

#define EN     0x1u
#define EXTEN  0x2u
#define EXTCLK 0x4u
#define INTEN  0x8u

static struct probe irq_probe;
static cmsdk_timer *t;

static void make_timer(uint64_t pclk_hz)
{
    t = cmsdk_timer_create("timer0", 0x40000000, &clk, pclk_hz,
                           (irq_line){probe_set, &irq_probe, 8});
    dev = cmsdk_timer_device(t);
}

static void setup(void)
{
    harness_setup(25000000);
    irq_probe = (struct probe){0};
    make_timer(25000000);
}

START_TEST(identity_and_reset_values)
{
    ck_assert_uint_eq(dev.size, 0x1000);
    ck_assert_uint_eq(rd(CTRL), 0);
    ck_assert_uint_eq(rd(VALUE), 0);
    ck_assert_uint_eq(rd(RELOAD), 0);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    ck_assert_uint_eq(rd(0xFD0), 0x04);
    ck_assert_uint_eq(rd(0xFE0), 0x22);
    ck_assert_uint_eq(rd(0xFE4), 0xB8);
    ck_assert_uint_eq(rd(0xFE8), 0x1B);
    ck_assert_uint_eq(rd(0xFEC), 0x00);
    ck_assert_uint_eq(rd(0xFF0), 0x0D);
    ck_assert_uint_eq(rd(0xFFC), 0xB1);
    ck_assert_uint_eq(rd(0x40), 0);
    wr(CTRL, 0xFF);
    ck_assert_uint_eq(rd(CTRL), 0xF);
}
END_TEST

START_TEST(value_counts_down_at_pclk)
{
    wr(RELOAD, 5000);
    wr(VALUE, 1000);
    wr(CTRL, EN);
    now = 300;
    ck_assert_uint_eq(rd(VALUE), 700);
    now = 1000;
    ck_assert_uint_eq(rd(VALUE), 0);
    now = 1001;
    ck_assert_uint_eq(rd(VALUE), 5000); /* reload on the clock after 0 */
    now = 1001 + 5000 + 1 + 17;
    ck_assert_uint_eq(rd(VALUE), 5000 - 17);
    wr(CTRL, 0);
    now += 1000000;
    ck_assert_uint_eq(rd(VALUE), 5000 - 17); /* stopped */
    ck_assert_uint_eq(rd(INTSTATUS), 0);     /* INTEN was clear */
    ck_assert_uint_eq(evq_size(q), 0);       /* nothing to schedule */
}
END_TEST

START_TEST(wrap_raises_a_level_until_cleared)
{
    wr(RELOAD, 99);
    wr(VALUE, 100);
    wr(CTRL, EN | INTEN);
    run_until(99);
    ck_assert(!irq_probe.level);
    ck_assert_uint_eq(rd(VALUE), 1);
    run_until(100);
    ck_assert(irq_probe.level);
    ck_assert_uint_eq(irq_probe.last_rise, 100);
    ck_assert_uint_eq(rd(INTSTATUS), 1);
    ck_assert_uint_eq(rd(VALUE), 0);
    run_until(150);
    ck_assert(irq_probe.level);
    wr(INTSTATUS, 1);
    ck_assert(!irq_probe.level);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    run_until(199);
    ck_assert(!irq_probe.level);
    run_until(200); /* period RELOAD + 1 */
    ck_assert(irq_probe.level);
    ck_assert_uint_eq(irq_probe.last_rise, 200);
    wr(INTSTATUS, 0); /* only a 1 clears */
    ck_assert(irq_probe.level);
    wr(INTSTATUS, 1);
    run_until(1000);
    ck_assert_int_eq(irq_probe.rises, 3);
}
END_TEST

START_TEST(intstatus_needs_inten_at_the_wrap)
{
    wr(RELOAD, 9);
    wr(VALUE, 10);
    wr(CTRL, EN);
    run_until(55);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    wr(CTRL, EN | INTEN); /* not retroactive */
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    ck_assert(!irq_probe.level);
    run_until(59);
    ck_assert(!irq_probe.level);
    run_until(60);
    ck_assert(irq_probe.level);
    /* As in the RTL, clearing INTEN does not drop a pending interrupt. */
    wr(CTRL, EN);
    ck_assert(irq_probe.level);
}
END_TEST

START_TEST(reload_zero_never_interrupts)
{
    wr(VALUE, 3);
    wr(CTRL, EN | INTEN);
    run_until(3);
    ck_assert(irq_probe.level);
    wr(INTSTATUS, 1);
    run_until(100000);
    ck_assert(!irq_probe.level);
    ck_assert_uint_eq(rd(VALUE), 0);
    ck_assert_uint_eq(evq_size(q), 0);
    wr(RELOAD, 4); /* the next clock reloads it: 0 -> 4 -> ... -> 0 */
    run_until(100004);
    ck_assert(!irq_probe.level);
    run_until(100005);
    ck_assert(irq_probe.level);
}
END_TEST

START_TEST(external_input_modes_do_not_count)
{
    wr(VALUE, 1000);
    wr(CTRL, EN | EXTEN | INTEN);
    now = 5000;
    ck_assert_uint_eq(rd(VALUE), 1000);
    wr(CTRL, EN | EXTCLK | INTEN);
    now = 10000;
    ck_assert_uint_eq(rd(VALUE), 1000);
    ck_assert_uint_eq(evq_size(q), 0);
    wr(CTRL, EN);
    now = 10400;
    ck_assert_uint_eq(rd(VALUE), 600);
}
END_TEST

START_TEST(slower_pclk_divides_the_count)
{
    dev.ops->destroy(dev.state);
    make_timer(25000000 / 4);
    now = 2; /* between PCLK edges: the next edge is at cycle 4 */
    wr(RELOAD, 9);
    wr(VALUE, 10);
    wr(CTRL, EN | INTEN);
    now = 3;
    ck_assert_uint_eq(rd(VALUE), 10);
    now = 4;
    ck_assert_uint_eq(rd(VALUE), 9);
    now = 39;
    ck_assert_uint_eq(rd(VALUE), 1);
    run_until(40);
    ck_assert(irq_probe.level);
    ck_assert_uint_eq(irq_probe.last_rise, 40);
}
END_TEST

START_TEST(fractional_pclk_ratio_is_exact)
{
    dev.ops->destroy(dev.state);
    clk.hz = 1000;
    make_timer(300); /* PCLK edge n at cycle ceil(n * 10 / 3) */
    wr(RELOAD, 9);
    wr(VALUE, 10);
    wr(CTRL, EN | INTEN);
    run_until(33);
    ck_assert(!irq_probe.level);
    ck_assert_uint_eq(rd(VALUE), 1); /* 9 edges by cycle 33 */
    run_until(34);
    ck_assert(irq_probe.level);
    ck_assert_uint_eq(irq_probe.last_rise, 34);
    wr(INTSTATUS, 1);
    run_until(66);
    ck_assert(!irq_probe.level);
    run_until(67); /* edge 20 at 66.7 */
    ck_assert(irq_probe.level);
}
END_TEST

START_TEST(value_write_restarts_the_count)
{
    wr(RELOAD, 1000);
    wr(VALUE, 500);
    wr(CTRL, EN | INTEN);
    now = 100;
    wr(VALUE, 50);
    run_until(149);
    ck_assert(!irq_probe.level);
    run_until(150);
    ck_assert(irq_probe.level);
}
END_TEST

START_TEST(reset_cancels_and_lowers_the_line)
{
    wr(RELOAD, 10);
    wr(VALUE, 10);
    wr(CTRL, EN | INTEN);
    run_until(10);
    ck_assert(irq_probe.level);
    dev.ops->reset(dev.state);
    ck_assert(!irq_probe.level);
    ck_assert_uint_eq(evq_size(q), 0);
    ck_assert_uint_eq(rd(CTRL), 0);
    ck_assert_uint_eq(rd(VALUE), 0);
    ck_assert_uint_eq(rd(RELOAD), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("periph_timer");
    TCase *tc = tcase_create("timer");
    tcase_add_checked_fixture(tc, setup, harness_teardown);
    tcase_add_test(tc, identity_and_reset_values);
    tcase_add_test(tc, value_counts_down_at_pclk);
    tcase_add_test(tc, wrap_raises_a_level_until_cleared);
    tcase_add_test(tc, intstatus_needs_inten_at_the_wrap);
    tcase_add_test(tc, reload_zero_never_interrupts);
    tcase_add_test(tc, external_input_modes_do_not_count);
    tcase_add_test(tc, slower_pclk_divides_the_count);
    tcase_add_test(tc, fractional_pclk_ratio_is_exact);
    tcase_add_test(tc, value_write_restarts_the_count);
    tcase_add_test(tc, reset_cancels_and_lowers_the_line);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
