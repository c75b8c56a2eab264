/* TBF building and hostile decoding (tools/tbf.c), as elf2tbf uses them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "tbf.h"

#define BINARY_SIZE 64
#define ENTRY       0x28u
#define MIN_RAM     4096u

static uint8_t binary[BINARY_SIZE];
static uint8_t *img;
static uint32_t img_size;
static tbf_decoded d;

static void setup(void)
{
    for (unsigned i = 0; i < BINARY_SIZE; i++) {
        binary[i] = (uint8_t)(i * 7 + 1);
    }
    tbf_spec spec = {"hello", TBF_FLAG_ENABLED, ENTRY, MIN_RAM, 3, binary, BINARY_SIZE};
    img = tbf_build(&spec, &img_size);
    ck_assert_ptr_nonnull(img);
}

static void teardown(void)
{
    free(img);
}

static void put16(uint32_t off, uint16_t v)
{
    img[off] = (uint8_t)v;
    img[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint32_t off, uint32_t v)
{
    put16(off, (uint16_t)v);
    put16(off + 2, (uint16_t)(v >> 16));
}

/* After editing the header, make the checksum right again so that only the
 * edited field is wrong. */
static void fix_checksum(void)
{
    uint16_t hs = (uint16_t)(img[2] | img[3] << 8);
    put32(12, tbf_checksum(img, hs < img_size ? hs : img_size));
}

static bool has_problem(const char *prefix)
{
    unsigned n = d.num_problems < TBF_MAX_PROBLEMS ? d.num_problems : TBF_MAX_PROBLEMS;
    for (unsigned i = 0; i < n; i++) {
        if (strncmp(d.problems[i], prefix, strlen(prefix)) == 0) {
            return true;
        }
    }
    return false;
}

START_TEST(built_image_decodes_back)
{
    ck_assert_uint_eq(tbf_decode(img, img_size, &d), 0);
    ck_assert_uint_eq(d.version, 2);
    ck_assert_uint_eq(d.header_size, tbf_header_size(5));
    ck_assert_uint_eq(d.header_size, 16 + 24 + 12);
    ck_assert_uint_eq(d.total_size, img_size);
    ck_assert_uint_eq(img_size & (img_size - 1), 0); /* a power of two: one MPU region */
    ck_assert_uint_ge(img_size, d.header_size + BINARY_SIZE);
    ck_assert_uint_lt(img_size / 2, d.header_size + BINARY_SIZE);
    ck_assert(d.checksum_ok);
    ck_assert(d.have_program && d.have_name && !d.have_main);
    ck_assert_str_eq(d.name, "hello");
    ck_assert_uint_eq(d.program.init_offset, ENTRY);
    ck_assert_uint_eq(d.program.minimum_ram_size, MIN_RAM);
    ck_assert_uint_eq(d.program.protected_trailer_size, 0);
    /* The binary ends before the padding to 32 bytes. */
    ck_assert_uint_eq(d.program.binary_end_offset, d.header_size + BINARY_SIZE);
    ck_assert_uint_le(d.program.binary_end_offset, img_size);
    ck_assert_uint_eq(d.program.app_version, 3);
    ck_assert_uint_eq(d.num_tlvs, 2);
    ck_assert_mem_eq(img + d.header_size, binary, BINARY_SIZE);
}
END_TEST

START_TEST(odd_binary_is_padded)
{
    tbf_spec spec = {"abc", 0, 0, 0, 0, binary, 5};
    uint32_t size;
    uint8_t *odd = tbf_build(&spec, &size);
    ck_assert_uint_eq(size & (size - 1), 0);
    ck_assert_uint_eq(tbf_decode(odd, size, &d), 0);
    ck_assert_uint_eq(d.flags & TBF_FLAG_ENABLED, 0);
    free(odd);
}
END_TEST

START_TEST(bad_checksum)
{
    img[12] ^= 1;
    ck_assert_uint_eq(tbf_decode(img, img_size, &d), 1);
    ck_assert(!d.checksum_ok);
    ck_assert(has_problem("checksum:"));
}
END_TEST

START_TEST(bad_version)
{
    put16(0, 3);
    fix_checksum();
    ck_assert_uint_ge(tbf_decode(img, img_size, &d), 1);
    ck_assert(has_problem("version: 3"));
}
END_TEST

START_TEST(header_size_below_base)
{
    put16(2, 12);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("header_size: 12 is less than"));
}
END_TEST

START_TEST(header_size_not_word_multiple)
{
    put16(2, 50);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("header_size: 50 is not a multiple of 4"));
}
END_TEST

START_TEST(header_size_past_total_and_file)
{
    put16(2, 0xFFFC);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("header_size: 65532 is larger than total_size"));
    ck_assert(has_problem("header_size: 65532 runs past the end of the file"));
}
END_TEST

