#include "duration.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *unit;
    double seconds;
} units[] = {{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};

/* 2^64: no cycle count reaches it.  A duration in seconds is bounded so that
 * it stays below that at the fastest clock a board may have (1 GHz): about
 * 584 years, so "1e308s" is an error, not a run of 0 cycles. */
#define CYCLES_LIMIT  18446744073709551616.0
#define SECONDS_LIMIT (CYCLES_LIMIT / 1e9)

bool duration_parse(const char *text, duration *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    /* strtod also takes "inf", "nan" and hex floats: only plain digits here */
    if (errno != 0 || end == text || v < 0 || !(text[0] >= '0' && text[0] <= '9')) {
        return false;
    }
    if (strcmp(end, "cycles") == 0 || strcmp(end, "c") == 0) {
        if (v >= CYCLES_LIMIT) {
            return false;
        }
        *out = (duration){.value = v, .in_cycles = true};
        return true;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].unit) == 0) {
            if (v * units[i].seconds >= SECONDS_LIMIT) {
                return false;
            }
            *out = (duration){.value = v * units[i].seconds, .in_cycles = false};
            return true;
        }
    }
    return false;
}

/* Saturates: converting a double past the range of uint64_t is undefined
 * (on x86 it gave 0, a run that ended at once). */
uint64_t duration_cycles(duration d, uint64_t clock_hz)
{
    double c = d.in_cycles ? d.value : d.value * (double)clock_hz + 0.5;
    return c >= CYCLES_LIMIT ? UINT64_MAX : (uint64_t)c;
}
