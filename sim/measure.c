#include "measure.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void measure_set_apps(measure *ms, const uint32_t *start, const uint32_t *size, unsigned n)
{
    ms->num_apps = n < MEASURE_MAX_APPS ? n : MEASURE_MAX_APPS;
    memcpy(ms->app_start, start, ms->num_apps * sizeof(*start));
    memcpy(ms->app_size, size, ms->num_apps * sizeof(*size));
}

void measure_free(measure *ms)
{
    free(ms->switches.v);
    for (int i = 0; i < MEASURE_CLASSES; i++) {
        free(ms->syscalls[i].v);
    }
}

static int app_of(const measure *ms, uint32_t pc)
{
    for (unsigned i = 0; i < ms->num_apps; i++) {
        if (pc - ms->app_start[i] < ms->app_size[i]) {
            return (int)i;
        }
    }
    return -1;
}

static void add(cycle_samples *s, uint64_t cycles)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        assert(s->v != NULL);
    }
    s->v[s->n++] = cycles > UINT32_MAX ? UINT32_MAX : (uint32_t)cycles;
}

void measure_leave(measure *ms, uint64_t cycle, uint64_t slept, uint32_t return_pc, int svc_class)
{
    int from = app_of(ms, return_pc);
    if (from < 0 || ms->open) {
        return;
    }
    ms->open = true;
    ms->left_at = cycle;
    ms->slept_at = slept;
    ms->from = from;
    ms->svc_class = svc_class;
}

void measure_enter(measure *ms, uint64_t cycle, uint64_t slept, uint32_t pc)
{
    int to = app_of(ms, pc);
    if (!ms->open || to < 0) {
        return;
    }
    ms->open = false;
    uint64_t took = (cycle - ms->left_at) - (slept - ms->slept_at);
    if (to != ms->from) {
        add(&ms->switches, took);
    } else if (ms->svc_class >= 0 && ms->svc_class < MEASURE_CLASSES) {
        add(&ms->syscalls[ms->svc_class], took);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a;
    uint32_t y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

cycle_summary measure_summarize(const cycle_samples *s)
{
    cycle_summary r = {.count = s->n};
    if (s->n == 0) {
        return r;
    }
    uint32_t *v = malloc(s->n * sizeof(*v));
    assert(v != NULL);
    memcpy(v, s->v, s->n * sizeof(*v));
    qsort(v, s->n, sizeof(*v), cmp_u32);
    r.min = v[0];
    r.median = v[s->n / 2];
    r.p99 = v[(s->n * 99) / 100];
    r.max = v[s->n - 1];
    free(v);
    return r;
}
