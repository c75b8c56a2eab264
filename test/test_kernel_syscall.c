/* System-call dispatch: every pointer and length checked against the
 * caller's own memory, numbers range-checked, the documented errors, and
 * memop with its break rules. */
#include <check.h>
#include <string.h>

#include "../kernel/abi.h"
#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/process.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *p;
static uint32_t r[4];

static const fake_tbf app = {.name = "app", .min_ram = 2700, .binary_size = 256};

static void setup(void)
{
    fake_reset();
    p = fake_load_one(&app);
    ck_assert_uint_eq(proc_set_brk(p, proc_block(p) + 2048), 0); /* room for buffers */
}

static uaddr block(void)
{
    return proc_block(p);
}

/* allow of `kind` on the test driver, number 0 */
static uint32_t allow(unsigned cls, uint32_t addr, uint32_t len)
{
    return fake_syscall(p, cls, FAKE_TEST_DRIVER, 0, addr, len, r);
}

static void expect_fail2(uint32_t variant, uint32_t err, uint32_t a, uint32_t b)
{
    ck_assert_uint_eq(variant, RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], err);
    ck_assert_uint_eq(r[2], a);
    ck_assert_uint_eq(r[3], b);
}

START_TEST(allow_inside_returns_previous)
{
    uaddr buf = block() + 16;
    ck_assert_uint_eq(allow(SYS_ALLOW_RW, buf, 32), RV_SUCCESS_2U32);
    ck_assert_uint_eq(r[1], 0);
    ck_assert_uint_eq(r[2], 0);
    ck_assert_uint_eq(allow(SYS_ALLOW_RW, buf + 4, 8), RV_SUCCESS_2U32);
    ck_assert_uint_eq(r[1], buf);
    ck_assert_uint_eq(r[2], 32);
}
END_TEST

START_TEST(allow_rejects_what_is_not_the_callers)
{
    uaddr brk = p->brk;
    struct {
        uint32_t addr, len;
    } bad[] = {
        {brk - 8, 16},                 /* straddles the break */
        {brk, 1},                      /* just past it */
        {p->grant_lo, 4},              /* the grant region */
        {proc_block_end(p) - 128, 16}, /* the control block */
        {block() - 16, 32},            /* below the block */
        {0x20000000u, 16},             /* kernel RAM */
        {block() + 4096, 16},          /* the next block */
        {0xFFFFFFF0u, 0x20},           /* wraps around */
        {block() + 16, 0xFFFFFFFFu},   /* wraps around */
        {p->tbf, 16},                  /* flash, for a read-write allow */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_fail2(allow(SYS_ALLOW_RW, bad[i].addr, bad[i].len), E_INVALID, bad[i].addr,
                     bad[i].len);
    }
    /* nothing was recorded */
    ck_assert_uint_eq(allow(SYS_ALLOW_RW, 0, 0), RV_SUCCESS_2U32);
    ck_assert_uint_eq(r[1], 0);
}
END_TEST

START_TEST(read_only_allow_takes_own_flash)
{
    ck_assert_uint_eq(allow(SYS_ALLOW_RO, p->tbf + 8, 16), RV_SUCCESS_2U32);
    uaddr flash_end = proc_flash_end(p);
    expect_fail2(allow(SYS_ALLOW_RO, flash_end - 8, 16), E_INVALID, flash_end - 8, 16);
    expect_fail2(allow(SYS_ALLOW_RO, 0x100, 16), E_INVALID, 0x100, 16); /* kernel flash */
}
END_TEST

START_TEST(zero_length_allow_may_point_anywhere)
{
    ck_assert_uint_eq(allow(SYS_ALLOW_RW, 0x20000000u, 0), RV_SUCCESS_2U32);
    ck_assert_uint_eq(allow(SYS_ALLOW_UR, 0xDEADBEEFu, 0), RV_SUCCESS_2U32);
}
END_TEST

START_TEST(allow_numbers_and_drivers)
{
    ck_assert_uint_eq(fake_syscall(p, SYS_ALLOW_RW, FAKE_TEST_DRIVER, 2, block(), 4, r),
                      RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
    ck_assert_uint_eq(fake_syscall(p, SYS_ALLOW_UR, FAKE_TEST_DRIVER, 1, block(), 4, r),
                      RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
    ck_assert_uint_eq(fake_syscall(p, SYS_ALLOW_RO, 0x4242, 0, block(), 4, r), RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NODEVICE);
    ck_assert_uint_eq(fake_syscall(p, SYS_ALLOW_RW, FAKE_TEST_DRIVER, 0xFFFFFFFFu, block(), 4, r),
                      RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
}
END_TEST

START_TEST(subscribe_checks_the_upcall)
{
    uint32_t fn = proc_code_start(p) + 8;
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 1, fn | 1u, 99, r),
                      RV_SUCCESS_2U32);
    ck_assert_uint_eq(r[1], 0);
    ck_assert_uint_eq(r[2], 0);
    uint32_t outside[] = {p->tbf, p->code_end, 0x100, block() | 1u, 0xFFFFFFFFu};
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 1, outside[i], 5, r),
                          RV_FAILURE_2U32);
        ck_assert_uint_eq(r[1], E_INVALID);
        ck_assert_uint_eq(r[2], outside[i]);
    }
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 1, 0, 0, r),
                      RV_SUCCESS_2U32);
    ck_assert_uint_eq(r[1], fn | 1u); /* still the first one: the bad ones changed nothing */
    ck_assert_uint_eq(r[2], 99);
}
END_TEST