START_TEST(total_size_past_file)
{
    put32(4, 0x100000);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("total_size: 1048576 runs past the end of the file"));
}
END_TEST

START_TEST(total_size_not_word_multiple)
{
    put32(4, img_size - 2);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("total_size: "));
}
END_TEST

START_TEST(init_offset_outside_binary)
{
    put32(16 + 4, BINARY_SIZE + 4); /* Program TLV value, word 0 */
    fix_checksum();
    ck_assert_uint_eq(tbf_decode(img, img_size, &d), 1);
    ck_assert(has_problem("init_offset: 68 is outside the binary (64 bytes)"));
}
END_TEST

START_TEST(protected_trailer_too_large)
{
    put32(16 + 8, 0xFFFFFFF0u);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("protected_trailer_size:"));
}
END_TEST

START_TEST(binary_end_outside_image)
{
    put32(16 + 16, img_size + 4);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("binary_end_offset:"));
}
END_TEST

START_TEST(tlv_length_overruns_header)
{
    put16(40 + 2, 200); /* Package Name TLV length */
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("tlv type 3 at offset 40: length 200 overruns the header"));
    ck_assert(!d.have_name);
}
END_TEST

START_TEST(program_tlv_wrong_length)
{
    put16(16 + 2, 8);
    fix_checksum();
    tbf_decode(img, img_size, &d);
    ck_assert(has_problem("program tlv: length 8, expected 20"));
    ck_assert(has_problem("no main or program tlv"));
}
END_TEST

START_TEST(unknown_tlv_is_skipped)
{
    put16(40, 77); /* the name TLV becomes an unknown type */
    fix_checksum();
    ck_assert_uint_eq(tbf_decode(img, img_size, &d), 0);
    ck_assert_uint_eq(d.num_tlvs, 2);
    ck_assert_uint_eq(d.tlvs[1].type, 77);
    ck_assert_ptr_null(tbf_tlv_name(77));
    ck_assert(!d.have_name);
}
END_TEST

START_TEST(short_files)
{
    for (size_t len = 0; len < TBF_BASE_HEADER_SIZE; len++) {
        ck_assert_uint_eq(tbf_decode(img, len, &d), 1);
        ck_assert(has_problem("file: "));
        ck_assert(!d.have_base);
    }
}
END_TEST

/* Every truncation of a good image decodes (with complaints) and reads
 * nothing past the given length (valgrind/ASan runs would notice). */
START_TEST(every_truncation)
{
    for (size_t len = TBF_BASE_HEADER_SIZE; len < img_size; len++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, img, len);
        ck_assert_uint_ge(tbf_decode(copy, len, &d), 1);
        free(copy);
    }
}
END_TEST

/* Random corruption of the header never crashes the decoder and is always
 * noticed (the checksum at least) unless the bytes did not change. */
START_TEST(random_header_corruption)
{
    srand(1234);
    uint8_t *copy = malloc(img_size);
    for (int round = 0; round < 20000; round++) {
        memcpy(copy, img, img_size);
        int flips = 1 + rand() % 4;
        for (int i = 0; i < flips; i++) {
            copy[rand() % 52] = (uint8_t)rand();
        }
        unsigned problems = tbf_decode(copy, img_size, &d);
        ck_assert(problems > 0 || memcmp(copy, img, img_size) == 0);
        ck_assert_uint_le(d.num_tlvs, 52 / 4);
    }
    free(copy);
}
END_TEST

static Suite *tbf_suite(void)
{
    Suite *s = suite_create("tbf_tool");
    TCase *tc = tcase_create("decode");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, built_image_decodes_back);
    tcase_add_test(tc, odd_binary_is_padded);
    tcase_add_test(tc, bad_checksum);
    tcase_add_test(tc, bad_version);
    tcase_add_test(tc, header_size_below_base);
    tcase_add_test(tc, header_size_not_word_multiple);
    tcase_add_test(tc, header_size_past_total_and_file);
    tcase_add_test(tc, total_size_past_file);
    tcase_add_test(tc, total_size_not_word_multiple);
    tcase_add_test(tc, init_offset_outside_binary);
    tcase_add_test(tc, protected_trailer_too_large);
    tcase_add_test(tc, binary_end_outside_image);
    tcase_add_test(tc, tlv_length_overruns_header);
    tcase_add_test(tc, program_tlv_wrong_length);
    tcase_add_test(tc, unknown_tlv_is_skipped);
    tcase_add_test(tc, short_files);
    tcase_add_test(tc, every_truncation);
    tcase_add_test(tc, random_header_corruption);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(tbf_suite());
}
