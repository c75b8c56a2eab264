/* Simulated durations as users write them ("2s", "500ms", "100us",
 * "4000cycles"): the same syntax for --for and for scenario files. */
#ifndef BULWARK_DURATION_H
#define BULWARK_DURATION_H

#include <stdbool.h>
#include <stdint.h>

typedef struct duration {
    double value;   /* seconds, or cycles when in_cycles */
    bool in_cycles; /* kept apart: a cycle count must not depend on the clock */
} duration;

/* Returns false unless the whole text is a non-negative number and a unit
 * (s, ms, us, ns, cycles or c), below 2^64 cycles or 2^64 ns. */
bool duration_parse(const char *text, duration *out);
uint64_t duration_cycles(duration d, uint64_t clock_hz);

#endif