START_TEST(subscribe_numbers_and_drivers)
{
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 2, 0, 0, r),
                      RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, 0x12345, 0, 0, 0, r), RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NODEVICE);
    ck_assert_uint_eq(fake_syscall(p, SYS_SUBSCRIBE, 0x2, 0, 0, 0, r), RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NOSUPPORT); /* the LED driver has no upcalls */
}
END_TEST

START_TEST(command_unknown_driver_and_class)
{
    ck_assert_uint_eq(fake_syscall(p, SYS_COMMAND, 0x777, 0, 0, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NODEVICE);
    ck_assert_uint_eq(fake_syscall(p, SYS_COMMAND, FAKE_TEST_DRIVER, 0, 0, 0, r), RV_SUCCESS);
    ck_assert_uint_eq(fake_syscall(p, SYS_COMMAND, FAKE_TEST_DRIVER, 42, 0, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
    for (unsigned cls = 8; cls < 256; cls += 31) {
        ck_assert_uint_eq(fake_syscall(p, cls, 0, 0, 0, 0, r), RV_FAILURE);
        ck_assert_uint_eq(r[1], E_NOSUPPORT);
    }
    ck_assert_uint_eq(fake_syscall(p, SYS_EXIT, 7, 0, 0, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
    ck_assert_int_eq(p->state, PS_RUNNING);
}
END_TEST

START_TEST(buffer_handles_follow_the_allow)
{
    uaddr buf = block() + 64;
    memcpy(kmem(buf), "0123456789abcdef", 16);
    allow(SYS_ALLOW_RO, buf, 16);
    ck_assert_uint_eq(fake_syscall(p, SYS_COMMAND, FAKE_TEST_DRIVER, 2, 10, 64, r), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 6); /* from offset 10 to the end of the allow */
    ck_assert_int_eq(memcmp(fake_test_bytes, "abcdef", 6), 0);
    allow(SYS_ALLOW_RO, buf, 4); /* shrink it: the capsule sees only 4 bytes */
    fake_syscall(p, SYS_COMMAND, FAKE_TEST_DRIVER, 2, 0, 64, r);
    ck_assert_uint_eq(r[1], 4);
    /* writing goes only through a read-write allow */
    memset(fake_test_bytes, 'x', sizeof fake_test_bytes);
    fake_syscall(p, SYS_COMMAND, FAKE_TEST_DRIVER, 3, 0, 64, r);
    ck_assert_uint_eq(r[1], 0);
    allow(SYS_ALLOW_RW, buf, 8);
    fake_syscall(p, SYS_COMMAND, FAKE_TEST_DRIVER, 3, 2, 64, r);
    ck_assert_uint_eq(r[1], 6);
    ck_assert_int_eq(memcmp(kmem(buf), "01xxxxxx89", 10), 0);
}
END_TEST

START_TEST(yield_no_wait_sets_the_flag)
{
    uaddr flag = block() + 200;
    *(uint8_t *)kmem(flag) = 7;
    fake_syscall(p, SYS_YIELD, YIELD_NO_WAIT, flag, 0, 0, r);
    ck_assert_uint_eq(*(uint8_t *)kmem(flag), 0);
    /* a flag outside its memory is not written */
    uint8_t *kernel_byte = kmem(0x20000100u);
    *kernel_byte = 7;
    fake_syscall(p, SYS_YIELD, YIELD_NO_WAIT, 0x20000100u, 0, 0, r);
    ck_assert_uint_eq(*kernel_byte, 7);
    /* an unknown yield returns at once */
    fake_syscall(p, SYS_YIELD, 9, 0, 0, 0, r);
    ck_assert_int_eq(p->state, PS_RUNNING);
}
END_TEST

/* ---- memop ----------------------------------------------------------------------- */

static uint32_t memop(uint32_t op, uint32_t arg)
{
    return fake_syscall(p, SYS_MEMOP, op, arg, 0, 0, r);
}

START_TEST(memop_addresses)
{
    ck_assert_uint_eq(memop(MEMOP_RAM_START, 0), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], block());
    ck_assert_uint_eq(memop(MEMOP_RAM_END, 0), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], block() + 4096);
    ck_assert_uint_eq(memop(MEMOP_FLASH_START, 0), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], FAKE_APPS);
    ck_assert_uint_eq(memop(MEMOP_FLASH_END, 0), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], FAKE_APPS + 512); /* the image, padded to a power of two */
    ck_assert_uint_eq(memop(MEMOP_GRANT_START, 0), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], p->grant_lo);
    ck_assert_uint_eq(memop(MEMOP_WFLASH_COUNT, 0), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], 0);
    ck_assert_uint_eq(memop(MEMOP_WFLASH_START, 0), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_INVALID);
    ck_assert_uint_eq(memop(MEMOP_STACK_HINT, block() + 1024), RV_SUCCESS);
    ck_assert_uint_eq(p->stack_hint, 1024);
    ck_assert_uint_eq(memop(MEMOP_HEAP_HINT, block() + 1200), RV_SUCCESS);
    ck_assert_uint_eq(p->heap_hint, 1200);
    ck_assert_uint_eq(memop(12, 0), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOSUPPORT);
}
END_TEST

