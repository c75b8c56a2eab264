/* --trace FILE.json: the run on a timeline in the Chrome/Perfetto
 * trace-event format, written as it happens (memory stays bounded).  Times
 * are simulated microseconds from the cycle count and the clock, so the same
 * scenario gives the same bytes. */
#ifndef BULWARK_TRACE_OUT_H
#define BULWARK_TRACE_OUT_H

#include <stddef.h>

#include "machine.h"

typedef struct trace_out trace_out;

/* NULL on failure, with the reason in err. */
trace_out *trace_out_open(const char *path, const board *b, char *err, size_t errlen);
void trace_out_exception_entered(trace_out *t, uint64_t cycle, int exc);
void trace_out_exception_returned(trace_out *t, uint64_t cycle, int exc);
void trace_out_fault(trace_out *t, const fault_record *f);
void trace_out_uart_tx(trace_out *t, uint64_t cycle, int index, uint8_t byte);
void trace_out_leds(trace_out *t, uint64_t cycle, uint32_t leds);
/* The pin levels of GPIO port `port` (bit n: pin n) changed. */
void trace_out_gpio(trace_out *t, uint64_t cycle, int port, uint32_t levels);
/* Process scheduling: app image `app` starts or stops running.  With a
 * machine to watch (trace_out_watch), tracks are named by the kernel's
 * process table; otherwise "process N". */
void trace_out_process(trace_out *t, uint64_t cycle, int app, bool running);
void trace_out_watch(trace_out *t, machine *m);
/* Close exceptions still open at `end_cycle`, finish the file, free t.
 * Returns 0, or -1 if anything could not be written. */
int trace_out_close(trace_out *t, uint64_t end_cycle);

#endif
