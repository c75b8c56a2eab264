/* Figures about processes measured from outside the kernel, by the
 * exception engine and the cycle model: process-to-process switches and
 * system-call round trips.  A process is told apart by which app image its
 * code runs from (the images the simulator placed with --app). */
#ifndef BULWARK_MEASURE_H
#define BULWARK_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEASURE_MAX_APPS 32
#define MEASURE_CLASSES  8

typedef struct cycle_samples {
    uint32_t *v;
    size_t n;
    size_t cap;
} cycle_samples;

typedef struct cycle_summary {
    uint64_t count;
    uint32_t min, median, p99, max;
} cycle_summary;

typedef struct measure {
    uint32_t app_start[MEASURE_MAX_APPS];
    uint32_t app_size[MEASURE_MAX_APPS];
    unsigned num_apps;
    bool open;         /* a process left for the kernel and has not come back */
    uint64_t left_at;  /* cycle of that exception */
    uint64_t slept_at; /* sleep cycles by then: time asleep does not count */
    int from;          /* the process that left */
    int svc_class;     /* its SVC's class, -1 for an interrupt or fault */
    cycle_samples switches;
    cycle_samples syscalls[MEASURE_CLASSES];
} measure;

void measure_set_apps(measure *ms, const uint32_t *start, const uint32_t *size, unsigned n);
void measure_free(measure *ms);
/* An exception taken from unprivileged thread mode at return_pc. */
void measure_leave(measure *ms, uint64_t cycle, uint64_t slept, uint32_t return_pc, int svc_class);
/* An exception return into unprivileged thread mode at pc.  Cycles the core
 * spent asleep in between are not counted: a kernel waiting for an event is
 * not switching. */
void measure_enter(measure *ms, uint64_t cycle, uint64_t slept, uint32_t pc);
cycle_summary measure_summarize(const cycle_samples *s);

#endif
