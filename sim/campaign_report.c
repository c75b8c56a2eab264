/* The campaign report (--report FILE.json, keys in scenarios/SCHEMA.md,
 * "campaign"): the table, the expectations and every run with its seed,
 * so that any run can be replayed.  No wall-clock figures. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "campaign.h"

static cJSON *golden_json(const campaign *c)
{
    const campaign_outcome *g = &c->golden;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "end", scenario_end_key((enum run_end)g->end));
    cJSON_AddNumberToObject(o, "faults", (double)g->faults);
    cJSON_AddBoolToObject(o, "kernel_panic", g->panic);
    cJSON *apps = cJSON_AddObjectToObject(o, "apps");
    for (unsigned i = 0; i < g->num_apps; i++) {
        if (cJSON_GetObjectItemCaseSensitive(apps, c->s->apps[i].name) != NULL) {
            continue; /* a second app of the same name: the same figures */
        }
        cJSON *a = cJSON_AddObjectToObject(apps, c->s->apps[i].name);
        cJSON_AddStringToObject(a, "state", g->apps[i].state);
        cJSON_AddNumberToObject(a, "restarts", g->apps[i].restarts);
        cJSON_AddNumberToObject(a, "lines", g->apps[i].lines);
    }
    return o;
}

static cJSON *classes_json(const campaign *c)
{
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < CAMPAIGN_NUM_SLOTS; k++) {
        cJSON_AddNumberToObject(o, campaign_slot_name(k), c->counts[k]);
    }
    return o;
}

static cJSON *run_json(const campaign *c, const campaign_run *r)
{
    uint64_t hz = c->b.clock_hz;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", r->index);
    cJSON_AddNumberToObject(o, "seed", (double)r->seed);
    cJSON_AddStringToObject(o, "fault", r->fault_label);
    if (r->fault_label[0]) {
        cJSON_AddNumberToObject(o, "cycle", (double)r->applied_at);
        cJSON_AddNumberToObject(o, "ms", hz ? (double)r->applied_at * 1000.0 / (double)hz : 0);
    } else {
        cJSON_AddNullToObject(o, "cycle");
        cJSON_AddNullToObject(o, "ms");
    }
    cJSON_AddStringToObject(o, "target", campaign_target_name(c, r->target));
    cJSON_AddStringToObject(o, "class", campaign_slot_name(r->cls));
    cJSON_AddStringToObject(o, "reason", r->reason);
    return o;
}

static cJSON *expectations_json(const scenario_verdict *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "class", v[i].subject);
        cJSON_AddBoolToObject(o, "passed", v[i].passed);
        cJSON_AddStringToObject(o, "reason", v[i].reason);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *report_json(const campaign *c, const scenario_verdict *v, size_t n)
{
    cJSON *root = cJSON_CreateObject();
    bool passed = c->counts[CAMPAIGN_ERROR] == 0;
    for (size_t i = 0; i < n; i++) {
        passed = passed && v[i].passed;
    }
    cJSON_AddNumberToObject(root, "bulwark_campaign", 1);
    cJSON_AddStringToObject(root, "scenario", c->s->name);
    cJSON_AddNumberToObject(root, "seed", (double)c->seed);
    cJSON_AddNumberToObject(root, "runs", c->num_runs);
    cJSON_AddItemToObject(root, "golden", golden_json(c));
    cJSON_AddItemToObject(root, "classes", classes_json(c));
    cJSON_AddBoolToObject(root, "passed", passed);
    cJSON_AddItemToObject(root, "expectations", expectations_json(v, n));
    cJSON *runs = cJSON_AddArrayToObject(root, "run_list");
    for (unsigned k = 0; k < c->num_runs; k++) {
        cJSON_AddItemToArray(runs, run_json(c, &c->runs[k]));
    }
    return root;
}

int campaign_write_report(const campaign *c, const char *path, const scenario_verdict *v, size_t n)
{
    cJSON *root = report_json(c, v, n);
    char *text = root ? cJSON_Print(root) : NULL;
    FILE *f = text ? fopen(path, "w") : NULL;
    int rc = -1;
    if (f != NULL) {
        rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
        rc = fclose(f) != 0 ? -1 : rc;
    }
    free(text);
    cJSON_Delete(root);
    return rc;
}
