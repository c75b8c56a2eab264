/* The page guard on a real Unicorn: after a context change every access the
 * MPU refuses stops in the protection hook, even right after the same
 * access was allowed (nothing cached while more was allowed may survive),
 * and the guard's batched, rebuild-free changes give the same result as
 * Unicorn's ordinary ones. */
#include <check.h>

#include "check_main.h"
#include "guard.h"
#include "mpu.h"

#define FLASH 0x00000000u
#define RAM   0x20000000u
#define PAGE1 (RAM + GUARD_PAGE)
#define CODE  0x100u

/* ldr r0, [r1]; str r0, [r2]; then the end (run with until = end). */
static const uint16_t code[] = {0x6808, 0x6010};
#define CODE_END (CODE + sizeof(code))

static uc_engine *uc;
static mpu *m;
static guard *g;
static int faults;
static int fault_type;

static bool on_prot(uc_engine *u, uc_mem_type type, uint64_t addr, int size, int64_t value,
                    void *user)
{
    (void)u, (void)addr, (void)size, (void)value, (void)user;
    faults++;
    fault_type = type;
    return false;
}

static uint32_t rasr_rw_pages(unsigned log2)
{
    return 1u | ((log2 - 1u) << 1) | (3u << 24) | (1u << 28); /* AP RW/RW, XN */
}

static uint32_t rasr_ro_pages(unsigned log2)
{
    return 1u | ((log2 - 1u) << 1) | (2u << 24) | (1u << 28); /* AP RW/RO, XN */
}

static void setup(void)
{
    ck_assert_int_eq(uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &uc), UC_ERR_OK);
    ck_assert_int_eq(uc_mem_map(uc, FLASH, 0x10000, UC_PROT_READ | UC_PROT_EXEC), UC_ERR_OK);
    ck_assert_int_eq(uc_mem_map(uc, RAM, 0x4000, UC_PROT_READ | UC_PROT_WRITE), UC_ERR_OK);
    ck_assert_int_eq(uc_mem_write(uc, CODE, code, sizeof(code)), UC_ERR_OK);
    uint32_t word = 0xA5A5A5A5u; /* what the ldr/str pair copies */
    ck_assert_int_eq(uc_mem_write(uc, RAM, &word, 4), UC_ERR_OK);
    uc_hook h;
    ck_assert_int_eq(uc_hook_add(uc, &h, UC_HOOK_MEM_PROT, (void *)on_prot, NULL, 1, 0), UC_ERR_OK);
    m = mpu_create((mpu_observer){0});
    g = guard_create(uc, m);
    ck_assert_int_eq(guard_add_area(g, FLASH, 0x10000, UC_PROT_READ | UC_PROT_EXEC, false), 0);
    ck_assert_int_eq(guard_add_area(g, RAM, 0x4000, UC_PROT_READ | UC_PROT_WRITE, false), 0);
    faults = 0;
}

static void teardown(void)
{
    guard_destroy(g);
    device d = mpu_device(m);
    d.ops->destroy(d.state);
    uc_close(uc);
}

/* Unprivileged code may run from flash and use RAM as the regions say. */
static void program(uint32_t ram_rasr)
{
    mpu_set_ctrl(m, 1u | 4u); /* enabled; privileged code has the default map */
    mpu_set_region(m, 0, FLASH, 1u | ((16u - 1u) << 1) | (6u << 24));
    mpu_set_region(m, 1, RAM, ram_rasr);
    guard_invalidate(g);
    guard_apply(g, GUARD_MPU_APPLIES);
}

/* ldr from `from`, str to `to`; returns the number of refused accesses. */
static int run(uint32_t from, uint32_t to)
{
    uint32_t r1 = from, r2 = to;
    uc_reg_write(uc, UC_ARM_REG_R1, &r1);
    uc_reg_write(uc, UC_ARM_REG_R2, &r2);
    int before = faults;
    uc_emu_start(uc, CODE | 1u, CODE_END, 0, 0);
    return faults - before;
}

START_TEST(refused_after_allowed)
{
    guard_apply(g, GUARD_PRIVILEGED | GUARD_MPU_APPLIES);
    for (int round = 0; round < 3; round++) { /* the later rounds are warm */
        program(rasr_rw_pages(11));           /* both pages RW */
        ck_assert_int_eq(run(PAGE1, PAGE1 + 4), 0);
        program(rasr_rw_pages(10)); /* page 1 now refused */
        ck_assert_int_eq(run(PAGE1, RAM + 4), 1);
        ck_assert_int_eq(fault_type, UC_MEM_READ_PROT);
        guard_apply(g, GUARD_PRIVILEGED | GUARD_MPU_APPLIES); /* a kernel in between */
        ck_assert_int_eq(run(PAGE1, PAGE1 + 4), 0);
    }
}
END_TEST

