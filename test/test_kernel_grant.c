/* Grants: allocated on first use from the top of the caller's block, NOMEM
 * only for that process, at most 8 bytes of overhead each, all reclaimed at
 * once on exit or restart (which also zeroes the RAM). */
#include <check.h>
#include <string.h>

#include "../capsules/capsules.h"
#include "../kernel/abi.h"
#include "../kernel/grant.h"
#include "../kernel/kernel.h"
#include "check_main.h"
#include "test_kernel_fake.h"

static struct proc *a, *b;
static uint32_t r[4];

static void setup(void)
{
    fake_load_two(&a, &b);
}

static void mark(void *data, void *ctx)
{
    memset(data, *(int *)ctx, 64);
}

START_TEST(first_use_allocates_from_the_top)
{
    uaddr top = a->grant_lo;
    ck_assert_uint_eq(top, proc_block_end(a) - proc_kernel_area());
    int v = 0x5A;
    ck_assert_uint_eq(grant_enter(a->id, &fake_test_driver, mark, &v), 0);
    uint32_t size = grant_bytes(&fake_test_driver);
    ck_assert_uint_eq(a->grant_lo, top - size);
    /* 5 slots of upcalls and allows and the 64 data bytes */
    ck_assert_uint_eq(size, (2 + 2 + 2 + 1) * 8 + 64);
    ck_assert_uint_eq(*(uint8_t *)kmem(top - 64), 0x5A);
    /* the second entry finds the same grant */
    ck_assert_uint_eq(grant_enter(a->id, &fake_test_driver, mark, &v), 0);
    ck_assert_uint_eq(a->grant_lo, top - size);
    ck_assert_uint_eq(b->grant_lo, proc_block_end(b) - proc_kernel_area());
}
END_TEST

START_TEST(overhead_is_at_most_8_bytes)
{
    for (unsigned d = 0; d < kernel_driver_count; d++) {
        const driver *drv = kernel_drivers[d];
        uint32_t slots = 8u * (drv->subscribes + drv->allows_rw + drv->allows_ro + drv->allows_ur);
        uint32_t data = drv->grant_size;
        /* beyond the slots and data: rounding here, 2 bytes in the table */
        ck_assert_uint_le(grant_bytes(drv) - slots - data + 2u, 8u);
    }
    ck_assert_uint_le(proc_kernel_area() - sizeof(struct proc) - PROC_QUEUE * sizeof(upcall_entry),
                      8u * kernel_driver_count);
}
END_TEST

START_TEST(nomem_only_for_that_process)
{
    /* a's break right under its grant region: no room for a grant */
    uint32_t granule = arch_mpu_granule(a->block_log2);
    uaddr high = proc_block(a) + ((a->grant_lo - proc_block(a)) / granule) * granule;
    ck_assert_uint_eq(proc_set_brk(a, high), 0);
    int v = 1;
    ck_assert_uint_eq(grant_enter(a->id, &fake_test_driver, mark, &v), E_NOMEM);
    ck_assert_uint_eq(fake_syscall(a, SYS_COMMAND, FAKE_TEST_DRIVER, 4, 0, 0, r), RV_FAILURE);
    ck_assert_uint_eq(r[1], E_NOMEM);
    ck_assert_uint_eq(fake_syscall(a, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 0, proc_code_start(a), 0, r),
                      RV_FAILURE_2U32);
    ck_assert_uint_eq(r[1], E_NOMEM);
    /* b is not affected */
    ck_assert_uint_eq(fake_syscall(b, SYS_COMMAND, FAKE_TEST_DRIVER, 4, 0, 0, r), RV_SUCCESS);
    /* and the break cannot grow into a grant once there is one */
    ck_assert_uint_eq(proc_set_brk(b, b->grant_lo + 1), E_NOMEM);
}
END_TEST

START_TEST(null_subscribe_and_empty_allow_allocate_nothing)
{
    uaddr lo = a->grant_lo;
    ck_assert_uint_eq(fake_syscall(a, SYS_SUBSCRIBE, FAKE_TEST_DRIVER, 0, 0, 0, r),
                      RV_SUCCESS_2U32);
    ck_assert_uint_eq(fake_syscall(a, SYS_ALLOW_RW, FAKE_TEST_DRIVER, 0, 0, 0, r), RV_SUCCESS_2U32);
    ck_assert_uint_eq(a->grant_lo, lo);
}
END_TEST

START_TEST(reclaimed_on_restart_and_ram_zeroed)
{
    int v = 0x77;
    grant_enter(a->id, &fake_test_driver, mark, &v);
    proc_id old = a->id;
    memset(kmem(proc_block(a)), 0x33, 256);
    a->flags |= PF_RESTART_PENDING;
    kernel_request_service();
    kernel_turn();
    ck_assert_uint_eq(a->grant_lo, proc_block_end(a) - proc_kernel_area());
    ck_assert_uint_eq(*(uint8_t *)kmem(proc_block(a)), 0);
    ck_assert_uint_eq(*(uint8_t *)kmem(proc_block_end(a) - proc_kernel_area() - 64), 0);
    ck_assert_uint_eq(grant_enter(old, &fake_test_driver, mark, &v), E_INVALID);
    ck_assert_uint_eq(grant_enter(a->id, &fake_test_driver, mark, &v), 0);
}
END_TEST

START_TEST(reclaimed_on_exit)
{
    int v = 1;
    grant_enter(a->id, &fake_test_driver, mark, &v);
    fake_syscall(a, SYS_EXIT, EXIT_TERMINATE, 0, 0, 0, r);
    kernel_turn();
    ck_assert_uint_eq(a->grant_lo, proc_block_end(a) - proc_kernel_area());
    ck_assert_uint_eq(grant_enter(a->id, &fake_test_driver, mark, &v), E_INVALID);
}
END_TEST

static void count(proc_id pid, void *data, void *ctx)
{
    (void)pid;
    (void)data;
    (*(int *)ctx)++;
}

START_TEST(each_visits_holders_only)
{
    int v = 0, n = 0;
    grant_each(&fake_test_driver, count, &n);
    ck_assert_int_eq(n, 0);
    grant_enter(b->id, &fake_test_driver, mark, &v);
    grant_each(&fake_test_driver, count, &n);
    ck_assert_int_eq(n, 1);
    b->flags |= PF_STOPPED; /* stopped processes keep their grants */
    n = 0;
    grant_each(&fake_test_driver, count, &n);
    ck_assert_int_eq(n, 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_grant");
    TCase *t = tcase_create("grant");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, first_use_allocates_from_the_top);
    tcase_add_test(t, overhead_is_at_most_8_bytes);
    tcase_add_test(t, nomem_only_for_that_process);
    tcase_add_test(t, null_subscribe_and_empty_allow_allocate_nothing);
    tcase_add_test(t, reclaimed_on_restart_and_ram_zeroed);
    tcase_add_test(t, reclaimed_on_exit);
    tcase_add_test(t, each_visits_holders_only);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
