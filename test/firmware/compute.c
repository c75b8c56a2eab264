/* compute: a fixed-length ALU/load/store loop for benchmarks (about
 * 32 million instructions), with no exceptions or I/O in the loop.
 *
 * Asserts: the first REF_ITERATIONS iterations of the assembly kernel give
 * the same checksum and table as a C reference, so the instructions are
 * executed correctly; prints the checksum of the full run (identical on
 * every correct machine). */
#include "fw.h"

#define TABLE_WORDS    256u
#define ITERATIONS     2000000u
#define INSNS_PER_ITER 16u
#define REF_ITERATIONS 1000u
#define SEED           0x2545F491u

uint32_t compute_run(uint32_t *table, uint32_t iterations, uint32_t seed);

static uint32_t table[TABLE_WORDS];
static uint32_t ref_table[TABLE_WORDS];

static uint32_t ror(uint32_t v, unsigned n)
{
    return (v >> n) | (v << (32 - n));
}

static uint32_t compute_ref(uint32_t *t, uint32_t iterations, uint32_t x)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < iterations; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint32_t w = ror(t[x & 0xFFu] + x, 7);
        t[x & 0xFFu] = w;
        sum = ror((sum ^ t[x >> 24]) + w, 3);
    }
    return sum;
}

static void fill(uint32_t *t)
{
    for (uint32_t i = 0; i < TABLE_WORDS; i++) {
        t[i] = i * 0x9E3779B9u;
    }
}

static bool tables_equal(void)
{
    for (uint32_t i = 0; i < TABLE_WORDS; i++) {
        if (table[i] != ref_table[i]) {
            return false;
        }
    }
    return true;
}

int main(void)
{
    test_begin("compute");
    fill(table);
    fill(ref_table);
    uint32_t got = compute_run(table, REF_ITERATIONS, SEED);
    uint32_t want = compute_ref(ref_table, REF_ITERATIONS, SEED);
    CHECK(got == want && tables_equal(), "assembly kernel matches the C reference");
    fill(table);
    uint32_t sum = compute_run(table, ITERATIONS, SEED);
    uart_puts("compute");
    print_kv_dec("iterations", ITERATIONS);
    print_kv_dec("loop_instructions", ITERATIONS * INSNS_PER_ITER);
    print_kv_hex("checksum", sum);
    print_nl();
    test_end();
}
