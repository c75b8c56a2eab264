/* Fault policies (stop, restart, restart up to N then stop, panic) and the
 * dump; faults forced from the process console. */
#include <check.h>

#include "../kernel/fault.h"
#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/shell.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *p;

static void setup(void)
{
    fake_reset();
    fake_tbf s = {.name = "crashy", .min_ram = 2700, .binary_size = 64};
    p = fake_load_one(&s);
}

START_TEST(decisions)
{
    ck_assert_int_eq(fault_decide(FAULT_STOP, 0, 5), FA_STOP);
    ck_assert_int_eq(fault_decide(FAULT_RESTART, 1000, 0), FA_RESTART);
    ck_assert_int_eq(fault_decide(FAULT_RESTART_N, 0, 2), FA_RESTART);
    ck_assert_int_eq(fault_decide(FAULT_RESTART_N, 1, 2), FA_RESTART);
    ck_assert_int_eq(fault_decide(FAULT_RESTART_N, 2, 2), FA_STOP);
    ck_assert_int_eq(fault_decide(FAULT_RESTART_N, 0, 0), FA_STOP);
    ck_assert_int_eq(fault_decide(FAULT_PANIC, 0, 9), FA_PANIC);
    ck_assert_int_eq(fault_decide(77, 0, 9), FA_STOP); /* unknown: the safe one */
}
END_TEST

static void fault_now(void)
{
    ck_assert_ptr_null(kernel_trap(p, TRAP_FAULT));
    kernel_turn();
}

START_TEST(default_policy_restarts_three_times_then_stops)
{
    uint32_t max = 0;
    ck_assert_uint_eq(kconfig_fault_policy("crashy", 6, &max), FAULT_RESTART_N);
    ck_assert_uint_eq(max, 3);
    for (unsigned i = 1; i <= 3; i++) {
        proc_id old = p->id;
        fault_now();
        ck_assert_int_eq(p->state, PS_RUNNING);
        ck_assert_uint_eq(p->restarts, i);
        ck_assert_uint_ne(p->id, old);
    }
    fake_console_clear();
    fault_now();
    ck_assert_int_eq(p->state, PS_FAULTED);
    ck_assert(!proc_runnable(p));
    ck_assert(fake_console_has("policy: stop (restart limit reached)"));
}
END_TEST

START_TEST(dump_names_the_process_and_maps_its_memory)
{
    ck_assert_uint_eq(proc_set_brk(p, proc_block(p) + 1536), 0);
    p->stack_hint = 1024;
    p->heap_hint = 1200;
    fault_now();
    const char *out = fake_console();
    ck_assert_msg(fake_console_has("[kernel] process crashy faulted\n"), "%s", out);
    ck_assert(fake_console_has("(fake record)"));
    ck_assert(fake_console_has("memory map of crashy"));
    ck_assert(fake_console_has("grant start"));
    ck_assert(fake_console_has("break"));
    ck_assert(fake_console_has("stack top"));
    ck_assert(fake_console_has("heap start"));
    ck_assert(fake_console_has("policy: restart (1 of 3)"));
    ck_assert(fake_console_has("[kernel] end of dump\n"));
    ck_assert(fake_console_has("crashy restarted"));
}
END_TEST

START_TEST(console_forces_a_fault)
{
    shell_execute("fault crashy", 12);
    kernel_turn();
    ck_assert(fake_console_has("fault forced from the process console") ||
              fake_console_has("(fake record, forced)"));
    ck_assert_uint_eq(p->restarts, 1);
}
END_TEST

START_TEST(panic_policy_ends_the_run)
{
    /* FAULT_PANIC through the decision, applied by hand: the kernel ends
     * the run with a failure code */
    fake_exit_armed = true;
    if (setjmp(fake_exit_jmp) == 0) {
        kernel_panic("test");
        ck_abort_msg("kernel_panic returned");
    }
    ck_assert_uint_eq(fake_exit_code, 1);
    ck_assert(fake_console_has("[kernel] panic: test"));
    ck_assert(fake_console_has("crashy"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_fault");
    TCase *t = tcase_create("fault");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, decisions);
    tcase_add_test(t, default_policy_restarts_three_times_then_stops);
    tcase_add_test(t, dump_names_the_process_and_maps_its_memory);
    tcase_add_test(t, console_forces_a_fault);
    tcase_add_test(t, panic_policy_ends_the_run);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
