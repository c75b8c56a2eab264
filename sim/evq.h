/* Virtual time: a queue of events keyed by cycle stamp.
 *
 * Devices embed a `struct event` in their own state (no allocation) and
 * schedule it at an absolute cycle.  The CPU runs until the earliest event,
 * then the machine calls evq_run_due().  An event is in the queue at most
 * once; scheduling a queued event moves it. */
#ifndef BULWARK_EVQ_H
#define BULWARK_EVQ_H

#include <stdbool.h>
#include <stdint.h>

#define EVQ_NEVER UINT64_MAX

/* Called with the cycle the event was scheduled for. */
typedef void (*event_fn)(void *ctx, uint64_t when);

struct event {
    uint64_t when;  /* absolute cycle at which fn runs */
    uint64_t order; /* insertion sequence: ties run in scheduling order */
    event_fn fn;
    void *ctx;
    int slot; /* heap index, -1 when not queued */
};

typedef struct evq evq;

evq *evq_create(void);
void evq_destroy(evq *q);

/* Prepare an event for use; it starts unqueued. */
void event_init(struct event *ev, event_fn fn, void *ctx);
bool event_queued(const struct event *ev);

void evq_schedule(evq *q, struct event *ev, uint64_t when);
void evq_cancel(evq *q, struct event *ev);
/* Cycle of the earliest queued event, EVQ_NEVER when empty. */
uint64_t evq_next(const evq *q);
/* Run, in time order, every event due at or before `now`.  Handlers may
 * schedule further events; those that fall due by `now` run too.
 * Returns how many ran. */
unsigned evq_run_due(evq *q, uint64_t now);
unsigned evq_size(const evq *q);

#endif
