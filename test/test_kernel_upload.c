/* `load SIZE` on the process console (kernel/upload.c): an image sent as
 * hex is written to free app flash and started; hostile or broken uploads
 * (bad sizes, non-hex characters, an upload cut short, a header that lies)
 * start nothing, leave nothing a later scan would start, and leave the
 * console working; a process reading the console cannot take the image's
 * bytes. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../capsules/capsules.h"
#include "../kernel/abi.h"
#include "../kernel/kernel.h"
#include "../kernel/loader.h"
#include "../kernel/shell.h"
#include "../kernel/upload.h"
#include "check_main.h"
#include "test_kernel_fake.h"

#define SCRATCH 0x0007E000u /* images are built here, copied out, erased */

static struct proc *alpha, *beta;
static uint32_t r[4];
static uint8_t image[1024];
static char hex[2 * sizeof image + 64];

static void setup(void)
{
    fake_reset();
    fake_tbf s = {.name = "alpha", .min_ram = 2700, .binary_size = 64};
    uaddr at = FAKE_APPS + fake_tbf_write(FAKE_APPS, &s);
    s.name = "beta";
    fake_tbf_write(at, &s);
    ck_assert_uint_eq(loader_scan(), 2);
    alpha = proc_slot(0);
    beta = proc_slot(1);
    ck_assert_uint_eq(proc_set_brk(beta, proc_block(beta) + 2048), 0);
    capsules_init();
    fake_console_clear();
}

/* An image of `name` in `image`, its hex (32 digits a line) in `hex`. */
static uint32_t make_image(const char *name, uint32_t min_ram)
{
    fake_tbf s = {.name = name, .min_ram = min_ram, .binary_size = 64};
    uint32_t size = fake_tbf_write(SCRATCH, &s);
    memcpy(image, kmem(SCRATCH), size);
    memset(kmem(SCRATCH), 0xFF, size);
    return size;
}

static void to_hex(uint32_t size)
{
    char *out = hex;
    for (uint32_t i = 0; i < size; i++) {
        out += sprintf(out, "%02x%s", image[i], i % 16 == 15 ? "\n" : "");
    }
}

/* Console input as the UART delivers it: through the console capsule. */
static void feed(const char *text)
{
    size_t len = strlen(text);
    for (size_t off = 0; off < len; off += 200) {
        char chunk[201];
        size_t n = len - off < 200 ? len - off : 200;
        memcpy(chunk, text + off, n);
        chunk[n] = '\0';
        fake_console_input(chunk);
        console_handle_rx();
    }
}

static void send_load(uint32_t size)
{
    char line[32];
    snprintf(line, sizeof line, "load %u\n", size);
    feed(line);
}

START_TEST(an_image_sent_as_hex_starts)
{
    uint32_t size = make_image("gamma", 1000);
    to_hex(size);
    send_load(size);
    ck_assert(upload_active());
    feed(hex);
    ck_assert_msg(fake_console_has("load: started"), "%s", fake_console());
    ck_assert(!upload_active());
    struct proc *gamma = proc_find("gamma", 5);
    ck_assert_ptr_nonnull(gamma);
    ck_assert_int_eq(memcmp(kmem(gamma->tbf), image, size), 0);
    ck_assert_int_eq(alpha->state, PS_RUNNING);
}
END_TEST

/* A process that starts reading while an image arrives must not take its
 * bytes: the image would load with a hole in it. */
START_TEST(a_reading_process_cannot_take_the_image)
{
    uint32_t size = make_image("gamma", 1000);
    to_hex(size);
    send_load(size);
    uaddr buf = proc_block(beta) + 256;
    fake_syscall(beta, SYS_ALLOW_RW, DRIVER_NUM_CONSOLE, 1, buf, 16, r);
    ck_assert_uint_eq(fake_syscall(beta, SYS_COMMAND, DRIVER_NUM_CONSOLE, 2, 16, 0, r), RV_SUCCESS);
    feed(hex);
    ck_assert_msg(fake_console_has("load: started"), "%s", fake_console());
    struct proc *gamma = proc_find("gamma", 5);
    ck_assert_ptr_nonnull(gamma);
    ck_assert_int_eq(memcmp(kmem(gamma->tbf), image, size), 0);
    static const uint8_t zero[16];
    ck_assert_int_eq(memcmp(kmem(buf), zero, sizeof zero), 0);
    feed("abc"); /* once the image is in, the reader gets the input */
    ck_assert_int_eq(memcmp(kmem(buf), "abc", 3), 0);
}
END_TEST

START_TEST(a_bad_digit_aborts_and_a_retry_loads)
{
    uint32_t size = make_image("gamma", 1000);
    to_hex(size);
    send_load(size);
    char half[160];
    memcpy(half, hex, 100);
    strcpy(half + 100, "list\n"); /* someone types a command mid-upload */
    feed(half);
    ck_assert(fake_console_has("load: bad hex digit after"));
    ck_assert(fake_console_has("nothing was started"));
    ck_assert_ptr_null(proc_find("gamma", 5));
    feed("status\n");
    ck_assert(fake_console_has("[kernel] > status"));
    fake_console_clear();
    feed("load\n"); /* what the abort left in flash is no image */
    ck_assert(fake_console_has(" 0 new process(es)"));
    send_load(size);
    feed(hex);
    ck_assert_msg(fake_console_has("load: started"), "%s", fake_console());
    ck_assert_ptr_nonnull(proc_find("gamma", 5));
}
END_TEST

