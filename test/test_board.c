#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "check_main.h"

/* A small valid board; tests derive broken ones from it by replacing text. */
static const char *const base_json =
    "{\n"
    "  \"name\": \"tiny\",\n"
    "  \"clock\": \"16MHz\",\n"
    "  \"systick_ref_clock\": 1000000,\n"
    "  \"nvic_irqs\": 32,\n"
    "  \"nvic_priority_bits\": 3,\n"
    "  \"memory\": [\n"
    "    { \"name\": \"flash\", \"base\": 0, \"size\": \"256K\", \"access\": \"rx\" },\n"
    "    { \"name\": \"ram\", \"base\": \"0x20000000\", \"size\": \"32K\", \"access\": \"rwx\" }\n"
    "  ],\n"
    "  \"devices\": [\n"
    "    { \"name\": \"uart0\", \"type\": \"cmsdk-apb-uart\", \"base\": \"0x40004000\",\n"
    "      \"irq\": { \"rx\": 0, \"tx\": 1 } },\n"
    "    { \"name\": \"timer0\", \"type\": \"cmsdk-apb-timer\", \"base\": \"0x40000000\", "
    "\"irq\": 8 },\n"
    "    { \"name\": \"io\", \"type\": \"mps2-fpgaio\", \"base\": \"0x40028000\", \"leds\": 2, "
    "\"buttons\": 2 }\n"
    "  ]\n"
    "}\n";

static char text[4096];
static char err[512];
static board b;

/* text = base_json with the first `from` replaced by `to`. */
static const char *variant(const char *from, const char *to)
{
    const char *at = strstr(base_json, from);
    ck_assert_msg(at != NULL, "test bug: '%s' not in the base board", from);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - base_json), base_json, to,
             at + strlen(from));
    return text;
}

/* Parsing must fail with a message containing every one of `needles`. */
static void expect_error(const char *json, const char *needle1, const char *needle2)
{
    err[0] = '\0';
    ck_assert_int_eq(board_parse(json, "t.json", &b, err, sizeof err), -1);
    ck_assert_msg(strncmp(err, "t.json", 6) == 0, "message does not name the file: %s", err);
    ck_assert_msg(strstr(err, needle1) != NULL, "'%s' not in: %s", needle1, err);
    ck_assert_msg(needle2 == NULL || strstr(err, needle2) != NULL, "'%s' not in: %s", needle2, err);
}

