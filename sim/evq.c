/* Binary min-heap of event pointers ordered by (when, order). */
#include "evq.h"

#include <assert.h>
#include <stdlib.h>

struct evq {
    struct event **heap;
    unsigned size;
    unsigned cap;
    uint64_t next_order;
};

evq *evq_create(void)
{
    evq *q = calloc(1, sizeof(*q));
    assert(q != NULL);
    return q;
}

void evq_destroy(evq *q)
{
    if (q == NULL) {
        return;
    }
    for (unsigned i = 0; i < q->size; i++) {
        q->heap[i]->slot = -1;
    }
    free(q->heap);
    free(q);
}

void event_init(struct event *ev, event_fn fn, void *ctx)
{
    ev->when = EVQ_NEVER;
    ev->order = 0;
    ev->fn = fn;
    ev->ctx = ctx;
    ev->slot = -1;
}

bool event_queued(const struct event *ev)
{
    return ev->slot >= 0;
}

static bool earlier(const struct event *a, const struct event *b)
{
    return a->when < b->when || (a->when == b->when && a->order < b->order);
}

static void place(evq *q, unsigned i, struct event *ev)
{
    q->heap[i] = ev;
    ev->slot = (int)i;
}

static void sift_up(evq *q, unsigned i)
{
    struct event *ev = q->heap[i];
    while (i > 0) {
        unsigned parent = (i - 1) / 2;
        if (!earlier(ev, q->heap[parent])) {
            break;
        }
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, ev);
}

static void sift_down(evq *q, unsigned i)
{
    struct event *ev = q->heap[i];
    for (;;) {
        unsigned child = 2 * i + 1;
        if (child >= q->size) {
            break;
        }
        if (child + 1 < q->size && earlier(q->heap[child + 1], q->heap[child])) {
            child++;
        }
        if (!earlier(q->heap[child], ev)) {
            break;
        }
        place(q, i, q->heap[child]);
        i = child;
    }
    place(q, i, ev);
}

static void remove_at(evq *q, unsigned i)
{
    struct event *gone = q->heap[i];
    q->size--;
    gone->slot = -1;
    if (i == q->size) {
        return;
    }
    place(q, i, q->heap[q->size]);
    sift_down(q, i);
    sift_up(q, (unsigned)q->heap[i]->slot);
}

void evq_cancel(evq *q, struct event *ev)
{
    if (ev->slot < 0) {
        return;
    }
    assert((unsigned)ev->slot < q->size && q->heap[ev->slot] == ev);
    remove_at(q, (unsigned)ev->slot);
}

void evq_schedule(evq *q, struct event *ev, uint64_t when)
{
    evq_cancel(q, ev);
    if (q->size == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 16;
        q->heap = realloc(q->heap, q->cap * sizeof(*q->heap));
        assert(q->heap != NULL);
    }
    ev->when = when;
    ev->order = q->next_order++;
    place(q, q->size, ev);
    q->size++;
    sift_up(q, q->size - 1);
}

uint64_t evq_next(const evq *q)
{
    return q->size ? q->heap[0]->when : EVQ_NEVER;
}

unsigned evq_run_due(evq *q, uint64_t now)
{
    unsigned ran = 0;
    while (q->size > 0 && q->heap[0]->when <= now) {
        struct event *ev = q->heap[0];
        uint64_t when = ev->when;
        remove_at(q, 0);
        ev->fn(ev->ctx, when);
        ran++;
    }
    return ran;
}

unsigned evq_size(const evq *q)
{
    return q->size;
}
