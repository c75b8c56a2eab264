/* Scheduling decisions: round robin with timeslices, cooperative,
 * fixed priority; and what the kernel does when a process yields or its
 * slice ends (switch directly, or go back to the kernel loop). */
#include <check.h>

#include "../kernel/abi.h"
#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/sched.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *p[3];

static void setup(void)
{
    fake_reset();
    fake_tbf s = {.name = "p0", .min_ram = 1024, .binary_size = 64};
    uaddr at = FAKE_APPS;
    const char *names[] = {"p0", "p1", "p2"};
    for (int i = 0; i < 3; i++) {
        s.name = names[i];
        at += fake_tbf_write(at, &s);
    }
    ck_assert_uint_eq(loader_scan(), 3);
    for (int i = 0; i < 3; i++) {
        p[i] = proc_slot((unsigned)i);
    }
}

START_TEST(round_robin_rotates_on_expiry_only)
{
    ck_assert_ptr_eq(sched_pick(SCHED_ROUND_ROBIN, NULL, false), p[0]);
    ck_assert_ptr_eq(sched_pick(SCHED_ROUND_ROBIN, p[0], false), p[0]);
    ck_assert_ptr_eq(sched_pick(SCHED_ROUND_ROBIN, p[0], true), p[1]);
    ck_assert_ptr_eq(sched_pick(SCHED_ROUND_ROBIN, p[2], true), p[0]);
}
END_TEST

START_TEST(round_robin_skips_what_cannot_run)
{
    p[1]->state = PS_YIELDED;
    p[2]->flags |= PF_STOPPED;
    ck_assert_ptr_eq(sched_pick(SCHED_ROUND_ROBIN, p[0], true), p[0]);
    p[0]->state = PS_FAULTED;
    ck_assert_ptr_null(sched_pick(SCHED_ROUND_ROBIN, p[0], true));
    p[2]->flags &= (uint8_t)~PF_STOPPED;
    ck_assert_ptr_eq(sched_pick(SCHED_ROUND_ROBIN, p[0], false), p[2]);
}
END_TEST

START_TEST(cooperative_ignores_slices)
{
    ck_assert_ptr_eq(sched_pick(SCHED_COOPERATIVE, p[1], true), p[1]);
    p[1]->state = PS_YIELDED;
    ck_assert_ptr_eq(sched_pick(SCHED_COOPERATIVE, p[1], false), p[2]);
}
END_TEST

START_TEST(priority_takes_the_first_image)
{
    ck_assert_ptr_eq(sched_pick(SCHED_PRIORITY, p[2], false), p[0]);
    p[0]->state = PS_YIELDED;
    ck_assert_ptr_eq(sched_pick(SCHED_PRIORITY, p[2], true), p[1]);
    p[0]->state = PS_RUNNING;
    ck_assert_ptr_eq(sched_pick(SCHED_PRIORITY, p[1], false), p[0]);
}
END_TEST

START_TEST(yield_switches_directly)
{
    uint32_t *f = arch_frame(&p[0]->ctx);
    f[FR_R0] = YIELD_WAIT;
    ck_assert_ptr_eq(kernel_syscall(p[0], SYS_YIELD, f), p[1]);
    ck_assert_uint_ge(fake_slice_restarts, 1);
}
END_TEST

START_TEST(pending_work_goes_to_the_kernel_loop)
{
    uint32_t *f = arch_frame(&p[0]->ctx);
    f[FR_R0] = YIELD_WAIT;
    fake_events = EV_ALARM;
    ck_assert_ptr_null(kernel_syscall(p[0], SYS_YIELD, f));
    ck_assert_ptr_null(kernel_trap(p[1], TRAP_INTERRUPT));
}
END_TEST

START_TEST(timeslice_end_rotates)
{
    ck_assert_ptr_eq(kernel_trap(p[1], TRAP_TIMESLICE), p[2]);
    ck_assert_ptr_eq(kernel_trap(p[2], TRAP_TIMESLICE), p[0]);
    /* alone, a process gets its own next slice */
    p[1]->state = p[2]->state = PS_YIELDED;
    unsigned before = fake_slice_restarts;
    ck_assert_ptr_eq(kernel_trap(p[0], TRAP_TIMESLICE), p[0]);
    ck_assert_uint_eq(fake_slice_restarts, before + 1);
}
END_TEST

START_TEST(interrupted_process_goes_on_in_the_same_slice)
{
    ck_assert_ptr_null(kernel_trap(p[1], TRAP_INTERRUPT));
    unsigned before = fake_slice_restarts;
    ck_assert_ptr_eq(kernel_turn(), p[1]);
    ck_assert_uint_eq(fake_slice_restarts, before);
}
END_TEST

START_TEST(faulted_process_goes_to_the_kernel_loop)
{
    ck_assert_ptr_null(kernel_trap(p[0], TRAP_FAULT));
    ck_assert(p[0]->flags & PF_FAULT_PENDING);
    ck_assert(!proc_runnable(p[0]));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_sched");
    TCase *t = tcase_create("sched");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, round_robin_rotates_on_expiry_only);
    tcase_add_test(t, round_robin_skips_what_cannot_run);
    tcase_add_test(t, cooperative_ignores_slices);
    tcase_add_test(t, priority_takes_the_first_image);
    tcase_add_test(t, yield_switches_directly);
    tcase_add_test(t, pending_work_goes_to_the_kernel_loop);
    tcase_add_test(t, timeslice_end_rotates);
    tcase_add_test(t, interrupted_process_goes_on_in_the_same_slice);
    tcase_add_test(t, faulted_process_goes_to_the_kernel_loop);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
