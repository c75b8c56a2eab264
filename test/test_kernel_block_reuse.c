/* A RAM block handed from a terminated process to a new one (live update,
 * kernel/loader.c): the new process must start from nothing the old one
 * left behind: no bytes of its RAM, no queued upcall, no armed alarm, no
 * allowed buffer a capsule still writes into, no id a capsule still holds;
 * and console commands naming the old process must not reach the new one. */
#include <check.h>
#include <string.h>

#include "../capsules/capsules.h"
#include "../kernel/abi.h"
#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/shell.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *alpha, *beta;
static uint32_t r[4];

static void run(const char *line)
{
    shell_execute(line, (unsigned)strlen(line));
}

static void write_next(const char *name, uint32_t min_ram)
{
    fake_tbf s = {.name = name, .min_ram = min_ram, .binary_size = 64};
    fake_tbf_write(loader_used_end(), &s);
}

/* alpha and beta take 4 KiB each, 16 and 32 KiB fill the other 48. */
static void setup_full(void)
{
    fake_load_full_ram(&alpha, &beta);
    ck_assert_uint_eq(loader_find_block(12), 0);
    ck_assert_uint_eq(proc_set_brk(alpha, proc_block(alpha) + 2048), 0);
    capsules_init();
    fake_console_clear();
}

/* terminate alpha, load gamma of alpha's size: gamma takes alpha's block. */
static struct proc *replace_alpha(void)
{
    run("terminate alpha");
    write_next("gamma", 2700);
    run("load");
    struct proc *gamma = proc_find("gamma", 5);
    ck_assert_ptr_nonnull(gamma);
    ck_assert(fake_console_has("takes the RAM block of terminated alpha"));
    return gamma;
}

static void subscribe(struct proc *p, uint32_t drv, uint32_t sub)
{
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, drv, sub, proc_code_start(p), 0, r),
                      RV_SUCCESS_2U32);
}

START_TEST(new_process_sees_none_of_the_old_ones_ram)
{
    uaddr block = proc_block(alpha);
    memset(kmem(block), 0xA5, 2048); /* alpha's stack, data and heap */
    subscribe(alpha, DRIVER_NUM_CONSOLE, 2);
    fake_syscall(alpha, SYS_ALLOW_RW, DRIVER_NUM_CONSOLE, 1, block + 256, 16, r);
    fake_syscall(alpha, SYS_COMMAND, FAKE_TEST_DRIVER, 4, 0, 0, r); /* a grant */
    struct proc *gamma = replace_alpha();
    ck_assert_uint_eq(proc_block(gamma), block);
    /* Every byte below the control block is zero, but for gamma's own first
     * exception frame (its entry point and arguments). */
    const uint8_t *ram = kmem(block);
    uaddr frame = kaddr(arch_frame(&gamma->ctx));
    ck_assert_uint_eq(arch_frame(&gamma->ctx)[FR_R1], block);
    uint32_t below_control_block = proc_block_size(gamma) - (uint32_t)sizeof(struct proc);
    for (uint32_t i = 0; i < below_control_block; i++) {
        bool own_frame = block + i >= frame && block + i < frame + 4u * FR_WORDS;
        ck_assert_msg(own_frame || ram[i] == 0, "byte 0x%08x of the taken block is 0x%02x",
                      block + i, ram[i]);
    }
    ck_assert_uint_eq(gamma->q_count, 0);
    ck_assert_uint_eq(gamma->grant_lo, proc_block_end(gamma) - proc_kernel_area());
}
END_TEST

START_TEST(old_alarm_and_upcalls_do_not_reach_the_new_process)
{
    subscribe(alpha, DRIVER_NUM_ALARM, 0);
    fake_syscall(alpha, SYS_COMMAND, DRIVER_NUM_ALARM, 5, 1000, 0, r);
    subscribe(alpha, FAKE_TEST_DRIVER, 1);
    fake_syscall(alpha, SYS_COMMAND, FAKE_TEST_DRIVER, 1, 1, 42, r); /* queued, not run */
    ck_assert_uint_eq(alpha->q_count, 1);
    struct proc *gamma = replace_alpha();
    ck_assert_uint_eq(gamma->q_count, 0);
    subscribe(gamma, DRIVER_NUM_ALARM, 0);
    subscribe(gamma, FAKE_TEST_DRIVER, 1);
    fake_now = 5000;
    fake_events = EV_ALARM;
    kernel_turn();
    ck_assert_uint_eq(gamma->q_count, 0);
    ck_assert_int_eq(gamma->state, PS_RUNNING);
    ck_assert(!fake_alarm_armed);
}
END_TEST

START_TEST(old_read_buffer_is_not_written)
{
    uaddr buf = proc_block(alpha) + 256;
    subscribe(alpha, DRIVER_NUM_CONSOLE, 2);
    fake_syscall(alpha, SYS_ALLOW_RW, DRIVER_NUM_CONSOLE, 1, buf, 16, r);
    ck_assert_uint_eq(fake_syscall(alpha, SYS_COMMAND, DRIVER_NUM_CONSOLE, 2, 16, 0, r),
                      RV_SUCCESS);
    struct proc *gamma = replace_alpha();
    ck_assert_uint_eq(proc_set_brk(gamma, proc_block(gamma) + 2048), 0);
    fake_console_input("status\n");
    fake_events = EV_UART_RX;
    kernel_turn();
    static const uint8_t zero[16];
    ck_assert_int_eq(memcmp(kmem(buf), zero, sizeof zero), 0);
    ck_assert(fake_console_has("[kernel] > status"));
}
END_TEST

