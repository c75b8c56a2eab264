/* Chrome/Perfetto trace-event JSON ({"traceEvents":[...]}), streamed.
 * Tracks (tid): one per exception number, so an exception's complete event
 * ("X", written at its return) never overlaps an earlier one on its track;
 * faults, UART0 and the LEDs each have their own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_info.h"
#include "measure.h"
#include "nvic.h"
#include "report.h"
#include "trace_out.h"

#define EXC_COUNT  (16 + 240)
#define TID_FAULTS 1
#define TID_UART0  2
#define TID_LEDS   3
#define TID_UART1  4 /* UART2 on 5 */
#define TID_GPIO0  6 /* port p on TID_GPIO0 + p */
#define GPIO_PORTS 2
#define GPIO_PINS  16
#define TID_EXC0   16                     /* exception n is on tid TID_EXC0 + n */
#define TID_PROC0  (TID_EXC0 + EXC_COUNT) /* app image i is on tid TID_PROC0 + i */
#define TID_COUNT  (TID_PROC0 + MEASURE_MAX_APPS)

struct trace_out {
    FILE *f;
    uint64_t clock_hz;
    unsigned num_leds;
    bool first;                     /* no event written yet */
    uint64_t open_since[EXC_COUNT]; /* entry cycle of an active exception */
    bool open[EXC_COUNT];
    int64_t latency[EXC_COUNT];         /* an open IRQ's measured latency, -1: none */
    size_t irq_timed[MEASURE_MAX_IRQS]; /* latency samples already seen per IRQ */
    bool named[TID_COUNT];              /* thread_name metadata written */
    uint64_t last[TID_COUNT];           /* latest cycle written per track */
    machine *m;                         /* for process names, or NULL */
    bool proc_open[MEASURE_MAX_APPS];
    char proc_name[MEASURE_MAX_APPS][48]; /* JSON-escaped */
    uint64_t proc_since[MEASURE_MAX_APPS];
};

