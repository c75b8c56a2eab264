/* The TBF parser and the loader: every malformed case of the kernel issue
 * is skipped with a message naming the image and the reason, and the
 * images after it still load. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../kernel/loader.h"
#include "../kernel/tbf.h"
#include "check_main.h"
#include "test_kernel_fake.h"

#define AT FAKE_APPS

static const fake_tbf good = {.name = "good", .min_ram = 1024, .binary_size = 256};

static tbf_err parse_at(uaddr at, tbf_info *info)
{
    return tbf_parse(kmem(at), arch_apps_end() - at, info);
}

/* Writes `good`, lets `edit` break it, fixes the checksum unless told not
 * to, and parses it. */
static tbf_err parse_edited(void (*edit)(void), bool fix, tbf_info *info)
{
    fake_reset();
    fake_tbf_write(AT, &good);
    edit();
    if (fix) {
        fake_tbf_fix_checksum(AT);
    }
    return parse_at(AT, info);
}

static void no_edit(void) {}
static void header_small(void)
{
    fake_put16(AT + 2, 12);
}
static void header_unaligned(void)
{
    fake_put16(AT + 2, 46);
}
static void header_large(void)
{
    fake_put16(AT + 2, 0x400);
}
static void total_small(void)
{
    fake_put32(AT + 4, 12);
}
static void total_unaligned(void)
{
    fake_put32(AT + 4, 0x122);
}
static void total_past_flash(void)
{
    fake_put32(AT + 4, 0x40004);
}
static void flip_a_bit(void)
{
    fake_put32(AT + 24, fake_get32(AT + 24) ^ 0x100);
}
static void tlv_overrun(void)
{
    fake_put16(AT + 16 + 24 + 2, 200); /* the name TLV claims 200 bytes */
}
static void program_length(void)
{
    fake_put16(AT + 16 + 2, 16);
}
static void trailer_huge(void)
{
    fake_put32(AT + 16 + 8, 0x10000);
}
static void binary_end_past(void)
{
    fake_put32(AT + 16 + 16, fake_get32(AT + 4) + 4);
}
static void binary_end_inside_header(void)
{
    fake_put32(AT + 16 + 16, 8);
}
static void init_past(void)
{
    fake_put32(AT + 16 + 4, 256);
}
static void init_wraps(void)
{
    fake_put32(AT + 16 + 4, 0xFFFFFFF0u);
}
static void init_odd(void)
{
    fake_put32(AT + 16 + 4, 3);
}
static void disabled(void)
{
    fake_put32(AT + 8, 0);
}
static void erased(void)
{
    memset(kmem(AT), 0xFF, 64);
}
static void version_1(void)
{
    fake_put16(AT, 1);
}
static void unknown_tlv(void)
{
    fake_put16(AT + 16 + 24, 0x77); /* the name TLV becomes an unknown one */
}

START_TEST(good_image_parses)
{
    tbf_info info;
    ck_assert_int_eq(parse_edited(no_edit, false, &info), TBF_OK);
    ck_assert_uint_eq(info.header_size, 48);
    ck_assert_uint_eq(info.total_size, 512); /* padded to a power of two */
    ck_assert_uint_eq(info.binary_start, 48);
    ck_assert_uint_eq(info.binary_end, 48 + 256);
    ck_assert_uint_eq(info.entry, 48);
    ck_assert_uint_eq(info.min_ram, 1024);
    ck_assert_uint_eq(info.name_len, 4);
    ck_assert_int_eq(memcmp(kmem(AT + info.name_offset), "good", 4), 0);
}
END_TEST

START_TEST(main_tlv_alone_is_enough)
{
    fake_reset();
    fake_tbf s = good;
    s.main_tlv = true;
    fake_tbf_write(AT, &s);
    tbf_info info;
    ck_assert_int_eq(parse_at(AT, &info), TBF_OK);
    ck_assert_uint_eq(info.binary_end, info.total_size);
}
END_TEST

struct bad_case {
    const char *what;
    void (*edit)(void);
    bool fix_checksum;
    tbf_err expect;
    bool skippable;
};

static const struct bad_case bad_cases[] = {
    {"erased flash ends the list", erased, false, TBF_END, false},
    {"version 1 ends the list", version_1, false, TBF_END, false},
    {"total size below 16", total_small, true, TBF_E_TOTAL_SIZE, false},
    {"total size not a multiple of 4", total_unaligned, true, TBF_E_TOTAL_SIZE, false},
    {"total size past flash", total_past_flash, true, TBF_E_PAST_FLASH, false},
    {"header size below 16", header_small, true, TBF_E_HEADER_SMALL, true},
    {"header size not a multiple of 4", header_unaligned, true, TBF_E_HEADER_ALIGN, true},
    {"header size above total", header_large, true, TBF_E_HEADER_LARGE, true},
    {"bad checksum", flip_a_bit, false, TBF_E_CHECKSUM, true},
    {"TLV overruns the header", tlv_overrun, true, TBF_E_TLV_OVERRUN, true},
    {"Program TLV of the wrong length", program_length, true, TBF_E_TLV_LENGTH, true},
    {"protected trailer past the image", trailer_huge, true, TBF_E_TRAILER, true},
    {"binary end past the image", binary_end_past, true, TBF_E_BINARY_END, true},
    {"binary end inside the header", binary_end_inside_header, true, TBF_E_BINARY_END, true},
    {"init offset past the binary", init_past, true, TBF_E_INIT_OFFSET, true},
    {"init offset that wraps", init_wraps, true, TBF_E_INIT_OFFSET, true},
    {"odd init offset", init_odd, true, TBF_E_INIT_OFFSET, true},
    {"disabled image", disabled, true, TBF_E_DISABLED, true},
};

