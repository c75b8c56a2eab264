/* CMSDK AHB GPIO model (periph/gpio.c), driven through its device ops:
 * data and output enables, masked byte banks, level and edge interrupts
 * with the RTL's clear rule, per-pin and combined lines, IDs, reset. */
#include <check.h>

#include "check_main.h"
#include "gpio.h"
#include "periph_harness.h"

#define DATA       0x000
#define DATAOUT    0x004
#define OUTENSET   0x010
#define OUTENCLR   0x014
#define ALTSET     0x018
#define ALTCLR     0x01C
#define INTENSET   0x020
#define INTENCLR   0x024
#define INTTYPESET 0x028
#define INTTYPECLR 0x02C
#define INTPOLSET  0x030
#define INTPOLCLR  0x034
#define INTSTATUS  0x038

static struct probe combined, pin[CMSDK_GPIO_PINS];
static struct {
    int calls;
    uint32_t levels;
    uint64_t cycle;
} seen;

static void pins_changed(void *ctx, int index, uint32_t levels, uint64_t cycle)
{
    ck_assert_ptr_eq(ctx, &seen);
    ck_assert_int_eq(index, 1);
    seen.calls++;
    seen.levels = levels;
    seen.cycle = cycle;
}

static cmsdk_gpio *g;

static void setup(void)
{
    harness_setup(25000000);
    irq_line lines[CMSDK_GPIO_PINS];
    for (int n = 0; n < CMSDK_GPIO_PINS; n++) {
        pin[n] = (struct probe){0};
        lines[n] = (irq_line){.set = probe_set, .ctx = &pin[n], .line = 16 + n};
    }
    combined = (struct probe){0};
    seen.calls = 0;
    irq_line comb = {.set = probe_set, .ctx = &combined, .line = 6};
    g = cmsdk_gpio_create("gpio1", 0x40011000, 1, &clk, comb, lines,
                          (gpio_observer){pins_changed, &seen});
    dev = cmsdk_gpio_device(g);
}

START_TEST(gpio_outputs_drive_pins_inputs_show_through)
{
    ck_assert_uint_eq(dev.size, 0x1000);
    wr(DATAOUT, 0xFFFF0005); /* 16 pins: upper half of the word is not there */
    ck_assert_uint_eq(rd(DATAOUT), 0x5);
    ck_assert_uint_eq(rd(DATA), 0); /* output driver off: pads are undriven */
    ck_assert_int_eq(seen.calls, 0);
    now = 77;
    wr(OUTENSET, 0x0001);
    ck_assert_uint_eq(rd(DATA), 0x1);
    ck_assert_uint_eq(rd(OUTENCLR), 0x1);
    ck_assert_int_eq(seen.calls, 1);
    ck_assert_uint_eq(seen.cycle, 77);
    cmsdk_gpio_set_input(g, 3, true);
    ck_assert_uint_eq(rd(DATA), 0x9);
    ck_assert_uint_eq(cmsdk_gpio_levels(g), 0x9);
    cmsdk_gpio_set_input(g, 0, false); /* pin 0 is driven: the input is hidden */
    ck_assert_uint_eq(rd(DATA), 0x9);
    wr(OUTENCLR, 0x0001);
    ck_assert_uint_eq(rd(DATA), 0x8);
    ck_assert_uint_eq(seen.levels, 0x8);
    ck_assert_uint_eq(cmsdk_gpio_output_enables(g), 0);
    wr(DATA, 0x1234); /* DATA writes go to DATAOUT */
    ck_assert_uint_eq(rd(DATAOUT), 0x1234);
}
END_TEST

START_TEST(gpio_masked_banks_touch_only_masked_pins)
{
    wr(OUTENSET, 0xFFFF);
    wr(DATAOUT, 0x0F0F);
    wr(0x400 + (0x81 << 2), 0xFF); /* low byte, mask 0x81: pins 7 and 0 */
    ck_assert_uint_eq(rd(DATAOUT), 0x0F8F);
    wr(0x800 + (0x03 << 2), 0x0000); /* high byte, mask 0x03: pins 9 and 8 */
    ck_assert_uint_eq(rd(DATAOUT), 0x0C8F);
    wr(0x800 + (0x03 << 2), 0x00FF); /* low lane in the high bank: no effect */
    ck_assert_uint_eq(rd(DATAOUT), 0x0C8F);
    ck_assert_uint_eq(rd(0x400 + (0x0F << 2)), 0x0F);
    ck_assert_uint_eq(rd(0x800 + (0xF0 << 2)), 0x0C00 & 0xF000);
    ck_assert_uint_eq(rd(0x800 + (0x0C << 2)), 0x0C00);
}
END_TEST

START_TEST(gpio_set_clear_registers_and_byte_writes)
{
    wr(ALTSET, 0x00F0);
    wr(ALTCLR, 0x0010);
    ck_assert_uint_eq(rd(ALTSET), 0x00E0);
    dev.ops->write(dev.state, INTPOLSET + 1, 0x80, 1); /* byte lane 1: pin 15 */
    ck_assert_uint_eq(rd(INTPOLCLR), 0x8000);
    wr(INTPOLCLR, 0xFFFF);
    ck_assert_uint_eq(rd(INTPOLSET), 0);
    ck_assert_uint_eq(dev.ops->read(dev.state, DATAOUT + 1, 1), 0);
}
END_TEST

