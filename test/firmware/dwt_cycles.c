/* dwt_cycles: Bulwark's cycle model measured through DWT CYCCNT.
 *
 * Asserts (Bulwark only; QEMU has no cycle counter, so there the test
 * passes without measuring): each hand-written sequence in
 * dwt_cycles_asm.S takes exactly the cycles of the model - data
 * processing 1, load/store 2 (1 when directly after another load/store),
 * LDM/PUSH/POP 1+N, taken branch 1+P, not-taken conditional 1, BL/BX 1+P,
 * +P when PC is written, MUL 1, MLA/MLS 2, UMULL 1, SDIV/UDIV 12, P = 2. */
#include "fw.h"

typedef uint32_t (*dwt_case_fn)(volatile uint32_t *cyccnt, uint32_t *scratch);

#define DECLARE_CASE(name) uint32_t dwt_case_##name(volatile uint32_t *, uint32_t *);
#define CASES(X)                                                                                   \
    X(empty, 2)                                                                                    \
    X(alu4, 6)                                                                                     \
    X(ldr, 5)                                                                                      \
    X(ldr_ldr, 6)                                                                                  \
    X(ldr_str, 6)                                                                                  \
    X(ldr_alu_ldr, 8)                                                                              \
    X(str, 5)                                                                                      \
    X(ldr_after_start, 3)                                                                          \
    X(ldm4, 8)                                                                                     \
    X(push_pop, 9)                                                                                 \
    X(b, 5)                                                                                        \
    X(bcond_not_taken, 5)                                                                          \
    X(bcond_taken, 7)                                                                              \
    X(bl_bx, 8)                                                                                    \
    X(pop_pc, 13)                                                                                  \
    X(mul, 3)                                                                                      \
    X(mla, 4)                                                                                      \
    X(mls, 4)                                                                                      \
    X(umull, 3)                                                                                    \
    X(sdiv, 14)                                                                                    \
    X(udiv, 14)                                                                                    \
    X(ldr_literal, 5)

#define DECLARE(name, cycles) DECLARE_CASE(name)
CASES(DECLARE)

struct dwt_case {
    const char *name;
    dwt_case_fn fn;
    uint32_t expected;
};

#define ENTRY(name, cycles) {#name, dwt_case_##name, cycles},
static const struct dwt_case cases[] = {CASES(ENTRY)};

static uint32_t scratch[8];

static void run_case(const struct dwt_case *c)
{
    static const uint32_t operands[4] = {7, 5, 3, 2};
    for (unsigned i = 0; i < 4; i++) {
        scratch[i] = operands[i];
    }
    uint32_t cycles = c->fn(&DWT_CYCCNT, scratch);
    uart_puts(BULWARK_ONLY "case ");
    uart_puts(c->name);
    print_kv_dec("cycles", cycles);
    print_kv_dec("expected", c->expected);
    print_nl();
    CHECK(cycles == c->expected, c->name);
}

int main(void)
{
    test_begin("dwt_cycles");
    if (!on_bulwark()) {
        uart_puts("skipped: no cycle counter outside Bulwark\n");
        test_end();
    }
    dwt_enable();
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_case(&cases[i]);
    }
    test_end();
}
