#include "duration.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *unit;
    double seconds;
} units[] = {{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};

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
        *out = (duration){.value = v, .in_cycles = true};
        return true;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].unit) == 0) {
            *out = (duration){.value = v * units[i].seconds, .in_cycles = false};
            return true;
        }
    }
    return false;
}

uint64_t duration_cycles(duration d, uint64_t clock_hz)
{
    if (d.in_cycles) {
        return (uint64_t)d.value;
    }
    return (uint64_t)(d.value * (double)clock_hz + 0.5);
}
