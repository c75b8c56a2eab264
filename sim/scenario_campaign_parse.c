/* The "campaign" object of a scenario file: how many runs `bulwark test`
 * makes and the bounds each outcome class's count must keep
 * (scenarios/SCHEMA.md, "campaign"). */
#include <string.h>

#include "scenario_internal.h"

static const char *const class_keys[CAMPAIGN_NUM_CLASSES] = {
    [CAMPAIGN_MASKED] = "masked", [CAMPAIGN_CONTAINED] = "contained",
    [CAMPAIGN_SPREAD] = "spread", [CAMPAIGN_SILENT] = "silent_corruption",
    [CAMPAIGN_HANG] = "hang",     [CAMPAIGN_PANIC] = "kernel_panic",
};

const char *campaign_class_key(enum campaign_class c)
{
    return (unsigned)c < CAMPAIGN_NUM_CLASSES ? class_keys[c] : "?";
}

/* A whole number in [lo, hi]: JSON numbers are doubles, so 2.5 is refused. */
static int get_count(scn_ctx *c, const cJSON *v, const char *path, long lo, long hi, long *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < (double)lo || v->valuedouble > (double)hi ||
        v->valuedouble != (double)(long)v->valuedouble) {
        return scn_fail(c, path, false, "expected a whole number from %ld to %ld", lo, hi);
    }
    *out = (long)v->valuedouble;
    return 0;
}

/* `N` (exactly N runs) or {"min": A, "max": B} (either may be left out). */
static int parse_bound(scn_ctx *c, const cJSON *v, const char *path, scenario_campaign *cp, int k)
{
    static const char *const keys[] = {"min", "max", NULL};
    char p[256];
    if (cJSON_IsNumber(v)) {
        if (get_count(c, v, path, 0, CAMPAIGN_MAX_RUNS, &cp->min[k]) != 0) {
            return -1;
        }
        cp->max[k] = cp->min[k];
        return 0;
    }
    if (!cJSON_IsObject(v) || v->child == NULL) {
        return scn_fail(c, path, false, "expected a run count or {\"min\": N, \"max\": M}");
    }
    if (scn_check_keys(c, v, path, keys) != 0) {
        return -1;
    }
    for (const cJSON *it = v->child; it != NULL; it = it->next) {
        scn_path(p, sizeof(p), path, it->string, -1);
        long *dst = strcmp(it->string, "min") == 0 ? &cp->min[k] : &cp->max[k];
        if (get_count(c, it, p, 0, CAMPAIGN_MAX_RUNS, dst) != 0) {
            return -1;
        }
    }
    if (cp->max[k] >= 0 && cp->min[k] > cp->max[k]) {
        return scn_fail(c, path, false, "min %ld is above max %ld", cp->min[k], cp->max[k]);
    }
    return 0;
}

static int parse_expect(scn_ctx *c, const cJSON *obj, scenario_campaign *cp)
{
    static const char *const keys[] = {"masked", "contained",    "spread", "silent_corruption",
                                       "hang",   "kernel_panic", NULL};
    char path[256];
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, "campaign.expect", false,
                        "expected an object of class names and run counts");
    }
    if (scn_check_keys(c, obj, "campaign.expect", keys) != 0) {
        return -1;
    }
    for (const cJSON *it = obj->child; it != NULL; it = it->next) {
        int k = 0;
        while (strcmp(class_keys[k], it->string) != 0) {
            k++;
        }
        scn_path(path, sizeof(path), "campaign.expect", it->string, -1);
        if (parse_bound(c, it, path, cp, k) != 0) {
            return -1;
        }
    }
    return 0;
}

int scn_parse_campaign(scn_ctx *c, const cJSON *root, scenario *s)
{
    static const char *const keys[] = {"runs", "expect", NULL};
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, "campaign");
    scenario_campaign *cp = &s->campaign;
    for (int k = 0; k < CAMPAIGN_NUM_CLASSES; k++) {
        cp->min[k] = 0;
        cp->max[k] = -1;
    }
    if (obj == NULL) {
        return 0;
    }
    if (!cJSON_IsObject(obj)) {
        return scn_fail(c, "campaign", false, "expected {\"runs\": N, \"expect\": {...}}");
    }
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(obj, "runs");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(obj, "expect");
    if (scn_check_keys(c, obj, "campaign", keys) != 0) {
        return -1;
    }
    if (runs == NULL) {
        return scn_fail(c, "campaign", false, "missing required key \"runs\"");
    }
    if (get_count(c, runs, "campaign.runs", 1, CAMPAIGN_MAX_RUNS, &cp->runs) != 0 ||
        (expect != NULL && parse_expect(c, expect, cp) != 0)) {
        return -1;
    }
    cp->present = true;
    return 0;
}
