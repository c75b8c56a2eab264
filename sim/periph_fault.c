/* Devices that misbehave (scenario "peripheral" faults), done at the bus and
 * IRQ-line layer so that no device model knows about it: the device's ops
 * on the bus are wrapped, and its interrupt lines reach the NVIC through
 * periph_fault_irq_set, which remembers the level the device drives and
 * decides what the NVIC sees while a fault is on.  The model itself keeps
 * running underneath (a timer still counts), it just cannot be seen. */
#include <stdlib.h>
#include <string.h>

#include "fault_state.h"
#include "machine_internal.h"

#define SNAPSHOT_MAX 4096u /* bytes of registers a snapshot keeps */

struct periph_wrap {
    machine *m;
    device inner;                  /* the model as the bus had it */
    int mode;                      /* PERIPH_FAULT_* */
    const struct periph_event *by; /* the fault that set the mode */
    uint64_t period;               /* irq_flood with a period: pulses */
    uint32_t *snapshot;
    size_t snap_words;
    int lines[BOARD_MAX_DEVICE_IRQS];
    bool frozen[BOARD_MAX_DEVICE_IRQS]; /* stuck: what the NVIC saw */
    int num_lines;
};

struct periph_event {
    struct event start, stop, tick;
    uint64_t period;
    struct periph_wrap *w;
    int mode;
    machine_injection what;
    struct periph_event *next;
};

static uint32_t snapshot_read(const struct periph_wrap *w, uint32_t off, unsigned size)
{
    if (off / 4u >= w->snap_words) {
        return 0;
    }
    uint32_t word = w->snapshot[off / 4u] >> (8u * (off & 3u));
    return size >= 4 ? word : word & ((1u << (8u * size)) - 1u);
}

static uint32_t wrap_read(void *state, uint32_t off, unsigned size)
{
    struct periph_wrap *w = state;
    if (w->mode == PERIPH_FAULT_DEAD) {
        return 0;
    }
    if (w->mode == PERIPH_FAULT_STUCK) {
        return snapshot_read(w, off, size);
    }
    return w->inner.ops->read(w->inner.state, off, size);
}

static void wrap_write(void *state, uint32_t off, uint32_t value, unsigned size)
{
    struct periph_wrap *w = state;
    if (w->mode == PERIPH_FAULT_NONE || w->mode == PERIPH_FAULT_IRQ_FLOOD) {
        w->inner.ops->write(w->inner.state, off, value, size);
    }
}

/* What the NVIC sees on the wrapper's i-th line in its current mode. */
static bool shown_level(const struct periph_wrap *w, int i)
{
    switch (w->mode) {
    case PERIPH_FAULT_DEAD:
        return false;
    case PERIPH_FAULT_STUCK:
        return w->frozen[i];
    case PERIPH_FAULT_IRQ_FLOOD:
        return w->period == 0 || w->m->fstate->line_level[w->lines[i]];
    default:
        return w->m->fstate->line_level[w->lines[i]];
    }
}

static void show_lines(struct periph_wrap *w)
{
    for (int i = 0; i < w->num_lines; i++) {
        exc_irq_set(w->m, w->lines[i], shown_level(w, i));
    }
}

/* A reset (brown-out, SYSRESETREQ) cleared the NVIC's line levels: the
 * fault still holds after it. */
static void wrap_reset(void *state)
{
    struct periph_wrap *w = state;
    if (w->inner.ops->reset != NULL) {
        w->inner.ops->reset(w->inner.state);
    }
    show_lines(w);
}

static void wrap_destroy(void *state)
{
    struct periph_wrap *w = state;
    if (w->inner.ops->destroy != NULL) {
        w->inner.ops->destroy(w->inner.state);
    }
    free(w->snapshot);
    free(w);
}

static const device_ops wrap_ops = {
    .read = wrap_read, .write = wrap_write, .reset = wrap_reset, .destroy = wrap_destroy};

void periph_fault_irq_set(void *ctx, int line, bool level)
{
    machine *m = ctx;
    struct fault_state *st = m->fstate;
    if (st != NULL && line >= 0 && line < NVIC_MAX_IRQS && st->line_owner[line] != NULL) {
        st->line_level[line] = level;
        if (st->line_owner[line]->mode != PERIPH_FAULT_NONE) {
            return;
        }
    }
    exc_irq_set(m, line, level);
}

/* The registers as a CPU would read them now, one read each (a read with
 * a side effect, like a UART's receive register, has it once, here). */
