/* mpu_bounds: the exact edges of MPU regions, seen by unprivileged code.
 *
 * Process-like set-up (mpu_process_setup), then in a 4 KiB-aligned RAM
 * arena, regions RW for everyone:
 * - WALK, 256 bytes at arena + 0x100 (both edges in the middle of a 1 KiB
 *   page): unprivileged code writes and reads back every byte without a
 *   fault; a byte load or store one past the end, or one before the start,
 *   is a MemManage (IPSR 4) with CFSR = DACCVIOL | MMARVALID, MMFAR = that
 *   byte, the stacked PC at the access, the load's destination and the
 *   memory unchanged; the last byte and the last aligned word inside work.
 * - SUBREGION, 2 KiB at arena + 0x800 with subregion 3 disabled: the first
 *   and last byte of the disabled 256 bytes fault, the bytes just outside
 *   them (subregions 2 and 4) do not.
 * - EDGE, 256 bytes at arena + 0x300 (end 1 KiB-aligned), and WALK's end
 *   inside a page: a word LDR/STR and a halfword LDRH at end - 2 / end - 1,
 *   half inside and half outside, fault with MMFAR = end, the stacked PC at
 *   the access, the register unchanged and nothing written outside; an LDM
 *   or STM of two words at end - 4 faults on the second word (MMFAR = end)
 *   with the base register not written back, the second destination
 *   unchanged and nothing stored at end.  What a partly-done access left
 *   inside the region is printed, not asserted (the QEMU diff compares it).
 *   QEMU only checks an unaligned LDR/STR/LDRH against the MPU at its first
 *   byte when the access stays inside one 1 KiB page, so the mid-page
 *   straddles of single loads and stores are checked in Bulwark only. */
#include "mpu_common.h"

#define ARENA_BYTES 4096
#define WALK_OFF    0x100u
#define WALK_LG2    8
#define EDGE_OFF    0x300u
#define EDGE_LG2    8
#define SUB_OFF     0x800u
#define SUB_LG2     11
#define SUB_HOLE    3 /* the disabled subregion (256 bytes each) */

#define REGION_WALK 2
#define REGION_EDGE 3
#define REGION_SUB  4

#define CANARY   0xC3u
#define SENTINEL 0x5E5E5E5Eu
#define STORED   0xA1B2C3D4u

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(ARENA_BYTES)));

MPU_HANDLERS_DEFAULT

static uint32_t at(uint32_t off)
{
    return addr_of(arena) + off;
}

static uint8_t pattern(uint32_t i)
{
    return (uint8_t)(i * 7u + 1u);
}

/* Runs unprivileged: writes every byte, reads every byte back. */
static uint32_t unpriv_walk(uint32_t base, uint32_t len)
{
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)base;
    uint32_t good = 0;
    for (uint32_t i = 0; i < len; i++) {
        p[i] = pattern(i);
    }
    for (uint32_t i = 0; i < len; i++) {
        good += p[i] == pattern(i);
    }
    return good;
}

static void rw_region(unsigned n, uint32_t off, unsigned lg2, uint32_t srd)
{
    mpu_set(n, at(off),
            RASR_ENABLE | RASR_SIZE(lg2) | RASR_SRD(srd) | RASR_AP(AP_FULL) | RASR_XN |
                RASR_NORMAL);
}

/* Starts every observation line: BULWARK_ONLY while a check runs that
 * QEMU cannot do (see straddle_word). */
static const char *line_start = "";

static void observe_part(const char *what, const char *sub, uint32_t addr, uint32_t value)
{
    uart_puts(line_start);
    uart_puts(what);
    uart_puts(sub);
    print_kv_hex("addr", addr);
    print_kv_hex("value", value);
    print_fault();
    print_nl();
}

static void observe(const char *what, uint32_t addr, uint32_t value)
{
    observe_part(what, "", addr, value);
}

/* An unprivileged byte load and byte store at addr, both denied. */
static void denied_byte(const char *load, const char *store, uint32_t addr)
{
    uint8_t before = arena[addr - at(0)];
    uint32_t v = unpriv_call(probe_ldrb, addr, SENTINEL);
    observe(load, addr, v);
    EXPECT_MM_DATA(addr, probe_ldrb_insn);
    CHECK(v == SENTINEL, "a denied load leaves its destination unchanged");
    unpriv_call(probe_strb, addr, (uint8_t)~before);
    observe(store, addr, arena[addr - at(0)]);
    EXPECT_MM_DATA(addr, probe_strb_insn);
    CHECK(arena[addr - at(0)] == before, "a denied store leaves memory unchanged");
}

static void allowed_byte(const char *what, uint32_t addr)
{
    uint32_t v = unpriv_call(probe_ldrb, addr, SENTINEL);
    observe(what, addr, v);
    EXPECT_NO_FAULT();
    CHECK(v == arena[addr - at(0)], "an allowed load reads memory");
}