START_TEST(sim64_has_the_mps2_map)
{
    ck_assert_int_eq(board_load_named("sim64", &b, err, sizeof err), 0);
    ck_assert_str_eq(b.name, "sim64");
    ck_assert_uint_eq(b.clock_hz, 64000000);
    ck_assert_uint_eq(b.systick_ref_hz, 1000000);
    ck_assert_uint_eq(b.nvic_irqs, 64);
    ck_assert_uint_eq(b.nvic_priority_bits, 3);
    const board_memory *flash = board_find_memory(&b, "flash");
    const board_memory *ram = board_find_memory(&b, "ram");
    ck_assert_ptr_nonnull(flash);
    ck_assert_ptr_nonnull(ram);
    ck_assert_uint_eq(flash->base, 0);
    ck_assert_uint_eq(flash->size, 512 * 1024);
    ck_assert(!flash->writable && flash->executable);
    ck_assert_uint_eq(ram->base, 0x20000000);
    ck_assert_uint_eq(ram->size, 64 * 1024);
    ck_assert(ram->writable && ram->executable);
    ck_assert_uint_eq(b.num_devices, 11);
    static const struct {
        const char *name;
        uint32_t base;
        int irq0, irq1;
    } want[] = {
        {"timer0", 0x40000000, 8, -1},     {"timer1", 0x40001000, 9, -1},
        {"dualtimer", 0x40002000, 10, -1}, {"uart0", 0x40004000, 0, 1},
        {"uart1", 0x40005000, 2, 3},       {"uart2", 0x40006000, 4, 5},
        {"fpgaio", 0x40028000, -1, -1},    {"simctrl", 0x4002E000, -1, -1},
        {"flashctl", 0x4002D000, -1, -1},  {"gpio0", 0x40010000, 6, 16},
        {"gpio1", 0x40011000, 7, -1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const board_device *d = board_find_device(&b, want[i].name);
        ck_assert_msg(d != NULL, "no device %s", want[i].name);
        ck_assert_uint_eq(d->base, want[i].base);
        ck_assert_uint_eq(d->size, 0x1000);
        ck_assert_int_eq(d->irqs[0], want[i].irq0);
        ck_assert_int_eq(d->irqs[1], want[i].irq1);
    }
    ck_assert_str_eq(board_find_device(&b, "simctrl")->type, "bulwark-simctrl");
    ck_assert_str_eq(board_find_device(&b, "flashctl")->type, "bulwark-flashctl");
    ck_assert_uint_eq(board_find_device(&b, "fpgaio")->leds, 8);
    ck_assert_uint_eq(board_find_device(&b, "fpgaio")->buttons, 4);
}
END_TEST

START_TEST(an386_matches_qemu)
{
    ck_assert_int_eq(board_load_named("mps2-an386", &b, err, sizeof err), 0);
    ck_assert_uint_eq(b.clock_hz, 25000000);
    ck_assert_uint_eq(b.nvic_irqs, 32);
    ck_assert_uint_eq(board_find_memory(&b, "flash")->size, 4u << 20);
    ck_assert_uint_eq(board_find_memory(&b, "ram")->size, 4u << 20);
    ck_assert_uint_eq(board_find_memory(&b, "ram")->base, 0x20000000);
    ck_assert_uint_eq(board_find_device(&b, "fpgaio")->leds, 2);
    ck_assert_uint_eq(board_find_device(&b, "fpgaio")->buttons, 2);
    ck_assert_int_eq(board_find_device(&b, "dualtimer")->irqs[0], 10);
}
END_TEST

START_TEST(base_board_parses)
{
    ck_assert_int_eq(board_parse(base_json, "t.json", &b, err, sizeof err), 0);
    ck_assert_uint_eq(b.clock_hz, 16000000);
    ck_assert_uint_eq(b.num_memory, 2);
    ck_assert_uint_eq(b.num_devices, 3);
    ck_assert_ptr_eq(board_memory_containing(&b, 0x3FFFC, 4), &b.memory[0]);
    ck_assert_ptr_null(board_memory_containing(&b, 0x3FFFC, 8));
    ck_assert_ptr_eq(board_memory_containing(&b, 0x20007FFF, 1), &b.memory[1]);
    ck_assert_ptr_null(board_memory_containing(&b, 0x20008000, 1));
}
END_TEST

START_TEST(syntax_error_has_line_and_column)
{
    /* line 3 is `  "clock": "16MHz",`; dropping the colon breaks it at column 11 */
    expect_error(variant("\"clock\": ", "\"clock\" "), "t.json:3:11: JSON syntax error", NULL);
    expect_error("", "t.json:1:1:", "end of input");
    expect_error(variant("\n  ]\n}", "\n  ],\n}"), "t.json:17:", NULL);
    expect_error(variant("\"tx\": 1", "\"tx\": 1,"), "t.json:13:", NULL);
}
END_TEST

START_TEST(unknown_and_duplicate_keys)
{
    expect_error(variant("\"leds\"", "\"led\""), "devices[2].led", "unknown key");
    expect_error(variant("\"nvic_irqs\"", "\"nvic_irq\""), "nvic_irq: unknown key", NULL);
    expect_error(variant("\"access\": \"rx\"", "\"access\": \"rx\", \"acces\": 1"),
                 "memory[0].acces", "unknown key");
    expect_error(variant("\"tx\": 1", "\"tx\": 1, \"err\": 2"), "devices[0].irq.err", NULL);
    expect_error(variant("\"irq\": 8", "\"irq\": 8, \"irq\": 9"), "devices[1].irq", "twice");
    expect_error(variant("  \"clock\": \"16MHz\",\n", ""), "missing key \"clock\"", NULL);
}
END_TEST

START_TEST(overlaps_are_rejected)
{
    expect_error(variant("0x40000000", "0x40004000"), "devices[1].base", "overlaps devices[0]");
    expect_error(variant("\"size\": \"256K\"", "\"size\": \"1G\""), "memory[1]",
                 "overlaps memory[0]");
    expect_error(variant("0x40028000", "0x20001000"), "devices[2].base", "overlaps memory[1]");
    expect_error(variant("0x40028000", "0xE000E000"), "devices[2].base", "core peripherals");
}
END_TEST

START_TEST(bad_irqs_are_rejected)
{
    expect_error(variant("\"irq\": 8", "\"irq\": 32"), "devices[1].irq", "outside 0..31");
    expect_error(variant("\"irq\": 8", "\"irq\": 1"), "devices[1].irq", "already used");
    expect_error(variant("\"tx\": 1", "\"tx\": 0"), "devices[0].irq.tx", "already used");
    expect_error(variant("\"irq\": 8", "\"irq\": -1"), "devices[1].irq", "non-negative");
    expect_error(variant("\"irq\": 8", "\"irq\": 2.5"), "devices[1].irq", NULL);
    expect_error(variant("\"irq\": { \"rx\": 0, \"tx\": 1 }", "\"irq\": 3"), "devices[0].irq",
                 "{\"rx\"");
    expect_error(variant("\"buttons\": 2", "\"buttons\": 2, \"irq\": 7"), "devices[2].irq",
                 "no interrupt");
}
END_TEST

START_TEST(bad_sizes_and_values_are_rejected)
{
    expect_error(variant("\"32K\"", "\"1000\""), "memory[1].size", "multiple of 1 KiB");
    expect_error(variant("\"32K\"", "0"), "memory[1].size", NULL);
    expect_error(variant("\"32K\"", "\"32 bytes\""), "memory[1].size", "expected");
    expect_error(variant("\"0x20000000\"", "\"0x20000200\""), "memory[1].base", "1 KiB");
    expect_error(variant("\"0x20000000\"", "\"0xFFFFF000\""), "memory[1].size", "4 GiB");
    expect_error(variant("\"16MHz\"", "\"2GHz\""), "clock", "outside 1 kHz..1 GHz");
    expect_error(variant("\"16MHz\"", "\"fast\""), "clock", "expected");
    expect_error(variant("\"nvic_irqs\": 32", "\"nvic_irqs\": 300"), "nvic_irqs", "32..240");
    expect_error(variant("\"rwx\"", "\"wx\""), "memory[1].access", NULL);
    expect_error(variant("cmsdk-apb-timer", "cmsdk-apb-timr"), "devices[1].type",
                 "unknown device type");
    expect_error(variant("\"timer0\"", "\"uart0\""), "devices[1].name", "duplicate name");
    expect_error(variant("\"timer0\"", "\"ram\""), "devices[1].name", "duplicate name");
    expect_error(variant("\"timer0\"", "\"a name with spaces\""), "devices[1].name", NULL);
    expect_error(variant("0x40028000", "0x40028800"), "devices[2].base", "multiple of 0x1000");
    expect_error(variant("\"leds\": 2", "\"leds\": 33"), "devices[2].leds", NULL);
    expect_error(variant("\"leds\": 2, ", ""), "devices[2]", "missing key \"leds\"");
    expect_error("[1, 2]", "top level", NULL);
}
END_TEST

START_TEST(value_syntax)
{
    uint64_t v;
    ck_assert_int_eq(board_parse_size("0x40004000", &v), 0);
    ck_assert_uint_eq(v, 0x40004000);
    ck_assert_int_eq(board_parse_size("512K", &v), 0);
    ck_assert_uint_eq(v, 512 * 1024);
    ck_assert_int_eq(board_parse_size("4 MiB", &v), 0);
    ck_assert_uint_eq(v, 4u << 20);
    ck_assert_int_eq(board_parse_size("010", &v), 0);
    ck_assert_uint_eq(v, 10); /* never octal */
    ck_assert_int_eq(board_parse_size("", &v), -1);
    ck_assert_int_eq(board_parse_size("0x", &v), -1);
    ck_assert_int_eq(board_parse_size("-1", &v), -1);
    ck_assert_int_eq(board_parse_size("4X", &v), -1);
    ck_assert_int_eq(board_parse_size("99999999999999999999", &v), -1);
    ck_assert_int_eq(board_parse_frequency("64MHz", &v), 0);
    ck_assert_uint_eq(v, 64000000);
    ck_assert_int_eq(board_parse_frequency("25 MHz", &v), 0);
    ck_assert_uint_eq(v, 25000000);
    ck_assert_int_eq(board_parse_frequency("32.768kHz", &v), 0);
    ck_assert_uint_eq(v, 32768);
    ck_assert_int_eq(board_parse_frequency("1000", &v), 0);
    ck_assert_uint_eq(v, 1000);
    ck_assert_int_eq(board_parse_frequency("1G", &v), 0);
    ck_assert_uint_eq(v, 1000000000);
    ck_assert_int_eq(board_parse_frequency("1.5Hz", &v), -1);
    ck_assert_int_eq(board_parse_frequency("5mHz", &v), -1);
    ck_assert_int_eq(board_parse_frequency("MHz", &v), -1);
}
END_TEST

START_TEST(overrides)
{
    ck_assert_int_eq(board_load_named("sim64", &b, err, sizeof err), 0);
    ck_assert_int_eq(board_override(&b, 16000000, 256 * 1024, 128 * 1024, err, sizeof err), 0);
    ck_assert_uint_eq(b.clock_hz, 16000000);
    ck_assert_uint_eq(board_find_memory(&b, "flash")->size, 256 * 1024);
    ck_assert_uint_eq(board_find_memory(&b, "ram")->size, 128 * 1024);
    ck_assert_int_eq(board_override(&b, 999, 0, 0, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "1 kHz..1 GHz"));
    ck_assert_int_eq(board_override(&b, 0, 0, 1000, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "multiple of 1 KiB"));
    ck_assert_int_eq(board_override(&b, 8000000, 0x20000400, 0, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "overlaps"));
    ck_assert_int_eq(board_override(&b, 0, 0, 0x20000400, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "timer0"));
    /* a failed override changes nothing */
    ck_assert_uint_eq(b.clock_hz, 16000000);
    ck_assert_uint_eq(board_find_memory(&b, "flash")->size, 256 * 1024);
}
END_TEST

START_TEST(named_lookup)
{
    ck_assert_int_eq(board_load_named("no-such-board", &b, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no-such-board: unknown board"));
    ck_assert_ptr_nonnull(strstr(err, "mps2-an386, sim64"));
    ck_assert_int_eq(board_load_named("/nonexistent/x.json", &b, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.json: cannot open"));

    char dir[] = "/tmp/bulwark-board-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/tiny.json", dir);
    FILE *f = fopen(path, "w");
    fputs(base_json, f);
    fclose(f);
    setenv("BULWARK_BOARDS_DIR", dir, 1);
    ck_assert_int_eq(board_load_named("tiny", &b, err, sizeof err), 0);
    ck_assert_str_eq(b.name, "tiny");
    ck_assert_int_eq(board_load_named("sim64", &b, err, sizeof err), 0); /* falls back */
    unsetenv("BULWARK_BOARDS_DIR");
    ck_assert_int_eq(board_load_named(path, &b, err, sizeof err), 0);
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *board_suite(void)
{
    Suite *s = suite_create("board");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sim64_has_the_mps2_map);
    tcase_add_test(tc, an386_matches_qemu);
    tcase_add_test(tc, base_board_parses);
    tcase_add_test(tc, syntax_error_has_line_and_column);
    tcase_add_test(tc, unknown_and_duplicate_keys);
    tcase_add_test(tc, overlaps_are_rejected);
    tcase_add_test(tc, bad_irqs_are_rejected);
    tcase_add_test(tc, bad_sizes_and_values_are_rejected);
    tcase_add_test(tc, value_syntax);
    tcase_add_test(tc, overrides);
    tcase_add_test(tc, named_lookup);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(board_suite());
}
