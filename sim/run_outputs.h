/* The files a run writes as it goes (--trace, --vcd), fed by one machine
 * observer.  Both command-line and scenario runs use it. */
#ifndef BULWARK_RUN_OUTPUTS_H
#define BULWARK_RUN_OUTPUTS_H

#include "trace_out.h"
#include "vcd_out.h"

typedef struct run_outputs {
    trace_out *trace;
    vcd_out *vcd;
} run_outputs;

/* Open the files named (NULL: not wanted).  Returns 0, or -1 with the reason
 * in err and nothing left open. */
int run_outputs_open(run_outputs *o, const char *trace_path, const char *vcd_path, const board *b,
                     char *err, size_t errlen);
/* Watch m; a no-op when no output was asked for. */
void run_outputs_attach(run_outputs *o, machine *m);
/* Finish and close; -1 if a file could not be written completely. */
int run_outputs_close(run_outputs *o, uint64_t end_cycle);

#endif
