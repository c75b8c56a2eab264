/* The capsules of the kernel issue on the fake machine: the virtualised
 * alarm, the console shared by processes and the kernel shell, LEDs and
 * buttons. */
#include <check.h>
#include <string.h>

#include "../capsules/capsules.h"
#include "../kernel/abi.h"
#include "../kernel/kernel.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *a, *b;
static uint32_t r[4];

static void setup(void)
{
    fake_load_two(&a, &b);
    ck_assert_uint_eq(proc_set_brk(a, proc_block(a) + 2048), 0); /* room for buffers */
    ck_assert_uint_eq(proc_set_brk(b, proc_block(b) + 2048), 0);
    capsules_init();
    fake_console_clear();
}

static void subscribe(struct proc *p, uint32_t drv, uint32_t sub)
{
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, drv, sub, proc_code_start(p), 0, r),
                      RV_SUCCESS_2U32);
}

/* The process in yield-wait, then: was an upcall delivered with r0 = a0? */
static void yield(struct proc *p)
{
    uint32_t *f = arch_frame(&p->ctx);
    f[FR_R0] = YIELD_WAIT;
    f[FR_PC] = proc_code_start(p) + 0x20;
    kernel_syscall(p, SYS_YIELD, f);
}

static bool got_upcall(struct proc *p, uint32_t *a0, uint32_t *a1)
{
    uint32_t *f = arch_frame(&p->ctx);
    if (p->state != PS_RUNNING || f[FR_PC] != proc_code_start(p)) {
        return false;
    }
    *a0 = f[FR_R0];
    *a1 = f[FR_R1];
    return true;
}

START_TEST(alarm_virtualised)
{
    subscribe(a, DRIVER_NUM_ALARM, 0);
    subscribe(b, DRIVER_NUM_ALARM, 0);
    fake_now = 1000;
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, 0, 1, 0, 0, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 1000000);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, 0, 2, 0, 0, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 1000);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, 0, 5, 500, 0, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 1500);
    ck_assert_uint_eq(fake_syscall(b, SYS_COMMAND, 0, 6, 900, 200, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 1100);
    ck_assert(fake_alarm_armed); /* for the earliest: b's */
    ck_assert_uint_eq(fake_alarm_reference + fake_alarm_dt, 1100);
    yield(a);
    yield(b);
    fake_now = 1100;
    fake_events = EV_ALARM;
    kernel_turn();
    uint32_t now, exp;
    ck_assert(got_upcall(b, &now, &exp));
    ck_assert_uint_eq(exp, 1100);
    ck_assert(!got_upcall(a, &now, &exp));
    ck_assert_uint_eq(fake_alarm_reference + fake_alarm_dt, 1500); /* now for a */
    fake_now = 1600;
    fake_events = EV_ALARM;
    kernel_turn();
    ck_assert(got_upcall(a, &now, &exp));
    ck_assert_uint_eq(now, 1600);
    ck_assert_uint_eq(exp, 1500);
    ck_assert(!fake_alarm_armed);
}
END_TEST

START_TEST(alarm_stop_and_wraparound)
{
    fake_now = 0xFFFFFF00u;
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, 0, 3, 0, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_ALREADY);
    fake_syscall(a, SYS_COMMAND, 0, 5, 0x200, 0, r);
    ck_assert_uint_eq(r[1], 0x100); /* wraps */
    subscribe(a, DRIVER_NUM_ALARM, 0);
    yield(a);
    fake_now = 0x50; /* wrapped, not yet expired */
    fake_events = EV_ALARM;
    kernel_turn();
    uint32_t now, exp;
    ck_assert(!got_upcall(a, &now, &exp));
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, 0, 3, 0, 0, r), RV_SUCCESS);
    ck_assert(!fake_alarm_armed);
}
END_TEST

static uint32_t put(struct proc *p, uaddr buf, const char *text)
{
    memcpy(kmem(buf), text, strlen(text));
    fake_syscall(p, SYS_ALLOW_RO, DRIVER_NUM_CONSOLE, 1, buf, (uint32_t)strlen(text), r);
    return fake_syscall(p, SYS_COMMAND, DRIVER_NUM_CONSOLE, 1, (uint32_t)strlen(text), 0, r);
}

