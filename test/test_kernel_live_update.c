/* Live update on a full process RAM: a new image may take the block of a
 * terminated process of exactly its size (kernel/loader.c), and nothing
 * else is given up: not a running process's block, not a terminated one of
 * another size. */
#include <check.h>
#include <string.h>

#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/shell.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *alpha, *beta;

static void write_next(const char *name, uint32_t min_ram)
{
    fake_tbf s = {.name = name, .min_ram = min_ram, .binary_size = 64};
    fake_tbf_write(loader_used_end(), &s);
}

static void run(const char *line)
{
    shell_execute(line, (unsigned)strlen(line));
}

/* alpha and beta take 4 KiB each, then 16 and 32 KiB fill the other 48. */
static void setup(void)
{
    fake_load_full_ram(&alpha, &beta);
    ck_assert_uint_eq(proc_block_size(alpha), 4096);
    ck_assert_uint_eq(loader_find_block(12), 0); /* full */
    fake_console_clear();
}

START_TEST(full_ram_refuses_while_all_run)
{
    write_next("gamma", 2700);
    run("load");
    ck_assert(fake_console_has("0 new process(es)"));
    ck_assert(fake_console_has("(gamma): skipped: RAM request of 2700 bytes does not fit"));
    ck_assert_ptr_eq(proc_find("alpha", 5), alpha);
    ck_assert_int_eq(alpha->state, PS_RUNNING);
}
END_TEST

START_TEST(replacement_takes_the_terminated_block)
{
    uaddr block = proc_block(alpha);
    run("terminate alpha");
    write_next("gamma", 2700);
    run("load");
    ck_assert(fake_console_has("1 new process(es)"));
    ck_assert(fake_console_has("(gamma): takes the RAM block of terminated alpha"));
    struct proc *gamma = proc_find("gamma", 5);
    ck_assert_ptr_nonnull(gamma);
    ck_assert_uint_eq(proc_block(gamma), block);
    ck_assert_ptr_eq(gamma, alpha); /* the control block sits where it was */
    ck_assert_int_eq(gamma->state, PS_RUNNING);
    ck_assert_ptr_null(proc_find("alpha", 5));
    ck_assert_int_eq(beta->state, PS_RUNNING);
    run("boot alpha");
    ck_assert(fake_console_has("no process named 'alpha'"));
}
END_TEST

START_TEST(terminated_block_of_another_size_is_kept)
{
    run("terminate beta");
    write_next("wide", 6000); /* needs 8 KiB: two 4 KiB blocks are not one */
    run("load");
    ck_assert(fake_console_has("(wide): skipped: RAM request of 6000 bytes does not fit"));
    ck_assert_ptr_eq(proc_find("beta", 4), beta);
    ck_assert_int_eq(beta->state, PS_TERMINATED);
    run("boot beta");
    ck_assert_int_eq(beta->state, PS_RUNNING);
}
END_TEST

START_TEST(free_block_is_preferred_to_a_terminated_one)
{
    fake_reset();
    fake_tbf s = {.name = "alpha", .min_ram = 2700, .binary_size = 64};
    fake_tbf_write(FAKE_APPS, &s);
    ck_assert_uint_eq(loader_scan(), 1);
    alpha = proc_slot(0);
    run("terminate alpha");
    write_next("gamma", 2700);
    run("load");
    ck_assert(!fake_console_has("takes the RAM block"));
    ck_assert_ptr_eq(proc_find("alpha", 5), alpha);
    ck_assert_uint_ne(proc_block(proc_find("gamma", 5)), proc_block(alpha));
}
END_TEST

/* Only a terminated process gives its block away: not a stopped one, a
 * faulted one (policy stop) or one whose exit the kernel loop has not yet
 * finished. */
START_TEST(stopped_faulted_and_exiting_keep_their_blocks)
{
    proc_mark_faulted(beta);
    run("stop alpha");
    write_next("gamma", 2700);
    run("load");
    ck_assert(fake_console_has("(gamma): skipped: RAM request of 2700 bytes does not fit"));
    run("start alpha");
    alpha->flags |= PF_EXIT_PENDING;
    fake_console_clear();
    run("load");
    ck_assert(fake_console_has("0 new process(es)"));
    ck_assert_ptr_eq(proc_find("alpha", 5), alpha);
    ck_assert_ptr_eq(proc_find("beta", 4), beta);
    ck_assert_ptr_null(proc_find("gamma", 5));
}
END_TEST

/* With RAM to spare, terminated processes keep their slots; once every
 * slot is taken, a replacement takes a terminated process's slot and block
 * of its size rather than being refused. */
START_TEST(replacements_do_not_run_out_of_slots)
{
    fake_reset();
    fake_tbf s = {.name = "alpha", .min_ram = 1000, .binary_size = 64};
    fake_tbf_write(FAKE_APPS, &s);
    ck_assert_uint_eq(loader_scan(), 1);
    for (unsigned i = 0; i < 3 * PROC_MAX; i++) {
        run("terminate alpha");
        write_next("alpha", 1000);
        fake_console_clear();
        run("load");
        ck_assert_msg(fake_console_has("1 new process(es)"), "update %u: %s", i, fake_console());
        struct proc *p = proc_find("alpha", 5);
        ck_assert_int_eq(p->state, PS_RUNNING);
    }
    ck_assert_uint_eq(proc_count(), PROC_MAX);
    ck_assert_uint_ne(loader_find_block(11), 0); /* RAM was never short */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kernel_live_update");
    TCase *t = tcase_create("live_update");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, full_ram_refuses_while_all_run);
    tcase_add_test(t, replacement_takes_the_terminated_block);
    tcase_add_test(t, terminated_block_of_another_size_is_kept);
    tcase_add_test(t, free_block_is_preferred_to_a_terminated_one);
    tcase_add_test(t, stopped_faulted_and_exiting_keep_their_blocks);
    tcase_add_test(t, replacements_do_not_run_out_of_slots);
    suite_add_tcase(s, t);
    return run_suite(s);
}