/* A capsule may keep a process id between calls (the console's writer);
 * the same id must not name the process that took the block. */
START_TEST(new_process_gets_an_id_the_old_one_never_had)
{
    proc_id ids[2];
    ids[0] = alpha->id;
    run("restart alpha");
    ids[1] = alpha->id;
    struct proc *gamma = replace_alpha();
    for (unsigned i = 0; i < 2; i++) {
        ck_assert_uint_ne(gamma->id, ids[i]);
        ck_assert_ptr_null(proc_get(ids[i]));
    }
    ck_assert_ptr_eq(proc_get(gamma->id), gamma);
}
END_TEST

START_TEST(console_writer_of_the_old_process_does_not_touch_the_new_one)
{
    uaddr text = proc_block(alpha) + 512;
    memcpy(kmem(text), "0123456789", 10);
    fake_syscall(alpha, SYS_ALLOW_RO, DRIVER_NUM_CONSOLE, 1, text, 10, r);
    fake_console_room = 4; /* alpha's write stalls after 4 bytes */
    fake_syscall(alpha, SYS_COMMAND, DRIVER_NUM_CONSOLE, 1, 10, 0, r);
    struct proc *gamma = replace_alpha();
    uaddr grants = gamma->grant_lo;
    fake_console_room = 1u << 20;
    fake_events = EV_UART_TX;
    kernel_turn();
    ck_assert(!fake_console_has("456789"));
    ck_assert_uint_eq(gamma->grant_lo, grants); /* no grant made for it */
}
END_TEST

START_TEST(start_and_restart_of_the_replaced_process_find_nothing)
{
    struct proc *gamma = replace_alpha();
    proc_id id = gamma->id;
    run("restart alpha");
    run("start alpha");
    run("boot alpha");
    ck_assert(fake_console_has("no process named 'alpha'"));
    ck_assert_uint_eq(gamma->id, id);
    ck_assert_int_eq(gamma->state, PS_RUNNING);
    ck_assert_int_eq(beta->state, PS_RUNNING);
}
END_TEST

/* The replacement of a terminated process may keep its name and, with a
 * free block, get a block of its own: the name must then reach the process
 * that runs, not the terminated one. */
START_TEST(the_name_reaches_the_running_replacement)
{
    fake_reset();
    fake_tbf s = {.name = "alpha", .min_ram = 2700, .binary_size = 64};
    fake_tbf_write(FAKE_APPS, &s);
    ck_assert_uint_eq(loader_scan(), 1);
    struct proc *old = proc_slot(0);
    run("terminate alpha");
    write_next("alpha", 2700);
    run("load");
    struct proc *new = proc_slot(1);
    ck_assert_ptr_nonnull(new);
    ck_assert_int_eq(new->state, PS_RUNNING);
    run("stop alpha");
    ck_assert(!proc_runnable(new));
    run("start alpha");
    ck_assert(proc_runnable(new));
    run("terminate alpha");
    ck_assert_int_eq(new->state, PS_TERMINATED);
    ck_assert_int_eq(old->state, PS_TERMINATED);
}
END_TEST

/* terminate/load over and over: no slot, RAM block or process is lost. */
START_TEST(repeated_replacements_leak_no_slot)
{
    const char *names[2] = {"gamma", "delta"};
    run("terminate alpha");
    for (unsigned i = 0; i < 40; i++) {
        write_next(names[i % 2], 2700);
        fake_console_clear();
        run("load");
        ck_assert_msg(fake_console_has("1 new process(es)"), "cycle %u: %s", i, fake_console());
        ck_assert_uint_eq(proc_count(), 4);
        struct proc *p = proc_find(names[i % 2], 5);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq(proc_block(p), proc_block(alpha));
        run(i % 2 == 0 ? "terminate gamma" : "terminate delta");
    }
    ck_assert_int_eq(beta->state, PS_RUNNING);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kernel_block_reuse");
    TCase *t = tcase_create("block_reuse");
    tcase_add_checked_fixture(t, setup_full, NULL);
    tcase_add_test(t, new_process_sees_none_of_the_old_ones_ram);
    tcase_add_test(t, old_alarm_and_upcalls_do_not_reach_the_new_process);
    tcase_add_test(t, old_read_buffer_is_not_written);
    tcase_add_test(t, new_process_gets_an_id_the_old_one_never_had);
    tcase_add_test(t, console_writer_of_the_old_process_does_not_touch_the_new_one);
    tcase_add_test(t, start_and_restart_of_the_replaced_process_find_nothing);
    tcase_add_test(t, the_name_reaches_the_running_replacement);
    tcase_add_test(t, repeated_replacements_leak_no_slot);
    suite_add_tcase(s, t);
    return run_suite(s);
}
