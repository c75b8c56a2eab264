/* Devices that misbehave (sim/periph_fault.c): a sim64 machine with no
 * firmware, its CMSDK timer 0 (IRQ 8) driven through the bus as the CPU
 * would, and time moved by hand so each mode can be watched from the
 * register side and from the NVIC's side of the interrupt line. */
#include <check.h>

#include "check_main.h"
#include "fault_inject.h"
#include "machine_internal.h"

#define TIMER0    0x40000000u
#define R_CTRL    0x000u
#define R_VALUE   0x004u
#define R_RELOAD  0x008u
#define R_INTCLR  0x00Cu
#define TIMER_IRQ 8

static machine *m;

static void setup(void)
{
    static board b;
    char err[256];
    machine_options opt = {.uart_out = NULL};
    ck_assert_msg(board_load_named("sim64", &b, err, sizeof(err)) == 0, "%s", err);
    m = machine_create(&b, &opt, err, sizeof(err));
    ck_assert_msg(m != NULL, "%s", err);
    machine_reset(m);
}

static void teardown(void)
{
    machine_destroy(m);
}

static void advance(uint64_t cycle)
{
    m->cycles = cycle;
    evq_run_due(m->events, cycle);
}

static uint32_t rd(uint32_t off)
{
    bool ok;
    return bus_read(m->bus, TIMER0 + off, 4, &ok);
}

static void wr(uint32_t off, uint32_t v)
{
    bool ok;
    bus_write(m->bus, TIMER0 + off, v, 4, &ok);
}

static bool nvic_line(void)
{
    return m->nvic.level[EXC_IRQ0 + TIMER_IRQ];
}

/* Counting down from 1000 with its interrupt enabled: wraps every ~1000
 * cycles and raises IRQ 8 until the interrupt is cleared. */
static void start_timer(void)
{
    wr(R_RELOAD, 1000);
    wr(R_VALUE, 1000);
    wr(R_CTRL, 0x9); /* EN | INTEN */
}

START_TEST(stuck_freezes_registers_and_line)
{
    start_timer();
    ck_assert_int_eq(
        machine_schedule_peripheral_fault(m, 100, 5000, "timer0", PERIPH_FAULT_STUCK, 0, "stuck"),
        0);
    advance(100);
    uint32_t v = rd(R_VALUE);
    ck_assert_uint_gt(v, 0);
    advance(600);
    ck_assert_uint_eq(rd(R_VALUE), v); /* it still counts underneath, unseen */
    wr(R_RELOAD, 77);                  /* ignored */
    advance(2500);                     /* wrapped: the model raised its line */
    ck_assert(!nvic_line());
    ck_assert_uint_eq(rd(R_VALUE), v);
    advance(5000);
    ck_assert(nvic_line()); /* the fault ends: the NVIC sees what the timer drives */
    ck_assert_uint_eq(rd(R_RELOAD), 1000);
    ck_assert_uint_ne(rd(R_VALUE), v);
}
END_TEST

START_TEST(dead_reads_zero_and_holds_line_low)
{
    start_timer();
    ck_assert_int_eq(
        machine_schedule_peripheral_fault(m, 100, 4000, "timer0", PERIPH_FAULT_DEAD, 0, "dead"), 0);
    advance(100);
    ck_assert_uint_eq(rd(R_CTRL), 0);
    ck_assert_uint_eq(rd(R_RELOAD), 0);
    advance(2500);
    ck_assert(!nvic_line());
    wr(R_CTRL, 0); /* ignored: the timer goes on */
    advance(4000);
    ck_assert(nvic_line());
    ck_assert_uint_eq(rd(R_CTRL), 0x9);
}
END_TEST

START_TEST(irq_flood_holds_line_high)
{
    start_timer();
    ck_assert_int_eq(machine_schedule_peripheral_fault(m, 100, 600, "timer0",
                                                       PERIPH_FAULT_IRQ_FLOOD, 0, "flood"),
                     0);
    advance(100);
    ck_assert(nvic_line());
    wr(R_INTCLR, 1); /* the handler clears it: the line stays up */
    ck_assert(nvic_line());
    ck_assert_uint_eq(rd(R_RELOAD), 1000); /* registers work */
    advance(600);
    ck_assert(!nvic_line());
}
END_TEST

static bool pending(void)
{
    return m->nvic.pending[EXC_IRQ0 + TIMER_IRQ];
}

START_TEST(irq_flood_with_period_pulses)
{
    /* the timer is off: every pend comes from the fault */
    ck_assert_int_eq(machine_schedule_peripheral_fault(m, 100, 1000, "timer0",
                                                       PERIPH_FAULT_IRQ_FLOOD, 200, "pulses"),
                     0);
    advance(299);
    ck_assert(!pending());
    advance(300);
    ck_assert(pending() && !nvic_line()); /* an edge, then the device's low level */
    nvic_clear_pending(&m->nvic, EXC_IRQ0 + TIMER_IRQ);
    advance(499);
    ck_assert(!pending());
    advance(500);
    ck_assert(pending());
    nvic_clear_pending(&m->nvic, EXC_IRQ0 + TIMER_IRQ);
    advance(1000);
    nvic_clear_pending(&m->nvic, EXC_IRQ0 + TIMER_IRQ);
    advance(2000);
    ck_assert(!pending()); /* over */
}
END_TEST

START_TEST(applied_faults_are_recorded)
{
    ck_assert_int_ne(
        machine_schedule_peripheral_fault(m, 10, 20, "uart9", PERIPH_FAULT_DEAD, 0, "none"), 0);
    ck_assert_int_eq(
        machine_schedule_peripheral_fault(m, 10, 20, "uart0", PERIPH_FAULT_DEAD, 0, "uart0 dead"),
        0);
    size_t n;
    machine_injections(m, &n);
    ck_assert_uint_eq(n, 0);
    advance(10);
    const machine_injection *inj = machine_injections(m, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(inj[0].kind, "peripheral");
    ck_assert_str_eq(inj[0].label, "uart0 dead");
    ck_assert_uint_eq(inj[0].cycle, 10);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("periph_fault");
    TCase *tc = tcase_create("modes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, stuck_freezes_registers_and_line);
    tcase_add_test(tc, dead_reads_zero_and_holds_line_low);
    tcase_add_test(tc, irq_flood_holds_line_high);
    tcase_add_test(tc, irq_flood_with_period_pulses);
    tcase_add_test(tc, applied_faults_are_recorded);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
