/* Scenario keys that configure the kernel rather than the machine:
 * "scheduler", "timeslice" and each app's "fault_policy"/"max_restarts".
 * kconfig_patch.c writes them into the kernel's configuration word. */
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"
#include "kconfig_patch.h"
#include "scenario_internal.h"

static const char *const sched_names[] = {"round_robin", "cooperative", "priority", NULL};
static const char *const policy_names[] = {"stop", "restart", "restart_n", "panic", NULL};

static int name_index(const char *const *names, const char *name)
{
    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

static int parse_timeslice(scn_ctx *c, const cJSON *root, scenario *s)
{
    duration d;
    if (cJSON_GetObjectItemCaseSensitive(root, "timeslice") == NULL) {
        return 0;
    }
    if (scn_get_duration(c, root, "", "timeslice", &d) != 0) {
        return -1;
    }
    /* the kernel counts microseconds; a cycle count would depend on the clock */
    if (d.in_cycles || d.value < 1e-6 || d.value > 4294.0) {
        return scn_fail(c, "timeslice", false,
                        "expected a time from \"1us\" to \"4000s\" (not in cycles)");
    }
    s->timeslice_us = (uint32_t)(d.value * 1e6 + 0.5);
    return 0;
}

int scn_parse_sched(scn_ctx *c, const cJSON *root, scenario *s)
{
    const char *name;
    s->sched = -1;
    if (scn_get_string(c, root, "", "scheduler", false, &name) != 0) {
        return -1;
    }
    if (name != NULL && (s->sched = name_index(sched_names, name)) < 0) {
        return scn_fail(c, "scheduler", false,
                        "expected \"round_robin\", \"cooperative\" or \"priority\", got \"%s\"",
                        name);
    }
    return parse_timeslice(c, root, s);
}

static int parse_max_restarts(scn_ctx *c, const cJSON *it, const char *path, scenario_app *app)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "max_restarts");
    char p[160];
    scn_path(p, sizeof(p), path, "max_restarts", -1);
    if (v == NULL) {
        if (app->fault_policy == KCONFIG_FAULT_RESTART_N) {
            return scn_fail(c, path, false, "\"restart_n\" needs \"max_restarts\"");
        }
        return 0;
    }
    if (app->fault_policy != KCONFIG_FAULT_RESTART_N) {
        return scn_fail(c, p, true, "\"max_restarts\" goes with \"fault_policy\": \"restart_n\"");
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1000000 ||
        v->valuedouble != (double)(long)v->valuedouble) {
        return scn_fail(c, p, false, "expected a whole number 0..1000000");
    }
    app->max_restarts = (long)v->valuedouble;
    return 0;
}

int scn_parse_app_policy(scn_ctx *c, const cJSON *it, const char *path, scenario_app *app)
{
    const char *name;
    char p[160], where[512];
    app->fault_policy = -1;
    app->max_restarts = -1;
    if (scn_get_string(c, it, path, "fault_policy", false, &name) != 0) {
        return -1;
    }
    scn_path(p, sizeof(p), path, "fault_policy", -1);
    if (name != NULL) {
        if ((app->fault_policy = name_index(policy_names, name)) < 0) {
            return scn_fail(
                c, p, false,
                "expected \"stop\", \"restart\", \"restart_n\" or \"panic\", got \"%s\"", name);
        }
        /* the kernel's override table is only known once the ELF is read */
        scn_where(c, p, where, sizeof(where));
        app->where = strdup(where);
    }
    return parse_max_restarts(c, it, path, app);
}