START_TEST(malformed_cases_are_named)
{
    const struct bad_case *c = &bad_cases[_i];
    tbf_info info;
    tbf_err err = parse_edited(c->edit, c->fix_checksum, &info);
    ck_assert_msg(err == c->expect, "%s: got %d (%s), expected %d", c->what, err, tbf_strerror(err),
                  c->expect);
    ck_assert_int_eq(tbf_can_skip(err), c->skippable);
    ck_assert_ptr_nonnull(tbf_strerror(err));
}
END_TEST

START_TEST(unknown_tlvs_are_skipped)
{
    tbf_info info;
    ck_assert_int_eq(parse_edited(unknown_tlv, true, &info), TBF_OK);
    ck_assert_uint_eq(info.name_offset, 0);
}
END_TEST

START_TEST(no_program_tlv)
{
    fake_reset();
    fake_tbf s = good;
    s.no_program = true;
    fake_tbf_write(AT, &s);
    tbf_info info;
    ck_assert_int_eq(parse_at(AT, &info), TBF_E_NO_PROGRAM);
}
END_TEST

START_TEST(truncated_tlv_header)
{
    fake_reset();
    fake_tbf_write(AT, &good);
    fake_put16(AT + 2, 16 + 24 + 4 + 4 + 4);  /* 4 bytes past the name: half a TLV */
    fake_put32(AT + 16 + 24 + 8, 0x00080077); /* that half: type 0x77, length 8 */
    fake_tbf_fix_checksum(AT);
    tbf_info info;
    ck_assert_int_eq(parse_at(AT, &info), TBF_E_TLV_OVERRUN);
}
END_TEST

START_TEST(writeable_flash_regions)
{
    fake_reset();
    fake_tbf_write(AT, &good);
    /* replace the name TLV by a writeable-flash TLV with two regions */
    fake_put16(AT + 40, TBF_TLV_WRITEABLE_FLASH);
    fake_put16(AT + 42, 16);
    fake_put16(AT + 2, 60);
    fake_put32(AT + 44, 0x100);
    fake_put32(AT + 48, 0x20);
    fake_put32(AT + 52, 0x120);
    fake_put32(AT + 56, 0x10);
    fake_put32(AT + 4, 60 + 256);
    fake_put32(AT + 16 + 16, 60 + 256);
    fake_tbf_fix_checksum(AT);
    tbf_info info;
    ck_assert_int_eq(parse_at(AT, &info), TBF_OK);
    ck_assert_uint_eq(info.wflash_count, 2);
    uint32_t off, size;
    ck_assert(tbf_wflash(kmem(AT), &info, 1, &off, &size));
    ck_assert_uint_eq(off, 0x120);
    ck_assert_uint_eq(size, 0x10);
    ck_assert(!tbf_wflash(kmem(AT), &info, 2, &off, &size));
}
END_TEST

/* ---- the loader ------------------------------------------------------------------- */

/* Images: good "a", then one broken by `edit`, then good "c". */
static uaddr write_three(void (*edit)(uaddr), bool fix)
{
    fake_reset();
    fake_tbf a = good, c = good;
    a.name = "a";
    c.name = "c";
    uaddr second = AT + fake_tbf_write(AT, &a);
    fake_tbf b = good;
    b.name = "b";
    uaddr third = second + fake_tbf_write(second, &b);
    edit(second);
    if (fix) {
        fake_tbf_fix_checksum(second);
    }
    fake_tbf_write(third, &c);
    return second;
}

static void break_checksum(uaddr at)
{
    fake_put32(at + 8, fake_get32(at + 8) | 0x100);
}
static void break_header(uaddr at)
{
    fake_put16(at + 2, 12);
}
static void break_init(uaddr at)
{
    fake_put32(at + 16 + 4, 0x1000);
}
static void huge_ram(uaddr at)
{
    fake_put32(at + 16 + 12, 0x100000);
}
static void overflow_ram(uaddr at)
{
    fake_put32(at + 16 + 12, 0xFFFFFFF0u);
}

