/* What the kernel's UART0 lines say about one process (scenario_procs.c). */
#ifndef BULWARK_SCENARIO_PROCS_H
#define BULWARK_SCENARIO_PROCS_H

typedef struct scenario_proc_state {
    char state[16]; /* running, faulted, stopped, terminated, exited or "not loaded" */
    long restarts;  /* "[kernel] NAME restarted" lines */
} scenario_proc_state;

/* Reads every line of uart (a C string) for process `name`. */
void scenario_proc_tally(const char *uart, const char *name, scenario_proc_state *st);

#endif
