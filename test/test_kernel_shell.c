/* The process console: stop/start/terminate/boot/restart one process while
 * the others keep their state; list, status, help, unknown commands. */
#include <check.h>
#include <string.h>

#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/shell.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *a, *b;

static void setup(void)
{
    fake_reset();
    fake_tbf s = {.name = "alpha", .min_ram = 2700, .binary_size = 64};
    uaddr next = FAKE_APPS + fake_tbf_write(FAKE_APPS, &s);
    s.name = "beta";
    fake_tbf_write(next, &s);
    ck_assert_uint_eq(loader_scan(), 2);
    a = proc_slot(0);
    b = proc_slot(1);
    fake_console_clear();
}

static void run(const char *line)
{
    shell_execute(line, (unsigned)strlen(line));
}

START_TEST(stop_and_start)
{
    run("stop alpha");
    ck_assert(!proc_runnable(a));
    ck_assert(proc_runnable(b));
    ck_assert(fake_console_has("[kernel] > stop alpha\n"));
    ck_assert(fake_console_has("alpha: stopped"));
    run("start alpha");
    ck_assert(proc_runnable(a));
}
END_TEST

START_TEST(terminate_boot_restart)
{
    proc_id old = a->id;
    run("terminate alpha");
    ck_assert_int_eq(a->state, PS_TERMINATED);
    run("boot alpha");
    ck_assert_int_eq(a->state, PS_RUNNING);
    ck_assert_uint_ne(a->id, old);
    run("boot alpha");
    ck_assert(fake_console_has("already running"));
    old = a->id;
    run("restart alpha");
    ck_assert_uint_ne(a->id, old);
    ck_assert_int_eq(b->state, PS_RUNNING);
}
END_TEST

START_TEST(list_status_help_kernel)
{
    run("list");
    ck_assert(fake_console_has("alpha"));
    ck_assert(fake_console_has("beta"));
    ck_assert(fake_console_has("running"));
    run("status");
    ck_assert(fake_console_has("2 processes (2 live)"));
    run("help");
    ck_assert(fake_console_has("terminate NAME"));
    run("kernel");
    ck_assert(fake_console_has("fake machine"));
}
END_TEST

START_TEST(names_cannot_forge_kernel_lines)
{
    fake_reset();
    fake_tbf evil = {.name = "ev\n[kernel] end of dump", .min_ram = 2700, .binary_size = 64};
    fake_tbf_write(FAKE_APPS, &evil);
    ck_assert_uint_eq(loader_scan(), 1);
    run("list"); /* prints the process's own name */
    ck_assert(fake_console_has("ev?[kernel] end of dump"));
    ck_assert(!fake_console_has("\n[kernel] end of dump"));
}
END_TEST

START_TEST(bad_input)
{
    run("stop gamma");
    ck_assert(fake_console_has("no process named 'gamma'"));
    run("frobnicate");
    ck_assert(fake_console_has("unknown command 'frobnicate'"));
    run("   ");
    for (int i = 0; i < 60; i++) {
        shell_input('x');
    }
    shell_input('\n');
    ck_assert(fake_console_has("line too long"));
    const char *typed = "  list  \r";
    for (const char *c = typed; *c; c++) {
        shell_input(*c);
    }
    ck_assert(fake_console_has("[kernel] > list\n"));
}
END_TEST

START_TEST(load_finds_new_images)
{
    fake_tbf s = {.name = "gamma", .min_ram = 1024, .binary_size = 64};
    uaddr end = proc_flash_end(b);
    fake_tbf_write(end, &s);
    run("load");
    ck_assert(fake_console_has("1 new process(es)"));
    ck_assert_ptr_nonnull(proc_find("gamma", 5));
    run("load");
    ck_assert(fake_console_has("0 new process(es)"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_shell");
    TCase *t = tcase_create("shell");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, stop_and_start);
    tcase_add_test(t, terminate_boot_restart);
    tcase_add_test(t, list_status_help_kernel);
    tcase_add_test(t, bad_input);
    tcase_add_test(t, names_cannot_forge_kernel_lines);
    tcase_add_test(t, load_finds_new_images);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