START_TEST(brk_rules)
{
    uint32_t granule = arch_mpu_granule(p->block_log2);
    ck_assert_uint_eq(granule, 64);
    ck_assert_uint_eq(memop(MEMOP_BRK, block() + 1000), RV_SUCCESS);
    ck_assert_uint_eq(memop(MEMOP_BRK, block() + 1000), RV_SUCCESS);
    ck_assert_uint_eq(p->brk, block() + 1024); /* rounded up to the MPU granule */
    ck_assert_uint_eq(memop(MEMOP_BRK, block() - 4), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_INVALID);
    ck_assert_uint_eq(memop(MEMOP_BRK, p->grant_lo + 4), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOMEM);
    ck_assert_uint_eq(memop(MEMOP_BRK, 0xFFFFFFFFu), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOMEM);
    /* a break that would round up into the grant region */
    ck_assert_uint_eq(memop(MEMOP_BRK, p->grant_lo - 1), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOMEM);
    ck_assert_uint_eq(p->brk, block() + 1024);
    /* not below an allowed buffer */
    ck_assert_uint_eq(allow(SYS_ALLOW_RW, block() + 900, 100), RV_SUCCESS_2U32);
    ck_assert_uint_eq(memop(MEMOP_BRK, block() + 512), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_INVALID);
    ck_assert_uint_eq(memop(MEMOP_BRK, block() + 1000), RV_SUCCESS);
    allow(SYS_ALLOW_RW, 0, 0);
    ck_assert_uint_eq(memop(MEMOP_BRK, block() + 512), RV_SUCCESS);
    ck_assert_uint_eq(p->brk, block() + 512);
}
END_TEST

START_TEST(sbrk_moves_and_answers_the_old_break)
{
    uaddr start = p->brk;
    ck_assert_uint_eq(memop(MEMOP_SBRK, 256), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], start);
    ck_assert_uint_eq(p->brk, start + 256);
    ck_assert_uint_eq(memop(MEMOP_SBRK, (uint32_t)-128), RV_SUCCESS_U32);
    ck_assert_uint_eq(r[1], start + 256);
    ck_assert_uint_eq(p->brk, start + 128);
    ck_assert_uint_eq(memop(MEMOP_SBRK, (uint32_t)-0x10000), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_INVALID);
    ck_assert_uint_eq(memop(MEMOP_SBRK, 0x7FFFFFFF), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOMEM);
}
END_TEST

START_TEST(exit_is_finished_by_the_kernel_loop)
{
    fake_syscall(p, SYS_EXIT, EXIT_TERMINATE, 42, 0, 0, r);
    ck_assert(!proc_runnable(p));
    ck_assert(kernel_service_pending());
    kernel_turn();
    ck_assert_int_eq(p->state, PS_TERMINATED);
    ck_assert(fake_console_has("app exited (code 42)"));
}
END_TEST

START_TEST(exit_restart_gives_a_new_id)
{
    proc_id old = p->id;
    memset(kmem(block() + 16), 0xAA, 16);
    fake_syscall(p, SYS_EXIT, EXIT_RESTART, 3, 0, 0, r);
    kernel_turn();
    ck_assert_int_eq(p->state, PS_RUNNING);
    ck_assert_uint_ne(p->id, old);
    ck_assert_ptr_null(proc_get(old));
    ck_assert_uint_eq(*(uint8_t *)kmem(block() + 16), 0); /* RAM zeroed */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_syscall");
    TCase *t = tcase_create("validation");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, allow_inside_returns_previous);
    tcase_add_test(t, allow_rejects_what_is_not_the_callers);
    tcase_add_test(t, read_only_allow_takes_own_flash);
    tcase_add_test(t, zero_length_allow_may_point_anywhere);
    tcase_add_test(t, allow_numbers_and_drivers);
    tcase_add_test(t, subscribe_checks_the_upcall);
    tcase_add_test(t, subscribe_numbers_and_drivers);
    tcase_add_test(t, command_unknown_driver_and_class);
    tcase_add_test(t, buffer_handles_follow_the_allow);
    tcase_add_test(t, yield_no_wait_sets_the_flag);
    suite_add_tcase(s, t);
    TCase *m = tcase_create("memop");
    tcase_add_checked_fixture(m, setup, NULL);
    tcase_add_test(m, memop_addresses);
    tcase_add_test(m, brk_rules);
    tcase_add_test(m, sbrk_moves_and_answers_the_old_break);
    tcase_add_test(m, exit_is_finished_by_the_kernel_loop);
    tcase_add_test(m, exit_restart_gives_a_new_id);
    suite_add_tcase(s, m);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
