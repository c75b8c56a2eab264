/* Compute benchmark: integer work with loads, stores and branches, no
 * device access (so raw Unicorn can run it unchanged), ~50 M instructions.
 * Returns 0 when the checksum is the expected one. */
#include <stdint.h>

#define N 2048
static uint32_t table[N];

static uint32_t xorshift(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

int main(void)
{
    uint32_t seed = 2463534242u;
    uint32_t sum = 0;
    for (int round = 0; round < 1600; round++) {
        for (int i = 0; i < N; i++) {
            seed = xorshift(seed);
            table[i] = seed;
        }
        for (int i = 1; i < N; i++) {
            sum += (table[i] ^ table[i - 1]) >> (i & 7);
        }
    }
    return sum == 0 ? 1 : 0;
}
