/* Figures about processes measured from outside the kernel, by the
 * exception engine and the cycle model: process-to-process switches,
 * system-call round trips, interrupt latency and per-process figures
 * (cycles run, system calls, upcalls, faults, lowest stack pointer).  A
 * process is told apart by which app image its code runs from (the images
 * the simulator placed with --app). */
#ifndef BULWARK_MEASURE_H
#define BULWARK_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEASURE_MAX_APPS 32
#define MEASURE_CLASSES  8
#define MEASURE_MAX_IRQS 240

typedef struct cycle_samples {
    uint32_t *v;
    size_t n;
    size_t cap;
} cycle_samples;

typedef struct cycle_summary {
    uint64_t count;
    uint32_t min, median, p99, max;
} cycle_summary;

/* One placed app image, i.e. one process slot, over the whole run. */
typedef struct measure_proc {
    uint64_t cycles; /* awake in thread mode, entered at a pc in its image */
    uint64_t runs;   /* spans: exception return into it .. next exception */
    uint64_t syscalls[MEASURE_CLASSES];
    uint64_t upcalls;   /* resumed at a pc other than the one it left from */
    uint64_t faults;    /* faults at a pc in its image */
    uint32_t lowest_sp; /* lowest hardware frame address stacked from it */
    bool sp_seen;
    bool sp_armed;     /* it gave its stack hint since (re)starting */
    bool started;      /* entered at least once */
    uint32_t entry_pc; /* the pc of its first entry: a resume there is a restart */
    bool has_left;
    uint32_t left_pc; /* where it left for the kernel last time */
} measure_proc;

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
    /* The process running now (-1: none) and since when. */
    int running;
    uint64_t run_since, run_slept;
    measure_proc procs[MEASURE_MAX_APPS];
    /* Interrupt latency: when each external interrupt became pending. */
    bool irq_timed[MEASURE_MAX_IRQS];
    uint64_t irq_pended_at[MEASURE_MAX_IRQS];
    cycle_samples irq_latency[MEASURE_MAX_IRQS];
} measure;

void measure_set_apps(measure *ms, const uint32_t *start, const uint32_t *size, unsigned n);
void measure_free(measure *ms);
/* An exception taken from unprivileged thread mode at return_pc; an SVC's
 * class and its r0 (arg0), else svc_class -1; frame_sp is where its
 * hardware frame goes (the stack pointer sample).  Returns the app that
 * stopped running, or -1. */
int measure_leave(measure *ms, uint64_t cycle, uint64_t slept, uint32_t return_pc, int svc_class,
                  uint32_t arg0, uint32_t frame_sp);
/* An exception return into unprivileged thread mode at pc.  Cycles the core
 * spent asleep in between are not counted: a kernel waiting for an event is
 * not switching.  Returns the app that starts running, or -1. */
int measure_enter(measure *ms, uint64_t cycle, uint64_t slept, uint32_t pc);
/* The core was reset (power-on, SYSRESETREQ, brown-out): the running
 * process stops, a switch or system call under way never completes and
 * pending interrupts are forgotten.  Returns the app that stopped, or -1. */
int measure_reset(measure *ms, uint64_t cycle, uint64_t slept);
/* A fault whose faulting instruction (or stacked pc) is at pc. */
void measure_fault(measure *ms, uint32_t pc);
/* External interrupt irq became pending at cycle / its handler's first
 * instruction runs at cycle. */
void measure_irq_pended(measure *ms, int irq, uint64_t cycle);
void measure_irq_entered(measure *ms, int irq, uint64_t cycle);
/* Cycles app has run, counting a span still open at (cycle, slept). */
uint64_t measure_proc_cycles(const measure *ms, unsigned app, uint64_t cycle, uint64_t slept);
/* The image index holding pc, or -1. */
int measure_app_at(const measure *ms, uint32_t pc);
cycle_summary measure_summarize(const cycle_samples *s);
/* All interrupts' latencies together. */
cycle_summary measure_irq_summary(const measure *ms);

#endif
