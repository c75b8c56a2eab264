/* sim/measure.c on hand-made event sequences: what counts as an upcall, a
 * restart, a switch or a system call; where stack samples start; how
 * interrupt latency and per-process cycles are counted. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "measure.h"

#define APP0     0x40000u
#define APP1     0x41000u
#define NO_SVC   (-1)
#define MEMOP    5
#define COMMAND  2
#define FRAME_SP 0x20000800u

static measure *two_apps(void)
{
    static const uint32_t start[2] = {APP0, APP1}, size[2] = {0x1000, 0x1000};
    measure *ms = calloc(1, sizeof(*ms));
    measure_set_apps(ms, start, size, 2);
    return ms;
}

static void done(measure *ms)
{
    measure_free(ms);
    free(ms);
}

START_TEST(upcall_is_a_resume_elsewhere_but_not_a_restart)
{
    measure *ms = two_apps();
    ck_assert_int_eq(measure_enter(ms, 100, 0, APP0 + 0x10), 0); /* entry point */
    ck_assert_int_eq(measure_leave(ms, 200, 0, APP0 + 0x40, 0, 1, FRAME_SP), 0);
    measure_enter(ms, 300, 0, APP0 + 0x80); /* the yield returns into a callback */
    measure_leave(ms, 400, 0, APP0 + 0x90, COMMAND, 0, FRAME_SP);
    measure_enter(ms, 500, 0, APP0 + 0x90); /* back where it left: no upcall */
    measure_leave(ms, 600, 0, APP0 + 0x94, NO_SVC, 0, FRAME_SP);
    measure_enter(ms, 700, 0, APP0 + 0x10); /* restarted at its entry point */
    ck_assert_uint_eq(ms->procs[0].upcalls, 1);
    ck_assert_uint_eq(ms->procs[0].syscalls[0], 1);
    ck_assert_uint_eq(ms->procs[0].syscalls[COMMAND], 1);
    ck_assert_uint_eq(ms->procs[0].runs, 3);
    /* 100 + 100 + 100 cycles run, and the open span counts up to now */
    ck_assert_uint_eq(measure_proc_cycles(ms, 0, 750, 0), 350);
    done(ms);
}
END_TEST

START_TEST(switches_and_round_trips_exclude_sleep)
{
    measure *ms = two_apps();
    measure_enter(ms, 0, 0, APP0);
    measure_leave(ms, 1000, 0, APP0 + 4, COMMAND, 0, FRAME_SP);
    measure_enter(ms, 1300, 0, APP0 + 4); /* same process: a command round trip */
    measure_leave(ms, 2000, 0, APP0 + 8, 0, 1, FRAME_SP);
    measure_enter(ms, 9000, 6000, APP1); /* other process, 6000 cycles asleep */
    cycle_summary sw = measure_summarize(&ms->switches);
    cycle_summary cmd = measure_summarize(&ms->syscalls[COMMAND]);
    ck_assert_uint_eq(sw.count, 1);
    ck_assert_uint_eq(sw.max, 1000);
    ck_assert_uint_eq(cmd.count, 1);
    ck_assert_uint_eq(cmd.min, 300);
    ck_assert_uint_eq(measure_summarize(&ms->syscalls[0]).count, 0);
    done(ms);
}
END_TEST

START_TEST(stack_samples_start_at_the_stack_hint)
{
    measure *ms = two_apps();
    measure_enter(ms, 0, 0, APP1);
    /* on the kernel's entry frame, low in the block: not the stack */
    measure_leave(ms, 10, 0, APP1 + 4, MEMOP, 0, 0x20000020u);
    measure_enter(ms, 20, 0, APP1 + 4);
    measure_leave(ms, 30, 0, APP1 + 8, NO_SVC, 0, 0x20000018u);
    measure_enter(ms, 40, 0, APP1 + 8);
    ck_assert(!ms->procs[1].sp_seen);
    measure_leave(ms, 50, 0, APP1 + 12, MEMOP, 10, 0x200003E0u); /* memop 10 */
    measure_enter(ms, 60, 0, APP1 + 12);
    measure_leave(ms, 70, 0, APP1 + 16, NO_SVC, 0, 0x20000300u);
    measure_enter(ms, 80, 0, APP1 + 16);
    measure_leave(ms, 90, 0, APP1 + 20, COMMAND, 0, 0x20000380u);
    ck_assert(ms->procs[1].sp_seen);
    ck_assert_uint_eq(ms->procs[1].lowest_sp, 0x20000300u);
    done(ms);
}
END_TEST

START_TEST(irq_latency_from_pending_to_handler)
{
    measure *ms = two_apps();
    measure_irq_pended(ms, 8, 1000);
    measure_irq_entered(ms, 8, 1012);
    measure_irq_entered(ms, 8, 2000); /* pended by software: not timed */
    measure_irq_pended(ms, 1, 500);
    measure_irq_entered(ms, 1, 560); /* waited behind a handler */
    cycle_summary all = measure_irq_summary(ms);
    ck_assert_uint_eq(all.count, 2);
    ck_assert_uint_eq(all.min, 12);
    ck_assert_uint_eq(all.max, 60);
    ck_assert_uint_eq(measure_summarize(&ms->irq_latency[8]).count, 1);
    done(ms);
}
END_TEST

START_TEST(faults_go_to_the_image_holding_the_pc)
{
    measure *ms = two_apps();
    measure_fault(ms, APP1 + 0x20);
    measure_fault(ms, 0x1000); /* the kernel */
    ck_assert_uint_eq(ms->procs[1].faults, 1);
    ck_assert_uint_eq(ms->procs[0].faults, 0);
    ck_assert_int_eq(measure_app_at(ms, 0x1000), -1);
    done(ms);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("measure");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, upcall_is_a_resume_elsewhere_but_not_a_restart);
    tcase_add_test(tc, switches_and_round_trips_exclude_sleep);
    tcase_add_test(tc, stack_samples_start_at_the_stack_hint);
    tcase_add_test(tc, irq_latency_from_pending_to_handler);
    tcase_add_test(tc, faults_go_to_the_image_holding_the_pc);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
