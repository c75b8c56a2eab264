/* Armv7-M priority rules of the NVIC model (ARM DDI 0403 B1.5.4). */
#include <check.h>

#include "nvic.h"
#include "check_main.h"

static nvic n;
static const nvic_masks none = {0};

static void setup(void)
{
    nvic_reset(&n, 64, 3);
}

static int irq(int i)
{
    return EXC_IRQ0 + i;
}

START_TEST(reset_state)
{
    ck_assert(n.enabled[EXC_SVCALL] && n.enabled[EXC_PENDSV] && n.enabled[EXC_SYSTICK]);
    ck_assert(!n.enabled[EXC_MEMMANAGE] && !n.enabled[EXC_BUSFAULT] && !n.enabled[EXC_USAGEFAULT]);
    ck_assert(!n.enabled[irq(0)]);
    ck_assert_int_eq(nvic_priority(&n, EXC_HARDFAULT), -1);
    ck_assert_int_eq(nvic_priority(&n, EXC_NMI), -2);
    ck_assert_int_eq(nvic_execution_priority(&n, none), NVIC_PRIO_THREAD);
    ck_assert(!nvic_valid(&n, 7) && !nvic_valid(&n, irq(64)) && nvic_valid(&n, irq(63)));
}
END_TEST

START_TEST(priority_keeps_implemented_bits)
{
    nvic_set_priority(&n, irq(3), 0xFF);
    ck_assert_uint_eq(n.prio[irq(3)], 0xE0);
    nvic_set_priority(&n, EXC_HARDFAULT, 0x20); /* fixed: ignored */
    ck_assert_int_eq(nvic_priority(&n, EXC_HARDFAULT), -1);
}
END_TEST

START_TEST(pending_needs_enable_and_orders_by_priority)
{
    nvic_set_pending(&n, irq(5));
    ck_assert_int_eq(nvic_next_pending(&n), 0); /* not enabled */
    n.enabled[irq(5)] = true;
    n.enabled[irq(2)] = true;
    nvic_set_priority(&n, irq(5), 0x20);
    nvic_set_priority(&n, irq(2), 0x40);
    nvic_set_pending(&n, irq(2));
    ck_assert_int_eq(nvic_next_pending(&n), irq(5)); /* lower value wins */
    nvic_set_priority(&n, irq(2), 0x20);
    ck_assert_int_eq(nvic_next_pending(&n), irq(2)); /* equal: lower number wins */
    nvic_set_pending(&n, EXC_SVCALL);
    ck_assert_int_eq(nvic_next_pending(&n), EXC_SVCALL); /* prio 0 */
}
END_TEST

START_TEST(preemption_uses_group_priority_only)
{
    n.prigroup = 5; /* group = bits [7:6], subpriority = [5:0] */
    nvic_set_priority(&n, irq(0), 0x60);
    nvic_set_priority(&n, irq(1), 0x40);
    nvic_set_priority(&n, irq(2), 0x00);
    nvic_activate(&n, irq(0));
    int prio = nvic_execution_priority(&n, none);
    ck_assert_int_eq(prio, 0x40);
    ck_assert(!nvic_can_preempt(&n, irq(1), prio)); /* same group, better sub */
    ck_assert(nvic_can_preempt(&n, irq(2), prio));
    n.enabled[irq(1)] = n.enabled[irq(2)] = true;
    nvic_set_pending(&n, irq(1));
    nvic_set_pending(&n, irq(2));
    ck_assert_int_eq(nvic_next_pending(&n), irq(2));
}
END_TEST

START_TEST(masks_raise_execution_priority)
{
    nvic_set_priority(&n, irq(0), 0x80);
    nvic_activate(&n, irq(0));
    nvic_masks m = {0};
    ck_assert_int_eq(nvic_execution_priority(&n, m), 0x80);
    m.basepri = 0x40;
    ck_assert_int_eq(nvic_execution_priority(&n, m), 0x40);
    m.basepri = 0xA0; /* lower than the active one: no effect */
    ck_assert_int_eq(nvic_execution_priority(&n, m), 0x80);
    m.primask = true;
    ck_assert_int_eq(nvic_execution_priority(&n, m), 0);
    m.faultmask = true;
    ck_assert_int_eq(nvic_execution_priority(&n, m), -1);
    ck_assert(!nvic_can_preempt(&n, EXC_HARDFAULT, -1));
    ck_assert(nvic_can_preempt(&n, EXC_NMI, -1));
}
END_TEST

START_TEST(active_set_and_priority_without)
{
    nvic_set_priority(&n, irq(0), 0x80);
    nvic_set_priority(&n, irq(1), 0x20);
    nvic_activate(&n, irq(0));
    nvic_activate(&n, irq(1));
    ck_assert_int_eq(nvic_execution_priority(&n, none), 0x20);
    ck_assert_int_eq(nvic_priority_without(&n, irq(1), none), 0x80);
    ck_assert(!nvic_only_active(&n, irq(1)));
    nvic_deactivate(&n, irq(1));
    ck_assert(nvic_only_active(&n, irq(0)));
    ck_assert_uint_eq(n.num_active, 1);
}
END_TEST

START_TEST(level_sensitive_lines_pend_again)
{
    n.enabled[irq(4)] = true;
    nvic_set_level(&n, 4, true);
    ck_assert(n.pending[irq(4)]);
    nvic_activate(&n, irq(4));
    ck_assert(!n.pending[irq(4)]);
    nvic_deactivate(&n, irq(4)); /* line still high: pending again */
    ck_assert(n.pending[irq(4)]);
    nvic_clear_pending(&n, irq(4));
    nvic_set_level(&n, 4, false);
    nvic_activate(&n, irq(4));
    nvic_deactivate(&n, irq(4));
    ck_assert(!n.pending[irq(4)]);
    nvic_set_level(&n, 999, true); /* out of range: ignored */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nvic");
    TCase *tc = tcase_create("priority");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, reset_state);
    tcase_add_test(tc, priority_keeps_implemented_bits);
    tcase_add_test(tc, pending_needs_enable_and_orders_by_priority);
    tcase_add_test(tc, preemption_uses_group_priority_only);
    tcase_add_test(tc, masks_raise_execution_priority);
    tcase_add_test(tc, active_set_and_priority_without);
    tcase_add_test(tc, level_sensitive_lines_pend_again);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
