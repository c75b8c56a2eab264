/* Human-readable reports of a run, read through the machine-state API. */
#ifndef BULWARK_REPORT_H
#define BULWARK_REPORT_H

#include <stdio.h>

#include "machine.h"

const char *report_end_name(enum run_end end);
/* Decode CFSR/HFSR bits into names, e.g. "PRECISERR BFARVALID". */
void report_fault_bits(uint32_t cfsr, uint32_t hfsr, char *buf, size_t len);
void report_summary(FILE *out, const machine *m, const run_result *r, double host_seconds);

#define REPORT_CLASSES 8
/* System-call class names as reports spell them ("allow_rw", ...). */
extern const char *const report_class_keys[REPORT_CLASSES];

/* One placed app image (a process slot) over the run: what the simulator
 * measured from outside (sim/measure.h) and, when the kernel's process table
 * could be read at the end (kernel_info.h), its name, restarts and RAM. */
typedef struct proc_figures {
    char name[32]; /* the TBF package name; "image N" when the table has none */
    bool in_table; /* the kernel's process table holds this image */
    const char *state;
    unsigned restarts;
    uint64_t cycles; /* awake in thread mode in this process */
    uint64_t syscalls[REPORT_CLASSES];
    uint64_t syscalls_total;
    uint64_t upcalls, faults;
    bool sp_seen;
    uint32_t lowest_sp;   /* lowest hardware-frame address stacked from it */
    bool stack_known;     /* the process told the kernel its stack top */
    uint32_t stack_bytes; /* stack top - lowest_sp */
    uint32_t stack_size;  /* stack top - RAM block start */
    uint32_t heap_bytes, grant_bytes, ram_bytes, ram_start;
} proc_figures;
/* Fills out[0..max) for the placed images, in placement order; returns
 * how many. */
int report_processes(const machine *m, proc_figures *out, int max);
/* Energy from the board's "power" figures and the awake/asleep cycles. */
void report_energy(const machine *m, double *mj, double *average_ma);

#endif
