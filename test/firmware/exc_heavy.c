/* exc_heavy: ROUNDS SVC round trips (entry + return each) for
 * benchmarking exception handling.  Asserts that the handler ran once
 * per SVC, i.e. every stacked r0 update came back to the caller. */
#include "fw.h"

#define ROUNDS 1000000u

uint32_t exc_heavy_run(uint32_t rounds);

int main(void)
{
    test_begin("exc_heavy");
    uint32_t count = exc_heavy_run(ROUNDS);
    uart_puts("exc_heavy");
    print_kv_dec("rounds", ROUNDS);
    print_kv_dec("handled", count);
    print_nl();
    CHECK(count == ROUNDS, "one handler run per SVC");
    test_end();
}
