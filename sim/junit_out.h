/* --junit FILE.xml: a scenario's verdicts for CI systems. */
#ifndef BULWARK_JUNIT_OUT_H
#define BULWARK_JUNIT_OUT_H

#include "scenario_check.h"

/* One <testsuite> named after the scenario, one <testcase> per expectation
 * with a <failure> when it failed.  `seconds` is simulated time.  Returns
 * 0, or -1 if the file cannot be written. */
int junit_write(const char *path, const char *suite, double seconds, const scenario_verdict *v,
                size_t n);

#endif
