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
/* Index of the placed app whose image holds pc, or -1 (kernel or elsewhere). */
int scenario_app_at(const app_placement *placed, uint32_t pc);

#endif