/* Cycles as microseconds with nanosecond digits, exactly, without floats. */
static void print_us(trace_out *t, uint64_t cycle)
{
    uint64_t hz = t->clock_hz ? t->clock_hz : 1;
    uint64_t whole = cycle / hz, rest = cycle % hz;
    /* rest < hz < 2^33, so rest * 10^9 fits in 64 bits */
    uint64_t ns = whole * 1000000000ull + rest * 1000000000ull / hz;
    fprintf(t->f, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

/* Start an event: separator, the common keys; the caller adds the rest. */
static void begin_event(trace_out *t, const char *ph, int tid)
{
    fprintf(t->f, "%s{\"ph\":\"%s\",\"pid\":1,\"tid\":%d", t->first ? "" : ",\n", ph, tid);
    t->first = false;
}

static void name_track(trace_out *t, int tid, const char *name)
{
    if (t->named[tid]) {
        return;
    }
    t->named[tid] = true;
    begin_event(t, "M", tid);
    fprintf(t->f, ",\"name\":\"thread_name\",\"args\":{\"name\":\"%s\"}}", name);
}

/* Timestamps never go back on a track (a block's cycles may be settled
 * back after an exception was already stamped). */
static uint64_t track_time(trace_out *t, int tid, uint64_t cycle)
{
    if (cycle < t->last[tid]) {
        cycle = t->last[tid];
    }
    t->last[tid] = cycle;
    return cycle;
}

static void exc_name(int exc, char *buf, size_t len)
{
    if (exc >= 16) {
        snprintf(buf, len, "IRQ %d", exc - 16);
    } else {
        snprintf(buf, len, "%s", machine_exception_name(exc));
    }
}

/* A byte as the body of a JSON string. */
static void byte_text(uint8_t byte, char buf[8])
{
    if (byte >= 0x20 && byte < 0x7f && byte != '"' && byte != '\\') {
        snprintf(buf, 8, "%c", byte);
    } else {
        snprintf(buf, 8, "\\u%04x", byte);
    }
}

trace_out *trace_out_open(const char *path, const board *b, char *err, size_t errlen)
{
    trace_out *t = calloc(1, sizeof(*t));
    FILE *f = t != NULL ? fopen(path, "w") : NULL;
    if (f == NULL) {
        snprintf(err, errlen, "cannot write trace %s: %s", path, strerror(errno));
        free(t);
        return NULL;
    }
    t->f = f;
    t->clock_hz = b->clock_hz;
    t->num_leds = board_led_count(b);
    t->first = true;
    fprintf(f, "{\"traceEvents\":[\n");
    begin_event(t, "M", 0);
    fprintf(f, ",\"name\":\"process_name\",\"args\":{\"name\":\"bulwark ");
    for (const char *c = b->name; *c; c++) {
        char text[8];
        byte_text((uint8_t)*c, text);
        fputs(text, f);
    }
    fprintf(f, "\"}}");
    trace_out_leds(t, 0, 0);
    return t;
}

static void write_exception(trace_out *t, int exc, uint64_t from, uint64_t to)
{
    char name[32];
    int tid = TID_EXC0 + exc;
    exc_name(exc, name, sizeof(name));
    name_track(t, tid, name);
    from = track_time(t, tid, from);
    to = track_time(t, tid, to);
    begin_event(t, "X", tid);
    fprintf(t->f, ",\"name\":\"%s\",\"cat\":\"exception\",\"ts\":", name);
    print_us(t, from);
    fprintf(t->f, ",\"dur\":");
    print_us(t, to - from);
    if (exc >= EXC_IRQ0 && t->latency[exc] >= 0) {
        fprintf(t->f, ",\"args\":{\"latency_cycles\":%lld}", (long long)t->latency[exc]);
    }
    fprintf(t->f, "}");
    t->open[exc] = false;
}

/* The latency measure.c just recorded for an interrupt being entered, if
 * it timed this entry (-1 otherwise). */
static int64_t new_latency(trace_out *t, int exc)
{
    if (t->m == NULL || exc < EXC_IRQ0 || exc - EXC_IRQ0 >= MEASURE_MAX_IRQS) {
        return -1;
    }
    const cycle_samples *s = &machine_measure(t->m)->irq_latency[exc - EXC_IRQ0];
    if (s->n == t->irq_timed[exc - EXC_IRQ0]) {
        return -1;
    }
    t->irq_timed[exc - EXC_IRQ0] = s->n;
    return s->v[s->n - 1];
}

void trace_out_exception_entered(trace_out *t, uint64_t cycle, int exc)
{
    if (exc <= 0 || exc >= EXC_COUNT) {
        return;
    }
    if (t->open[exc]) { /* a reset forgot it was active */
        write_exception(t, exc, t->open_since[exc], cycle);
    }
    t->open[exc] = true;
    t->open_since[exc] = cycle;
    t->latency[exc] = new_latency(t, exc);
}

void trace_out_exception_returned(trace_out *t, uint64_t cycle, int exc)
{
    if (exc > 0 && exc < EXC_COUNT && t->open[exc]) {
        write_exception(t, exc, t->open_since[exc], cycle);
    }
}

void trace_out_fault(trace_out *t, const fault_record *f)
{
    char bits[160];
    report_fault_bits(f->cfsr, f->hfsr, bits, sizeof(bits));
    name_track(t, TID_FAULTS, "faults");
    begin_event(t, "i", TID_FAULTS);
    fprintf(t->f, ",\"s\":\"t\",\"name\":\"%s\",\"cat\":\"fault\",\"ts\":",
            machine_exception_name(f->cause));
    print_us(t, track_time(t, TID_FAULTS, f->cycle));
    fprintf(t->f,
            ",\"args\":{\"taken\":\"%s\",\"pc\":\"0x%08x\",\"cfsr\":\"0x%08x\","
            "\"hfsr\":\"0x%08x\",\"bits\":\"%s\"}}",
            f->exception ? machine_exception_name(f->exception) : "lockup", f->pc, f->cfsr, f->hfsr,
            bits);
}

void trace_out_uart_tx(trace_out *t, uint64_t cycle, int index, uint8_t byte)
{
    char text[8], name[8];
    if (index < 0 || index > 2) {
        return;
    }
    int tid = index == 0 ? TID_UART0 : TID_UART1 + index - 1;
    byte_text(byte, text);
    snprintf(name, sizeof(name), "uart%d", index);
    name_track(t, tid, name);
    begin_event(t, "i", tid);
    fprintf(t->f, ",\"s\":\"t\",\"name\":\"%s\",\"cat\":\"%s\",\"ts\":", text, name);
    print_us(t, track_time(t, tid, cycle));
    fprintf(t->f, ",\"args\":{\"byte\":%u}}", byte);
}

void trace_out_gpio(trace_out *t, uint64_t cycle, int port, uint32_t levels)
{
    char name[8];
    if (port < 0 || port >= GPIO_PORTS) {
        return;
    }
    snprintf(name, sizeof(name), "gpio%d", port);
    name_track(t, TID_GPIO0 + port, name);
    begin_event(t, "C", TID_GPIO0 + port);
    fprintf(t->f, ",\"name\":\"%s\",\"cat\":\"gpio\",\"ts\":", name);
    print_us(t, track_time(t, TID_GPIO0 + port, cycle));
    fprintf(t->f, ",\"args\":{");
    for (unsigned i = 0; i < GPIO_PINS; i++) {
        fprintf(t->f, "%s\"pin%u\":%u", i ? "," : "", i, (levels >> i) & 1u);
    }
    fprintf(t->f, "}}");
}

void trace_out_leds(trace_out *t, uint64_t cycle, uint32_t leds)
{
    name_track(t, TID_LEDS, "leds");
    begin_event(t, "C", TID_LEDS);
    fprintf(t->f, ",\"name\":\"leds\",\"cat\":\"leds\",\"ts\":");
    print_us(t, track_time(t, TID_LEDS, cycle));
    fprintf(t->f, ",\"args\":{");
    for (unsigned i = 0; i < t->num_leds; i++) {
        fprintf(t->f, "%s\"led%u\":%u", i ? "," : "", i, (leds >> i) & 1u);
    }
    fprintf(t->f, "}}");
}

void trace_out_watch(trace_out *t, machine *m)
{
    t->m = m;
}

/* The track is named when the process first runs: by then the kernel has
 * put it in its process table. */
static void name_process(trace_out *t, int app)
{
    char name[64], err[128], *pname = t->proc_name[app];
    kinfo_proc table[KINFO_MAX_PROCS];
    int n = t->m != NULL ? kinfo_procs(t->m, table, KINFO_MAX_PROCS, err, sizeof(err)) : 0;
    const measure *ms = t->m != NULL ? machine_measure(t->m) : NULL;
    snprintf(pname, sizeof(t->proc_name[app]), "image %d", app);
    for (int k = 0; k < n; k++) {
        if (table[k].flash_start == ms->app_start[app]) {
            pname[0] = '\0';
            for (const char *c = table[k].name; *c && strlen(pname) + 8 < 48; c++) {
                char text[8];
                byte_text((uint8_t)*c, text);
                strcat(pname, text);
            }
        }
    }
    snprintf(name, sizeof(name), "process %d %s", app, pname);
    name_track(t, TID_PROC0 + app, name);
}

static void write_process(trace_out *t, int app, uint64_t to)
{
    int tid = TID_PROC0 + app;
    uint64_t from = track_time(t, tid, t->proc_since[app]);
    to = track_time(t, tid, to);
    begin_event(t, "X", tid);
    fprintf(t->f, ",\"name\":\"%s\",\"cat\":\"process\",\"ts\":", t->proc_name[app]);
    print_us(t, from);
    fprintf(t->f, ",\"dur\":");
    print_us(t, to - from);
    fprintf(t->f, "}");
    t->proc_open[app] = false;
}

void trace_out_process(trace_out *t, uint64_t cycle, int app, bool running)
{
    if (app < 0 || app >= MEASURE_MAX_APPS) {
        return;
    }
    if (!t->named[TID_PROC0 + app]) {
        name_process(t, app);
    }
    if (t->proc_open[app]) {
        write_process(t, app, cycle);
    }
    if (running) {
        t->proc_open[app] = true;
        t->proc_since[app] = cycle;
    }
}

int trace_out_close(trace_out *t, uint64_t end_cycle)
{
    for (int app = 0; app < MEASURE_MAX_APPS; app++) {
        if (t->proc_open[app]) {
            write_process(t, app, end_cycle);
        }
    }
    for (int exc = 1; exc < EXC_COUNT; exc++) {
        if (t->open[exc]) {
            write_exception(t, exc, t->open_since[exc], end_cycle);
        }
    }
    fprintf(t->f, "\n],\"displayTimeUnit\":\"ns\"}\n");
    int rc = ferror(t->f) ? -1 : 0;
    if (fclose(t->f) != 0) {
        rc = -1;
    }
    free(t);
    return rc;
}