/* Only the read right goes: no write permission changes on the way. */
START_TEST(read_refused_after_read_only)
{
    guard_apply(g, GUARD_PRIVILEGED | GUARD_MPU_APPLIES);
    for (int round = 0; round < 3; round++) {
        program(rasr_ro_pages(11));               /* unprivileged: read only */
        ck_assert_int_eq(run(PAGE1, RAM + 8), 1); /* the read works, the store does not */
        ck_assert_int_eq(fault_type, UC_MEM_WRITE_PROT);
        program(rasr_rw_pages(11) & ~(3u << 24)); /* AP 0: nothing */
        ck_assert_int_eq(run(PAGE1, RAM + 8), 1);
        ck_assert_int_eq(fault_type, UC_MEM_READ_PROT);
    }
}
END_TEST

/* The very first change takes away only read rights, from a whole mapping
 * (flash, never writable): nothing has made Unicorn rebuild its map and so
 * shown the guard its CPU, and a read the TLB remembers from before must
 * still be refused.  The code runs from a page outside the guard's areas. */
#define SIDE 0x30000000u
START_TEST(read_refused_before_any_rebuild)
{
    ck_assert_int_eq(uc_mem_map(uc, SIDE, 0x1000, UC_PROT_ALL), UC_ERR_OK);
    ck_assert_int_eq(uc_mem_write(uc, SIDE, code, sizeof(code)), UC_ERR_OK);
    uint32_t r1 = FLASH + 0x8000u, r2 = RAM + 4;
    uc_reg_write(uc, UC_ARM_REG_R1, &r1);
    uc_reg_write(uc, UC_ARM_REG_R2, &r2);
    guard_apply(g, 0); /* MPU off: everything the areas allow */
    ck_assert_int_eq(uc_emu_start(uc, SIDE | 1u, SIDE + sizeof(code), 0, 0), UC_ERR_OK);
    ck_assert_int_eq(faults, 0);
    mpu_set_ctrl(m, 1u | 4u);
    mpu_set_region(m, 1, RAM, rasr_rw_pages(14)); /* RAM as it was, flash refused */
    guard_invalidate(g);
    guard_apply(g, GUARD_MPU_APPLIES);
    uc_reg_write(uc, UC_ARM_REG_R1, &r1);
    uc_emu_start(uc, SIDE | 1u, SIDE + sizeof(code), 0, 0);
    ck_assert_int_eq(faults, 1);
    ck_assert_int_eq(fault_type, UC_MEM_READ_PROT);
}
END_TEST

START_TEST(write_refused_on_read_only)
{
    guard_apply(g, GUARD_PRIVILEGED | GUARD_MPU_APPLIES);
    for (int round = 0; round < 3; round++) {
        program(rasr_rw_pages(11));
        ck_assert_int_eq(run(RAM, PAGE1), 0);
        program(rasr_ro_pages(11)); /* readable, no longer writable */
        uint32_t v = 0;
        uc_mem_write(uc, PAGE1, &v, 4);
        ck_assert_int_eq(run(RAM, PAGE1), 1);
        ck_assert_int_eq(fault_type, UC_MEM_WRITE_PROT);
        uc_mem_read(uc, PAGE1, &v, 4); /* the refused store changed nothing */
        ck_assert_uint_eq(v, 0);
    }
}
END_TEST

START_TEST(host_writes_keep_the_protection)
{
    guard_apply(g, GUARD_PRIVILEGED | GUARD_MPU_APPLIES);
    program(rasr_rw_pages(11));
    program(rasr_ro_pages(11));
    uint32_t v = 0x12345678u; /* a debugger-style write: allowed from the host */
    ck_assert_int_eq(uc_mem_write(uc, PAGE1, &v, 4), UC_ERR_OK);
    ck_assert_int_eq(run(RAM, PAGE1), 1);
    ck_assert_int_eq(fault_type, UC_MEM_WRITE_PROT);
    uc_mem_read(uc, PAGE1, &v, 4);
    ck_assert_uint_eq(v, 0x12345678u);
}
END_TEST

static Suite *guard_suite(void)
{
    Suite *s = suite_create("guard");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, refused_after_allowed);
    tcase_add_test(tc, read_refused_after_read_only);
    tcase_add_test(tc, read_refused_before_any_rebuild);
    tcase_add_test(tc, write_refused_on_read_only);
    tcase_add_test(tc, host_writes_keep_the_protection);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(guard_suite());
}
