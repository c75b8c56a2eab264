/* The upcall queue: delivered only while the process yields, in order,
 * never after unsubscribe or restart; yield-wait-for; a full queue drops. */
#include <check.h>
#include <string.h>

#include "../kernel/abi.h"
#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *p;
static uint32_t r[4];
static uint32_t fn0, fn1;

static void setup(void)
{
    fake_reset();
    fake_tbf s = {.name = "u", .min_ram = 2700, .binary_size = 256};
    p = fake_load_one(&s);
    fn0 = proc_code_start(p) + 0x10;
    fn1 = proc_code_start(p) + 0x20;
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 0, fn0 | 1u, 100, r),
                      RV_SUCCESS_2U32);
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 1, fn1 | 1u, 101, r),
                      RV_SUCCESS_2U32);
}

/* the test driver's command 1: upcall `sub` with (arg, 7, 8) */
static uint32_t trigger(unsigned sub, uint32_t arg)
{
    fake_syscall(p, SYS_COMMAND, FAKE_TEST_DRIVER, 1, sub, arg, r);
    return r[1];
}

static uint32_t *frame(void)
{
    return arch_frame(&p->ctx);
}

static void expect_in_upcall(uint32_t fn, uint32_t a0, uint32_t data)
{
    ck_assert_uint_eq(frame()[FR_PC], fn);
    ck_assert_uint_eq(frame()[FR_R0], a0);
    ck_assert_uint_eq(frame()[FR_R1], 7);
    ck_assert_uint_eq(frame()[FR_R2], 8);
    ck_assert_uint_eq(frame()[FR_R3], data);
    ck_assert_uint_eq(frame()[FR_XPSR] & (1u << 24), 1u << 24);
}

START_TEST(queued_until_yield_then_in_order)
{
    frame()[FR_PC] = proc_code_start(p) + 0x80; /* where the yield's svc returns */
    ck_assert_uint_eq(trigger(1, 11), 0);
    ck_assert_uint_eq(trigger(0, 22), 0);
    ck_assert_uint_eq(p->q_count, 2);
    ck_assert_uint_eq(frame()[FR_PC], proc_code_start(p) + 0x80); /* not delivered yet */
    fake_syscall(p, SYS_YIELD, YIELD_WAIT, 0, 0, 0, NULL);
    expect_in_upcall(fn1, 11, 101);
    ck_assert_uint_eq(frame()[FR_LR], (proc_code_start(p) + 0x80) | 1u);
    ck_assert_int_eq(p->state, PS_RUNNING);
    fake_syscall(p, SYS_YIELD, YIELD_WAIT, 0, 0, 0, NULL);
    expect_in_upcall(fn0, 22, 100);
    ck_assert_uint_eq(p->q_count, 0);
}
END_TEST

START_TEST(yield_blocks_and_an_upcall_wakes)
{
    uint32_t *f = frame();
    f[FR_R0] = YIELD_WAIT;
    ck_assert_ptr_null(kernel_syscall(p, SYS_YIELD, f));
    ck_assert_int_eq(p->state, PS_YIELDED);
    ck_assert(!proc_runnable(p));
    /* another process (here the test driver from the kernel) signals it */
    ck_assert_uint_eq(upcall_schedule(p->id, &fake_test_driver, 0, 5, 6, 7), 0);
    ck_assert_int_eq(p->state, PS_RUNNING);
    ck_assert_uint_eq(frame()[FR_PC], fn0);
    ck_assert_uint_eq(frame()[FR_R0], 5);
}
END_TEST

START_TEST(yield_no_wait_runs_one)
{
    uaddr flag = proc_block(p) + 200;
    proc_set_brk(p, proc_block(p) + 1024);
    trigger(0, 1);
    fake_syscall(p, SYS_YIELD, YIELD_NO_WAIT, flag, 0, 0, NULL);
    ck_assert_uint_eq(*(uint8_t *)kmem(flag), 1);
    expect_in_upcall(fn0, 1, 100);
}
END_TEST

START_TEST(never_after_unsubscribe)
{
    trigger(0, 1);
    trigger(1, 2);
    trigger(0, 3);
    ck_assert_uint_eq(p->q_count, 3);
    fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 0, 0, 0, r);
    ck_assert_uint_eq(r[1], fn0 | 1u);
    ck_assert_uint_eq(p->q_count, 1);        /* both of upcall 0 are gone */
    ck_assert_uint_eq(trigger(0, 4), E_OFF); /* and new ones are dropped */
    fake_syscall(p, SYS_YIELD, YIELD_WAIT, 0, 0, 0, NULL);
    expect_in_upcall(fn1, 2, 101);
    frame()[FR_R0] = YIELD_WAIT;
    ck_assert_ptr_null(kernel_syscall(p, SYS_YIELD, frame()));
}
END_TEST

