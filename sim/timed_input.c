/* Host input delivered at a chosen simulated time (scenario timelines).
 * Each input is an event on the machine's own queue, so it lands between
 * instructions exactly as a device's events do and a run is repeatable. */
#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"

enum { TIMED_UART, TIMED_BUTTON, TIMED_GPIO };

struct timed_input {
    struct event ev;
    machine *m;
    struct timed_input *next; /* the machine's list, freed with it */
    int kind;
    int index;
    unsigned pin; /* GPIO */
    bool pressed; /* button pressed, or GPIO level high */
    size_t len;
    uint8_t data[]; /* UART bytes */
};

static void timed_input_fire(void *ctx, uint64_t when)
{
    struct timed_input *t = ctx;
    (void)when;
    if (t->kind == TIMED_UART) {
        machine_uart_input(t->m, t->index, t->data, t->len);
    } else if (t->kind == TIMED_GPIO) {
        machine_set_gpio(t->m, (unsigned)t->index, t->pin, t->pressed);
    } else {
        machine_press_button(t->m, (unsigned)t->index, t->pressed);
    }
}

static struct timed_input *timed_input_add(machine *m, size_t len, uint64_t cycle)
{
    struct timed_input *t = calloc(1, sizeof(*t) + len);
    if (t == NULL) {
        return NULL;
    }
    t->m = m;
    t->len = len;
    t->next = m->timed_inputs;
    m->timed_inputs = t;
    event_init(&t->ev, timed_input_fire, t);
    evq_schedule(m->events, &t->ev, cycle);
    return t;
}

int machine_schedule_uart_input(machine *m, int index, uint64_t cycle, const uint8_t *data,
                                size_t len)
{
    struct timed_input *t = timed_input_add(m, len, cycle);
    if (t == NULL) {
        return -1;
    }
    t->kind = TIMED_UART;
    t->index = index;
    memcpy(t->data, data, len);
    return 0;
}

int machine_schedule_button(machine *m, unsigned index, uint64_t cycle, bool pressed)
{
    struct timed_input *t = timed_input_add(m, 0, cycle);
    if (t == NULL) {
        return -1;
    }
    t->kind = TIMED_BUTTON;
    t->index = (int)index;
    t->pressed = pressed;
    return 0;
}

int machine_schedule_gpio(machine *m, unsigned port, unsigned pin, uint64_t cycle, bool level)
{
    struct timed_input *t = timed_input_add(m, 0, cycle);
    if (t == NULL) {
        return -1;
    }
    t->kind = TIMED_GPIO;
    t->index = (int)port;
    t->pin = pin;
    t->pressed = level;
    return 0;
}

void timed_input_free_all(machine *m)
{
    while (m->timed_inputs != NULL) {
        struct timed_input *t = m->timed_inputs;
        m->timed_inputs = t->next;
        free(t);
    }
}
