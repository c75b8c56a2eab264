/* Reading the kernel's process table from outside (sim/kernel_info.c): the
 * real kernel ELF with real app images, run in the machine.  Paths come
 * from the environment meson sets (KERNEL_ELF, APP_BLINK, APP_HELLO,
 * APP_CRASH). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_images.h"
#include "check_main.h"
#include "kernel_info.h"

static board b;
static elf_image img;
static app_placement placed;
static machine *m;
static char err[512];

/* The kernel with the given apps, run for `ms` simulated milliseconds. */
static void boot(const char *const *apps, size_t n, unsigned ms)
{
    machine_options opt = {.uart_out = NULL};
    const char *paths[4];
    for (size_t i = 0; i < n; i++) {
        paths[i] = getenv(apps[i]);
        ck_assert_msg(paths[i] != NULL, "%s is not set", apps[i]);
    }
    ck_assert_int_eq(board_load_named("sim64", &b, err, sizeof(err)), 0);
    ck_assert_msg(elf_image_load(getenv("KERNEL_ELF"), &b, &img, err, sizeof(err)) == 0, "%s", err);
    ck_assert_msg(app_images_place(&img, &b, paths, n, &placed, err, sizeof(err)) == 0, "%s", err);
    m = machine_create(&b, &opt, err, sizeof(err));
    ck_assert_msg(m != NULL && machine_load(m, &img, err, sizeof(err)) == 0, "%s", err);
    machine_reset(m);
    machine_run(m, (uint64_t)b.clock_hz / 1000u * ms);
}

static void shutdown(void)
{
    machine_destroy(m);
    elf_image_free(&img);
}

static void check_layout(const kinfo_proc *p)
{
    uint32_t size = p->block_end - p->block;
    ck_assert_msg((size & (size - 1)) == 0 && p->block % size == 0, "block %08x..%08x", p->block,
                  p->block_end);
    ck_assert_uint_le(p->block, p->stack_top);
    ck_assert_uint_lt(p->block, p->stack_top); /* the apps give a stack hint */
    ck_assert_uint_le(p->stack_top, p->heap_start);
    ck_assert_uint_le(p->heap_start, p->brk);
    ck_assert_uint_le(p->brk, p->grant_lo);
    ck_assert_uint_le(p->grant_lo, p->kernel_lo);
    ck_assert_uint_lt(p->kernel_lo, p->block_end);
    ck_assert_uint_lt(p->flash_start, p->flash_end);
}

START_TEST(reads_every_process)
{
    static const char *const apps[] = {"APP_BLINK", "APP_HELLO"};
    boot(apps, 2, 2000);
    kinfo_proc p[KINFO_MAX_PROCS];
    int n = kinfo_procs(m, p, KINFO_MAX_PROCS, err, sizeof(err));
    ck_assert_msg(n == 2, "%d processes: %s", n, err);
    ck_assert_str_eq(p[0].name, "blink");
    ck_assert_str_eq(p[1].name, "hello");
    for (int i = 0; i < 2; i++) {
        check_layout(&p[i]);
        ck_assert_uint_eq(p[i].flash_start, placed.start[i]);
        ck_assert_uint_eq(p[i].restarts, 0);
        ck_assert_uint_eq(p[i].slot, (unsigned)i);
    }
    /* blink waits for its alarm; hello has printed its lines and exited */
    ck_assert_str_eq(p[0].state, "yielded");
    ck_assert_str_eq(p[1].state, "terminated");
    /* blink's alarm capsule holds a grant */
    ck_assert_uint_lt(p[0].grant_lo, p[0].kernel_lo);
    shutdown();
}
END_TEST

START_TEST(counts_restarts)
{
    static const char *const apps[] = {"APP_BLINK", "APP_CRASH"};
    boot(apps, 2, 2000);
    kinfo_proc p;
    ck_assert_msg(kinfo_proc_named(m, "crash", &p, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_ge(p.restarts, 1);
    ck_assert_int_eq(kinfo_proc_named(m, "nosuch", &p, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "no process named nosuch is loaded");
    shutdown();
}
END_TEST

/* A corrupted descriptor or table is reported, never followed. */
START_TEST(survives_corruption)
{
    static const char *const apps[] = {"APP_BLINK"};
    boot(apps, 1, 100);
    const elf_symbol *desc = elf_symbol_named(&img, "bulwark_debug");
    const elf_symbol *table = elf_symbol_named(&img, "proc_table");
    ck_assert(desc != NULL && table != NULL);
    kinfo_proc p[KINFO_MAX_PROCS];
    uint32_t wild = 0xdeadbeef;
    ck_assert_int_eq(machine_write_memory(m, table->addr, &wild, 4), 0);
    ck_assert_int_eq(kinfo_procs(m, p, KINFO_MAX_PROCS, err, sizeof(err)), 0);
    uint8_t bad = 0;
    ck_assert_int_eq(machine_write_memory(m, desc->addr, &bad, 1), 0);
    ck_assert_int_eq(kinfo_procs(m, p, KINFO_MAX_PROCS, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "the kernel's bulwark_debug descriptor is not valid");
    shutdown();
}
END_TEST

START_TEST(kernel_areas_from_symbols)
{
    static const char *const apps[] = {"APP_BLINK"};
    boot(apps, 1, 1);
    kinfo_kernel k;
    ck_assert_msg(kinfo_kernel_areas(m, &k, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(k.data_lo, elf_symbol_named(&img, "__data_start")->addr);
    ck_assert_uint_lt(k.data_lo, k.data_hi);
    ck_assert_uint_le(k.data_hi, k.stack_lo);
    ck_assert_uint_lt(k.stack_lo, k.stack_hi);
    shutdown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kernel_info");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, reads_every_process);
    tcase_add_test(tc, counts_restarts);
    tcase_add_test(tc, survives_corruption);
    tcase_add_test(tc, kernel_areas_from_symbols);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
