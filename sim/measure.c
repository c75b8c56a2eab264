#include "measure.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define SVC_MEMOP        5  /* kernel/ABI.md: system call classes */
#define MEMOP_STACK_HINT 10 /* memop 10: "my stack top is r1" */

void measure_set_apps(measure *ms, const uint32_t *start, const uint32_t *size, unsigned n)
{
    ms->num_apps = n < MEASURE_MAX_APPS ? n : MEASURE_MAX_APPS;
    memcpy(ms->app_start, start, ms->num_apps * sizeof(*start));
    memcpy(ms->app_size, size, ms->num_apps * sizeof(*size));
    ms->running = -1;
}

void measure_free(measure *ms)
{
    free(ms->switches.v);
    for (int i = 0; i < MEASURE_CLASSES; i++) {
        free(ms->syscalls[i].v);
    }
    for (int i = 0; i < MEASURE_MAX_IRQS; i++) {
        free(ms->irq_latency[i].v);
    }
}

int measure_app_at(const measure *ms, uint32_t pc)
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

/* The running span ends: charge it to its process, minus time asleep (an
 * unprivileged wfi). */
static int stop_running(measure *ms, uint64_t cycle, uint64_t slept)
{
    int app = ms->running;
    if (app < 0 || app >= (int)ms->num_apps) { /* none, or no apps set yet */
        return -1;
    }
    measure_proc *p = &ms->procs[app];
    uint64_t span = cycle > ms->run_since ? cycle - ms->run_since : 0;
    uint64_t asleep = slept - ms->run_slept;
    p->cycles += span > asleep ? span - asleep : 0;
    p->runs++;
    ms->running = -1;
    return app;
}

/* What the process did as it left: its system call, where it left from, the
 * stack its frame went on. */
static void note_departure(measure *ms, int app, uint32_t return_pc, int svc_class, uint32_t arg0,
                           uint32_t frame_sp)
{
    measure_proc *p = &ms->procs[app];
    if (svc_class >= 0 && svc_class < MEASURE_CLASSES) {
        p->syscalls[svc_class]++;
    }
    p->has_left = true;
    p->left_pc = return_pc;
    /* Until it tells the kernel where its stack is (memop 10, the stack
     * hint) a process runs on the frame the kernel built for its entry (at
     * its initial break, low in its block), not on its own stack: samples
     * start with that system call. */
    if (svc_class == SVC_MEMOP && arg0 == MEMOP_STACK_HINT) {
        p->sp_armed = true;
    }
    if (!p->sp_armed) {
        return;
    }
    if (!p->sp_seen || frame_sp < p->lowest_sp) {
        p->lowest_sp = frame_sp;
        p->sp_seen = true;
    }
}

int measure_leave(measure *ms, uint64_t cycle, uint64_t slept, uint32_t return_pc, int svc_class,
                  uint32_t arg0, uint32_t frame_sp)
{
    int was = ms->running;
    int stopped = stop_running(ms, cycle, slept);
    int from = measure_app_at(ms, return_pc);
    int who = was >= 0 ? was : from;
    if (who >= 0) {
        note_departure(ms, who, return_pc, svc_class, arg0, frame_sp);
    }
    if (from >= 0 && !ms->open) {
        ms->open = true;
        ms->left_at = cycle;
        ms->slept_at = slept;
        ms->from = from;
        ms->svc_class = svc_class;
    }
    return stopped;
}

/* Resuming somewhere else than where it left, and not at its entry point
 * (a restart), is the kernel delivering an upcall. */
static void note_arrival(measure *ms, int app, uint32_t pc)
{
    measure_proc *p = &ms->procs[app];
    if (!p->started || pc == p->entry_pc) { /* first start, or a restart */
        p->started = true;
        p->entry_pc = pc;
        p->sp_armed = false;
    } else if (p->has_left && pc != p->left_pc && pc != p->entry_pc) {
        p->upcalls++;
    }
}