static void take_snapshot(struct periph_wrap *w)
{
    size_t bytes = w->inner.size < SNAPSHOT_MAX ? w->inner.size : SNAPSHOT_MAX;
    free(w->snapshot);
    w->snap_words = bytes / 4u;
    w->snapshot = calloc(w->snap_words ? w->snap_words : 1, sizeof(uint32_t));
    for (size_t i = 0; w->snapshot != NULL && i < w->snap_words; i++) {
        uint32_t off = (uint32_t)i * 4u;
        if (w->inner.widths & DEV_W32) {
            w->snapshot[i] = w->inner.ops->read(w->inner.state, off, 4);
            continue;
        }
        for (uint32_t k = 0; k < 4; k++) {
            w->snapshot[i] |= (w->inner.ops->read(w->inner.state, off + k, 1) & 0xFFu) << (8 * k);
        }
    }
    if (w->snapshot == NULL) {
        w->snap_words = 0;
    }
}

static void start_fire(void *ctx, uint64_t when)
{
    struct periph_event *e = ctx;
    struct periph_wrap *w = e->w;
    machine *m = w->m;
    if (when > m->cycles) {
        return; /* draining after the run ended */
    }
    if (e->mode == PERIPH_FAULT_STUCK) {
        w->mode = PERIPH_FAULT_NONE;
        take_snapshot(w);
        for (int i = 0; i < w->num_lines; i++) {
            w->frozen[i] = m->nvic.level[EXC_IRQ0 + w->lines[i]];
        }
    }
    w->mode = e->mode;
    w->by = e;
    w->period = e->period;
    show_lines(w);
    if (e->mode == PERIPH_FAULT_IRQ_FLOOD && e->period != 0) {
        evq_schedule(m->events, &e->tick, when + e->period);
    }
    e->what.cycle = m->cycles;
    fault_inject_record(m, &e->what);
}

/* A flood at a rate: each line rises once per period (a rising edge pends
 * the interrupt), then shows the device's level again. */
static void tick_fire(void *ctx, uint64_t when)
{
    struct periph_event *e = ctx;
    struct periph_wrap *w = e->w;
    if (w->by != e || w->mode != PERIPH_FAULT_IRQ_FLOOD || when > w->m->cycles) {
        return;
    }
    for (int i = 0; i < w->num_lines; i++) {
        exc_irq_set(w->m, w->lines[i], true);
    }
    show_lines(w);
    evq_schedule(w->m->events, &e->tick, when + e->period);
}

static void stop_fire(void *ctx, uint64_t when)
{
    struct periph_event *e = ctx;
    (void)when;
    if (e->w->by != e) {
        return; /* a later fault on the device took over: it ends on its own */
    }
    e->w->mode = PERIPH_FAULT_NONE;
    show_lines(e->w);
}

/* The device's wrapper, made on first use. */
static struct periph_wrap *wrapper(machine *m, const board_device *bd)
{
    const device *d = bus_find(m->bus, bd->base);
    if (d != NULL && d->ops == &wrap_ops) {
        return d->state;
    }
    struct fault_state *st = fault_state_get(m);
    struct periph_wrap *w = calloc(1, sizeof(*w));
    if (st == NULL || w == NULL || bus_wrap_device(m->bus, bd->name, &wrap_ops, w, &w->inner)) {
        free(w);
        return NULL;
    }
    w->m = m;
    for (int i = 0; i < bd->num_irqs; i++) {
        int line = bd->irqs[i];
        if (line >= 0 && line < NVIC_MAX_IRQS && st->line_owner[line] == NULL) {
            st->line_owner[line] = w;
            st->line_level[line] = m->nvic.level[EXC_IRQ0 + line];
            w->lines[w->num_lines++] = line;
        }
    }
    return w;
}

int machine_schedule_peripheral_fault(machine *m, uint64_t cycle, uint64_t until, const char *name,
                                      int mode, uint64_t period, const char *label)
{
    const board_device *bd = board_find_device(&m->board, name);
    struct periph_wrap *w = bd ? wrapper(m, bd) : NULL;
    struct periph_event *e = w ? calloc(1, sizeof(*e)) : NULL;
    if (e == NULL) {
        return -1;
    }
    e->w = w;
    e->mode = mode;
    e->period = period;
    e->what.kind = "peripheral";
    e->what.address = bd->base;
    snprintf(e->what.label, sizeof(e->what.label), "%s", label);
    struct fault_state *st = m->fstate; /* made by wrapper() */
    e->next = st->periph_events;
    st->periph_events = e;
    event_init(&e->start, start_fire, e);
    event_init(&e->stop, stop_fire, e);
    event_init(&e->tick, tick_fire, e);
    evq_schedule(m->events, &e->start, cycle);
    if (until != EVQ_NEVER) {
        evq_schedule(m->events, &e->stop, until > cycle ? until : cycle);
    }
    return 0;
}

void periph_fault_free_all(machine *m)
{
    while (m->fstate != NULL && m->fstate->periph_events != NULL) {
        struct periph_event *e = m->fstate->periph_events;
        m->fstate->periph_events = e->next;
        free(e);
    }
}