static void test_walk(void)
{
    uint32_t base = at(WALK_OFF);
    uint32_t len = 1u << WALK_LG2;
    uint32_t good = unpriv_call(unpriv_walk, base, len);
    uint32_t seen_priv = 0;
    for (uint32_t i = 0; i < len; i++) {
        seen_priv += arena[WALK_OFF + i] == pattern(i);
    }
    uart_puts("walk");
    print_kv_hex("base", base);
    print_kv_dec("bytes", len);
    print_kv_dec("good", good);
    print_kv_dec("good_priv", seen_priv);
    print_fault();
    print_nl();
    EXPECT_NO_FAULT();
    CHECK(good == len && seen_priv == len, "every byte written and read back");
    CHECK(arena[WALK_OFF - 1] == CANARY && arena[WALK_OFF + len] == CANARY,
          "nothing written outside the region");
    allowed_byte("last_byte", base + len - 1);
    uint32_t v = unpriv_call(probe_ldr, base + len - 4, SENTINEL);
    observe("last_word", base + len - 4, v);
    EXPECT_NO_FAULT();
    CHECK(v == *(uint32_t *)(uintptr_t)(base + len - 4), "last aligned word readable");
    denied_byte("load_past_end", "store_past_end", base + len);
    denied_byte("load_before_start", "store_before_start", base - 1);
}

static void test_subregion(void)
{
    uint32_t hole = at(SUB_OFF) + SUB_HOLE * 256u;
    allowed_byte("sub_below_hole", hole - 1);
    denied_byte("sub_hole_first", "sub_hole_first_store", hole);
    denied_byte("sub_hole_last", "sub_hole_last_store", hole + 255);
    allowed_byte("sub_above_hole", hole + 256);
}

/* What a straddling access may have left: the inside half is printed
 * (architecturally it may have been written), the outside must be intact. */
static void straddle_word(const char *what, uint32_t end)
{
    uint32_t v = unpriv_call(probe_ldr, end - 2, SENTINEL);
    observe_part(what, " ldr", end - 2, v);
    EXPECT_MM_DATA(end, probe_ldr_insn);
    CHECK(v == SENTINEL, "straddling LDR: destination unchanged");
    unpriv_call(probe_str, end - 2, STORED);
    uint32_t off = end - at(0);
    uart_puts(line_start);
    uart_puts(what);
    uart_puts(" str");
    print_kv_hex("inside", arena[off - 2] | arena[off - 1] << 8);
    print_kv_hex("outside", arena[off] | arena[off + 1] << 8);
    print_fault();
    print_nl();
    EXPECT_MM_DATA(end, probe_str_insn);
    CHECK(arena[off] == CANARY && arena[off + 1] == CANARY,
          "straddling STR: nothing stored outside");
    v = unpriv_call(probe_ldrh, end - 1, SENTINEL);
    observe_part(what, " ldrh", end - 1, v);
    EXPECT_MM_DATA(end, probe_ldrh_insn);
    CHECK(v == SENTINEL, "straddling LDRH: destination unchanged");
}

static void straddle_multiple(const char *what, uint32_t end)
{
    uint32_t v = unpriv_call(probe_ldm, end - 4, SENTINEL);
    observe_part(what, " ldm", end - 4, v);
    EXPECT_MM_DATA(end, probe_ldm_insn);
    CHECK(v == SENTINEL, "LDM: the word from outside never loaded");
    uint32_t b = unpriv_call(probe_ldm_base, end - 4, SENTINEL);
    observe_part(what, " ldm_base", end - 4, b);
    EXPECT_MM_DATA(end, probe_ldm_base_insn);
    CHECK(b == end - 4, "LDM: base register not written back");
    b = unpriv_call(probe_stm, end - 4, STORED);
    uint32_t off = end - at(0);
    uart_puts(line_start);
    uart_puts(what);
    uart_puts(" stm");
    print_kv_hex("base", b);
    print_kv_hex("inside", *(uint32_t *)(uintptr_t)(end - 4));
    print_kv_hex("outside", *(uint32_t *)(uintptr_t)end);
    print_fault();
    print_nl();
    EXPECT_MM_DATA(end, probe_stm_insn);
    CHECK(b == end - 4, "STM: base register not written back");
    CHECK(arena[off] == CANARY && arena[off + 3] == CANARY, "STM: nothing stored outside");
}

int main(void)
{
    test_begin("mpu_bounds");
    for (uint32_t i = 0; i < ARENA_BYTES; i++) {
        arena[i] = CANARY;
    }
    mpu_process_setup();
    rw_region(REGION_WALK, WALK_OFF, WALK_LG2, 0);
    rw_region(REGION_EDGE, EDGE_OFF, EDGE_LG2, 0);
    rw_region(REGION_SUB, SUB_OFF, SUB_LG2, 1u << SUB_HOLE);
    test_walk();
    test_subregion();
    straddle_word("straddle_page_edge", at(EDGE_OFF) + (1u << EDGE_LG2));
    straddle_multiple("straddle_page_edge", at(EDGE_OFF) + (1u << EDGE_LG2));
    if (on_bulwark()) {
        /* QEMU checks an unaligned access against the MPU at its first byte
         * only, unless it crosses a 1 KiB page: it lets these through. */
        line_start = BULWARK_ONLY;
        straddle_word("straddle_mid_page", at(WALK_OFF) + (1u << WALK_LG2));
        line_start = "";
    }
    straddle_multiple("straddle_mid_page", at(WALK_OFF) + (1u << WALK_LG2));
    mpu_reset();
    test_end();
}