static void time_round_trip(measure *ms, uint64_t cycle, uint64_t slept, int to)
{
    ms->open = false;
    uint64_t took = (cycle - ms->left_at) - (slept - ms->slept_at);
    if (to != ms->from) {
        add(&ms->switches, took);
    } else if (ms->svc_class >= 0 && ms->svc_class < MEASURE_CLASSES) {
        add(&ms->syscalls[ms->svc_class], took);
    }
}

int measure_enter(measure *ms, uint64_t cycle, uint64_t slept, uint32_t pc)
{
    int to = measure_app_at(ms, pc);
    if (to < 0) {
        return -1;
    }
    note_arrival(ms, to, pc);
    ms->running = to;
    ms->run_since = cycle;
    ms->run_slept = slept;
    if (ms->open) {
        time_round_trip(ms, cycle, slept, to);
    }
    return to;
}

int measure_reset(measure *ms, uint64_t cycle, uint64_t slept)
{
    ms->open = false;
    memset(ms->irq_timed, 0, sizeof(ms->irq_timed));
    return stop_running(ms, cycle, slept);
}

void measure_fault(measure *ms, uint32_t pc)
{
    int app = measure_app_at(ms, pc);
    if (app >= 0) {
        ms->procs[app].faults++;
    }
}

void measure_irq_pended(measure *ms, int irq, uint64_t cycle)
{
    if (irq >= 0 && irq < MEASURE_MAX_IRQS) {
        ms->irq_timed[irq] = true;
        ms->irq_pended_at[irq] = cycle;
    }
}

void measure_irq_entered(measure *ms, int irq, uint64_t cycle)
{
    if (irq < 0 || irq >= MEASURE_MAX_IRQS || !ms->irq_timed[irq]) {
        return; /* pended by software (NVIC_ISPR): no line edge to time from */
    }
    ms->irq_timed[irq] = false;
    uint64_t since = ms->irq_pended_at[irq];
    add(&ms->irq_latency[irq], cycle > since ? cycle - since : 0);
}

uint64_t measure_proc_cycles(const measure *ms, unsigned app, uint64_t cycle, uint64_t slept)
{
    uint64_t c = ms->procs[app].cycles;
    if (ms->running == (int)app && cycle > ms->run_since) {
        uint64_t span = cycle - ms->run_since, asleep = slept - ms->run_slept;
        c += span > asleep ? span - asleep : 0;
    }
    return c;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a;
    uint32_t y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static cycle_summary summarize_sorted(uint32_t *v, size_t n)
{
    cycle_summary r = {.count = n};
    if (n == 0) {
        return r;
    }
    qsort(v, n, sizeof(*v), cmp_u32);
    r.min = v[0];
    r.median = v[n / 2];
    r.p99 = v[(n * 99) / 100];
    r.max = v[n - 1];
    return r;
}

cycle_summary measure_summarize(const cycle_samples *s)
{
    uint32_t *v = malloc((s->n + 1) * sizeof(*v));
    assert(v != NULL);
    if (s->n) {
        memcpy(v, s->v, s->n * sizeof(*v));
    }
    cycle_summary r = summarize_sorted(v, s->n);
    free(v);
    return r;
}

cycle_summary measure_irq_summary(const measure *ms)
{
    size_t n = 0;
    for (int i = 0; i < MEASURE_MAX_IRQS; i++) {
        n += ms->irq_latency[i].n;
    }
    uint32_t *v = malloc((n + 1) * sizeof(*v));
    assert(v != NULL);
    n = 0;
    for (int i = 0; i < MEASURE_MAX_IRQS; i++) {
        if (ms->irq_latency[i].n) {
            memcpy(v + n, ms->irq_latency[i].v, ms->irq_latency[i].n * sizeof(*v));
            n += ms->irq_latency[i].n;
        }
    }
    cycle_summary r = summarize_sorted(v, n);
    free(v);
    return r;
}
