/* Shared by the scenario loader's files (scenario.c, scenario_expect_parse.c). */
#ifndef BULWARK_SCENARIO_INTERNAL_H
#define BULWARK_SCENARIO_INTERNAL_H

#include <cjson/cJSON.h>

#include "json_pos.h"
#include "scenario.h"

typedef struct scn_ctx {
    const char *file;
    const char *text; /* the file's bytes, to find line:column of a key path */
    char *err;
    size_t errlen;
    const struct scn_node_map *map; /* scenario_nodes.c: a node's keys are read from a copy */
} scn_ctx;
typedef struct scn_node_map scn_node_map;

/* Writes "FILE:LINE:COL: PATH: message" for the value at path (or its key,
 * with at_key) and returns -1. */
int scn_fail(scn_ctx *c, const char *path, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "inputs[2]" + "at" -> "inputs[2].at"; index >= 0 appends "[index]" instead. */
void scn_path(char *buf, size_t len, const char *prefix, const char *key, int index);
/* Every key of obj must be in allowed (NULL-terminated). */
int scn_check_keys(scn_ctx *c, const cJSON *obj, const char *prefix, const char *const *allowed);
/* A list of strings at prefix.key (absent is an empty list). */
int scn_string_list(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key,
                    string_list *out);
void scn_string_list_free(string_list *l);

int scn_parse_expect(scn_ctx *c, const cJSON *obj, const scenario *s, scenario_expect *out);
void scn_expect_free(scenario_expect *e);
/* scenario_fault_parse.c: the "faults" list */
int scn_parse_faults(scn_ctx *c, const cJSON *root, scenario *s);
void scn_faults_free(scenario *s);
/* scenario_procs.c: "process_state" and "restarts" */
int scn_parse_proc_expects(scn_ctx *c, const cJSON *obj, const scenario *s, scenario_expect *e);
void scn_proc_expects_free(scenario_expect *e);
/* The app name at path must be one of the scenario's apps. */
int scn_check_app_name(scn_ctx *c, const scenario *s, const char *name, const char *path,
                       bool at_key);
/* A string member; required ones must be there. */
int scn_get_string(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key, bool required,
                   const char **out);
/* "@build/..." and paths relative to the scenario file; malloc'd. */
char *scn_resolve(const char *scenario_file, const char *build_dir, const char *raw);
/* scenario_input_parse.c: the "inputs" list */
int scn_parse_inputs(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s);
/* scenario_kconfig_parse.c: "scheduler", "timeslice" and per-app
 * "fault_policy"/"max_restarts" */
int scn_parse_sched(scn_ctx *c, const cJSON *root, scenario *s);
int scn_parse_app_policy(scn_ctx *c, const cJSON *it, const char *path, scenario_app *app);
/* scenario_campaign_parse.c: the "campaign" object */
int scn_parse_campaign(scn_ctx *c, const cJSON *root, scenario *s);
int scn_get_duration(scn_ctx *c, const cJSON *obj, const char *prefix, const char *key,
                     duration *out);
/* A single-board scenario object (a node's copy too). */
int scn_parse_root(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s);
/* scenario_nodes.c: the "nodes" form and radio keys; 1 when root is a plain
 * single-board scenario, left to scn_parse_root. */
int scn_parse_nodes(scn_ctx *c, const cJSON *root, const char *build_dir, scenario *s);
void scn_nodes_free(scenario *s);
/* The path as written in the file (buf may be used); "FILE:LINE:COL: PATH"
 * for messages given after loading. */
const char *scn_map_path(const scn_ctx *c, const char *path, char *buf, size_t len);
void scn_where(const scn_ctx *c, const char *path, char *buf, size_t len);
json_pos scn_pos(const scn_ctx *c, const char *path, bool at_key);
/* scenario_radio_parse.c: radio frames among the inputs, the "radio" medium */
int scn_parse_radio(scn_ctx *c, const cJSON *root, scenario *s);
void scn_radio_free(struct scenario_radio *r);

#endif