START_TEST(console_writes_whole_requests_in_turn)
{
    subscribe(a, DRIVER_NUM_CONSOLE, 1);
    subscribe(b, DRIVER_NUM_CONSOLE, 1);
    fake_console_room = 4; /* the UART buffer takes only 4 bytes for now */
    ck_assert_uint_eq(put(a, proc_block(a) + 64, "hello from a\n"), RV_SUCCESS);
    ck_assert_uint_eq(put(b, proc_block(b) + 64, "and b\n"), RV_SUCCESS);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_CONSOLE, 1, 4, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_BUSY);
    ck_assert_str_eq(fake_console(), "hell");
    fake_console_room = 1u << 20;
    fake_events = EV_UART_TX;
    yield(a);
    yield(b);
    kernel_turn();
    ck_assert_str_eq(fake_console(), "hello from a\nand b\n");
    uint32_t len, unused;
    ck_assert(got_upcall(a, &len, &unused));
    ck_assert_uint_eq(len, 13);
    ck_assert(got_upcall(b, &len, &unused));
    ck_assert_uint_eq(len, 6);
}
END_TEST

START_TEST(console_input_goes_to_a_reader_else_the_shell)
{
    subscribe(a, DRIVER_NUM_CONSOLE, 2);
    uaddr buf = proc_block(a) + 128;
    fake_syscall(a, SYS_ALLOW_RW, DRIVER_NUM_CONSOLE, 1, buf, 3, r);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_CONSOLE, 2, 10, 0, r), RV_SUCCESS);
    yield(a);
    fake_console_input("xyzhelp\n");
    fake_events = EV_UART_RX;
    kernel_turn();
    ck_assert_int_eq(memcmp(kmem(buf), "xyz", 3), 0);
    uint32_t status, len;
    ck_assert(got_upcall(a, &status, &len));
    ck_assert_uint_eq(status, 0);
    ck_assert_uint_eq(len, 3);
    ck_assert(fake_console_has("[kernel] > help"));
    ck_assert(fake_console_has("commands:"));
}
END_TEST

START_TEST(console_abort_read)
{
    subscribe(a, DRIVER_NUM_CONSOLE, 2);
    fake_syscall(a, SYS_ALLOW_RW, DRIVER_NUM_CONSOLE, 1, proc_block(a) + 128, 8, r);
    fake_syscall(a, SYS_COMMAND, DRIVER_NUM_CONSOLE, 2, 8, 0, r);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_CONSOLE, 3, 0, 0, r), RV_SUCCESS);
    yield(a);
    uint32_t status, len;
    ck_assert(got_upcall(a, &status, &len));
    ck_assert_uint_eq(status, E_CANCEL);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_CONSOLE, 2, 0, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_SIZE);
}
END_TEST

START_TEST(leds)
{
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_LED, 0, 0, 0, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 8);
    fake_syscall(a, SYS_COMMAND, DRIVER_NUM_LED, 1, 3, 0, r);
    ck_assert_uint_eq(fake_leds, 0x08);
    fake_syscall(a, SYS_COMMAND, DRIVER_NUM_LED, 3, 0, 0, r);
    ck_assert_uint_eq(fake_leds, 0x09);
    fake_syscall(a, SYS_COMMAND, DRIVER_NUM_LED, 2, 3, 0, r);
    ck_assert_uint_eq(fake_leds, 0x01);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_LED, 1, 8, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_INVALID);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_LED, 9, 0, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
}
END_TEST

START_TEST(buttons_are_polled_for_listeners)
{
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_BUTTON, 0, 0, 0, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 4);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_BUTTON, 1, 4, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_INVALID);
    subscribe(a, DRIVER_NUM_BUTTON, 0);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_BUTTON, 1, 2, 0, r), RV_SUCCESS);
    ck_assert(fake_alarm_armed); /* the poll */
    yield(a);
    fake_buttons = 0x4;
    fake_now = fake_alarm_reference + fake_alarm_dt;
    fake_events = EV_ALARM;
    kernel_turn();
    uint32_t index, pressed;
    ck_assert(got_upcall(a, &index, &pressed));
    ck_assert_uint_eq(index, 2);
    ck_assert_uint_eq(pressed, 1);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, DRIVER_NUM_BUTTON, 3, 2, 0, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_capsules");
    TCase *t = tcase_create("capsules");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, alarm_virtualised);
    tcase_add_test(t, alarm_stop_and_wraparound);
    tcase_add_test(t, console_writes_whole_requests_in_turn);
    tcase_add_test(t, console_input_goes_to_a_reader_else_the_shell);
    tcase_add_test(t, console_abort_read);
    tcase_add_test(t, leds);
    tcase_add_test(t, buttons_are_polled_for_listeners);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
