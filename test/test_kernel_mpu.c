/* PMSAv7 region arithmetic (kernel/arch/cortex_m/mpu_layout.c): the flash
 * regions open exactly the image when it lies on 32-byte boundaries, the
 * RAM regions exactly [block, brk), checked byte range by byte range
 * against a model of how the MPU matches regions and subregions. */
#include <check.h>
#include <stdlib.h>

#include "../kernel/arch/arch.h"
#include "check_main.h"

/* Does region pair i of cfg contain addr (enabled, subregion on)? */
static bool region_has(const arch_mpu_cfg *cfg, unsigned i, uint32_t addr)
{
    uint32_t rbar = cfg->reg[2 * i], rasr = cfg->reg[2 * i + 1];
    if (!(rasr & 1u)) {
        return false;
    }
    unsigned log2 = ((rasr >> 1) & 0x1Fu) + 1u;
    uint64_t size = 1ull << log2;
    uint32_t base = rbar & ~0x1Fu;
    if (addr < base || addr - base >= size) {
        return false;
    }
    if (log2 >= 8) {
        unsigned sub = (unsigned)((addr - base) / (size / 8));
        return !((rasr >> (8 + sub)) & 1u);
    }
    return true;
}

static bool open_at(const arch_mpu_cfg *cfg, unsigned first, unsigned count, uint32_t addr)
{
    for (unsigned i = first; i < first + count; i++) {
        if (region_has(cfg, i, addr)) {
            return true;
        }
    }
    return false;
}

/* Every enabled pair names its region, is VALID and aligned to its size. */
static void check_pairs(const arch_mpu_cfg *cfg, unsigned first, unsigned count)
{
    for (unsigned i = first; i < first + count; i++) {
        uint32_t rbar = cfg->reg[2 * i], rasr = cfg->reg[2 * i + 1];
        ck_assert_uint_eq(rbar & 0xFu, i);      /* region number */
        ck_assert_uint_eq(rbar & 0x10u, 0x10u); /* VALID */
        uint64_t size = 1ull << (((rasr >> 1) & 0x1Fu) + 1u);
        ck_assert(!(rasr & 1u) || (rbar & ~0x1Fu) % size == 0);
    }
}

/* Every 32-byte unit in [lo, hi) is open exactly when inside [a, b). */
static void check_exact(const arch_mpu_cfg *cfg, unsigned first, unsigned count, uint32_t a,
                        uint32_t b, uint32_t lo, uint32_t hi)
{
    check_pairs(cfg, first, count);
    for (uint32_t x = lo; x < hi; x += 32) {
        bool want = x >= a && x < b;
        ck_assert_msg(open_at(cfg, first, count, x) == want, "[0x%x, 0x%x): 0x%x %s", a, b, x,
                      want ? "closed" : "open");
    }
}

START_TEST(flash_exact_on_32_byte_boundaries)
{
    srand(4);
    unsigned exact = 0, tried = 0;
    for (int n = 0; n < 400; n++) {
        uint32_t start = 0x40000u + (uint32_t)(rand() % 2048) * 32u;
        uint32_t len = 32u * (1u + (uint32_t)(rand() % 512));
        arch_mpu_cfg cfg = {{0}};
        uaddr os, oe;
        bool ok = arch_mpu_flash(&cfg, start, start + len, &os, &oe);
        tried++;
        exact += ok;
        ck_assert_uint_le(os, start);
        ck_assert_uint_ge(oe, start + len);
        check_exact(&cfg, 0, ARCH_MPU_FLASH_MAX, os, oe, os - 4096, oe + 4096);
        /* the flash regions are read-only, executable */
        for (unsigned i = 0; i < ARCH_MPU_FLASH_MAX; i++) {
            uint32_t rasr = cfg.reg[2 * i + 1];
            if (rasr & 1u) {
                ck_assert_uint_eq((rasr >> 24) & 7u, 6u);
                ck_assert_uint_eq(rasr & (1u << 28), 0);
            }
        }
    }
    /* four regions are almost always enough for an exact cover */
    ck_assert_uint_ge(exact * 100u, tried * 90u);
}
END_TEST

START_TEST(flash_typical_images_are_exact)
{
    /* images padded to 32 bytes, back to back from 0x40000 */
    uint32_t sizes[] = {0x8C0, 0x920, 0x6E0, 0x8C0, 0x1000, 0x2A0};
    uint32_t at = 0x40000;
    for (unsigned i = 0; i < 6; i++) {
        arch_mpu_cfg cfg = {{0}};
        uaddr os, oe;
        ck_assert_msg(arch_mpu_flash(&cfg, at, at + sizes[i], &os, &oe), "image %u", i);
        check_exact(&cfg, 0, ARCH_MPU_FLASH_MAX, at, at + sizes[i], at - 2048,
                    at + sizes[i] + 2048);
        at += sizes[i];
    }
}
END_TEST

START_TEST(flash_not_aligned_opens_the_32_byte_envelope)
{
    arch_mpu_cfg cfg = {{0}};
    uaddr os, oe;
    ck_assert(!arch_mpu_flash(&cfg, 0x4090C, 0x411AC, &os, &oe));
    ck_assert_uint_eq(os, 0x40900);
    ck_assert_uint_eq(oe, 0x411C0);
}
END_TEST

START_TEST(ram_exactly_block_to_break)
{
    for (unsigned log2 = 10; log2 <= 15; log2++) {
        uint32_t size = 1u << log2;
        uint32_t block = 0x20008000u & ~(size - 1u);
        uint32_t g = arch_mpu_granule(log2);
        ck_assert_uint_le(g, size / 8);
        for (uint32_t brk = block; brk < block + size; brk += g) {
            arch_mpu_cfg cfg = {{0}};
            arch_mpu_ram(&cfg, block, log2, brk);
            check_exact(&cfg, ARCH_MPU_FLASH_MAX, ARCH_MPU_RAM_REGIONS, block, brk, block - 256,
                        block + size + 256);
            for (unsigned i = ARCH_MPU_FLASH_MAX; i < ARCH_MPU_PROC_REGIONS; i++) {
                uint32_t rasr = cfg.reg[2 * i + 1];
                if (rasr & 1u) {
                    ck_assert_uint_eq((rasr >> 24) & 7u, 3u);       /* read/write */
                    ck_assert_uint_eq(rasr & (1u << 28), 1u << 28); /* never execute */
                }
            }
        }
    }
}
END_TEST

START_TEST(granules)
{
    ck_assert_uint_eq(arch_mpu_granule(10), 128);
    ck_assert_uint_eq(arch_mpu_granule(11), 32);
    ck_assert_uint_eq(arch_mpu_granule(12), 64);
    ck_assert_uint_eq(arch_mpu_granule(15), 512);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_mpu");
    TCase *t = tcase_create("layout");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, flash_exact_on_32_byte_boundaries);
    tcase_add_test(t, flash_typical_images_are_exact);
    tcase_add_test(t, flash_not_aligned_opens_the_32_byte_envelope);
    tcase_add_test(t, ram_exactly_block_to_break);
    tcase_add_test(t, granules);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
