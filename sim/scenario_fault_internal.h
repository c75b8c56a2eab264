/* Shared by the fault parts of the scenario loader (scenario_fault_parse.c,
 * scenario_random.c). */
#ifndef BULWARK_SCENARIO_FAULT_INTERNAL_H
#define BULWARK_SCENARIO_FAULT_INTERNAL_H

#include "scenario_internal.h"

/* One fault object at path; a template (tmpl) has no "at" and may leave
 * "bit", a region's "offset" out and name "register": "any". */
int scn_parse_fault(scn_ctx *c, const scenario *s, const cJSON *it, const char *path,
                    scenario_fault *f, bool tmpl);
void scn_fault_free(scenario_fault *f);
/* "random_faults" (scenario_random.c). */
int scn_parse_random_faults(scn_ctx *c, const cJSON *root, scenario *s);

#endif