START_TEST(resubscribe_purges_the_old_ones)
{
    trigger(0, 1);
    fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 0, fn1, 55, r);
    ck_assert_uint_eq(p->q_count, 0);
}
END_TEST

START_TEST(never_after_restart)
{
    proc_id old = p->id;
    trigger(0, 1);
    p->flags |= PF_RESTART_PENDING;
    kernel_request_service();
    kernel_turn();
    ck_assert_uint_eq(p->q_count, 0);
    ck_assert_uint_eq(upcall_schedule(old, &fake_test_driver, 0, 1, 2, 3), E_INVALID);
    /* and the new incarnation has no subscription yet */
    ck_assert_uint_eq(upcall_schedule(p->id, &fake_test_driver, 0, 1, 2, 3), E_OFF);
}
END_TEST

START_TEST(full_queue_drops_and_says_so)
{
    for (unsigned i = 0; i < PROC_QUEUE; i++) {
        ck_assert_uint_eq(trigger(0, i), 0);
    }
    ck_assert_uint_eq(trigger(0, 99), E_NOMEM);
    ck_assert(p->flags & PF_QUEUE_OVERFLOW);
    for (unsigned i = 0; i < PROC_QUEUE; i++) {
        fake_syscall(p, SYS_YIELD, YIELD_WAIT, 0, 0, 0, NULL);
        ck_assert_uint_eq(frame()[FR_R0], i);
    }
}
END_TEST

START_TEST(yield_wait_for_returns_the_arguments)
{
    trigger(0, 1);
    trigger(1, 2);
    frame()[FR_PC] = proc_code_start(p) + 0x80;
    /* one is queued already: taken at once, the function is not run */
    fake_syscall(p, SYS_YIELD, YIELD_WAIT_FOR, FAKE_TEST_DRIVER, 1, 0, r);
    ck_assert_uint_eq(r[0], 2);
    ck_assert_uint_eq(r[1], 7);
    ck_assert_uint_eq(r[2], 8);
    ck_assert_uint_eq(frame()[FR_PC], proc_code_start(p) + 0x80);
    ck_assert_uint_eq(p->q_count, 1);
    /* none queued: it waits, and only that upcall wakes it */
    uint32_t *f = frame();
    f[FR_R0] = YIELD_WAIT_FOR;
    f[FR_R1] = FAKE_TEST_DRIVER;
    f[FR_R2] = 1;
    ck_assert_ptr_null(kernel_syscall(p, SYS_YIELD, f));
    ck_assert_int_eq(p->state, PS_YIELDED_FOR);
    ck_assert_uint_eq(upcall_schedule(p->id, &fake_test_driver, 0, 9, 9, 9), 0);
    ck_assert_int_eq(p->state, PS_YIELDED_FOR);
    ck_assert_uint_eq(upcall_schedule(p->id, &fake_test_driver, 1, 4, 5, 6), 0);
    ck_assert_int_eq(p->state, PS_RUNNING);
    ck_assert_uint_eq(f[FR_R0], 4);
    ck_assert_uint_eq(f[FR_R1], 5);
    ck_assert_uint_eq(f[FR_R2], 6);
    ck_assert_uint_eq(f[FR_PC], proc_code_start(p) + 0x80);
}
END_TEST

START_TEST(wait_for_works_without_a_subscription)
{
    fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 1, 0, 0, r);
    uint32_t *f = frame();
    f[FR_R0] = YIELD_WAIT_FOR;
    f[FR_R1] = FAKE_TEST_DRIVER;
    f[FR_R2] = 1;
    ck_assert_ptr_null(kernel_syscall(p, SYS_YIELD, f));
    ck_assert_uint_eq(upcall_schedule(p->id, &fake_test_driver, 1, 4, 5, 6), 0);
    ck_assert_int_eq(p->state, PS_RUNNING);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_upcall");
    TCase *t = tcase_create("upcall");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, queued_until_yield_then_in_order);
    tcase_add_test(t, yield_blocks_and_an_upcall_wakes);
    tcase_add_test(t, yield_no_wait_runs_one);
    tcase_add_test(t, never_after_unsubscribe);
    tcase_add_test(t, resubscribe_purges_the_old_ones);
    tcase_add_test(t, never_after_restart);
    tcase_add_test(t, full_queue_drops_and_says_so);
    tcase_add_test(t, yield_wait_for_returns_the_arguments);
    tcase_add_test(t, wait_for_works_without_a_subscription);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
