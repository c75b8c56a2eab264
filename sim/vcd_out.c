/* Value Change Dump writer (IEEE 1364-2005, section 18).  Identifier codes
 * are single printable characters: '!' + n for LED n, then one for UART0,
 * then one per GPIO pin of each port the board has (at most 32 + 1 + 32
 * codes, all within '!'..'~'). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcd_out.h"

#define VCD_MAX_LEDS   32
#define VCD_GPIO_PORTS 2
#define VCD_GPIO_PINS  16

struct vcd_out {
    FILE *f;
    uint64_t clock_hz;
    unsigned num_leds;
    uint32_t leds;
    bool has_gpio[VCD_GPIO_PORTS];
    uint32_t gpio[VCD_GPIO_PORTS];
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

/* Pin codes follow UART0's, port by port, for the ports the board has. */
static char gpio_id(const vcd_out *v, int port, unsigned pin)
{
    unsigned before = 0;
    for (int p = 0; p < port; p++) {
        before += v->has_gpio[p] ? VCD_GPIO_PINS : 0;
    }
    return (char)(uart_id(v) + 1 + before + pin);
}

/* MPS2 places GPIO port n at 0x40010000 + n * 0x1000. */
static void find_gpio_ports(vcd_out *v, const board *b)
{
    for (unsigned i = 0; i < b->num_devices; i++) {
        const board_device *d = &b->devices[i];
        uint32_t port = (d->base - 0x40010000u) / 0x1000u;
        if (strncmp(d->type, "cmsdk-ahb-gpio", 14) == 0 && d->base >= 0x40010000u &&
            port < VCD_GPIO_PORTS) {
            v->has_gpio[port] = true;
        }
    }
}

static void write_gpio_vars(vcd_out *v, bool values)
{
    for (int p = 0; p < VCD_GPIO_PORTS; p++) {
        for (unsigned n = 0; v->has_gpio[p] && n < VCD_GPIO_PINS; n++) {
            if (values) {
                fprintf(v->f, "0%c\n", gpio_id(v, p, n));
            } else {
                fprintf(v->f, "$var wire 1 %c gpio%d_%u $end\n", gpio_id(v, p, n), p, n);
            }
        }
    }
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
    write_gpio_vars(v, false);
    fprintf(v->f, "$upscope $end\n$enddefinitions $end\n");
    stamp(v, 0);
    fprintf(v->f, "$dumpvars\n");
    for (unsigned i = 0; i < v->num_leds; i++) {
        fprintf(v->f, "0%c\n", (char)('!' + i));
    }
    write_byte(v, 0);
    write_gpio_vars(v, true);
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
    find_gpio_ports(v, b);
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

void vcd_out_gpio(vcd_out *v, uint64_t cycle, int port, uint32_t levels)
{
    if (port < 0 || port >= VCD_GPIO_PORTS || !v->has_gpio[port]) {
        return;
    }
    uint32_t changed = (levels ^ v->gpio[port]) & 0xFFFFu;
    if (changed == 0) {
        return;
    }
    stamp(v, cycle);
    for (unsigned n = 0; n < VCD_GPIO_PINS; n++) {
        if ((changed >> n) & 1u) {
            fprintf(v->f, "%c%c\n", (levels >> n) & 1u ? '1' : '0', gpio_id(v, port, n));
        }
    }
    v->gpio[port] = levels;
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
