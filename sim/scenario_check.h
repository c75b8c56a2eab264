/* Judging a finished scenario run against its "expect" object, and the
 * JSON report (keys documented in scenarios/SCHEMA.md). */
#ifndef BULWARK_SCENARIO_CHECK_H
#define BULWARK_SCENARIO_CHECK_H

#include <stdio.h>

#include "app_images.h"
#include "machine.h"
#include "scenario.h"

typedef struct scenario_verdict {
    char what[32];     /* the expect key, e.g. "uart_contains" */
    char subject[200]; /* its argument, e.g. the text looked for */
    bool passed;
    char reason[512];
} scenario_verdict;

/* One verdict per expectation, in file order; *out is malloc'd. */
size_t scenario_check(const scenario *s, const machine *m, const run_result *r,
                      const app_placement *placed, scenario_verdict **out);
void scenario_print_verdicts(FILE *out, const scenario_verdict *v, size_t n);
/* Returns 0, or -1 if the file cannot be written. */
int scenario_write_report(const char *path, const scenario *s, const machine *m,
                          const run_result *r, const app_placement *placed,
                          const scenario_verdict *v, size_t n);
/* The same report as a cJSON object (the caller deletes it), and writing
 * one to a file (deleting it); 0, or -1 if the file cannot be written. */
void *scenario_report_json(const scenario *s, const machine *m, const run_result *r,
                           const app_placement *placed, const scenario_verdict *v, size_t n);
/* The verdicts as the report's "expectations" list (a cJSON array);
 * *passed says whether all of them passed. */
void *scenario_verdicts_json(const scenario_verdict *v, size_t n, bool *passed);
int scenario_write_json(const char *path, void *obj);
/* The report's run and measurement keys (a cJSON object, the caller
 * deletes it): what metric thresholds are checked against. */
void *scenario_metrics_json(const scenario *s, const machine *m, const run_result *r);
/* Adds the measurement keys (energy, switch/syscall/IRQ cycles, processes)
 * to a report object (a cJSON *). */
void scenario_add_measurements(void *obj, const scenario *s, const machine *m);
/* Is name a metric path a report of this scenario has (e.g.
 * "switch_cycles.p99", "processes.hello.upcalls")? */
bool scenario_metric_known(const scenario *s, const char *name);
/* Index of the placed app whose image holds pc, or -1 (kernel or elsewhere). */
int scenario_app_at(const app_placement *placed, uint32_t pc);

#endif