START_TEST(bad_sizes_start_no_upload)
{
    static const char *const lines[] = {"load 0\n",  "load 12\n",         "load 17\n",
                                        "load 1x\n", "load 4294967296\n", "load 99999996\n"};
    for (unsigned i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        fake_console_clear();
        feed(lines[i]);
        ck_assert_msg(!upload_receiving(), "%s", lines[i]);
        ck_assert_msg(fake_console_has(" load: "), "%s: %s", lines[i], fake_console());
        feed("status\n");
        ck_assert_msg(fake_console_has("[kernel] > status"), "after %s", lines[i]);
    }
    /* the free flash after beta's image, though an image that size would
     * have to start at a multiple of 2^27 */
    ck_assert(fake_console_has("no room: 99999996 bytes asked, 261888 free in app flash"));
    ck_assert_uint_eq(proc_count(), 2);
}
END_TEST

/* The header claims more bytes than were sent: refused, and a later scan
 * does not pick up the half image either. */
START_TEST(a_header_larger_than_the_upload_is_refused)
{
    make_image("gamma", 1000);
    uint32_t total = 256;
    memcpy(&image[4], &total, 4);
    uint32_t sum = 0;
    for (unsigned off = 0; off < 52; off += 4) {
        uint32_t w;
        memcpy(&w, &image[off], 4);
        sum ^= off != 12 ? w : 0;
    }
    memcpy(&image[12], &sum, 4);
    to_hex(128);
    send_load(128);
    feed(hex);
    ck_assert_msg(fake_console_has("image refused; nothing was started"), "%s", fake_console());
    ck_assert_ptr_null(proc_find("gamma", 5));
    feed("load\n");
    ck_assert(fake_console_has(" 0 new process(es)"));
}
END_TEST

START_TEST(an_image_too_big_for_ram_is_refused_and_forgotten)
{
    uint32_t size = make_image("gamma", 200000);
    to_hex(size);
    send_load(size);
    feed(hex);
    ck_assert(fake_console_has("(gamma): skipped: RAM request of 200000 bytes does not fit"));
    ck_assert(fake_console_has("image refused; nothing was started"));
    feed("load\n");
    ck_assert(fake_console_has(" 0 new process(es)"));
    ck_assert_uint_eq(proc_count(), 2);
}
END_TEST

/* What the sender of a refused or aborted upload still sends is dropped
 * quietly, not run line by line as commands; typed commands still run. */
START_TEST(the_rest_of_a_failed_upload_is_not_run_as_commands)
{
    uint32_t size = make_image("gamma", 1000);
    to_hex(size);
    feed("load 99999996\n");
    ck_assert(fake_console_has("no room"));
    feed(hex);
    feed("boot alpha\n");
    send_load(size);
    char cut[300];
    memcpy(cut, hex, 41); /* 40 digits: the line break after the 32nd */
    strcpy(cut + 41, "zz\n");
    strcat(cut, hex + 99); /* the sender goes on after the bad digits */
    feed(cut);
    ck_assert(fake_console_has("bad hex digit after 20 of 128 bytes"));
    feed("fault beta\n");
    ck_assert(!fake_console_has("line too long"));
    ck_assert(!fake_console_has("unknown command"));
    ck_assert(fake_console_has("[kernel] > boot alpha\n[kernel]  already running"));
    ck_assert(fake_console_has("[kernel] > fault beta\n"));
    ck_assert_ptr_null(proc_find("gamma", 5));
}
END_TEST

/* A process reading the console after a refused upload gets what is typed,
 * as it would have without the upload. */
START_TEST(a_reader_gets_input_after_a_refused_upload)
{
    feed("load 99999996\n");
    uaddr buf = proc_block(beta) + 256;
    fake_syscall(beta, SYS_ALLOW_RW, DRIVER_NUM_CONSOLE, 1, buf, 16, r);
    fake_syscall(beta, SYS_COMMAND, DRIVER_NUM_CONSOLE, 2, 16, 0, r);
    feed("hello");
    ck_assert_int_eq(memcmp(kmem(buf), "hello", 5), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kernel_upload");
    TCase *t = tcase_create("upload");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, an_image_sent_as_hex_starts);
    tcase_add_test(t, a_reading_process_cannot_take_the_image);
    tcase_add_test(t, a_bad_digit_aborts_and_a_retry_loads);
    tcase_add_test(t, bad_sizes_start_no_upload);
    tcase_add_test(t, a_header_larger_than_the_upload_is_refused);
    tcase_add_test(t, an_image_too_big_for_ram_is_refused_and_forgotten);
    tcase_add_test(t, the_rest_of_a_failed_upload_is_not_run_as_commands);
    tcase_add_test(t, a_reader_gets_input_after_a_refused_upload);
    suite_add_tcase(s, t);
    return run_suite(s);
}
