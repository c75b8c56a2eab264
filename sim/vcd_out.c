/* Value Change Dump writer (IEEE 1364-2005, section 18).  Identifier codes
 * are single printable characters: '!' + n for LED n, then one for UART0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcd_out.h"

#define VCD_MAX_LEDS 32

struct vcd_out {
    FILE *f;
    uint64_t clock_hz;
    unsigned num_leds;
    uint32_t leds;
    uint64_t last_ns; /* time of the latest "#t" written */
    bool stamped;     /* a "#t" has been written */
};

static uint64_t cycles_ns(const vcd_out *v, uint64_t cycle)
{
    uint64_t hz = v->clock_hz ? v->clock_hz : 1;
    /* rest < hz < 2^33, so rest * 10^9 fits in 64 bits */
    return cycle / hz * 1000000000ull + cycle % hz * 1000000000ull / hz;
}

static char uart_id(const vcd_out *v)
{
    return (char)('!' + v->num_leds);
}

/* A "#t" line when time has moved on; never goes back. */
static void stamp(vcd_out *v, uint64_t cycle)
{
    uint64_t ns = cycles_ns(v, cycle);
    if (v->stamped && ns <= v->last_ns) {
        return;
    }
    v->stamped = true;
    v->last_ns = ns;
    fprintf(v->f, "#%llu\n", (unsigned long long)ns);
}

static void write_byte(vcd_out *v, uint8_t byte)
{
    fputc('b', v->f);
    for (int bit = 7; bit >= 0; bit--) {
        fputc((byte >> bit) & 1u ? '1' : '0', v->f);
    }
    fprintf(v->f, " %c\n", uart_id(v));
}

static void write_header(vcd_out *v, const board *b)
{
    fprintf(v->f, "$version bulwark %s board %s $end\n", BULWARK_VERSION, b->name);
    fprintf(v->f, "$comment clock %llu Hz; times are simulated $end\n",
            (unsigned long long)b->clock_hz);
    fprintf(v->f, "$timescale 1 ns $end\n$scope module %s $end\n", "bulwark");
    for (unsigned i = 0; i < v->num_leds; i++) {
        fprintf(v->f, "$var wire 1 %c led%u $end\n", (char)('!' + i), i);
    }
    fprintf(v->f, "$var wire 8 %c uart0 [7:0] $end\n", uart_id(v));
    fprintf(v->f, "$upscope $end\n$enddefinitions $end\n");
    stamp(v, 0);
    fprintf(v->f, "$dumpvars\n");
    for (unsigned i = 0; i < v->num_leds; i++) {
        fprintf(v->f, "0%c\n", (char)('!' + i));
    }
    write_byte(v, 0);
    fprintf(v->f, "$end\n");
}

vcd_out *vcd_out_open(const char *path, const board *b, char *err, size_t errlen)
{
    vcd_out *v = calloc(1, sizeof(*v));
    FILE *f = v != NULL ? fopen(path, "w") : NULL;
    if (f == NULL) {
        snprintf(err, errlen, "cannot write VCD %s: %s", path, strerror(errno));
        free(v);
        return NULL;
    }
    v->f = f;
    v->clock_hz = b->clock_hz;
    v->num_leds = board_led_count(b);
    if (v->num_leds > VCD_MAX_LEDS) {
        v->num_leds = VCD_MAX_LEDS;
    }
    write_header(v, b);
    return v;
}

void vcd_out_uart_tx(vcd_out *v, uint64_t cycle, int index, uint8_t byte)
{
    if (index != 0) {
        return;
    }
    stamp(v, cycle);
    write_byte(v, byte);
}

void vcd_out_leds(vcd_out *v, uint64_t cycle, uint32_t leds)
{
    uint32_t changed = (leds ^ v->leds);
    if (changed == 0) {
        return;
    }
    stamp(v, cycle);
    for (unsigned i = 0; i < v->num_leds; i++) {
        if ((changed >> i) & 1u) {
            fprintf(v->f, "%c%c\n", (leds >> i) & 1u ? '1' : '0', (char)('!' + i));
        }
    }
    v->leds = leds;
}

int vcd_out_close(vcd_out *v, uint64_t end_cycle)
{
    stamp(v, end_cycle);
    int rc = ferror(v->f) ? -1 : 0;
    if (fclose(v->f) != 0) {
        rc = -1;
    }
    free(v);
    return rc;
}
