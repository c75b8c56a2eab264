/* Check tests of the Bulwark flash controller (periph/flashctl.c) over a
 * host array standing in for the machine's flash. */
#include <string.h>

#include "check_main.h"
#include "periph_harness.h"

#define FLASH_BASE 0x00000000u
#define FLASH_SIZE (4u * FLASHCTL_PAGE)

#define R_ID     0x000u
#define R_ADDR   0x004u
#define R_DATA   0x008u
#define R_ERASE  0x00Cu
#define R_STATUS 0x010u
#define R_KEY    0x014u

static uint8_t flash[FLASH_SIZE];
static unsigned writes; /* host write calls: each would drop translated code */

static void host_read(void *ctx, uint32_t addr, uint8_t *data, uint32_t len)
{
    ck_assert_ptr_eq(ctx, flash);
    ck_assert_uint_le(addr - FLASH_BASE + len, FLASH_SIZE);
    memcpy(data, flash + (addr - FLASH_BASE), len);
}

static void host_write(void *ctx, uint32_t addr, const uint8_t *data, uint32_t len)
{
    ck_assert_ptr_eq(ctx, flash);
    ck_assert_uint_le(addr - FLASH_BASE + len, FLASH_SIZE);
    memcpy(flash + (addr - FLASH_BASE), data, len);
    writes++;
}

static uint32_t word_at(uint32_t addr)
{
    const uint8_t *b = flash + (addr - FLASH_BASE);
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void setup(void)
{
    harness_setup(64000000);
    memset(flash, 0x5A, sizeof flash);
    writes = 0;
    flashctl_host host = {.read = host_read, .write = host_write, .ctx = flash};
    dev = flashctl_device(flashctl_create("flashctl", 0x4002D000, FLASH_BASE, FLASH_SIZE, host));
}

START_TEST(identity_and_window)
{
    ck_assert_uint_eq(dev.base, 0x4002D000);
    ck_assert_uint_eq(dev.size, 0x1000);
    ck_assert_uint_eq(dev.widths, DEV_W32);
    ck_assert_uint_eq(rd(R_ID), FLASHCTL_ID_VALUE);
    wr(R_ID, 0);
    ck_assert_uint_eq(rd(R_ID), 0x464C5348);
    ck_assert_uint_eq(rd(R_STATUS), 0);
    ck_assert_uint_eq(rd(R_KEY), 0);
    ck_assert_uint_eq(rd(0xFFC), 0);
    wr(0xFFC, 1);
}
END_TEST

START_TEST(locked_refuses_everything)
{
    wr(R_ADDR, 0x100);
    wr(R_DATA, 0);
    wr(R_ERASE, 0);
    ck_assert_uint_eq(writes, 0);
    ck_assert_uint_eq(word_at(0x100), 0x5A5A5A5A);
    ck_assert_uint_eq(rd(R_STATUS), FLASHCTL_ERR_LOCKED);
    ck_assert_uint_eq(rd(R_ADDR), 0x100); /* a refused DATA does not advance */
    wr(R_KEY, 0x1234);
    ck_assert_uint_eq(rd(R_KEY), 0);
    wr(R_STATUS, FLASHCTL_ERR_LOCKED);
    ck_assert_uint_eq(rd(R_STATUS), 0);
}
END_TEST

START_TEST(erase_sets_the_whole_page)
{
    wr(R_KEY, FLASHCTL_KEY_VALUE);
    ck_assert_uint_eq(rd(R_KEY), 1);
    wr(R_ADDR, FLASHCTL_PAGE + 0x123); /* any address inside the page */
    wr(R_ERASE, 0);
    ck_assert_uint_eq(rd(R_STATUS), 0);
    ck_assert_uint_eq(flash[FLASHCTL_PAGE - 1], 0x5A);
    for (uint32_t a = FLASHCTL_PAGE; a < 2 * FLASHCTL_PAGE; a += 4) {
        ck_assert_uint_eq(word_at(a), 0xFFFFFFFFu);
    }
    ck_assert_uint_eq(flash[2 * FLASHCTL_PAGE], 0x5A);
}
END_TEST

START_TEST(program_ands_and_advances)
{
    wr(R_KEY, FLASHCTL_KEY_VALUE);
    wr(R_ADDR, 0);
    wr(R_ERASE, 0);
    wr(R_ADDR, 0x10);
    wr(R_DATA, 0x12345678);
    wr(R_DATA, 0xF0F0F0F0);
    ck_assert_uint_eq(rd(R_ADDR), 0x18);
    ck_assert_uint_eq(word_at(0x10), 0x12345678);
    ck_assert_uint_eq(word_at(0x14), 0xF0F0F0F0);
    wr(R_ADDR, 0x14);
    wr(R_DATA, 0xFF00FF0F); /* over a programmed word: bits only clear */
    ck_assert_uint_eq(word_at(0x14), 0xF000F000);
    wr(R_ADDR, 0x10);
    wr(R_DATA, 0xFFFFFFFF); /* no bit can come back without an erase */
    ck_assert_uint_eq(word_at(0x10), 0x12345678);
    ck_assert_uint_eq(rd(R_STATUS), 0);
}
END_TEST

START_TEST(errors_are_sticky_until_cleared)
{
    wr(R_KEY, FLASHCTL_KEY_VALUE);
    wr(R_ADDR, 0x102);
    wr(R_DATA, 0);
    ck_assert_uint_eq(rd(R_STATUS), FLASHCTL_ERR_ALIGN);
    ck_assert_uint_eq(word_at(0x100), 0x5A5A5A5A);
    wr(R_ADDR, FLASH_BASE + FLASH_SIZE);
    wr(R_DATA, 0);
    wr(R_ERASE, 0);
    ck_assert_uint_eq(rd(R_STATUS), FLASHCTL_ERR_ALIGN | FLASHCTL_ERR_RANGE);
    ck_assert_uint_eq(writes, 0);
    wr(R_STATUS, FLASHCTL_ERR_ALIGN);
    ck_assert_uint_eq(rd(R_STATUS), FLASHCTL_ERR_RANGE);
    wr(R_KEY, 0); /* locks again */
    wr(R_ADDR, 0);
    wr(R_DATA, 0);
    ck_assert_uint_eq(rd(R_STATUS), FLASHCTL_ERR_RANGE | FLASHCTL_ERR_LOCKED);
}
END_TEST

START_TEST(reset_locks_and_clears)
{
    wr(R_KEY, FLASHCTL_KEY_VALUE);
    wr(R_ADDR, 0x102);
    wr(R_DATA, 0);
    dev.ops->reset(dev.state);
    ck_assert_uint_eq(rd(R_ADDR), 0);
    ck_assert_uint_eq(rd(R_STATUS), 0);
    ck_assert_uint_eq(rd(R_KEY), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("periph_flashctl");
    TCase *tc = tcase_create("flashctl");
    tcase_add_checked_fixture(tc, setup, harness_teardown);
    tcase_add_test(tc, identity_and_window);
    tcase_add_test(tc, locked_refuses_everything);
    tcase_add_test(tc, erase_sets_the_whole_page);
    tcase_add_test(tc, program_ands_and_advances);
    tcase_add_test(tc, errors_are_sticky_until_cleared);
    tcase_add_test(tc, reset_locks_and_clears);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