static void check_later_loads(void (*edit)(uaddr), bool fix, const char *reason)
{
    uaddr second = write_three(edit, fix);
    ck_assert_uint_eq(loader_scan(), 2);
    ck_assert_ptr_nonnull(proc_find("a", 1));
    ck_assert_ptr_nonnull(proc_find("c", 1));
    ck_assert_ptr_null(proc_find("b", 1));
    char line[128];
    snprintf(line, sizeof line, "image 1 at 0x%08x", second);
    ck_assert_msg(fake_console_has(line), "no line naming the image: %s", fake_console());
    ck_assert_msg(fake_console_has(reason), "no reason '%s': %s", reason, fake_console());
}

START_TEST(loader_skips_bad_checksum)
{
    check_later_loads(break_checksum, false, "bad header checksum");
    ck_assert(fake_console_has("(b): skipped"));
}
END_TEST

START_TEST(loader_skips_bad_header)
{
    check_later_loads(break_header, true, "header size is below 16");
}
END_TEST

START_TEST(loader_skips_bad_entry)
{
    check_later_loads(break_init, true, "entry point lies outside the binary");
}
END_TEST

START_TEST(loader_skips_ram_that_does_not_fit)
{
    check_later_loads(huge_ram, true, "RAM request of 1048576 bytes does not fit");
    check_later_loads(overflow_ram, true, "does not fit");
}
END_TEST

START_TEST(loader_stops_at_total_past_flash)
{
    fake_reset();
    uaddr second = AT + fake_tbf_write(AT, &good);
    fake_tbf_write(second, &good);
    fake_put32(second + 4, 0x80000);
    fake_tbf_fix_checksum(second);
    ck_assert_uint_eq(loader_scan(), 1);
    ck_assert(fake_console_has("total size runs past the end of app flash"));
    ck_assert(fake_console_has("the images after it cannot be found"));
}
END_TEST

START_TEST(loader_fills_ram_with_blocks)
{
    fake_reset();
    uaddr at = AT;
    fake_tbf small = {.name = "p", .min_ram = 2700, .binary_size = 64};
    for (int i = 0; i < 16; i++) {
        at += fake_tbf_write(at, &small);
    }
    /* 4 KiB blocks: 14 fit in the 56 KiB of process RAM */
    ck_assert_uint_eq(loader_scan(), 14);
    ck_assert(fake_console_has("does not fit"));
    for (unsigned i = 0; i < 14; i++) {
        struct proc *p = proc_slot(i);
        ck_assert_uint_eq(proc_block_size(p), 4096);
        ck_assert_uint_eq(proc_block(p) % 4096, 0);
        for (unsigned j = 0; j < i; j++) {
            ck_assert_uint_ne(proc_block(proc_slot(j)), proc_block(p));
        }
    }
}
END_TEST

START_TEST(loader_rescan_finds_new_images_only)
{
    fake_reset();
    uaddr next = AT + fake_tbf_write(AT, &good);
    ck_assert_uint_eq(loader_scan(), 1);
    fake_tbf other = good;
    other.name = "new";
    fake_tbf_write(next, &other);
    ck_assert_uint_eq(loader_scan(), 1);
    ck_assert_uint_eq(proc_count(), 2);
    ck_assert_ptr_nonnull(proc_find("new", 3));
}
END_TEST

START_TEST(loader_refuses_flash_the_mpu_cannot_open_exactly)
{
    fake_reset();
    fake_tbf odd = good;
    odd.binary_size = 252;
    fake_tbf_write(AT, &odd);
    fake_put32(AT + 4, 300); /* total 300: no set of MPU regions covers exactly that */
    fake_tbf_fix_checksum(AT);
    ck_assert_uint_eq(loader_scan(), 0);
    ck_assert(fake_console_has("the MPU cannot open exactly its flash"));
    ck_assert_uint_eq(proc_count(), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_tbf");
    TCase *t = tcase_create("parser");
    tcase_add_test(t, good_image_parses);
    tcase_add_test(t, main_tlv_alone_is_enough);
    tcase_add_loop_test(t, malformed_cases_are_named, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(t, unknown_tlvs_are_skipped);
    tcase_add_test(t, no_program_tlv);
    tcase_add_test(t, truncated_tlv_header);
    tcase_add_test(t, writeable_flash_regions);
    suite_add_tcase(s, t);
    TCase *l = tcase_create("loader");
    tcase_add_test(l, loader_skips_bad_checksum);
    tcase_add_test(l, loader_skips_bad_header);
    tcase_add_test(l, loader_skips_bad_entry);
    tcase_add_test(l, loader_skips_ram_that_does_not_fit);
    tcase_add_test(l, loader_stops_at_total_past_flash);
    tcase_add_test(l, loader_fills_ram_with_blocks);
    tcase_add_test(l, loader_rescan_finds_new_images_only);
    tcase_add_test(l, loader_refuses_flash_the_mpu_cannot_open_exactly);
    suite_add_tcase(s, l);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
