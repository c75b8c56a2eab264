/* Human-readable reports of a run, read through the machine-state API. */
#ifndef BULWARK_REPORT_H
#define BULWARK_REPORT_H

#include <stdio.h>

#include "machine.h"

const char *report_end_name(enum run_end end);
/* Decode CFSR/HFSR bits into names, e.g. "PRECISERR BFARVALID". */
void report_fault_bits(uint32_t cfsr, uint32_t hfsr, char *buf, size_t len);
void report_summary(FILE *out, const machine *m, const run_result *r, double host_seconds);

#endif