START_TEST(gpio_level_interrupt_holds_while_level_lasts)
{
    wr(INTPOLSET, 1u << 4); /* high level */
    cmsdk_gpio_set_input(g, 4, true);
    ck_assert_uint_eq(rd(INTSTATUS), 0); /* not enabled: nothing latched */
    ck_assert(!pin[4].level);
    wr(INTENSET, 1u << 4);
    ck_assert_uint_eq(rd(INTSTATUS), 1u << 4);
    ck_assert(pin[4].level);
    ck_assert(combined.level);
    wr(INTSTATUS, 1u << 4); /* INTCLEAR while still high: stays */
    ck_assert_uint_eq(rd(INTSTATUS), 1u << 4);
    cmsdk_gpio_set_input(g, 4, false);
    ck_assert_uint_eq(rd(INTSTATUS), 1u << 4); /* latched until cleared */
    wr(INTSTATUS, 1u << 4);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    ck_assert(!pin[4].level);
    ck_assert(!combined.level);
    ck_assert_int_eq(pin[4].rises, 1);
}
END_TEST

START_TEST(gpio_low_level_and_falling_edge)
{
    wr(INTENSET, 0x3);
    ck_assert_uint_eq(rd(INTSTATUS), 0x3); /* pins low, polarity low, level */
    wr(INTTYPESET, 0x3);
    wr(INTSTATUS, 0x3);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    cmsdk_gpio_set_input(g, 1, true);
    ck_assert_uint_eq(rd(INTSTATUS), 0); /* rising, but polarity is falling */
    cmsdk_gpio_set_input(g, 1, false);
    ck_assert_uint_eq(rd(INTSTATUS), 0x2);
    ck_assert(pin[1].level && !pin[0].level);
}
END_TEST

START_TEST(gpio_rising_edges_latch_until_cleared)
{
    wr(INTTYPESET, 1u << 3);
    wr(INTPOLSET, 1u << 3);
    wr(INTENSET, 1u << 3);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    cmsdk_gpio_set_input(g, 3, true);
    ck_assert_uint_eq(rd(INTSTATUS), 1u << 3);
    ck_assert(pin[3].level && combined.level);
    cmsdk_gpio_set_input(g, 3, true); /* no new edge */
    wr(INTSTATUS, 1u << 3);
    ck_assert_uint_eq(rd(INTSTATUS), 0); /* edge: clearing works at once */
    ck_assert(!combined.level);
    cmsdk_gpio_set_input(g, 3, false);
    cmsdk_gpio_set_input(g, 3, true);
    ck_assert_int_eq(pin[3].rises, 2);
    ck_assert_int_eq(combined.rises, 2);
    /* firmware driving the pin makes edges too */
    wr(INTSTATUS, 1u << 3);
    wr(DATAOUT, 0);
    wr(OUTENSET, 1u << 3);
    wr(DATAOUT, 1u << 3);
    ck_assert_uint_eq(rd(INTSTATUS), 1u << 3);
    wr(INTENCLR, 1u << 3);
    ck_assert_uint_eq(rd(INTENSET), 0);
}
END_TEST

START_TEST(gpio_ids_and_reset)
{
    ck_assert_uint_eq(rd(0xFE0), 0x21);
    ck_assert_uint_eq(rd(0xFE4), 0xB8);
    ck_assert_uint_eq(rd(0xFF0), 0x0D);
    ck_assert_uint_eq(rd(0xFFC), 0xB1);
    wr(0xFE0, 0); /* read-only */
    ck_assert_uint_eq(rd(0xFE0), 0x21);
    cmsdk_gpio_set_input(g, 2, true);
    wr(OUTENSET, 0x1);
    wr(DATAOUT, 0x1);
    wr(INTENSET, 1u << 2);
    wr(INTPOLSET, 1u << 2);
    ck_assert(combined.level);
    dev.ops->reset(dev.state);
    ck_assert_uint_eq(rd(DATAOUT), 0);
    ck_assert_uint_eq(rd(OUTENSET), 0);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    ck_assert(!combined.level && !pin[2].level);
    ck_assert_uint_eq(rd(DATA), 1u << 2); /* the outside input is a wire */
    ck_assert_uint_eq(seen.levels, 1u << 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("periph_gpio");
    TCase *tc = tcase_create("gpio");
    tcase_add_checked_fixture(tc, setup, harness_teardown);
    tcase_add_test(tc, gpio_outputs_drive_pins_inputs_show_through);
    tcase_add_test(tc, gpio_masked_banks_touch_only_masked_pins);
    tcase_add_test(tc, gpio_set_clear_registers_and_byte_writes);
    tcase_add_test(tc, gpio_level_interrupt_holds_while_level_lasts);
    tcase_add_test(tc, gpio_low_level_and_falling_edge);
    tcase_add_test(tc, gpio_rising_edges_latch_until_cleared);
    tcase_add_test(tc, gpio_ids_and_reset);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
